import { AsyncLocalStorage } from 'node:async_hooks';
import { resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { openSqliteFile } from '@quanze/eventstore';
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
// Which connection's turn the running code is in: to refuse a turn asked for inside another of the same connection.
const inTurn = new AsyncLocalStorage<SerialLock>();
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
  const db = openSqliteFile(path, { synchronous: 'NORMAL', cacheKiB: 64_000 });
  db.pragma('foreign_keys = OFF');

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

  // Each turn has a session of its own, which refuses statements once the turn is over: a promise left running
  // past the end of `read` or `write` would otherwise slip its statements into whoever's turn came next.
  function sessionOfTurn(): { readonly session: ReadModelSql; readonly end: () => void } {
    let ended = false;
    const statement = (sql: string): Database.Statement => {
      if (ended) throw new Error('a read-model statement outside its transaction (a promise not awaited inside read or write?)');
      return prepared(sql);
    };
    // A failing statement rejects, as PostgreSQL's does, instead of throwing at the caller.
    const settled = <T>(run: () => T) =>
      new Promise<T>((resolve) => {
        resolve(run());
      });
    const session: ReadModelSql = {
      dialect: 'sqlite',
      store,
      all: <TRow>(sql: string, params: SqlParams = []) => settled(() => statement(sql).all(...params) as TRow[]),
      get: <TRow>(sql: string, params: SqlParams = []) => settled(() => statement(sql).get(...params) as TRow | undefined),
      run: (sql: string, params: SqlParams = []) => settled(() => statement(sql).run(...params).changes),
      rows: (sql: string, params: SqlParams = []) =>
        settled(() => {
          statement(sql);
          let raw = rawStatements.get(sql);
          if (raw === undefined) {
            raw = db.prepare(sql).raw(true);
            rawStatements.set(sql, raw);
          }
          return raw.all(...params) as unknown[][];
        }),
      exec: (script: string) =>
        settled(() => {
          if (ended) throw new Error('a read-model statement outside its transaction (a promise not awaited inside read or write?)');
          db.exec(script);
        }),
    };
    return {
      session,
      end: () => {
        ended = true;
      },
    };
  }

  function usable(): void {
    if (closed) throw new Error(`the read models' database ${path} is closed`);
  }

  /**
   * One turn on the connection. `work` calling `read` or `write` again would wait for its own turn to end — for ever —
   * so it is refused at once (PostgreSQL would take a second connection; the embedded store has one).
   */
  function turn<T>(begin: string, end: string, work: (session: ReadModelSql) => Promise<T>, ending?: string): Promise<T> {
    if (inTurn.getStore() === lock) return Promise.reject(new Error("read and write cannot be nested: the work of one already holds the read models' connection"));
    return lock.run(async () => {
      usable();
      const { session, end: endTurn } = sessionOfTurn();
      try {
        db.exec(begin);
        const result = await inTurn.run(lock, () => work(session));
        endTurn();
        db.exec(end);
        return result;
      } catch (error) {
        endTurn();
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      } finally {
        if (ending !== undefined) db.exec(ending);
      }
    });
  }

  const store: ReadModelStore = {
    dialect: 'sqlite',
    location: path,
    // IMMEDIATE: take the write lock now, so that what the batch reads (the checkpoints) is what it commits over.
    write: (work) => turn('BEGIN IMMEDIATE', 'COMMIT', work),
    // A deferred transaction reads one snapshot of a file other processes may be writing; query_only refuses a
    // write, as PostgreSQL's READ ONLY does, so a query that writes fails on both databases alike.
    read: (work) => turn('PRAGMA query_only = ON; BEGIN', 'COMMIT', work, 'PRAGMA query_only = OFF'),
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
