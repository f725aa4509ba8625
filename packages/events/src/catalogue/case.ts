import { z } from 'zod';
import { defineEvent } from '../definition.js';
import { CalendarDate, Id, Instant, Sha256, Text } from '../primitives.js';

/** 第6条 of 国务院令第310号: what a transfer of a suspected crime must carry. */
export const TransferMaterialKind = z.enum([
  'transfer-letter', // 涉嫌犯罪案件移送书
  'investigation-report', // 涉嫌犯罪案件情况的调查报告
  'seized-items-inventory', // 涉案物品清单
  'appraisal-report', // 有关检验报告或者鉴定结论
  'other', // 其他有关涉嫌犯罪的材料
]);

export const ReceivingAuthorityKind = z.enum(['public-security', 'procuratorate', 'court']);

/** 行政执法与刑事司法衔接: an enforcement case transferred to a judicial authority. */
export const CaseTransferredV1 = z
  .object({
    caseId: Id,
    transferId: Id,
    fromUnitId: Id,
    receivingAuthority: z.object({ unitId: Id, kind: ReceivingAuthorityKind }),
    suspectedOffence: Text(500),
    /** 第5条: the head who approved the transfer; the transfer follows within 24 hours. */
    approvedBy: Id,
    approvedAt: z.iso.datetime({ offset: false }),
    /** The officers (at least two) who reported the case for transfer. */
    reportingOfficerIds: z.array(Id).min(2, 'a transfer is reported by at least two officers (310号 第5条)'),
    materials: z
      .array(z.object({ kind: TransferMaterialKind, title: Text(300), sha256: Sha256 }))
      .min(1),
  })
  .describe('case.transferred.v1 — 涉嫌犯罪案件移送');

export const caseTransferredV1 = defineEvent('case.transferred.v1', CaseTransferredV1);
export type CaseTransferredV1 = z.infer<typeof CaseTransferredV1>;

// ---------------------------------------------------------------------------------------------------------------
// The rest of an enforcement case (行政执法案件), in the order of 行政处罚法 (2021) and 国务院令第310号.
// Every stage carries its whole-process record (全过程记录, 行政处罚法 第47条) as content hashes.
// ---------------------------------------------------------------------------------------------------------------

/** A written or audio-video record of a stage, fixed by its hash; the file itself is kept outside the ledger. */
export const CaseRecordAttachment = z.object({ title: Text(300), sha256: Sha256 });
export type CaseRecordAttachment = z.infer<typeof CaseRecordAttachment>;

const records = z.array(CaseRecordAttachment).max(100).default([]);

/**
 * A cited document of ours by its number, e.g. 尚政规〔2017〕3号 or 尚政发〔2016〕12号: whether it was valid on the
 * day is not checked here; read models flag a citation of a document off the list of valid documents.
 */
export const CaseCitedDocumentNumber = z
  .string()
  .regex(/^\p{Script=Han}{1,10}〔[0-9]{4}〕[1-9][0-9]*号$/u, 'a document number is <机关代字…>〔<year>〕<serial>号');

/** 法律依据: a law, regulation or rule by title, or one of our documents by number. */
export const CaseLegalBasisEntry = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('document'), // 规范性文件
    documentNumber: CaseCitedDocumentNumber,
    article: Text(100).nullable().default(null),
  }),
  z.object({
    kind: z.enum(['law', 'administrative-regulation', 'local-regulation', 'rule']), // 法律、行政法规、地方性法规、规章
    title: Text(300),
    article: Text(100).nullable().default(null),
  }),
]);
export type CaseLegalBasisEntry = z.infer<typeof CaseLegalBasisEntry>;

const legalBasis = z.array(CaseLegalBasisEntry).min(1, 'at least one legal basis (法律依据)').max(50);

/**
 * 当事人. Natural persons and individual businesses are citizens: their name is kept for the file and never
 * published; organisations are published by name. `reference` is an id of the party elsewhere (a register entry).
 */
