import { join, resolve } from 'node:path';
import type { EventStore } from './event-store.js';
import { createSqliteEventStore } from './sqlite-event-store.js';

/** The embedded default: a SQLite file in `./data`. */
export const DEFAULT_STORE_URL = 'sqlite:./data';

export const SQLITE_FILE_NAME = 'events.sqlite';

export interface OpenEventStoreOptions {
  readonly clock?: () => Date;
}

/**
 * Opens the store a URL names, as configured by `QUANZE_STORE`:
 * `sqlite:<folder>` keeps the log in `<folder>/events.sqlite`.
 */
export function openEventStore(url: string = DEFAULT_STORE_URL, options: OpenEventStoreOptions = {}): Promise<EventStore> {
  if (url.startsWith('sqlite:')) {
    const folder = url.slice('sqlite:'.length);
    if (folder === '') return Promise.reject(new TypeError('a sqlite store URL names its folder: sqlite:./data'));
    const path = join(resolve(folder), SQLITE_FILE_NAME);
    return Promise.resolve(createSqliteEventStore(options.clock ? { path, clock: options.clock } : { path }));
  }
  return Promise.reject(new TypeError(`unknown event store URL "${url}": expected sqlite:<folder>`));
}
