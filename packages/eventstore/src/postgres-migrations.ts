import type pg from 'pg';
import { StoreFailure } from './errors.js';

export interface PostgresMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Applied in order, each once; never edited once released: a change is a new migration. */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'the event log',
    // body is `json`, not `jsonb`: json keeps the text exactly as written (key order, number spelling, \u0000),
    // and the content hashes of the Merkle log are computed over what a read gives back. See docs/EVENT-STORE.md.
    sql: `
      CREATE TABLE quanze_events (
        position        bigint      PRIMARY KEY CHECK (position > 0),
        event_id        text        NOT NULL UNIQUE,
        stream_id       text        NOT NULL,
        stream_version  bigint      NOT NULL CHECK (stream_version > 0),
        type            text        NOT NULL,
        recorded_at     timestamptz NOT NULL,
        body            json        NOT NULL,
        UNIQUE (stream_id, stream_version)
      )`,
  },
];

/** Held by whoever is migrating: two processes opening one new database must not both create its tables. */
const MIGRATION_LOCK = '7120546398514790001';

/**
 * Where a set of migrations is recorded and which lock serialises it. Parts of Quanze released apart from the event
 * log (the relay) keep their own table and lock in the same database, so that neither refuses the other's versions.
 */
export interface MigrationLedger {
  /** The table recording what was applied (created when missing). */
  readonly table: string;
  /** The transaction-scoped advisory lock held while migrating, a bigint as text. */
  readonly lock: string;
  /** The error for a database migrated by a newer Quanze than this one. */
  readonly tooNew: (current: number, known: number) => Error;
}

export const EVENT_LOG_MIGRATIONS: MigrationLedger = {
  table: 'quanze_schema_migrations',
  lock: MIGRATION_LOCK,
  tooNew: (current, known) => new StoreFailure(`this database has schema version ${current}, newer than this Quanze knows (${known}): upgrade Quanze`),
};

/**
 * Brings the database to the newest schema `migrations` know. Each migration runs in a transaction of its own
 * under a transaction-scoped advisory lock, and is recorded in the ledger's table in that same transaction, so it
 * is applied once whoever else is starting at the same moment, and a failed one leaves no trace.
 */
export async function migrate(
  client: pg.ClientBase,
  migrations: readonly PostgresMigration[] = POSTGRES_MIGRATIONS,
  ledger: MigrationLedger = EVENT_LOG_MIGRATIONS,
): Promise<void> {
  // Both go into the SQL text: they are the code's own constants, never input, and are held to that.
  if (!/^[a-z_][a-z0-9_]*$/.test(ledger.table) || !/^-?[0-9]{1,19}$/.test(ledger.lock)) {
    throw new TypeError(`a migration ledger names a plain table and a numeric lock, not ${ledger.table} / ${ledger.lock}`);
  }
  const known = migrations.at(-1)?.version ?? 0;
  for (;;) {
    // Read committed whatever the database's default: each statement must see what was committed before it.
    await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
    try {
      await client.query(`SELECT pg_advisory_xact_lock(${ledger.lock})`);
      // After the lock, in a statement of its own: its snapshot then includes whatever the lock's last holder did.
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${ledger.table} (
           version     integer     PRIMARY KEY,
           name        text        NOT NULL,
           applied_at  timestamptz NOT NULL DEFAULT now()
         )`,
      );
      const { rows } = await client.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${ledger.table}`);
      const current = rows[0]?.version ?? 0;
      if (current > known) throw ledger.tooNew(current, known);
      const next = migrations.find((migration) => migration.version > current);
      if (next === undefined) {
        await client.query('COMMIT');
        return;
      }
      await client.query(next.sql);
      await client.query(`INSERT INTO ${ledger.table} (version, name) VALUES ($1, $2)`, [next.version, next.name]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}
