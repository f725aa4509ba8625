import type { CaseReceivingAuthority, CaseTransferredV1 } from '@quanze/events';

/**
 * Where a transfer stands (移送阶段). `reported`, `approved` and `refused` are the agency's own steps: such a
 * transfer is in nobody's inbox yet. From `sent` on it is in the inbox of every authority it went to.
 */
export type TransferStage =
  | 'reported' // 移送报告
  | 'approved' // 负责人批准移送
  | 'refused' // 负责人不批准移送
  | 'sent' // 移送 (case.transferred.v1)
  | 'received' // 回执
  | 'forwarded' // 转送, awaiting the new authority's receipt
  | 'accepted' // 立案 (also on reconsideration)
  | 'returned' // 不予立案, 退回
  | 'reconsideration-requested' // 提请复议
  | 'refusal-upheld' // 复议维持不予立案
  | 'supervision-requested'; // 建议检察院立案监督

/** One authority the transfer reached, in order: the addressee, then each one it was forwarded to. */
export interface TransferHolder {
  readonly unitId: string;
  readonly kind: CaseReceivingAuthority['kind'];
  /** When it was sent (the agency's dispatch) or forwarded to this authority. */
  readonly sentAt: string;
  readonly receivedAt: string | null;
  readonly receivedBy: string | null;
  readonly receiptNumber: string | null;
  readonly forwardedAt: string | null;
  readonly forwardedBy: string | null;
  readonly forwardReasons: string | null;
}

/** Everything the inbox shows of one transfer; kept as one JSON column, written in a fixed key order. */
export interface TransferFacts {
  readonly caseId: string;
  readonly transferId: string;
  /** 移送机关: the unit that handles the case. */
  readonly fromUnitId: string | null;
  /** The authority the agency addressed; `path` says where it went from there. */
  readonly receivingAuthority: CaseReceivingAuthority | null;
  readonly suspectedOffence: string | null;
  readonly reportingOfficerIds: readonly string[];
  readonly reportedAt: string | null;
  readonly approvedBy: string | null;
  readonly approvedAt: string | null;
  readonly refusal: { readonly refusedBy: string; readonly refusedAt: string; readonly reasons: string } | null;
  /** The `occurredAt` of case.transferred.v1: when the file left the agency. */
  readonly dispatchedAt: string | null;
  readonly materials: CaseTransferredV1['materials'];
  readonly path: readonly TransferHolder[];
  readonly acceptedAt: string | null;
  readonly acceptance: { readonly unitId: string; readonly acceptedBy: string; readonly criminalCaseNumber: string | null } | null;
  readonly returnedAt: string | null;
  readonly return: { readonly unitId: string; readonly returnedBy: string; readonly reasons: string } | null;
  readonly reconsideration: {
    readonly requestedAt: string;
    readonly reasons: string;
    readonly answer: {
      readonly answeredAt: string;
      readonly answeredBy: string;
      readonly outcome: 'case-opened' | 'refusal-upheld';
      readonly reasons: string | null;
    } | null;
  } | null;
  readonly supervision: { readonly requestedAt: string; readonly procuratorateUnitId: string; readonly reasons: string } | null;
  readonly seizedItems: { readonly handedOverOn: string; readonly receivedBy: string; readonly inventorySha256: string } | null;
}

export function emptyTransferFacts(caseId: string, transferId: string, fromUnitId: string | null): TransferFacts {
  return {
    caseId,
    transferId,
    fromUnitId,
    receivingAuthority: null,
    suspectedOffence: null,
    reportingOfficerIds: [],
    reportedAt: null,
    approvedBy: null,
    approvedAt: null,
    refusal: null,
    dispatchedAt: null,
    materials: [],
    path: [],
    acceptedAt: null,
    acceptance: null,
    returnedAt: null,
    return: null,
    reconsideration: null,
    supervision: null,
    seizedItems: null,
  };
}
