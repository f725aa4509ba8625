import type {
  CaseEvidenceRecordedV1,
  CaseLegalBasisEntry,
  CaseOfficer,
  CaseParty,
  CasePenalty,
  CaseReceivingAuthority,
  caseEvents,
} from '@quanze/events';
import { NotPermitted, StepOutOfOrder, SubjectNotFound, chinaDateOf } from '@quanze/service-kit';
import type { Decider, DecisionContext, DomainEventOf } from '@quanze/service-kit';
import type {
  AcceptTransferBody,
  AnswerReconsiderationBody,
  AssignOfficersBody,
  CloseCaseBody,
  DecideCaseBody,
  ForwardTransferBody,
  MarkSuspectedCrimeBody,
  NotifyRightsBody,
  OpenCaseBody,
  PublishCaseBody,
  RecordDecisionChangeBody,
  RecordEvidenceBody,
  RecordExecutionBody,
  RecordHearingBody,
  RecordHearingRequestBody,
  RecordLegalReviewBody,
  RecordReceiptBody,
  RecordSeizedItemsHandoverBody,
  RefuseTransferBody,
  ReportTransferBody,
  RequestReconsiderationBody,
  RequestSupervisionBody,
  ReturnTransferBody,
  SendTransferBody,
  WithdrawPublicationBody,
} from './case-bodies.js';
import {
  AuthorityKindMismatch,
  AuthorityNotFound,
  CollectiveDiscussionRequired,
  HearingPresiderNotIndependent,
  HearingRequired,
  LegalReviewRequired,
  OfficerNotAssigned,
  OfficerNotCertified,
  PENALTY_LAW,
  PersonNotRegistered,
  ReturnReasonsRequired,
  RightsNoticeRequired,
  TRANSFER_REGULATION,
  TooFewOfficers,
  TransferMaterialsMissing,
  TransferRefusalReasonsRequired,
} from './case-errors.js';
import type { CertificateProblem } from './case-errors.js';

export type CaseEvent = DomainEventOf<(typeof caseEvents)[number]>;
export type JudicialKind = CaseReceivingAuthority['kind'];

// ── Facts from other streams, read by the handlers and passed in: the decider does no I/O ─────────────────────

/** One enforcement certificate (行政执法证) of a person, from their `person-<id>` stream. */
export interface CertificateFact {
  readonly certificateId: string;
  readonly scope: string | null;
  readonly issuingUnitId: string | null;
  readonly validFrom: string;
  readonly validUntil: string | null;
  /** The first day it was no longer valid, when revoked. */
  readonly revokedOn: string | null;
}

/** A registered person's certificates; a person without a stream is absent from the facts. */
export interface PersonFacts {
  readonly personId: string;
  readonly certificates: readonly CertificateFact[];
}

/** A unit as its `unit-<id>` stream describes it. */
export interface UnitFacts {
  readonly unitId: string;
  readonly kind: string;
  /** The day it was merged or dissolved, when it was. */
  readonly endedOn: string | null;
}

// ── Commands: the request body, the subject's ids from the path, and the facts the handler gathered ──────────

interface OnCase {
  readonly caseId: string;
}
interface OnTransfer extends OnCase {
  readonly transferId: string;
}
/** The judicial roles (法院、检察院、公安) the caller holds: they act only on transfers to their own unit. */
interface AsJudicial {
  readonly actingAs: readonly JudicialKind[];
}

export type CaseCommand =
  | ({ readonly type: 'OpenCase' } & OnCase & OpenCaseBody)
  | ({ readonly type: 'AssignOfficers'; readonly persons: Readonly<Record<string, PersonFacts>> } & OnCase & AssignOfficersBody)
  | ({ readonly type: 'RecordEvidence'; readonly evidenceId: string; readonly persons: Readonly<Record<string, PersonFacts>> } & OnCase &
      RecordEvidenceBody)
  | ({ readonly type: 'NotifyRights' } & OnCase & NotifyRightsBody)
  | ({ readonly type: 'RecordHearingRequest' } & OnCase & RecordHearingRequestBody)
  | ({ readonly type: 'RecordHearing' } & OnCase & RecordHearingBody)
  | ({ readonly type: 'RecordLegalReview' } & OnCase & RecordLegalReviewBody)
  | ({ readonly type: 'DecideCase'; readonly persons: Readonly<Record<string, PersonFacts>> } & OnCase & DecideCaseBody)
  | ({ readonly type: 'PublishCase' } & OnCase & PublishCaseBody)
  | ({ readonly type: 'RecordDecisionChange' } & OnCase & RecordDecisionChangeBody)
  | ({ readonly type: 'WithdrawPublication' } & OnCase & WithdrawPublicationBody)
  | ({ readonly type: 'RecordExecution' } & OnCase & RecordExecutionBody)
  | ({ readonly type: 'MarkSuspectedCrime' } & OnCase & MarkSuspectedCrimeBody)
  | ({ readonly type: 'CloseCase' } & OnCase & CloseCaseBody)
  | ({
      readonly type: 'ReportTransfer';
      readonly receivingUnit: UnitFacts | null;
      readonly persons: Readonly<Record<string, PersonFacts>>;
    } & OnTransfer &
      ReportTransferBody)
  | ({ readonly type: 'ApproveTransfer' } & OnTransfer)
  | ({ readonly type: 'RefuseTransfer' } & OnTransfer & RefuseTransferBody)
  | ({ readonly type: 'SendTransfer' } & OnTransfer & SendTransferBody)
  | ({ readonly type: 'RecordReceipt' } & OnTransfer & AsJudicial & RecordReceiptBody)
  | ({ readonly type: 'ForwardTransfer'; readonly targetUnit: UnitFacts | null } & OnTransfer & AsJudicial & ForwardTransferBody)
  | ({ readonly type: 'AcceptTransfer' } & OnTransfer & AsJudicial & AcceptTransferBody)
  | ({ readonly type: 'ReturnTransfer' } & OnTransfer & AsJudicial & ReturnTransferBody)
  | ({ readonly type: 'RequestReconsideration' } & OnTransfer & RequestReconsiderationBody)
  | ({ readonly type: 'AnswerReconsideration' } & OnTransfer & AsJudicial & AnswerReconsiderationBody)
  | ({ readonly type: 'RequestSupervision'; readonly procuratorate: UnitFacts | null } & OnTransfer & RequestSupervisionBody)
  | ({ readonly type: 'RecordSeizedItemsHandover' } & OnTransfer & AsJudicial & RecordSeizedItemsHandoverBody);

