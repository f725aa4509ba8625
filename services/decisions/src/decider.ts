import type {
  Actor,
  DecisionConditionalStep,
  DecisionItemReference,
  DecisionLegalityConclusion,
  DecisionMadeV1,
  DecisionMemberOpinion,
  DecisionMeetingKind,
  DecisionProposedV1,
  DecisionStepDetermination,
  decisionEvents,
} from '@quanze/events';
import { NotPermitted, StepOutOfOrder, SubjectNotFound, chinaDateOf } from '@quanze/service-kit';
import type { DecisionContext, Decider, DomainEventOf } from '@quanze/service-kit';
import type {
  ConveneCollectiveDiscussionBody,
  EvaluateDecisionBody,
  MakeDecisionBody,
  OpenCommentPeriodBody,
  ProposeDecisionBody,
  PublishDecisionBody,
  RecordCommentHandlingBody,
  RecordDisagreementBody,
  RecordExpertOpinionBody,
  RecordHearingBody,
  RecordLegalityReviewBody,
  RecordMemberOpinionBody,
  RecordRiskAssessmentBody,
  ReportImplementationBody,
  ResumeDecisionBody,
  ReviseStepApplicabilityBody,
  RevokeDecisionBody,
  StateLegalRiskBody,
  SuspendDecisionBody,
} from './commands.js';
import {
  AttendanceRepeated,
  CauseNotAnswerable,
  CauseNotFound,
  CommentSeekingIsNotReview,
  DateAfterToday,
  DecisionItemUnexplained,
  DisagreementNeedsTwoUnits,
  EvaluatorNotIndependent,
  ExactlyOneLeadUnitRequired,
  ExpertHasDirectInterest,
  ExpertOpinionUnsigned,
  HandlingUnitRepeated,
  HeadNotPresent,
  HeadReasonsRequired,
  HeadSpeaksLast,
  LeadUnitViewRequired,
  LegalGroundRequired,
  LegalityReviewRequired,
  MeetingBeforeLegalRiskStatement,
  MeetingBeforeLegalityReview,
  MeetingIdTaken,
  NoMemberBesidesHead,
  NotAdoptedWithoutReasons,
  NotAnAttendee,
  OpinionAlreadyRecorded,
  OpinionsOutstanding,
  ReviewerProposedDecision,
  StepAlwaysApplies,
  StepNotApplicable,
} from './errors.js';

export type DecisionEvent = DomainEventOf<(typeof decisionEvents)[number]>;
type EventOf<TType extends DecisionEvent['type']> = Extract<DecisionEvent, { type: TType }>;

/**
 * An event of this stream that a command says it answers (倒查): the handler looks each id up in the stream and
 * passes what it found, `type: null` when the stream has no such event.
 */
export interface CauseFact {
  readonly eventId: string;
  readonly type: string | null;
}

type Command<TType extends string, TBody> = { readonly type: TType; readonly decisionId: string } & TBody;
type WithCauses<TBody> = Omit<TBody, 'inResponseTo'> & { readonly causes: readonly CauseFact[] };

export type ProposeDecision = Command<'ProposeDecision', ProposeDecisionBody>;
export type ReviseStepApplicability = Command<'ReviseStepApplicability', ReviseStepApplicabilityBody>;
export type RecordDisagreement = Command<'RecordDisagreement', RecordDisagreementBody>;
export type OpenCommentPeriod = Command<'OpenCommentPeriod', OpenCommentPeriodBody>;
export type RecordHearing = Command<'RecordHearing', RecordHearingBody>;
export type RecordCommentHandling = Command<'RecordCommentHandling', RecordCommentHandlingBody>;
export type RecordExpertOpinion = Command<'RecordExpertOpinion', RecordExpertOpinionBody>;
export type RecordRiskAssessment = Command<'RecordRiskAssessment', RecordRiskAssessmentBody>;
export type RecordLegalityReview = Command<'RecordLegalityReview', RecordLegalityReviewBody>;
export type StateLegalRisk = Command<'StateLegalRisk', StateLegalRiskBody>;
export type ConveneCollectiveDiscussion = Command<'ConveneCollectiveDiscussion', ConveneCollectiveDiscussionBody>;
export type RecordMemberOpinion = Command<'RecordMemberOpinion', RecordMemberOpinionBody & { readonly meetingId: string }>;
export type MakeDecision = Command<'MakeDecision', MakeDecisionBody & { readonly meetingId: string }>;
export type PublishDecision = Command<'PublishDecision', PublishDecisionBody>;
export type ReportImplementation = Command<'ReportImplementation', ReportImplementationBody>;
export type EvaluateDecision = Command<'EvaluateDecision', WithCauses<EvaluateDecisionBody>>;
export type SuspendDecision = Command<'SuspendDecision', WithCauses<SuspendDecisionBody>>;
export type ResumeDecision = Command<'ResumeDecision', WithCauses<ResumeDecisionBody>>;
export type RevokeDecision = Command<'RevokeDecision', WithCauses<RevokeDecisionBody>>;

