import type { z } from 'zod';
import type { CommandMeta, CommandOutcome } from './command-handler.js';
import type { DomainError, ErrorStatus } from './domain-error.js';
import type { Audience, Principal } from './principal.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

/** What a route's `handle` receives: everything parsed and checked, nothing left to validate. */
export interface RouteRequest<TParams, TQuery, TBody> {
  readonly params: TParams;
  readonly query: TQuery;
  readonly body: TBody;
  /** null for a caller without a token (only on routes open to `public`). */
  readonly caller: Principal | null;
  /**
   * For commands: the actor (the caller as person, post, unit), the idempotency key and the request's correlation.
   * On a public route without a token, the actor is the anonymous public.
   */
  readonly meta: CommandMeta;
  /**
   * A fresh id for a subject this command creates. With an `Idempotency-Key` it is derived from the caller and the
   * key, so a repeated create lands on the same subject and is recognised as a repeat.
   */
  readonly newSubjectId: () => string;
  readonly requestId: string;
}

/**
 * A handler answers with a JSON body (200 for queries), a text body (for formats that are text by their standard,
 * e.g. a C2SP checkpoint), or the outcome of a command (201, or 200 when repeated).
 */
export type RouteResult =
  | { readonly kind: 'body'; readonly status?: number; readonly body: unknown }
  | { readonly kind: 'text'; readonly status?: number; readonly body: string; readonly mediaType: string }
  | { readonly kind: 'command'; readonly outcome: CommandOutcome; readonly subject?: Readonly<Record<string, string>> };

export function ok(body: unknown, status = 200): RouteResult {
  return { kind: 'body', status, body };
}

/** A text answer, sent as `<mediaType>; charset=utf-8` (default `text/plain`); declare it with `textResponse`. */
export function text(body: string, options: { readonly status?: number; readonly mediaType?: string } = {}): RouteResult {
  return { kind: 'text', status: options.status ?? 200, body, mediaType: options.mediaType ?? 'text/plain' };
}

export function accepted(outcome: CommandOutcome, subject?: Readonly<Record<string, string>>): RouteResult {
  return subject === undefined ? { kind: 'command', outcome } : { kind: 'command', outcome, subject };
}

export interface RouteDefinition<
  TParams extends z.ZodType = z.ZodType,
  TQuery extends z.ZodType = z.ZodType,
  TBody extends z.ZodType = z.ZodType,
> {
  readonly method: HttpMethod;
  /** Express syntax (`/decisions/:decisionId/legality-reviews`); shown as `{decisionId}` in OpenAPI. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  /** `command` routes append events and honour `Idempotency-Key`; `query` routes only read. */
  readonly kind: 'command' | 'query';
  /** Who may call it; checked before the body is read. Finer checks (this unit's case only) live in the handler. */
  readonly allow: readonly Audience[];
  readonly params?: TParams;
  readonly query?: TQuery;
  readonly body?: TBody;
  /** The 2xx body, for the OpenAPI document. Commands default to the command outcome. */
  readonly response?: z.ZodType;
  /**
   * For a route that answers with `text(…)` instead of JSON: the media type (default `text/plain`) and what the text
   * is, for the OpenAPI document.
   */
  readonly textResponse?: { readonly mediaType?: string; readonly description: string };
  handle(request: RouteRequest<z.output<TParams>, z.output<TQuery>, z.output<TBody>>): Promise<RouteResult>;
}

/** Keeps the schemas' types attached to `handle` while the route is declared. */
export function defineRoute<TParams extends z.ZodType, TQuery extends z.ZodType, TBody extends z.ZodType>(
  route: RouteDefinition<TParams, TQuery, TBody>,
): RouteDefinition {
  return route;
}

/** One domain service as the app factory mounts it. */
export interface ServiceModule {
  /** `decisions`: the tag of its operations and the prefix of its log lines. */
  readonly name: string;
  readonly description: string;
  readonly routes: readonly RouteDefinition[];
  /** Every error code the service's handlers may throw, with its HTTP status. */
  readonly errorStatuses: Readonly<Record<string, ErrorStatus>>;
  /**
   * True when the service's queries record their own access, with their subjects (the accountability queries); the
   * app then does not record them a second time.
   */
  readonly recordsOwnAccess?: boolean;
}

export type { DomainError };
