import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import canonicalize from 'canonicalize';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { pino } from 'pino';
import { v5 as uuidV5 } from 'uuid';
import type { z } from 'zod';
import { EventParseError, WELL_FORMED, isWellFormed, newEventId } from '@quanze/events';
import type { EventStore } from '@quanze/eventstore';
import { EventStoreError, StoreClosed, StoreUnavailable, WrongExpectedVersion } from '@quanze/eventstore';
import { InvalidToken } from './auth.js';
import type { TokenVerifier } from './auth.js';
import type { CommandMeta } from './command-handler.js';
import type { ConcurrencyConflict, IdempotencyKeyReused } from './command-handler.js';
import { DomainError, commonErrorStatuses } from './domain-error.js';
import type { ErrorStatus, ErrorStatuses } from './domain-error.js';
import type { CommandResponse} from './openapi.js';
import { createOpenApiDocument } from './openapi.js';
import type { AccessRecorder } from './access-audit.js';
import type { ActorCheck, PostNotHeld } from './post-holding.js';
import type { Principal } from './principal.js';
import { actorOf } from './principal.js';
import { PROBLEM_CONTENT_TYPE, issuesOf, problem } from './problem.js';
import type { Problem } from './problem.js';
import type { RouteDefinition, RouteResult, ServiceModule } from './route.js';

export interface AppOptions {
  readonly services: readonly ServiceModule[];
  readonly store: EventStore;
  readonly tokens: TokenVerifier;
  readonly logger?: Logger;
  /** Largest JSON body accepted; larger ones are answered 413 before they are parsed. */
  readonly bodyLimit?: string;
  readonly info?: { readonly title: string; readonly version: string };
  /** A folder of static files (the web UI) served at `/`, after the API routes. */
  readonly site?: string;
  /** Run before every command of a caller with a token: refuses a token whose post is no longer held. */
  readonly checkActor?: ActorCheck;
  /**
   * Records every query of supervision, judicial and analyst callers before it is answered (访问留痕), except in
   * services that record their own. A query that cannot be recorded is not answered.
   */
  readonly recordAccess?: AccessRecorder;
  /** Beyond the store: why the process is not ready (read models that stopped following), or null when it is. */
  readonly readiness?: () => Promise<string | null>;
}

export interface QuanzeApp {
  readonly express: express.Express;
  readonly openApi: Record<string, unknown>;
  /** From now on `/readyz` answers 503, so a balancer stops sending work before the server closes. */
  drain(): void;
}

/** The anonymous caller of a public route, as events record it. */
export const PUBLIC_ACTOR = { personId: 'public', postId: null, unitId: null } as const;

// The explorer's scripts and styles, served from the package rather than a CDN: the ledger may run offline.
const SWAGGER_UI_ASSETS = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,64}$/;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
// Fixed forever: ids of subjects created under an Idempotency-Key are derived with it.
const SUBJECT_NAMESPACE = '5b0e7a2c-93f4-4f8e-9c55-2d0c4b1e6a71';

const kitErrorStatuses: ErrorStatuses<IdempotencyKeyReused | ConcurrencyConflict | PostNotHeld> = {
  'command.idempotency-key-reused': 422,
  'command.concurrency-conflict': 409,
  'auth.post-not-held': 403,
};

interface RequestLocals {
  requestId: string;
  log: Logger;
  caller: Principal | null;
  idempotencyKey?: string;
}

function localsOf(response: Response): RequestLocals {
  return response.locals as RequestLocals;
}

function sendProblem(response: Response, body: Problem, headers: Record<string, string> = {}): void {
  response.status(body.status).set(headers).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify({ ...body, instance: localsOf(response).requestId }));
}

class HttpProblem extends Error {
  constructor(
    readonly problem: Problem,
    readonly headers: Record<string, string> = {},
  ) {
    super(problem.title);
  }
}

/**
 * The express app of one or more services: request ids and structured logs, bearer tokens, authorisation by role
 * before anything is read, zod validation of params, query and body, idempotent commands, problem+json errors,
 * `/healthz`, `/readyz`, `/openapi.json` and the API explorer at `/docs`.
 */