export type DecisionCommand =
  | ProposeDecision
  | ReviseStepApplicability
  | RecordDisagreement
  | OpenCommentPeriod
  | RecordHearing
  | RecordCommentHandling
  | RecordExpertOpinion
  | RecordRiskAssessment
  | RecordLegalityReview
  | StateLegalRisk
  | ConveneCollectiveDiscussion
  | RecordMemberOpinion
  | MakeDecision
  | PublishDecision
  | ReportImplementation
  | EvaluateDecision
  | SuspendDecision
  | ResumeDecision
  | RevokeDecision;

/**
 * drafting: proposed, steps being recorded (again after a deferral); in-discussion: a meeting is open;
 * in-force, suspended, revoked: after an adopting decision; not-adopted: the meeting rejected the draft.
 */
export type DecisionStage = 'none' | 'drafting' | 'in-discussion' | 'in-force' | 'suspended' | 'revoked' | 'not-adopted';

export interface OpenMeeting {
  readonly meetingId: string;
  readonly kind: DecisionMeetingKind;
  readonly heldOn: string;
  readonly headPersonId: string;
  /** Members present besides the head: each speaks once before the head decides. */
  readonly speakers: readonly string[];
  readonly opinions: Readonly<Record<string, DecisionMemberOpinion>>;
}

export interface DecisionState {
  readonly stage: DecisionStage;
  readonly proposal: DecisionProposedV1 | null;
  readonly applies: Readonly<Record<DecisionConditionalStep, boolean>>;
  /** A step with something on record can no longer be declared not to apply. */
  readonly recorded: Readonly<Record<DecisionConditionalStep, boolean>>;
  readonly unansweredCommentPeriods: number;
  readonly latestLegalityReview: {
    readonly conclusion: DecisionLegalityConclusion;
    readonly completedOn: string;
    readonly reviewerPersonIds: readonly string[];
  } | null;
  /** 第25条 探索性改革: the legal risk a head of the decision organ stated after the latest review; a new review clears it. */
  readonly legalRiskStatement: {
    readonly legalRiskStatement: string;
    readonly statedBy: string;
    readonly statedOn: string;
  } | null;
  readonly meeting: OpenMeeting | null;
  readonly meetingIds: readonly string[];
  /** 第36条: whoever argued (experts) or assessed (risk) the matter before the decision, persons and bodies. */
  readonly preDecisionPersonIds: readonly string[];
  readonly preDecisionOrganisationIds: readonly string[];
  readonly adopted: boolean;
}

const noSteps = { publicParticipation: false, expertArgumentation: false, riskAssessment: false } as const;

export const initialDecisionState: DecisionState = {
  stage: 'none',
  proposal: null,
  applies: noSteps,
  recorded: noSteps,
  unansweredCommentPeriods: 0,
  latestLegalityReview: null,
  legalRiskStatement: null,
  meeting: null,
  meetingIds: [],
  preDecisionPersonIds: [],
  preDecisionOrganisationIds: [],
  adopted: false,
};

/** 多数人的意见 (第30条): more than half of the opinions recorded, otherwise divided. */
export function majorityOf(opinions: readonly DecisionMemberOpinion[]): DecisionMadeV1['majorityOpinion'] {
  const count = (opinion: DecisionMemberOpinion) => opinions.filter((given) => given === opinion).length;
  if (count('for') * 2 > opinions.length) return 'for';
  if (count('against') * 2 > opinions.length) return 'against';
  return 'divided';
}

/**
 * Whether the head's decision differs from the majority: adopting against a majority against, not adopting
 * against a majority for, and deferring against either. A divided meeting has no majority to differ from.
 */
export function differsFromMajority(majority: DecisionMadeV1['majorityOpinion'], outcome: DecisionMadeV1['outcome']): boolean {
  switch (majority) {
    case 'divided':
      return false;
    case 'for':
      return outcome !== 'adopted' && outcome !== 'adopted-with-amendments';
    case 'against':
      return outcome !== 'not-adopted';
  }
}

/** Calendar days from the day after `from` to `to` (民法典 第201条: the first day is not counted). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The ledger records steps that happened: a step's own date is not after today. Deadlines ahead (closesOn) are not steps. */
function notAfterToday(today: string, dates: Readonly<Record<string, string>>): void {
  for (const [field, date] of Object.entries(dates)) {
    if (date > today) throw new DateAfterToday(date, today, field);
  }
}

function subject(decisionId: string): string {
  return `decision ${decisionId}`;
}

function requireProposal(state: DecisionState, decisionId: string): DecisionProposedV1 {
  if (state.proposal === null) throw new SubjectNotFound(subject(decisionId));
  return state.proposal;
}

function requireStage(state: DecisionState, decisionId: string, step: string, stages: readonly DecisionStage[]): DecisionProposedV1 {
  const proposal = requireProposal(state, decisionId);
  if (!stages.includes(state.stage)) throw new StepOutOfOrder(subject(decisionId), step, state.stage);
  return proposal;
}

