import { z } from 'zod';
import { Instant, StreamId } from '@quanze/events';
import type { RecordedEvent } from '@quanze/events';
import { recordedEvent, type EventBody } from './append-checks.js';
import { EventStoreError, StoreFailure, StoreUnavailable } from './errors.js';

// The pure half of the KurrentDB adapter: how our log is laid out in KurrentDB streams, and how what KurrentDB
// answers is read back. See "KurrentDB" in docs/EVENT-STORE.md for why the log is laid out this way.

/** The URL schemes that name a KurrentDB (or EventStoreDB 20+) server; `+discover` finds the cluster by DNS gossip. */
export const KURRENTDB_URL = /^(kurrentdb|esdb)(\+discover)?:\/\//;

/** The query parameter that names the streams of one Quanze log, so that several logs can share one server. */
export const NAMESPACE_PARAMETER = 'quanzeNamespace';

export const DEFAULT_NAMESPACE = 'quanze';

/** Lower-case letters, digits and underscores: no `-`, which KurrentDB's category projection splits stream names at. */
const Namespace = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'a namespace is 1 to 40 lower-case letters, digits or underscores, from a letter');

export interface KurrentDbLocation {
  /** What @eventstore/db-client parses: the same URL with the `esdb` scheme and without our own parameter. */
  readonly connectionString: string;
  readonly namespace: string;
}

/**
 * Splits a store URL into the client's connection string and the namespace of our streams:
 * `kurrentdb://host1:2113,host2:2113?tls=true&quanzeNamespace=city_a` → `esdb://host1:2113,host2:2113?tls=true`, `city_a`.
 * `kurrentdb://` and `kurrentdb+discover://` are KurrentDB's own names for the client's `esdb://` and `esdb+discover://`.
 */
