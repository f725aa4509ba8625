import type { FindingRecordedV1, FindingWithdrawnV1, findingEvents } from '@quanze/events';
import { SubjectNotFound, chinaDateOf } from '@quanze/service-kit';
import type { Decider, DecisionContext, DomainEventOf } from '@quanze/service-kit';
import {
  FaultedStepUnknown,
  FindingAlreadyRecorded,
  FindingAlreadyWithdrawn,
  FindingDateInFuture,
  FindingSubjectUnknown,
  PersonHeldResponsibleTwice,
  WithdrawalBeforeFinding,
} from './errors.js';

export type FindingEvent = DomainEventOf<(typeof findingEvents)[number]>;

/** 问责决定: record one, as the finding's data says, with what the ledger knows of its subject and faulted steps. */
export interface RecordFinding extends Omit<FindingRecordedV1, 'inResponseTo'> {
  readonly type: 'RecordFinding';
  readonly inResponseTo: readonly string[];
  /** Fact (activity read model): the subject has steps on record. */
  readonly subjectKnown: boolean;
  /** Fact (activity read model): those of `inResponseTo` that are steps on record. */
  readonly knownStepIds: readonly string[];
}

/** 复核、申诉: the finding is overturned; it stays on record, withdrawn. */
export interface WithdrawFinding extends Omit<FindingWithdrawnV1, 'subject'> {
  readonly type: 'WithdrawFinding';
}

export type FindingCommand = RecordFinding | WithdrawFinding;

export type FindingState =
  | { readonly stage: 'none' }
  | { readonly stage: 'standing'; readonly finding: FindingRecordedV1 }
  | { readonly stage: 'withdrawn'; readonly finding: FindingRecordedV1; readonly withdrawal: FindingWithdrawnV1 };

export function findingStreamId(findingId: string): string {
  return `finding-${findingId}`;
}

function notAfterToday(field: 'decidedOn' | 'withdrawnOn', date: string, context: DecisionContext): void {
  const today = chinaDateOf(context.now);
  if (date > today) throw new FindingDateInFuture(field, date, today);
}

function record(command: RecordFinding, state: FindingState, context: DecisionContext): FindingEvent[] {
  if (state.stage !== 'none') throw new FindingAlreadyRecorded(command.findingId);
  if (!command.subjectKnown) throw new FindingSubjectUnknown(command.subject);
  const seen = new Set<string>();
  command.heldResponsible.forEach((held, index) => {
    if (seen.has(held.personId)) throw new PersonHeldResponsibleTwice(held.personId, index);
    seen.add(held.personId);
  });
  command.inResponseTo.forEach((eventId, index) => {
    if (!command.knownStepIds.includes(eventId)) throw new FaultedStepUnknown(eventId, index);
  });
  notAfterToday('decidedOn', command.decidedOn, context);
  const { findingId, subject, heldResponsible, basis, conclusion, decidedOn, inResponseTo } = command;
  return [{ type: 'finding.recorded.v1', data: { findingId, subject, heldResponsible, basis, conclusion, decidedOn, inResponseTo: [...inResponseTo] } }];
}

function withdraw(command: WithdrawFinding, state: FindingState, context: DecisionContext): FindingEvent[] {
  if (state.stage === 'none') throw new SubjectNotFound(findingStreamId(command.findingId));
  if (state.stage === 'withdrawn') throw new FindingAlreadyWithdrawn(command.findingId);
  if (command.withdrawnOn < state.finding.decidedOn) throw new WithdrawalBeforeFinding(command.withdrawnOn, state.finding.decidedOn);
  notAfterToday('withdrawnOn', command.withdrawnOn, context);
  const { findingId, ground, reasons, withdrawnOn } = command;
  return [{ type: 'finding.withdrawn.v1', data: { findingId, subject: state.finding.subject, ground, reasons, withdrawnOn } }];
}

/**
 * 问责: supervision records a finding about a subject on record, holding named persons responsible with measures;
 * a finding is corrected only by its withdrawal on review or appeal (复核、申诉), once. Stream `finding-<findingId>`.
 */
export const findingDecider: Decider<FindingCommand, FindingState, FindingEvent> = {
  initialState: { stage: 'none' },
  decide(command, state, context) {
    switch (command.type) {
      case 'RecordFinding':
        return record(command, state, context);
      case 'WithdrawFinding':
        return withdraw(command, state, context);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'finding.recorded.v1':
        return { stage: 'standing', finding: event.data };
      case 'finding.withdrawn.v1':
        return state.stage === 'none' ? state : { stage: 'withdrawn', finding: state.finding, withdrawal: event.data };
    }
  },
};
