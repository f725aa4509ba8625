import { openSqliteFile } from '@quanze/eventstore';
import {
  RelayCheckpointError,
  RelayCheckpointStoreClosed,
  RelayCheckpointStoreFailure,
  RelayCheckpointUnavailable,
  checkedCheckpoint,
} from './relay-checkpoint-store.js';
import type { RelayCheckpointStore } from './relay-checkpoint-store.js';

/** The file, in the data folder, that holds how far the relay has published when the event store is SQLite. */
export const RELAY_FILE_NAME = 'relay.sqlite';

interface RelayCheckpointFile {
  read(name: string): number;
  write(name: string, position: number): void;
  close(): void;
}

function openRelayCheckpointFile(path: string): RelayCheckpointFile {
  // NORMAL: a power cut may lose the last write, which only republishes a page (see RelayCheckpointStore).
  const db = openSqliteFile(path, { synchronous: 'NORMAL' });
  try {
    db.exec('CREATE TABLE IF NOT EXISTS relay_checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL) STRICT');
  } catch (error) {
    db.close();
    throw error;
  }
  const select = db.prepare<[string], { position: number }>('SELECT position FROM relay_checkpoints WHERE name = ?');
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

function translated(error: unknown, path: string): RelayCheckpointError {
  if (error instanceof RelayCheckpointError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return new RelayCheckpointUnavailable(`${path} is busy: ${message}`, { cause: error });
  return new RelayCheckpointStoreFailure(`${path}: ${message}`, { cause: error });
}

/** The relay's checkpoints in a SQLite file of their own (`relay.sqlite` in the data folder), beside a SQLite store. */
export function createSqliteRelayCheckpointStore(options: { readonly path: string }): RelayCheckpointStore {
  let file: RelayCheckpointFile;
  try {
    file = openRelayCheckpointFile(options.path);
  } catch (error) {
    throw translated(error, options.path);
  }
  let closed = false;
  // better-sqlite3 answers at once; the port is asynchronous for the adapters that go over a network.
  const guarded = <T>(work: () => T): Promise<T> => {
    if (closed) return Promise.reject(new RelayCheckpointStoreClosed());
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(translated(error, options.path));
    }
  };
  return {
    read: (name) =>
      guarded(() => {
        checkedCheckpoint(name);
        return file.read(name);
      }),
    write: (name, position) =>
      guarded(() => {
        checkedCheckpoint(name, position);
        file.write(name, position);
      }),
    close() {
      if (!closed) file.close();
      closed = true;
      return Promise.resolve();
    },
  };
}
