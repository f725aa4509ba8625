import type { LedgerEvent } from '../../ledger-event.js';

/**
 * What one ledger event means for accountability: the subject it is a step of, the persons it names with the part
 * each played, the units it ties the subject to, the earlier events it answers, and whether it is an outcome of the
 * subject (revoked, abolished, returned…). Extracted per event type from the catalogue's fields
 * (packages/events/src/catalogue): where the catalogue names a person who did the step, that person is a
 * participant; the envelope's actor is always one too, as `recorded`, with the post and unit recorded then.
 */

export const SUBJECT_KINDS = ['decision', 'document', 'case', 'measure', 'inspection', 'unit', 'person'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

export interface SubjectRef {
  readonly kind: SubjectKind;
  readonly id: string;
}

export const PARTICIPANT_ROLES = [
  'recorded', // the envelope's actor: who recorded the step, in the post and unit recorded then
  'proposed', // 决策建议 (decision.proposed proposedBy)
  'stated-position', // 部门分歧意见 (disagreement positions[].statedBy)
  'presided', // 主持: hearings, meetings (the head who chairs), a document's collective discussion
  'attended', // present at a decision's collective discussion
  'absent', // listed for the meeting, absent (with the reason on record)
  'signed', // 签署: an expert's opinion, a document's issue (签发)
  'assessed', // 风险评估
  'reviewed', // 合法性审查, 法制审核
  'stated-legal-risk', // 探索性改革 明示法律风险
  'voted', // 会议组成人员意见, with the vote
  'decided', // the head's decision; an enforcement decision
  'suspended',
  'resumed',
  'revoked',
  'reported', // implementation report; a transfer report (移送报告)
  'evaluated', // 决策后评估, 文件评估
  'drafted', // 起草 (the actor of a draft or a revision)
  'responsible', // named in a responsibility assignment
  'assigned-officer', // 执法人员 of a case; inspectors drawn for a target
  'collected-evidence',
  'inspected',
  'witnessed', // watched a draw
  'approved', // 批准移送
  'refused', // 不批准移送
  'received', // 回执; seized items received
  'forwarded', // 转送
  'accepted', // 立案
  'returned', // 不予立案, 退回
  'answered', // 复议决定
  'held-responsible', // 问责: named in a finding, with the measures (finding.recorded heldResponsible[])
  // The person's own career, on `person-<id>` streams: not acts, kept for timelines.
  'registered',
  'appointed',
  'removed',
  'retired',
  'certified',
  'certificate-revoked',
] as const;
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number];

/** The roles of a person's own career: a dossier lists acts, not these. */
export const CAREER_ROLES: readonly ParticipantRole[] = ['registered', 'appointed', 'removed', 'retired', 'certified', 'certificate-revoked'];

export type Detail = Readonly<Record<string, string | number | boolean | null>>;

export interface Participant {
  readonly personId: string;
  readonly role: ParticipantRole;
  readonly detail: Detail | null;
}

/** How a unit belongs to a subject. `actor` is any unit whose member recorded a step of it. */
export type UnitRelation =
  | 'decision-organ'
  | 'lead'
  | 'cooperating'
  | 'implementing'
  | 'drafting'
  | 'issuing'
  | 'handling'
  | 'receiving'
  | 'supervising'
  | 'inspecting'
  | 'self'
  | 'actor';

export interface UnitLink {
  readonly unitId: string;
  readonly relation: UnitRelation;
}

export const OUTCOME_KINDS = [
  'decided', // decision.made / case.decided, with the outcome
  'evaluated', // with the recommendation and conclusion
  'suspended',
  'resumed',
  'revoked',
  'clean-up-decided',
  'abolished',
  'expired',
  'decision-changed', // case: changed, revoked, annulled
  'transfer-refused', // by the agency's head
  'transfer-accepted',
  'transfer-returned',
  'reconsideration-answered',
  'closed',
  'cancelled',
  'responsibility-superseded',
  'finding', // 问责决定: who was held responsible, with which measures
  'finding-withdrawn', // 问责决定 撤销 on review or appeal (复核、申诉)
] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];

