import { z } from 'zod';
import { defineEvent } from '../definition.js';
import type { AnyEventDefinition } from '../definition.js';
import { EventId } from '../envelope.js';
import { CalendarDate, Id, Sha256, Text } from '../primitives.js';

/**
 * 重大行政决策 — a major administrative decision taken at a collective discussion (集体讨论决定).
 * Rules: 重大行政决策程序暂行条例 (国务院令第713号); see docs/RULES.md.
 */
export const DecisionMadeV1 = z
  .object({
    decisionId: Id,
    title: Text(300),
    summary: Text(20_000),
    /** 第3条: decisions come from the published list of decision items (决策事项目录), or say why not. */
    decisionItem: z.discriminatedUnion('listed', [
      z.object({ listed: z.literal(true), entryId: Id }),
      z.object({ listed: z.literal(false), reason: Text() }),
    ]),
    /** 第11条: exactly one lead unit (牵头), any number of cooperating ones. */
    leadUnitId: Id,
    cooperatingUnitIds: z.array(Id).max(100).default([]),
    /** 第30条: the meeting that decided: a standing (常务会议) or plenary (全体会议) meeting. */
    meeting: z.object({
      meetingId: Id,
      kind: z.enum(['standing', 'plenary']),
      heldOn: CalendarDate,
    }),
    outcome: z.enum(['adopted', 'adopted-with-amendments', 'not-adopted', 'deferred']),
    /** 行政首长: the head who decides, after every member has spoken. */
    headPersonId: Id,
    majorityOpinion: z.enum(['for', 'against', 'divided']),
    /** 第30条: a decision that differs from the majority needs the head's reasons, recorded as given. */
    differsFromMajority: z.boolean(),
    headReasons: Text(20_000).nullable().default(null),
    /** The legal and policy grounds the decision rests on: laws, regulations, our documents by number. */
    legalBasis: z.array(Text(300)).max(100).default([]),
  })
  .refine((decision) => !decision.differsFromMajority || decision.headReasons !== null, {
    path: ['headReasons'],
    message: 'a decision that differs from the majority needs the head’s reasons (713号 第30条)',
  })
  .describe('decision.made.v1 — 重大行政决策 作出决定');

export const decisionMadeV1 = defineEvent('decision.made.v1', DecisionMadeV1);
export type DecisionMadeV1 = z.infer<typeof DecisionMadeV1>;


// ── The procedure around decision.made.v1: stream `decision-<decisionId>` ────────────────────────────────────
// 重大行政决策程序暂行条例 (国务院令第713号), in the order of its chapters: 决策草案的形成 (proposal, public
// participation, expert argumentation, risk assessment), 合法性审查, 集体讨论决定和决策公布, 决策执行和调整.
// Shared fields are exported so that command schemas accept exactly what the events accept. Every event names
// the persons who did the step where they are not the actor who recorded it (终身责任追究, 第38–41条).

/** 第3条: the entry of the published list of decision items (决策事项目录), or why the matter is not on it. */
export const DecisionItemReference = z.discriminatedUnion('listed', [
  z.object({ listed: z.literal(true), entryId: Id }),
  z.object({ listed: z.literal(false), reason: Text() }),
]);
export type DecisionItemReference = z.infer<typeof DecisionItemReference>;

/** The three steps that apply only where their conditions are met (第14、19、22条). */
export const DecisionConditionalStep = z.enum([
  'publicParticipation', // 公众参与
  'expertArgumentation', // 专家论证
  'riskAssessment', // 风险评估
]);
export type DecisionConditionalStep = z.infer<typeof DecisionConditionalStep>;

/** The five statutory steps: legality review (合法性审查) and collective discussion (集体讨论决定) always apply. */
export const DecisionStep = z.enum([...DecisionConditionalStep.options, 'legalityReview', 'collectiveDiscussion']);
export type DecisionStep = z.infer<typeof DecisionStep>;

