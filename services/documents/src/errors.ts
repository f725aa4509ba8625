import { DomainError, commonErrorStatuses } from '@quanze/service-kit';
import type { ConcurrencyConflict, ErrorStatuses, NotPermitted, StepOutOfOrder, SubjectNotFound } from '@quanze/service-kit';

/** Where each rule comes from; docs/DOCUMENTS.md lists them with what the ledger does. */
export const ARTICLES = {
  steps: '地方各级人民代表大会和地方各级人民政府组织法 第75条; 国办发〔2018〕37号 [U]',
  businessComment: '优化营商环境条例 第62条',
  reviewBeforeDeliberation: '国办发〔2018〕115号 [U]',
  unifiedRegistration: '尚志市法治政府建设行动方案(2016—2020) (二)2 三统一; 国办发〔2018〕37号 [U]',
  validity: '尚志市法治政府建设行动方案(2016—2020) (二)3; local implementing rules [S]',
  cleanUp: '尚志市法治政府建设行动方案(2016—2020) (二)3; 立法法 第116条',
} as const;

/** No collective discussion, and no registration, without a passed legality review (合法性审查) of this text. */
export class LegalityReviewRequired extends DomainError {
  readonly code = 'document.legality-review-required';
  constructor(message: string, article: string, fields: readonly (readonly (string | number)[])[] = []) {
    super(message, fields, article);
  }
}

/** A number is given only to a text the collective discussion (集体讨论决定) approved. */
export class CollectiveApprovalRequired extends DomainError {
  readonly code = 'document.collective-approval-required';
  constructor(readonly documentId: string) {
    super(
      `document ${documentId} has no approving collective discussion (集体讨论决定): it cannot be registered and numbered`,
      [],
      ARTICLES.unifiedRegistration,
    );
  }
}

/** The legality review comes after opinions were sought and the period closed (征求意见 → 合法性审查). */
export class CommentPeriodRequired extends DomainError {
  readonly code = 'document.comment-period-required';
  constructor(readonly documentId: string) {
    super(
      `document ${documentId}: opinions must have been sought and the comment period closed (征求意见) before the legality review`,
      [],
      ARTICLES.steps,
    );
  }
}

/** 三统一: a document is issued under the number it was registered with, never without one. */
export class RegistrationRequired extends DomainError {
  readonly code = 'document.registration-required';
  constructor(readonly documentId: string) {
    super(`document ${documentId} is not registered (统一登记): it has no number and cannot be issued`, [], ARTICLES.unifiedRegistration);
  }
}

/** Validity is at most five years from taking effect, unless a reason (a higher rule) is recorded. */
export class ValidityTooLong extends DomainError {
  readonly code = 'document.validity-too-long';
  constructor(
    readonly effectiveFrom: string,
    readonly validUntil: string | null,
    readonly latestValidUntil: string,
  ) {
    super(
      validUntil === null
        ? 'a document without an end of validity (有效期) needs a recorded reason or higher rule (validityJustification)'
        : `valid until ${validUntil} is more than five years after ${effectiveFrom} (latest ${latestValidUntil}) without a recorded reason (validityJustification)`,
      [['validUntil']],
      ARTICLES.validity,
    );
  }
}

/** A date that cannot be true: before the step it follows, or after today. */
export class DateOutOfOrder extends DomainError {
  readonly code = 'document.date-out-of-order';
  constructor(message: string, field: readonly (string | number)[], article: string | null = null) {
    super(message, [field], article);
  }
}

/** The issuing unit (制定机关) is not in the ledger's organisation. */
export class IssuingUnitUnknown extends DomainError {
  readonly code = 'document.issuing-unit-unknown';
  constructor(readonly unitId: string) {
    super(`the issuing unit ${unitId} is not registered (unit-${unitId} has no unit.registered event)`, [['issuingUnitId']]);
  }
}

/** Numbers are made of the authority code (机关代字): a unit without one cannot number documents. */
export class AuthorityCodeMissing extends DomainError {
  readonly code = 'document.authority-code-missing';
  constructor(readonly unitId: string) {
    super(`the issuing unit ${unitId} has no authority code (机关代字): it cannot number documents`, [], ARTICLES.unifiedRegistration);
  }
}

/** Abolition (废止) follows a clean-up decision (清理) to abolish or to revise the document. */
export class CleanUpDecisionRequired extends DomainError {
  readonly code = 'document.clean-up-decision-required';
  constructor(readonly documentId: string) {
    super(`document ${documentId} has no clean-up decision (清理决定) to abolish or revise it`, [], ARTICLES.cleanUp);
  }
}

/** Expiry is recorded after the last valid day, for a document that has one. */
export class NotExpired extends DomainError {
  readonly code = 'document.not-expired';
  constructor(
    readonly documentId: string,
    readonly validUntil: string | null,
  ) {
    super(
      validUntil === null
        ? `document ${documentId} has no end of validity: it does not expire`
        : `document ${documentId} is valid until ${validUntil}: its expiry can be recorded from the day after`,
    );
  }
}

export type DocumentsError =
  | LegalityReviewRequired
  | CollectiveApprovalRequired
  | CommentPeriodRequired
  | RegistrationRequired
  | ValidityTooLong
  | DateOutOfOrder
  | IssuingUnitUnknown
  | AuthorityCodeMissing
  | CleanUpDecisionRequired
  | NotExpired
  | SubjectNotFound
  | StepOutOfOrder
  | NotPermitted
  | ConcurrencyConflict;

export const documentsErrorStatuses: ErrorStatuses<DocumentsError> = {
  ...commonErrorStatuses,
  'document.legality-review-required': 422,
  'document.collective-approval-required': 422,
  'document.comment-period-required': 422,
  'document.registration-required': 422,
  'document.validity-too-long': 422,
  'document.date-out-of-order': 422,
  'document.issuing-unit-unknown': 422,
  'document.authority-code-missing': 422,
  'document.clean-up-decision-required': 422,
  'document.not-expired': 409,
  'command.concurrency-conflict': 409,
};
