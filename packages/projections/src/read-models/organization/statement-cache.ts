import type Database from 'better-sqlite3';
import type { ReadModelDatabase } from '../../projection.js';

const cache = new WeakMap<ReadModelDatabase, Map<string, Database.Statement>>();

/**
 * A prepared statement per database and SQL text, prepared once: queries answer in microseconds, and preparing is
 * a noticeable part of that. SQLite re-prepares a statement by itself when a rebuild drops and recreates its tables.
 */
export function prepared<TParams extends unknown[], TRow>(db: ReadModelDatabase, sql: string): Database.Statement<TParams, TRow> {
  let statements = cache.get(db);
  if (statements === undefined) {
    statements = new Map();
    cache.set(db, statements);
  }
  let statement = statements.get(sql);
  if (statement === undefined) {
    statement = db.prepare(sql);
    statements.set(sql, statement);
  }
  return statement as Database.Statement<TParams, TRow>;
}
