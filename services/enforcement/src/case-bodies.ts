import { z } from 'zod';
import {
  CalendarDate,
  CaseCitedDocumentNumber,
  CaseEnforcementKind,
  CaseEvidenceKind,
  CasePenaltyKind,
  Id,
  ReceivingAuthorityKind,
  Sha256,
  Text,
  TransferMaterialKind,
} from '@quanze/events';

// The request bodies of the case commands. They accept exactly what the events accept (the event schemas' parts are
// reused), made strict so that an unknown field is a 400 naming it. Facts from other streams are never in a body:
// the handlers read them.

const Attachment = z.object({ title: Text(300), sha256: Sha256 }).strict();
const records = z
  .array(Attachment)
  .max(100)
  .default([])
  .describe('全过程记录: written and audio-video records of this stage, kept outside the ledger, fixed by SHA-256');

const LegalBasis = z
  .array(
    z.discriminatedUnion('kind', [
      z
        .object({ kind: z.literal('document'), documentNumber: CaseCitedDocumentNumber, article: Text(100).nullable().default(null) })
        .strict(),
      z
        .object({
          kind: z.enum(['law', 'administrative-regulation', 'local-regulation', 'rule']),
          title: Text(300),
          article: Text(100).nullable().default(null),
        })
        .strict(),
    ]),
  )
  .min(1)
  .max(50)
  .describe('法律依据: laws and regulations by title, our documents by number (尚政规〔2017〕3号)');

const noDuplicates = (ids: readonly string[]) => new Set(ids).size === ids.length;

export const OpenCaseBody = z
  .object({
    title: Text(300),
    enforcementKind: CaseEnforcementKind.describe('行政处罚 (penalty), 行政强制 (compulsory-measure) or other'),
    major: z.boolean().describe('重大案件: decided only after a passed 法制审核 and collectively (行政处罚法 第57、58条)'),
    party: z
      .object({
        kind: z.enum(['natural-person', 'individual-business', 'legal-person', 'other-organization']),
        name: Text(200).nullable().default(null),
        reference: Id.nullable().default(null),
      })
      .strict()
      .refine((party) => party.name !== null || party.reference !== null, {
        path: ['name'],
        message: 'a party is named or referenced by id',
      })
      .describe('当事人: a citizen’s name is kept in the file and never published'),
    legalBasis: LegalBasis,
    records,
  })
  .strict();
export type OpenCaseBody = z.output<typeof OpenCaseBody>;

export const AssignOfficersBody = z
  .object({
    officers: z
      .array(z.object({ personId: Id, certificateId: Id.describe('the 行政执法证 shown') }).strict())
      .min(1)
      .max(20)
      .refine((officers) => noDuplicates(officers.map((officer) => officer.personId)), 'each officer once'),
  })
  .strict();
export type AssignOfficersBody = z.output<typeof AssignOfficersBody>;

export const RecordEvidenceBody = z
  .object({
    kind: CaseEvidenceKind,
    title: Text(300),
    sha256: Sha256,
    collectedBy: Id.describe('the officer who collected it'),
  })
  .strict();
export type RecordEvidenceBody = z.output<typeof RecordEvidenceBody>;

export const NotifyRightsBody = z
  .object({ intendedPenalty: Text(2000), hearingOffered: z.boolean(), records })
  .strict();
export type NotifyRightsBody = z.output<typeof NotifyRightsBody>;

export const RecordHearingRequestBody = z.object({ records }).strict();
export type RecordHearingRequestBody = z.output<typeof RecordHearingRequestBody>;

export const RecordHearingBody = z.object({ presidedBy: Id, records }).strict();
export type RecordHearingBody = z.output<typeof RecordHearingBody>;

export const RecordLegalReviewBody = z
  .object({ outcome: z.enum(['passed', 'failed']), opinion: Text(5000), records })
  .strict();
export type RecordLegalReviewBody = z.output<typeof RecordLegalReviewBody>;

export const DecideCaseBody = z
  .object({
    outcome: z.enum(['penalty', 'no-penalty']),
    penalties: z
      .array(
        z
          .object({
            kind: CasePenaltyKind,
            amountFen: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).nullable().default(null),
            description: Text(500).nullable().default(null),
          })
          .strict()
          .refine((penalty) => (penalty.kind === 'fine') === (penalty.amountFen !== null) || penalty.kind === 'confiscation', {
            path: ['amountFen'],
            message: 'a fine has an amount; other penalties but confiscation have none',
          }),
      )
      .max(10)
      .default([]),
    legalBasis: LegalBasis,
    decisionNumber: Text(100).describe('处罚决定书 文号'),
    decisionTextSha256: Sha256,
    collectiveDiscussion: z.object({ meetingId: Id, heldOn: CalendarDate }).strict().nullable().default(null),
    records,
  })
  .strict()
  .refine((decision) => (decision.outcome === 'penalty') === (decision.penalties.length > 0), {
    path: ['penalties'],
    message: 'a penalty decision names its penalties; a no-penalty decision none',
  });
