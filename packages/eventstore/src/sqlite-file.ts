import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export interface SqliteFileSettings {
  /** FULL where a commit lost in a power cut is data lost (the log); NORMAL where it is replayed (read models, checkpoints). */
  readonly synchronous: 'FULL' | 'NORMAL';
  readonly busyTimeoutMs?: number;
  /** The page cache, in KiB; SQLite's default when not given. */
  readonly cacheKiB?: number;
}

/**
 * A SQLite file as Quanze's processes share one: its folder made, WAL (readers go on while one writes), a busy
 * timeout for the writer's lock. `:memory:` too, without the folder and the WAL. Closed again if a setting fails.
 */
export function openSqliteFile(path: string, settings: SqliteFileSettings): Database.Database {
  const inMemory = path === ':memory:';
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma(`busy_timeout = ${String(settings.busyTimeoutMs ?? 5000)}`);
    if (!inMemory) db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${settings.synchronous}`);
    if (settings.cacheKiB !== undefined) db.pragma(`cache_size = -${String(settings.cacheKiB)}`);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