// ── State ─────────────────────────────────────────────────────────────────────────────────────────────────────

export type TransferStage =
  | 'reported' // 移送报告, awaiting the head (3 days)
  | 'refused' // 负责人不批准
  | 'approved' // 批准, to be sent within 24 hours
  | 'transferred' // 已移送, awaiting the receipt
  | 'received' // 已接受, the authority decides within 3 days
  | 'accepted' // 立案
  | 'returned' // 不予立案, 退回
  | 'reconsideration-requested' // 提请复议
  | 'refusal-upheld' // 复议维持不予立案
  | 'supervision-requested'; // 建议检察院立案监督

export interface TransferState {
  readonly transferId: string;
  readonly stage: TransferStage;
  /** Where it is now: a forward (转送) moves it to another authority. */
  readonly receivingAuthority: CaseReceivingAuthority;
  /** Every authority it was ever sent or forwarded to: each keeps seeing the case. */
  readonly receivers: readonly CaseReceivingAuthority[];
  readonly suspectedOffence: string;
  readonly reportingOfficerIds: readonly string[];
  readonly reportedAt: string;
  readonly approvedBy: string | null;
  readonly approvedAt: string | null;
  readonly refusalReasons: string | null;
  /** Sent to the authority (case.transferred.v1); its moment is the event's `occurredAt`. */
  readonly transferred: boolean;
  readonly materials: readonly { readonly kind: string; readonly title: string; readonly sha256: string }[];
  readonly receivedAt: string | null;
  readonly acceptedAt: string | null;
  readonly returnedAt: string | null;
  readonly returnReasons: string | null;
  readonly supervisingProcuratorateId: string | null;
  readonly seizedItemsHandedOver: boolean;
}

export interface CaseFile {
  readonly status: 'open' | 'closed';
  readonly caseId: string;
  readonly unitId: string;
  readonly title: string;
  readonly enforcementKind: 'penalty' | 'compulsory-measure' | 'other';
  readonly major: boolean;
  readonly party: CaseParty;
  readonly legalBasis: readonly CaseLegalBasisEntry[];
  readonly openedOn: string;
  readonly officers: readonly CaseOfficer[];
  readonly evidence: readonly Omit<CaseEvidenceRecordedV1, 'caseId'>[];
  readonly rightsNotice: { readonly notifiedOn: string; readonly hearingOffered: boolean } | null;
  readonly hearing: 'not-requested' | 'requested' | 'held';
  readonly legalReview: { readonly outcome: 'passed' | 'failed'; readonly reviewedBy: string; readonly reviewedOn: string } | null;
  readonly decision: {
    readonly outcome: 'penalty' | 'no-penalty';
    readonly penalties: readonly CasePenalty[];
    readonly legalBasis: readonly CaseLegalBasisEntry[];
    readonly decisionNumber: string;
    readonly decidedBy: string;
    readonly decidedOn: string;
  } | null;
  readonly decisionChange: { readonly change: 'changed' | 'revoked' | 'annulled'; readonly changedOn: string } | null;
  readonly publication: {
    readonly status: 'published' | 'withdrawn';
    readonly publishedOn: string;
    readonly channel: string;
    readonly reference: string;
    readonly summary: string;
    readonly withdrawnOn: string | null;
  } | null;
  readonly execution: { readonly manner: string; readonly paidFen: number | null; readonly executedOn: string } | null;
  /** 涉嫌犯罪: marked, or implied by a transfer report. */
  readonly suspectedCrime: boolean;
  readonly transfers: readonly TransferState[];
  readonly closing: { readonly disposition: string; readonly closedOn: string } | null;
}

export type CaseState = { readonly status: 'none' } | CaseFile;

// ── Rules as configuration (RULES.md: deadlines are configuration with these defaults) ───────────────────────

/** 310号 第6条: the kinds every transfer carries; an appraisal report too when the case recorded appraisals. */
export const REQUIRED_TRANSFER_MATERIALS = ['transfer-letter', 'investigation-report', 'seized-items-inventory'] as const;

