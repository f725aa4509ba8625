import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { ReadModelDatabase } from './projection.js';

/** `<data folder>/readmodels.sqlite`: beside the embedded store, and rebuildable from it at any time. */
export const READ_MODELS_FILE_NAME = 'readmodels.sqlite';

/**
 * The read models' database. WAL lets queries read while the runner writes. `synchronous = NORMAL` is enough here,
 * unlike in the store: the checkpoint commits with the changes, so a commit lost in a power cut is lost with its
 * checkpoint and simply replayed from the store.
 */
export function openReadModelDatabase(path: string): ReadModelDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('busy_timeout = 5000');
  if (path !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = OFF');
  db.pragma('cache_size = -64000');
  return db;
}
