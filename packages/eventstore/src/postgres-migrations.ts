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
 * Brings the database to the newest schema this code knows. Each migration runs in a transaction of its own
 * under a transaction-scoped advisory lock, and is recorded in `quanze_schema_migrations` in that same
 * transaction, so it is applied once whoever else is starting at the same moment, and a failed one leaves no trace.
 */
export async function migrate(client: pg.ClientBase, migrations: readonly PostgresMigration[] = POSTGRES_MIGRATIONS): Promise<void> {
  const known = migrations.at(-1)?.version ?? 0;
  for (;;) {
    // Read committed whatever the database's default: each statement must see what was committed before it.
    await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
    try {
      await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
      // After the lock, in a statement of its own: its snapshot then includes whatever the lock's last holder did.
      await client.query(
        `CREATE TABLE IF NOT EXISTS quanze_schema_migrations (
           version     integer     PRIMARY KEY,
           name        text        NOT NULL,
           applied_at  timestamptz NOT NULL DEFAULT now()
         )`,
      );
      const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM quanze_schema_migrations');
      const current = rows[0]?.version ?? 0;
      if (current > known) {
        throw new StoreFailure(
          `this database has schema version ${current}, newer than this Quanze knows (${known}): upgrade Quanze`,
        );
      }
      const next = migrations.find((migration) => migration.version > current);
      if (next === undefined) {
        await client.query('COMMIT');
        return;
      }
      await client.query(next.sql);
      await client.query('INSERT INTO quanze_schema_migrations (version, name) VALUES ($1, $2)', [next.version, next.name]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}
