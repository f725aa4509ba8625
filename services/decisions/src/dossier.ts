import type {
  Actor,
  DecisionCollectiveDiscussionConvenedV1,
  DecisionCommentPeriodOpenedV1,
  DecisionCommentsHandledV1,
  DecisionDisagreementRecordedV1,
  DecisionEvaluatedV1,
  DecisionExpertOpinionSignedV1,
  DecisionHearingHeldV1,
  DecisionImplementationReportedV1,
  DecisionLegalRiskStatedV1,
  DecisionLegalityReviewedV1,
  DecisionMadeV1,
  DecisionMemberOpinionGivenV1,
  DecisionProposedV1,
  DecisionPublishedV1,
  DecisionResumedV1,
  DecisionRevokedV1,
  DecisionRiskAssessedV1,
  DecisionStepApplicabilityRevisedV1,
  DecisionSuspendedV1,
  RecordedEvent,
} from '@quanze/events';
import { NotPermitted, SubjectNotFound, fold, hasRole } from '@quanze/service-kit';
import type { Principal } from '@quanze/service-kit';
import { decisionDecider } from './decider.js';
import type { DecisionEvent, DecisionStage } from './decider.js';

export type RecordedDecisionEvent = RecordedEvent & DecisionEvent;

/** One step as the archive holds it: what was recorded, when, and by whom (person, post and unit as they were). */
export interface RecordedStep<TData> {
  readonly eventId: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly recordedBy: Actor;
  readonly data: TData;
}

export interface MeetingRecord {
  readonly convened: RecordedStep<DecisionCollectiveDiscussionConvenedV1>;
  /** In the order given: the head spoke last, by deciding. */
  readonly opinions: readonly RecordedStep<DecisionMemberOpinionGivenV1>[];
  readonly decision: RecordedStep<DecisionMadeV1> | null;
}

/** The whole procedure of one decision, step by step, with who did each (for supervision, 倒查 and 终身追责). */
export interface DecisionDossier {
  readonly view: 'full';
  readonly decisionId: string;
  readonly title: string;
  readonly stage: DecisionStage;
  readonly proposal: RecordedStep<DecisionProposedV1>;
  readonly stepApplicabilityRevisions: readonly RecordedStep<DecisionStepApplicabilityRevisedV1>[];
  readonly disagreements: readonly RecordedStep<DecisionDisagreementRecordedV1>[];
  readonly publicParticipation: {
    readonly commentPeriods: readonly RecordedStep<DecisionCommentPeriodOpenedV1>[];
    readonly hearings: readonly RecordedStep<DecisionHearingHeldV1>[];
    readonly commentHandling: readonly RecordedStep<DecisionCommentsHandledV1>[];
  };
  readonly expertOpinions: readonly RecordedStep<DecisionExpertOpinionSignedV1>[];
  readonly riskAssessments: readonly RecordedStep<DecisionRiskAssessedV1>[];
  readonly legalityReviews: readonly RecordedStep<DecisionLegalityReviewedV1>[];
  /** 第25条 探索性改革: legal risks stated by a head of the decision organ. */
  readonly legalRiskStatements: readonly RecordedStep<DecisionLegalRiskStatedV1>[];
  readonly meetings: readonly MeetingRecord[];
  /** The latest decision taken (a deferral is one; a later meeting may decide again). */
  readonly decision: RecordedStep<DecisionMadeV1> | null;
  readonly publications: readonly RecordedStep<DecisionPublishedV1>[];
  readonly implementationReports: readonly RecordedStep<DecisionImplementationReportedV1>[];
  readonly evaluations: readonly RecordedStep<DecisionEvaluatedV1>[];
  readonly suspensions: readonly RecordedStep<DecisionSuspendedV1>[];
  readonly resumptions: readonly RecordedStep<DecisionResumedV1>[];
  readonly revocations: readonly RecordedStep<DecisionRevokedV1>[];
}

