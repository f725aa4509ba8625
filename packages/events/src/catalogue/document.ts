import { z } from 'zod';
import { defineEvent } from '../definition.js';
import { CalendarDate, Id, Sha256, Text } from '../primitives.js';

/**
 * 三统一 unified numbering: 机关代字 + 规 + 〔year〕 + serial + 号, e.g. 尚政规〔2017〕3号.
 * Gap-free per authority and year; the serial is owned by the `docnumber-<authorityCode>-<year>` stream.
 */
export const DocumentNumber = z
  .object({
    authorityCode: z.string().regex(/^\p{Script=Han}{1,8}$/u, 'an authority code (机关代字) is 1–8 Chinese characters'),
    year: z.number().int().min(1949).max(9999),
    serial: z.number().int().positive(),
    formatted: z.string(),
  })
  .refine((number) => number.formatted === formatDocumentNumber(number), {
    path: ['formatted'],
    message: 'the formatted number must be <机关代字>规〔<year>〕<serial>号',
  });
export type DocumentNumber = z.infer<typeof DocumentNumber>;

export function formatDocumentNumber(number: { authorityCode: string; year: number; serial: number }): string {
  return `${number.authorityCode}规〔${number.year}〕${number.serial}号`;
}

/** 规范性文件 issued and published (统一发布). */
export const DocumentIssuedV1 = z
  .object({
    documentId: Id,
    number: DocumentNumber,
    title: Text(300),
    issuingUnitId: Id,
    /** The person who signed the issue (签发). */
    signedBy: Id,
    issuedOn: CalendarDate,
    effectiveFrom: CalendarDate,
    /** Validity is generally at most five years (有效期); null only where a higher rule says so. */
    validUntil: CalendarDate.nullable(),
    /** The full text is kept outside the event; the event fixes it by hash. */
    textSha256: Sha256,
    publications: z
      .array(z.object({ channel: z.enum(['gazette', 'website', 'newspaper', 'other']), reference: Text(500) }))
      .min(1, 'a document is issued by publishing it (统一发布)'),
  })
  .refine((doc) => doc.effectiveFrom >= doc.issuedOn, { path: ['effectiveFrom'], message: 'takes effect before it was issued' })
  .refine((doc) => doc.validUntil === null || doc.validUntil > doc.effectiveFrom, {
    path: ['validUntil'],
    message: 'expires before it takes effect',
  })
  .describe('document.issued.v1 — 规范性文件 统一发布');

export const documentIssuedV1 = defineEvent('document.issued.v1', DocumentIssuedV1);
export type DocumentIssuedV1 = z.infer<typeof DocumentIssuedV1>;

/**
 * The document's own stream (`document-<id>`), step by step. Rules and their sources: docs/DOCUMENTS.md.
 * Dates are calendar days in China (Asia/Shanghai); flags (short comment, slow review, late filing) are raised by
 * read models from the dates these events keep, never by refusing the step.
 */

/** 起草: a draft exists, fixed by the hash of its text. */
export const DocumentDraftedV1 = z
  .object({
    documentId: Id,
    title: Text(300),
    /** 起草单位: its clerks carry the document through drafting, comment, registration and filing. */
    draftingUnitId: Id,
    /** 制定机关: the unit whose 机关代字 numbers the document; often the drafting unit itself. */
    issuingUnitId: Id,
    textSha256: Sha256,
    /** 优化营商环境条例 第62条: closely bearing on business activity (与市场主体生产经营活动密切相关). */
    affectsBusiness: z.boolean(),
    summary: Text(5000).nullable(),
  })
  .describe('document.drafted.v1 — 规范性文件 起草');
export const documentDraftedV1 = defineEvent('document.drafted.v1', DocumentDraftedV1);
export type DocumentDraftedV1 = z.infer<typeof DocumentDraftedV1>;

/** A new text of the draft (after opinions, after a failed review): an earlier review no longer covers it. */
export const DocumentDraftRevisedV1 = z
  .object({
    documentId: Id,
    title: Text(300),
    textSha256: Sha256,
    reason: Text(5000),
  })
  .describe('document.draftRevised.v1 — 规范性文件 修改草案');
export const documentDraftRevisedV1 = defineEvent('document.draftRevised.v1', DocumentDraftRevisedV1);
export type DocumentDraftRevisedV1 = z.infer<typeof DocumentDraftRevisedV1>;

