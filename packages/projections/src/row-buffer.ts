import type Database from 'better-sqlite3';
import type { ReadModelDatabase } from './projection.js';

/** Rows per multi-row INSERT: past a few dozen, longer statements stopped paying on the bench (docs/BENCHMARKS.md). */
const ROWS_PER_STATEMENT = 32;

/**
 * Rows of one table that `apply` holds back to write several per INSERT, in the order they were added: binding one
 * statement per row is a good part of what a row costs. A full statement's worth is written at once, the rest by
 * `flush` at the end of the runner's batch (in its transaction). Only for rows the projection never reads back
 * while applying (append-only tables), so that holding them back changes nothing.
 */
export class RowBuffer {
  private readonly pending = new WeakMap<ReadModelDatabase, unknown[]>();
  private readonly statements = new WeakMap<ReadModelDatabase, { readonly one: Database.Statement; readonly many: Database.Statement }>();

  /** `insert`: `INSERT INTO <table> (<columns>)`, without VALUES; `columns`: how many. */
  constructor(
    private readonly insert: string,
    private readonly columns: number,
  ) {}

  add(db: ReadModelDatabase, ...row: unknown[]): void {
    if (row.length !== this.columns) throw new TypeError(`${this.insert}: ${String(row.length)} values for ${String(this.columns)} columns`);
    let values = this.pending.get(db);
    if (values === undefined) {
      values = [];
      this.pending.set(db, values);
    }
    for (const value of row) values.push(value);
    // Written as soon as a statement is full: held for the whole batch, the rows would outlive the young generation.
    if (values.length === ROWS_PER_STATEMENT * this.columns) {
      this.pending.delete(db);
      this.statementsOf(db).many.run(values);
    }
  }

  flush(db: ReadModelDatabase): void {
    const values = this.pending.get(db);
    if (values === undefined || values.length === 0) return;
    this.pending.delete(db);
    const { one, many } = this.statementsOf(db);
    const chunk = ROWS_PER_STATEMENT * this.columns;
    let at = 0;
    for (; at + chunk <= values.length; at += chunk) many.run(values.slice(at, at + chunk));
    for (; at < values.length; at += this.columns) one.run(values.slice(at, at + this.columns));
  }

  clear(db: ReadModelDatabase): void {
    this.pending.delete(db);
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