export const CaseParty = z
  .object({
    kind: z.enum(['natural-person', 'individual-business', 'legal-person', 'other-organization']),
    name: Text(200).nullable().default(null),
    reference: Id.nullable().default(null),
  })
  .refine((party) => party.name !== null || party.reference !== null, {
    path: ['name'],
    message: 'a party is named or referenced by id',
  });
export type CaseParty = z.infer<typeof CaseParty>;

/** 行政处罚 for penalty cases (公示 within 7 working days), 行政强制 and other enforcement (20 working days). */
export const CaseEnforcementKind = z.enum(['penalty', 'compulsory-measure', 'other']);

export const CaseOpenedV1 = z
  .object({
    caseId: Id,
    unitId: Id,
    title: Text(300),
    enforcementKind: CaseEnforcementKind,
    /** 重大案件: decided only after a passed legal review (法制审核) and collectively (行政处罚法 第57、58条). */
    major: z.boolean(),
    party: CaseParty,
    legalBasis,
    /** 立案 date; the 90-day decision deadline (行政处罚法 第60条) runs from it. */
    openedOn: CalendarDate,
    records,
  })
  .describe('case.opened.v1 — 立案');
export const caseOpenedV1 = defineEvent('case.opened.v1', CaseOpenedV1);
export type CaseOpenedV1 = z.infer<typeof CaseOpenedV1>;

/** 执法人员: a person with the certificate they showed, as the certificate read on the day (持证上岗). */
export const CaseOfficer = z.object({
  personId: Id,
  certificateId: Id,
  certificateValidUntil: CalendarDate.nullable(),
  issuingUnitId: Id.nullable(),
  scope: Text(300).nullable(),
});
export type CaseOfficer = z.infer<typeof CaseOfficer>;

export const CaseOfficersAssignedV1 = z
  .object({
    caseId: Id,
    /** The whole team from now on (it replaces an earlier one): at least two (行政处罚法 第42、55条). */
    officers: z.array(CaseOfficer).min(2).max(20),
    assignedOn: CalendarDate,
  })
  .describe('case.officersAssigned.v1 — 指派执法人员');
export const caseOfficersAssignedV1 = defineEvent('case.officersAssigned.v1', CaseOfficersAssignedV1);
export type CaseOfficersAssignedV1 = z.infer<typeof CaseOfficersAssignedV1>;

/** `appraisal` (检验、鉴定) makes an appraisal report a required material of a later transfer (310号 第6条). */
export const CaseEvidenceKind = z.enum([
  'documentary', // 书证
  'physical', // 物证
  'audio-video', // 视听资料
  'electronic-data', // 电子数据
  'witness-statement', // 证人证言
  'party-statement', // 当事人的陈述
  'appraisal', // 鉴定意见、检验报告
  'inspection-record', // 勘验笔录、现场笔录
]);

export const CaseEvidenceRecordedV1 = z
  .object({
    caseId: Id,
    evidenceId: Id,
    kind: CaseEvidenceKind,
    title: Text(300),
    sha256: Sha256,
    /** The officer who collected it, who may not be the clerk recording it. */
    collectedBy: Id,
    recordedOn: CalendarDate,
  })
  .describe('case.evidenceRecorded.v1 — 证据 (全过程记录)');
export const caseEvidenceRecordedV1 = defineEvent('case.evidenceRecorded.v1', CaseEvidenceRecordedV1);
export type CaseEvidenceRecordedV1 = z.infer<typeof CaseEvidenceRecordedV1>;

export const CaseRightsNotifiedV1 = z
  .object({
    caseId: Id,
    /** 告知: the intended penalty, its facts, reasons and basis, and the party's rights (行政处罚法 第44条). */
    intendedPenalty: Text(2000),
    /** 听证: offered where 行政处罚法 第63条 gives the right to a hearing. */
    hearingOffered: z.boolean(),
    notifiedOn: CalendarDate,
    records,
  })
  .describe('case.rightsNotified.v1 — 告知');
