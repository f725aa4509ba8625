import type { Actor, DocumentNumber } from '@quanze/events';
import type { DocumentEvent, RecordedDocumentEvent } from '@quanze/documents';

/** A document of 尚志市人民政府 (issuing unit, code 尚政) drafted by its legal affairs office (法制办). */
export const documentId = 'doc-1';
export const draftingUnitId = 'unit-fzb';
export const issuingUnitId = 'unit-gov';
export const textV1 = 'a'.repeat(64);
export const textV2 = 'b'.repeat(64);

export const clerk: Actor = { personId: 'person-clerk', postId: 'post-clerk', unitId: draftingUnitId };
export const otherUnitClerk: Actor = { personId: 'person-clerk-2', postId: 'post-clerk-2', unitId: 'unit-other' };
export const reviewer: Actor = { personId: 'person-reviewer', postId: 'post-reviewer', unitId: 'unit-legal' };
export const head: Actor = { personId: 'person-head', postId: 'post-mayor', unitId: issuingUnitId };
/** A legal reviewer of the issuing unit: may evaluate and clean up its documents. */
export const issuingUnitReviewer: Actor = { personId: 'person-reviewer-gov', postId: 'post-reviewer-gov', unitId: issuingUnitId };
/** A head and a legal reviewer of another authority (市环保局): they decide nothing on the government's documents. */
export const otherHead: Actor = { personId: 'person-head-2', postId: 'post-head-2', unitId: 'unit-hbj' };
export const otherReviewer: Actor = { personId: 'person-reviewer-2', postId: 'post-reviewer-2', unitId: 'unit-hbj' };

/** 2026-03-02 17:00 in China. */
export const now = '2026-03-02T09:00:00.000Z';
export const today = '2026-03-02';

export const number: DocumentNumber = { authorityCode: '尚政', year: 2026, serial: 3, formatted: '尚政规〔2026〕3号' };

export const drafted = {
  type: 'document.drafted.v1',
  data: {
    documentId,
    title: '尚志市行政执法公示办法',
    draftingUnitId,
    issuingUnitId,
    textSha256: textV1,
    affectsBusiness: true,
    summary: null,
  },
} as const satisfies DocumentEvent;

/** The draft as the store hands it back: its envelope names the clerk who drafted it. */
export const draftedByClerk = { ...drafted, actor: clerk } as const satisfies RecordedDocumentEvent;

export const solicited = {
  type: 'document.commentSolicited.v1',
  data: {
    documentId,
    openedOn: '2026-01-05',
    closesOn: '2026-02-04',
    public: true,
    consultedUnitIds: [],
    notice: '尚志市人民政府门户网站 征求意见公告',
    affectsBusiness: true,
    shortPeriodReason: null,
    textSha256: textV1,
  },
} as const satisfies DocumentEvent;

export const commentClosed = {
  type: 'document.commentClosed.v1',
  data: { documentId, closedOn: '2026-02-04', opinionsReceived: 3, adoptionSummary: '采纳2条,未采纳1条并说明理由' },
} as const satisfies DocumentEvent;

export function reviewed(outcome: 'passed' | 'failed', textSha256: string = textV1) {
  return {
    type: 'document.legalityReviewed.v1',
    data: {
      documentId,
      reviewerId: reviewer.personId,
      submittedOn: '2026-02-05',
      completedOn: '2026-02-13',
      outcome,
      opinion: outcome === 'passed' ? '合法' : '第五条超越职权',
      textSha256,
    },
  } as const satisfies DocumentEvent;
}

export function discussed(outcome: 'approved' | 'not-approved' | 'deferred', heldOn = '2026-02-20') {
  return {
    type: 'document.collectivelyDiscussed.v1',
    data: {
      documentId,
      meeting: { kind: 'standing', heldOn },
      presidedBy: head.personId,
      outcome,
      notes: null,
      textSha256: textV1,
    },
  } as const satisfies DocumentEvent;
}

export const registered = {
  type: 'document.registered.v1',
  data: { documentId, issuingUnitId, number, registeredOn: '2026-02-24', textSha256: textV1 },
} as const satisfies DocumentEvent;

export const publications = [{ channel: 'website', reference: 'http://www.shangzhi.gov.cn/zwgk/2026/3' }] as const;

export const issued = {
  type: 'document.issued.v1',
  data: {
    documentId,
    number,
    title: '尚志市行政执法公示办法',
    issuingUnitId,
    signedBy: head.personId,
    issuedOn: '2026-02-25',
    effectiveFrom: '2026-03-01',
    validUntil: '2031-02-28',
    textSha256: textV1,
    publications: [...publications],
  },
} as const satisfies DocumentEvent;

export function cleanUpDecided(decision: 'retain' | 'revise' | 'abolish', decidedOn = '2026-03-01') {
  return {
    type: 'document.cleanUpDecided.v1',
    data: { documentId, decidedOn, decision, reason: '上位法修改', cleanUpRound: null },
  } as const satisfies DocumentEvent;
}

export const abolished = {
  type: 'document.abolished.v1',
  data: { documentId, number, abolishedOn: '2026-03-02', reason: '上位法修改', replacedByDocumentId: null },
} as const satisfies DocumentEvent;

export const draftedHistory: DocumentEvent[] = [draftedByClerk];
export const solicitingHistory: DocumentEvent[] = [draftedByClerk, solicited];
export const commentedHistory: DocumentEvent[] = [draftedByClerk, solicited, commentClosed];
export const reviewedHistory: DocumentEvent[] = [...commentedHistory, reviewed('passed')];
export const approvedHistory: DocumentEvent[] = [...reviewedHistory, discussed('approved')];
export const registeredHistory: DocumentEvent[] = [...approvedHistory, registered];
export const issuedHistory: DocumentEvent[] = [...registeredHistory, issued];