export function createApp(options: AppOptions): QuanzeApp {
  const logger = options.logger ?? pino({ level: 'silent' });
  const statuses: Record<string, ErrorStatus> = { ...commonErrorStatuses, ...kitErrorStatuses };
  for (const service of options.services) Object.assign(statuses, service.errorStatuses);
  const openApi = createOpenApiDocument(options.services, options.info ?? { title: 'Quanze', version: '0.1.0' });
  let draining = false;

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.use((request, response, next) => {
    const given = request.get('x-request-id');
    const requestId = given !== undefined && REQUEST_ID.test(given) ? given : newEventId();
    const started = process.hrtime.bigint();
    const locals = localsOf(response);
    locals.requestId = requestId;
    locals.log = logger.child({ requestId });
    locals.caller = null;
    response.set('X-Request-Id', requestId);
    // A keep-alive socket would hold a draining server open until it times out.
    response.on('finish', () => {
      locals.log.info(
        {
          method: request.method,
          path: request.path,
          status: response.statusCode,
          ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
          personId: locals.caller?.personId,
          idempotencyKey: locals.idempotencyKey,
        },
        'request',
      );
    });
    next();
  });

  app.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });
  app.get('/readyz', async (_request, response) => {
    if (draining) {
      sendProblem(response, problem(503, 'service.draining', 'Shutting down'));
      return;
    }
    try {
      const headPosition = await options.store.headPosition();
      const notReady = (await options.readiness?.()) ?? null;
      if (notReady !== null) {
        sendProblem(response, problem(503, 'service.not-ready', 'Not ready', { detail: notReady }));
        return;
      }
      response.json({ status: 'ready', headPosition });
    } catch (error) {
      localsOf(response).log.warn({ err: error }, 'store not ready');
      sendProblem(response, problem(503, 'store.unavailable', 'The event store does not answer'));
    }
  });
  app.get('/openapi.json', (_request, response) => {
    response.json(openApi);
  });
  app.get(['/docs', '/docs/'], (_request, response) => {
    response.type('html').send(API_EXPLORER_PAGE);
  });
  app.use('/docs/assets', express.static(SWAGGER_UI_ASSETS, { index: false, immutable: true, maxAge: '1d' }));

  app.use(express.json({ limit: options.bodyLimit ?? '1mb', type: ['application/json', 'application/*+json'], strict: true }));

  for (const service of options.services) {
    const recordAccess = service.recordsOwnAccess === true ? undefined : options.recordAccess;
    for (const route of service.routes) {
      app[route.method](route.path, (request: Request, response: Response, next: NextFunction) => {
        serve(route, request, response, recordAccess).catch(next);
      });
    }
  }

  if (options.site !== undefined) app.use(express.static(options.site, { index: 'index.html', maxAge: 0 }));

  app.use((request, response) => {
    sendProblem(response, problem(404, 'route.not-found', 'No such resource', { detail: `${request.method} ${request.path}` }));
  });

  app.use((error: unknown, _request: Request, response: Response, next: NextFunction) => {
    if (response.headersSent) {
      next(error);
      return;
    }
    const { problem: body, headers } = toProblem(error, response);
    sendProblem(response, body, headers);
  });

  async function authenticate(request: Request): Promise<Principal | null> {
    const header = request.get('authorization');
    if (header === undefined) return null;
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
    if (match?.[1] === undefined) throw new InvalidToken('the Authorization header is not `Bearer <token>`');
    return options.tokens.verify(match[1]);
  }

  async function serve(route: RouteDefinition, request: Request, response: Response, recordAccess: AccessRecorder | undefined): Promise<void> {
    const locals = localsOf(response);
    const caller = await authenticate(request);
    locals.caller = caller;
    authorise(route, caller);

    const params = parse(route.params, request.params, 'params');
    const query = parse(route.query, request.query, 'query');
    if (route.body !== undefined && request.body === undefined) {
      throw new HttpProblem(problem(415, 'request.unsupported-media-type', 'Send the body as application/json'));
    }
    const body = parse(route.body, request.body, 'body');
    if (route.kind === 'command' && caller !== null) await options.checkActor?.(caller);
    if (route.kind === 'query') {
      await recordAccess?.(caller, {
        operationId: route.operationId,
        subject: request.path,
        parameters: { ...(params as Record<string, unknown>), ...(query as Record<string, unknown>) },
      });
    }
    const meta = commandMeta(route, request, caller, locals.requestId);
    const idempotencyKey = meta.idempotency?.key;
    if (idempotencyKey !== undefined) locals.idempotencyKey = idempotencyKey;

    const result = await route.handle({
      params,
      query,
      body,
      caller,
      meta,
      requestId: locals.requestId,
      newSubjectId: () =>
        idempotencyKey === undefined ? newEventId() : uuidV5(`${meta.actor.personId}\n${idempotencyKey}`, SUBJECT_NAMESPACE),
    });
    // A keep-alive socket would hold a draining server open until it times out.
    if (draining) response.set('Connection', 'close');
    respond(response, result);
  }

  function toProblem(error: unknown, response: Response): { problem: Problem; headers?: Record<string, string> } {
    const log = localsOf(response).log;
    if (error instanceof HttpProblem) return { problem: error.problem, headers: error.headers };
    if (error instanceof InvalidToken) {
      return { problem: problem(401, error.code, 'Invalid token', { detail: error.reason }), headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } };
    }
    if (error instanceof DomainError) {
      const status = statuses[error.code];
      if (status === undefined) {
        log.error({ err: error }, 'domain error without a status: add its code to the service’s ErrorStatuses');
        return { problem: problem(500, 'internal', 'Internal error') };
      }
      return {
        problem: problem(status, error.code, error.message, {
          ...(error.article === null ? {} : { article: error.article }),
          ...(error.fields.length === 0 ? {} : { errors: error.fields.map((path) => ({ path: [error.fieldsIn, ...path], message: error.message })) }),
        }),
      };
    }
    if (error instanceof EventParseError) {
      // A command that passed its own schema produced an event its schema refuses: the input is still at fault.
      return {
        problem: problem(422, error.code, 'The command would record an invalid event', {
          detail: error.message,
          errors: error.issues.map((issue) => ({ path: issue.path.split('.'), message: issue.message })),
        }),
      };
    }
    if (error instanceof StoreUnavailable || error instanceof StoreClosed) {
      log.warn({ err: error }, 'store unavailable');
      return { problem: problem(503, error.code, 'The ledger is busy; nothing was recorded, try again'), headers: { 'Retry-After': '1' } };
    }
    if (error instanceof WrongExpectedVersion) {
      return { problem: problem(409, error.code, 'The subject changed meanwhile; nothing was recorded, try again') };
    }
    if (error instanceof EventStoreError && error.retriable) {
      return { problem: problem(503, error.code, 'The ledger is busy; try again'), headers: { 'Retry-After': '1' } };
    }
    const bodyError = bodyParserProblem(error);
    if (bodyError !== null) return { problem: bodyError };
    if (error instanceof URIError) {
      // Express could not percent-decode a path parameter (`/units/%ZZ`): the client's URL is at fault.
      return { problem: problem(400, 'validation.failed', 'The request is invalid', { errors: [{ path: ['params'], message: 'not valid percent-encoding' }] }) };
    }
    log.error({ err: error }, 'unexpected error');
    return { problem: problem(500, 'internal', 'Internal error', { detail: 'the error was logged with this request id' }) };
  }

  return {
    express: app,
    openApi,
    drain() {
      draining = true;
    },
  };
}

