/**
 * The read models' schemas are written once, in SQLite's dialect; these are the few rewrites that make them
 * PostgreSQL's. Text compares by code point in both (`COLLATE "C"`, SQLite's BINARY), so that ordering, paging
 * cursors and dumps agree whatever the database's locale.
 */
export function postgresSchema(script: string): string {
  return script
    .replace(/\)\s*STRICT\s*,\s*WITHOUT\s+ROWID/gi, ')')
    .replace(/\)\s*WITHOUT\s+ROWID\s*,\s*STRICT/gi, ')')
    .replace(/\)\s*STRICT\b/gi, ')')
    .replace(/\)\s*WITHOUT\s+ROWID\b/gi, ')')
    .replace(/\bINTEGER\b/g, 'BIGINT')
    .replace(/\bREAL\b/g, 'DOUBLE PRECISION')
    .replace(/\bBLOB\b/g, 'BYTEA')
    .replace(/\bTEXT\b/g, 'TEXT COLLATE "C"');
}

const placeholders = new Map<string, string>();

/**
 * `?` placeholders as PostgreSQL's `$1, $2, …`, outside quoted text and identifiers; `INDEXED BY` (a SQLite planner
 * hint) dropped. Remembered per statement: the same few hundred statements come again and again.
 */
export function postgresStatement(sql: string): string {
  let translated = placeholders.get(sql);
  if (translated !== undefined) return translated;
  let out = '';
  let n = 0;
  let quote: string | null = null;
  let comment = false;
  for (let at = 0; at < sql.length; at += 1) {
    const char = sql.charAt(at);
    if (comment) {
      if (char === '\n') comment = false;
      out += char;
    } else if (quote === null && char === '-' && sql.charAt(at + 1) === '-') {
      comment = true;
      out += char;
    } else if (quote !== null) {
      if (char === quote) quote = null;
      out += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      out += char;
    } else if (char === '?') {
      n += 1;
      out += `$${String(n)}`;
    } else out += char;
  }
  translated = out.replace(/\s+INDEXED\s+BY\s+\w+/gi, '');
  placeholders.set(sql, translated);
  return translated;
}