/** 国办发〔2018〕118号: penalty decisions are published within 7 working days, other enforcement decisions 20. */
export function publicationDeadlineWorkingDays(kind: CaseFile['enforcementKind']): number {
  return kind === 'penalty' ? 7 : 20;
}

// ── Guards ────────────────────────────────────────────────────────────────────────────────────────────────────

function stageOf(file: CaseFile): string {
  if (file.closing !== null) return 'closed';
  if (file.execution !== null) return 'executed';
  if (file.decision !== null) return 'decided';
  if (file.rightsNotice !== null) return 'notified';
  if (file.officers.length > 0) return 'investigating';
  return 'opened';
}

function outOfOrder(file: CaseFile, step: string): StepOutOfOrder {
  return new StepOutOfOrder(`case ${file.caseId}`, step, stageOf(file));
}

/** Case commands are for the users of the unit that handles the case. */
function requireCaseUnit(file: CaseFile, context: DecisionContext): void {
  if (context.actor.unitId !== file.unitId) {
    throw new NotPermitted(`case ${file.caseId} is handled by another unit`);
  }
}

function requireOpen(file: CaseFile, step: string): void {
  if (file.status === 'closed') throw outOfOrder(file, step);
}

function transferOf(file: CaseFile, transferId: string): TransferState {
  const transfer = file.transfers.find((candidate) => candidate.transferId === transferId);
  if (transfer === undefined) throw new SubjectNotFound(`transfer ${transferId} of case ${file.caseId}`);
  return transfer;
}

function requireTransferStage(transfer: TransferState, step: string, ...stages: readonly TransferStage[]): void {
  if (!stages.includes(transfer.stage)) throw new StepOutOfOrder(`transfer ${transfer.transferId}`, step, transfer.stage);
}

/**
 * Whether a judicial caller may read the case, as `GET /cases/:caseId` decides it (`maySeeCase` in case-queries.ts):
 * every authority the case was sent or forwarded to, by unit and role; the procuratorate once any transfer was sent;
 * and users of the handling unit itself.
 */
function judicialCallerSeesCase(file: CaseFile, context: DecisionContext, actingAs: readonly JudicialKind[]): boolean {
  const unitId = context.actor.unitId;
  if (unitId === null) return false;
  if (unitId === file.unitId) return true;
  if (actingAs.includes('procuratorate') && file.transfers.some((transfer) => transfer.transferred)) return true;
  return file.transfers.some((transfer) => transfer.receivers.some((receiver) => receiver.unitId === unitId && actingAs.includes(receiver.kind)));
}

/**
 * Judicial steps are recorded by the receiving authority itself: a user of that very unit holding the role of its
 * kind. A caller who may not read the case gets the 404 of a case that does not exist, with the same subject, so
 * that a real transfer cannot be told from a made-up id; a caller who may read it (an authority it passed through,
 * the procuratorate) is refused with 403.
 */
function receivedTransfer(file: CaseFile, transferId: string, context: DecisionContext, actingAs: readonly JudicialKind[]): TransferState {
  if (!judicialCallerSeesCase(file, context, actingAs)) throw new SubjectNotFound(`case ${file.caseId}`);
  const transfer = transferOf(file, transferId);
  const receiver = transfer.receivingAuthority;
  if (context.actor.unitId !== receiver.unitId || !actingAs.includes(receiver.kind)) {
    throw new NotPermitted(`transfer ${transfer.transferId} is not with your authority`);
  }
  return transfer;
}

/** Why a certificate is not valid on `day` (from `validFrom` to `validUntil`, not revoked on or before), or null. */
function certificateProblem(certificate: CertificateFact | undefined, day: string): CertificateProblem | null {
  if (certificate === undefined) return 'no-such-certificate';
  if (certificate.validFrom > day) return 'not-yet-valid';
  if (certificate.validUntil !== null && certificate.validUntil < day) return 'expired';
  if (certificate.revokedOn !== null && certificate.revokedOn <= day) return 'revoked';
  return null;
}

/**
 * 持证上岗 on the day of every step an officer takes, not only on the day the team was assigned: the certificate
 * the team recorded for them is still valid today, by their `person-<id>` stream as the handler read it just now.
 * `field` is the command's field naming the officer, null when the step checks the team (the decision).
 */
function requireStillCertified(
  officer: CaseOfficer,
  persons: Readonly<Record<string, PersonFacts>>,
  today: string,
  field: readonly (string | number)[] | null,
): void {
  const person = persons[officer.personId];
  // Facts are gathered for the officers the handler saw; a team reassigned in between reads as missing facts.
  if (person === undefined) throw new PersonNotRegistered(officer.personId, field);
  const certificate = person.certificates.find((candidate) => candidate.certificateId === officer.certificateId);
  const problem = certificateProblem(certificate, today);
  if (problem !== null) throw new OfficerNotCertified(officer.personId, officer.certificateId, problem, today, field);
}

/** The authority named exists today and is of the kind named; `fields` are the command's unit and kind fields. */
function requireAuthority(
  facts: UnitFacts | null,
  unitId: string,
  kind: JudicialKind,
  today: string,
  fields: { readonly unit: readonly string[]; readonly kind: readonly string[] },
): void {
  if (facts === null) throw new AuthorityNotFound(unitId, fields.unit);
  if (facts.endedOn !== null && facts.endedOn <= today) {
    throw new AuthorityNotFound(unitId, fields.unit, `was merged or dissolved on ${facts.endedOn}`);
  }
  if (facts.kind !== kind) throw new AuthorityKindMismatch(unitId, kind, facts.kind, fields.kind);
}

