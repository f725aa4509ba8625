import { z } from 'zod';
import { defineEvent } from '../definition.js';
import { Id, Sha256, Text } from '../primitives.js';

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

/** Every event of an enforcement case's stream: services/enforcement. */
export const caseEvents = [caseTransferredV1] as const;
