import type Database from 'better-sqlite3';
import type { ReadModelDatabase } from './projection.js';

/** Rows per multi-row INSERT: past a few dozen, longer statements stopped paying on the bench (docs/BENCHMARKS.md). */
const ROWS_PER_STATEMENT = 32;

type Row = unknown[];

/**
 * Rows of one table that `apply` holds back to write several per INSERT: binding one statement per row is a good
 * part of what a row costs. Only for rows the projection never reads back from the table while a batch applies, so
 * that holding them back changes nothing; whatever is held is written by `flush`, at the end of the runner's batch
 * and in its transaction.
 *
 * Rows appended in key order (a rowid table) are written as soon as a statement is full, in the order they came:
 * held for the whole batch they would outlive the young generation. Rows of a table keyed otherwise (`keyColumns`:
 * the leading columns of its primary key) are held to the end of the batch and written in key order: rows scattered
 * over the whole table would each dirty a page of their own, in key order they fill the same pages one after another.
 */
export class RowBuffer {
  private readonly pending = new WeakMap<ReadModelDatabase, Row[]>();
  // A projection works on one database at a time: its rows are found without the WeakMap.
  private last: { readonly db: ReadModelDatabase; rows: Row[] } | null = null;
  private readonly statements = new WeakMap<ReadModelDatabase, { readonly one: Database.Statement; readonly many: Database.Statement }>();

  /** `insert`: `INSERT INTO <table> (<columns>)`, without VALUES; `columns`: how many. */
  constructor(
    private readonly insert: string,
    private readonly columns: number,
    private readonly keyColumns = 0,
  ) {}

  /** Holds a row; the row itself is returned, so that a projection may still change a value before it is written. */
  add(db: ReadModelDatabase, ...row: Row): Row {
    if (row.length !== this.columns) throw new TypeError(`${this.insert}: ${String(row.length)} values for ${String(this.columns)} columns`);
    const rows = this.rowsOf(db);
    rows.push(row);
    if (this.keyColumns === 0 && rows.length === ROWS_PER_STATEMENT) {
      this.take(db);
      this.statementsOf(db).many.run(rows.flat());
    }
    return row;
  }

  flush(db: ReadModelDatabase): void {
    const rows = this.take(db);
    if (rows.length === 0) return;
    if (this.keyColumns > 0) rows.sort((a, b) => compareKeys(a, b, this.keyColumns));
    const { one, many } = this.statementsOf(db);
    let at = 0;
    for (; at + ROWS_PER_STATEMENT <= rows.length; at += ROWS_PER_STATEMENT) many.run(rows.slice(at, at + ROWS_PER_STATEMENT).flat());
    for (; at < rows.length; at += 1) one.run(rows[at]);
  }

  clear(db: ReadModelDatabase): void {
    this.take(db);
  }

  private rowsOf(db: ReadModelDatabase): Row[] {
    if (this.last?.db === db) return this.last.rows;
    let rows = this.pending.get(db);
    if (rows === undefined) {
      rows = [];
      this.pending.set(db, rows);
    }
    this.last = { db, rows };
    return rows;
  }

  /** The rows held for the database, which holds none from now on. */
  private take(db: ReadModelDatabase): Row[] {
    const rows = this.rowsOf(db);
    const fresh: Row[] = [];
    this.pending.set(db, fresh);
    this.last = { db, rows: fresh };
    return rows;
  }

  private statementsOf(db: ReadModelDatabase) {
    let statements = this.statements.get(db);
    if (statements === undefined) {
      const row = `(${Array.from({ length: this.columns }, () => '?').join(', ')})`;
      statements = {
        one: db.prepare(`${this.insert} VALUES ${row}`),
        many: db.prepare(`${this.insert} VALUES ${Array.from({ length: ROWS_PER_STATEMENT }, () => row).join(', ')}`),
      };
      this.statements.set(db, statements);
    }
    return statements;
  }
}

/** Numbers as numbers, text by code unit: close to SQLite's BINARY order, which only the speed depends on. */
function compareKeys(a: Row, b: Row, columns: number): number {
  for (let column = 0; column < columns; column += 1) {
    const left = a[column];
    const right = b[column];
    if (left === right) continue;
    if (typeof left === 'number' && typeof right === 'number') return left - right;
    return String(left) < String(right) ? -1 : 1;
  }
  return 0;
}