export interface StepDescription {
  readonly subject: SubjectRef;
  /** A new label for the subject (its title, a document's number), or null to keep the one it has. */
  readonly label: string | null;
  /** The persons the data names, beside the actor. */
  readonly participants: readonly Participant[];
  /** Units the subject belongs to from this step on. */
  readonly subjectUnits: readonly UnitLink[];
  /** Other units this step names (a consulted unit, a successor): they see the step in their timeline. */
  readonly stepUnits: readonly string[];
  /** Earlier events this step answers (`inResponseTo`): how an outcome is traced back (倒查). */
  readonly causes: readonly string[];
  readonly outcome: { readonly kind: OutcomeKind; readonly detail: Readonly<Record<string, unknown>> } | null;
}

type EventOf<TType extends LedgerEvent['type']> = Extract<LedgerEvent, { type: TType }>;
type Describer<TType extends LedgerEvent['type']> = (event: EventOf<TType>) => StepDescription;

interface StepParts {
  readonly label?: string | null;
  readonly participants?: readonly Participant[];
  readonly subjectUnits?: readonly UnitLink[];
  readonly stepUnits?: readonly string[];
  readonly causes?: readonly string[];
  readonly outcome?: StepDescription['outcome'];
}

function step(kind: SubjectKind, id: string, parts: StepParts = {}): StepDescription {
  return {
    subject: { kind, id },
    label: parts.label ?? null,
    participants: parts.participants ?? [],
    subjectUnits: parts.subjectUnits ?? [],
    stepUnits: parts.stepUnits ?? [],
    causes: parts.causes ?? [],
    outcome: parts.outcome ?? null,
  };
}

function as(role: ParticipantRole, personIds: readonly string[], detail: Detail | null = null): Participant[] {
  return personIds.map((personId) => ({ personId, role, detail }));
}

function one(role: ParticipantRole, personId: string, detail: Detail | null = null): Participant[] {
  return [{ personId, role, detail }];
}

function units(relation: UnitRelation, unitIds: readonly string[]): UnitLink[] {
  return unitIds.map((unitId) => ({ unitId, relation }));
}

/**
 * One entry per event type of the catalogue: the compiler asks for an entry when a type is added. `null` marks an
 * event that is no step of a subject: the post register's events repeat the person's appointments and removals.
 */
