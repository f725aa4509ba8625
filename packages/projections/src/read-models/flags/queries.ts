import type { ReadModelSql, SqlValue } from '../../read-model-store.js';
import type { FlagCode, FlagSeverity, FlagSubjectKind } from './catalogue.js';
import { flagRules } from './catalogue.js';
import type { FlagEventRef } from './projection.js';

/** A flag as of a day (docs/FLAGS.md "asOf"). */
export interface Flag {
  readonly flagId: string;
  readonly code: FlagCode;
  readonly article: string;
  readonly severity: FlagSeverity;
  readonly subject: { readonly kind: FlagSubjectKind; readonly id: string };
  /** The unit responsible at the time, as the events name it (not today's successor). */
  readonly unitId: string | null;
  /** The first day the flag stands. */
  readonly raisedOn: string;
  /**
   * `raised`: judged on one event. Deadline flags: `open` — not done by `asOf` (never filed, unanswered…);
   * `late` — done late, on or before `asOf`.
   */
  readonly status: 'raised' | 'open' | 'late';
  /** Deadline flags: the last day in time, or the last instant for the 24-hour limits. */
  readonly due: { readonly on: string } | { readonly at: string } | null;
  /** The day a late deadline was met (or the duty ended), when on or before `asOf`. */
  readonly endedOn: string | null;
  /** The events that raised it, in log order. */
  readonly raisedBy: readonly FlagEventRef[];
  readonly details: Readonly<Record<string, unknown>>;
}

export interface ListFlagsOptions {
  /** The day "now" is: flags raised after it are not listed, deadlines met after it are still open. */
  readonly asOf: string;
  readonly unitId?: string;
  readonly code?: FlagCode;
  /** Only these codes (what a caller may see); all when absent. */
  readonly codes?: readonly FlagCode[];
  /** Raised on or after this day. */
  readonly from?: string;
  /** Raised on or before this day (and never after `asOf`). */
  readonly to?: string;
  /** The `next` cursor of the previous page. */
  readonly after?: string;
  readonly limit: number;
}

export interface FlagPage {
  readonly flags: readonly Flag[];
  /** The cursor of the next page, null on the last. */
  readonly next: string | null;
  /** Flags matching the filters that the working-day calendar could not judge (days outside its range). */
  readonly undetermined: number;
}

interface FlagRow {
  readonly flag_id: string;
  readonly code: FlagCode;
  readonly severity: FlagSeverity;
  readonly subject_kind: FlagSubjectKind;
  readonly subject_id: string;
  readonly unit_id: string | null;
  readonly raised_on: string;
  readonly due_on: string | null;
  readonly due_at: string | null;
  readonly ended_on: string | null;
  readonly ended_by: string | null;
  readonly raised_by: string;
  readonly details: string;
}

/** A cursor is the last flag's (raisedOn, flagId), opaque to callers. */
function encodeCursor(row: FlagRow): string {
  return Buffer.from(JSON.stringify([row.raised_on, row.flag_id])).toString('base64url');
}

export class InvalidFlagCursor extends Error {
  constructor(readonly cursor: string) {
    super('the cursor is not one a flags page gave');
    this.name = 'InvalidFlagCursor';
  }
}

function parseCursor(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    if (error instanceof SyntaxError) return null;
    throw error;
  }
}

/** Whether `cursor` is one a flags page gave (for validating a query before it runs). */
export function isFlagCursor(cursor: string): boolean {
  const parsed = parseCursor(cursor);
  return Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && typeof parsed[1] === 'string';
}

function decodeCursor(cursor: string): [string, string] {
  const parsed = parseCursor(cursor);
  if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && typeof parsed[1] === 'string') return [parsed[0], parsed[1]];
  throw new InvalidFlagCursor(cursor);
}

function toFlag(row: FlagRow, asOf: string): Flag {
  const ended = row.ended_on !== null && row.ended_on <= asOf;
  const deadline = row.due_on !== null || row.due_at !== null;
  const raisedBy = JSON.parse(row.raised_by) as FlagEventRef[];
  if (ended && row.ended_by !== null) {
    const ending = JSON.parse(row.ended_by) as FlagEventRef;
    if (!raisedBy.some((ref) => ref.eventId === ending.eventId)) raisedBy.push(ending);
  }
  return {
    flagId: row.flag_id,
    code: row.code,
    article: flagRules[row.code].article,
    severity: row.severity,
    subject: { kind: row.subject_kind, id: row.subject_id },
    unitId: row.unit_id,
    raisedOn: row.raised_on,
    status: deadline ? (ended ? 'late' : 'open') : 'raised',
    due: row.due_on !== null ? { on: row.due_on } : row.due_at !== null ? { at: row.due_at } : null,
    endedOn: ended ? row.ended_on : null,
    raisedBy,
    details: JSON.parse(row.details) as Record<string, unknown>,
  };
}

