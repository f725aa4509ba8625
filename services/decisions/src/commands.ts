import { z } from 'zod';
import {
  CalendarDate,
  DecisionCauses,
  DecisionLegalityConclusion,
  DecisionMeetingKind,
  DecisionMeetingMaterials,
  DecisionMemberOpinion,
  DecisionMadeV1,
  DecisionPublicationChannel,
  DecisionEvaluatedV1,
  DecisionExpertOpinionSignedV1,
  DecisionRiskAssessedV1,
  DecisionStep,
  Id,
  Sha256,
  Text,
  createEventRegistry,
  decisionEvents,
} from '@quanze/events';
import type { EventStore } from '@quanze/eventstore';
import { NotPermitted, createCommandHandler, hasRole } from '@quanze/service-kit';
import type { CommandHandler, CommandMeta, CommandOutcome, Principal } from '@quanze/service-kit';
import { decisionDecider } from './decider.js';
import type { CauseFact, DecisionCommand, DecisionEvent, DecisionState, RecordMemberOpinion } from './decider.js';

// Command bodies: strict objects (an unknown field is a 400), built from the events' own field schemas so that a
// body that passes never produces an event its schema refuses. Optional fields default to null in one place here.

const StepDeterminationInput = z
  .object({
    applies: z.boolean(),
    reason: Text(),
    /** Required when `applies` is false: the decider refuses a skip without it (第14、19、22条). */
    legalGround: Text().optional(),
  })
  .strict();

export const ProposeDecisionBody = z
  .object({
    title: Text(300),
    draftSummary: Text(20_000),
    /** 第3条: `{listed: true, entryId}` or `{listed: false, reason}`. */
    decisionItem: z.object({ listed: z.boolean(), entryId: Id.optional(), reason: Text().optional() }).strict(),
    decisionOrganUnitId: Id,
    /** 第11条: every handling unit with its role; exactly one is the lead (牵头). */
    handlingUnits: z
      .array(z.object({ unitId: Id, role: z.enum(['lead', 'cooperating']) }).strict())
      .min(1)
      .max(101),
    proposedBy: Id,
    conditionalSteps: z
      .object({
        publicParticipation: StepDeterminationInput,
        expertArgumentation: StepDeterminationInput,
        riskAssessment: StepDeterminationInput,
      })
      .strict(),
  })
  .strict();
export type ProposeDecisionBody = z.output<typeof ProposeDecisionBody>;

export const ReviseStepApplicabilityBody = z
  .object({ step: DecisionStep, applies: z.boolean(), reason: Text(), legalGround: Text().optional() })
  .strict();
export type ReviseStepApplicabilityBody = z.output<typeof ReviseStepApplicabilityBody>;

export const RecordDisagreementBody = z
  .object({
    matter: Text(2000),
    positions: z
      .array(z.object({ unitId: Id, view: Text(5000), statedBy: Id }).strict())
      .min(2)
      .max(20),
    referredToDecisionOrgan: z.boolean(),
  })
  .strict();
export type RecordDisagreementBody = z.output<typeof RecordDisagreementBody>;

export const OpenCommentPeriodBody = z
  .object({
    channel: DecisionPublicationChannel,
    reference: Text(500),
    openedOn: CalendarDate,
    closesOn: CalendarDate,
    /** 第15条: why the period is shorter than 30 days, as the notice states it. */
    shortPeriodReason: Text(2000).nullable().default(null),
  })
  .strict()
  .refine((period) => period.closesOn >= period.openedOn, { path: ['closesOn'], message: 'closes before it opens' });
export type OpenCommentPeriodBody = z.output<typeof OpenCommentPeriodBody>;

export const RecordHearingBody = z
  .object({
    heldOn: CalendarDate,
    materialsSentOn: CalendarDate,
    presidedBy: Id,
    participantCount: z.number().int().positive().max(100_000),
    signatoryCount: z.number().int().nonnegative().max(100_000),
    recordSha256: Sha256.nullable().default(null),
  })
  .strict()
  .refine((hearing) => hearing.signatoryCount <= hearing.participantCount, {
    path: ['signatoryCount'],
    message: 'more signatories than participants',
  });
export type RecordHearingBody = z.output<typeof RecordHearingBody>;