/** Steps are recorded by clerks of the handling units (决策承办单位): the lead or a cooperating one. */
function requireHandlingUnit(proposal: DecisionProposedV1, actor: Actor): string {
  const unitId = actor.unitId;
  if (unitId === null || (unitId !== proposal.leadUnitId && !proposal.cooperatingUnitIds.includes(unitId))) {
    throw new NotPermitted(
      `${subject(proposal.decisionId)} is handled by ${[proposal.leadUnitId, ...proposal.cooperatingUnitIds].join(', ')}, not by ${unitId ?? 'a caller without a unit'}`,
    );
  }
  return unitId;
}

/**
 * The decision, the legal-risk statement, suspension, resumption and revocation are the decision organ's (决策机关),
 * by its head (the route admits only `head` tokens); the organ is the one named at the proposal.
 */
function requireDecisionOrgan(proposal: DecisionProposedV1, actor: Actor): void {
  if (actor.unitId !== proposal.decisionOrganUnitId) {
    throw new NotPermitted(`${subject(proposal.decisionId)} belongs to decision organ ${proposal.decisionOrganUnitId}, not ${actor.unitId ?? 'a caller without a unit'}`);
  }
}

function requireApplies(state: DecisionState, decisionId: string, step: DecisionConditionalStep): void {
  if (!state.applies[step]) throw new StepNotApplicable(decisionId, step);
}

function requireOpenMeeting(state: DecisionState, decisionId: string, meetingId: string, step: string): OpenMeeting {
  requireProposal(state, decisionId);
  if (state.meeting?.meetingId === meetingId) return state.meeting;
  if (state.meetingIds.includes(meetingId)) throw new StepOutOfOrder(`meeting ${meetingId}`, step, 'closed');
  throw new SubjectNotFound(`meeting ${meetingId} of ${subject(decisionId)}`);
}

function determination(
  step: DecisionConditionalStep,
  input: { readonly applies: boolean; readonly reason: string; readonly legalGround?: string | undefined },
  field: readonly (string | number)[],
): DecisionStepDetermination {
  if (input.applies) return { applies: true, reason: input.reason };
  if (input.legalGround === undefined) throw new LegalGroundRequired(step, field);
  return { applies: false, reason: input.reason, legalGround: input.legalGround };
}

/** Every cause is an event of this stream, of a kind the step can answer. */
function causeIds(causes: readonly CauseFact[], answerable: readonly DecisionEvent['type'][]): string[] {
  causes.forEach((cause, index) => {
    if (cause.type === null) throw new CauseNotFound(cause.eventId, index);
    if (!(answerable as readonly string[]).includes(cause.type)) throw new CauseNotAnswerable(cause.eventId, cause.type, answerable, index);
  });
  return causes.map((cause) => cause.eventId);
}

/** 第3条: the list entry, or the reason the matter is not on the list. */
function decisionItemOf(item: ProposeDecisionBody['decisionItem']): DecisionItemReference {
  if (item.listed) {
    if (item.entryId === undefined) throw new DecisionItemUnexplained(true);
    return { listed: true, entryId: item.entryId };
  }
  if (item.reason === undefined) throw new DecisionItemUnexplained(false);
  return { listed: false, reason: item.reason };
}

function propose(command: ProposeDecision, state: DecisionState, actor: Actor): DecisionEvent[] {
  if (state.stage !== 'none') throw new StepOutOfOrder(subject(command.decisionId), 'propose', state.stage);
  const decisionItem = decisionItemOf(command.decisionItem);

  const seen = new Set<string>();
  command.handlingUnits.forEach((unit, index) => {
    if (seen.has(unit.unitId)) throw new HandlingUnitRepeated(unit.unitId, index);
    seen.add(unit.unitId);
  });
  const leads = command.handlingUnits.filter((unit) => unit.role === 'lead').map((unit) => unit.unitId);
  const [leadUnitId] = leads;
  if (leadUnitId === undefined || leads.length > 1) throw new ExactlyOneLeadUnitRequired(leads);
  if (actor.unitId === null || !seen.has(actor.unitId)) {
    throw new NotPermitted(`a decision is proposed by a clerk of one of its handling units, not of ${actor.unitId ?? 'no unit'}`);
  }

  const steps = command.conditionalSteps;
  return [
    {
      type: 'decision.proposed.v1',
      data: {
        decisionId: command.decisionId,
        title: command.title,
        draftSummary: command.draftSummary,
        decisionItem,
        decisionOrganUnitId: command.decisionOrganUnitId,
        leadUnitId,
        cooperatingUnitIds: command.handlingUnits.filter((unit) => unit.role === 'cooperating').map((unit) => unit.unitId),
        proposedBy: command.proposedBy,
        conditionalSteps: {
          publicParticipation: determination('publicParticipation', steps.publicParticipation, ['conditionalSteps', 'publicParticipation', 'legalGround']),
          expertArgumentation: determination('expertArgumentation', steps.expertArgumentation, ['conditionalSteps', 'expertArgumentation', 'legalGround']),
          riskAssessment: determination('riskAssessment', steps.riskAssessment, ['conditionalSteps', 'riskAssessment', 'legalGround']),
        },
      },
    },
  ];
}