/** 征求意见: opinions sought from the public and/or the units concerned. */
export const DocumentCommentSolicitedV1 = z
  .object({
    documentId: Id,
    openedOn: CalendarDate,
    /** The announced closing day; at least 30 days after opening for documents affecting business (flag). */
    closesOn: CalendarDate,
    /** 向社会公开征求意见 */
    public: z.boolean(),
    /** seed plan (二)1: a document touching several departments is drafted after asking them. */
    consultedUnitIds: z.array(Id).max(200),
    /** Where the notice was published, or how the units were asked. */
    notice: Text(500),
    /** Copied from the draft so that the flag needs no other event. */
    affectsBusiness: z.boolean(),
    /** A period shorter than 30 days for a document affecting business, explained (一般不少于30日). */
    shortPeriodReason: Text(2000).nullable(),
    textSha256: Sha256,
  })
  .refine((comment) => comment.public || comment.consultedUnitIds.length > 0, {
    path: ['consultedUnitIds'],
    message: 'opinions are sought from the public or from named units',
  })
  .refine((comment) => comment.closesOn > comment.openedOn, { path: ['closesOn'], message: 'closes before it opens' })
  .describe('document.commentSolicited.v1 — 规范性文件 征求意见');
export const documentCommentSolicitedV1 = defineEvent('document.commentSolicited.v1', DocumentCommentSolicitedV1);
export type DocumentCommentSolicitedV1 = z.infer<typeof DocumentCommentSolicitedV1>;

/** The comment period ended; how the opinions were handled (意见采纳情况反馈). */
export const DocumentCommentClosedV1 = z
  .object({
    documentId: Id,
    closedOn: CalendarDate,
    opinionsReceived: z.number().int().min(0),
    adoptionSummary: Text(20_000),
  })
  .describe('document.commentClosed.v1 — 规范性文件 征求意见结束');
export const documentCommentClosedV1 = defineEvent('document.commentClosed.v1', DocumentCommentClosedV1);
export type DocumentCommentClosedV1 = z.infer<typeof DocumentCommentClosedV1>;

/** 合法性审查 (审核): of one text, named by its hash; 5 to 15 working days from submission (flag). */
export const DocumentLegalityReviewedV1 = z
  .object({
    documentId: Id,
    reviewerId: Id,
    submittedOn: CalendarDate,
    completedOn: CalendarDate,
    outcome: z.enum(['passed', 'failed']),
    opinion: Text(20_000),
    textSha256: Sha256,
  })
  .refine((review) => review.completedOn >= review.submittedOn, { path: ['completedOn'], message: 'completed before it was submitted' })
  .describe('document.legalityReviewed.v1 — 规范性文件 合法性审查');
export const documentLegalityReviewedV1 = defineEvent('document.legalityReviewed.v1', DocumentLegalityReviewedV1);
export type DocumentLegalityReviewedV1 = z.infer<typeof DocumentLegalityReviewedV1>;

/** 集体讨论决定: the meeting that approved (or not) the reviewed text. */
export const DocumentCollectivelyDiscussedV1 = z
  .object({
    documentId: Id,
    meeting: z.object({
      /** 常务会议, 全体会议, or a department's 办公会议 */
      kind: z.enum(['standing', 'plenary', 'office']),
      heldOn: CalendarDate,
    }),
    /** The head who presided and concluded (主持). */
    presidedBy: Id,
    outcome: z.enum(['approved', 'not-approved', 'deferred']),
    notes: Text(20_000).nullable(),
    textSha256: Sha256,
  })
  .describe('document.collectivelyDiscussed.v1 — 规范性文件 集体讨论决定');
export const documentCollectivelyDiscussedV1 = defineEvent('document.collectivelyDiscussed.v1', DocumentCollectivelyDiscussedV1);
export type DocumentCollectivelyDiscussedV1 = z.infer<typeof DocumentCollectivelyDiscussedV1>;

/**
 * 统一编号, on the register stream `docnumber-<authorityCode>-<year>` (登记簿): the n-th event holds serial n.
 * The register is the only owner of the sequence; the document's stream repeats the number when registered.
 */
export const DocumentNumberAssignedV1 = z
  .object({
    documentId: Id,
    issuingUnitId: Id,
    number: DocumentNumber,
    /** The registration day in China; its year is the number's year. */
    assignedOn: CalendarDate,
  })
  .refine((assignment) => assignment.number.year === Number(assignment.assignedOn.slice(0, 4)), {
    path: ['number', 'year'],
    message: 'the year of a number is the year it was assigned',
  })
  .describe('document.numberAssigned.v1 — 规范性文件 统一编号');
export const documentNumberAssignedV1 = defineEvent('document.numberAssigned.v1', DocumentNumberAssignedV1);
export type DocumentNumberAssignedV1 = z.infer<typeof DocumentNumberAssignedV1>;

/** 统一登记: the document carries the number the register assigned it. */
export const DocumentRegisteredV1 = z
  .object({
    documentId: Id,
    issuingUnitId: Id,
    number: DocumentNumber,
    registeredOn: CalendarDate,
    textSha256: Sha256,
  })
  .describe('document.registered.v1 — 规范性文件 统一登记');
export const documentRegisteredV1 = defineEvent('document.registered.v1', DocumentRegisteredV1);
export type DocumentRegisteredV1 = z.infer<typeof DocumentRegisteredV1>;

