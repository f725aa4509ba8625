import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { ReadModelSql, ReadModelStore, SqlParams } from './read-model-store.js';
import { SerialLock } from './serial-lock.js';

/** `<data folder>/readmodels.sqlite`: beside the embedded store, and rebuildable from it at any time. */
export const READ_MODELS_FILE_NAME = 'readmodels.sqlite';

/**
 * The read models in a SQLite file (or `:memory:`), on one connection. WAL lets other processes read while the
 * runner writes. `synchronous = NORMAL` is enough here, unlike in the store: the checkpoint commits with the
 * changes, so a commit lost in a power cut is lost with its checkpoint and simply replayed from the store.
 *
 * The connection is shared by the runner and the queries, so they take turns (`SerialLock`): a query never sees a
 * batch half applied, and a batch never commits in the middle of a query. better-sqlite3 answers synchronously, so
 * a turn lasts as long as its statements, no longer: work must not wait for anything else while it holds the turn.
 */
// better-sqlite3 waits for a busy database synchronously, holding the thread; two stores of one file in one process
// whose turns interleave (one awaits mid-transaction, the other begins) would wait on each other for ever. So a
// process takes turns per file, not per store.
const locks = new Map<string, SerialLock>();
function lockOf(path: string): SerialLock {
  if (path === ':memory:') return new SerialLock();
  const key = resolve(path);
  let lock = locks.get(key);
  if (lock === undefined) {
    lock = new SerialLock();
    locks.set(key, lock);
  }
  return lock;
}

export function openSqliteReadModelStore(path: string): ReadModelStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma('busy_timeout = 5000');
    if (path !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = OFF');
    db.pragma('cache_size = -64000');
  } catch (error) {
    db.close();
    throw error;
  }

  // Preparing is a noticeable part of a query that answers in microseconds. SQLite re-prepares a statement by
  // itself when a rebuild drops and recreates the tables it reads.
  const statements = new Map<string, Database.Statement>();
  const rawStatements = new Map<string, Database.Statement>();
  const prepared = (sql: string): Database.Statement => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  const lock = lockOf(path);
  let closed = false;

  const session: ReadModelSql = {
    dialect: 'sqlite',
    get store() {
      return store;
    },
    all: <TRow>(sql: string, params: SqlParams = []) => Promise.resolve(prepared(sql).all(...params) as TRow[]),
    get: <TRow>(sql: string, params: SqlParams = []) => Promise.resolve(prepared(sql).get(...params) as TRow | undefined),
    run: (sql: string, params: SqlParams = []) => Promise.resolve(prepared(sql).run(...params).changes),
    rows(sql: string, params: SqlParams = []) {
      let statement = rawStatements.get(sql);
      if (statement === undefined) {
        statement = db.prepare(sql).raw(true);
        rawStatements.set(sql, statement);
      }
      return Promise.resolve(statement.all(...params) as unknown[][]);
    },
    exec(script: string) {
      db.exec(script);
      return Promise.resolve();
    },
  };

  function usable(): void {
    if (closed) throw new Error(`the read models' database ${path} is closed`);
  }

  const store: ReadModelStore = {
    dialect: 'sqlite',
    location: path,
    write(work) {
      return lock.run(async () => {
        usable();
        // IMMEDIATE: take the write lock now, so that what the batch reads (the checkpoints) is what it commits over.
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await work(session);
          db.exec('COMMIT');
          return result;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      });
    },
    read(work) {
      return lock.run(async () => {
        usable();
        // A deferred transaction reads one snapshot of a file other processes may be writing.
        db.exec('BEGIN');
        try {
          return await work(session);
        } finally {
          if (db.inTransaction) db.exec('COMMIT');
        }
      });
    },
    close() {
      return lock.run(() => {
        if (!closed) {
          closed = true;
          db.close();
        }
        return Promise.resolve();
      });
    },
  };
  return store;
}
