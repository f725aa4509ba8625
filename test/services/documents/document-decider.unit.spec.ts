import { expect } from 'chai';
import { NotPermitted, StepOutOfOrder, SubjectNotFound } from '@quanze/service-kit';
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
  documentDecider,
  documentStageOf,
} from '@quanze/documents';
import type { DocumentCommand, DocumentEvent } from '@quanze/documents';
import { given } from '../../support/decider.js';
import {
  abolished,
  approvedHistory,
  commentClosed,
  cleanUpDecided,
  clerk,
  commentedHistory,
  discussed,
  documentId,
  drafted,
  draftedByClerk,
  draftedHistory,
  draftingUnitId,
  head,
  issued,
  issuedHistory,
  issuingUnitId,
  issuingUnitReviewer,
  now,
  number,
  otherHead,
  otherReviewer,
  otherUnitClerk,
  publications,
  registered,
  registeredHistory,
  reviewed,
  reviewedHistory,
  reviewer,
  solicited,
  solicitingHistory,
  textV1,
  textV2,
} from './fixtures.js';

type CommandOf<TKind extends DocumentCommand['kind']> = Extract<DocumentCommand, { kind: TKind }>;

const asClerk = { now, actor: clerk };
const asReviewer = { now, actor: reviewer };
const asHead = { now, actor: head };
const asIssuingUnitReviewer = { now, actor: issuingUnitReviewer };

const solicit: CommandOf<'solicitComment'> = {
  kind: 'solicitComment',
  documentId,
  openedOn: '2026-03-01',
  closesOn: '2026-03-31',
  public: true,
  consultedUnitIds: [],
  notice: '征求意见公告',
  shortPeriodReason: null,
};
const review = (outcome: 'passed' | 'failed' = 'passed'): CommandOf<'recordLegalityReview'> => ({
  kind: 'recordLegalityReview',
  documentId,
  submittedOn: '2026-02-20',
  completedOn: '2026-02-27',
  outcome,
  opinion: '合法',
});
const discuss = (heldOn = '2026-02-28'): CommandOf<'recordCollectiveDiscussion'> => ({
  kind: 'recordCollectiveDiscussion',
  documentId,
  meeting: { kind: 'standing', heldOn },
  outcome: 'approved',
  notes: null,
});
const register: DocumentCommand = { kind: 'register', documentId, number, registeredOn: '2026-02-24' };
const issue = (overrides: Partial<CommandOf<'issue'>> = {}): CommandOf<'issue'> => ({
  kind: 'issue',
  documentId,
  issuedOn: '2026-02-25',
  effectiveFrom: '2026-03-01',
  validUntil: '2031-02-28',
  publications: [...publications],
  ...overrides,
});

