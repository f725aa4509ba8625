import type { Actor, DocumentIssuedV1, DocumentNumber, documentStreamEvents } from '@quanze/events';
import type { Decider, DecisionContext, DomainEventOf } from '@quanze/service-kit';
import { NotPermitted, StepOutOfOrder, SubjectNotFound, chinaDateOf } from '@quanze/service-kit';
import type { DocumentCommand } from './commands.js';
import { addYears } from './dates.js';
import {
  ARTICLES,
  CleanUpDecisionRequired,
  CollectiveApprovalRequired,
  CommentPeriodRequired,
  DateOutOfOrder,
  LegalityReviewRequired,
  NotExpired,
  RegistrationRequired,
  ValidityTooLong,
} from './errors.js';

/** An event of a document's stream (`document-<id>`). */
export type DocumentEvent = DomainEventOf<(typeof documentStreamEvents)[number]>;

/**
 * An event as the store hands it to `evolve`: with the envelope's actor, the person who recorded it. The drafters of
 * a text are known only from there (a draft and a revision are done by the clerk who records them, so their data
 * names nobody). Decider specifications may leave the actor out; the store never does.
 */
export type RecordedDocumentEvent = DocumentEvent & { readonly actor?: Actor };

/**
 * Where a document stands. The order is the flow's: drafting → soliciting (征求意见) → commented → reviewed
 * (合法性审查 passed) → approved (集体讨论决定) → registered (统一登记、编号) → issued (统一发布) → abolished | expired.
 */
export type DocumentStage =
  | 'none'
  | 'drafting'
  | 'soliciting'
  | 'commented'
  | 'reviewed'
  | 'approved'
  | 'registered'
  | 'issued'
  | 'abolished'
  | 'expired';

const STAGE_ORDER: readonly DocumentStage[] = [
  'none',
  'drafting',
  'soliciting',
  'commented',
  'reviewed',
  'approved',
  'registered',
  'issued',
  'abolished',
  'expired',
];

export type CleanUpDecision = 'retain' | 'revise' | 'abolish';

export interface DocumentFacts {
  readonly documentId: string;
  readonly title: string;
  readonly draftingUnitId: string;
  readonly issuingUnitId: string;
  /** The persons who recorded the draft or a revision of it (起草人): none of them may review its legality. */
  readonly drafterIds: readonly string[];
  /** The current text; reviews, discussions and the registration are of this text. */
  readonly textSha256: string;
  readonly affectsBusiness: boolean;
  readonly summary: string | null;
  readonly comment: { readonly openedOn: string; readonly closesOn: string; readonly closedOn: string | null } | null;
  /** The latest legality review of the current text; a revision clears it. */
  readonly review: { readonly outcome: 'passed' | 'failed'; readonly completedOn: string; readonly reviewerId: string } | null;
  /** The latest collective discussion after that review; a new review or revision clears it. */
  readonly discussion: { readonly outcome: 'approved' | 'not-approved' | 'deferred'; readonly heldOn: string } | null;
  readonly registration: { readonly number: DocumentNumber; readonly registeredOn: string } | null;
  readonly issue: DocumentIssuedV1 | null;
  readonly validityJustification: { readonly reason: string; readonly higherRule: string | null } | null;
  readonly filing: { readonly filedOn: string; readonly filedWith: string } | null;
  readonly evaluations: number;
  readonly cleanUp: { readonly decision: CleanUpDecision; readonly decidedOn: string } | null;
  readonly abolition: { readonly abolishedOn: string; readonly replacedByDocumentId: string | null } | null;
  readonly expiry: { readonly validUntil: string } | null;
}

/** null: no such document. */
export type DocumentState = DocumentFacts | null;

export function documentStageOf(state: DocumentState): DocumentStage {
  if (state === null) return 'none';
  if (state.abolition !== null) return 'abolished';
  if (state.expiry !== null) return 'expired';
  if (state.issue !== null) return 'issued';
  if (state.registration !== null) return 'registered';
  if (state.review?.outcome === 'passed') return state.discussion?.outcome === 'approved' ? 'approved' : 'reviewed';
  if (state.comment === null) return 'drafting';
  return state.comment.closedOn === null ? 'soliciting' : 'commented';
}

