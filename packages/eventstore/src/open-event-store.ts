import { join, resolve } from 'node:path';
import type { EventStore } from './event-store.js';
import type { KurrentDbEventStoreOptions } from './kurrentdb-event-store.js';
import { createKurrentDbEventStore } from './kurrentdb-event-store.js';
import { KURRENTDB_URL } from './kurrentdb-mapping.js';
import type { PostgresEventStoreOptions } from './postgres-event-store.js';
import { createPostgresEventStore } from './postgres-event-store.js';
import type { SqliteEventStoreOptions } from './sqlite-event-store.js';
import { createSqliteEventStore } from './sqlite-event-store.js';

/** The embedded default: a SQLite file in `./data`. */
export const DEFAULT_STORE_URL = 'sqlite:./data';

export const SQLITE_FILE_NAME = 'events.sqlite';

/** Options for whichever store the URL names; each store ignores the ones that are not its own. */
export type OpenEventStoreOptions = Omit<SqliteEventStoreOptions, 'path'> &
  Pick<PostgresEventStoreOptions, 'maxConnections' | 'maxEventsPerTransaction'> &
  Pick<KurrentDbEventStoreOptions, 'maxEventsPerAppend' | 'maxAppendBytes'>;

/**
 * Opens the store a URL names, as configured by `QUANZE_STORE_URL`:
 * - `sqlite:<folder>` keeps the log in `<folder>/events.sqlite`;
 * - `postgres://…` or `postgresql://…` keeps it in that PostgreSQL database, whose schema the store creates and
 *   migrates when it opens;
 * - `kurrentdb://host:2113,…` or `kurrentdb+discover://host:2113` (also `esdb://`, `esdb+discover://`) keeps it in
 *   streams of that KurrentDB or EventStoreDB cluster, named after `quanzeNamespace=…` (default `quanze`).
 */
export async function openEventStore(url: string = DEFAULT_STORE_URL, options: OpenEventStoreOptions = {}): Promise<EventStore> {
  if (url.startsWith('sqlite:')) {
    const folder = url.slice('sqlite:'.length);
    if (folder === '') throw new TypeError('a sqlite store URL names its folder: sqlite:./data');
    const { busyTimeoutMs, clock, pollIntervalMs } = options;
    return createSqliteEventStore({ busyTimeoutMs, clock, pollIntervalMs, path: join(resolve(folder), SQLITE_FILE_NAME) });
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    const { clock, pollIntervalMs, maxConnections, maxEventsPerTransaction } = options;
    return createPostgresEventStore({ connectionString: url, clock, pollIntervalMs, maxConnections, maxEventsPerTransaction });
  }
  if (KURRENTDB_URL.test(url)) {
    const { clock, pollIntervalMs, maxEventsPerAppend, maxAppendBytes } = options;
    return createKurrentDbEventStore({ url, clock, pollIntervalMs, maxEventsPerAppend, maxAppendBytes });
  }
  throw new TypeError(
    `unknown event store URL "${redactStoreUrl(url)}": expected sqlite:<folder>, postgres://… or kurrentdb://…`,
  );
}

/** The URL without its password (in the authority or a `password` parameter): what logs and printouts may show. */
export function redactStoreUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(/\/\/([^/@:]*):[^/@]*@/, '//$1:***@');
  }
  if (parsed.password === '' && !parsed.searchParams.has('password')) return url;
  if (parsed.password !== '') parsed.password = '***';
  if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
  return parsed.toString();
}
