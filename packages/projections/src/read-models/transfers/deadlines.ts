import { chinaDateOf } from '@quanze/events';
import type { TransferFacts } from './facts.js';

/** `date` plus `days` calendar days (YYYY-MM-DD). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

function addHours(instant: string, hours: number): string {
  return new Date(Date.parse(instant) + hours * 60 * 60 * 1000).toISOString();
}

/** The steps of 国务院令第310号 that have a time limit. */
export type TransferDeadlineStep =
  | 'dispatch' // 第5条: transfer within 24 hours of the head's approval
  | 'receipt' // 第7条: the receiving authority signs the receipt (回执) on delivery; counted as 24 hours from sending
  | 'forward' // 第7条: outside its jurisdiction, forward within 24 hours
  | 'case-opening-decision' // 第8条: decide within 3 days whether to open a case (立案)
  | 'reconsideration-request' // 第9条: the agency may ask reconsideration within 3 days of the return
  | 'reconsideration-answer' // 第9条: answered within 3 days
  | 'supervision-request' // 第9条: within 3 days of the answer, the agency may ask the procuratorate to supervise
  | 'seized-items-handover'; // 第12条: seized items handed over within 3 days of the case being opened

/**
 * A time limit as a date, never a judgement: whether it was kept is for the flags. `dueBy` is an instant for the
 * 24-hour limits and a China calendar day for the 3-day ones — the last day on which the step is in time, counting
 * from the day after the start (民法典 第201条) in calendar days, since 310号 says 日, not 工作日.
 */
export interface TransferDeadline {
  readonly step: TransferDeadlineStep;
  readonly article: string;
  /** The unit that must act: the sending agency or a receiving authority. */
  readonly unitId: string | null;
  readonly from: string;
  readonly dueBy: string;
  /** When the step was taken (instant or day, as recorded); null while it has not been. */
  readonly doneAt: string | null;
}

const hours24 = (step: TransferDeadlineStep, article: string, unitId: string | null, from: string, doneAt: string | null): TransferDeadline => ({
  step,
  article,
  unitId,
  from,
  dueBy: addHours(from, 24),
  doneAt,
});

const days3 = (step: TransferDeadlineStep, article: string, unitId: string | null, from: string, doneAt: string | null): TransferDeadline => ({
  step,
  article,
  unitId,
  from,
  dueBy: addDays(chinaDateOf(from), 3),
  doneAt,
});

/** Every time limit that has started for this transfer, in the order of the procedure. */
export function transferDeadlines(facts: TransferFacts): TransferDeadline[] {
  const deadlines: TransferDeadline[] = [];
  if (facts.approvedAt !== null) {
    deadlines.push(hours24('dispatch', '国务院令第310号 第5条', facts.fromUnitId, facts.approvedAt, facts.dispatchedAt));
  }
  const path = facts.path;
  for (const [index, holder] of path.entries()) {
    deadlines.push(hours24('receipt', '国务院令第310号 第7条', holder.unitId, holder.sentAt, holder.receivedAt));
    if (holder.receivedAt === null) continue;
    const last = index === path.length - 1;
    const undecided = facts.acceptedAt === null && facts.returnedAt === null;
    if (holder.forwardedAt !== null || (last && undecided)) {
      deadlines.push(hours24('forward', '国务院令第310号 第7条', holder.unitId, holder.receivedAt, holder.forwardedAt));
    }
    if (last && holder.forwardedAt === null) {
      deadlines.push(days3('case-opening-decision', '国务院令第310号 第8条', holder.unitId, holder.receivedAt, facts.acceptedAt ?? facts.returnedAt));
    }
  }
  const holderUnitId = path.at(-1)?.unitId ?? null;
  if (facts.returnedAt !== null) {
    deadlines.push(days3('reconsideration-request', '国务院令第310号 第9条', facts.fromUnitId, facts.returnedAt, facts.reconsideration?.requestedAt ?? null));
  }
  if (facts.reconsideration !== null) {
    const { requestedAt, answer } = facts.reconsideration;
    deadlines.push(days3('reconsideration-answer', '国务院令第310号 第9条', holderUnitId, requestedAt, answer?.answeredAt ?? null));
    if (answer?.outcome === 'refusal-upheld') {
      deadlines.push(days3('supervision-request', '国务院令第310号 第9条', facts.fromUnitId, answer.answeredAt, facts.supervision?.requestedAt ?? null));
    }
  }
  const openedAt = facts.acceptedAt ?? (facts.reconsideration?.answer?.outcome === 'case-opened' ? facts.reconsideration.answer.answeredAt : null);
  if (openedAt !== null) {
    deadlines.push(days3('seized-items-handover', '国务院令第310号 第12条', facts.fromUnitId, openedAt, facts.seizedItems?.handedOverOn ?? null));
  }
  return deadlines;
}