/** Whether a conditional step applies and why; a step that does not apply rests on a legal ground (法定依据). */
export const DecisionStepDetermination = z.discriminatedUnion('applies', [
  z.object({ applies: z.literal(true), reason: Text() }),
  z.object({ applies: z.literal(false), reason: Text(), legalGround: Text() }),
]);
export type DecisionStepDetermination = z.infer<typeof DecisionStepDetermination>;

/** Where a notice or a decision was made public (第15、31条). */
export const DecisionPublicationChannel = z.enum(['gazette', 'website', 'newspaper', 'other']); // 政府公报、政府网站、报刊
export type DecisionPublicationChannel = z.infer<typeof DecisionPublicationChannel>;

/** Earlier events of the same stream that a later one answers: how a later outcome is traced back (倒查). */
export const DecisionCauses = z.array(EventId).max(100);

export const DecisionProposedV1 = z
  .object({
    decisionId: Id,
    title: Text(300),
    /** The draft (决策草案) as proposed, summarised; the full text is kept outside the ledger. */
    draftSummary: Text(20_000),
    decisionItem: DecisionItemReference,
    /** 决策机关: the government whose standing or plenary meeting decides, and whose head may suspend or revoke. */
    decisionOrganUnitId: Id,
    /** 第11条: the one lead handling unit (牵头的决策承办单位) and the cooperating ones. */
    leadUnitId: Id,
    cooperatingUnitIds: z.array(Id).max(100),
    /** Who proposed the matter (决策建议), who may not be the clerk recording it. */
    proposedBy: Id,
    /** 第14、19、22条: for each conditional step, whether it applies and why. */
    conditionalSteps: z.object({
      publicParticipation: DecisionStepDetermination,
      expertArgumentation: DecisionStepDetermination,
      riskAssessment: DecisionStepDetermination,
    }),
  })
  .refine((proposal) => !proposal.cooperatingUnitIds.includes(proposal.leadUnitId), {
    path: ['cooperatingUnitIds'],
    message: 'a unit is lead or cooperating, not both',
  })
  .describe('decision.proposed.v1 — 重大行政决策 启动 (决策草案)');
export const decisionProposedV1 = defineEvent('decision.proposed.v1', DecisionProposedV1);
export type DecisionProposedV1 = z.infer<typeof DecisionProposedV1>;

/** A corrected determination of a conditional step, before the step is done; the earlier one stays on record. */
export const DecisionStepApplicabilityRevisedV1 = z
  .object({
    decisionId: Id,
    step: DecisionConditionalStep,
    determination: DecisionStepDetermination,
  })
  .describe('decision.stepApplicabilityRevised.v1 — 决策程序 适用情况 调整');
export const decisionStepApplicabilityRevisedV1 = defineEvent('decision.stepApplicabilityRevised.v1', DecisionStepApplicabilityRevisedV1);
export type DecisionStepApplicabilityRevisedV1 = z.infer<typeof DecisionStepApplicabilityRevisedV1>;

/** 第13条: units that could not agree; each side's view goes to the decision organ as stated. */
export const DecisionDisagreementRecordedV1 = z
  .object({
    decisionId: Id,
    matter: Text(2000),
    positions: z
      .array(z.object({ unitId: Id, view: Text(5000), statedBy: Id }))
      .min(2)
      .max(20),
    /** Whether the disagreement was reported to the decision organ (报请决策机关协调或者决定). */
    referredToDecisionOrgan: z.boolean(),
  })
  .describe('decision.disagreementRecorded.v1 — 部门分歧意见');
export const decisionDisagreementRecordedV1 = defineEvent('decision.disagreementRecorded.v1', DecisionDisagreementRecordedV1);
export type DecisionDisagreementRecordedV1 = z.infer<typeof DecisionDisagreementRecordedV1>;

/**
 * 第15条 公开征求意见: at least 30 days unless the notice states why not. Accepted either way; read models flag a
 * shorter period without a reason. `periodDays` counts from the day after opening (民法典 第201条).
 */
