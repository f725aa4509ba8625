import { z } from 'zod';
import {
  Actor,
  CalendarDate,
  CaseEnforcementKind,
  CaseParty,
  EventId,
  Id,
  Instant,
  ReceivingAuthorityKind,
  Sha256,
  Text,
  TransferMaterialKind,
} from '@quanze/events';

// The messages the relay exchanges with judicial organisations. Each names its schema and version in `schema`, so
// that a consumer can tell a shape it does not know from a broken message; a new shape is a new version.

export const TRANSFER_SCHEMA = 'quanze.transfer.v1';

/**
 * 移送 (310号 第6条), as a court, procuratorate or police bureau receives it: the case, the transfer with its materials
 * by SHA-256, who sent it and when, and the ledger entry it comes from, so that the receiver can recompute the
 * content hash and ask for the entry's inclusion proof (docs/INTEGRITY.md).
 */
export const TransferMessageV1 = z
  .object({
    schema: z.literal(TRANSFER_SCHEMA),
    caseId: Id,
    transferId: Id,
    receivingAuthority: z.object({ unitId: Id, kind: ReceivingAuthorityKind, organisationCode: z.string() }),
    /** From the case's 立案 (case.opened.v1); null only if the ledger has no such event for the case. */
    case: z
      .object({
        handlingUnitId: Id,
        title: Text(300),
        enforcementKind: CaseEnforcementKind,
        party: CaseParty,
        openedOn: CalendarDate,
      })
      .nullable(),
    transfer: z.object({
      fromUnitId: Id,
      suspectedOffence: Text(500),
      approvedBy: Id,
      approvedAt: z.string(),
      reportingOfficerIds: z.array(Id),
      materials: z.array(z.object({ kind: TransferMaterialKind, title: Text(300), sha256: Sha256 })),
    }),
    sentBy: Actor,
    sentAt: Instant,
    /** Set when another authority forwarded the transfer here (转送, 310号 第7条); the entry is then the forwarding. */
    forwarded: z
      .object({ fromUnitId: Id, forwardedBy: Id, reasons: Text(2000), forwardedAt: Instant })
      .nullable(),
    ledger: z.object({
      eventId: EventId,
      position: z.number().int().positive(),
      contentHash: Sha256,
      /** The event exactly as hashed: its RFC 8785 form's SHA-256 is `contentHash`. */
      entry: z.record(z.string(), z.unknown()),
    }),
  })
  .strict();
export type TransferMessageV1 = z.infer<typeof TransferMessageV1>;

export const LEDGER_ENTRY_SCHEMA = 'quanze.ledger-entry.v1';

/** A public event on `ledger.public`: the entry as hashed, and its hash. */
export const LedgerEntryMessageV1 = z
  .object({
    schema: z.literal(LEDGER_ENTRY_SCHEMA),
    eventId: EventId,
    type: z.string(),
    position: z.number().int().positive(),
    contentHash: Sha256,
    entry: z.record(z.string(), z.unknown()),
  })
  .strict();
export type LedgerEntryMessageV1 = z.infer<typeof LedgerEntryMessageV1>;

export const RECEIPT_SCHEMA = 'quanze.receipt.v1';

/**
 * What every answer carries: its own id (the idempotency key: sent twice, it takes effect once), the transfer it
 * answers, and who in the organisation acted, in which post. The unit is the organisation the topic belongs to.
 */
const answer = {
  schema: z.literal(RECEIPT_SCHEMA),
  messageId: EventId.describe('a UUID the organisation makes once per act; a redelivery repeats it'),
  caseId: Id,
  transferId: Id,
  actor: z.object({ personId: Id, postId: Id }).strict().describe('the person who acted and the post they hold in the organisation'),
  /** The transfer message's `ledger.eventId` this answers, when the sender keeps it: recorded as the causation. */
  inReplyTo: EventId.nullable().default(null),
};

/** An answer to a transfer, one kind per step of the receiving authority (310号 第7–9、12条). */
export const ReceiptMessageV1 = z.discriminatedUnion('kind', [
  z.object({ ...answer, kind: z.literal('receipt'), receiptNumber: Text(100).nullable().default(null) }).strict().describe('回执 (第7条)'),
  z
    .object({ ...answer, kind: z.literal('forwarding'), to: z.object({ unitId: Id, kind: ReceivingAuthorityKind }).strict(), reasons: Text(2000) })
    .strict()
    .describe('转送 (第7条)'),
  z.object({ ...answer, kind: z.literal('acceptance'), criminalCaseNumber: Text(100).nullable().default(null) }).strict().describe('立案 (第8条)'),
  // As over HTTP: missing reasons are the rule's refusal (dead-lettered with its code), not a malformed message.
  z.object({ ...answer, kind: z.literal('return'), reasons: z.string().max(5000).nullable().default(null) }).strict().describe('不予立案, 退回 (第8条)'),
  z
    .object({
      ...answer,
      kind: z.literal('reconsideration-answer'),
      outcome: z.enum(['case-opened', 'refusal-upheld']),
      reasons: z.string().max(5000).nullable().default(null),
    })
    .strict()
    .describe('复议决定 (第9条)'),
  z.object({ ...answer, kind: z.literal('seized-items-handover'), inventorySha256: Sha256 }).strict().describe('涉案物品移交 (第12条)'),
]);
export type ReceiptMessageV1 = z.output<typeof ReceiptMessageV1>;
export type ReceiptMessageInput = z.input<typeof ReceiptMessageV1>;
