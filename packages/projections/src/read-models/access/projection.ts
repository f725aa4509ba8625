import type { LedgerEvent } from '../../ledger-event.js';
import type { Projection } from '../../projection.js';
import type { ReadModelSql } from '../../read-model-store.js';

/**
 * 访问留痕: the queries supervision, judicial and analyst users made (`access.queried.v1`), one row per query, for
 * supervision to read by person, unit, operation, subject and time.
 *
 * Table `access_query`, keyed by the event's position; indexed by each filter together with the time, so that a
 * page is a seek and a walk, never a scan.
 */
const TABLES = ['access_query'] as const;

// The key is the event's position, assigned here, not by the database: PostgreSQL has no rowid to assign it.
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS access_query (
    position INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    post_id TEXT,
    unit_id TEXT,
    roles TEXT NOT NULL,
    operation_id TEXT NOT NULL,
    subject TEXT,
    parameters TEXT NOT NULL,
    queried_at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX IF NOT EXISTS access_query_by_time ON access_query (queried_at, position);
  CREATE INDEX IF NOT EXISTS access_query_by_person ON access_query (person_id, queried_at, position);
  CREATE INDEX IF NOT EXISTS access_query_by_unit ON access_query (unit_id, queried_at, position);
  CREATE INDEX IF NOT EXISTS access_query_by_operation ON access_query (operation_id, queried_at, position);
  CREATE INDEX IF NOT EXISTS access_query_by_subject ON access_query (subject, queried_at, position);
`;

const INSERT_QUERY = `INSERT INTO access_query (position, event_id, person_id, post_id, unit_id, roles, operation_id, subject, parameters, queried_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

async function apply(tx: ReadModelSql, event: LedgerEvent): Promise<void> {
  if (event.type !== 'access.queried.v1') return;
  const { who, what, when } = event.data;
  await tx.run(INSERT_QUERY, [
    event.position,
    event.eventId,
    who.personId,
    who.postId,
    who.unitId,
    JSON.stringify(who.roles),
    what.operationId,
    what.subject,
    JSON.stringify(what.parameters),
    when,
  ]);
}

export const accessAuditProjection: Projection = {
  name: 'access',
  version: 1,
  tables: TABLES,
  async setup(tx) {
    await tx.exec(SCHEMA);
  },
  apply,
};