function reviseStepApplicability(command: ReviseStepApplicability, state: DecisionState, actor: Actor): DecisionEvent[] {
  const proposal = requireStage(state, command.decisionId, 'revise a step’s applicability', ['drafting']);
  requireHandlingUnit(proposal, actor);
  const step = command.step;
  if (step === 'legalityReview' || step === 'collectiveDiscussion') {
    if (!command.applies) throw new StepAlwaysApplies(step);
    return [];
  }
  const revised = determination(step, command, ['legalGround']);
  if (!revised.applies && state.recorded[step]) {
    throw new StepOutOfOrder(subject(command.decisionId), `declare ${step} not applicable`, `${step} already recorded`);
  }
  return [{ type: 'decision.stepApplicabilityRevised.v1', data: { decisionId: command.decisionId, step, determination: revised } }];
}

function recordDisagreement(command: RecordDisagreement, state: DecisionState, actor: Actor): DecisionEvent[] {
  const proposal = requireStage(state, command.decisionId, 'record a disagreement', ['drafting']);
  requireHandlingUnit(proposal, actor);
  const seen = new Set<string>();
  command.positions.forEach((position, index) => {
    if (seen.has(position.unitId)) throw new DisagreementNeedsTwoUnits(position.unitId, index);
    seen.add(position.unitId);
  });
  if (!seen.has(proposal.leadUnitId)) throw new LeadUnitViewRequired(proposal.leadUnitId);
  return [
    {
      type: 'decision.disagreementRecorded.v1',
      data: {
        decisionId: command.decisionId,
        matter: command.matter,
        positions: command.positions.map(({ unitId, view, statedBy }) => ({ unitId, view, statedBy })),
        referredToDecisionOrgan: command.referredToDecisionOrgan,
      },
    },
  ];
}

function openCommentPeriod(command: OpenCommentPeriod, state: DecisionState, actor: Actor, today: string): DecisionEvent[] {
  const proposal = requireStage(state, command.decisionId, 'open a comment period', ['drafting']);
  requireHandlingUnit(proposal, actor);
  requireApplies(state, command.decisionId, 'publicParticipation');
  notAfterToday(today, { openedOn: command.openedOn });
  // 第15条 is a flag, not a refusal: a period under 30 days is recorded with its reason, or without one.
  return [
    {
      type: 'decision.commentPeriodOpened.v1',
      data: {
        decisionId: command.decisionId,
        channel: command.channel,
        reference: command.reference,
        openedOn: command.openedOn,
        closesOn: command.closesOn,
        periodDays: daysBetween(command.openedOn, command.closesOn),
        shortPeriodReason: command.shortPeriodReason,
      },
    },
  ];
}

function recordHearing(command: RecordHearing, state: DecisionState, actor: Actor, today: string): DecisionEvent[] {
  const proposal = requireStage(state, command.decisionId, 'record a hearing', ['drafting']);
  requireHandlingUnit(proposal, actor);
  requireApplies(state, command.decisionId, 'publicParticipation');
  notAfterToday(today, { heldOn: command.heldOn, materialsSentOn: command.materialsSentOn });
  // 第16、17条 are flags: late materials and missing signatures are recorded as they were.
  return [
    {
      type: 'decision.hearingHeld.v1',
      data: {
        decisionId: command.decisionId,
        heldOn: command.heldOn,
        materialsSentOn: command.materialsSentOn,
        presidedBy: command.presidedBy,
        participantCount: command.participantCount,
        signatoryCount: command.signatoryCount,
        recordSha256: command.recordSha256,
      },
    },
  ];
}

function recordCommentHandling(command: RecordCommentHandling, state: DecisionState, actor: Actor): DecisionEvent[] {
  const proposal = requireStage(state, command.decisionId, 'record how comments were handled', ['drafting']);
  requireHandlingUnit(proposal, actor);
  requireApplies(state, command.decisionId, 'publicParticipation');
  if (state.unansweredCommentPeriods === 0) {
    throw new StepOutOfOrder(subject(command.decisionId), 'record how comments were handled', 'no comment period awaiting an answer');
  }
  if (command.notAdopted > 0 && command.notAdoptedReasons.length === 0) throw new NotAdoptedWithoutReasons(command.notAdopted);
  return [
    {
      type: 'decision.commentsHandled.v1',
      data: {
        decisionId: command.decisionId,
        received: command.received,
        adopted: command.adopted,
        notAdopted: command.notAdopted,
        notAdoptedReasons: command.notAdoptedReasons.map(({ summary, reason }) => ({ summary, reason })),
        summary: command.summary,
        feedbackReference: command.feedbackReference,
      },
    },
  ];
}

