import { DomainError, commonErrorStatuses } from '@quanze/service-kit';
import type { ErrorStatuses, NotPermitted, StepOutOfOrder, SubjectNotFound } from '@quanze/service-kit';

type FieldPath = readonly (string | number)[];

export const PENALTY_LAW = '行政处罚法 (2021)';
export const TRANSFER_REGULATION = '行政执法机关移送涉嫌犯罪案件的规定 (国务院令第310号)';

/** 执法人员不得少于两人: an enforcement team, or a transfer's reporting team, of fewer than two persons. */
export class TooFewOfficers extends DomainError {
  readonly code = 'enforcement.too-few-officers';
  constructor(field: FieldPath, article: string) {
    super(`at least two officers are required (${article})`, [field], article);
  }
}

/** An officer named who has no `person-<id>` stream: not a registered person. */
export class PersonNotRegistered extends DomainError {
  readonly code = 'enforcement.person-not-registered';
  /** `field` is null when the step names no officer itself (a decision checks the case's team). */
  constructor(
    readonly personId: string,
    field: FieldPath | null,
  ) {
    super(`${personId} is not a registered person`, field === null ? [] : [field], `${PENALTY_LAW} 第42条`);
  }
}

export type CertificateProblem = 'no-such-certificate' | 'not-yet-valid' | 'expired' | 'revoked';

/**
 * 持证上岗: the certificate shown is not the person's, or not valid on the day — when the team is assigned, or on a
 * later step by an officer whose certificate has since expired or been revoked (the case then needs a new team).
 */
export class OfficerNotCertified extends DomainError {
  readonly code = 'enforcement.officer-not-certified';
  /** `field` is null when the step names no officer itself (a decision checks the case's team). */
  constructor(
    readonly personId: string,
    readonly certificateId: string,
    readonly problem: CertificateProblem,
    readonly day: string,
    field: FieldPath | null,
  ) {
    super(
      `${personId}: enforcement certificate (行政执法证) ${certificateId} is not valid on ${day} (${problem})`,
      field === null ? [] : [field],
      `${PENALTY_LAW} 第42、55条`,
    );
  }
}

/** The step names a person as officer who is not on the case's team. */
export class OfficerNotAssigned extends DomainError {
  readonly code = 'enforcement.officer-not-assigned';
  constructor(
    readonly personId: string,
    field: FieldPath,
    article: string,
  ) {
    super(`${personId} is not one of the case's assigned officers (执法人员)`, [field], article);
  }
}

/** 听证 presided over by one of the officers who investigated the case. */
export class HearingPresiderNotIndependent extends DomainError {
  readonly code = 'enforcement.hearing-presider-not-independent';
  constructor(readonly personId: string) {
    super(`${personId} investigated the case and may not preside over its hearing (听证主持人)`, [['presidedBy']], `${PENALTY_LAW} 第64条`);
  }
}

/** A penalty decided before the party was told of it and of their rights (告知). */
export class RightsNoticeRequired extends DomainError {
  readonly code = 'enforcement.rights-notice-required';
  constructor() {
    super('a penalty is decided only after the party was notified of it and of their rights (告知)', [['outcome']], `${PENALTY_LAW} 第44、62条`);
  }
}

/** The party asked for a hearing (听证) and none was held. */
export class HearingRequired extends DomainError {
  readonly code = 'enforcement.hearing-required';
  constructor() {
    super('the party requested a hearing (听证): it is held before the decision', [], `${PENALTY_LAW} 第63、65条`);
  }
}

/** 法制审核: a major case decided without a passed legal review. */
export class LegalReviewRequired extends DomainError {
  readonly code = 'enforcement.legal-review-required';
  constructor(readonly lastOutcome: 'failed' | null) {
    super(
      lastOutcome === null
        ? 'a major case (重大案件) is decided only after a legal review (法制审核)'
        : 'the legal review (法制审核) of this major case did not pass: it may not be decided',
      [],
      `${PENALTY_LAW} 第58条`,
    );
  }
}

/** 集体讨论决定: a major case decided by the head alone. */
export class CollectiveDiscussionRequired extends DomainError {
  readonly code = 'enforcement.collective-discussion-required';
  constructor() {
    super('a major case (重大案件) is decided collectively (集体讨论决定)', [['collectiveDiscussion']], `${PENALTY_LAW} 第57条`);
  }
}

/** 310号 第5条: the head refused a transfer without recording why. */
export class TransferRefusalReasonsRequired extends DomainError {
  readonly code = 'enforcement.transfer-refusal-reasons-required';
  constructor() {
    super('a refusal to transfer a suspected crime states its reasons (不批准移送的, 应当将不予批准的理由记录在案)', [['reasons']], `${TRANSFER_REGULATION} 第5条`);
  }
}

/** 310号 第6条: a transfer without one of the materials it must carry. */
export class TransferMaterialsMissing extends DomainError {
  readonly code = 'enforcement.transfer-materials-missing';
  constructor(readonly missing: readonly string[]) {
    super(`the transfer lacks: ${missing.join(', ')} (移送材料)`, [['materials']], `${TRANSFER_REGULATION} 第6条`);
  }
}

/** 不予立案 without reasons, or a reconsideration upholding it without them. */
export class ReturnReasonsRequired extends DomainError {
  readonly code = 'enforcement.return-reasons-required';
  constructor(article: string) {
    super('a refusal to open a case (不予立案) states its reasons in writing', [['reasons']], `${TRANSFER_REGULATION} ${article}`);
  }
}

/** The receiving authority (or the procuratorate asked to supervise) is no registered, existing unit. */
export class AuthorityNotFound extends DomainError {
  readonly code = 'enforcement.authority-not-found';
  constructor(
    readonly unitId: string,
    field: FieldPath,
    detail = 'is not a registered unit',
  ) {
    super(`${unitId} ${detail}`, [field]);
  }
}

/** The unit exists but is not the kind of authority named (a court given as public security). */
export class AuthorityKindMismatch extends DomainError {
  readonly code = 'enforcement.authority-kind-mismatch';
  constructor(
    readonly unitId: string,
    readonly expected: string,
    readonly actual: string,
    field: FieldPath,
  ) {
    super(`${unitId} is a ${actual} unit, not ${expected}`, [field]);
  }
}

export type EnforcementCaseError =
  | TooFewOfficers
  | PersonNotRegistered
  | OfficerNotCertified
  | OfficerNotAssigned
  | HearingPresiderNotIndependent
  | RightsNoticeRequired
  | HearingRequired
  | LegalReviewRequired
  | CollectiveDiscussionRequired
  | TransferRefusalReasonsRequired
  | TransferMaterialsMissing
  | ReturnReasonsRequired
  | AuthorityNotFound
  | AuthorityKindMismatch;

export const caseErrorStatuses: ErrorStatuses<EnforcementCaseError | SubjectNotFound | StepOutOfOrder | NotPermitted> = {
  ...commonErrorStatuses,
  'enforcement.too-few-officers': 422,
  'enforcement.person-not-registered': 422,
  'enforcement.officer-not-certified': 422,
  'enforcement.officer-not-assigned': 422,
  'enforcement.hearing-presider-not-independent': 422,
  'enforcement.rights-notice-required': 422,
  'enforcement.hearing-required': 422,
  'enforcement.legal-review-required': 422,
  'enforcement.collective-discussion-required': 422,
  'enforcement.transfer-refusal-reasons-required': 422,
  'enforcement.transfer-materials-missing': 422,
  'enforcement.return-reasons-required': 422,
  'enforcement.authority-not-found': 422,
  'enforcement.authority-kind-mismatch': 422,
};