function authorise(route: RouteDefinition, caller: Principal | null): void {
  if (route.allow.includes('public')) return;
  if (caller === null) {
    throw new HttpProblem(problem(401, 'auth.token-required', 'A bearer token is required'), { 'WWW-Authenticate': 'Bearer' });
  }
  if (!caller.roles.some((role) => route.allow.includes(role))) {
    throw new HttpProblem(
      problem(403, 'auth.forbidden', 'Your roles do not allow this', {
        detail: `${route.operationId} is for: ${route.allow.join(', ')}; you have: ${caller.roles.join(', ')}`,
      }),
    );
  }
}

function parse(schema: z.ZodType | undefined, value: unknown, root: 'params' | 'query' | 'body'): unknown {
  const malformed = loneSurrogateIn(value, [root]);
  if (malformed !== null) {
    throw new HttpProblem(
      problem(400, 'validation.failed', 'The request is invalid', { errors: [{ path: malformed, message: WELL_FORMED }] }),
    );
  }
  if (schema === undefined) return value ?? {};
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    throw new HttpProblem(
      problem(400, 'validation.failed', 'The request is invalid', {
        detail: `${String(result.error.issues.length)} invalid field(s) in ${root}`,
        errors: issuesOf(result.error, root),
      }),
    );
  }
  return result.data;
}

