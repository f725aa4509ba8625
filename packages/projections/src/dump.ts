import { createHash } from 'node:crypto';
import type { Projection, ReadModelDatabase } from './projection.js';

/**
 * Every row of the projection's tables, tables by name and rows in the order of all their columns, one JSON line
 * each: two read models with the same dump hold the same facts, whatever order they were written in.
 */
export function dumpProjection(db: ReadModelDatabase, projection: Projection): string {
  const lines: string[] = [];
  for (const table of [...projection.tables].sort()) {
    const columns = (db.prepare(`SELECT name FROM pragma_table_info(?) ORDER BY cid`).all(table) as { name: string }[]).map(
      (column) => column.name,
    );
    if (columns.length === 0) throw new Error(`${projection.name}: table ${table} does not exist`);
    lines.push(`# ${table} (${columns.join(', ')})`);
    const quoted = columns.map((column) => `"${column.replaceAll('"', '""')}"`);
    const rows = db.prepare(`SELECT ${quoted.join(', ')} FROM "${table}" ORDER BY ${quoted.join(', ')}`).raw().all() as unknown[][];
    for (const row of rows) lines.push(JSON.stringify(row, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)));
  }
  return `${lines.join('\n')}\n`;
}

export function dumpDigest(db: ReadModelDatabase, projections: readonly Projection[]): string {
  const hash = createHash('sha256');
  for (const projection of projections) hash.update(`## ${projection.name} v${String(projection.version)}\n`).update(dumpProjection(db, projection));
  return hash.digest('hex');
}
