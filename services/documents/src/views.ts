import type { DocumentIssuedV1, DocumentNumber } from '@quanze/events';
import type { DocumentFacts, DocumentStage } from './decider.js';
import { documentStageOf } from './decider.js';

/** What an issued document is on a given day. */
export type ValidityStatus = 'not-yet-effective' | 'in-force' | 'expired' | 'abolished';

/**
 * Valid on `date` (YYYY-MM-DD): issued, in effect (effectiveFrom ≤ date), not past its last valid day (validUntil,
 * inclusive) and not abolished by then (abolishedOn is the first day it is no longer valid). null: never issued.
 */
export function validityOn(document: DocumentFacts, date: string): ValidityStatus | null {
  const issue = document.issue;
  if (issue === null) return null;
  if (document.abolition !== null && document.abolition.abolishedOn <= date) return 'abolished';
  if (issue.validUntil !== null && date > issue.validUntil) return 'expired';
  if (date < issue.effectiveFrom) return 'not-yet-effective';
  return 'in-force';
}

/** What anyone may see of an issued document (统一发布): nothing of the drafting, nothing of the persons. */
export interface PublicDocumentView {
  readonly documentId: string;
  readonly title: string;
  readonly number: DocumentNumber;
  readonly issuingUnitId: string;
  readonly issuedOn: string;
  readonly effectiveFrom: string;
  readonly validUntil: string | null;
  readonly textSha256: string;
  readonly publications: DocumentIssuedV1['publications'];
  /** On the day asked for (today, unless the query names a day). */
  readonly status: ValidityStatus;
  readonly abolishedOn: string | null;
  readonly replacedByDocumentId: string | null;
}

export function publicViewOf(document: DocumentFacts, date: string): PublicDocumentView | null {
  const issue = document.issue;
  const status = validityOn(document, date);
  if (issue === null || status === null) return null;
  return {
    documentId: document.documentId,
    title: issue.title,
    number: issue.number,
    issuingUnitId: issue.issuingUnitId,
    issuedOn: issue.issuedOn,
    effectiveFrom: issue.effectiveFrom,
    validUntil: issue.validUntil,
    textSha256: issue.textSha256,
    publications: issue.publications,
    status,
    abolishedOn: document.abolition?.abolishedOn ?? null,
    replacedByDocumentId: document.abolition?.replacedByDocumentId ?? null,
  };
}

/** The whole folded state, for the units and reviewers who work on it. */
export type InternalDocumentView = DocumentFacts & { readonly stage: DocumentStage; readonly status: ValidityStatus | null };

export function internalViewOf(document: DocumentFacts, today: string): InternalDocumentView {
  return { ...document, stage: documentStageOf(document), status: validityOn(document, today) };
}

/** By number: authority code, then year, then serial. */
export function byNumber(left: PublicDocumentView, right: PublicDocumentView): number {
  return (
    left.number.authorityCode.localeCompare(right.number.authorityCode) ||
    left.number.year - right.number.year ||
    left.number.serial - right.number.serial
  );
}
