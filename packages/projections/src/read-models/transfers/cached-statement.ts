import type Database from 'better-sqlite3';
import type { ReadModelDatabase } from '../../projection.js';

const statements = new WeakMap<ReadModelDatabase, Map<string, Database.Statement>>();

/**
 * A statement prepared once per database and reused: preparing costs more than running, and a rebuild runs each
 * statement once per event. SQLite re-prepares a statement by itself when a rebuild dropped and re-created its
 * tables. Used by the transfers, public and access read models.
 */
export function cachedStatement<TParams extends unknown[] = unknown[], TRow = unknown>(
  db: ReadModelDatabase,
  source: string,
): Database.Statement<TParams, TRow> {
  let forDb = statements.get(db);
  if (forDb === undefined) {
    forDb = new Map();
    statements.set(db, forDb);
  }
  let statement = forDb.get(source);
  if (statement === undefined) {
    statement = db.prepare(source);
    forDb.set(source, statement);
  }
  return statement as Database.Statement<TParams, TRow>;
}