export const RecordCommentHandlingBody = z
  .object({
    received: z.number().int().nonnegative().max(10_000_000),
    adopted: z.number().int().nonnegative().max(10_000_000),
    notAdopted: z.number().int().nonnegative().max(10_000_000),
    notAdoptedReasons: z
      .array(z.object({ summary: Text(2000), reason: Text(2000) }).strict())
      .max(500)
      .default([]),
    summary: Text(20_000),
    feedbackReference: Text(500).nullable().default(null),
  })
  .strict()
  .refine((handling) => handling.adopted + handling.notAdopted === handling.received, {
    path: ['received'],
    message: 'every comment received is adopted or not adopted',
  });
export type RecordCommentHandlingBody = z.output<typeof RecordCommentHandlingBody>;

export const RecordExpertOpinionBody = z
  .object({
    expertPersonId: Id,
    institutionId: Id.nullable().default(null),
    expertise: Text(200),
    stance: DecisionExpertOpinionSignedV1.shape.stance,
    opinion: Text(20_000),
    /** 第19条: the written opinion bears the expert's signature. */
    signed: z.boolean(),
    signedOn: CalendarDate,
    /** 第20条: the expert's own declaration; a declared direct interest is refused. */
    conflictOfInterest: z.object({ directInterest: z.boolean(), declaration: Text(2000) }).strict(),
  })
  .strict();
export type RecordExpertOpinionBody = z.output<typeof RecordExpertOpinionBody>;

export const RecordRiskAssessmentBody = z
  .object({
    assessorPersonIds: z.array(Id).min(1).max(50),
    assessingOrganisationId: Id.nullable().default(null),
    riskLevel: DecisionRiskAssessedV1.shape.riskLevel,
    conclusion: Text(20_000),
    mitigation: Text(20_000).nullable().default(null),
    reportSha256: Sha256.nullable().default(null),
    completedOn: CalendarDate,
  })
  .strict();
export type RecordRiskAssessmentBody = z.output<typeof RecordRiskAssessmentBody>;

export const RecordLegalityReviewBody = z
  .object({
    /** 第25条: only a written review counts; `comment-seeking` (征求意见) is named so that it can be refused. */
    form: z.enum(['written-review', 'comment-seeking']),
    reviewerPersonIds: z.array(Id).min(1).max(20),
    startedOn: CalendarDate,
    completedOn: CalendarDate,
    conclusion: DecisionLegalityConclusion,
    opinion: Text(20_000),
    opinionSha256: Sha256.nullable().default(null),
  })
  .strict()
  .refine((review) => review.completedOn >= review.startedOn, { path: ['completedOn'], message: 'completed before it started' });
export type RecordLegalityReviewBody = z.output<typeof RecordLegalityReviewBody>;

export const ConveneCollectiveDiscussionBody = z
  .object({
    meetingId: Id,
    kind: DecisionMeetingKind,
    heldOn: CalendarDate,
    headPersonId: Id,
    attendance: z
      .array(z.object({ personId: Id, present: z.boolean(), absenceReason: Text(500).nullable().default(null) }).strict())
      .min(2)
      .max(100),
    materials: DecisionMeetingMaterials.strict(),
    marketsAffected: z.boolean(),
  })
  .strict();
export type ConveneCollectiveDiscussionBody = z.output<typeof ConveneCollectiveDiscussionBody>;

/**
 * 第25条 探索性改革: a head of the decision organ states the legal risk explicitly (明示法律风险), in person; the
 * ledger names the caller as `statedBy`. A meeting convened without a passed review rests on this statement.
 */
export const StateLegalRiskBody = z.object({ legalRiskStatement: Text(20_000), statedOn: CalendarDate }).strict();
export type StateLegalRiskBody = z.output<typeof StateLegalRiskBody>;

export const RecordMemberOpinionBody = z
  .object({ memberPersonId: Id, opinion: DecisionMemberOpinion, statement: Text(20_000) })
  .strict();
export type RecordMemberOpinionBody = z.output<typeof RecordMemberOpinionBody>;

/** The head's decision. The majority is counted by the ledger from the opinions on record, never sent. */
export const MakeDecisionBody = z
  .object({
    outcome: DecisionMadeV1.shape.outcome,
    decisionText: Text(20_000),
    headReasons: Text(20_000).nullable().default(null),
    legalBasis: z.array(Text(300)).max(100).default([]),
  })
  .strict();