function hasReasons(reasons: string | null): reasons is string {
  return reasons !== null && reasons.trim() !== '';
}

function penaltyStands(file: CaseFile): boolean {
  const change = file.decisionChange?.change;
  return file.decision?.outcome === 'penalty' && change !== 'revoked' && change !== 'annulled';
}

/** Where the case's transfers stand, for the closing record that lets read models flag 以罚代刑. */
function transferOutcome(file: CaseFile): 'none' | 'refused-by-head' | 'pending' | 'accepted' | 'returned' {
  const latest = file.transfers.at(-1);
  if (latest === undefined) return 'none';
  switch (latest.stage) {
    case 'refused':
      return 'refused-by-head';
    case 'reported':
    case 'approved':
    case 'transferred':
    case 'received':
    case 'reconsideration-requested':
      return 'pending';
    case 'accepted':
      return 'accepted';
    case 'returned':
    case 'refusal-upheld':
    case 'supervision-requested':
      return 'returned';
  }
}

// ── decide ────────────────────────────────────────────────────────────────────────────────────────────────────

function decide(command: CaseCommand, state: CaseState, context: DecisionContext): readonly CaseEvent[] {
  const today = chinaDateOf(context.now);
  if (command.type === 'OpenCase') {
    if (state.status !== 'none') throw outOfOrder(state, 'open');
    if (context.actor.unitId === null) throw new NotPermitted('a case is opened by a user of the unit that handles it');
    return [
      {
        type: 'case.opened.v1',
        data: {
          caseId: command.caseId,
          unitId: context.actor.unitId,
          title: command.title,
          enforcementKind: command.enforcementKind,
          major: command.major,
          party: command.party,
          legalBasis: command.legalBasis,
          openedOn: today,
          records: command.records,
        },
      },
    ];
  }
  if (state.status === 'none') throw new SubjectNotFound(`case ${command.caseId}`);
  const file = state;
  const caseId = file.caseId;

  switch (command.type) {
    case 'AssignOfficers': {
      requireCaseUnit(file, context);
      requireOpen(file, 'assign officers');
      const distinct = new Set(command.officers.map((officer) => officer.personId));
      if (distinct.size < 2) throw new TooFewOfficers(['officers'], `${PENALTY_LAW} 第42条`);
      const officers = command.officers.map((officer, index): CaseOfficer => {
        const person = command.persons[officer.personId];
        if (person === undefined) throw new PersonNotRegistered(officer.personId, ['officers', index, 'personId']);
        const certificate = person.certificates.find((candidate) => candidate.certificateId === officer.certificateId);
        const problem = certificateProblem(certificate, today);
        if (problem !== null || certificate === undefined) {
          throw new OfficerNotCertified(officer.personId, officer.certificateId, problem ?? 'no-such-certificate', today, [
            'officers',
            index,
            'certificateId',
          ]);
        }
        return {
          personId: officer.personId,
          certificateId: officer.certificateId,
          certificateValidUntil: certificate.validUntil,
          issuingUnitId: certificate.issuingUnitId,
          scope: certificate.scope,
        };
      });
      return [{ type: 'case.officersAssigned.v1', data: { caseId, officers, assignedOn: today } }];
    }

    case 'RecordEvidence': {
      requireCaseUnit(file, context);
      requireOpen(file, 'record evidence');
      if (file.officers.length === 0) throw outOfOrder(file, 'record evidence');
      const collector = file.officers.find((officer) => officer.personId === command.collectedBy);
      if (collector === undefined) throw new OfficerNotAssigned(command.collectedBy, ['collectedBy'], `${PENALTY_LAW} 第42、55条`);
      requireStillCertified(collector, command.persons, today, ['collectedBy']);
      return [
        {
          type: 'case.evidenceRecorded.v1',
          data: {
            caseId,
            evidenceId: command.evidenceId,
            kind: command.kind,
            title: command.title,
            sha256: command.sha256,
            collectedBy: command.collectedBy,
            recordedOn: today,
          },
        },
      ];
    }

    case 'NotifyRights': {
      requireCaseUnit(file, context);
      requireOpen(file, 'notify rights');
      if (file.officers.length === 0 || file.decision !== null) throw outOfOrder(file, 'notify rights');
      return [
        {
          type: 'case.rightsNotified.v1',
          data: {
            caseId,
            intendedPenalty: command.intendedPenalty,
            hearingOffered: command.hearingOffered,
            notifiedOn: today,
            records: command.records,
          },
        },
      ];
    }

    case 'RecordHearingRequest': {
      requireCaseUnit(file, context);
      requireOpen(file, 'record a hearing request');
      if (file.rightsNotice?.hearingOffered !== true || file.hearing !== 'not-requested' || file.decision !== null) {
        throw outOfOrder(file, 'record a hearing request');
      }
      return [{ type: 'case.hearingRequested.v1', data: { caseId, requestedOn: today, records: command.records } }];
    }

    case 'RecordHearing': {
      requireCaseUnit(file, context);
      requireOpen(file, 'record a hearing');
      if (file.hearing !== 'requested') throw outOfOrder(file, 'record a hearing');
      if (file.officers.some((officer) => officer.personId === command.presidedBy)) {
        throw new HearingPresiderNotIndependent(command.presidedBy);
      }
      return [
        { type: 'case.hearingHeld.v1', data: { caseId, presidedBy: command.presidedBy, heldOn: today, records: command.records } },
      ];
    }

    case 'RecordLegalReview': {
      requireCaseUnit(file, context);
      requireOpen(file, 'record a legal review');
      if (file.decision !== null) throw outOfOrder(file, 'record a legal review');
      return [
        {
          type: 'case.legalReviewed.v1',
          data: {
            caseId,
            reviewedBy: context.actor.personId,
            outcome: command.outcome,
            opinion: command.opinion,
            reviewedOn: today,
            records: command.records,
          },
        },
      ];
    }

    case 'DecideCase': {
      requireCaseUnit(file, context);
      requireOpen(file, 'decide');
      if (file.decision !== null || file.officers.length === 0) throw outOfOrder(file, 'decide');
      // The decision rests on the team's investigation: the team is still certified today, or is reassigned first.
      for (const officer of file.officers) requireStillCertified(officer, command.persons, today, null);
      if (command.outcome === 'penalty') {
        if (file.rightsNotice === null) throw new RightsNoticeRequired();
        if (file.hearing === 'requested') throw new HearingRequired();
      }
      if (file.major) {
        if (file.legalReview?.outcome !== 'passed') throw new LegalReviewRequired(file.legalReview === null ? null : 'failed');
        if (command.collectiveDiscussion === null) throw new CollectiveDiscussionRequired();
      }
      return [
        {
          type: 'case.decided.v1',
          data: {
            caseId,
            decidedBy: context.actor.personId,
            outcome: command.outcome,
            penalties: command.penalties,
            legalBasis: command.legalBasis,
            decisionNumber: command.decisionNumber,
            decisionTextSha256: command.decisionTextSha256,
            collectiveDiscussion: command.collectiveDiscussion,
            decidedOn: today,
            records: command.records,
          },
        },
      ];
    }

    case 'PublishCase': {
      requireCaseUnit(file, context);
      const change = file.decisionChange?.change;
      if (file.decision === null || file.publication?.status === 'published' || change === 'revoked' || change === 'annulled') {
        throw outOfOrder(file, 'publish');
      }
      return [
        {
          type: 'case.published.v1',
          data: {
            caseId,
            publishedOn: today,
            deadlineWorkingDays: publicationDeadlineWorkingDays(file.enforcementKind),
            channel: command.channel,
            reference: command.reference,
            summary: command.summary,
          },
        },
      ];
    }

    case 'RecordDecisionChange': {
      requireCaseUnit(file, context);
      const change = file.decisionChange?.change;
      if (file.decision === null || change === 'revoked' || change === 'annulled') throw outOfOrder(file, 'record a decision change');
      return [
        {
          type: 'case.decisionChanged.v1',
          data: {
            caseId,
            change: command.change,
            by: command.by,
            reasons: command.reasons,
            newDecisionTextSha256: command.newDecisionTextSha256,
            changedOn: today,
            wasPublished: file.publication?.status === 'published',
          },
        },
      ];
    }

    case 'WithdrawPublication': {
      requireCaseUnit(file, context);
      if (file.publication?.status !== 'published') throw outOfOrder(file, 'withdraw the publication');
      return [
        {
          type: 'case.publicationWithdrawn.v1',
          data: { caseId, withdrawnOn: today, reference: command.reference, reasons: command.reasons },
        },
      ];
    }

    case 'RecordExecution': {
      requireCaseUnit(file, context);
      requireOpen(file, 'record the execution');
      if (!penaltyStands(file) || file.execution !== null) throw outOfOrder(file, 'record the execution');
      return [
        {
          type: 'case.executed.v1',
          data: { caseId, manner: command.manner, paidFen: command.paidFen, executedOn: today, records: command.records },
        },
      ];
    }

    case 'MarkSuspectedCrime': {
      requireCaseUnit(file, context);
      requireOpen(file, 'mark a suspected crime');
      if (file.suspectedCrime) return [];
      return [{ type: 'case.crimeSuspected.v1', data: { caseId, grounds: command.grounds, suspectedOn: today } }];
    }

    case 'CloseCase': {
      requireCaseUnit(file, context);
      requireOpen(file, 'close');
      // The head decides a reported transfer, and an approved one is sent, before the case can close (310号 第5条).
      if (file.transfers.some((transfer) => transfer.stage === 'reported' || transfer.stage === 'approved')) {
        throw outOfOrder(file, 'close with a transfer awaiting the head or its sending');
      }
      const ready =
        command.disposition === 'executed'
          ? file.execution !== null
          : command.disposition === 'no-penalty'
            ? file.decision?.outcome === 'no-penalty'
            : command.disposition === 'transferred'
              ? file.transfers.some((transfer) => transfer.transferred)
              : true;
      if (!ready) throw outOfOrder(file, `close as ${command.disposition}`);
      return [
        {
          type: 'case.closed.v1',
          data: {
            caseId,
            disposition: command.disposition,
            reasons: command.reasons,
            closedOn: today,
            suspectedCrime: file.suspectedCrime,
            penaltyImposed: penaltyStands(file),
            transferOutcome: transferOutcome(file),
            records: command.records,
          },
        },
      ];
    }

    case 'ReportTransfer': {
      requireCaseUnit(file, context);
      requireOpen(file, 'report a transfer');
      if (file.transfers.some((transfer) => ['reported', 'approved', 'transferred', 'received', 'accepted'].includes(transfer.stage))) {
        throw outOfOrder(file, 'report a transfer while another is under way');
      }
      if (file.transfers.some((transfer) => transfer.transferId === command.transferId)) throw outOfOrder(file, 'report a transfer');
      const article = `${TRANSFER_REGULATION} 第5条`;
      if (new Set(command.reportingOfficerIds).size < 2) throw new TooFewOfficers(['reportingOfficerIds'], article);
      command.reportingOfficerIds.forEach((personId, index) => {
        const officer = file.officers.find((candidate) => candidate.personId === personId);
        if (officer === undefined) throw new OfficerNotAssigned(personId, ['reportingOfficerIds', index], article);
        requireStillCertified(officer, command.persons, today, ['reportingOfficerIds', index]);
      });
      requireAuthority(command.receivingUnit, command.receivingAuthority.unitId, command.receivingAuthority.kind, today, {
        unit: ['receivingAuthority', 'unitId'],
        kind: ['receivingAuthority', 'kind'],
      });
      return [
        {
          type: 'case.transferReported.v1',
          data: {
            caseId,
            transferId: command.transferId,
            receivingAuthority: command.receivingAuthority,
            suspectedOffence: command.suspectedOffence,
            reportingOfficerIds: command.reportingOfficerIds,
            reportedAt: context.now,
            records: command.records,
          },
        },
      ];
    }

    case 'ApproveTransfer': {
      requireCaseUnit(file, context);
      const transfer = transferOf(file, command.transferId);
      requireTransferStage(transfer, 'approve', 'reported');
      return [
        {
          type: 'case.transferApproved.v1',
          data: { caseId, transferId: transfer.transferId, approvedBy: context.actor.personId, approvedAt: context.now },
        },
      ];
    }

    case 'RefuseTransfer': {
      requireCaseUnit(file, context);
      const transfer = transferOf(file, command.transferId);
      requireTransferStage(transfer, 'refuse', 'reported');
      if (!hasReasons(command.reasons)) throw new TransferRefusalReasonsRequired();
      return [
        {
          type: 'case.transferRefused.v1',
          data: {
            caseId,
            transferId: transfer.transferId,
            refusedBy: context.actor.personId,
            reasons: command.reasons.trim(),
            refusedAt: context.now,
          },
        },
      ];
    }

    case 'SendTransfer': {
      requireCaseUnit(file, context);
      const transfer = transferOf(file, command.transferId);
      requireTransferStage(transfer, 'send', 'approved');
      if (transfer.approvedBy === null || transfer.approvedAt === null) {
        throw new StepOutOfOrder(`transfer ${transfer.transferId}`, 'send', transfer.stage);
      }
      const required: string[] = [...REQUIRED_TRANSFER_MATERIALS];
      if (file.evidence.some((item) => item.kind === 'appraisal')) required.push('appraisal-report');
      const missing = required.filter((kind) => !command.materials.some((material) => material.kind === kind));
      if (missing.length > 0) throw new TransferMaterialsMissing(missing);
      return [
        {
          type: 'case.transferred.v1',
          data: {
            caseId,
            transferId: transfer.transferId,
            fromUnitId: file.unitId,
            receivingAuthority: transfer.receivingAuthority,
            suspectedOffence: transfer.suspectedOffence,
            approvedBy: transfer.approvedBy,
            approvedAt: transfer.approvedAt,
            reportingOfficerIds: [...transfer.reportingOfficerIds],
            materials: command.materials,
          },
        },
      ];
    }

    case 'RecordReceipt': {
      const transfer = receivedTransfer(file, command.transferId, context, command.actingAs);
      requireTransferStage(transfer, 'record the receipt', 'transferred');
      return [
        {
          type: 'case.transferReceived.v1',
          data: {
            caseId,
            transferId: transfer.transferId,
            unitId: transfer.receivingAuthority.unitId,
            receivedBy: context.actor.personId,
            receivedAt: context.now,
            receiptNumber: command.receiptNumber,
          },
        },
      ];
    }

    case 'ForwardTransfer': {
      const transfer = receivedTransfer(file, command.transferId, context, command.actingAs);
      requireTransferStage(transfer, 'forward', 'received');
      requireAuthority(command.targetUnit, command.to.unitId, command.to.kind, today, { unit: ['to', 'unitId'], kind: ['to', 'kind'] });
      if (command.to.unitId === transfer.receivingAuthority.unitId) {
        throw new StepOutOfOrder(`transfer ${transfer.transferId}`, 'forward to the unit that holds it', transfer.stage);
      }
      return [
        {
          type: 'case.transferForwarded.v1',
          data: {
            caseId,
            transferId: transfer.transferId,
            fromUnitId: transfer.receivingAuthority.unitId,
            to: command.to,
            forwardedBy: context.actor.personId,
            reasons: command.reasons,
            forwardedAt: context.now,
          },
        },
      ];
    }

    case 'AcceptTransfer': {
      const transfer = receivedTransfer(file, command.transferId, context, command.actingAs);
      requireTransferStage(transfer, 'accept', 'received');
      return [
        {
          type: 'case.transferAccepted.v1',
          data: {
            caseId,
            transferId: transfer.transferId,
            unitId: transfer.receivingAuthority.unitId,
            acceptedBy: context.actor.personId,
            criminalCaseNumber: command.criminalCaseNumber,
            acceptedAt: context.now,
          },
        },
      ];
    }

    case 'ReturnTransfer': {
      const transfer = receivedTransfer(file, command.transferId, context, command.actingAs);
      requireTransferStage(transfer, 'return', 'received');
      if (!hasReasons(command.reasons)) throw new ReturnReasonsRequired('第8条');
      return [
        {
          type: 'case.transferReturned.v1',
          data: {
            caseId,
            transferId: transfer.transferId,
            unitId: transfer.receivingAuthority.unitId,
            returnedBy: context.actor.personId,
            reasons: command.reasons.trim(),
            returnedAt: context.now,
          },
        },
      ];
    }

    case 'RequestReconsideration': {
      requireCaseUnit(file, context);
      const transfer = transferOf(file, command.transferId);
      requireTransferStage(transfer, 'request reconsideration', 'returned');
      return [
        {
          type: 'case.reconsiderationRequested.v1',
          data: { caseId, transferId: transfer.transferId, reasons: command.reasons, requestedAt: context.now, records: command.records },
        },
      ];
    }

    case 'AnswerReconsideration': {
      const transfer = receivedTransfer(file, command.transferId, context, command.actingAs);
      requireTransferStage(transfer, 'answer the reconsideration', 'reconsideration-requested');
      if (command.outcome === 'refusal-upheld' && !hasReasons(command.reasons)) throw new ReturnReasonsRequired('第8、9条');
      return [
        {
          type: 'case.reconsiderationAnswered.v1',
          data: {
            caseId,
            transferId: transfer.transferId,
            unitId: transfer.receivingAuthority.unitId,
            answeredBy: context.actor.personId,
            outcome: command.outcome,
            reasons: hasReasons(command.reasons) ? command.reasons.trim() : null,
            answeredAt: context.now,
          },
        },
      ];
    }

    case 'RequestSupervision': {
      requireCaseUnit(file, context);
      const transfer = transferOf(file, command.transferId);
      requireTransferStage(transfer, 'request supervision', 'refusal-upheld');
      requireAuthority(command.procuratorate, command.procuratorateUnitId, 'procuratorate', today, {
        unit: ['procuratorateUnitId'],
        kind: ['procuratorateUnitId'],
      });
      return [
        {
          type: 'case.supervisionRequested.v1',
          data: {
            caseId,
            transferId: transfer.transferId,
            procuratorateUnitId: command.procuratorateUnitId,
            reasons: command.reasons,
            requestedAt: context.now,
            records: command.records,
          },
        },
      ];
    }

    case 'RecordSeizedItemsHandover': {
      const transfer = receivedTransfer(file, command.transferId, context, command.actingAs);
      if (transfer.seizedItemsHandedOver) throw new StepOutOfOrder(`transfer ${transfer.transferId}`, 'hand over seized items again', transfer.stage);
      requireTransferStage(transfer, 'hand over seized items', 'accepted');
      return [
        {
          type: 'case.seizedItemsHandedOver.v1',
          data: {
            caseId,
            transferId: transfer.transferId,
            unitId: transfer.receivingAuthority.unitId,
            receivedBy: context.actor.personId,
            inventorySha256: command.inventorySha256,
            handedOverOn: today,
          },
        },
      ];
    }
  }
}