export function parseKurrentDbUrl(url: string): KurrentDbLocation {
  const scheme = KURRENTDB_URL.exec(url);
  if (scheme === null) throw new TypeError('a KurrentDB store URL starts with kurrentdb://, kurrentdb+discover://, esdb:// or esdb+discover://');
  const rest = url.slice(scheme[0].length);
  const queryAt = rest.indexOf('?');
  const authority = queryAt === -1 ? rest : rest.slice(0, queryAt);
  if (authority.replace(/\/+$/, '') === '' || /^[^@]*@$/.test(authority)) {
    throw new TypeError('a KurrentDB store URL names at least one host: kurrentdb://host:2113?tls=true');
  }
  const kept: string[] = [];
  let namespace = DEFAULT_NAMESPACE;
  for (const pair of queryAt === -1 ? [] : rest.slice(queryAt + 1).split('&')) {
    if (pair === '') continue;
    const [key = '', value = ''] = pair.split('=', 2);
    if (key === NAMESPACE_PARAMETER) {
      const parsed = Namespace.safeParse(decodeURIComponent(value));
      if (!parsed.success) throw new TypeError(`${NAMESPACE_PARAMETER}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      namespace = parsed.data;
    } else {
      kept.push(pair);
    }
  }
  const protocol = scheme[2] === undefined ? 'esdb' : 'esdb+discover';
  const query = kept.length === 0 ? '' : `?${kept.join('&')}`;
  return { connectionString: `${protocol}://${authority}${query}`, namespace };
}

/** The KurrentDB streams one Quanze log is kept in. */
export interface LogStreams {
  /** Every event, in the order of our positions: the event at revision r has position r + 1. */
  readonly log: string;
  /** Links to the log events of one of our streams: the link at revision r is version r + 1. */
  stream(streamId: string): string;
  /** One link, to the log event that carries this id: the index that finds an id wherever it was stored. */
  event(eventId: string): string;
}

export function logStreams(namespace: string): LogStreams {
  return {
    log: `${namespace}-log`,
    stream: (streamId) => `${namespace}-stream-${streamId}`,
    event: (eventId) => `${namespace}-event-${eventId}`,
  };
}

/** KurrentDB's link event: its data is `<revision>@<stream>`, and a read with resolveLinkTos answers the target. */
export const LINK_EVENT_TYPE = '$>';

export function linkData(logStream: string, position: number): string {
  return `${position - 1}@${logStream}`;
}

/** The position a link into the log points at, or undefined when it points elsewhere. */
export function positionLinkedTo(logStream: string, data: string): number | undefined {
  const at = data.indexOf('@');
  if (at === -1 || data.slice(at + 1) !== logStream) return undefined;
  const revision = data.slice(0, at);
  if (!/^(0|[1-9][0-9]*)$/.test(revision)) return undefined;
  const position = Number(revision) + 1;
  return Number.isSafeInteger(position) ? position : undefined;
}

/**
 * The metadata of each log event: where the event is in our log and in its stream, and the bounds of the KurrentDB
 * append it was written in (its commit), which is what a writer repairs after another one crashed. `$correlationId`
 * and `$causationId` are KurrentDB's own names, which its system projections read.
 */
export const LogEventMetadata = z.object({
  position: z.number().int().positive(),
  streamId: StreamId,
  streamVersion: z.number().int().positive(),
  recordedAt: Instant,
  commitFirst: z.number().int().positive(),
  commitLast: z.number().int().positive(),
});
export type LogEventMetadata = z.infer<typeof LogEventMetadata>;

/** A log event as this adapter decided to write it, or found it written. */
export interface LoggedEvent extends LogEventMetadata {
  readonly eventId: string;
  readonly type: string;
  readonly body: EventBody;
}

/** What KurrentDB answers for one event of a read, as the connection hands it over (see kurrentdb-connection.ts). */
export interface StoredRecord {
  readonly stream: string;
  readonly revision: number;
  readonly id: string;
  readonly type: string;
  /** JSON data as parsed by the client; a link's `<revision>@<stream>` as a string. */
  readonly data: unknown;
  readonly metadata: unknown;
}

/** The KurrentDB event that carries one of ours: its id is our event id, so KurrentDB's own tools find it by it. */
export interface LogEventData {
  readonly id: string;
  readonly type: string;
  readonly data: EventBody;
  readonly metadata: LogEventMetadata & { readonly $correlationId?: string; readonly $causationId?: string };
}

export function toLogEventData(event: LoggedEvent): LogEventData {
  const { eventId, type, body, position, streamId, streamVersion, recordedAt, commitFirst, commitLast } = event;
  return {
    id: eventId,
    type,
    data: body,
    metadata: {
      position,
      streamId,
      streamVersion,
      recordedAt,
      commitFirst,
      commitLast,
      ...(typeof body.correlationId === 'string' ? { $correlationId: body.correlationId } : {}),
      ...(typeof body.causationId === 'string' ? { $causationId: body.causationId } : {}),
    },
  };
}

/**
 * Reads a log event back, checking that it is where its metadata says: a log event out of place means something
 * other than Quanze wrote to the log stream, and nothing read from it could be trusted.
 */
export function toLoggedEvent(logStream: string, record: StoredRecord): LoggedEvent {
  const where = `event ${record.id} at revision ${record.revision} of ${record.stream}`;
  if (record.stream !== logStream) throw new StoreFailure(`${where} is not in the log stream ${logStream}`);
  const metadata = LogEventMetadata.safeParse(record.metadata);
  if (!metadata.success) {
    throw new StoreFailure(`${where} has no Quanze metadata (${metadata.error.issues[0]?.message ?? 'invalid'}): was the log stream written by something else?`);
  }
  if (metadata.data.position !== record.revision + 1) {
    throw new StoreFailure(`${where} says it is at position ${metadata.data.position}: the log stream is out of order`);
  }
  if (record.data === null || typeof record.data !== 'object' || Array.isArray(record.data)) {
    throw new StoreFailure(`${where} has no JSON object as its data`);
  }
  return { ...metadata.data, eventId: record.id, type: record.type, body: record.data as EventBody };
}

/** A log event as the port shows it: its commit is the adapter's business. */
export function toRecordedEvent(logged: Omit<LoggedEvent, 'commitFirst' | 'commitLast'>): RecordedEvent {
  return recordedEvent(logged, logged.body);
}

/** KurrentDB's expected revision for "the stream's last event is our version or position `n`" (0: no events yet). */
export function expectedRevisionAfter(n: number): bigint | 'no_stream' {
  return n === 0 ? 'no_stream' : BigInt(n - 1);
}

/** An expected revision KurrentDB found not to hold: another writer got there first. */
export class RevisionConflict extends Error {
  constructor(readonly stream: string) {
    super(`stream ${stream} moved on`);
    this.name = 'RevisionConflict';
  }
}

/**
 * The client's errors, by their `type` (the client's ErrorType), as ours. Conflicts of expected revisions never get
 * here: the connection turns them into RevisionConflict, which the store handles itself.
 */
export function translateKurrentDbError(error: unknown): EventStoreError {
  if (error instanceof EventStoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const type = (error as { type?: unknown } | null)?.type;
  switch (type) {
    case 'unavailable':
    case 'deadline-exceeded':
    case 'timeout':
    case 'not-leader':
    case 'cancelled':
      // After any of these an append may or may not have been written: a retry with the same event ids is safe,
      // since an append already in the log is answered as a replay.
      return new StoreUnavailable(`KurrentDB is unavailable (${type}): ${message}`, { cause: error });
    case 'maximum-append-size-exceeded':
      return new StoreFailure(`KurrentDB refused the append as larger than its MaxAppendSize: ${message}`, { cause: error });
    case 'access-denied':
      return new StoreFailure(`KurrentDB denied access (check the user in the store URL and the streams' ACLs): ${message}`, { cause: error });
    default:
      return new StoreFailure(`KurrentDB failed${typeof type === 'string' ? ` (${type})` : ''}: ${message}`, { cause: error });
  }
}