interface Filter {
  readonly where: string[];
  readonly params: SqlValue[];
}

function codeFilter(filter: Filter, code: FlagCode | undefined, codes: readonly FlagCode[] | undefined): boolean {
  if (code !== undefined) {
    if (codes !== undefined && !codes.includes(code)) return false;
    filter.where.push('code = ?');
    filter.params.push(code);
  } else if (codes !== undefined) {
    if (codes.length === 0) return false;
    filter.where.push(`code IN (${codes.map(() => '?').join(', ')})`);
    filter.params.push(...codes);
  }
  return true;
}

const COLUMNS = 'flag_id, code, severity, subject_kind, subject_id, unit_id, raised_on, due_on, due_at, ended_on, ended_by, raised_by, details';

/** The flags standing as of `asOf`, oldest first, each with the events that raised it. */
export async function listFlags(q: ReadModelSql, options: ListFlagsOptions): Promise<FlagPage> {
  const listed: Filter = { where: [], params: [] };
  const unjudged: Filter = { where: ['raised_on IS NULL'], params: [] };
  if (!codeFilter(listed, options.code, options.codes)) return { flags: [], next: null, undetermined: 0 };
  codeFilter(unjudged, options.code, options.codes);
  if (options.unitId !== undefined) {
    for (const filter of [listed, unjudged]) {
      filter.where.push('unit_id = ?');
      filter.params.push(options.unitId);
    }
  }
  const upTo = options.to !== undefined && options.to < options.asOf ? options.to : options.asOf;
  listed.where.push('raised_on <= ?');
  listed.params.push(upTo);
  if (options.from !== undefined) {
    listed.where.push('raised_on >= ?');
    listed.params.push(options.from);
  }
  if (options.after !== undefined) {
    const [raisedOn, flagId] = decodeCursor(options.after);
    listed.where.push('(raised_on > ? OR (raised_on = ? AND flag_id > ?))');
    listed.params.push(raisedOn, raisedOn, flagId);
  }
  const rows = await q.all<FlagRow>(`SELECT ${COLUMNS} FROM flags_flags WHERE ${listed.where.join(' AND ')} ORDER BY raised_on, flag_id LIMIT ?`, [
    ...listed.params,
    options.limit + 1,
  ]);
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  const unjudgedCount = await q.get<{ count: number }>(`SELECT count(*) AS count FROM flags_flags WHERE ${unjudged.where.join(' AND ')}`, unjudged.params);
  return {
    flags: page.map((row) => toFlag(row, options.asOf)),
    next: rows.length > options.limit && last !== undefined ? encodeCursor(last) : null,
    undetermined: unjudgedCount?.count ?? 0,
  };
}

export interface FlagCountsOptions {
  readonly asOf: string;
  readonly by: 'unit' | 'code';
  readonly interval: 'month' | 'year';
  readonly codes?: readonly FlagCode[];
  readonly from?: string;
  readonly to?: string;
}

export interface FlagCount {
  /** `YYYY-MM` or `YYYY`: when the flags were raised. */
  readonly period: string;
  /** The unit id (null: no unit named) or the code. */
  readonly key: string | null;
  readonly count: number;
}

/** How many flags were raised per unit or per code, month by month or year by year, as of `asOf`. */
export async function flagCounts(q: ReadModelSql, options: FlagCountsOptions): Promise<FlagCount[]> {
  const filter: Filter = { where: ['raised_on IS NOT NULL'], params: [] };
  if (!codeFilter(filter, undefined, options.codes)) return [];
  const upTo = options.to !== undefined && options.to < options.asOf ? options.to : options.asOf;
  filter.where.push('raised_on <= ?');
  filter.params.push(upTo);
  if (options.from !== undefined) {
    filter.where.push('raised_on >= ?');
    filter.params.push(options.from);
  }
  const period = options.interval === 'month' ? 'substr(raised_on, 1, 7)' : 'substr(raised_on, 1, 4)';
  const key = options.by === 'unit' ? 'unit_id' : 'code';
  // Flags of no unit come first, as SQLite orders NULLs ascending; PostgreSQL is told to.
  return q.all<FlagCount>(
    `SELECT ${period} AS period, ${key} AS key, count(*) AS count FROM flags_flags WHERE ${filter.where.join(' AND ')}
     GROUP BY period, key ORDER BY period, key NULLS FIRST`,
    filter.params,
  );
}