function recordExpertOpinion(command: RecordExpertOpinion, state: DecisionState, actor: Actor, today: string): DecisionEvent[] {
  const proposal = requireStage(state, command.decisionId, 'record an expert opinion', ['drafting']);
  requireHandlingUnit(proposal, actor);
  requireApplies(state, command.decisionId, 'expertArgumentation');
  notAfterToday(today, { signedOn: command.signedOn });
  if (command.conflictOfInterest.directInterest) throw new ExpertHasDirectInterest(command.expertPersonId);
  if (!command.signed) throw new ExpertOpinionUnsigned(command.expertPersonId);
  return [
    {
      type: 'decision.expertOpinionSigned.v1',
      data: {
        decisionId: command.decisionId,
        expertPersonId: command.expertPersonId,
        institutionId: command.institutionId,
        expertise: command.expertise,
        stance: command.stance,
        opinion: command.opinion,
        signedOn: command.signedOn,
        conflictOfInterest: { directInterest: false, declaration: command.conflictOfInterest.declaration },
      },
    },
  ];
}

function recordRiskAssessment(command: RecordRiskAssessment, state: DecisionState, actor: Actor, today: string): DecisionEvent[] {
  const proposal = requireStage(state, command.decisionId, 'record a risk assessment', ['drafting']);
  requireHandlingUnit(proposal, actor);
  requireApplies(state, command.decisionId, 'riskAssessment');
  notAfterToday(today, { completedOn: command.completedOn });
  return [
    {
      type: 'decision.riskAssessed.v1',
      data: {
        decisionId: command.decisionId,
        assessorPersonIds: [...command.assessorPersonIds],
        assessingOrganisationId: command.assessingOrganisationId,
        riskLevel: command.riskLevel,
        conclusion: command.conclusion,
        mitigation: command.mitigation,
        reportSha256: command.reportSha256,
        completedOn: command.completedOn,
      },
    },
  ];
}

function recordLegalityReview(command: RecordLegalityReview, state: DecisionState, actor: Actor, today: string): DecisionEvent[] {
  const proposal = requireStage(state, command.decisionId, 'record a legality review', ['drafting']);
  // The reviewer records their own review: the caller is one of the reviewers named, never someone recorded "as" another.
  if (!command.reviewerPersonIds.includes(actor.personId)) {
    throw new NotPermitted(`a legality review is recorded by one of its reviewers (${command.reviewerPersonIds.join(', ')}), not by ${actor.personId}`, [['reviewerPersonIds']]);
  }
  command.reviewerPersonIds.forEach((personId, index) => {
    if (personId === proposal.proposedBy) throw new ReviewerProposedDecision(personId, index);
  });
  if (command.form === 'comment-seeking') throw new CommentSeekingIsNotReview();
  notAfterToday(today, { startedOn: command.startedOn, completedOn: command.completedOn });
  // 第26条's "at least 7 working days" is a flag: both dates are recorded for read models to count.
  return [
    {
      type: 'decision.legalityReviewed.v1',
      data: {
        decisionId: command.decisionId,
        reviewerPersonIds: [...command.reviewerPersonIds],
        startedOn: command.startedOn,
        completedOn: command.completedOn,
        conclusion: command.conclusion,
        opinion: command.opinion,
        opinionSha256: command.opinionSha256,
      },
    },
  ];
}

function stateLegalRisk(command: StateLegalRisk, state: DecisionState, actor: Actor, today: string): DecisionEvent[] {
  const proposal = requireStage(state, command.decisionId, 'state the legal risk of an exploratory reform', ['drafting']);
  requireDecisionOrgan(proposal, actor);
  notAfterToday(today, { statedOn: command.statedOn });
  return [
    {
      type: 'decision.legalRiskStated.v1',
      data: { decisionId: command.decisionId, legalRiskStatement: command.legalRiskStatement, statedBy: actor.personId, statedOn: command.statedOn },
    },
  ];
}

function convene(command: ConveneCollectiveDiscussion, state: DecisionState, actor: Actor, today: string): DecisionEvent[] {
  const proposal = requireStage(state, command.decisionId, 'convene a collective discussion', ['drafting']);
  requireHandlingUnit(proposal, actor);
  if (state.meetingIds.includes(command.meetingId)) throw new MeetingIdTaken(command.meetingId);
  const seen = new Set<string>();
  command.attendance.forEach((line, index) => {
    if (seen.has(line.personId)) throw new AttendanceRepeated(line.personId, index);
    seen.add(line.personId);
  });
  const present = command.attendance.filter((line) => line.present).map((line) => line.personId);
  if (!present.includes(command.headPersonId)) throw new HeadNotPresent(command.headPersonId);
  if (present.length < 2) throw new NoMemberBesidesHead();
  notAfterToday(today, { heldOn: command.heldOn });

  // 第25条: the meeting rests on the latest review if it passed, otherwise on a legal-risk statement made since.
  const review = state.latestLegalityReview;
  const statement = state.legalRiskStatement;
  let exploratoryReform: { legalRiskStatement: string; statedBy: string } | null = null;
  if (review !== null && review.conclusion !== 'unlawful') {
    if (command.heldOn < review.completedOn) throw new MeetingBeforeLegalityReview(command.heldOn, review.completedOn);
  } else {
    if (statement === null) throw new LegalityReviewRequired(command.decisionId, review?.conclusion ?? null);
    if (command.heldOn < statement.statedOn) throw new MeetingBeforeLegalRiskStatement(command.heldOn, statement.statedOn);
    exploratoryReform = { legalRiskStatement: statement.legalRiskStatement, statedBy: statement.statedBy };
  }
  // 第29条: the materials are recorded as present or not; read models flag what is missing.
  return [
    {
      type: 'decision.collectiveDiscussionConvened.v1',
      data: {
        decisionId: command.decisionId,
        meetingId: command.meetingId,
        kind: command.kind,
        heldOn: command.heldOn,
        headPersonId: command.headPersonId,
        attendance: command.attendance.map(({ personId, present: isPresent, absenceReason }) => ({ personId, present: isPresent, absenceReason })),
        materials: { ...command.materials },
        marketsAffected: command.marketsAffected,
        legality: {
          review: review === null ? null : { ...review, reviewerPersonIds: [...review.reviewerPersonIds] },
          exploratoryReform,
        },
      },
    },
  ];
}