export const DecisionCommentPeriodOpenedV1 = z
  .object({
    decisionId: Id,
    channel: DecisionPublicationChannel,
    reference: Text(500),
    openedOn: CalendarDate,
    closesOn: CalendarDate,
    periodDays: z.number().int().nonnegative(),
    shortPeriodReason: Text(2000).nullable(),
  })
  .refine((period) => period.closesOn >= period.openedOn, { path: ['closesOn'], message: 'closes before it opens' })
  .describe('decision.commentPeriodOpened.v1 — 公开征求意见');
export const decisionCommentPeriodOpenedV1 = defineEvent('decision.commentPeriodOpened.v1', DecisionCommentPeriodOpenedV1);
export type DecisionCommentPeriodOpenedV1 = z.infer<typeof DecisionCommentPeriodOpenedV1>;

/**
 * 第16、17条 听证: materials to participants at least 7 days before (flagged by read models from the two dates);
 * participants sign the record. Participants are citizens: counted, never named.
 */
export const DecisionHearingHeldV1 = z
  .object({
    decisionId: Id,
    heldOn: CalendarDate,
    materialsSentOn: CalendarDate,
    /** 听证主持人 */
    presidedBy: Id,
    participantCount: z.number().int().positive(),
    /** How many participants signed the record (听证笔录). */
    signatoryCount: z.number().int().nonnegative(),
    recordSha256: Sha256.nullable(),
  })
  .refine((hearing) => hearing.signatoryCount <= hearing.participantCount, {
    path: ['signatoryCount'],
    message: 'more signatories than participants',
  })
  .describe('decision.hearingHeld.v1 — 听证会');
export const decisionHearingHeldV1 = defineEvent('decision.hearingHeld.v1', DecisionHearingHeldV1);
export type DecisionHearingHeldV1 = z.infer<typeof DecisionHearingHeldV1>;

/** How the comments of the latest comment period were answered (意见采纳情况): adopted, or not with reasons. */
export const DecisionCommentsHandledV1 = z
  .object({
    decisionId: Id,
    received: z.number().int().nonnegative(),
    adopted: z.number().int().nonnegative(),
    notAdopted: z.number().int().nonnegative(),
    /** 对于没有采纳的应当说明理由 (action plan (三)2): grouped comments and why they were not adopted. */
    notAdoptedReasons: z.array(z.object({ summary: Text(2000), reason: Text(2000) })).max(500),
    summary: Text(20_000),
    /** Where the feedback was made public, if it was. */
    feedbackReference: Text(500).nullable(),
  })
  .refine((handling) => handling.adopted + handling.notAdopted === handling.received, {
    path: ['received'],
    message: 'every comment received is adopted or not adopted',
  })
  .describe('decision.commentsHandled.v1 — 公众意见 采纳情况');
export const decisionCommentsHandledV1 = defineEvent('decision.commentsHandled.v1', DecisionCommentsHandledV1);
export type DecisionCommentsHandledV1 = z.infer<typeof DecisionCommentsHandledV1>;

/**
 * 第19、20条 专家论证: one signed opinion per expert, with the expert's declaration of no direct interest (an expert
 * with a direct interest is never recorded: the command is refused).
 */
export const DecisionExpertOpinionSignedV1 = z
  .object({
    decisionId: Id,
    expertPersonId: Id,
    /** The professional body (专业机构) the expert argued for, if any. */
    institutionId: Id.nullable(),
    expertise: Text(200),
    stance: z.enum(['supports', 'supports-with-conditions', 'opposes']),
    opinion: Text(20_000),
    signedOn: CalendarDate,
    conflictOfInterest: z.object({ directInterest: z.literal(false), declaration: Text(2000) }),
  })
  .describe('decision.expertOpinionSigned.v1 — 专家论证意见');
