import { join, resolve } from 'node:path';
import type { EventStore } from './event-store.js';
import type { SqliteEventStoreOptions } from './sqlite-event-store.js';
import { createSqliteEventStore } from './sqlite-event-store.js';

/** The embedded default: a SQLite file in `./data`. */
export const DEFAULT_STORE_URL = 'sqlite:./data';

export const SQLITE_FILE_NAME = 'events.sqlite';

export type OpenEventStoreOptions = Omit<SqliteEventStoreOptions, 'path'>;

/**
 * Opens the store a URL names, as configured by `QUANZE_STORE`:
 * `sqlite:<folder>` keeps the log in `<folder>/events.sqlite`.
 */
export function openEventStore(url: string = DEFAULT_STORE_URL, options: OpenEventStoreOptions = {}): Promise<EventStore> {
  // Opening SQLite is synchronous; opening a server's store will not be. Either way, failures reject.
  try {
    return Promise.resolve(openNow(url, options));
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new TypeError(String(error)));
  }
}

function openNow(url: string, options: OpenEventStoreOptions): EventStore {
  if (url.startsWith('sqlite:')) {
    const folder = url.slice('sqlite:'.length);
    if (folder === '') throw new TypeError('a sqlite store URL names its folder: sqlite:./data');
    return createSqliteEventStore({ ...options, path: join(resolve(folder), SQLITE_FILE_NAME) });
  }
  throw new TypeError(`unknown event store URL "${url}": expected sqlite:<folder>`);
}
