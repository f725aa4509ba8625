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
    // A column's type, not a CAST's target (`CAST(x AS TEXT)` in an index expression takes no collation there).
    .replace(/(?<!\bAS\s+)\bTEXT\b(?!\s+COLLATE)/gi, 'TEXT COLLATE "C"');
}

const placeholders = new Map<string, string>();
/** Read models use a few hundred statements; SQL built from values (a mistake) is translated each time, not kept. */
const MAX_REMEMBERED = 2_000;

/**
 * `?` placeholders as PostgreSQL's `$1, $2, …`, outside quoted text, identifiers and comments; `INDEXED BY` (a SQLite
 * planner hint) dropped. So a `?` is always a placeholder: PostgreSQL's jsonb `?` operators are spelt `jsonb_exists…`.
 * Remembered per statement: the same few hundred statements come again and again.
 */
export function postgresStatement(sql: string): string {
  let translated = placeholders.get(sql);
  if (translated !== undefined) return translated;
  let out = '';
  let n = 0;
  let quote: string | null = null;
  let comment: '--' | '/*' | null = null;
  for (let at = 0; at < sql.length; at += 1) {
    const char = sql.charAt(at);
    if (comment === '--') {
      if (char === '\n') comment = null;
      out += char;
    } else if (comment === '/*') {
      if (char === '/' && sql.charAt(at - 1) === '*') comment = null;
      out += char;
    } else if (quote === null && char === '-' && sql.charAt(at + 1) === '-') {
      comment = '--';
      out += char;
    } else if (quote === null && char === '/' && sql.charAt(at + 1) === '*') {
      comment = '/*';
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
  if (placeholders.size < MAX_REMEMBERED) placeholders.set(sql, translated);
  return translated;
}