function recordMemberOpinion(command: RecordMemberOpinion, state: DecisionState, actor: Actor): DecisionEvent[] {
  const meeting = requireOpenMeeting(state, command.decisionId, command.meetingId, 'record an opinion');
  // The member records their own opinion, or the minute-taker, a clerk of a handling unit, records it for them.
  if (actor.personId !== command.memberPersonId) requireHandlingUnit(requireProposal(state, command.decisionId), actor);
  if (command.memberPersonId === meeting.headPersonId) throw new HeadSpeaksLast(meeting.headPersonId);
  if (!meeting.speakers.includes(command.memberPersonId)) throw new NotAnAttendee(meeting.meetingId, command.memberPersonId);
  if (command.memberPersonId in meeting.opinions) throw new OpinionAlreadyRecorded(meeting.meetingId, command.memberPersonId);
  return [
    {
      type: 'decision.memberOpinionGiven.v1',
      data: {
        decisionId: command.decisionId,
        meetingId: meeting.meetingId,
        memberPersonId: command.memberPersonId,
        opinion: command.opinion,
        statement: command.statement,
      },
    },
  ];
}

function makeDecision(command: MakeDecision, state: DecisionState, actor: Actor): DecisionEvent[] {
  const meeting = requireOpenMeeting(state, command.decisionId, command.meetingId, 'decide');
  const proposal = requireProposal(state, command.decisionId);
  // The clerk who convened named the head; only that person, acting as a head of the decision organ, decides.
  requireDecisionOrgan(proposal, actor);
  if (actor.personId !== meeting.headPersonId) {
    throw new NotPermitted(`the head who chaired meeting ${meeting.meetingId} (${meeting.headPersonId}) decides, not ${actor.personId}`);
  }
  const missing = meeting.speakers.filter((personId) => !(personId in meeting.opinions));
  if (missing.length > 0) throw new OpinionsOutstanding(meeting.meetingId, missing);
  // The majority is the ledger's count of the opinions on record, never a figure the caller supplies.
  const majorityOpinion = majorityOf(Object.values(meeting.opinions));
  const differs = differsFromMajority(majorityOpinion, command.outcome);
  if (differs && command.headReasons === null) throw new HeadReasonsRequired(majorityOpinion, command.outcome);
  return [
    {
      type: 'decision.made.v1',
      data: {
        decisionId: command.decisionId,
        title: proposal.title,
        summary: command.decisionText,
        decisionItem: proposal.decisionItem,
        leadUnitId: proposal.leadUnitId,
        cooperatingUnitIds: [...proposal.cooperatingUnitIds],
        meeting: { meetingId: meeting.meetingId, kind: meeting.kind, heldOn: meeting.heldOn },
        outcome: command.outcome,
        headPersonId: meeting.headPersonId,
        majorityOpinion,
        differsFromMajority: differs,
        headReasons: command.headReasons,
        legalBasis: [...command.legalBasis],
      },
    },
  ];
}

function publish(command: PublishDecision, state: DecisionState, actor: Actor, today: string): DecisionEvent[] {
  const proposal = requireProposal(state, command.decisionId);
  if (!state.adopted) throw new StepOutOfOrder(subject(command.decisionId), 'publish', state.stage);
  requireHandlingUnit(proposal, actor);
  notAfterToday(today, { publishedOn: command.publishedOn });
  return [
    {
      type: 'decision.published.v1',
      data: {
        decisionId: command.decisionId,
        channel: command.channel,
        reference: command.reference,
        publishedOn: command.publishedOn,
        opinionAdoption: command.opinionAdoption,
      },
    },
  ];
}

function reportImplementation(command: ReportImplementation, state: DecisionState, actor: Actor, today: string): DecisionEvent[] {
  const proposal = requireStage(state, command.decisionId, 'report on implementation', ['in-force', 'suspended']);
  const reportingUnitId = requireHandlingUnit(proposal, actor);
  notAfterToday(today, { reportedOn: command.reportedOn });
  return [
    {
      type: 'decision.implementationReported.v1',
      data: {
        decisionId: command.decisionId,
        reportingUnitId,
        responsiblePersonId: command.responsiblePersonId,
        reportedOn: command.reportedOn,
        progress: command.progress,
        problems: command.problems,
      },
    },
  ];
}