const describers: { readonly [TType in LedgerEvent['type']]: Describer<TType> | null } = {
  // ── Organisation ──────────────────────────────────────────────────────────────────────────────────────────
  'unit.registered.v1': ({ data }) =>
    step('unit', data.unitId, {
      label: data.name,
      subjectUnits: units('self', [data.unitId]),
      stepUnits: data.parentUnitId === null ? [] : [data.parentUnitId],
    }),
  'unit.renamed.v1': ({ data }) => step('unit', data.unitId, { label: data.name }),
  'unit.postEstablished.v1': ({ data }) => step('unit', data.unitId),
  'unit.merged.v1': ({ data }) => step('unit', data.unitId, { stepUnits: [data.successorUnitId] }),
  'unit.dissolved.v1': ({ data }) => step('unit', data.unitId, { stepUnits: data.successorUnitId === null ? [] : [data.successorUnitId] }),
  'person.registered.v1': ({ data }) => step('person', data.personId, { label: data.name, participants: one('registered', data.personId) }),
  'person.appointed.v1': ({ data }) =>
    step('person', data.personId, {
      participants: one('appointed', data.personId, { postId: data.postId, unitId: data.unitId, on: data.appointedOn }),
      stepUnits: [data.unitId],
    }),
  'person.removed.v1': ({ data }) =>
    step('person', data.personId, {
      participants: one('removed', data.personId, { postId: data.postId, unitId: data.unitId, on: data.removedOn, reason: data.reason }),
      stepUnits: [data.unitId],
    }),
  'person.retired.v1': ({ data }) => step('person', data.personId, { participants: one('retired', data.personId, { on: data.retiredOn }) }),
  'person.certified.v1': ({ data }) =>
    step('person', data.personId, {
      participants: one('certified', data.personId, { certificateId: data.certificateId, validFrom: data.validFrom, validUntil: data.validUntil }),
      stepUnits: [data.issuingUnitId],
    }),
  'person.certificationRevoked.v1': ({ data }) =>
    step('person', data.personId, { participants: one('certificate-revoked', data.personId, { certificateId: data.certificateId, on: data.revokedOn }) }),
  'post.occupied.v1': null,
  'post.vacated.v1': null,
  'post.claimReleased.v1': null,
  'measure.defined.v1': ({ data }) => step('measure', data.measureId, { label: `${data.section}${String(data.number)} ${data.sectionTitle}` }),
  'measure.responsibilitySuperseded.v1': ({ data }) =>
    step('measure', data.measureId, { outcome: { kind: 'responsibility-superseded', detail: { supersededEffectiveFrom: data.supersededEffectiveFrom } } }),
  'responsibility.assigned.v1': ({ data }) =>
    step(data.subject.kind, data.subject.id, {
      participants: as('responsible', data.responsiblePersonIds),
      subjectUnits: [...units('lead', data.leadUnitIds), ...units('cooperating', data.cooperatingUnitIds)],
    }),

  // ── Major administrative decisions (重大行政决策) ───────────────────────────────────────────────────────────
  'decision.proposed.v1': ({ data }) =>
    step('decision', data.decisionId, {
      label: data.title,
      participants: one('proposed', data.proposedBy),
      subjectUnits: [
        ...units('decision-organ', [data.decisionOrganUnitId]),
        ...units('lead', [data.leadUnitId]),
        ...units('cooperating', data.cooperatingUnitIds),
      ],
    }),
  'decision.stepApplicabilityRevised.v1': ({ data }) => step('decision', data.decisionId),
  'decision.disagreementRecorded.v1': ({ data }) =>
    step('decision', data.decisionId, {
      participants: data.positions.map((position) => ({ personId: position.statedBy, role: 'stated-position', detail: { unitId: position.unitId } })),
      stepUnits: data.positions.map((position) => position.unitId),
    }),
  'decision.commentPeriodOpened.v1': ({ data }) => step('decision', data.decisionId),
  'decision.hearingHeld.v1': ({ data }) => step('decision', data.decisionId, { participants: one('presided', data.presidedBy, { of: 'hearing' }) }),
  'decision.commentsHandled.v1': ({ data }) => step('decision', data.decisionId),
  'decision.expertOpinionSigned.v1': ({ data }) =>
    step('decision', data.decisionId, { participants: one('signed', data.expertPersonId, { as: 'expert', stance: data.stance }) }),
  'decision.riskAssessed.v1': ({ data }) =>
    step('decision', data.decisionId, { participants: as('assessed', data.assessorPersonIds, { riskLevel: data.riskLevel }) }),
  'decision.legalityReviewed.v1': ({ data }) =>
    step('decision', data.decisionId, { participants: as('reviewed', data.reviewerPersonIds, { conclusion: data.conclusion }) }),
  'decision.legalRiskStated.v1': ({ data }) => step('decision', data.decisionId, { participants: one('stated-legal-risk', data.statedBy) }),
  'decision.collectiveDiscussionConvened.v1': ({ data }) =>
    step('decision', data.decisionId, {
      participants: [
        ...one('presided', data.headPersonId, { of: 'meeting', meetingId: data.meetingId }),
        ...data.attendance
          .filter((member) => member.personId !== data.headPersonId)
          .map((member): Participant => ({
            personId: member.personId,
            role: member.present ? 'attended' : 'absent',
            detail: { meetingId: data.meetingId },
          })),
      ],
    }),
  'decision.memberOpinionGiven.v1': ({ data }) =>
    step('decision', data.decisionId, { participants: one('voted', data.memberPersonId, { opinion: data.opinion, meetingId: data.meetingId }) }),
  'decision.made.v1': ({ data }) =>
    step('decision', data.decisionId, {
      label: data.title,
      participants: one('decided', data.headPersonId, {
        outcome: data.outcome,
        majorityOpinion: data.majorityOpinion,
        differsFromMajority: data.differsFromMajority,
      }),
      subjectUnits: [...units('lead', [data.leadUnitId]), ...units('cooperating', data.cooperatingUnitIds)],
      outcome: {
        kind: 'decided',
        detail: { outcome: data.outcome, majorityOpinion: data.majorityOpinion, differsFromMajority: data.differsFromMajority, heldOn: data.meeting.heldOn },
      },
    }),
  'decision.published.v1': ({ data }) => step('decision', data.decisionId),
  'decision.implementationReported.v1': ({ data }) =>
    step('decision', data.decisionId, {
      participants: one('reported', data.responsiblePersonId, { unitId: data.reportingUnitId }),
      subjectUnits: units('implementing', [data.reportingUnitId]),
    }),
  'decision.evaluated.v1': ({ data }) =>
    step('decision', data.decisionId, {
      participants: as('evaluated', data.evaluatorPersonIds, { recommendation: data.recommendation }),
      causes: data.inResponseTo,
      outcome: {
        kind: 'evaluated',
        detail: { recommendation: data.recommendation, trigger: data.trigger, conclusion: data.conclusion, completedOn: data.completedOn },
      },
    }),
  'decision.suspended.v1': ({ data }) =>
    step('decision', data.decisionId, {
      participants: one('suspended', data.decidedBy),
      causes: data.inResponseTo,
      outcome: { kind: 'suspended', detail: { on: data.suspendedOn, reasons: data.reasons } },
    }),
  'decision.resumed.v1': ({ data }) =>
    step('decision', data.decisionId, {
      participants: one('resumed', data.decidedBy),
      causes: data.inResponseTo,
      outcome: { kind: 'resumed', detail: { on: data.resumedOn, reasons: data.reasons } },
    }),
  'decision.revoked.v1': ({ data }) =>
    step('decision', data.decisionId, {
      participants: one('revoked', data.decidedBy),
      causes: data.inResponseTo,
      outcome: { kind: 'revoked', detail: { on: data.revokedOn, reasons: data.reasons } },
    }),

  // ── Normative documents (规范性文件) ──────────────────────────────────────────────────────────────────────────
  'document.drafted.v1': (event) =>
    step('document', event.data.documentId, {
      label: event.data.title,
      participants: one('drafted', event.actor.personId),
      subjectUnits: [...units('drafting', [event.data.draftingUnitId]), ...units('issuing', [event.data.issuingUnitId])],
    }),
  'document.draftRevised.v1': (event) =>
    step('document', event.data.documentId, { label: event.data.title, participants: one('drafted', event.actor.personId, { revision: true }) }),
  'document.commentSolicited.v1': ({ data }) => step('document', data.documentId, { stepUnits: data.consultedUnitIds }),
  'document.commentClosed.v1': ({ data }) => step('document', data.documentId),
  'document.legalityReviewed.v1': ({ data }) => step('document', data.documentId, { participants: one('reviewed', data.reviewerId, { outcome: data.outcome }) }),
  'document.collectivelyDiscussed.v1': ({ data }) =>
    step('document', data.documentId, { participants: one('presided', data.presidedBy, { of: 'meeting', outcome: data.outcome }) }),
  'document.numberAssigned.v1': ({ data }) => step('document', data.documentId, { subjectUnits: units('issuing', [data.issuingUnitId]) }),
  'document.registered.v1': ({ data }) => step('document', data.documentId, { subjectUnits: units('issuing', [data.issuingUnitId]) }),
  'document.validityJustified.v1': ({ data }) => step('document', data.documentId),
  'document.issued.v1': ({ data }) =>
    step('document', data.documentId, {
      label: `${data.number.formatted} ${data.title}`,
      participants: one('signed', data.signedBy, { as: 'issuer' }),
      subjectUnits: units('issuing', [data.issuingUnitId]),
    }),
  'document.filed.v1': ({ data }) => step('document', data.documentId, { stepUnits: data.filedWithUnitId === null ? [] : [data.filedWithUnitId] }),
  'document.evaluated.v1': ({ data }) =>
    step('document', data.documentId, {
      participants: as('evaluated', data.evaluatorIds, { recommendation: data.recommendation }),
      outcome: { kind: 'evaluated', detail: { recommendation: data.recommendation, conclusion: data.findings, completedOn: data.evaluatedOn } },
    }),
  'document.cleanUpDecided.v1': ({ data }) =>
    step('document', data.documentId, { outcome: { kind: 'clean-up-decided', detail: { decision: data.decision, on: data.decidedOn } } }),
  'document.abolished.v1': ({ data }) =>
    step('document', data.documentId, {
      outcome: { kind: 'abolished', detail: { on: data.abolishedOn, reasons: data.reason, replacedByDocumentId: data.replacedByDocumentId } },
    }),
  'document.expired.v1': ({ data }) => step('document', data.documentId, { outcome: { kind: 'expired', detail: { validUntil: data.validUntil } } }),

  // ── Enforcement cases (行政执法) and transfers (行刑衔接) ───────────────────────────────────────────────────────
  'case.opened.v1': ({ data }) => step('case', data.caseId, { subjectUnits: units('handling', [data.unitId]) }),
  'case.officersAssigned.v1': ({ data }) =>
    step('case', data.caseId, {
      participants: data.officers.map((officer): Participant => ({
        personId: officer.personId,
        role: 'assigned-officer',
        detail: { certificateId: officer.certificateId },
      })),
    }),
  'case.evidenceRecorded.v1': ({ data }) =>
    step('case', data.caseId, { participants: one('collected-evidence', data.collectedBy, { evidenceId: data.evidenceId, kind: data.kind }) }),
  'case.rightsNotified.v1': ({ data }) => step('case', data.caseId),
  'case.hearingRequested.v1': ({ data }) => step('case', data.caseId),
  'case.hearingHeld.v1': ({ data }) => step('case', data.caseId, { participants: one('presided', data.presidedBy, { of: 'hearing' }) }),
  'case.legalReviewed.v1': ({ data }) => step('case', data.caseId, { participants: one('reviewed', data.reviewedBy, { outcome: data.outcome }) }),
  'case.decided.v1': ({ data }) =>
    step('case', data.caseId, {
      participants: one('decided', data.decidedBy, { outcome: data.outcome }),
      outcome: { kind: 'decided', detail: { outcome: data.outcome, on: data.decidedOn } },
    }),
  'case.published.v1': ({ data }) => step('case', data.caseId),
  'case.decisionChanged.v1': ({ data }) =>
    step('case', data.caseId, { outcome: { kind: 'decision-changed', detail: { change: data.change, by: data.by, on: data.changedOn } } }),
  'case.publicationWithdrawn.v1': ({ data }) => step('case', data.caseId),
  'case.executed.v1': ({ data }) => step('case', data.caseId),
  'case.crimeSuspected.v1': ({ data }) => step('case', data.caseId),
  'case.closed.v1': ({ data }) =>
    step('case', data.caseId, {
      outcome: {
        kind: 'closed',
        detail: {
          disposition: data.disposition,
          suspectedCrime: data.suspectedCrime,
          penaltyImposed: data.penaltyImposed,
          transferOutcome: data.transferOutcome,
          on: data.closedOn,
        },
      },
    }),
  // A report is the agency's internal step: the authority it names sees the transfer only once it is sent.
  'case.transferReported.v1': ({ data }) =>
    step('case', data.caseId, {
      participants: as('reported', data.reportingOfficerIds, { transferId: data.transferId }),
    }),
  'case.transferApproved.v1': ({ data }) => step('case', data.caseId, { participants: one('approved', data.approvedBy, { transferId: data.transferId }) }),
  'case.transferRefused.v1': ({ data }) =>
    step('case', data.caseId, {
      participants: one('refused', data.refusedBy, { transferId: data.transferId }),
      outcome: { kind: 'transfer-refused', detail: { transferId: data.transferId, reasons: data.reasons } },
    }),
  'case.transferred.v1': ({ data }) =>
    step('case', data.caseId, {
      participants: [
        ...one('approved', data.approvedBy, { transferId: data.transferId }),
        ...as('reported', data.reportingOfficerIds, { transferId: data.transferId }),
      ],
      subjectUnits: [...units('handling', [data.fromUnitId]), ...units('receiving', [data.receivingAuthority.unitId])],
      stepUnits: [data.receivingAuthority.unitId],
    }),
  'case.transferReceived.v1': ({ data }) =>
    step('case', data.caseId, { participants: one('received', data.receivedBy, { transferId: data.transferId }), stepUnits: [data.unitId] }),
  'case.transferForwarded.v1': ({ data }) =>
    step('case', data.caseId, {
      participants: one('forwarded', data.forwardedBy, { transferId: data.transferId, to: data.to.unitId }),
      subjectUnits: units('receiving', [data.to.unitId]),
      stepUnits: [data.fromUnitId],
    }),
  'case.transferAccepted.v1': ({ data }) =>
    step('case', data.caseId, {
      participants: one('accepted', data.acceptedBy, { transferId: data.transferId }),
      stepUnits: [data.unitId],
      outcome: { kind: 'transfer-accepted', detail: { transferId: data.transferId, unitId: data.unitId } },
    }),
  'case.transferReturned.v1': ({ data }) =>
    step('case', data.caseId, {
      participants: one('returned', data.returnedBy, { transferId: data.transferId }),
      stepUnits: [data.unitId],
      outcome: { kind: 'transfer-returned', detail: { transferId: data.transferId, unitId: data.unitId, reasons: data.reasons } },
    }),
  'case.reconsiderationRequested.v1': ({ data }) => step('case', data.caseId),
  'case.reconsiderationAnswered.v1': ({ data }) =>
    step('case', data.caseId, {
      participants: one('answered', data.answeredBy, { transferId: data.transferId, outcome: data.outcome }),
      stepUnits: [data.unitId],
      outcome: { kind: 'reconsideration-answered', detail: { transferId: data.transferId, outcome: data.outcome } },
    }),
  'case.supervisionRequested.v1': ({ data }) => step('case', data.caseId, { subjectUnits: units('supervising', [data.procuratorateUnitId]) }),
  'case.seizedItemsHandedOver.v1': ({ data }) =>
    step('case', data.caseId, {
      participants: one('received', data.receivedBy, { transferId: data.transferId, of: 'seized-items' }),
      stepUnits: [data.unitId],
    }),

  // ── Random inspections (双随机一公开) ─────────────────────────────────────────────────────────────────────────
  'inspection.planned.v1': ({ data }) =>
    step('inspection', data.inspectionId, { label: data.matter.title, subjectUnits: units('inspecting', [data.inspectingUnitId]) }),
  'inspection.cancelled.v1': ({ data }) => step('inspection', data.inspectionId, { outcome: { kind: 'cancelled', detail: {} } }),
  'inspection.drawn.v1': ({ data }) =>
    step('inspection', data.inspectionId, {
      participants: [
        ...as('witnessed', data.witnessPersonIds),
        ...data.selection.flatMap((drawn) => as('assigned-officer', drawn.inspectorIds, { targetId: drawn.targetId })),
      ],
    }),
  'inspection.resultsRecorded.v1': ({ data }) =>
    step('inspection', data.inspectionId, { participants: as('inspected', data.inspectorIds, { targetId: data.targetId, outcome: data.outcome }) }),
  'inspection.resultsPublished.v1': ({ data }) => step('inspection', data.inspectionId),

  // ── Findings (问责): a step of the subject they are about, so its chain, dossiers and traces show them ──────────
  'finding.recorded.v1': ({ data }) =>
    step(data.subject.kind, data.subject.id, {
      participants: data.heldResponsible.map((held): Participant => ({
        personId: held.personId,
        role: 'held-responsible',
        // A detail holds scalars: the measures are joined, in the order decided.
        detail: { findingId: data.findingId, unitId: held.unitId, responsibility: held.responsibility, measures: held.measures.join('+'), decidedOn: data.decidedOn },
      })),
      stepUnits: data.heldResponsible.flatMap((held) => (held.unitId === null ? [] : [held.unitId])),
      causes: data.inResponseTo,
      outcome: {
        kind: 'finding',
        detail: {
          findingId: data.findingId,
          decidedOn: data.decidedOn,
          measures: [...new Set(data.heldResponsible.flatMap((held) => held.measures))],
          heldResponsible: data.heldResponsible.map((held) => ({ personId: held.personId, unitId: held.unitId, responsibility: held.responsibility, measures: held.measures })),
          basis: data.basis,
          conclusion: data.conclusion,
        },
      },
    }),
  'finding.withdrawn.v1': ({ data }) =>
    step(data.subject.kind, data.subject.id, {
      outcome: { kind: 'finding-withdrawn', detail: { findingId: data.findingId, ground: data.ground, withdrawnOn: data.withdrawnOn, reasons: data.reasons } },
    }),

  // ── The access audit (访问留痕): a read is no step of a subject; the access read model keeps them ──────────────
  'access.queried.v1': null,
};

