import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Projection } from './projection.js';
import type { ReadModelSql, SqlValue } from './read-model-store.js';

/** PostgreSQL takes at most 65,535 parameters a statement; rows per INSERT stay well below, and below 1,000. */
const PARAMETERS_PER_INSERT = 30_000;

/**
 * Copies every row of the projections' tables from a SQLite read-model file (`aside`) into `tx`, where the tables
 * have just been made by `setup`: the second half of a replay aside. The file is read by its own connection, table
 * by table in rowid order, and written in multi-row INSERTs.
 */
export async function copyReadModelRows(aside: string, tx: ReadModelSql, projections: readonly Projection[]): Promise<number> {
  const source = new Database(aside, { readonly: true });
  let copied = 0;
  try {
    for (const projection of projections) {
      for (const table of projection.tables) {
        const columns = (source.prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid').all(table) as { name: string }[]).map((column) => column.name);
        if (columns.length === 0) throw new Error(`${projection.name}: table ${table} is missing from the replay aside`);
        const quoted = columns.map((column) => `"${column.replaceAll('"', '""')}"`).join(', ');
        const row = `(${columns.map(() => '?').join(', ')})`;
        const perInsert = Math.max(1, Math.min(1_000, Math.floor(PARAMETERS_PER_INSERT / columns.length)));
        const insert = (rows: number) => `INSERT INTO "${table}" (${quoted}) VALUES ${Array.from({ length: rows }, () => row).join(', ')}`;
        let values: SqlValue[] = [];
        let rows = 0;
        for (const found of source.prepare(`SELECT ${quoted} FROM "${table}"`).raw(true).iterate() as Iterable<SqlValue[]>) {
          values.push(...found);
          rows += 1;
          if (rows === perInsert) {
            await tx.run(insert(rows), values);
            copied += rows;
            values = [];
            rows = 0;
          }
        }
        if (rows > 0) {
          await tx.run(insert(rows), values);
          copied += rows;
        }
      }
    }
  } finally {
    source.close();
  }
  return copied;
}

/** A temporary folder for a replay aside, removed with everything in it once `work` settles. */
export async function inAsideFolder<T>(parent: string | undefined, work: (file: string) => Promise<T>): Promise<T> {
  const folder = await mkdtemp(join(parent ?? tmpdir(), 'quanze-replay-aside-'));
  try {
    return await work(join(folder, 'readmodels.sqlite'));
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