/**
 * Why a document is valid for more than five years, or without end: recorded with its issue, in the same append.
 * (document.issued.v1 has no field for it.)
 */
export const DocumentValidityJustifiedV1 = z
  .object({
    documentId: Id,
    effectiveFrom: CalendarDate,
    validUntil: CalendarDate.nullable(),
    reason: Text(5000),
    /** The higher-level rule that sets the period, when one does. */
    higherRule: Text(300).nullable(),
  })
  .describe('document.validityJustified.v1 — 规范性文件 有效期说明');
export const documentValidityJustifiedV1 = defineEvent('document.validityJustified.v1', DocumentValidityJustifiedV1);
export type DocumentValidityJustifiedV1 = z.infer<typeof DocumentValidityJustifiedV1>;

/** 备案: filed with the supervising authority, within 30 days of publication (flag). */
export const DocumentFiledV1 = z
  .object({
    documentId: Id,
    filedOn: CalendarDate,
    /** 备案机关: the government above, or the people's congress standing committee. */
    filedWith: Text(300),
    filedWithUnitId: Id.nullable(),
    reference: Text(300).nullable(),
  })
  .describe('document.filed.v1 — 规范性文件 备案');
export const documentFiledV1 = defineEvent('document.filed.v1', DocumentFiledV1);
export type DocumentFiledV1 = z.infer<typeof DocumentFiledV1>;

export const CleanUpOutcome = z.enum([
  'retain', // 继续有效 / 保留
  'revise', // 修改 / 重新制定
  'abolish', // 废止
]);

/** 制发后评估: how the document works in practice, and what the evaluators recommend. */
export const DocumentEvaluatedV1 = z
  .object({
    documentId: Id,
    evaluatedOn: CalendarDate,
    evaluatorIds: z.array(Id).min(1).max(50),
    findings: Text(20_000),
    recommendation: CleanUpOutcome,
  })
  .describe('document.evaluated.v1 — 规范性文件 评估');
export const documentEvaluatedV1 = defineEvent('document.evaluated.v1', DocumentEvaluatedV1);
export type DocumentEvaluatedV1 = z.infer<typeof DocumentEvaluatedV1>;

/** 清理: retained, to be revised, or to be abolished; the lists are published (seed plan (二)3). */
export const DocumentCleanUpDecidedV1 = z
  .object({
    documentId: Id,
    decidedOn: CalendarDate,
    decision: CleanUpOutcome,
    reason: Text(20_000),
    /** The clean-up campaign, e.g. 2018年规范性文件集中清理. */
    cleanUpRound: Text(300).nullable(),
  })
  .describe('document.cleanUpDecided.v1 — 规范性文件 清理决定');
export const documentCleanUpDecidedV1 = defineEvent('document.cleanUpDecided.v1', DocumentCleanUpDecidedV1);
export type DocumentCleanUpDecidedV1 = z.infer<typeof DocumentCleanUpDecidedV1>;

/** 废止: no longer valid from `abolishedOn`; the number stays the document's and is never reused. */
export const DocumentAbolishedV1 = z
  .object({
    documentId: Id,
    number: DocumentNumber,
    /** The first day on which the document is no longer valid. */
    abolishedOn: CalendarDate,
    reason: Text(20_000),
    replacedByDocumentId: Id.nullable(),
  })
  .describe('document.abolished.v1 — 规范性文件 废止');
export const documentAbolishedV1 = defineEvent('document.abolished.v1', DocumentAbolishedV1);
export type DocumentAbolishedV1 = z.infer<typeof DocumentAbolishedV1>;

/** 有效期届满: the validity ended on `validUntil` (its last valid day), recorded after that day. */
export const DocumentExpiredV1 = z
  .object({
    documentId: Id,
    number: DocumentNumber,
    validUntil: CalendarDate,
  })
  .describe('document.expired.v1 — 规范性文件 有效期届满失效');
export const documentExpiredV1 = defineEvent('document.expired.v1', DocumentExpiredV1);
export type DocumentExpiredV1 = z.infer<typeof DocumentExpiredV1>;

/** What a document's stream (`document-<id>`) may hold. */
export const documentStreamEvents = [
  documentDraftedV1,
  documentDraftRevisedV1,
  documentCommentSolicitedV1,
  documentCommentClosedV1,
  documentLegalityReviewedV1,
  documentCollectivelyDiscussedV1,
  documentRegisteredV1,
  documentValidityJustifiedV1,
  documentIssuedV1,
  documentFiledV1,
  documentEvaluatedV1,
  documentCleanUpDecidedV1,
  documentAbolishedV1,
  documentExpiredV1,
] as const;

/** What a numbering register (`docnumber-<authorityCode>-<year>`) may hold. */
export const documentNumberRegisterEvents = [documentNumberAssignedV1] as const;

/** Every event of a document's stream and of the numbering registers: services/documents. */
export const documentEvents = [...documentStreamEvents, ...documentNumberRegisterEvents] as const;
