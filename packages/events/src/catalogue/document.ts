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

/** Every event of a document's stream and of the numbering registers: services/documents. */
export const documentEvents = [documentIssuedV1] as const;
