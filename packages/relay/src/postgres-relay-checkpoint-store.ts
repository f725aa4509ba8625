import pg from 'pg';
import { migratePostgres, type MigrationLedger, type PostgresMigration } from '@quanze/eventstore';
import {
  RelayCheckpointError,
  RelayCheckpointStoreClosed,
  RelayCheckpointStoreFailure,
  RelayCheckpointUnavailable,
  checkedCheckpoint,
} from './relay-checkpoint-store.js';
import type { RelayCheckpointStore } from './relay-checkpoint-store.js';

export type RelayMigration = PostgresMigration;

/**
 * The relay's schema in the event store's database, versioned apart from the event log's (`quanze_schema_migrations`)
 * because it is released apart from it: applied in order, each once; never edited once released.
 */
export const RELAY_POSTGRES_MIGRATIONS: readonly RelayMigration[] = [
  {
    version: 1,
    name: 'relay checkpoints',
    sql: `
      CREATE TABLE quanze_relay_checkpoints (
        name        text        PRIMARY KEY,
        position    bigint      NOT NULL CHECK (position >= 0),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`,
  },
];

/** Its own table and lock: two relays starting on one new database must not both create the table. */
const RELAY_MIGRATIONS: MigrationLedger = {
  table: 'quanze_relay_migrations',
  lock: '7120546398514790301',
  tooNew: (current, known) =>
    new RelayCheckpointStoreFailure(`the relay's tables have schema version ${current}, newer than this Quanze knows (${known}): upgrade Quanze`),
};

/** Brings the relay's tables to the newest version this code knows (`migratePostgres` of the event store, its own ledger). */
export function migrateRelaySchema(client: pg.ClientBase, migrations: readonly RelayMigration[] = RELAY_POSTGRES_MIGRATIONS): Promise<void> {
  return migratePostgres(client, migrations, RELAY_MIGRATIONS);
}

const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// Connection exceptions, insufficient resources, operator intervention, serialization failure, deadlock, lock timeout.
const RETRIABLE_SQLSTATE = /^(08|53|57P0[1-3]|40001|40P01|55P03|57014)/;

function translated(error: unknown): RelayCheckpointError {
  if (error instanceof RelayCheckpointError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === 'string' && (CONNECTION_ERRORS.has(code) || RETRIABLE_SQLSTATE.test(code))) {
    return new RelayCheckpointUnavailable(`PostgreSQL is unavailable (${code}): ${message}`, { cause: error });
  }
  // pg's own words when the server never answered or the connection ended under a query.
  if (/timeout|terminated/i.test(message)) return new RelayCheckpointUnavailable(`PostgreSQL did not answer: ${message}`, { cause: error });
  return new RelayCheckpointStoreFailure(`PostgreSQL refused the relay checkpoint: ${message}`, { cause: error });
}

/**
 * The relay's checkpoints in the event store's PostgreSQL database (table `quanze_relay_checkpoints`), so that a
 * PostgreSQL deployment keeps no state in local files and a dump of the database carries the relay's position with
 * the events it points into.
 */
export async function createPostgresRelayCheckpointStore(options: {
  readonly connectionString: string;
  readonly maxConnections?: number;
}): Promise<RelayCheckpointStore> {
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 2, connectionTimeoutMillis: 10_000 });
  // An idle connection that breaks is dropped by the pool; the next query reports it if the server is gone.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    try {
      await migrateRelaySchema(client);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw translated(error);
  }

  let closing: Promise<void> | null = null;
  const guarded = async <T>(work: () => Promise<T>): Promise<T> => {
    if (closing !== null) throw new RelayCheckpointStoreClosed();
    try {
      return await work();
    } catch (error) {
      throw translated(error);
    }
  };
  return {
    read: (name) =>
      guarded(async () => {
        checkedCheckpoint(name);
        const { rows } = await pool.query<{ position: string }>('SELECT position FROM quanze_relay_checkpoints WHERE name = $1', [name]);
        return Number(rows[0]?.position ?? 0);
      }),
    write: (name, position) =>
      guarded(async () => {
        checkedCheckpoint(name, position);
        await pool.query(
          `INSERT INTO quanze_relay_checkpoints (name, position) VALUES ($1, $2)
             ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = now()
             WHERE quanze_relay_checkpoints.position < excluded.position`,
          [name, String(position)],
        );
      }),
    close() {
      closing ??= pool.end();
      return closing;
    },
  };
}