function isBefore(stage: DocumentStage, other: DocumentStage): boolean {
  return STAGE_ORDER.indexOf(stage) < STAGE_ORDER.indexOf(other);
}

const subjectOf = (documentId: string) => `document ${documentId}`;

function requireDocument(state: DocumentState, documentId: string): DocumentFacts {
  if (state === null) throw new SubjectNotFound(subjectOf(documentId));
  return state;
}

function requireStage(document: DocumentFacts, step: string, allowed: readonly DocumentStage[]): DocumentStage {
  const stage = documentStageOf(document);
  if (!allowed.includes(stage)) throw new StepOutOfOrder(subjectOf(document.documentId), step, stage);
  return stage;
}

/** Drafting, comment, registration and filing are the drafting unit's clerks' work (起草单位). */
function requireDraftingClerk(document: DocumentFacts, actor: Actor, step: string): void {
  if (actor.unitId !== document.draftingUnitId) {
    throw new NotPermitted(
      `${step} of document ${document.documentId} is recorded by a clerk of its drafting unit ${document.draftingUnitId}, ` +
        `not of ${actor.unitId ?? 'no unit'}`,
    );
  }
}

/**
 * The issuing authority (制定机关) decides on its own documents: the collective discussion, the issue (签发), the
 * evaluation, the clean-up decision, the abolition and the expiry are recorded by a person of the issuing unit.
 */
function requireIssuingUnit(document: DocumentFacts, actor: Actor, step: string): void {
  if (actor.unitId !== document.issuingUnitId) {
    throw new NotPermitted(
      `${step} of document ${document.documentId} is recorded by the issuing unit (制定机关) ${document.issuingUnitId}, ` +
        `not by ${actor.unitId ?? 'a token without a unit'}`,
    );
  }
}

/** A step done by named persons is recorded by one of them: nobody records a step as done by someone else. */
function requireAmongDoers(actor: Actor, doers: readonly string[], field: string, step: string): void {
  if (!doers.includes(actor.personId)) {
    throw new NotPermitted(`${step} is recorded by a person who did it: ${actor.personId} is not among ${field} (${doers.join(', ')})`, [[field]]);
  }
}

/** The ledger records what happened: a step's date is not after today (in China). */
function notAfterToday(date: string, field: readonly (string | number)[], today: string): void {
  if (date > today) {
    throw new DateOutOfOrder(`${field.join('.')} ${date} is after today (${today}): the ledger records steps that happened`, field);
  }
}

function notBefore(date: string, field: readonly (string | number)[], earliest: string, what: string, article: string | null = null): void {
  if (date < earliest) throw new DateOutOfOrder(`${field.join('.')} ${date} is before ${what} (${earliest})`, field, article);
}

export type RegistrationCheck =
  | { readonly kind: 'registered'; readonly document: DocumentFacts; readonly number: DocumentNumber }
  | { readonly kind: 'registrable'; readonly document: DocumentFacts };

/**
 * Whether a document may be registered (统一登记) and numbered now, checked before a number is taken so that no
 * number is spent on a document that cannot carry it. A document already registered is answered with its number:
 * registering is idempotent.
 */
export function checkRegistration(state: DocumentState, documentId: string, actor: Actor): RegistrationCheck {
  const document = requireDocument(state, documentId);
  requireDraftingClerk(document, actor, 'registration');
  if (document.registration !== null) return { kind: 'registered', document, number: document.registration.number };
  const stage = documentStageOf(document);
  if (isBefore(stage, 'reviewed')) {
    throw new LegalityReviewRequired(
      `document ${documentId} has no passed legality review (合法性审查) of its current text: it cannot be registered and numbered`,
      ARTICLES.unifiedRegistration,
    );
  }
  if (stage === 'reviewed') throw new CollectiveApprovalRequired(documentId);
  return { kind: 'registrable', document };
}

