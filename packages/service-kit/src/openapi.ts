import { z } from 'zod';
import { Problem } from './problem.js';
import type { RouteDefinition, ServiceModule } from './route.js';

/** What a command answers: where its events landed. Repeats (same Idempotency-Key) answer the first outcome. */
export const CommandResponse = z.object({
  streamId: z.string(),
  streamVersion: z.number().int(),
  replayed: z.boolean().describe('true when an earlier request with this Idempotency-Key already did it'),
  events: z.array(
    z.object({
      eventId: z.string(),
      type: z.string(),
      streamVersion: z.number().int(),
      position: z.number().int(),
      recordedAt: z.string(),
    }),
  ),
  subject: z.record(z.string(), z.string()).optional().describe('ids of what the command created'),
});
export type CommandResponse = z.infer<typeof CommandResponse>;

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** `/decisions/:decisionId` → `/decisions/{decisionId}` */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(schema: z.ZodType | undefined, location: 'path' | 'query'): JsonSchema[] {
  if (!(schema instanceof z.ZodObject)) return [];
  const required = new Set((jsonSchema(schema, 'input').required as string[] | undefined) ?? []);
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    schema: jsonSchema(property, 'input'),
    ...(property.description === undefined ? {} : { description: property.description }),
  }));
}

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

function operation(service: ServiceModule, route: RouteDefinition): JsonSchema {
  const isPublic = route.allow.includes('public');
  const success = route.kind === 'command' ? CommandResponse : route.response;
  const content =
    route.textResponse !== undefined
      ? { [route.textResponse.mediaType ?? 'text/plain']: { schema: { type: 'string' } } }
      : success === undefined
        ? undefined
        : { 'application/json': { schema: jsonSchema(success, 'output') } };
  const responses: Record<string, unknown> = {
    [route.kind === 'command' ? '201' : '200']: {
      description:
        route.kind === 'command' ? 'appended; 200 when the Idempotency-Key was seen before' : (route.textResponse?.description ?? 'the answer'),
      ...(content === undefined ? {} : { content }),
    },
    '400': problemResponse('invalid input: every field at fault in `errors`'),
    '404': problemResponse('no such subject'),
  };
  if (!isPublic) {
    responses['401'] = problemResponse('no valid bearer token');
    responses['403'] = problemResponse(`allowed to: ${route.allow.join(', ')}`);
  }
  if (route.kind === 'command') {
    responses['409'] = problemResponse('the subject is in another state than the command needs');
    responses['422'] = problemResponse('the command breaks a rule; `code` and `article` name it');
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: [route.description, `Allowed: ${route.allow.join(', ')}.`].filter(Boolean).join('\n\n'),
    tags: [service.name],
    parameters: [
      ...parameters(route.params, 'path'),
      ...parameters(route.query, 'query'),
      ...(route.kind === 'command'
        ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,64}$' } }]
        : []),
    ],
    ...(route.body === undefined
      ? {}
      : { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } }),
    responses,
    ...(isPublic ? { security: [{}, { bearer: [] }] } : { security: [{ bearer: [] }] }),
  };
}

/** The OpenAPI 3.1 document of the given services, generated from the same zod schemas that validate requests. */
export function createOpenApiDocument(services: readonly ServiceModule[], info: { title: string; version: string }): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const service of services) {
    for (const route of service.routes) {
      const path = openApiPath(route.path);
      paths[path] = { ...paths[path], [route.method]: operation(service, route) };
    }
  }
  return {
    openapi: '3.1.0',
    info: { ...info, description: 'Quanze (权责): an event-sourced accountability ledger. Errors are RFC 9457 problem+json.' },
    tags: services.map((service) => ({ name: service.name, description: service.description })),
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Problem: jsonSchema(Problem, 'output') },
    },
  };
}
