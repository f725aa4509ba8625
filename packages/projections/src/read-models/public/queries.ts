import type { ReadModelDatabase } from '../../projection.js';
import { cachedStatement } from '../transfers/cached-statement.js';
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
// the rule of services/documents (views.ts `validityOn`).
const VALID_ON = `effective_from <= @on AND (valid_until IS NULL OR valid_until >= @on) AND (abolished_on IS NULL OR abolished_on > @on)`;

/**
 * 现行有效规范性文件目录: the documents valid on `on`, by number. The number index is walked in order and filtered,
 * so a page costs its own rows plus the invalid ones skipped on the way.
 */
export function listPublicDocuments(db: ReadModelDatabase, query: PublicDocumentsQuery): { items: PublicDocument[]; next: DocumentKey | null } {
  const after = query.after ?? null;
  // Two statements, so that a later page seeks into the number index instead of walking it from the start.
  const rows = cachedStatement<[Record<string, string | number>], DocumentRow>(
    db,
    `SELECT * FROM public_document INDEXED BY public_document_by_number
     WHERE ${VALID_ON} ${after === null ? '' : 'AND (authority_code, year, serial, document_id) > (@code, @year, @serial, @id)'}
     ORDER BY authority_code, year, serial, document_id LIMIT @limit`,
  ).all({
    on: query.on,
    ...(after === null ? {} : { code: after[0], year: after[1], serial: after[2], id: after[3] }),
    limit: query.limit + 1,
  });
  const items = rows.slice(0, query.limit).map((row) => documentOf(row, query.on));
  const last = items.at(-1);
  const next: DocumentKey | null =
    rows.length > query.limit && last !== undefined ? [last.number.authorityCode, last.number.year, last.number.serial, last.documentId] : null;
  return { items, next };
}

/** How many documents are valid on the day (the list's length). */
export function countPublicDocuments(db: ReadModelDatabase, on: string): number {
  const row = cachedStatement<[{ on: string }], { count: number }>(db, `SELECT count(*) AS count FROM public_document WHERE ${VALID_ON}`).get({ on });
  return row?.count ?? 0;
}

/** One issued document with its status on `on`; null when no such document was issued. */
export function getPublicDocument(db: ReadModelDatabase, documentId: string, on: string): PublicDocument | null {
  const row = cachedStatement<[string], DocumentRow>(db, 'SELECT * FROM public_document WHERE document_id = ?').get(documentId);
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
 * 行政执法公示 and 双随机一公开: published enforcement decisions (until withdrawn) and published inspection results,
 * latest publication first.
 */
export function listPublicEnforcementResults(
  db: ReadModelDatabase,
  query: EnforcementResultsQuery,
): { items: PublicEnforcementResult[]; next: PublishedKey | null } {
  const before = query.before ?? null;
  const byUnit = query.unitId !== undefined;
  // The narrowest index: a unit's results, or one kind's, or all by day; each walked from the latest day down.
  const index = byUnit ? 'public_enforcement_result_by_unit' : query.kind === undefined ? 'public_enforcement_result_by_date' : 'public_enforcement_result_by_kind';
  const rows = cachedStatement<[Record<string, string | number>], PublishedRow>(
    db,
    `SELECT result_id AS id, published_on, view FROM public_enforcement_result
     INDEXED BY ${index}
     WHERE visible = 1 ${byUnit ? 'AND unit_id = @unit' : ''} ${query.kind === undefined ? '' : 'AND kind = @kind'}
       ${before === null ? '' : 'AND (published_on, result_id) < (@on, @id)'}
     ORDER BY published_on DESC, result_id DESC LIMIT @limit`,
  ).all({
    ...(byUnit ? { unit: query.unitId ?? '' } : {}),
    ...(query.kind === undefined ? {} : { kind: query.kind }),
    ...(before === null ? {} : { on: before[0], id: before[1] }),
    limit: query.limit + 1,
  });
  const { views, next } = pageOf(rows, query.limit);
  return { items: views.map((view) => JSON.parse(view) as PublicEnforcementResult), next };
}

/** 决策公布: major decisions decided and published, latest first publication first. */
export function listPublicDecisions(db: ReadModelDatabase, query: PublishedQuery): { items: PublicDecision[]; next: PublishedKey | null } {
  const before = query.before ?? null;
  const rows = cachedStatement<[Record<string, string | number>], PublishedRow>(
    db,
    `SELECT decision_id AS id, first_published_on AS published_on, view FROM public_decision INDEXED BY public_decision_by_date
     WHERE visible = 1 ${before === null ? '' : 'AND (first_published_on, decision_id) < (@on, @id)'}
     ORDER BY first_published_on DESC, decision_id DESC LIMIT @limit`,
  ).all({ ...(before === null ? {} : { on: before[0], id: before[1] }), limit: query.limit + 1 });
  const { views, next } = pageOf(rows, query.limit);
  return { items: views.map((view) => JSON.parse(view) as PublicDecision), next };
}

/** One published decision; null when it does not exist or is not published. */
export function getPublicDecision(db: ReadModelDatabase, decisionId: string): PublicDecision | null {
  const row = cachedStatement<[string], { view: string }>(db, 'SELECT view FROM public_decision WHERE decision_id = ? AND visible = 1').get(decisionId);
  return row === undefined ? null : (JSON.parse(row.view) as PublicDecision);
}