/** The step an event is, or null for an event that is no step of a subject. */
export function describeStep(event: LedgerEvent): StepDescription | null {
  // The table is keyed by type, so the entry found takes exactly this event; TypeScript cannot correlate the two.
  const describer = describers[event.type] as ((event: LedgerEvent) => StepDescription) | null;
  return describer === null ? null : describer(event);
}

/** Ids, dates, instants, enum values: the strings kept as facts. Anything else is free text. */
const IDENTIFIER_LIKE = /^[A-Za-z0-9][A-Za-z0-9._:+-]{0,127}$/;

/**
 * The facts of a step for timelines and for the checks of a trace: every scalar of the event's data, nested objects
 * flattened with dotted keys (`meeting.heldOn`), arrays left out (their persons and units are the participants and
 * units). Free text is replaced by `true` ("given"), so no citizen's name or statement reaches a read model that
 * analysts read; the party of a case (当事人) is left out whole.
 */
export function factsOf(data: unknown): Record<string, string | number | boolean | null> {
  const facts: Record<string, string | number | boolean | null> = {};
  const walk = (value: Readonly<Record<string, unknown>>, prefix: string): void => {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'party') continue;
      const path = `${prefix}${key}`;
      if (item === null || typeof item === 'number' || typeof item === 'boolean') facts[path] = item;
      else if (typeof item === 'string') facts[path] = IDENTIFIER_LIKE.test(item) ? item : true;
      else if (typeof item === 'object' && !Array.isArray(item)) walk(item as Readonly<Record<string, unknown>>, `${path}.`);
    }
  };
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) walk(data as Readonly<Record<string, unknown>>, '');
  return facts;
}
