import type { ReadModelSql, SqlValue } from '../../read-model-store.js';
import type { PublicDecision, PublicEnforcementResult } from './projection.js';

/** What a normative document is on a given day. */
export type PublicDocumentStatus = 'not-yet-effective' | 'in-force' | 'expired' | 'abolished';

/** A normative document as the public list shows it (统一发布): nothing of the drafting, nothing of the persons. */
export interface PublicDocument {
  readonly documentId: string;
  readonly number: { readonly authorityCode: string; readonly year: number; readonly serial: number; readonly formatted: string };
  readonly title: string;
  readonly issuingUnitId: string;
  /** The issuing unit's name when the document was issued. */
  readonly issuingUnitName: string | null;
  readonly issuedOn: string;
  readonly effectiveFrom: string;
  /** The last valid day; null: no end. */
  readonly validUntil: string | null;
  readonly textSha256: string;
  readonly publications: readonly { readonly channel: string; readonly reference: string }[];
  /** The first day it is no longer valid, when abolished (废止). */
  readonly abolishedOn: string | null;
  readonly replacedByDocumentId: string | null;
  /** On the day asked for. */
  readonly status: PublicDocumentStatus;
}

/** The sort key of the documents list: authority code (by code point), year, serial, then id. */
export type DocumentKey = readonly [authorityCode: string, year: number, serial: number, documentId: string];

export interface PublicDocumentsQuery {
  /** The day (YYYY-MM-DD, China) on which the documents must be valid. */
  readonly on: string;
  readonly limit: number;
  readonly after?: DocumentKey | null | undefined;
}

interface DocumentRow {
  readonly document_id: string;
  readonly authority_code: string;
  readonly year: number;
  readonly serial: number;
  readonly number: string;
  readonly title: string;
  readonly issuing_unit_id: string;
  readonly issuing_unit_name: string | null;
  readonly issued_on: string;
  readonly effective_from: string;
  readonly valid_until: string | null;
  readonly text_sha256: string;
  readonly publications: string;
  readonly abolished_on: string | null;
  readonly replaced_by_document_id: string | null;
}

function statusOn(row: DocumentRow, date: string): PublicDocumentStatus {
  if (row.abolished_on !== null && row.abolished_on <= date) return 'abolished';
  if (row.valid_until !== null && date > row.valid_until) return 'expired';
  if (date < row.effective_from) return 'not-yet-effective';
  return 'in-force';
}

function documentOf(row: DocumentRow, on: string): PublicDocument {
  return {
    documentId: row.document_id,
    number: { authorityCode: row.authority_code, year: row.year, serial: row.serial, formatted: row.number },
    title: row.title,
    issuingUnitId: row.issuing_unit_id,
    issuingUnitName: row.issuing_unit_name,
    issuedOn: row.issued_on,
    effectiveFrom: row.effective_from,
    validUntil: row.valid_until,
    textSha256: row.text_sha256,
    publications: JSON.parse(row.publications) as PublicDocument['publications'],
    abolishedOn: row.abolished_on,
    replacedByDocumentId: row.replaced_by_document_id,
    status: statusOn(row, on),
  };
}

// Valid on a day: in effect (effectiveFrom ≤ day), not past its last valid day, not abolished on or before it —
// the rule of services/documents (views.ts `validityOn`). Its three parameters are the day, three times.
const VALID_ON = `effective_from <= ? AND (valid_until IS NULL OR valid_until >= ?) AND (abolished_on IS NULL OR abolished_on > ?)`;
// Two statements, so that a later page seeks into the number index instead of walking it from the start.
const FIRST_DOCUMENTS_PAGE = `SELECT * FROM public_document INDEXED BY public_document_by_number
  WHERE ${VALID_ON}
  ORDER BY authority_code, year, serial, document_id LIMIT ?`;
const NEXT_DOCUMENTS_PAGE = `SELECT * FROM public_document INDEXED BY public_document_by_number
  WHERE ${VALID_ON} AND (authority_code, year, serial, document_id) > (?, ?, ?, ?)
  ORDER BY authority_code, year, serial, document_id LIMIT ?`;
const COUNT_DOCUMENTS = `SELECT count(*) AS count FROM public_document WHERE ${VALID_ON}`;
const GET_DOCUMENT = 'SELECT * FROM public_document WHERE document_id = ?';

/**
 * 现行有效规范性文件目录: the documents valid on `on`, by number. The number index is walked in order and filtered,
 * so a page costs its own rows plus the invalid ones skipped on the way.
 */
export async function listPublicDocuments(q: ReadModelSql, query: PublicDocumentsQuery): Promise<{ items: PublicDocument[]; next: DocumentKey | null }> {
  const after = query.after ?? null;
  const validOn = [query.on, query.on, query.on];
  const rows =
    after === null
      ? await q.all<DocumentRow>(FIRST_DOCUMENTS_PAGE, [...validOn, query.limit + 1])
      : await q.all<DocumentRow>(NEXT_DOCUMENTS_PAGE, [...validOn, ...after, query.limit + 1]);
  const items = rows.slice(0, query.limit).map((row) => documentOf(row, query.on));
  const last = items.at(-1);
  const next: DocumentKey | null =
    rows.length > query.limit && last !== undefined ? [last.number.authorityCode, last.number.year, last.number.serial, last.documentId] : null;
  return { items, next };
}

