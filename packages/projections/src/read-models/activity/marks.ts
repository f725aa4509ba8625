import { chinaDateOf } from '@quanze/events';

/** What a trace or a chain needs of a step to judge it: its type, when it happened, and the facts of its data. */
export interface MarkableStep {
  readonly position: number;
  readonly type: string;
  readonly occurredAt: string;
  readonly facts: Readonly<Record<string, string | number | boolean | null>>;
}

/**
 * A step that did not go as the rules ask: `skipped` (recorded as not applying, or replaced by an exception),
 * `late` (after a deadline counted in calendar days or hours from the events themselves) or `overridden` (the head
 * decided against the majority). Working-day deadlines (publication within 7 or 20 working days, a review of at
 * least 7 working days) need the State Council holiday calendar: they are the flags read model's, not marks.
 */
export interface Mark {
  readonly kind: 'skipped' | 'late' | 'overridden';
  readonly rule: string;
  readonly article: string;
  readonly detail: Readonly<Record<string, string | number | boolean | null>>;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

/** Calendar days from one day to another (YYYY-MM-DD): 1 from a day to the next. */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

function hoursBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / HOUR_MS;
}

function text(step: MarkableStep, key: string): string | null {
  const value = step.facts[key];
  return typeof value === 'string' ? value : null;
}

/** A day of a fact that is a date or an instant: the China calendar day of an instant. */
function day(step: MarkableStep, key: string): string | null {
  const value = text(step, key);
  if (value === null) return null;
  return value.length > 10 ? chinaDateOf(value) : value;
}

/** The latest earlier step of a type, of the same transfer when the step names one. */
function latest(earlier: readonly MarkableStep[], type: string, transferId: string | null = null): MarkableStep | null {
  for (let index = earlier.length - 1; index >= 0; index--) {
    const candidate = earlier[index];
    if (candidate === undefined || candidate.type !== type) continue;
    if (transferId !== null && text(candidate, 'transferId') !== transferId) continue;
    return candidate;
  }
  return null;
}

interface DayRule {
  readonly after: string;
  readonly afterKey: string;
  readonly key: string;
  readonly maxDays: number;
  readonly rule: string;
  readonly article: string;
  readonly sameTransfer: boolean;
}

/** "Within N days of an earlier step", counted in China calendar days. */
const DAY_RULES: Readonly<Record<string, readonly DayRule[]>> = {
  'document.filed.v1': [
    { after: 'document.issued.v1', afterKey: 'issuedOn', key: 'filedOn', maxDays: 30, rule: 'filed within 30 days of publication (备案)', article: '法规规章备案审查条例 第4条', sameTransfer: false },
  ],
  'case.decided.v1': [
    { after: 'case.opened.v1', afterKey: 'openedOn', key: 'decidedOn', maxDays: 90, rule: 'decided within 90 days of opening', article: '行政处罚法 第60条', sameTransfer: false },
  ],
  'case.transferApproved.v1': [
    { after: 'case.transferReported.v1', afterKey: 'reportedAt', key: 'approvedAt', maxDays: 3, rule: 'the head decides on a transfer within 3 days', article: '310号 第5条', sameTransfer: true },
  ],
  'case.transferRefused.v1': [
    { after: 'case.transferReported.v1', afterKey: 'reportedAt', key: 'refusedAt', maxDays: 3, rule: 'the head decides on a transfer within 3 days', article: '310号 第5条', sameTransfer: true },
  ],
  'case.transferAccepted.v1': [
    { after: 'case.transferReceived.v1', afterKey: 'receivedAt', key: 'acceptedAt', maxDays: 3, rule: 'the authority decides within 3 days of receipt', article: '310号 第8条', sameTransfer: true },
  ],
  'case.transferReturned.v1': [
    { after: 'case.transferReceived.v1', afterKey: 'receivedAt', key: 'returnedAt', maxDays: 3, rule: 'the authority decides within 3 days of receipt', article: '310号 第8条', sameTransfer: true },
  ],
  'case.reconsiderationRequested.v1': [
    { after: 'case.transferReturned.v1', afterKey: 'returnedAt', key: 'requestedAt', maxDays: 3, rule: 'reconsideration asked within 3 days of the return', article: '310号 第9条', sameTransfer: true },
  ],
  'case.reconsiderationAnswered.v1': [
    { after: 'case.reconsiderationRequested.v1', afterKey: 'requestedAt', key: 'answeredAt', maxDays: 3, rule: 'reconsideration answered within 3 days', article: '310号 第9条', sameTransfer: true },
  ],
  'case.supervisionRequested.v1': [
    { after: 'case.reconsiderationAnswered.v1', afterKey: 'answeredAt', key: 'requestedAt', maxDays: 3, rule: 'supervision asked within 3 days of the answer', article: '310号 第9条', sameTransfer: true },
  ],
  'case.seizedItemsHandedOver.v1': [
    { after: 'case.transferAccepted.v1', afterKey: 'acceptedAt', key: 'handedOverOn', maxDays: 3, rule: 'seized items handed over within 3 days of 立案', article: '310号 第12条', sameTransfer: true },
  ],
  'case.publicationWithdrawn.v1': [
    { after: 'case.decisionChanged.v1', afterKey: 'changedOn', key: 'withdrawnOn', maxDays: 3, rule: 'a changed decision’s publication withdrawn within 3 days', article: '行政处罚法 第48条', sameTransfer: false },
  ],
};