export const caseRightsNotifiedV1 = defineEvent('case.rightsNotified.v1', CaseRightsNotifiedV1);
export type CaseRightsNotifiedV1 = z.infer<typeof CaseRightsNotifiedV1>;

export const CaseHearingRequestedV1 = z
  .object({ caseId: Id, requestedOn: CalendarDate, records })
  .describe('case.hearingRequested.v1 — 当事人要求听证');
export const caseHearingRequestedV1 = defineEvent('case.hearingRequested.v1', CaseHearingRequestedV1);
export type CaseHearingRequestedV1 = z.infer<typeof CaseHearingRequestedV1>;

export const CaseHearingHeldV1 = z
  .object({
    caseId: Id,
    /** 听证主持人: not one of the investigating officers (行政处罚法 第64条). */
    presidedBy: Id,
    heldOn: CalendarDate,
    records,
  })
  .describe('case.hearingHeld.v1 — 听证');
export const caseHearingHeldV1 = defineEvent('case.hearingHeld.v1', CaseHearingHeldV1);
export type CaseHearingHeldV1 = z.infer<typeof CaseHearingHeldV1>;

export const CaseLegalReviewedV1 = z
  .object({
    caseId: Id,
    reviewedBy: Id,
    outcome: z.enum(['passed', 'failed']),
    opinion: Text(5000),
    reviewedOn: CalendarDate,
    records,
  })
  .describe('case.legalReviewed.v1 — 法制审核');
export const caseLegalReviewedV1 = defineEvent('case.legalReviewed.v1', CaseLegalReviewedV1);
export type CaseLegalReviewedV1 = z.infer<typeof CaseLegalReviewedV1>;

/** 行政处罚的种类 (行政处罚法 第9条). */
export const CasePenaltyKind = z.enum([
  'warning', // 警告
  'circulated-criticism', // 通报批评
  'fine', // 罚款
  'confiscation', // 没收违法所得、没收非法财物
  'qualification-downgrade', // 降低资质等级
  'licence-revocation', // 暂扣、吊销许可证件
  'activity-restriction', // 限制开展生产经营活动
  'suspension-of-business', // 责令停产停业
  'closure', // 责令关闭
  'employment-restriction', // 限制从业
  'detention', // 行政拘留
  'other',
]);

export const CasePenalty = z
  .object({
    kind: CasePenaltyKind,
    /** In 分 (1/100 yuan), so that sums are exact; for fines and confiscations only. */
    amountFen: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).nullable().default(null),
    description: Text(500).nullable().default(null),
  })
  .refine((penalty) => (penalty.kind === 'fine') === (penalty.amountFen !== null) || penalty.kind === 'confiscation', {
    path: ['amountFen'],
    message: 'a fine has an amount; other penalties but confiscation have none',
  });
export type CasePenalty = z.infer<typeof CasePenalty>;

export const CaseDecidedV1 = z
  .object({
    caseId: Id,
    /** 行政机关负责人 who decided. */
    decidedBy: Id,
    outcome: z.enum(['penalty', 'no-penalty']),
    penalties: z.array(CasePenalty).max(10),
    legalBasis,
    /** 处罚决定书 by its number and content hash. */
    decisionNumber: Text(100),
    decisionTextSha256: Sha256,
    /** 集体讨论决定 (行政处罚法 第57条), null when the case was not discussed collectively. */
    collectiveDiscussion: z.object({ meetingId: Id, heldOn: CalendarDate }).nullable(),
    decidedOn: CalendarDate,
    records,
  })
  .refine((decision) => (decision.outcome === 'penalty') === (decision.penalties.length > 0), {
    path: ['penalties'],
    message: 'a penalty decision names its penalties; a no-penalty decision none',
  })
  .describe('case.decided.v1 — 行政处罚决定');
export const caseDecidedV1 = defineEvent('case.decided.v1', CaseDecidedV1);
export type CaseDecidedV1 = z.infer<typeof CaseDecidedV1>;