export const decisionExpertOpinionSignedV1 = defineEvent('decision.expertOpinionSigned.v1', DecisionExpertOpinionSignedV1);
export type DecisionExpertOpinionSignedV1 = z.infer<typeof DecisionExpertOpinionSignedV1>;

/** 第22–24条 风险评估. The assessors may not later evaluate the decision (第36条). */
export const DecisionRiskAssessedV1 = z
  .object({
    decisionId: Id,
    assessorPersonIds: z.array(Id).min(1).max(50),
    /** A third party (第三方评估机构) that did the assessment, if any. */
    assessingOrganisationId: Id.nullable(),
    riskLevel: z.enum(['low', 'medium', 'high']),
    conclusion: Text(20_000),
    mitigation: Text(20_000).nullable(),
    reportSha256: Sha256.nullable(),
    completedOn: CalendarDate,
  })
  .describe('decision.riskAssessed.v1 — 风险评估');
export const decisionRiskAssessedV1 = defineEvent('decision.riskAssessed.v1', DecisionRiskAssessedV1);
export type DecisionRiskAssessedV1 = z.infer<typeof DecisionRiskAssessedV1>;

export const DecisionLegalityConclusion = z.enum(['lawful', 'lawful-with-amendments', 'unlawful']);
export type DecisionLegalityConclusion = z.infer<typeof DecisionLegalityConclusion>;

/** 第25–28条 合法性审查, in writing; read models flag fewer than 7 working days between the two dates. */
export const DecisionLegalityReviewedV1 = z
  .object({
    decisionId: Id,
    reviewerPersonIds: z.array(Id).min(1).max(20),
    startedOn: CalendarDate,
    completedOn: CalendarDate,
    conclusion: DecisionLegalityConclusion,
    opinion: Text(20_000),
    opinionSha256: Sha256.nullable(),
  })
  .refine((review) => review.completedOn >= review.startedOn, { path: ['completedOn'], message: 'completed before it started' })
  .describe('decision.legalityReviewed.v1 — 合法性审查');
export const decisionLegalityReviewedV1 = defineEvent('decision.legalityReviewed.v1', DecisionLegalityReviewedV1);
export type DecisionLegalityReviewedV1 = z.infer<typeof DecisionLegalityReviewedV1>;

/**
 * 第25条 探索性改革: for a matter the state has not yet regulated, the decision organ may send the draft to discussion
 * without a passed legality review by stating the legal risk explicitly (明示法律风险). Stated by a head of the
 * decision organ in person (`statedBy` is the actor); only a statement made after the latest review counts.
 */
export const DecisionLegalRiskStatedV1 = z
  .object({
    decisionId: Id,
    legalRiskStatement: Text(20_000),
    statedBy: Id,
    statedOn: CalendarDate,
  })
  .describe('decision.legalRiskStated.v1 — 探索性改革 明示法律风险');
export const decisionLegalRiskStatedV1 = defineEvent('decision.legalRiskStated.v1', DecisionLegalRiskStatedV1);
export type DecisionLegalRiskStatedV1 = z.infer<typeof DecisionLegalRiskStatedV1>;

export const DecisionMeetingKind = z.enum(['standing', 'plenary']); // 常务会议、全体会议
export type DecisionMeetingKind = z.infer<typeof DecisionMeetingKind>;

/** 第29条: what the meeting had before it; read models flag what is missing. */
export const DecisionMeetingMaterials = z.object({
  draft: z.boolean(), // 决策草案及说明
  opinionHandling: z.boolean(), // 意见采纳情况的说明
  riskReport: z.boolean(), // 风险评估报告
  legalityOpinion: z.boolean(), // 合法性审查意见
  fairCompetitionReview: z.boolean(), // 公平竞争审查意见, where markets are affected
});
export type DecisionMeetingMaterials = z.infer<typeof DecisionMeetingMaterials>;