export type DecideCaseBody = z.output<typeof DecideCaseBody>;

export const PublishCaseBody = z
  .object({
    channel: z.enum(['website', 'gazette', 'credit-platform', 'other']),
    reference: Text(500),
    summary: Text(2000).describe('the text published: no personal data of citizens'),
  })
  .strict();
export type PublishCaseBody = z.output<typeof PublishCaseBody>;

export const RecordDecisionChangeBody = z
  .object({
    change: z.enum(['changed', 'revoked', 'annulled']),
    by: z.enum(['self-correction', 'administrative-reconsideration', 'court-judgment']),
    reasons: Text(5000),
    newDecisionTextSha256: Sha256.nullable().default(null),
  })
  .strict()
  .refine((change) => change.change === 'changed' || change.newDecisionTextSha256 === null, {
    path: ['newDecisionTextSha256'],
    message: 'only a changed decision has a new text',
  });
export type RecordDecisionChangeBody = z.output<typeof RecordDecisionChangeBody>;

export const WithdrawPublicationBody = z.object({ reference: Text(500), reasons: Text(2000) }).strict();
export type WithdrawPublicationBody = z.output<typeof WithdrawPublicationBody>;

export const RecordExecutionBody = z
  .object({
    manner: z.enum(['voluntary', 'compulsory', 'court-enforced']),
    paidFen: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).nullable().default(null),
    records,
  })
  .strict();
export type RecordExecutionBody = z.output<typeof RecordExecutionBody>;

export const MarkSuspectedCrimeBody = z.object({ grounds: Text(2000) }).strict();
export type MarkSuspectedCrimeBody = z.output<typeof MarkSuspectedCrimeBody>;

export const CloseCaseBody = z
  .object({
    disposition: z.enum(['executed', 'no-penalty', 'transferred', 'terminated']),
    reasons: Text(2000).nullable().default(null),
    records,
  })
  .strict()
  .refine((closing) => closing.disposition !== 'terminated' || closing.reasons !== null, {
    path: ['reasons'],
    message: 'a terminated case (终止) states why',
  });
export type CloseCaseBody = z.output<typeof CloseCaseBody>;

const Authority = z.object({ unitId: Id, kind: ReceivingAuthorityKind }).strict();

export const ReportTransferBody = z
  .object({
    receivingAuthority: Authority,
    suspectedOffence: Text(500),
    reportingOfficerIds: z.array(Id).min(1).max(20).refine(noDuplicates, 'each officer once'),
    records,
  })
  .strict();
export type ReportTransferBody = z.output<typeof ReportTransferBody>;

export const ApproveTransferBody = z.object({}).strict();

/** `reasons` is optional here so that its absence is the rule's 422 (310号 第5条), not a bare 400. */
export const RefuseTransferBody = z.object({ reasons: z.string().max(5000).nullable().default(null) }).strict();
export type RefuseTransferBody = z.output<typeof RefuseTransferBody>;

export const SendTransferBody = z
  .object({
    materials: z
      .array(z.object({ kind: TransferMaterialKind, title: Text(300), sha256: Sha256 }).strict())
      .min(1)
      .max(200)
      .describe('移送材料 (310号 第6条), each fixed by SHA-256'),
  })
  .strict();
export type SendTransferBody = z.output<typeof SendTransferBody>;

export const RecordReceiptBody = z.object({ receiptNumber: Text(100).nullable().default(null) }).strict();
export type RecordReceiptBody = z.output<typeof RecordReceiptBody>;

export const ForwardTransferBody = z.object({ to: Authority, reasons: Text(2000) }).strict();
export type ForwardTransferBody = z.output<typeof ForwardTransferBody>;

export const AcceptTransferBody = z.object({ criminalCaseNumber: Text(100).nullable().default(null) }).strict();
export type AcceptTransferBody = z.output<typeof AcceptTransferBody>;

/** `reasons` is optional here so that its absence is the rule's 422 (310号 第8条), not a bare 400. */
export const ReturnTransferBody = z.object({ reasons: z.string().max(5000).nullable().default(null) }).strict();
export type ReturnTransferBody = z.output<typeof ReturnTransferBody>;

export const RequestReconsiderationBody = z.object({ reasons: Text(5000), records }).strict();
export type RequestReconsiderationBody = z.output<typeof RequestReconsiderationBody>;

export const AnswerReconsiderationBody = z
  .object({ outcome: z.enum(['case-opened', 'refusal-upheld']), reasons: z.string().max(5000).nullable().default(null) })
  .strict();
export type AnswerReconsiderationBody = z.output<typeof AnswerReconsiderationBody>;

export const RequestSupervisionBody = z
  .object({ procuratorateUnitId: Id, reasons: Text(5000), records })
  .strict();
export type RequestSupervisionBody = z.output<typeof RequestSupervisionBody>;

export const RecordSeizedItemsHandoverBody = z.object({ inventorySha256: Sha256 }).strict();
export type RecordSeizedItemsHandoverBody = z.output<typeof RecordSeizedItemsHandoverBody>;
