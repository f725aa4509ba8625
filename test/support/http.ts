import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { openEventStore } from '@quanze/eventstore';
import type { EventStore } from '@quanze/eventstore';
import { Role, createAccessRecorder, createApp, createPostHoldingCheck, createTokenIssuer, generateSigningKeys, listen } from '@quanze/service-kit';
import type { Audience, Principal, RouteDefinition, ServiceModule, TokenIssuer } from '@quanze/service-kit';

export interface TestResponse<TBody = Record<string, unknown>> {
  readonly status: number;
  readonly body: TBody;
  readonly headers: Headers;
}

export interface RequestOptions {
  readonly token?: string | null;
  readonly body?: unknown;
  /** Sent as is (a string), instead of JSON-encoding `body`. */
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
}

export interface TestApp {
  readonly url: string;
  readonly store: EventStore;
  readonly services: readonly ServiceModule[];
  readonly tokens: TokenIssuer;
  /** A bearer token for a principal; person, post and unit default to test ids. */
  token(principal: Partial<Principal> & Pick<Principal, 'roles'>): Promise<string>;
  request<TBody = Record<string, unknown>>(method: string, path: string, options?: RequestOptions): Promise<TestResponse<TBody>>;
  close(): Promise<void>;
}

export type ServiceFactory = (deps: { store: EventStore; clock?: () => Date }) => ServiceModule;

/** The services on a real HTTP server on a free port, over a fresh SQLite store in a temp folder. */
export async function startTestApp(
  factories: readonly ServiceFactory[],
  options: { clock?: () => Date; bodyLimit?: string; checkPostHolding?: boolean; recordAccess?: boolean } = {},
): Promise<TestApp> {
  const folder = await mkdtemp(join(tmpdir(), 'quanze-http-'));
  const store = await openEventStore(`sqlite:${folder}`);
  const tokens = createTokenIssuer(await generateSigningKeys());
  const services = factories.map((create) => create(options.clock === undefined ? { store } : { store, clock: options.clock }));
  const app = createApp({
    services,
    store,
    tokens,
    ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
    // Off by default: most specs act with made-up people; `npm start` and every service's main switch it on.
    ...(options.checkPostHolding === true ? { checkActor: createPostHoldingCheck(store) } : {}),
    ...(options.recordAccess === true ? { recordAccess: createAccessRecorder(store, options.clock) } : {}),
  });
  const server = await listen(app);
  return {
    url: server.url,
    store,
    services,
    tokens,
    token: (principal) =>
      tokens.issue({ personId: 'person-test', postId: 'post-test', unitId: 'unit-test', ...principal }),
    async request<TBody>(method: string, path: string, request: RequestOptions = {}): Promise<TestResponse<TBody>> {
      const headers: Record<string, string> = { ...request.headers };
      if (request.token !== undefined && request.token !== null) headers.authorization = `Bearer ${request.token}`;
      let body: string | undefined;
      if (request.rawBody !== undefined) body = request.rawBody;
      else if (request.body !== undefined) body = JSON.stringify(request.body);
      if (body !== undefined) headers['content-type'] ??= 'application/json';
      const response = await fetch(`${server.url}${path}`, { method: method.toUpperCase(), headers, body: body ?? null });
      const text = await response.text();
      const parsed: unknown = text === '' ? {} : JSON.parse(text);
      return { status: response.status, body: parsed as TBody, headers: response.headers };
    },
    async close() {
      await server.close();
      await store.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

export interface MatrixRow {
  readonly operationId: string;
  readonly audience: Audience;
  readonly allowed: boolean;
  readonly status: number;
  readonly code: string | undefined;
}

/** The route's path with every parameter filled by an id no subject has. */
function pathOf(route: RouteDefinition): string {
  return route.path.replace(/:([A-Za-z0-9_]+)/g, (_match, name: string) => `matrix-${name}`);
}

/**
 * Calls every route of the service as every role (and without a token) with an empty body, and reports what each
 * got. The role check comes before anything is read, so a refused role sees 401/403 whatever the body.
 */
export async function authorizationMatrix(app: TestApp, service: ServiceModule): Promise<MatrixRow[]> {
  const rows: MatrixRow[] = [];
  const audiences: Audience[] = ['public', ...Role.options];
  for (const route of service.routes) {
    for (const audience of audiences) {
      const token = audience === 'public' ? null : await app.token({ roles: [audience] });
      const response = await app.request(route.method, pathOf(route), { token, ...(route.method === 'get' ? {} : { body: {} }) });
      rows.push({
        operationId: route.operationId,
        audience,
        allowed: route.allow.includes('public') || route.allow.includes(audience),
        status: response.status,
        code: typeof response.body.code === 'string' ? response.body.code : undefined,
      });
    }
  }
  return rows;
}

/** Refused callers get 401 (no token) or 403 `auth.forbidden`; allowed ones get past the role check. */
export function expectMatrixMatchesAllow(rows: readonly MatrixRow[]): void {
  const wrong = rows.filter((row) => {
    if (row.allowed) return row.status === 401 || row.code === 'auth.forbidden' || row.status >= 500;
    return row.audience === 'public' ? row.status !== 401 : row.status !== 403 || row.code !== 'auth.forbidden';
  });
  expect(wrong, 'routes answering against their `allow` list').to.deep.equal([]);
}