/** What the public sees of a published decision: title, decision, basis, publications and its status; no opinions. */
export interface PublicDecisionView {
  readonly view: 'public';
  readonly decisionId: string;
  readonly title: string;
  readonly status: DecisionStage;
  readonly decision: {
    readonly outcome: DecisionMadeV1['outcome'];
    readonly text: string;
    readonly decidedOn: string;
    readonly meetingKind: DecisionMadeV1['meeting']['kind'];
    readonly legalBasis: readonly string[];
  };
  readonly publications: readonly Omit<DecisionPublishedV1, 'decisionId'>[];
  readonly statusChanges: readonly { readonly change: 'suspended' | 'resumed' | 'revoked'; readonly on: string }[];
}

function step<TData>(event: RecordedEvent & { readonly data: TData }): RecordedStep<TData> {
  return {
    eventId: event.eventId,
    type: event.type,
    occurredAt: event.occurredAt,
    recordedAt: event.recordedAt,
    recordedBy: event.actor,
    data: event.data,
  };
}

/** Folds the stream into its dossier; null when nothing was ever proposed. */
export function dossierOf(events: readonly RecordedDecisionEvent[]): DecisionDossier | null {
  let proposal: RecordedStep<DecisionProposedV1> | null = null;
  const revisions: RecordedStep<DecisionStepApplicabilityRevisedV1>[] = [];
  const disagreements: RecordedStep<DecisionDisagreementRecordedV1>[] = [];
  const commentPeriods: RecordedStep<DecisionCommentPeriodOpenedV1>[] = [];
  const hearings: RecordedStep<DecisionHearingHeldV1>[] = [];
  const commentHandling: RecordedStep<DecisionCommentsHandledV1>[] = [];
  const expertOpinions: RecordedStep<DecisionExpertOpinionSignedV1>[] = [];
  const riskAssessments: RecordedStep<DecisionRiskAssessedV1>[] = [];
  const legalityReviews: RecordedStep<DecisionLegalityReviewedV1>[] = [];
  const legalRiskStatements: RecordedStep<DecisionLegalRiskStatedV1>[] = [];
  const meetings: { convened: RecordedStep<DecisionCollectiveDiscussionConvenedV1>; opinions: RecordedStep<DecisionMemberOpinionGivenV1>[]; decision: RecordedStep<DecisionMadeV1> | null }[] = [];
  let decision: RecordedStep<DecisionMadeV1> | null = null;
  const publications: RecordedStep<DecisionPublishedV1>[] = [];
  const implementationReports: RecordedStep<DecisionImplementationReportedV1>[] = [];
  const evaluations: RecordedStep<DecisionEvaluatedV1>[] = [];
  const suspensions: RecordedStep<DecisionSuspendedV1>[] = [];
  const resumptions: RecordedStep<DecisionResumedV1>[] = [];
  const revocations: RecordedStep<DecisionRevokedV1>[] = [];
  const meetingOf = (meetingId: string) => meetings.find((meeting) => meeting.convened.data.meetingId === meetingId);

  for (const event of events) {
    switch (event.type) {
      case 'decision.proposed.v1':
        proposal = step(event);
        break;
      case 'decision.stepApplicabilityRevised.v1':
        revisions.push(step(event));
        break;
      case 'decision.disagreementRecorded.v1':
        disagreements.push(step(event));
        break;
      case 'decision.commentPeriodOpened.v1':
        commentPeriods.push(step(event));
        break;
      case 'decision.hearingHeld.v1':
        hearings.push(step(event));
        break;
      case 'decision.commentsHandled.v1':
        commentHandling.push(step(event));
        break;
      case 'decision.expertOpinionSigned.v1':
        expertOpinions.push(step(event));
        break;
      case 'decision.riskAssessed.v1':
        riskAssessments.push(step(event));
        break;
      case 'decision.legalityReviewed.v1':
        legalityReviews.push(step(event));
        break;
      case 'decision.legalRiskStated.v1':
        legalRiskStatements.push(step(event));
        break;
      case 'decision.collectiveDiscussionConvened.v1':
        meetings.push({ convened: step(event), opinions: [], decision: null });
        break;
      case 'decision.memberOpinionGiven.v1':
        meetingOf(event.data.meetingId)?.opinions.push(step(event));
        break;
      case 'decision.made.v1': {
        decision = step(event);
        const meeting = meetingOf(event.data.meeting.meetingId);
        if (meeting !== undefined) meeting.decision = decision;
        break;
      }
      case 'decision.published.v1':
        publications.push(step(event));
        break;
      case 'decision.implementationReported.v1':
        implementationReports.push(step(event));
        break;
      case 'decision.evaluated.v1':
        evaluations.push(step(event));
        break;
      case 'decision.suspended.v1':
        suspensions.push(step(event));
        break;
      case 'decision.resumed.v1':
        resumptions.push(step(event));
        break;
      case 'decision.revoked.v1':
        revocations.push(step(event));
        break;
    }
  }
  if (proposal === null) return null;
  return {
    view: 'full',
    decisionId: proposal.data.decisionId,
    title: proposal.data.title,
    stage: fold(decisionDecider, events).stage,
    proposal,
    stepApplicabilityRevisions: revisions,
    disagreements,
    publicParticipation: { commentPeriods, hearings, commentHandling },
    expertOpinions,
    riskAssessments,
    legalityReviews,
    legalRiskStatements,
    meetings,
    decision,
    publications,
    implementationReports,
    evaluations,
    suspensions,
    resumptions,
    revocations,
  };
}

