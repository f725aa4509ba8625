import { createHash } from 'node:crypto';
import type { Projection } from './projection.js';
import type { ReadModelSql } from './read-model-store.js';

/**
 * Every row of the projection's tables, tables by name and rows in the order of all their columns, one JSON line
 * each: two read models with the same dump hold the same facts, whatever order they were written in, and whichever
 * database (SQLite or PostgreSQL) holds them.
 */
export async function dumpProjection(q: ReadModelSql, projection: Projection): Promise<string> {
  const lines: string[] = [];
  for (const table of [...projection.tables].sort()) {
    const columns = (
      await q.all<{ name: string }>(
        q.dialect === 'sqlite'
          ? `SELECT name FROM pragma_table_info(?) ORDER BY cid`
          : `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position`,
        [table],
      )
    ).map((column) => column.name);
    if (columns.length === 0) throw new Error(`${projection.name}: table ${table} does not exist`);
    lines.push(`# ${table} (${columns.join(', ')})`);
    const quoted = columns.map((column) => `"${column.replaceAll('"', '""')}"`);
    const rows = await q.rows(`SELECT ${quoted.join(', ')} FROM "${table}" ORDER BY ${quoted.map((column) => `${column} NULLS FIRST`).join(', ')}`);
    for (const row of rows) lines.push(JSON.stringify(row, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)));
  }
  return `${lines.join('\n')}\n`;
}

export async function dumpDigest(q: ReadModelSql, projections: readonly Projection[]): Promise<string> {
  const hash = createHash('sha256');
  for (const projection of projections) hash.update(`## ${projection.name} v${String(projection.version)}\n`).update(await dumpProjection(q, projection));
  return hash.digest('hex');
}
