import { z } from 'zod';
import { CalendarDate, Id } from '@quanze/events';
import { MAX_PAGE_SIZE, decodeCursor, subjectBelongsToUnit, unitWithPredecessors } from '@quanze/projections';
import type { ReadModelSql, SubjectKind, SubjectRef } from '@quanze/projections';
import { NotPermitted, hasRole } from '@quanze/service-kit';
import type { Audience, Principal } from '@quanze/service-kit';

/**
 * Who reads the activity read models (queries 1–4, docs/ACCOUNTABILITY.md):
 * - supervision (监察): everything — chains, dossiers, traces, timelines;
 * - analysts: chains and timelines of any subject or unit and of the city; not dossiers, traces nor a person's
 *   timeline, which is a dossier by another name (a dossier is personal);
 * - heads, legal reviewers and clerks: chains and timelines of their own unit's subjects and their own unit's
 *   timeline, where "own" also covers what a unit merged or dissolved into theirs answered for;
 * - judicial roles: none (their inbox is theirs); the public: none.
 */
export const CHAIN_READERS: readonly Audience[] = ['supervision', 'analyst', 'head', 'legal-reviewer', 'clerk'];
export const DOSSIER_READERS: readonly Audience[] = ['supervision'];

/** Roles that read any subject's chain or timeline; the others read their own unit's. */
const UNBOUND: readonly ('supervision' | 'analyst')[] = ['supervision', 'analyst'];

/** Subjects with a chain of steps: a unit's or a person's own record is read through timelines and dossiers. */
export const ChainSubjectKind = z.enum(['decision', 'document', 'case', 'measure', 'inspection']);
export const TimelineSubjectKind = z.enum(['decision', 'document', 'case', 'measure', 'inspection', 'unit', 'person']);

export const SubjectParams = z.object({ subjectKind: ChainSubjectKind, subjectId: Id }).strict();

export function subjectOf(params: { readonly subjectKind: SubjectKind; readonly subjectId: string }): SubjectRef {
  return { kind: params.subjectKind, id: params.subjectId };
}

export function subjectName(subject: SubjectRef): string {
  return `${subject.kind}-${subject.id}`;
}

const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

/** The instant a China calendar day begins (00:00 UTC+8). */
function dayStart(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) - CHINA_OFFSET_MS).toISOString();
}

/**
 * An instant as a person types it — `2025-03-01T08:00Z`, `…T08:00:00+08:00`, with or without milliseconds — read as
 * the ledger writes instants (UTC, milliseconds), so that comparisons with stored instants hold.
 */
export const QueryInstant = z.iso
  .datetime({ offset: true, local: false })
  .transform((value) => new Date(value).toISOString())
  .describe('ISO 8601 instant with Z or an offset');

/** `from`: an instant, or a China calendar day (from its first moment). */
export const FromParam = z
  .union([CalendarDate.transform(dayStart), QueryInstant])
  .optional()
  .describe('steps that occurred at or after this instant, or on or after this China calendar day');

/** `to`: an instant (excluded), or a China calendar day (included: up to its last moment). */
export const ToParam = z
  .union([CalendarDate.transform((day) => new Date(Date.parse(dayStart(day)) + 24 * 60 * 60 * 1000).toISOString()), QueryInstant])
  .optional()
  .describe('steps that occurred before this instant, or on or before this China calendar day');

export const AfterParam = z
  .string()
  .max(200)
  .refine((cursor) => decodeCursor(cursor) !== null, 'not a cursor of this query: pass back the `next` of the previous page')
  .optional()
  .describe('the `next` of the previous page');

export const LimitParam = z.coerce
  .number()
  .int()
  .min(1)
  .max(MAX_PAGE_SIZE)
  .default(100)
  .describe(`entries per page, 1–${String(MAX_PAGE_SIZE)} (default 100)`);

/** The roles that see every subject. */
export function readsEverything(caller: Principal | null): boolean {
  return hasRole(caller, ...UNBOUND);
}

/**
 * Parts only supervision reads: who was held responsible in a finding (问责), with which measures, is a personnel
 * matter (政务处分 and the like), not something a subject's clerks or analysts need to do their work. They still see
 * that a finding was recorded, when, and on which basis, through the subject's outcomes.
 */
const SUPERVISION_ONLY_PARTS: ReadonlySet<string> = new Set(['held-responsible']);

export function partsVisibleTo<TPart extends { readonly role: string }>(caller: Principal | null, parts: readonly TPart[]): readonly TPart[] {
  if (hasRole(caller, 'supervision')) return parts;
  return parts.filter((part) => !SUPERVISION_ONLY_PARTS.has(part.role));
}

/** A unit-bound caller may read the subject only if it is their unit's (or a predecessor's): 403 otherwise. */
export async function assertSubjectVisible(q: ReadModelSql, caller: Principal | null, subject: SubjectRef): Promise<void> {
  if (readsEverything(caller)) return;
  if (caller?.unitId === null || caller?.unitId === undefined || !(await subjectBelongsToUnit(q, subject, caller.unitId))) {
    throw new NotPermitted(`${subjectName(subject)} is not a subject of your unit: heads, legal reviewers and clerks read their own unit’s`);
  }
}

/** A unit-bound caller may read the timeline of their unit, or of a unit merged or dissolved into theirs: 403 otherwise. */
export async function assertUnitVisible(q: ReadModelSql, caller: Principal | null, unitId: string): Promise<void> {
  if (readsEverything(caller)) return;
  if (caller?.unitId === null || caller?.unitId === undefined || !(await unitWithPredecessors(q, caller.unitId)).includes(unitId)) {
    throw new NotPermitted(`unit ${unitId} is not your unit: heads, legal reviewers and clerks read their own unit’s timeline`);
  }
}