/**
 * The path of the first string (or key) holding a lone surrogate, which JSON can carry as `"\ud800"` but no
 * event may hold: it has no UTF-8 form and no canonical JSON. Checked for every service at once, whatever its schemas.
 */
function loneSurrogateIn(value: unknown, path: (string | number)[]): (string | number)[] | null {
  if (typeof value === 'string') return isWellFormed(value) ? null : path;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = loneSurrogateIn(item, [...path, index]);
      if (found !== null) return found;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (!isWellFormed(key)) return [...path, key];
      const found = loneSurrogateIn(item, [...path, key]);
      if (found !== null) return found;
    }
  }
  return null;
}

function commandMeta(route: RouteDefinition, request: Request, caller: Principal | null, requestId: string): CommandMeta {
  const actor = caller === null ? PUBLIC_ACTOR : actorOf(caller);
  const key = request.get('idempotency-key');
  if (route.kind !== 'command' || key === undefined) return { actor, correlationId: requestIdAsUuid(requestId) };
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new HttpProblem(
      problem(400, 'validation.failed', 'The request is invalid', {
        errors: [{ path: ['headers', 'Idempotency-Key'], message: 'an Idempotency-Key is 1–64 letters, digits, ".", "_", ":" or "-"' }],
      }),
    );
  }
  // Same key, other request → refused. The fingerprint covers what was asked, not how the JSON was spelled.
  const fingerprint = createHash('sha256')
    .update(`${request.method} ${request.path}\n${canonicalize(request.body ?? null) ?? ''}`)
    .digest('hex')
    .slice(0, 16);
  return { actor, idempotency: { key, fingerprint }, correlationId: requestIdAsUuid(requestId) };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function requestIdAsUuid(requestId: string): string | null {
  return UUID.test(requestId) ? requestId.toLowerCase() : null;
}

function respond(response: Response, result: RouteResult): void {
  if (result.kind === 'body') {
    response.status(result.status ?? 200).json(result.body);
    return;
  }
  if (result.kind === 'text') {
    response.status(result.status ?? 200).type(`${result.mediaType}; charset=utf-8`).send(result.body);
    return;
  }
  const { outcome, subject } = result;
  const body: CommandResponse = {
    streamId: outcome.streamId,
    streamVersion: outcome.streamVersion,
    replayed: outcome.replayed,
    events: outcome.events.map((event) => ({
      eventId: event.eventId,
      type: event.type,
      streamVersion: event.streamVersion,
      position: event.position,
      recordedAt: event.recordedAt,
    })),
    ...(subject === undefined ? {} : { subject: { ...subject } }),
  };
  if (outcome.replayed) response.set('Idempotent-Replayed', 'true');
  response.status(outcome.replayed || outcome.events.length === 0 ? 200 : 201).json(body);
}

function bodyParserProblem(error: unknown): Problem | null {
  if (typeof error !== 'object' || error === null || !('type' in error) || typeof error.type !== 'string') return null;
  switch (error.type) {
    case 'entity.too.large':
      return problem(413, 'request.too-large', 'The body is too large', {
        detail: 'limit' in error ? `at most ${String(error.limit)} bytes` : undefined,
        errors: [{ path: ['body'], message: 'too large' }],
      });
    case 'entity.parse.failed':
      return problem(400, 'request.malformed-json', 'The body is not valid JSON', { errors: [{ path: ['body'], message: 'not valid JSON' }] });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return problem(415, 'request.unsupported-encoding', 'Send the body as UTF-8 JSON');
    default:
      return null;
  }
}

const API_EXPLORER_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Quanze (权责) API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="api"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script>
  window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#api', persistAuthorization: true });
</script>
</body>
</html>
`;