export const CasePublishedV1 = z
  .object({
    caseId: Id,
    publishedOn: CalendarDate,
    /** The working days 国办发〔2018〕118号 allows after the decision: 7 for penalties, 20 for other decisions. */
    deadlineWorkingDays: z.number().int().positive(),
    channel: z.enum(['website', 'gazette', 'credit-platform', 'other']),
    reference: Text(500),
    /** The text published, written without personal data of citizens. */
    summary: Text(2000),
  })
  .describe('case.published.v1 — 执法决定公示');
export const casePublishedV1 = defineEvent('case.published.v1', CasePublishedV1);
export type CasePublishedV1 = z.infer<typeof CasePublishedV1>;

export const CaseDecisionChangedV1 = z
  .object({
    caseId: Id,
    change: z.enum(['changed', 'revoked', 'annulled']), // 变更、撤销、确认无效
    by: z.enum(['self-correction', 'administrative-reconsideration', 'court-judgment']),
    reasons: Text(5000),
    /** The changed decision's text, when the decision was changed rather than revoked. */
    newDecisionTextSha256: Sha256.nullable().default(null),
    changedOn: CalendarDate,
    /** A published decision must be withdrawn within 3 days (行政处罚法 第48条); read models flag it from here. */
    wasPublished: z.boolean(),
  })
  .describe('case.decisionChanged.v1 — 处罚决定变更、撤销、确认无效');
export const caseDecisionChangedV1 = defineEvent('case.decisionChanged.v1', CaseDecisionChangedV1);
export type CaseDecisionChangedV1 = z.infer<typeof CaseDecisionChangedV1>;

export const CasePublicationWithdrawnV1 = z
  .object({ caseId: Id, withdrawnOn: CalendarDate, reference: Text(500), reasons: Text(2000) })
  .describe('case.publicationWithdrawn.v1 — 撤下公示');
export const casePublicationWithdrawnV1 = defineEvent('case.publicationWithdrawn.v1', CasePublicationWithdrawnV1);
export type CasePublicationWithdrawnV1 = z.infer<typeof CasePublicationWithdrawnV1>;

export const CaseExecutedV1 = z
  .object({
    caseId: Id,
    manner: z.enum(['voluntary', 'compulsory', 'court-enforced']), // 自觉履行、强制执行、申请法院强制执行
    paidFen: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).nullable().default(null),
    executedOn: CalendarDate,
    records,
  })
  .describe('case.executed.v1 — 执行');
export const caseExecutedV1 = defineEvent('case.executed.v1', CaseExecutedV1);
export type CaseExecutedV1 = z.infer<typeof CaseExecutedV1>;

export const CaseCrimeSuspectedV1 = z
  .object({
    caseId: Id,
    /** Why the amount, circumstances or consequences may meet a criminal threshold (310号 第3条). */
    grounds: Text(2000),
    suspectedOn: CalendarDate,
  })
  .describe('case.crimeSuspected.v1 — 涉嫌犯罪');
export const caseCrimeSuspectedV1 = defineEvent('case.crimeSuspected.v1', CaseCrimeSuspectedV1);
export type CaseCrimeSuspectedV1 = z.infer<typeof CaseCrimeSuspectedV1>;

/** Where the case's transfers stood when it closed: with `suspectedCrime`, what flags 以罚代刑 (310号 第10条). */
export const CaseTransferOutcome = z.enum(['none', 'refused-by-head', 'pending', 'accepted', 'returned']);

export const CaseClosedV1 = z
  .object({
    caseId: Id,
    disposition: z.enum(['executed', 'no-penalty', 'transferred', 'terminated']), // 执行完毕、不予处罚、移送、终止
    reasons: Text(2000).nullable().default(null),
    closedOn: CalendarDate,
    suspectedCrime: z.boolean(),
    penaltyImposed: z.boolean(),
    transferOutcome: CaseTransferOutcome,
    records,
  })
  .describe('case.closed.v1 — 结案');