function evaluate(command: EvaluateDecision, state: DecisionState, actor: Actor, today: string): DecisionEvent[] {
  const proposal = requireStage(state, command.decisionId, 'evaluate', ['in-force', 'suspended']);
  requireHandlingUnit(proposal, actor);
  notAfterToday(today, { completedOn: command.completedOn });
  command.evaluatorPersonIds.forEach((personId, index) => {
    if (state.preDecisionPersonIds.includes(personId)) throw new EvaluatorNotIndependent(personId, ['evaluatorPersonIds', index]);
  });
  const organisation = command.evaluatingOrganisationId;
  if (organisation !== null && state.preDecisionOrganisationIds.includes(organisation)) {
    throw new EvaluatorNotIndependent(organisation, ['evaluatingOrganisationId']);
  }
  const inResponseTo = causeIds(command.causes, ['decision.implementationReported.v1']);
  return [
    {
      type: 'decision.evaluated.v1',
      data: {
        decisionId: command.decisionId,
        trigger: command.trigger,
        evaluatorPersonIds: [...command.evaluatorPersonIds],
        evaluatingOrganisationId: organisation,
        completedOn: command.completedOn,
        conclusion: command.conclusion,
        recommendation: command.recommendation,
        reportSha256: command.reportSha256,
        inResponseTo,
      },
    },
  ];
}

function suspend(command: SuspendDecision, state: DecisionState, actor: Actor, today: string): DecisionEvent[] {
  const proposal = requireStage(state, command.decisionId, 'suspend', ['in-force']);
  requireDecisionOrgan(proposal, actor);
  notAfterToday(today, { suspendedOn: command.suspendedOn });
  const inResponseTo = causeIds(command.causes, ['decision.implementationReported.v1', 'decision.evaluated.v1']);
  return [
    {
      type: 'decision.suspended.v1',
      data: { decisionId: command.decisionId, decidedBy: actor.personId, suspendedOn: command.suspendedOn, reasons: command.reasons, inResponseTo },
    },
  ];
}

function resume(command: ResumeDecision, state: DecisionState, actor: Actor, today: string): DecisionEvent[] {
  const proposal = requireStage(state, command.decisionId, 'resume', ['suspended']);
  requireDecisionOrgan(proposal, actor);
  notAfterToday(today, { resumedOn: command.resumedOn });
  const inResponseTo = causeIds(command.causes, ['decision.implementationReported.v1', 'decision.evaluated.v1', 'decision.suspended.v1']);
  return [
    {
      type: 'decision.resumed.v1',
      data: { decisionId: command.decisionId, decidedBy: actor.personId, resumedOn: command.resumedOn, reasons: command.reasons, inResponseTo },
    },
  ];
}

function revoke(command: RevokeDecision, state: DecisionState, actor: Actor, today: string): DecisionEvent[] {
  const proposal = requireStage(state, command.decisionId, 'revoke', ['in-force', 'suspended']);
  requireDecisionOrgan(proposal, actor);
  notAfterToday(today, { revokedOn: command.revokedOn });
  const inResponseTo = causeIds(command.causes, ['decision.implementationReported.v1', 'decision.evaluated.v1', 'decision.suspended.v1']);
  return [
    {
      type: 'decision.revoked.v1',
      data: {
        decisionId: command.decisionId,
        decidedBy: actor.personId,
        revokedOn: command.revokedOn,
        reasons: command.reasons,
        meetingId: command.meetingId,
        inResponseTo,
      },
    },
  ];
}

function decide(command: DecisionCommand, state: DecisionState, { now, actor }: DecisionContext): readonly DecisionEvent[] {
  const today = chinaDateOf(now);
  switch (command.type) {
    case 'ProposeDecision':
      return propose(command, state, actor);
    case 'ReviseStepApplicability':
      return reviseStepApplicability(command, state, actor);
    case 'RecordDisagreement':
      return recordDisagreement(command, state, actor);
    case 'OpenCommentPeriod':
      return openCommentPeriod(command, state, actor, today);
    case 'RecordHearing':
      return recordHearing(command, state, actor, today);
    case 'RecordCommentHandling':
      return recordCommentHandling(command, state, actor);
    case 'RecordExpertOpinion':
      return recordExpertOpinion(command, state, actor, today);
    case 'RecordRiskAssessment':
      return recordRiskAssessment(command, state, actor, today);
    case 'RecordLegalityReview':
      return recordLegalityReview(command, state, actor, today);
    case 'StateLegalRisk':
      return stateLegalRisk(command, state, actor, today);
    case 'ConveneCollectiveDiscussion':
      return convene(command, state, actor, today);
    case 'RecordMemberOpinion':
      return recordMemberOpinion(command, state, actor);
    case 'MakeDecision':
      return makeDecision(command, state, actor);
    case 'PublishDecision':
      return publish(command, state, actor, today);
    case 'ReportImplementation':
      return reportImplementation(command, state, actor, today);
    case 'EvaluateDecision':
      return evaluate(command, state, actor, today);
    case 'SuspendDecision':
      return suspend(command, state, actor, today);
    case 'ResumeDecision':
      return resume(command, state, actor, today);
    case 'RevokeDecision':
      return revoke(command, state, actor, today);
  }
}

