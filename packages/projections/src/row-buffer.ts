import type { ReadModelSql, ReadModelStore, SqlValue } from './read-model-store.js';

/** Rows per multi-row INSERT: past a few dozen, longer statements stopped paying on the bench (docs/BENCHMARKS.md). */
const ROWS_PER_STATEMENT = 32;

type Row = SqlValue[];

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
  private readonly pending = new WeakMap<ReadModelStore, Row[]>();
  // A projection works on one database at a time: its rows are found without the WeakMap.
  private last: { readonly store: ReadModelStore; rows: Row[] } | null = null;
  private readonly one: string;
  private readonly many: string;

  /** `insert`: `INSERT INTO <table> (<columns>)`, without VALUES; `columns`: how many. */
  constructor(
    private readonly insert: string,
    private readonly columns: number,
    private readonly keyColumns = 0,
  ) {
    const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
    this.one = `${insert} VALUES ${row}`;
    this.many = `${insert} VALUES ${Array.from({ length: ROWS_PER_STATEMENT }, () => row).join(', ')}`;
  }

  /** Holds a row; the row itself is returned, so that a projection may still change a value before it is written. */
  async add(tx: ReadModelSql, ...row: Row): Promise<Row> {
    if (row.length !== this.columns) throw new TypeError(`${this.insert}: ${String(row.length)} values for ${String(this.columns)} columns`);
    const rows = this.rowsOf(tx.store);
    rows.push(row);
    if (this.keyColumns === 0 && rows.length === ROWS_PER_STATEMENT) {
      this.take(tx.store);
      await tx.run(this.many, rows.flat());
    }
    return row;
  }

  async flush(tx: ReadModelSql): Promise<void> {
    const rows = this.take(tx.store);
    if (rows.length === 0) return;
    if (this.keyColumns > 0) rows.sort((a, b) => compareKeys(a, b, this.keyColumns));
    let at = 0;
    for (; at + ROWS_PER_STATEMENT <= rows.length; at += ROWS_PER_STATEMENT) await tx.run(this.many, rows.slice(at, at + ROWS_PER_STATEMENT).flat());
    for (; at < rows.length; at += 1) await tx.run(this.one, rows[at]);
  }

  clear(store: ReadModelStore): void {
    this.take(store);
  }

  private rowsOf(store: ReadModelStore): Row[] {
    if (this.last?.store === store) return this.last.rows;
    let rows = this.pending.get(store);
    if (rows === undefined) {
      rows = [];
      this.pending.set(store, rows);
    }
    this.last = { store, rows };
    return rows;
  }

  /** The rows held for the database, which holds none from now on. */
  private take(store: ReadModelStore): Row[] {
    const rows = this.rowsOf(store);
    const fresh: Row[] = [];
    this.pending.set(store, fresh);
    this.last = { store, rows: fresh };
    return rows;
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