/** 第30条: one line per member of the meeting (会议组成人员). */
export const DecisionMeetingAttendance = z
  .array(z.object({ personId: Id, present: z.boolean(), absenceReason: Text(500).nullable() }))
  .min(2)
  .max(100);

/**
 * 第30条 集体讨论: the meeting is convened with its attendance and materials, and with what allowed it (第25条): a
 * passed legality review, or for an exploratory reform (探索性改革) an explicit statement of the legal risk.
 */
export const DecisionCollectiveDiscussionConvenedV1 = z
  .object({
    decisionId: Id,
    meetingId: Id,
    kind: DecisionMeetingKind,
    heldOn: CalendarDate,
    /** 行政首长: chairs, speaks last, decides. */
    headPersonId: Id,
    attendance: DecisionMeetingAttendance,
    materials: DecisionMeetingMaterials,
    marketsAffected: z.boolean(),
    legality: z
      .object({
        review: z
          .object({ conclusion: DecisionLegalityConclusion, completedOn: CalendarDate, reviewerPersonIds: z.array(Id).min(1) })
          .nullable(),
        /** The standing decision.legalRiskStated.v1 (made after the latest review), copied by the ledger. */
        exploratoryReform: z.object({ legalRiskStatement: Text(20_000), statedBy: Id }).nullable(),
      })
      .refine((legality) => (legality.review !== null && legality.review.conclusion !== 'unlawful') || legality.exploratoryReform !== null, {
        message: 'no collective discussion without a passed legality review or a stated legal risk (713号 第25条)',
      }),
  })
  .describe('decision.collectiveDiscussionConvened.v1 — 集体讨论 (常务会议/全体会议)');
export const decisionCollectiveDiscussionConvenedV1 = defineEvent(
  'decision.collectiveDiscussionConvened.v1',
  DecisionCollectiveDiscussionConvenedV1,
);
export type DecisionCollectiveDiscussionConvenedV1 = z.infer<typeof DecisionCollectiveDiscussionConvenedV1>;

export const DecisionMemberOpinion = z.enum(['for', 'against', 'abstain']);
export type DecisionMemberOpinion = z.infer<typeof DecisionMemberOpinion>;

/** 第30条: what one member said at the meeting, as said; a recorded dissent reduces liability (第38条). */
export const DecisionMemberOpinionGivenV1 = z
  .object({
    decisionId: Id,
    meetingId: Id,
    memberPersonId: Id,
    opinion: DecisionMemberOpinion,
    statement: Text(20_000),
  })
  .describe('decision.memberOpinionGiven.v1 — 会议组成人员发表意见');
export const decisionMemberOpinionGivenV1 = defineEvent('decision.memberOpinionGiven.v1', DecisionMemberOpinionGivenV1);
export type DecisionMemberOpinionGivenV1 = z.infer<typeof DecisionMemberOpinionGivenV1>;

/** 第31条 决策公布, with how public and expert opinions were adopted. */
export const DecisionPublishedV1 = z
  .object({
    decisionId: Id,
    channel: DecisionPublicationChannel,
    reference: Text(500),
    publishedOn: CalendarDate,
    opinionAdoption: Text(20_000),
  })
  .describe('decision.published.v1 — 决策公布');
export const decisionPublishedV1 = defineEvent('decision.published.v1', DecisionPublishedV1);
export type DecisionPublishedV1 = z.infer<typeof DecisionPublishedV1>;

/** 第34、35条 决策执行情况报告, by a unit that carries the decision out. */
export const DecisionImplementationReportedV1 = z
  .object({
    decisionId: Id,
    reportingUnitId: Id,
    /** Who answers for the report in that unit (e.g. its head), who may not be the clerk recording it. */
    responsiblePersonId: Id,
    reportedOn: CalendarDate,
    progress: Text(20_000),
    problems: Text(20_000).nullable(),
  })
  .describe('decision.implementationReported.v1 — 决策执行情况报告');