function withRecorded(state: DecisionState, step: DecisionConditionalStep): DecisionState {
  return { ...state, recorded: { ...state.recorded, [step]: true } };
}

function evolve(state: DecisionState, event: DecisionEvent): DecisionState {
  switch (event.type) {
    case 'decision.proposed.v1': {
      const steps = event.data.conditionalSteps;
      return {
        ...state,
        stage: 'drafting',
        proposal: event.data,
        applies: {
          publicParticipation: steps.publicParticipation.applies,
          expertArgumentation: steps.expertArgumentation.applies,
          riskAssessment: steps.riskAssessment.applies,
        },
      };
    }
    case 'decision.stepApplicabilityRevised.v1':
      return { ...state, applies: { ...state.applies, [event.data.step]: event.data.determination.applies } };
    case 'decision.disagreementRecorded.v1':
      return state;
    case 'decision.commentPeriodOpened.v1':
      return { ...withRecorded(state, 'publicParticipation'), unansweredCommentPeriods: state.unansweredCommentPeriods + 1 };
    case 'decision.hearingHeld.v1':
      return withRecorded(state, 'publicParticipation');
    case 'decision.commentsHandled.v1':
      return { ...state, unansweredCommentPeriods: Math.max(0, state.unansweredCommentPeriods - 1) };
    case 'decision.expertOpinionSigned.v1':
      return {
        ...withRecorded(state, 'expertArgumentation'),
        preDecisionPersonIds: [...state.preDecisionPersonIds, event.data.expertPersonId],
        preDecisionOrganisationIds:
          event.data.institutionId === null ? state.preDecisionOrganisationIds : [...state.preDecisionOrganisationIds, event.data.institutionId],
      };
    case 'decision.riskAssessed.v1':
      return {
        ...withRecorded(state, 'riskAssessment'),
        preDecisionPersonIds: [...state.preDecisionPersonIds, ...event.data.assessorPersonIds],
        preDecisionOrganisationIds:
          event.data.assessingOrganisationId === null
            ? state.preDecisionOrganisationIds
            : [...state.preDecisionOrganisationIds, event.data.assessingOrganisationId],
      };
    case 'decision.legalityReviewed.v1':
      return {
        ...state,
        // A statement answers the reviews before it; a later review must be answered anew.
        legalRiskStatement: null,
        latestLegalityReview: {
          conclusion: event.data.conclusion,
          completedOn: event.data.completedOn,
          reviewerPersonIds: event.data.reviewerPersonIds,
        },
      };
    case 'decision.legalRiskStated.v1': {
      const { legalRiskStatement, statedBy, statedOn } = event.data;
      return { ...state, legalRiskStatement: { legalRiskStatement, statedBy, statedOn } };
    }
    case 'decision.collectiveDiscussionConvened.v1': {
      const { meetingId, kind, heldOn, headPersonId, attendance } = event.data;
      const speakers = attendance.filter((line) => line.present && line.personId !== headPersonId).map((line) => line.personId);
      return {
        ...state,
        stage: 'in-discussion',
        meeting: { meetingId, kind, heldOn, headPersonId, speakers, opinions: {} },
        meetingIds: [...state.meetingIds, meetingId],
      };
    }
    case 'decision.memberOpinionGiven.v1': {
      const meeting = state.meeting;
      if (meeting?.meetingId !== event.data.meetingId) return state;
      return { ...state, meeting: { ...meeting, opinions: { ...meeting.opinions, [event.data.memberPersonId]: event.data.opinion } } };
    }
    case 'decision.made.v1':
      return { ...state, meeting: null, ...afterDecision(event.data.outcome) };
    case 'decision.published.v1':
    case 'decision.implementationReported.v1':
    case 'decision.evaluated.v1':
      return state;
    case 'decision.suspended.v1':
      return { ...state, stage: 'suspended' };
    case 'decision.resumed.v1':
      return { ...state, stage: 'in-force' };
    case 'decision.revoked.v1':
      return { ...state, stage: 'revoked' };
  }
}

function afterDecision(outcome: EventOf<'decision.made.v1'>['data']['outcome']): Pick<DecisionState, 'stage' | 'adopted'> {
  switch (outcome) {
    case 'adopted':
    case 'adopted-with-amendments':
      return { stage: 'in-force', adopted: true };
    case 'not-adopted':
      return { stage: 'not-adopted', adopted: false };
    case 'deferred':
      // 暂缓: the draft goes back to its handling units; a later meeting may decide it.
      return { stage: 'drafting', adopted: false };
  }
}

/** 重大行政决策: the rules of 国务院令第713号 as one decider over the `decision-<id>` stream. */
export const decisionDecider: Decider<DecisionCommand, DecisionState, DecisionEvent> = {
  initialState: initialDecisionState,
  decide,
  evolve,
};