export const caseClosedV1 = defineEvent('case.closed.v1', CaseClosedV1);
export type CaseClosedV1 = z.infer<typeof CaseClosedV1>;

// --- 行政执法与刑事司法衔接 (国务院令第310号): the agency's side -------------------------------------------------

export const CaseReceivingAuthority = z.object({ unitId: Id, kind: ReceivingAuthorityKind });
export type CaseReceivingAuthority = z.infer<typeof CaseReceivingAuthority>;

export const CaseTransferReportedV1 = z
  .object({
    caseId: Id,
    transferId: Id,
    receivingAuthority: CaseReceivingAuthority,
    suspectedOffence: Text(500),
    /** 专案组: at least two of the case's officers report to the head (第5条); the head decides within 3 days. */
    reportingOfficerIds: z.array(Id).min(2),
    reportedAt: Instant,
    records,
  })
  .describe('case.transferReported.v1 — 移送报告');
export const caseTransferReportedV1 = defineEvent('case.transferReported.v1', CaseTransferReportedV1);
export type CaseTransferReportedV1 = z.infer<typeof CaseTransferReportedV1>;

export const CaseTransferApprovedV1 = z
  .object({ caseId: Id, transferId: Id, approvedBy: Id, approvedAt: Instant })
  .describe('case.transferApproved.v1 — 负责人批准移送');
export const caseTransferApprovedV1 = defineEvent('case.transferApproved.v1', CaseTransferApprovedV1);
export type CaseTransferApprovedV1 = z.infer<typeof CaseTransferApprovedV1>;

export const CaseTransferRefusedV1 = z
  .object({ caseId: Id, transferId: Id, refusedBy: Id, reasons: Text(5000), refusedAt: Instant })
  .describe('case.transferRefused.v1 — 负责人不批准移送 (理由记录在案)');
export const caseTransferRefusedV1 = defineEvent('case.transferRefused.v1', CaseTransferRefusedV1);
export type CaseTransferRefusedV1 = z.infer<typeof CaseTransferRefusedV1>;

export const CaseReconsiderationRequestedV1 = z
  .object({ caseId: Id, transferId: Id, reasons: Text(5000), requestedAt: Instant, records })
  .describe('case.reconsiderationRequested.v1 — 提请复议 (310号 第9条)');
export const caseReconsiderationRequestedV1 = defineEvent('case.reconsiderationRequested.v1', CaseReconsiderationRequestedV1);
export type CaseReconsiderationRequestedV1 = z.infer<typeof CaseReconsiderationRequestedV1>;

export const CaseSupervisionRequestedV1 = z
  .object({ caseId: Id, transferId: Id, procuratorateUnitId: Id, reasons: Text(5000), requestedAt: Instant, records })
  .describe('case.supervisionRequested.v1 — 建议检察院立案监督 (310号 第9条)');
export const caseSupervisionRequestedV1 = defineEvent('case.supervisionRequested.v1', CaseSupervisionRequestedV1);
export type CaseSupervisionRequestedV1 = z.infer<typeof CaseSupervisionRequestedV1>;

// --- the receiving authority's side: recorded by its own users ---------------------------------------------------

export const CaseTransferReceivedV1 = z
  .object({ caseId: Id, transferId: Id, unitId: Id, receivedBy: Id, receivedAt: Instant, receiptNumber: Text(100).nullable().default(null) })
  .describe('case.transferReceived.v1 — 接受移送、回执 (310号 第7条)');
export const caseTransferReceivedV1 = defineEvent('case.transferReceived.v1', CaseTransferReceivedV1);
export type CaseTransferReceivedV1 = z.infer<typeof CaseTransferReceivedV1>;

export const CaseTransferForwardedV1 = z
  .object({
    caseId: Id,
    transferId: Id,
    fromUnitId: Id,
    to: CaseReceivingAuthority,
    forwardedBy: Id,
    reasons: Text(2000),
    forwardedAt: Instant,
  })
  .describe('case.transferForwarded.v1 — 不属管辖, 转送 (310号 第7条)');
