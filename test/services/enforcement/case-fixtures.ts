import type { Actor } from '@quanze/events';
import type {
  CaseEvent,
  CertificateFact,
  PersonFacts,
  UnitFacts,
} from '../../../services/enforcement/src/case-decider.js';

// 尚志市市场监督管理局 handles the cases; 尚志市公安局 receives the transfers. Times are UTC; China is UTC+8.

export const UNIT = 'unit-scjgj';
export const OTHER_UNIT = 'unit-hbj';
export const POLICE = 'unit-gaj';
export const OTHER_POLICE = 'unit-gaj-yabuli';
export const COURT = 'unit-fy';
export const PROCURATORATE = 'unit-jcy';
export const CASE_ID = 'case-2026-17';
export const TRANSFER_ID = 'transfer-1';

/** 2026-03-02 09:00 in 尚志. */
export const NOW = '2026-03-02T01:00:00.000Z';
export const TODAY = '2026-03-02';

export const clerk: Actor = { personId: 'person-clerk', postId: 'post-clerk', unitId: UNIT };
export const head: Actor = { personId: 'person-head', postId: 'post-head', unitId: UNIT };
export const reviewer: Actor = { personId: 'person-reviewer', postId: 'post-fzk', unitId: UNIT };
export const otherClerk: Actor = { personId: 'person-other', postId: 'post-other', unitId: OTHER_UNIT };
export const policeOfficer: Actor = { personId: 'person-police', postId: 'post-police', unitId: POLICE };
export const otherPoliceOfficer: Actor = { personId: 'person-police-2', postId: 'post-police-2', unitId: OTHER_POLICE };
export const courtClerk: Actor = { personId: 'person-court', postId: 'post-court', unitId: COURT };

export const hash = (character: string) => character.repeat(64);

export function certificate(certificateId: string, overrides: Partial<CertificateFact> = {}): CertificateFact {
  return {
    certificateId,
    scope: '市场监管',
    issuingUnitId: 'unit-fzb',
    validFrom: '2024-01-01',
    validUntil: '2028-12-31',
    revokedOn: null,
    ...overrides,
  };
}

export function person(personId: string, ...certificates: CertificateFact[]): PersonFacts {
  return { personId, certificates: certificates.length === 0 ? [certificate(`cert-${personId}`)] : certificates };
}

/** The certificates of the team `officersAssigned` records, as their person streams hold them: valid until 2028. */
export const teamFacts: Readonly<Record<string, PersonFacts>> = {
  'person-a': person('person-a'),
  'person-b': person('person-b'),
};

export function unitFacts(unitId: string, kind: string, endedOn: string | null = null): UnitFacts {
  return { unitId, kind, endedOn };
}

type DataOf<TType extends CaseEvent['type']> = Extract<CaseEvent, { type: TType }>['data'];

export function opened(overrides: Partial<DataOf<'case.opened.v1'>> = {}): CaseEvent {
  return {
    type: 'case.opened.v1',
    data: {
      caseId: CASE_ID,
      unitId: UNIT,
      title: '某某商贸有限公司销售不合格产品案',
      enforcementKind: 'penalty',
      major: false,
      party: { kind: 'legal-person', name: '尚志市某某商贸有限公司', reference: null },
      legalBasis: [{ kind: 'law', title: '中华人民共和国产品质量法', article: '第49条' }],
      openedOn: '2026-02-02',
      records: [],
      ...overrides,
    },
  };
}

export function officer(personId: string) {
  return {
    personId,
    certificateId: `cert-${personId}`,
    certificateValidUntil: '2028-12-31',
    issuingUnitId: 'unit-fzb',
    scope: '市场监管',
  };
}

export const officersAssigned: CaseEvent = {
  type: 'case.officersAssigned.v1',
  data: { caseId: CASE_ID, officers: [officer('person-a'), officer('person-b')], assignedOn: '2026-02-03' },
};

export function rightsNotified(hearingOffered = false): CaseEvent {
  return {
    type: 'case.rightsNotified.v1',
    data: { caseId: CASE_ID, intendedPenalty: '罚款人民币二万元', hearingOffered, notifiedOn: '2026-02-20', records: [] },
  };
}

export const hearingRequested: CaseEvent = {
  type: 'case.hearingRequested.v1',
  data: { caseId: CASE_ID, requestedOn: '2026-02-21', records: [] },
};

export function legalReviewed(outcome: 'passed' | 'failed'): CaseEvent {
  return {
    type: 'case.legalReviewed.v1',
    data: {
      caseId: CASE_ID,
      reviewedBy: reviewer.personId,
      outcome,
      opinion: outcome === 'passed' ? '事实清楚，证据充分，适用依据正确' : '证据不足',
      reviewedOn: '2026-02-25',
      records: [],
    },
  };
}

export const fine = { kind: 'fine' as const, amountFen: 2_000_000, description: null };

export function decided(outcome: 'penalty' | 'no-penalty' = 'penalty'): CaseEvent {
  return {
    type: 'case.decided.v1',
    data: {
      caseId: CASE_ID,
      decidedBy: head.personId,
      outcome,
      penalties: outcome === 'penalty' ? [fine] : [],
      legalBasis: [{ kind: 'law', title: '中华人民共和国产品质量法', article: '第49条' }],
      decisionNumber: '尚市监处字〔2026〕17号',
      decisionTextSha256: hash('d'),
      collectiveDiscussion: null,
      decidedOn: '2026-02-26',
      records: [],
    },
  };
}