/** How many documents are valid on the day (the list's length). */
export async function countPublicDocuments(q: ReadModelSql, on: string): Promise<number> {
  const row = await q.get<{ count: number }>(COUNT_DOCUMENTS, [on, on, on]);
  return row?.count ?? 0;
}

/** One issued document with its status on `on`; null when no such document was issued. */
export async function getPublicDocument(q: ReadModelSql, documentId: string, on: string): Promise<PublicDocument | null> {
  const row = await q.get<DocumentRow>(GET_DOCUMENT, [documentId]);
  return row === undefined ? null : documentOf(row, on);
}

/** The sort key of published results and decisions: the (first) publication day, latest first, then id. */
export type PublishedKey = readonly [publishedOn: string, id: string];

export interface PublishedQuery {
  readonly limit: number;
  readonly before?: PublishedKey | null | undefined;
}

export interface EnforcementResultsQuery extends PublishedQuery {
  readonly unitId?: string | undefined;
  readonly kind?: PublicEnforcementResult['kind'] | undefined;
}

interface PublishedRow {
  readonly id: string;
  readonly published_on: string;
  readonly view: string;
}

/** The page's rows (one more was read, to know whether another page follows) and the key to go on from. */
function pageOf(rows: readonly PublishedRow[], limit: number): { views: string[]; next: PublishedKey | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { views: page.map((row) => row.view), next: rows.length > limit && last !== undefined ? [last.published_on, last.id] : null };
}

/**
 * The statement of a page of published enforcement results: one of eight shapes (by unit or not, by kind or not, a
 * later page or the first). The narrowest index: a unit's results, or one kind's, or all by day; each walked from
 * the latest day down. Visible rows all have a publication day, so the order never meets a NULL (which SQLite and
 * PostgreSQL would place differently).
 */
function enforcementResultsPage(byUnit: boolean, byKind: boolean, later: boolean): string {
  const index = byUnit ? 'public_enforcement_result_by_unit' : byKind ? 'public_enforcement_result_by_kind' : 'public_enforcement_result_by_date';
  return `SELECT result_id AS id, published_on, view FROM public_enforcement_result INDEXED BY ${index}
  WHERE visible = 1${byUnit ? ' AND unit_id = ?' : ''}${byKind ? ' AND kind = ?' : ''}${later ? ' AND (published_on, result_id) < (?, ?)' : ''}
  ORDER BY published_on DESC, result_id DESC LIMIT ?`;
}

/**
 * 行政执法公示 and 双随机一公开: published enforcement decisions (until withdrawn) and published inspection results,
 * latest publication first.
 */
export async function listPublicEnforcementResults(
  q: ReadModelSql,
  query: EnforcementResultsQuery,
): Promise<{ items: PublicEnforcementResult[]; next: PublishedKey | null }> {
  const before = query.before ?? null;
  const params: SqlValue[] = [];
  if (query.unitId !== undefined) params.push(query.unitId);
  if (query.kind !== undefined) params.push(query.kind);
  if (before !== null) params.push(...before);
  params.push(query.limit + 1);
  const rows = await q.all<PublishedRow>(enforcementResultsPage(query.unitId !== undefined, query.kind !== undefined, before !== null), params);
  const { views, next } = pageOf(rows, query.limit);
  return { items: views.map((view) => JSON.parse(view) as PublicEnforcementResult), next };
}

// Decided and published: a first publication day, never NULL in the order (see `enforcementResultsPage`).
const FIRST_DECISIONS_PAGE = `SELECT decision_id AS id, first_published_on AS published_on, view FROM public_decision INDEXED BY public_decision_by_date
  WHERE visible = 1
  ORDER BY first_published_on DESC, decision_id DESC LIMIT ?`;
const NEXT_DECISIONS_PAGE = `SELECT decision_id AS id, first_published_on AS published_on, view FROM public_decision INDEXED BY public_decision_by_date
  WHERE visible = 1 AND (first_published_on, decision_id) < (?, ?)
  ORDER BY first_published_on DESC, decision_id DESC LIMIT ?`;
const GET_DECISION = 'SELECT view FROM public_decision WHERE decision_id = ? AND visible = 1';

/** 决策公布: major decisions decided and published, latest first publication first. */
export async function listPublicDecisions(q: ReadModelSql, query: PublishedQuery): Promise<{ items: PublicDecision[]; next: PublishedKey | null }> {
  const before = query.before ?? null;
  const rows =
    before === null
      ? await q.all<PublishedRow>(FIRST_DECISIONS_PAGE, [query.limit + 1])
      : await q.all<PublishedRow>(NEXT_DECISIONS_PAGE, [...before, query.limit + 1]);
  const { views, next } = pageOf(rows, query.limit);
  return { items: views.map((view) => JSON.parse(view) as PublicDecision), next };
}

/** One published decision; null when it does not exist or is not published. */
export async function getPublicDecision(q: ReadModelSql, decisionId: string): Promise<PublicDecision | null> {
  const row = await q.get<{ view: string }>(GET_DECISION, [decisionId]);
  return row === undefined ? null : (JSON.parse(row.view) as PublicDecision);
}
