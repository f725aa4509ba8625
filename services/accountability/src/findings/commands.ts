import { z } from 'zod';
import {
  AccountabilityMeasure,
  CalendarDate,
  EventId,
  FindingResponsibility,
  FindingSubjectKind,
  FindingWithdrawalGround,
  Id,
  Text,
  createEventRegistry,
  findingEvents,
} from '@quanze/events';
import { getSubject, stepByEventId } from '@quanze/projections';
import { createCommandHandler } from '@quanze/service-kit';
import type { CommandMeta, CommandOutcome } from '@quanze/service-kit';
import { awaitConsistency } from '../consistency.js';
import type { AccountabilityDeps } from '../deps.js';
import { findingDecider, findingStreamId } from './decider.js';

const unique = (values: readonly string[]) => new Set(values).size === values.length;

/** POST /findings — a person held responsible twice is the decider's to refuse, naming the entry. */
export const RecordFindingBody = z
  .object({
    subject: z.object({ kind: FindingSubjectKind, id: Id }).strict().describe('the decision, document, case, measure or inspection the finding is about'),
    heldResponsible: z
      .array(
        z
          .object({
            personId: Id,
            unitId: Id.nullable().describe('the unit they were in for the matter; null when not on record'),
            responsibility: FindingResponsibility.describe('直接责任 (direct), 主要领导责任, 重要领导责任'),
            measures: z.array(AccountabilityMeasure).min(1).max(5).refine(unique, 'each measure once').describe('问责方式 / 处分: docs/ACCOUNTABILITY.md'),
          })
          .strict(),
      )
      .min(1, 'a finding holds at least one person responsible')
      .max(100),
    basis: Text(2000).describe('问责依据: the articles and rules relied on'),
    conclusion: Text(20_000).describe('the finding as written: facts found, reasoning (read by supervision only)'),
    decidedOn: CalendarDate.describe('not after today (China time)'),
    inResponseTo: z.array(EventId).max(100).refine(unique, 'each step once').default([]).describe('event ids of the steps found at fault'),
  })
  .strict();
export type RecordFindingBody = z.output<typeof RecordFindingBody>;

export const WithdrawFindingBody = z
  .object({
    ground: FindingWithdrawalGround.describe('review (复核), appeal (申诉), own-correction'),
    reasons: Text(20_000),
    withdrawnOn: CalendarDate.describe('not before the finding, not after today (China time)'),
  })
  .strict();
export type WithdrawFindingBody = z.output<typeof WithdrawFindingBody>;

export const findingRegistry = createEventRegistry({ events: findingEvents });

export function createFindingHandler(deps: Pick<AccountabilityDeps, 'store' | 'clock'>) {
  return createCommandHandler({ store: deps.store, registry: findingRegistry, decider: findingDecider, clock: deps.clock });
}

export interface FindingCommands {
  record(findingId: string, body: RecordFindingBody, meta: CommandMeta): Promise<CommandOutcome>;
  withdraw(findingId: string, body: WithdrawFindingBody, meta: CommandMeta): Promise<CommandOutcome>;
}

export function createFindingCommands(deps: AccountabilityDeps): FindingCommands {
  const handler = createFindingHandler(deps);
  return {
    async record(findingId, body, meta) {
      // What the ledger knows of the subject and the faulted steps, from the activity read model once it holds
      // everything recorded before this command (so a step just recorded counts); 503 if it cannot catch up in time.
      await awaitConsistency(deps, true);
      const { subjectKnown, knownStepIds } = await deps.readModels.read(async (q) => {
        const known: string[] = [];
        for (const eventId of body.inResponseTo) if ((await stepByEventId(q, eventId)) !== null) known.push(eventId);
        return { subjectKnown: (await getSubject(q, body.subject)) !== null, knownStepIds: known };
      });
      return handler.handle(findingStreamId(findingId), { type: 'RecordFinding', findingId, ...body, subjectKnown, knownStepIds }, meta);
    },
    withdraw: (findingId, body, meta) => handler.handle(findingStreamId(findingId), { type: 'WithdrawFinding', findingId, ...body }, meta),
  };
}