export const caseTransferForwardedV1 = defineEvent('case.transferForwarded.v1', CaseTransferForwardedV1);
export type CaseTransferForwardedV1 = z.infer<typeof CaseTransferForwardedV1>;

export const CaseTransferAcceptedV1 = z
  .object({
    caseId: Id,
    transferId: Id,
    unitId: Id,
    acceptedBy: Id,
    /** 立案: the criminal case the authority opened. */
    criminalCaseNumber: Text(100).nullable().default(null),
    acceptedAt: Instant,
  })
  .describe('case.transferAccepted.v1 — 立案 (310号 第8条)');
export const caseTransferAcceptedV1 = defineEvent('case.transferAccepted.v1', CaseTransferAcceptedV1);
export type CaseTransferAcceptedV1 = z.infer<typeof CaseTransferAcceptedV1>;

export const CaseTransferReturnedV1 = z
  .object({ caseId: Id, transferId: Id, unitId: Id, returnedBy: Id, reasons: Text(5000), returnedAt: Instant })
  .describe('case.transferReturned.v1 — 不予立案, 退回 (310号 第8条)');
export const caseTransferReturnedV1 = defineEvent('case.transferReturned.v1', CaseTransferReturnedV1);
export type CaseTransferReturnedV1 = z.infer<typeof CaseTransferReturnedV1>;

export const CaseReconsiderationAnsweredV1 = z
  .object({
    caseId: Id,
    transferId: Id,
    unitId: Id,
    answeredBy: Id,
    outcome: z.enum(['case-opened', 'refusal-upheld']),
    /** Required when the refusal is upheld (第8、9条). */
    reasons: Text(5000).nullable(),
    answeredAt: Instant,
  })
  .describe('case.reconsiderationAnswered.v1 — 复议决定 (310号 第9条)');
export const caseReconsiderationAnsweredV1 = defineEvent('case.reconsiderationAnswered.v1', CaseReconsiderationAnsweredV1);
export type CaseReconsiderationAnsweredV1 = z.infer<typeof CaseReconsiderationAnsweredV1>;

export const CaseSeizedItemsHandedOverV1 = z
  .object({
    caseId: Id,
    transferId: Id,
    unitId: Id,
    receivedBy: Id,
    /** The inventory both sides signed. */
    inventorySha256: Sha256,
    handedOverOn: CalendarDate,
  })
  .describe('case.seizedItemsHandedOver.v1 — 涉案物品移交 (310号 第12条)');
export const caseSeizedItemsHandedOverV1 = defineEvent('case.seizedItemsHandedOver.v1', CaseSeizedItemsHandedOverV1);
export type CaseSeizedItemsHandedOverV1 = z.infer<typeof CaseSeizedItemsHandedOverV1>;

/** Every event of an enforcement case's stream: services/enforcement. */
export const caseEvents = [
  caseOpenedV1,
  caseOfficersAssignedV1,
  caseEvidenceRecordedV1,
  caseRightsNotifiedV1,
  caseHearingRequestedV1,
  caseHearingHeldV1,
  caseLegalReviewedV1,
  caseDecidedV1,
  casePublishedV1,
  caseDecisionChangedV1,
  casePublicationWithdrawnV1,
  caseExecutedV1,
  caseCrimeSuspectedV1,
  caseClosedV1,
  caseTransferReportedV1,
  caseTransferApprovedV1,
  caseTransferRefusedV1,
  caseTransferredV1,
  caseTransferReceivedV1,
  caseTransferForwardedV1,
  caseTransferAcceptedV1,
  caseTransferReturnedV1,
  caseReconsiderationRequestedV1,
  caseReconsiderationAnsweredV1,
  caseSupervisionRequestedV1,
  caseSeizedItemsHandedOverV1,
] as const;