const CONDITIONAL_STEPS = ['publicParticipation', 'expertArgumentation', 'riskAssessment'] as const;

/** The marks of one step, judged against the earlier steps of the same subject (in position order). */
export function marksOf(step: MarkableStep, earlier: readonly MarkableStep[]): Mark[] {
  const marks: Mark[] = [];
  for (const rule of DAY_RULES[step.type] ?? []) {
    const before = latest(earlier, rule.after, rule.sameTransfer ? text(step, 'transferId') : null);
    const start = before === null ? null : day(before, rule.afterKey);
    const end = day(step, rule.key);
    if (start === null || end === null) continue;
    const days = daysBetween(start, end);
    if (days > rule.maxDays) {
      marks.push({ kind: 'late', rule: rule.rule, article: rule.article, detail: { from: start, on: end, days, allowedDays: rule.maxDays, afterPosition: before?.position ?? null } });
    }
  }

  switch (step.type) {
    case 'decision.proposed.v1':
      for (const conditional of CONDITIONAL_STEPS) {
        if (step.facts[`conditionalSteps.${conditional}.applies`] === false) {
          marks.push({
            kind: 'skipped',
            rule: 'a conditional step determined not to apply',
            article: '713号 第14、19、22条',
            detail: { step: conditional, legalGroundGiven: step.facts[`conditionalSteps.${conditional}.legalGround`] !== undefined },
          });
        }
      }
      break;
    case 'decision.stepApplicabilityRevised.v1':
      if (step.facts['determination.applies'] === false) {
        marks.push({ kind: 'skipped', rule: 'a conditional step revised not to apply', article: '713号 第14、19、22条', detail: { step: text(step, 'step') } });
      }
      break;
    case 'decision.collectiveDiscussionConvened.v1': {
      const statedBy = text(step, 'legality.exploratoryReform.statedBy');
      if (statedBy !== null) {
        marks.push({
          kind: 'skipped',
          rule: 'discussed without a passed legality review, on a stated legal risk (探索性改革)',
          article: '713号 第25条',
          detail: { step: 'legalityReview', statedBy, reviewConclusion: text(step, 'legality.review.conclusion') },
        });
      }
      break;
    }
    case 'decision.made.v1':
      if (step.facts.differsFromMajority === true) {
        marks.push({
          kind: 'overridden',
          rule: 'the head decided against the majority',
          article: '713号 第30条',
          detail: {
            headPersonId: text(step, 'headPersonId'),
            majorityOpinion: text(step, 'majorityOpinion'),
            outcome: text(step, 'outcome'),
            headReasonsGiven: step.facts.headReasons !== null && step.facts.headReasons !== undefined,
          },
        });
      }
      break;
    case 'decision.hearingHeld.v1': {
      const sent = day(step, 'materialsSentOn');
      const held = day(step, 'heldOn');
      if (sent !== null && held !== null && daysBetween(sent, held) < 7) {
        marks.push({
          kind: 'late',
          rule: 'hearing materials sent at least 7 days before',
          article: '713号 第16条',
          detail: { from: sent, on: held, days: daysBetween(sent, held), allowedDays: 7, afterPosition: null },
        });
      }
      break;
    }
    case 'case.transferred.v1': {
      const approvedAt = text(step, 'approvedAt');
      if (approvedAt !== null && hoursBetween(approvedAt, step.occurredAt) > 24) {
        marks.push({
          kind: 'late',
          rule: 'transferred within 24 hours of approval',
          article: '310号 第5条',
          detail: { from: approvedAt, on: step.occurredAt, hours: Math.floor(hoursBetween(approvedAt, step.occurredAt)), allowedHours: 24 },
        });
      }
      break;
    }
    case 'case.transferForwarded.v1': {
      const receipt = latest(earlier, 'case.transferReceived.v1', text(step, 'transferId'));
      const receivedAt = receipt === null ? null : text(receipt, 'receivedAt');
      const forwardedAt = text(step, 'forwardedAt');
      if (receivedAt !== null && forwardedAt !== null && hoursBetween(receivedAt, forwardedAt) > 24) {
        marks.push({
          kind: 'late',
          rule: 'forwarded within 24 hours when outside jurisdiction',
          article: '310号 第7条',
          detail: { from: receivedAt, on: forwardedAt, hours: Math.floor(hoursBetween(receivedAt, forwardedAt)), allowedHours: 24 },
        });
      }
      break;
    }
    case 'case.closed.v1': {
      const transferOutcome = text(step, 'transferOutcome');
      if (step.facts.suspectedCrime === true && step.facts.penaltyImposed === true && transferOutcome !== 'accepted' && transferOutcome !== 'returned') {
        marks.push({
          kind: 'skipped',
          rule: 'a suspected crime closed with a penalty and no transfer decided by the police (以罚代刑)',
          article: '310号 第3、10条',
          detail: { step: 'transfer', transferOutcome },
        });
      }
      break;
    }
    default:
      break;
  }
  return marks;
}
