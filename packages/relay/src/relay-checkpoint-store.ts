import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/** The file, in the data folder, that holds how far the relay has published. */
export const RELAY_FILE_NAME = 'relay.sqlite';

/**
 * How far the outbox has published: the position of the last event whose messages Kafka acknowledged. Kept apart
 * from the event store on purpose: the store stays the source of truth, and losing this file (or its last write,
 * as WAL with `synchronous = NORMAL` may on power loss) only republishes — consumers drop repeats by event id.
 */
export interface RelayCheckpointStore {
  read(name: string): number;
  write(name: string, position: number): void;
  close(): void;
}

export function openRelayCheckpointStore(path: string): RelayCheckpointStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('busy_timeout = 5000');
  if (path !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE IF NOT EXISTS relay_checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL) STRICT');
  const select = db.prepare<[string], { position: number }>('SELECT position FROM relay_checkpoints WHERE name = ?');
  // Never backwards: two relays on one file (a restart overlapping the old process) cannot undo each other's progress.
  const upsert = db.prepare(
    'INSERT INTO relay_checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = max(position, excluded.position)',
  );
  return {
    read: (name) => select.get(name)?.position ?? 0,
    write: (name, position) => {
      upsert.run(name, position);
    },
    close: () => {
      db.close();
    },
  };
}