function decide(command: DocumentCommand, state: DocumentState, { now, actor }: DecisionContext): readonly DocumentEvent[] {
  const today = chinaDateOf(now);
  const { documentId } = command;

  if (command.kind === 'draft') {
    if (state !== null) throw new StepOutOfOrder(subjectOf(documentId), 'draft', documentStageOf(state));
    if (actor.unitId === null) {
      throw new NotPermitted('a draft is recorded by a clerk of the drafting unit (起草单位); the token names no unit');
    }
    return [
      {
        type: 'document.drafted.v1',
        data: {
          documentId,
          title: command.title,
          draftingUnitId: actor.unitId,
          issuingUnitId: command.issuingUnitId ?? actor.unitId,
          textSha256: command.textSha256,
          affectsBusiness: command.affectsBusiness,
          summary: command.summary,
        },
      },
    ];
  }

  const document = requireDocument(state, documentId);
  switch (command.kind) {
    case 'revise': {
      requireDraftingClerk(document, actor, 'a revision');
      // Not while opinions are sought on the text, and not once the meeting approved it: that text is the one numbered.
      requireStage(document, 'revise the draft', ['drafting', 'commented', 'reviewed']);
      return [
        {
          type: 'document.draftRevised.v1',
          data: { documentId, title: command.title ?? document.title, textSha256: command.textSha256, reason: command.reason },
        },
      ];
    }

    case 'solicitComment': {
      requireDraftingClerk(document, actor, 'soliciting opinions');
      requireStage(document, 'solicit opinions', ['drafting', 'commented']);
      notAfterToday(command.openedOn, ['openedOn'], today);
      // Opinions sought again (after a revision) are sought after the previous period closed.
      const previousClose = document.comment?.closedOn ?? null;
      if (previousClose !== null) notBefore(command.openedOn, ['openedOn'], previousClose, 'the close of the previous comment period');
      if (command.closesOn <= command.openedOn) {
        throw new DateOutOfOrder(`closesOn ${command.closesOn} is not after openedOn ${command.openedOn}`, ['closesOn']);
      }
      return [
        {
          type: 'document.commentSolicited.v1',
          data: {
            documentId,
            openedOn: command.openedOn,
            closesOn: command.closesOn,
            public: command.public,
            consultedUnitIds: command.consultedUnitIds,
            notice: command.notice,
            affectsBusiness: document.affectsBusiness,
            // Flag, not reject (优化营商环境条例 第62条 says 一般): a short period for a business document keeps its reason.
            shortPeriodReason: command.shortPeriodReason,
            textSha256: document.textSha256,
          },
        },
      ];
    }

    case 'closeComment': {
      requireDraftingClerk(document, actor, 'closing the comment period');
      requireStage(document, 'close the comment period', ['soliciting']);
      notAfterToday(command.closedOn, ['closedOn'], today);
      notBefore(command.closedOn, ['closedOn'], document.comment?.openedOn ?? command.closedOn, 'the opening of the period');
      return [
        {
          type: 'document.commentClosed.v1',
          data: {
            documentId,
            closedOn: command.closedOn,
            opinionsReceived: command.opinionsReceived,
            adoptionSummary: command.adoptionSummary,
          },
        },
      ];
    }

    case 'recordLegalityReview': {
      // Who reviews is not bound to a unit: the organisation model has no link from an issuing unit to its legal
      // office (法制机构). What is refused is reviewing one's own text.
      if (document.drafterIds.includes(actor.personId)) {
        throw new NotPermitted(
          `${actor.personId} drafted or revised document ${documentId}: its legality review (合法性审查) is done by someone else`,
        );
      }
      const stage = documentStageOf(document);
      if (stage === 'drafting' || stage === 'soliciting') throw new CommentPeriodRequired(documentId);
      requireStage(document, 'record a legality review', ['commented']);
      notAfterToday(command.completedOn, ['completedOn'], today);
      notBefore(command.completedOn, ['completedOn'], command.submittedOn, 'the submission for review (submittedOn)');
      // The draft goes to review with the opinions and how they were handled (送审), so after the period closed.
      const commentClosedOn = document.comment?.closedOn ?? null;
      if (commentClosedOn !== null) {
        notBefore(command.submittedOn, ['submittedOn'], commentClosedOn, 'the close of the comment period', ARTICLES.steps);
      }
      return [
        {
          type: 'document.legalityReviewed.v1',
          data: {
            documentId,
            reviewerId: actor.personId,
            // Recorded for the 5–15 working-day window (国办发〔2018〕115号), which read models flag.
            submittedOn: command.submittedOn,
            completedOn: command.completedOn,
            outcome: command.outcome,
            opinion: command.opinion,
            textSha256: document.textSha256,
          },
        },
      ];
    }

    case 'recordCollectiveDiscussion': {
      requireIssuingUnit(document, actor, 'the collective discussion (集体讨论决定)');
      const presidedBy = command.presidedBy ?? actor.personId;
      requireAmongDoers(actor, [presidedBy], 'presidedBy', 'a collective discussion');
      const stage = documentStageOf(document);
      if (isBefore(stage, 'reviewed')) {
        throw new LegalityReviewRequired(
          `document ${documentId} has no passed legality review (合法性审查) of its current text: it cannot go to collective discussion`,
          ARTICLES.reviewBeforeDeliberation,
        );
      }
      requireStage(document, 'record a collective discussion', ['reviewed']);
      const review = document.review;
      // A meeting held before the review was completed deliberated without a passed review.
      if (review !== null && command.meeting.heldOn < review.completedOn) {
        throw new LegalityReviewRequired(
          `the meeting on ${command.meeting.heldOn} was held before the legality review was completed (${review.completedOn})`,
          ARTICLES.reviewBeforeDeliberation,
          [['meeting', 'heldOn']],
        );
      }
      notAfterToday(command.meeting.heldOn, ['meeting', 'heldOn'], today);
      // A meeting after one that deferred or did not approve is held after it.
      if (document.discussion !== null) {
        notBefore(command.meeting.heldOn, ['meeting', 'heldOn'], document.discussion.heldOn, 'the previous meeting on this text');
      }
      return [
        {
          type: 'document.collectivelyDiscussed.v1',
          data: {
            documentId,
            meeting: command.meeting,
            presidedBy,
            outcome: command.outcome,
            notes: command.notes,
            textSha256: document.textSha256,
          },
        },
      ];
    }

    case 'register': {
      const check = checkRegistration(state, documentId, actor);
      if (check.kind === 'registered') {
        // The same number again is a repeat (a retry after a crash, a double click): nothing new happened.
        if (check.number.formatted === command.number.formatted) return [];
        throw new StepOutOfOrder(subjectOf(documentId), `register as ${command.number.formatted}`, `registered as ${check.number.formatted}`);
      }
      return [
        {
          type: 'document.registered.v1',
          data: {
            documentId,
            issuingUnitId: document.issuingUnitId,
            number: command.number,
            registeredOn: command.registeredOn,
            textSha256: document.textSha256,
          },
        },
      ];
    }

    case 'issue': {
      requireIssuingUnit(document, actor, 'the issue (签发)');
      const stage = documentStageOf(document);
      if (isBefore(stage, 'registered')) throw new RegistrationRequired(documentId);
      requireStage(document, 'issue', ['registered']);
      const registration = document.registration;
      if (registration === null) throw new RegistrationRequired(documentId);
      const issuedOn = command.issuedOn ?? today;
      notAfterToday(issuedOn, ['issuedOn'], today);
      notBefore(issuedOn, ['issuedOn'], registration.registeredOn, 'the registration', ARTICLES.unifiedRegistration);
      notBefore(command.effectiveFrom, ['effectiveFrom'], issuedOn, 'the issue (issuedOn)');
      if (command.validUntil !== null && command.validUntil <= command.effectiveFrom) {
        throw new DateOutOfOrder(`validUntil ${command.validUntil} is not after effectiveFrom ${command.effectiveFrom}`, ['validUntil']);
      }
      const latestValidUntil = addYears(command.effectiveFrom, 5);
      const longValidity = command.validUntil === null || command.validUntil > latestValidUntil;
      const justification = command.validityJustification;
      if (longValidity && justification === undefined) {
        throw new ValidityTooLong(command.effectiveFrom, command.validUntil, latestValidUntil);
      }
      const issued: DocumentEvent = {
        type: 'document.issued.v1',
        data: {
          documentId,
          number: registration.number,
          title: document.title,
          issuingUnitId: document.issuingUnitId,
          signedBy: actor.personId,
          issuedOn,
          effectiveFrom: command.effectiveFrom,
          validUntil: command.validUntil,
          textSha256: document.textSha256,
          publications: command.publications,
        },
      };
      if (justification === undefined) return [issued];
      return [
        {
          type: 'document.validityJustified.v1',
          data: {
            documentId,
            effectiveFrom: command.effectiveFrom,
            validUntil: command.validUntil,
            reason: justification.reason,
            higherRule: justification.higherRule,
          },
        },
        issued,
      ];
    }

    case 'file': {
      requireDraftingClerk(document, actor, 'filing');
      const issue = document.issue;
      if (issue === null) throw new StepOutOfOrder(subjectOf(documentId), 'file (备案)', documentStageOf(document));
      if (document.filing !== null) throw new StepOutOfOrder(subjectOf(documentId), 'file (备案)', `filed on ${document.filing.filedOn}`);
      notAfterToday(command.filedOn, ['filedOn'], today);
      // Late filing (after 30 days) is a flag for read models; filing before publication cannot be.
      notBefore(command.filedOn, ['filedOn'], issue.issuedOn, 'the issue and publication');
      return [
        {
          type: 'document.filed.v1',
          data: {
            documentId,
            filedOn: command.filedOn,
            filedWith: command.filedWith,
            filedWithUnitId: command.filedWithUnitId,
            reference: command.reference,
          },
        },
      ];
    }

    case 'evaluate': {
      requireIssuingUnit(document, actor, 'the evaluation (评估)');
      const evaluatorIds = command.evaluatorIds ?? [actor.personId];
      requireAmongDoers(actor, evaluatorIds, 'evaluatorIds', 'an evaluation');
      requireStage(document, 'evaluate', ['issued']);
      const issuedOn = document.issue?.issuedOn ?? command.evaluatedOn;
      notAfterToday(command.evaluatedOn, ['evaluatedOn'], today);
      notBefore(command.evaluatedOn, ['evaluatedOn'], issuedOn, 'the issue');
      return [
        {
          type: 'document.evaluated.v1',
          data: {
            documentId,
            evaluatedOn: command.evaluatedOn,
            evaluatorIds,
            findings: command.findings,
            recommendation: command.recommendation,
          },
        },
      ];
    }

    case 'decideCleanUp': {
      requireIssuingUnit(document, actor, 'the clean-up decision (清理决定)');
      requireStage(document, 'decide in a clean-up', ['issued']);
      const issuedOn = document.issue?.issuedOn ?? command.decidedOn;
      notAfterToday(command.decidedOn, ['decidedOn'], today);
      notBefore(command.decidedOn, ['decidedOn'], issuedOn, 'the issue');
      // The latest decision is the one an abolition follows: a new one is not dated before it.
      if (document.cleanUp !== null) notBefore(command.decidedOn, ['decidedOn'], document.cleanUp.decidedOn, 'the previous clean-up decision');
      return [
        {
          type: 'document.cleanUpDecided.v1',
          data: {
            documentId,
            decidedOn: command.decidedOn,
            decision: command.decision,
            reason: command.reason,
            cleanUpRound: command.cleanUpRound,
          },
        },
      ];
    }

    case 'abolish': {
      requireIssuingUnit(document, actor, 'the abolition (废止)');
      requireStage(document, 'abolish', ['issued']);
      const cleanUp = document.cleanUp;
      const registration = document.registration;
      if (cleanUp === null || cleanUp.decision === 'retain' || registration === null) throw new CleanUpDecisionRequired(documentId);
      notBefore(command.abolishedOn, ['abolishedOn'], cleanUp.decidedOn, 'the clean-up decision', ARTICLES.cleanUp);
      return [
        {
          type: 'document.abolished.v1',
          data: {
            documentId,
            // The number stays the document's: the register never gives it again.
            number: registration.number,
            abolishedOn: command.abolishedOn,
            reason: command.reason,
            replacedByDocumentId: command.replacedByDocumentId,
          },
        },
      ];
    }

    case 'recordExpiry': {
      requireIssuingUnit(document, actor, 'the expiry (有效期届满)');
      requireStage(document, 'record the expiry', ['issued']);
      const validUntil = document.issue?.validUntil ?? null;
      const registration = document.registration;
      if (validUntil === null || today <= validUntil || registration === null) throw new NotExpired(documentId, validUntil);
      return [{ type: 'document.expired.v1', data: { documentId, number: registration.number, validUntil } }];
    }

    default: {
      const unknown: never = command;
      throw new TypeError(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

function withDrafter(drafterIds: readonly string[], actor: Actor | undefined): readonly string[] {
  return actor === undefined || drafterIds.includes(actor.personId) ? drafterIds : [...drafterIds, actor.personId];
}

function evolve(state: DocumentState, event: RecordedDocumentEvent): DocumentState {
  if (event.type === 'document.drafted.v1') {
    const data = event.data;
    return {
      documentId: data.documentId,
      title: data.title,
      draftingUnitId: data.draftingUnitId,
      issuingUnitId: data.issuingUnitId,
      drafterIds: withDrafter([], event.actor),
      textSha256: data.textSha256,
      affectsBusiness: data.affectsBusiness,
      summary: data.summary,
      comment: null,
      review: null,
      discussion: null,
      registration: null,
      issue: null,
      validityJustification: null,
      filing: null,
      evaluations: 0,
      cleanUp: null,
      abolition: null,
      expiry: null,
    };
  }
  // Every other event follows the draft; a stream that starts otherwise is not a document's.
  if (state === null) return state;
  switch (event.type) {
    case 'document.draftRevised.v1':
      return {
        ...state,
        title: event.data.title,
        textSha256: event.data.textSha256,
        drafterIds: withDrafter(state.drafterIds, event.actor),
        review: null,
        discussion: null,
      };
    case 'document.commentSolicited.v1':
      return {
        ...state,
        comment: { openedOn: event.data.openedOn, closesOn: event.data.closesOn, closedOn: null },
        review: null,
        discussion: null,
      };
    case 'document.commentClosed.v1':
      return state.comment === null ? state : { ...state, comment: { ...state.comment, closedOn: event.data.closedOn } };
    case 'document.legalityReviewed.v1':
      return {
        ...state,
        review: { outcome: event.data.outcome, completedOn: event.data.completedOn, reviewerId: event.data.reviewerId },
        discussion: null,
      };
    case 'document.collectivelyDiscussed.v1':
      return { ...state, discussion: { outcome: event.data.outcome, heldOn: event.data.meeting.heldOn } };
    case 'document.registered.v1':
      return { ...state, registration: { number: event.data.number, registeredOn: event.data.registeredOn } };
    case 'document.validityJustified.v1':
      return { ...state, validityJustification: { reason: event.data.reason, higherRule: event.data.higherRule } };
    case 'document.issued.v1':
      return { ...state, issue: event.data };
    case 'document.filed.v1':
      return { ...state, filing: { filedOn: event.data.filedOn, filedWith: event.data.filedWith } };
    case 'document.evaluated.v1':
      return { ...state, evaluations: state.evaluations + 1 };
    case 'document.cleanUpDecided.v1':
      return { ...state, cleanUp: { decision: event.data.decision, decidedOn: event.data.decidedOn } };
    case 'document.abolished.v1':
      return { ...state, abolition: { abolishedOn: event.data.abolishedOn, replacedByDocumentId: event.data.replacedByDocumentId } };
    case 'document.expired.v1':
      return { ...state, expiry: { validUntil: event.data.validUntil } };
    default: {
      const unknown: never = event;
      throw new TypeError(`unknown event ${JSON.stringify(unknown)}`);
    }
  }
}

/** 规范性文件: one document's way from draft to abolition, as a decider. */
export const documentDecider: Decider<DocumentCommand, DocumentState, DocumentEvent> = {
  initialState: null,
  decide,
  evolve,
};