/** The published parts only; null while nothing is published (第31条). */
export function publicViewOf(dossier: DecisionDossier): PublicDecisionView | null {
  const decision = dossier.decision;
  if (decision === null || dossier.publications.length === 0) return null;
  const changes = [
    ...dossier.suspensions.map((entry) => ({ change: 'suspended' as const, on: entry.data.suspendedOn, at: entry.recordedAt })),
    ...dossier.resumptions.map((entry) => ({ change: 'resumed' as const, on: entry.data.resumedOn, at: entry.recordedAt })),
    ...dossier.revocations.map((entry) => ({ change: 'revoked' as const, on: entry.data.revokedOn, at: entry.recordedAt })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return {
    view: 'public',
    decisionId: dossier.decisionId,
    title: dossier.title,
    status: dossier.stage,
    decision: {
      outcome: decision.data.outcome,
      text: decision.data.summary,
      decidedOn: decision.data.meeting.heldOn,
      meetingKind: decision.data.meeting.kind,
      legalBasis: decision.data.legalBasis,
    },
    publications: dossier.publications.map(({ data }) => ({
      channel: data.channel,
      reference: data.reference,
      publishedOn: data.publishedOn,
      opinionAdoption: data.opinionAdoption,
    })),
    statusChanges: changes.map(({ change, on }) => ({ change, on })),
  };
}

/**
 * Who sees the whole dossier (members' opinions, unpublished decisions): supervision; heads of the decision organ;
 * clerks and heads of the handling units; legal reviewers named in one of its reviews. Everyone else — analysts,
 * other units, judicial roles, the public — sees the published parts once published (DESIGN.md: analysts read
 * timelines). Before publication an anonymous caller gets 404, so the public does not learn the matter exists; a
 * signed-in caller gets 403.
 */
export function seesFullDossier(caller: Principal | null, dossier: DecisionDossier): boolean {
  if (caller === null) return false;
  if (hasRole(caller, 'supervision')) return true;
  const { decisionOrganUnitId, leadUnitId, cooperatingUnitIds } = dossier.proposal.data;
  const unitId = caller.unitId;
  if (unitId !== null) {
    const handling = unitId === leadUnitId || cooperatingUnitIds.includes(unitId);
    if (hasRole(caller, 'head') && (handling || unitId === decisionOrganUnitId)) return true;
    if (hasRole(caller, 'clerk') && handling) return true;
  }
  return hasRole(caller, 'legal-reviewer') && dossier.legalityReviews.some((review) => review.data.reviewerPersonIds.includes(caller.personId));
}

export function viewFor(caller: Principal | null, decisionId: string, events: readonly RecordedDecisionEvent[]): DecisionDossier | PublicDecisionView {
  const dossier = dossierOf(events);
  if (dossier === null) throw new SubjectNotFound(`decision ${decisionId}`);
  if (seesFullDossier(caller, dossier)) return dossier;
  const published = publicViewOf(dossier);
  if (published !== null) return published;
  if (caller === null) throw new SubjectNotFound(`decision ${decisionId}`);
  throw new NotPermitted(`decision ${decisionId} is not published, and ${caller.personId} is not among those who see it before`);
}