// ── evolve ────────────────────────────────────────────────────────────────────────────────────────────────────

function updateTransfer(file: CaseFile, transferId: string, update: (transfer: TransferState) => TransferState): CaseFile {
  return {
    ...file,
    transfers: file.transfers.map((transfer) => (transfer.transferId === transferId ? update(transfer) : transfer)),
  };
}

function withoutCaseId<TData extends { caseId: string }>(data: TData): Omit<TData, 'caseId'> {
  const { caseId: _caseId, ...rest } = data;
  return rest;
}

function evolve(state: CaseState, event: CaseEvent): CaseState {
  if (event.type === 'case.opened.v1') {
    const data = event.data;
    return {
      status: 'open',
      caseId: data.caseId,
      unitId: data.unitId,
      title: data.title,
      enforcementKind: data.enforcementKind,
      major: data.major,
      party: data.party,
      legalBasis: data.legalBasis,
      openedOn: data.openedOn,
      officers: [],
      evidence: [],
      rightsNotice: null,
      hearing: 'not-requested',
      legalReview: null,
      decision: null,
      decisionChange: null,
      publication: null,
      execution: null,
      suspectedCrime: false,
      transfers: [],
      closing: null,
    };
  }
  if (state.status === 'none') return state;
  const file = state;

  switch (event.type) {
    case 'case.officersAssigned.v1':
      return { ...file, officers: event.data.officers };
    case 'case.evidenceRecorded.v1':
      return { ...file, evidence: [...file.evidence, withoutCaseId(event.data)] };
    case 'case.rightsNotified.v1':
      return { ...file, rightsNotice: { notifiedOn: event.data.notifiedOn, hearingOffered: event.data.hearingOffered } };
    case 'case.hearingRequested.v1':
      return { ...file, hearing: 'requested' };
    case 'case.hearingHeld.v1':
      return { ...file, hearing: 'held' };
    case 'case.legalReviewed.v1':
      return {
        ...file,
        legalReview: { outcome: event.data.outcome, reviewedBy: event.data.reviewedBy, reviewedOn: event.data.reviewedOn },
      };
    case 'case.decided.v1':
      return {
        ...file,
        decision: {
          outcome: event.data.outcome,
          penalties: event.data.penalties,
          legalBasis: event.data.legalBasis,
          decisionNumber: event.data.decisionNumber,
          decidedBy: event.data.decidedBy,
          decidedOn: event.data.decidedOn,
        },
      };
    case 'case.published.v1':
      return {
        ...file,
        publication: {
          status: 'published',
          publishedOn: event.data.publishedOn,
          channel: event.data.channel,
          reference: event.data.reference,
          summary: event.data.summary,
          withdrawnOn: null,
        },
      };
    case 'case.decisionChanged.v1':
      return { ...file, decisionChange: { change: event.data.change, changedOn: event.data.changedOn } };
    case 'case.publicationWithdrawn.v1':
      return file.publication === null
        ? file
        : { ...file, publication: { ...file.publication, status: 'withdrawn', withdrawnOn: event.data.withdrawnOn } };
    case 'case.executed.v1':
      return {
        ...file,
        execution: { manner: event.data.manner, paidFen: event.data.paidFen, executedOn: event.data.executedOn },
      };
    case 'case.crimeSuspected.v1':
      return { ...file, suspectedCrime: true };
    case 'case.closed.v1':
      return { ...file, status: 'closed', closing: { disposition: event.data.disposition, closedOn: event.data.closedOn } };
    case 'case.transferReported.v1':
      return {
        ...file,
        suspectedCrime: true,
        transfers: [
          ...file.transfers,
          {
            transferId: event.data.transferId,
            stage: 'reported',
            receivingAuthority: event.data.receivingAuthority,
            receivers: [],
            suspectedOffence: event.data.suspectedOffence,
            reportingOfficerIds: event.data.reportingOfficerIds,
            reportedAt: event.data.reportedAt,
            approvedBy: null,
            approvedAt: null,
            refusalReasons: null,
            transferred: false,
            materials: [],
            receivedAt: null,
            acceptedAt: null,
            returnedAt: null,
            returnReasons: null,
            supervisingProcuratorateId: null,
            seizedItemsHandedOver: false,
          },
        ],
      };
    case 'case.transferApproved.v1':
      return updateTransfer(file, event.data.transferId, (transfer) => ({
        ...transfer,
        stage: 'approved',
        approvedBy: event.data.approvedBy,
        approvedAt: event.data.approvedAt,
      }));
    case 'case.transferRefused.v1':
      return updateTransfer(file, event.data.transferId, (transfer) => ({
        ...transfer,
        stage: 'refused',
        refusalReasons: event.data.reasons,
      }));
    case 'case.transferred.v1':
      return updateTransfer(file, event.data.transferId, (transfer) => ({
        ...transfer,
        stage: 'transferred',
        receivingAuthority: event.data.receivingAuthority,
        receivers: [...transfer.receivers, event.data.receivingAuthority],
        materials: event.data.materials,
        transferred: true,
      }));
    case 'case.transferReceived.v1':
      return updateTransfer(file, event.data.transferId, (transfer) => ({
        ...transfer,
        stage: 'received',
        receivedAt: event.data.receivedAt,
      }));
    case 'case.transferForwarded.v1':
      return updateTransfer(file, event.data.transferId, (transfer) => ({
        ...transfer,
        stage: 'transferred',
        receivingAuthority: event.data.to,
        receivers: [...transfer.receivers, event.data.to],
      }));
    case 'case.transferAccepted.v1':
      return updateTransfer(file, event.data.transferId, (transfer) => ({
        ...transfer,
        stage: 'accepted',
        acceptedAt: event.data.acceptedAt,
      }));
    case 'case.transferReturned.v1':
      return updateTransfer(file, event.data.transferId, (transfer) => ({
        ...transfer,
        stage: 'returned',
        returnedAt: event.data.returnedAt,
        returnReasons: event.data.reasons,
      }));
    case 'case.reconsiderationRequested.v1':
      return updateTransfer(file, event.data.transferId, (transfer) => ({ ...transfer, stage: 'reconsideration-requested' }));
    case 'case.reconsiderationAnswered.v1':
      return updateTransfer(file, event.data.transferId, (transfer) =>
        event.data.outcome === 'case-opened'
          ? { ...transfer, stage: 'accepted', acceptedAt: event.data.answeredAt }
          : { ...transfer, stage: 'refusal-upheld', returnReasons: event.data.reasons },
      );
    case 'case.supervisionRequested.v1':
      return updateTransfer(file, event.data.transferId, (transfer) => ({
        ...transfer,
        stage: 'supervision-requested',
        supervisingProcuratorateId: event.data.procuratorateUnitId,
      }));
    case 'case.seizedItemsHandedOver.v1':
      return updateTransfer(file, event.data.transferId, (transfer) => ({ ...transfer, seizedItemsHandedOver: true }));
  }
}

/** 行政执法案件 and its transfer to judicial authorities (行政执法与刑事司法衔接), as one decider over `case-<id>`. */
export const caseDecider: Decider<CaseCommand, CaseState, CaseEvent> = {
  initialState: { status: 'none' },
  decide,
  evolve,
};