export const published: CaseEvent = {
  type: 'case.published.v1',
  data: {
    caseId: CASE_ID,
    publishedOn: '2026-02-27',
    deadlineWorkingDays: 7,
    channel: 'website',
    reference: 'http://www.shangzhi.gov.cn/xzcf/2026/17',
    summary: '某某商贸有限公司销售不合格产品，罚款二万元',
  },
};

export const executed: CaseEvent = {
  type: 'case.executed.v1',
  data: { caseId: CASE_ID, manner: 'voluntary', paidFen: 2_000_000, executedOn: '2026-02-28', records: [] },
};

export const crimeSuspected: CaseEvent = {
  type: 'case.crimeSuspected.v1',
  data: { caseId: CASE_ID, grounds: '销售金额超过五万元', suspectedOn: '2026-02-10' },
};

export function appraisalRecorded(): CaseEvent {
  return {
    type: 'case.evidenceRecorded.v1',
    data: {
      caseId: CASE_ID,
      evidenceId: 'evidence-appraisal',
      kind: 'appraisal',
      title: '产品质量检验报告',
      sha256: hash('e'),
      collectedBy: 'person-a',
      recordedOn: '2026-02-08',
    },
  };
}

export function transferReported(receivingAuthority = { unitId: POLICE, kind: 'public-security' as const }): CaseEvent {
  return {
    type: 'case.transferReported.v1',
    data: {
      caseId: CASE_ID,
      transferId: TRANSFER_ID,
      receivingAuthority,
      suspectedOffence: '销售伪劣产品罪',
      reportingOfficerIds: ['person-a', 'person-b'],
      reportedAt: '2026-02-10T02:00:00.000Z',
      records: [],
    },
  };
}

export const transferApproved: CaseEvent = {
  type: 'case.transferApproved.v1',
  data: { caseId: CASE_ID, transferId: TRANSFER_ID, approvedBy: head.personId, approvedAt: '2026-02-11T02:00:00.000Z' },
};

export const transferRefused: CaseEvent = {
  type: 'case.transferRefused.v1',
  data: { caseId: CASE_ID, transferId: TRANSFER_ID, refusedBy: head.personId, reasons: '未达追诉标准', refusedAt: '2026-02-11T02:00:00.000Z' },
};

export const materials = [
  { kind: 'transfer-letter' as const, title: '涉嫌犯罪案件移送书', sha256: hash('1') },
  { kind: 'investigation-report' as const, title: '涉嫌犯罪案件情况的调查报告', sha256: hash('2') },
  { kind: 'seized-items-inventory' as const, title: '涉案物品清单', sha256: hash('3') },
];

export const transferred: CaseEvent = {
  type: 'case.transferred.v1',
  data: {
    caseId: CASE_ID,
    transferId: TRANSFER_ID,
    fromUnitId: UNIT,
    receivingAuthority: { unitId: POLICE, kind: 'public-security' },
    suspectedOffence: '销售伪劣产品罪',
    approvedBy: head.personId,
    approvedAt: '2026-02-11T02:00:00.000Z',
    reportingOfficerIds: ['person-a', 'person-b'],
    materials,
  },
};

export const transferReceived: CaseEvent = {
  type: 'case.transferReceived.v1',
  data: {
    caseId: CASE_ID,
    transferId: TRANSFER_ID,
    unitId: POLICE,
    receivedBy: policeOfficer.personId,
    receivedAt: '2026-02-11T08:00:00.000Z',
    receiptNumber: null,
  },
};

export const transferAccepted: CaseEvent = {
  type: 'case.transferAccepted.v1',
  data: {
    caseId: CASE_ID,
    transferId: TRANSFER_ID,
    unitId: POLICE,
    acceptedBy: policeOfficer.personId,
    criminalCaseNumber: null,
    acceptedAt: '2026-02-12T08:00:00.000Z',
  },
};

export const transferReturned: CaseEvent = {
  type: 'case.transferReturned.v1',
  data: {
    caseId: CASE_ID,
    transferId: TRANSFER_ID,
    unitId: POLICE,
    returnedBy: policeOfficer.personId,
    reasons: '没有犯罪事实',
    returnedAt: '2026-02-12T08:00:00.000Z',
  },
};

export const reconsiderationRequested: CaseEvent = {
  type: 'case.reconsiderationRequested.v1',
  data: { caseId: CASE_ID, transferId: TRANSFER_ID, reasons: '检验报告证明销售金额已达标准', requestedAt: '2026-02-13T02:00:00.000Z', records: [] },
};

export const refusalUpheld: CaseEvent = {
  type: 'case.reconsiderationAnswered.v1',
  data: {
    caseId: CASE_ID,
    transferId: TRANSFER_ID,
    unitId: POLICE,
    answeredBy: policeOfficer.personId,
    outcome: 'refusal-upheld',
    reasons: '维持不予立案决定',
    answeredAt: '2026-02-14T02:00:00.000Z',
  },
};

/** The case up to a decided penalty: opened, officers, notice, decision. */
export const decidedCase: readonly CaseEvent[] = [opened(), officersAssigned, rightsNotified(), decided()];

/** The case up to a transfer received by the police. */
export const receivedTransfer: readonly CaseEvent[] = [
  opened(),
  officersAssigned,
  transferReported(),
  transferApproved,
  transferred,
  transferReceived,
];