describe('normative documents (规范性文件)', function () {
  describe('when a clerk drafts a document', function () {
    it('records the draft with the clerk’s unit as drafting unit and the issuing unit named', function () {
      given(documentDecider)
        .when(
          { kind: 'draft', documentId, title: drafted.data.title, issuingUnitId, textSha256: textV1, affectsBusiness: true, summary: null },
          asClerk,
        )
        .then([drafted]);
    });

    it('makes the clerk’s own unit the issuing unit when none is named', function () {
      const [event] = given(documentDecider)
        .when({ kind: 'draft', documentId, title: 'x', textSha256: textV1, affectsBusiness: false, summary: null }, asClerk)
        .thenTypes('document.drafted.v1');
      expect(event?.data).to.include({ draftingUnitId, issuingUnitId: draftingUnitId, affectsBusiness: false });
    });

    it('rejects a caller whose token names no unit', function () {
      given(documentDecider)
        .when(
          { kind: 'draft', documentId, title: 'x', textSha256: textV1, affectsBusiness: false, summary: null },
          { now, actor: { ...clerk, unitId: null } },
        )
        .thenThrows(NotPermitted);
    });

    it('rejects drafting a document that exists', function () {
      given(documentDecider, draftedHistory)
        .when({ kind: 'draft', documentId, title: 'x', textSha256: textV1, affectsBusiness: false, summary: null }, asClerk)
        .thenThrows(StepOutOfOrder);
    });
  });

  describe('when the document does not exist', function () {
    it('rejects every step but the draft', function () {
      given(documentDecider).when(solicit, asClerk).thenThrows(SubjectNotFound);
      given(documentDecider).when(review(), asReviewer).thenThrows(SubjectNotFound);
    });
  });

  describe('when a clerk of another unit acts on the document', function () {
    it('rejects revising, soliciting, closing, registering and filing', function () {
      given(documentDecider, draftedHistory)
        .when({ kind: 'revise', documentId, textSha256: textV2, reason: 'x' }, { now, actor: otherUnitClerk })
        .thenThrows(NotPermitted);
      given(documentDecider, draftedHistory).when(solicit, { now, actor: otherUnitClerk }).thenThrows(NotPermitted);
      given(documentDecider, solicitingHistory)
        .when({ kind: 'closeComment', documentId, closedOn: '2026-02-04', opinionsReceived: 0, adoptionSummary: '无' }, { now, actor: otherUnitClerk })
        .thenThrows(NotPermitted);
      given(documentDecider, approvedHistory).when(register, { now, actor: otherUnitClerk }).thenThrows(NotPermitted);
      given(documentDecider, issuedHistory)
        .when(
          { kind: 'file', documentId, filedOn: '2026-03-01', filedWith: '市人大常委会', filedWithUnitId: null, reference: null },
          { now, actor: otherUnitClerk },
        )
        .thenThrows(NotPermitted);
    });
  });

  describe('when the draft is revised', function () {
    it('records the new text, keeping the title unless a new one is given', function () {
      given(documentDecider, draftedHistory)
        .when({ kind: 'revise', documentId, textSha256: textV2, reason: '吸收意见' }, asClerk)
        .then([{ type: 'document.draftRevised.v1', data: { documentId, title: drafted.data.title, textSha256: textV2, reason: '吸收意见' } }]);
    });

    it('sends a reviewed text back to legality review', function () {
      const revision: DocumentEvent = {
        type: 'document.draftRevised.v1',
        data: { documentId, title: 't', textSha256: textV2, reason: '审查意见' },
      };
      expect(documentStageOf(given(documentDecider, [...reviewedHistory, revision]).state)).to.equal('commented');
    });

    it('rejects a revision while opinions are being sought', function () {
      given(documentDecider, solicitingHistory)
        .when({ kind: 'revise', documentId, textSha256: textV2, reason: 'x' }, asClerk)
        .thenThrows(StepOutOfOrder, { step: 'revise the draft', stage: 'soliciting' });
    });

    it('rejects a revision of the text the meeting approved', function () {
      given(documentDecider, approvedHistory)
        .when({ kind: 'revise', documentId, textSha256: textV2, reason: 'x' }, asClerk)
        .thenThrows(StepOutOfOrder, { stage: 'approved' });
    });
  });

  describe('when opinions are sought (征求意见)', function () {
    it('records the period with whether the document affects business, the text and the reason for a short period', function () {
      given(documentDecider, draftedHistory)
        .when({ ...solicit, openedOn: '2026-02-20', closesOn: '2026-03-02', shortPeriodReason: '上级要求限期出台' }, asClerk)
        .then([
          {
            type: 'document.commentSolicited.v1',
            data: {
              documentId,
              openedOn: '2026-02-20',
              closesOn: '2026-03-02',
              public: true,
              consultedUnitIds: [],
              notice: '征求意见公告',
              affectsBusiness: true,
              shortPeriodReason: '上级要求限期出台',
              textSha256: textV1,
            },
          },
        ]);
    });

    it('records a period shorter than 30 days for a business document without a reason (a flag, not a refusal)', function () {
      given(documentDecider, draftedHistory)
        .when({ ...solicit, openedOn: '2026-02-25', closesOn: '2026-03-02' }, asClerk)
        .thenTypes('document.commentSolicited.v1');
    });

    it('rejects a period that closes on or before the day it opens', function () {
      given(documentDecider, draftedHistory)
        .when({ ...solicit, closesOn: '2026-03-01' }, asClerk)
        .thenThrows(DateOutOfOrder, { fields: [['closesOn']] });
    });

    it('rejects an opening after today', function () {
      given(documentDecider, draftedHistory)
        .when({ ...solicit, openedOn: '2026-03-03', closesOn: '2026-04-03' }, asClerk)
        .thenThrows(DateOutOfOrder, { fields: [['openedOn']] });
    });

    it('rejects a second period while one is open', function () {
      given(documentDecider, solicitingHistory).when(solicit, asClerk).thenThrows(StepOutOfOrder);
    });

    it('records the close with the opinions and how they were handled', function () {
      given(documentDecider, solicitingHistory)
        .when({ kind: 'closeComment', documentId, closedOn: '2026-02-04', opinionsReceived: 2, adoptionSummary: '全部采纳' }, asClerk)
        .then([
          {
            type: 'document.commentClosed.v1',
            data: { documentId, closedOn: '2026-02-04', opinionsReceived: 2, adoptionSummary: '全部采纳' },
          },
        ]);
    });

    it('rejects a close before the period opened', function () {
      given(documentDecider, solicitingHistory)
        .when({ kind: 'closeComment', documentId, closedOn: '2026-01-04', opinionsReceived: 0, adoptionSummary: '无' }, asClerk)
        .thenThrows(DateOutOfOrder, { fields: [['closedOn']] });
    });

    it('rejects a close when no period is open', function () {
      given(documentDecider, draftedHistory)
        .when({ kind: 'closeComment', documentId, closedOn: '2026-02-04', opinionsReceived: 0, adoptionSummary: '无' }, asClerk)
        .thenThrows(StepOutOfOrder);
    });
  });

  describe('when the legality review (合法性审查) is recorded', function () {
    it('rejects it before opinions were sought', function () {
      given(documentDecider, draftedHistory).when(review(), asReviewer).thenThrows(CommentPeriodRequired, { article: ARTICLES.steps });
    });

    it('rejects it while the comment period is open', function () {
      given(documentDecider, solicitingHistory).when(review(), asReviewer).thenThrows(CommentPeriodRequired);
    });

    it('records the reviewer, both dates and the text reviewed, however short the review (a flag, not a refusal)', function () {
      given(documentDecider, commentedHistory)
        .when({ ...review(), submittedOn: '2026-02-27', completedOn: '2026-02-27' }, asReviewer)
        .then([
          {
            type: 'document.legalityReviewed.v1',
            data: {
              documentId,
              reviewerId: reviewer.personId,
              submittedOn: '2026-02-27',
              completedOn: '2026-02-27',
              outcome: 'passed',
              opinion: '合法',
              textSha256: textV1,
            },
          },
        ]);
    });

    it('rejects a review completed before it was submitted', function () {
      given(documentDecider, commentedHistory)
        .when({ ...review(), submittedOn: '2026-02-27', completedOn: '2026-02-26' }, asReviewer)
        .thenThrows(DateOutOfOrder, { fields: [['completedOn']] });
    });

    it('rejects a review completed after today', function () {
      given(documentDecider, commentedHistory)
        .when({ ...review(), completedOn: '2026-03-03' }, asReviewer)
        .thenThrows(DateOutOfOrder, { fields: [['completedOn']] });
    });

    it('rejects a second review of a text that passed', function () {
      given(documentDecider, reviewedHistory).when(review(), asReviewer).thenThrows(StepOutOfOrder);
    });

    it('accepts a new review after a failed one', function () {
      given(documentDecider, [...commentedHistory, reviewed('failed')]).when(review(), asReviewer).thenTypes('document.legalityReviewed.v1');
    });
  });

  describe('when the collective discussion (集体讨论决定) is recorded', function () {
    it('rejects it without a legality review', function () {
      given(documentDecider, commentedHistory)
        .when(discuss(), asHead)
        .thenThrows(LegalityReviewRequired, { article: ARTICLES.reviewBeforeDeliberation });
    });

    it('rejects it after a failed legality review', function () {
      given(documentDecider, [...commentedHistory, reviewed('failed')]).when(discuss(), asHead).thenThrows(LegalityReviewRequired);
    });

    it('rejects it when the text was revised after the review passed', function () {
      const revision: DocumentEvent = { type: 'document.draftRevised.v1', data: { documentId, title: 't', textSha256: textV2, reason: 'x' } };
      given(documentDecider, [...reviewedHistory, revision]).when(discuss(), asHead).thenThrows(LegalityReviewRequired);
    });

    it('rejects a meeting held before the review was completed', function () {
      given(documentDecider, reviewedHistory)
        .when(discuss('2026-02-12'), asHead)
        .thenThrows(LegalityReviewRequired, { fields: [['meeting', 'heldOn']] });
    });

    it('records the meeting, the presiding head (the recording head by default) and the text decided on', function () {
      given(documentDecider, reviewedHistory)
        .when(discuss('2026-02-20'), asHead)
        .then([discussed('approved')]);
    });

    it('accepts another meeting after one that did not approve', function () {
      given(documentDecider, [...reviewedHistory, discussed('deferred')]).when(discuss(), asHead).thenTypes('document.collectivelyDiscussed.v1');
    });

    it('rejects a second meeting once the text is approved', function () {
      given(documentDecider, approvedHistory).when(discuss(), asHead).thenThrows(StepOutOfOrder);
    });
  });

  describe('when the document is registered (统一登记)', function () {
    it('rejects it without a passed legality review', function () {
      given(documentDecider, commentedHistory)
        .when(register, asClerk)
        .thenThrows(LegalityReviewRequired, { article: ARTICLES.unifiedRegistration });
    });

    it('rejects it without a collective discussion', function () {
      given(documentDecider, reviewedHistory).when(register, asClerk).thenThrows(CollectiveApprovalRequired);
    });

    it('rejects it after a discussion that did not approve', function () {
      given(documentDecider, [...reviewedHistory, discussed('not-approved')]).when(register, asClerk).thenThrows(CollectiveApprovalRequired);
    });

    it('records the number the register assigned, with the text it numbers', function () {
      given(documentDecider, approvedHistory).when(register, asClerk).then([registered]);
    });

    it('records nothing when the document already carries that number', function () {
      given(documentDecider, registeredHistory).when(register, asClerk).then([]);
    });

    it('rejects another number for a registered document', function () {
      const other = { ...number, serial: 4, formatted: '尚政规〔2026〕4号' };
      given(documentDecider, registeredHistory).when({ ...register, number: other }, asClerk).thenThrows(StepOutOfOrder);
    });
  });

  describe('when the document is issued (签发、统一发布)', function () {
    it('rejects an issue without registration', function () {
      given(documentDecider, approvedHistory).when(issue(), asHead).thenThrows(RegistrationRequired, { article: ARTICLES.unifiedRegistration });
    });

    it('records the number, title and text registered, signed by the head', function () {
      given(documentDecider, registeredHistory).when(issue(), asHead).then([issued]);
    });

    it('is issued today when no day is given', function () {
      const [event] = given(documentDecider, registeredHistory)
        .when(issue({ issuedOn: undefined, effectiveFrom: '2026-03-02' }), asHead)
        .thenTypes('document.issued.v1');
      expect(event?.data).to.include({ issuedOn: '2026-03-02' });
    });

    it('rejects an issue dated before the registration', function () {
      given(documentDecider, registeredHistory)
        .when(issue({ issuedOn: '2026-02-23' }), asHead)
        .thenThrows(DateOutOfOrder, { fields: [['issuedOn']] });
    });

    it('rejects taking effect before the issue', function () {
      given(documentDecider, registeredHistory)
        .when(issue({ effectiveFrom: '2026-02-24' }), asHead)
        .thenThrows(DateOutOfOrder, { fields: [['effectiveFrom']] });
    });

    it('rejects a validity that ends before it begins', function () {
      given(documentDecider, registeredHistory)
        .when(issue({ validUntil: '2026-03-01' }), asHead)
        .thenThrows(DateOutOfOrder, { fields: [['validUntil']] });
    });

    it('accepts a validity of exactly five years', function () {
      given(documentDecider, registeredHistory).when(issue({ validUntil: '2031-03-01' }), asHead).thenTypes('document.issued.v1');
    });

    it('rejects a validity longer than five years without a reason', function () {
      given(documentDecider, registeredHistory)
        .when(issue({ validUntil: '2031-03-02' }), asHead)
        .thenThrows(ValidityTooLong, { article: ARTICLES.validity, latestValidUntil: '2031-03-01' });
    });

    it('rejects a validity without end without a reason', function () {
      given(documentDecider, registeredHistory).when(issue({ validUntil: null }), asHead).thenThrows(ValidityTooLong);
    });

    it('records the reason for a longer validity with the issue, in one append', function () {
      given(documentDecider, registeredHistory)
        .when(issue({ validUntil: null, validityJustification: { reason: '实施上位法', higherRule: '黑龙江省某条例' } }), asHead)
        .then([
          {
            type: 'document.validityJustified.v1',
            data: { documentId, effectiveFrom: '2026-03-01', validUntil: null, reason: '实施上位法', higherRule: '黑龙江省某条例' },
          },
          { type: 'document.issued.v1', data: { ...issued.data, validUntil: null } },
        ]);
    });

    it('rejects a second issue', function () {
      given(documentDecider, issuedHistory).when(issue(), asHead).thenThrows(StepOutOfOrder);
    });
  });

  describe('when the document is filed (备案)', function () {
    const file = (filedOn: string): DocumentCommand => ({
      kind: 'file',
      documentId,
      filedOn,
      filedWith: '尚志市人大常委会',
      filedWithUnitId: null,
      reference: null,
    });

    it('rejects filing before the issue', function () {
      given(documentDecider, registeredHistory).when(file('2026-02-26'), asClerk).thenThrows(StepOutOfOrder);
    });

    it('records the filing day, however late (a flag, not a refusal)', function () {
      given(documentDecider, issuedHistory)
        .when(file('2026-03-02'), { now: '2026-06-01T01:00:00.000Z', actor: clerk })
        .then([
          {
            type: 'document.filed.v1',
            data: { documentId, filedOn: '2026-03-02', filedWith: '尚志市人大常委会', filedWithUnitId: null, reference: null },
          },
        ]);
    });

    it('rejects a filing dated before the issue', function () {
      given(documentDecider, issuedHistory).when(file('2026-02-24'), asClerk).thenThrows(DateOutOfOrder, { fields: [['filedOn']] });
    });

    it('rejects a second filing', function () {
      const filing: DocumentEvent = {
        type: 'document.filed.v1',
        data: { documentId, filedOn: '2026-03-01', filedWith: 'x', filedWithUnitId: null, reference: null },
      };
      given(documentDecider, [...issuedHistory, filing]).when(file('2026-03-02'), asClerk).thenThrows(StepOutOfOrder);
    });
  });

  describe('when the document is evaluated and cleaned up (评估、清理)', function () {
    it('records an evaluation by the person recording it unless evaluators are named', function () {
      given(documentDecider, issuedHistory)
        .when({ kind: 'evaluate', documentId, evaluatedOn: '2026-03-02', findings: '执行良好', recommendation: 'retain' }, asIssuingUnitReviewer)
        .then([
          {
            type: 'document.evaluated.v1',
            data: { documentId, evaluatedOn: '2026-03-02', evaluatorIds: [issuingUnitReviewer.personId], findings: '执行良好', recommendation: 'retain' },
          },
        ]);
    });

    it('rejects an evaluation before the issue', function () {
      given(documentDecider, registeredHistory)
        .when({ kind: 'evaluate', documentId, evaluatedOn: '2026-03-02', findings: 'x', recommendation: 'retain' }, asIssuingUnitReviewer)
        .thenThrows(StepOutOfOrder);
    });

    it('records a clean-up decision', function () {
      given(documentDecider, issuedHistory)
        .when({ kind: 'decideCleanUp', documentId, decidedOn: '2026-03-01', decision: 'abolish', reason: '上位法修改', cleanUpRound: null }, asHead)
        .then([cleanUpDecided('abolish')]);
    });

    it('rejects a clean-up decision dated before the issue', function () {
      given(documentDecider, issuedHistory)
        .when({ kind: 'decideCleanUp', documentId, decidedOn: '2026-02-01', decision: 'retain', reason: 'x', cleanUpRound: null }, asHead)
        .thenThrows(DateOutOfOrder, { fields: [['decidedOn']] });
    });
  });

  describe('when the document is abolished (废止)', function () {
    const abolish: DocumentCommand = { kind: 'abolish', documentId, abolishedOn: '2026-03-02', reason: '上位法修改', replacedByDocumentId: null };

    it('rejects an abolition without a clean-up decision', function () {
      given(documentDecider, issuedHistory).when(abolish, asHead).thenThrows(CleanUpDecisionRequired, { article: ARTICLES.cleanUp });
    });

    it('rejects an abolition after a decision to retain', function () {
      given(documentDecider, [...issuedHistory, cleanUpDecided('retain')]).when(abolish, asHead).thenThrows(CleanUpDecisionRequired);
    });

    it('records the abolition with the number the document keeps', function () {
      given(documentDecider, [...issuedHistory, cleanUpDecided('abolish')]).when(abolish, asHead).then([abolished]);
    });

    it('records an abolition after a decision to revise, naming the replacement', function () {
      const [event] = given(documentDecider, [...issuedHistory, cleanUpDecided('revise')])
        .when({ ...abolish, replacedByDocumentId: 'doc-2' }, asHead)
        .thenTypes('document.abolished.v1');
      expect(event?.data).to.include({ replacedByDocumentId: 'doc-2' });
    });

    it('rejects an abolition taking effect before the decision', function () {
      given(documentDecider, [...issuedHistory, cleanUpDecided('abolish')])
        .when({ ...abolish, abolishedOn: '2026-02-28' }, asHead)
        .thenThrows(DateOutOfOrder, { fields: [['abolishedOn']] });
    });

    it('keeps the number on the abolished document', function () {
      const state = given(documentDecider, [...issuedHistory, cleanUpDecided('abolish'), abolished]).state;
      expect(documentStageOf(state)).to.equal('abolished');
      expect(state?.registration?.number).to.deep.equal(number);
    });

    it('rejects later evaluations and clean-up decisions', function () {
      const history = [...issuedHistory, cleanUpDecided('abolish'), abolished];
      given(documentDecider, history)
        .when({ kind: 'evaluate', documentId, evaluatedOn: '2026-03-02', findings: 'x', recommendation: 'retain' }, asIssuingUnitReviewer)
        .thenThrows(StepOutOfOrder, { stage: 'abolished' });
      given(documentDecider, history)
        .when({ kind: 'decideCleanUp', documentId, decidedOn: '2026-03-02', decision: 'retain', reason: 'x', cleanUpRound: null }, asHead)
        .thenThrows(StepOutOfOrder);
    });
  });

  describe('when the expiry (有效期届满) is recorded', function () {
    it('rejects it on the last valid day', function () {
      given(documentDecider, issuedHistory)
        .when({ kind: 'recordExpiry', documentId }, { now: '2031-02-28T09:00:00.000Z', actor: head })
        .thenThrows(NotExpired, { validUntil: '2031-02-28' });
    });

    it('rejects it for a document valid without end', function () {
      const endless: DocumentEvent = { type: 'document.issued.v1', data: { ...issued.data, validUntil: null } };
      given(documentDecider, [...registeredHistory, endless])
        .when({ kind: 'recordExpiry', documentId }, { now: '2040-01-01T00:00:00.000Z', actor: head })
        .thenThrows(NotExpired, { validUntil: null });
    });

    it('records it from the day after the last valid day, with the number', function () {
      given(documentDecider, issuedHistory)
        .when({ kind: 'recordExpiry', documentId }, { now: '2031-02-28T16:00:00.000Z', actor: head })
        .then([{ type: 'document.expired.v1', data: { documentId, number, validUntil: '2031-02-28' } }]);
    });
  });

  describe('when a person of another authority decides on the document (制定机关 decides on its own documents)', function () {
    const evaluate: DocumentCommand = { kind: 'evaluate', documentId, evaluatedOn: '2026-03-02', findings: 'x', recommendation: 'abolish' };
    const decideCleanUp: DocumentCommand = { kind: 'decideCleanUp', documentId, decidedOn: '2026-03-02', decision: 'abolish', reason: 'x', cleanUpRound: null };
    const abolish: DocumentCommand = { kind: 'abolish', documentId, abolishedOn: '2026-03-02', reason: 'x', replacedByDocumentId: null };
    const afterValidity = '2031-03-01T09:00:00.000Z';
    const cases: { step: string; history: DocumentEvent[]; command: DocumentCommand; own: typeof head; recorded: DocumentEvent['type']; at?: string }[] = [
      { step: 'the collective discussion', history: reviewedHistory, command: discuss(), own: head, recorded: 'document.collectivelyDiscussed.v1' },
      { step: 'the issue', history: registeredHistory, command: issue(), own: head, recorded: 'document.issued.v1' },
      { step: 'the evaluation', history: issuedHistory, command: evaluate, own: issuingUnitReviewer, recorded: 'document.evaluated.v1' },
      { step: 'the clean-up decision', history: issuedHistory, command: decideCleanUp, own: head, recorded: 'document.cleanUpDecided.v1' },
      {
        step: 'the abolition',
        history: [...issuedHistory, cleanUpDecided('abolish')],
        command: abolish,
        own: head,
        recorded: 'document.abolished.v1',
      },
      {
        step: 'the expiry',
        history: issuedHistory,
        command: { kind: 'recordExpiry', documentId },
        own: issuingUnitReviewer,
        recorded: 'document.expired.v1',
        at: afterValidity,
      },
    ];
    for (const { step, history, command, own, recorded, at } of cases) {
      it(`rejects ${step} by a head or legal reviewer of another unit, and accepts it from the issuing unit`, function () {
        const moment = at ?? now;
        given(documentDecider, history).when(command, { now: moment, actor: otherHead }).thenThrows(NotPermitted, { code: 'subject.not-permitted' });
        given(documentDecider, history).when(command, { now: moment, actor: otherReviewer }).thenThrows(NotPermitted);
        given(documentDecider, history).when(command, { now: moment, actor: { ...own, unitId: null } }).thenThrows(NotPermitted);
        given(documentDecider, history).when(command, { now: moment, actor: own }).thenTypes(recorded);
      });
    }

    it('lets the drafting unit’s clerk draft for another authority, recording both units', function () {
      const [event] = given(documentDecider)
        .when({ kind: 'draft', documentId, title: 'x', issuingUnitId: 'sz-zhengfu', textSha256: textV1, affectsBusiness: false, summary: null }, asClerk)
        .thenTypes('document.drafted.v1');
      expect(event?.data).to.include({ draftingUnitId, issuingUnitId: 'sz-zhengfu' });
    });
  });

  describe('when the legality review is recorded by someone who wrote the text', function () {
    it('rejects the person who recorded the draft', function () {
      given(documentDecider, commentedHistory)
        .when(review(), { now, actor: { ...reviewer, personId: clerk.personId } })
        .thenThrows(NotPermitted);
    });

    it('rejects a person who recorded a revision of it', function () {
      const reviser = { ...clerk, personId: 'person-clerk-3' };
      const revision = { type: 'document.draftRevised.v1', data: { documentId, title: 't', textSha256: textV2, reason: 'x' }, actor: reviser } as const;
      given(documentDecider, [draftedByClerk, revision, solicited, commentClosed])
        .when(review(), { now, actor: { ...reviewer, personId: reviser.personId } })
        .thenThrows(NotPermitted);
    });

    it('accepts a reviewer of any unit who did not write it (no unit is bound to a legal office yet)', function () {
      given(documentDecider, commentedHistory)
        .when(review(), { now, actor: otherReviewer })
        .thenTypes('document.legalityReviewed.v1');
    });
  });

  describe('when a step names the persons who did it', function () {
    it('rejects a collective discussion presided by someone other than the head recording it', function () {
      given(documentDecider, reviewedHistory)
        .when({ ...discuss(), presidedBy: 'person-head-3' }, asHead)
        .thenThrows(NotPermitted, { fields: [['presidedBy']] });
    });

    it('accepts the recording head naming themself as presiding', function () {
      given(documentDecider, reviewedHistory).when({ ...discuss('2026-02-20'), presidedBy: head.personId }, asHead).then([discussed('approved')]);
    });

    it('rejects evaluators that do not include the person recording the evaluation', function () {
      given(documentDecider, issuedHistory)
        .when(
          { kind: 'evaluate', documentId, evaluatedOn: '2026-03-02', evaluatorIds: ['person-a', 'person-b'], findings: 'x', recommendation: 'retain' },
          asIssuingUnitReviewer,
        )
        .thenThrows(NotPermitted, { fields: [['evaluatorIds']] });
    });

    it('records several evaluators when the person recording is one of them', function () {
      const evaluatorIds = ['person-a', issuingUnitReviewer.personId];
      const [event] = given(documentDecider, issuedHistory)
        .when({ kind: 'evaluate', documentId, evaluatedOn: '2026-03-02', evaluatorIds, findings: 'x', recommendation: 'retain' }, asIssuingUnitReviewer)
        .thenTypes('document.evaluated.v1');
      expect(event?.data).to.deep.include({ evaluatorIds });
    });
  });

  describe('when a step is dated after today', function () {
    const tomorrow = '2026-03-03';
    const cases: { field: (string | number)[]; history: DocumentEvent[]; command: DocumentCommand; actor: typeof clerk }[] = [
      { field: ['openedOn'], history: draftedHistory, command: { ...solicit, openedOn: tomorrow, closesOn: '2026-04-03' }, actor: clerk },
      {
        field: ['closedOn'],
        history: solicitingHistory,
        command: { kind: 'closeComment', documentId, closedOn: tomorrow, opinionsReceived: 0, adoptionSummary: '无' },
        actor: clerk,
      },
      { field: ['completedOn'], history: commentedHistory, command: { ...review(), completedOn: tomorrow }, actor: reviewer },
      { field: ['meeting', 'heldOn'], history: reviewedHistory, command: discuss(tomorrow), actor: head },
      { field: ['issuedOn'], history: registeredHistory, command: issue({ issuedOn: tomorrow, effectiveFrom: tomorrow }), actor: head },
      {
        field: ['filedOn'],
        history: issuedHistory,
        command: { kind: 'file', documentId, filedOn: tomorrow, filedWith: 'x', filedWithUnitId: null, reference: null },
        actor: clerk,
      },
      {
        field: ['evaluatedOn'],
        history: issuedHistory,
        command: { kind: 'evaluate', documentId, evaluatedOn: tomorrow, findings: 'x', recommendation: 'retain' },
        actor: head,
      },
      {
        field: ['decidedOn'],
        history: issuedHistory,
        command: { kind: 'decideCleanUp', documentId, decidedOn: tomorrow, decision: 'retain', reason: 'x', cleanUpRound: null },
        actor: head,
      },
    ];
    for (const { field, history, command, actor } of cases) {
      it(`rejects ${field.join('.')}`, function () {
        given(documentDecider, history).when(command, { now, actor }).thenThrows(DateOutOfOrder, { fields: [field] });
      });
    }

    it('accepts an abolition taking effect later (abolishedOn is the first day no longer valid)', function () {
      given(documentDecider, [...issuedHistory, cleanUpDecided('abolish')])
        .when({ kind: 'abolish', documentId, abolishedOn: '2026-04-01', reason: 'x', replacedByDocumentId: null }, asHead)
        .thenTypes('document.abolished.v1');
    });
  });

  describe('when a step is dated before the step it follows', function () {
    it('rejects a review submitted before the comment period closed', function () {
      given(documentDecider, commentedHistory)
        .when({ ...review(), submittedOn: '2026-02-03' }, asReviewer)
        .thenThrows(DateOutOfOrder, { fields: [['submittedOn']], article: ARTICLES.steps });
    });

    it('rejects opinions sought again before the previous period closed', function () {
      given(documentDecider, commentedHistory)
        .when({ ...solicit, openedOn: '2026-02-03', closesOn: '2026-03-01' }, asClerk)
        .thenThrows(DateOutOfOrder, { fields: [['openedOn']] });
    });

    it('rejects a meeting held before the meeting that deferred the text', function () {
      given(documentDecider, [...reviewedHistory, discussed('deferred', '2026-02-20')])
        .when(discuss('2026-02-19'), asHead)
        .thenThrows(DateOutOfOrder, { fields: [['meeting', 'heldOn']] });
    });

    it('rejects an evaluation dated before the issue', function () {
      given(documentDecider, issuedHistory)
        .when({ kind: 'evaluate', documentId, evaluatedOn: '2026-02-24', findings: 'x', recommendation: 'retain' }, asHead)
        .thenThrows(DateOutOfOrder, { fields: [['evaluatedOn']] });
    });

    it('rejects a clean-up decision dated before the previous one', function () {
      given(documentDecider, [...issuedHistory, cleanUpDecided('retain', '2026-03-01')])
        .when({ kind: 'decideCleanUp', documentId, decidedOn: '2026-02-28', decision: 'abolish', reason: 'x', cleanUpRound: null }, asHead)
        .thenThrows(DateOutOfOrder, { fields: [['decidedOn']] });
    });
  });
});