export const decisionImplementationReportedV1 = defineEvent('decision.implementationReported.v1', DecisionImplementationReportedV1);
export type DecisionImplementationReportedV1 = z.infer<typeof DecisionImplementationReportedV1>;

/** 第36条 决策后评估, by someone other than whoever argued or assessed the matter before the decision. */
export const DecisionEvaluatedV1 = z
  .object({
    decisionId: Id,
    trigger: z.enum([
      'aims-clearly-missed', // 实施后明显未达到预期效果
      'many-opinions', // 公民、法人或者其他组织提出较多意见
      'deemed-necessary', // 决策机关认为有必要
    ]),
    evaluatorPersonIds: z.array(Id).min(1).max(50),
    /** 第三方: the professional body or social organisation entrusted with it, if any. */
    evaluatingOrganisationId: Id.nullable(),
    completedOn: CalendarDate,
    conclusion: Text(20_000),
    recommendation: z.enum(['continue', 'adjust', 'suspend', 'revoke']),
    reportSha256: Sha256.nullable(),
    inResponseTo: DecisionCauses,
  })
  .describe('decision.evaluated.v1 — 决策后评估');
export const decisionEvaluatedV1 = defineEvent('decision.evaluated.v1', DecisionEvaluatedV1);
export type DecisionEvaluatedV1 = z.infer<typeof DecisionEvaluatedV1>;

/** 第37条 中止执行: decided by the decision organ's head, with reasons and what prompted it. */
export const DecisionSuspendedV1 = z
  .object({
    decisionId: Id,
    decidedBy: Id,
    suspendedOn: CalendarDate,
    reasons: Text(20_000),
    inResponseTo: DecisionCauses,
  })
  .describe('decision.suspended.v1 — 中止执行');
export const decisionSuspendedV1 = defineEvent('decision.suspended.v1', DecisionSuspendedV1);
export type DecisionSuspendedV1 = z.infer<typeof DecisionSuspendedV1>;

/** A suspended decision carried out again (恢复执行). */
export const DecisionResumedV1 = z
  .object({
    decisionId: Id,
    decidedBy: Id,
    resumedOn: CalendarDate,
    reasons: Text(20_000),
    inResponseTo: DecisionCauses,
  })
  .describe('decision.resumed.v1 — 恢复执行');
export const decisionResumedV1 = defineEvent('decision.resumed.v1', DecisionResumedV1);
export type DecisionResumedV1 = z.infer<typeof DecisionResumedV1>;

/** 第37条 停止执行 / 撤销: the decision ends; the meeting that decided it, if one did. */
export const DecisionRevokedV1 = z
  .object({
    decisionId: Id,
    decidedBy: Id,
    revokedOn: CalendarDate,
    reasons: Text(20_000),
    meetingId: Id.nullable(),
    inResponseTo: DecisionCauses,
  })
  .describe('decision.revoked.v1 — 撤销 (停止执行)');
export const decisionRevokedV1 = defineEvent('decision.revoked.v1', DecisionRevokedV1);
export type DecisionRevokedV1 = z.infer<typeof DecisionRevokedV1>;

/** Every event of a decision's stream: services/decisions. */
export const decisionEvents = [
  decisionProposedV1,
  decisionStepApplicabilityRevisedV1,
  decisionDisagreementRecordedV1,
  decisionCommentPeriodOpenedV1,
  decisionHearingHeldV1,
  decisionCommentsHandledV1,
  decisionExpertOpinionSignedV1,
  decisionRiskAssessedV1,
  decisionLegalityReviewedV1,
  decisionLegalRiskStatedV1,
  decisionCollectiveDiscussionConvenedV1,
  decisionMemberOpinionGivenV1,
  decisionMadeV1,
  decisionPublishedV1,
  decisionImplementationReportedV1,
  decisionEvaluatedV1,
  decisionSuspendedV1,
  decisionResumedV1,
  decisionRevokedV1,
] as const satisfies readonly AnyEventDefinition[];
