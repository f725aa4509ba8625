import type { AccessParameters } from '@quanze/events';
import type { ReadModelSql, SqlValue } from '../../read-model-store.js';

/** One recorded query: who asked what, when. */
export interface AccessRecord {
  readonly position: number;
  readonly eventId: string;
  readonly who: { readonly personId: string; readonly postId: string | null; readonly unitId: string | null; readonly roles: readonly string[] };
  readonly what: { readonly operationId: string; readonly subject: string | null; readonly parameters: AccessParameters };
  readonly when: string;
}

/** The sort key of the audit: the query's time, then the event's position; latest first. */
export type AccessKey = readonly [queriedAt: string, position: number];

export interface AccessQuery {
  readonly personId?: string | undefined;
  readonly unitId?: string | undefined;
  readonly operationId?: string | undefined;
  readonly subject?: string | undefined;
  /** Instants (ISO, UTC): from inclusive, to exclusive. */
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly limit: number;
  readonly before?: AccessKey | null | undefined;
}

interface AccessRow {
  readonly position: number;
  readonly event_id: string;
  readonly person_id: string;
  readonly post_id: string | null;
  readonly unit_id: string | null;
  readonly roles: string;
  readonly operation_id: string;
  readonly subject: string | null;
  readonly parameters: string;
  readonly queried_at: string;
}

/**
 * The index that serves a query: the most selective filter given (a person, a subject, a unit, an operation), or
 * time alone. Each index ends in (queried_at, position), so the page is read in order from where it starts.
 */
function indexFor(query: AccessQuery): string {
  if (query.personId !== undefined) return 'access_query_by_person';
  if (query.subject !== undefined) return 'access_query_by_subject';
  if (query.unitId !== undefined) return 'access_query_by_unit';
  if (query.operationId !== undefined) return 'access_query_by_operation';
  return 'access_query_by_time';
}

/**
 * 访问记录: the recorded queries that match every filter given, latest first. The statement is one of a few dozen
 * shapes (which filters are given); its SQL is the same on both databases, the `INDEXED BY` hint being SQLite's
 * only (PostgreSQL's store drops it).
 */
export async function listAccessRecords(q: ReadModelSql, query: AccessQuery): Promise<{ items: AccessRecord[]; next: AccessKey | null }> {
  const conditions: string[] = [];
  const parameters: SqlValue[] = [];
  const where = (condition: string, ...values: SqlValue[]) => {
    conditions.push(condition);
    parameters.push(...values);
  };
  if (query.personId !== undefined) where('person_id = ?', query.personId);
  if (query.subject !== undefined) where('subject = ?', query.subject);
  if (query.unitId !== undefined) where('unit_id = ?', query.unitId);
  if (query.operationId !== undefined) where('operation_id = ?', query.operationId);
  if (query.from !== undefined) where('queried_at >= ?', query.from);
  if (query.to !== undefined) where('queried_at < ?', query.to);
  const before = query.before ?? null;
  if (before !== null) where('(queried_at, position) < (?, ?)', before[0], before[1]);
  const rows = await q.all<AccessRow>(
    `SELECT * FROM access_query INDEXED BY ${indexFor(query)}
     ${conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`}
     ORDER BY queried_at DESC, position DESC LIMIT ?`,
    [...parameters, query.limit + 1],
  );
  const items = rows.slice(0, query.limit).map(
    (row): AccessRecord => ({
      position: row.position,
      eventId: row.event_id,
      who: { personId: row.person_id, postId: row.post_id, unitId: row.unit_id, roles: JSON.parse(row.roles) as string[] },
      what: { operationId: row.operation_id, subject: row.subject, parameters: JSON.parse(row.parameters) as AccessParameters },
      when: row.queried_at,
    }),
  );
  const last = items.at(-1);
  return { items, next: rows.length > query.limit && last !== undefined ? [last.when, last.position] : null };
}