export type MakeDecisionBody = z.output<typeof MakeDecisionBody>;

export const PublishDecisionBody = z
  .object({ channel: DecisionPublicationChannel, reference: Text(500), publishedOn: CalendarDate, opinionAdoption: Text(20_000) })
  .strict();
export type PublishDecisionBody = z.output<typeof PublishDecisionBody>;

export const ReportImplementationBody = z
  .object({ responsiblePersonId: Id, reportedOn: CalendarDate, progress: Text(20_000), problems: Text(20_000).nullable().default(null) })
  .strict();
export type ReportImplementationBody = z.output<typeof ReportImplementationBody>;

export const EvaluateDecisionBody = z
  .object({
    trigger: DecisionEvaluatedV1.shape.trigger,
    evaluatorPersonIds: z.array(Id).min(1).max(50),
    evaluatingOrganisationId: Id.nullable().default(null),
    completedOn: CalendarDate,
    conclusion: Text(20_000),
    recommendation: DecisionEvaluatedV1.shape.recommendation,
    reportSha256: Sha256.nullable().default(null),
    /** Event ids of this decision's implementation reports that prompted the evaluation. */
    inResponseTo: DecisionCauses.default([]),
  })
  .strict();
export type EvaluateDecisionBody = z.output<typeof EvaluateDecisionBody>;

export const SuspendDecisionBody = z
  .object({ suspendedOn: CalendarDate, reasons: Text(20_000), inResponseTo: DecisionCauses.default([]) })
  .strict();
export type SuspendDecisionBody = z.output<typeof SuspendDecisionBody>;

export const ResumeDecisionBody = z
  .object({ resumedOn: CalendarDate, reasons: Text(20_000), inResponseTo: DecisionCauses.default([]) })
  .strict();
export type ResumeDecisionBody = z.output<typeof ResumeDecisionBody>;

export const RevokeDecisionBody = z
  .object({
    revokedOn: CalendarDate,
    reasons: Text(20_000),
    meetingId: Id.nullable().default(null),
    inResponseTo: DecisionCauses.default([]),
  })
  .strict();
export type RevokeDecisionBody = z.output<typeof RevokeDecisionBody>;

export const DecisionParams = z.object({ decisionId: Id }).strict();
export const MeetingParams = z.object({ decisionId: Id, meetingId: Id }).strict();

export const decisionRegistry = createEventRegistry({ events: decisionEvents });

export function decisionStreamId(decisionId: string): string {
  return `decision-${decisionId}`;
}

export interface DecisionCommands {
  execute(command: DecisionCommand, meta: CommandMeta): Promise<CommandOutcome>;
  /** 第30条: a member records their own opinion; anyone else recording it is the minute-taker, a clerk. */
  recordMemberOpinion(caller: Principal, command: RecordMemberOpinion, meta: CommandMeta): Promise<CommandOutcome>;
  /** Looks the given ids up in the decision's stream, for the decider to judge (倒查 links). */
  causesOf(decisionId: string, eventIds: readonly string[]): Promise<CauseFact[]>;
  readonly handler: CommandHandler<DecisionCommand, DecisionState, DecisionEvent>;
}

export function createDecisionCommands(deps: { store: EventStore; clock?: (() => Date) | undefined }): DecisionCommands {
  const handler = createCommandHandler({
    store: deps.store,
    registry: decisionRegistry,
    decider: decisionDecider,
    ...(deps.clock === undefined ? {} : { clock: deps.clock }),
  });

  return {
    handler,
    execute: (command, meta) => handler.handle(decisionStreamId(command.decisionId), command, meta),
    async recordMemberOpinion(caller, command, meta) {
      if (caller.personId !== command.memberPersonId && !hasRole(caller, 'clerk')) {
        throw new NotPermitted(`only ${command.memberPersonId} or the minute-taker (a clerk) records ${command.memberPersonId}'s opinion`);
      }
      return handler.handle(decisionStreamId(command.decisionId), command, meta);
    },
    async causesOf(decisionId, eventIds) {
      if (eventIds.length === 0) return [];
      const { events } = await handler.load(decisionStreamId(decisionId));
      const typeOf = new Map(events.map((event) => [event.eventId, event.type]));
      return eventIds.map((eventId) => ({ eventId, type: typeOf.get(eventId) ?? null }));
    },
  };
}
