import { DomainError } from '@quanze/service-kit';
import type { ErrorStatuses } from '@quanze/service-kit';

/** A command field, as a path into the body: `['leadUnitIds', 2]`. */
export type FieldPath = readonly (string | number)[];

const LIFELONG = '公职人员政务处分法 第27条';
const CERTIFIED_OFFICERS = '行政处罚法 第42条';

export class UnitAlreadyRegistered extends DomainError {
  readonly code = 'organization.unit-already-registered';
  constructor(readonly unitId: string) {
    super(`unit ${unitId} is already registered`);
  }
}

/**
 * The unit the command is about was merged or dissolved: it takes no new posts, appointments or names. Whatever
 * is to be done is done in the successor, which answers for it.
 */
export class UnitEnded extends DomainError {
  readonly code = 'organization.unit-ended';
  constructor(
    readonly unitId: string,
    readonly ending: 'merged' | 'dissolved',
    readonly endedOn: string,
    readonly successorUnitId: string | null,
  ) {
    super(
      `unit ${unitId} was ${ending} on ${endedOn}` +
        (successorUnitId === null ? '' : `; its successor is unit ${successorUnitId}`),
    );
  }
}

/** A command names a unit (successor, parent, appointment's unit, responsible unit…) that was never registered. */
export class UnitNotRegistered extends DomainError {
  readonly code = 'organization.unit-not-registered';
  constructor(
    readonly unitId: string,
    field: FieldPath,
  ) {
    super(`unit ${unitId} is not registered`, [field]);
  }
}

/** A command names a unit that did not exist (yet, or any more) when the command's step takes effect. */
export class UnitNotInExistence extends DomainError {
  readonly code = 'organization.unit-not-in-existence';
  constructor(
    readonly unitId: string,
    readonly why: string,
    field: FieldPath,
  ) {
    super(`unit ${unitId} ${why}`, [field]);
  }
}

/** A unit named as its own successor or parent: a merger chain or a hierarchy that would loop. */
export class UnitRefersToItself extends DomainError {
  readonly code = 'organization.unit-refers-to-itself';
  constructor(
    readonly unitId: string,
    field: FieldPath,
  ) {
    super(`unit ${unitId} cannot be its own ${String(field[0])}`, [field]);
  }
}

/** 集合称谓 (市直各部门…) stands for many units: it has no 机关代字 and no staff of its own. */
export class CollectiveUnitLimit extends DomainError {
  readonly code = 'organization.collective-unit';
  constructor(what: string, field: FieldPath) {
    super(`a collective designation (集合称谓) ${what}`, [field]);
  }
}

export class NothingRenamed extends DomainError {
  readonly code = 'organization.nothing-renamed';
  constructor(readonly unitId: string) {
    super(`unit ${unitId} already has this name and code`, [['name'], ['code']]);
  }
}

export class PostAlreadyEstablished extends DomainError {
  readonly code = 'organization.post-already-established';
  constructor(readonly postId: string) {
    super(`post ${postId} is already established`);
  }
}

/** A date earlier than the step it follows: the record would say something ended before it began. */
export class DateOutOfOrder extends DomainError {
  readonly code = 'organization.date-out-of-order';
  constructor(
    field: string,
    readonly date: string,
    readonly earliest: string,
    readonly because: string,
  ) {
    super(`${field} ${date} is before ${earliest} (${because})`, [[field]]);
  }
}

export class PersonAlreadyRegistered extends DomainError {
  readonly code = 'organization.person-already-registered';
  constructor(readonly personId: string) {
    super(`person ${personId} is already registered`);
  }
}

/** A command names a person (responsiblePersonIds) who was never registered. */
export class PersonNotRegistered extends DomainError {
  readonly code = 'organization.person-not-registered';
  constructor(
    readonly personId: string,
    field: FieldPath,
  ) {
    super(`person ${personId} is not registered`, [field]);
  }
}

/** After retirement no post or certificate is given; the record stays, and so does the answerability. */
export class PersonRetired extends DomainError {
  readonly code = 'organization.person-retired';
  constructor(
    readonly personId: string,
    readonly retiredOn: string,
  ) {
    super(`person ${personId} retired on ${retiredOn}; they remain answerable for what they did, but take no new post or certificate`, [], LIFELONG);
  }
}

export class PostNotInUnit extends DomainError {
  readonly code = 'organization.post-not-in-unit';
  constructor(
    readonly postId: string,
    readonly unitId: string,
  ) {
    super(`post ${postId} is not a post of unit ${unitId}`, [['postId']]);
  }
}

/** One holder per post: a second deputy is a second post. */
export class PostHeldByAnother extends DomainError {
  readonly code = 'organization.post-held-by-another';
  constructor(
    readonly postId: string,
    readonly holderPersonIds: readonly string[],
  ) {
    super(`post ${postId} is held by ${holderPersonIds.map((id) => `person ${id}`).join(', ')}; remove them first`, [['postId']]);
  }
}

export class PostAlreadyHeld extends DomainError {
  readonly code = 'organization.post-already-held';
  constructor(
    readonly personId: string,
    readonly postId: string,
  ) {
    super(`person ${personId} already holds post ${postId}`, [['postId']]);
  }
}

export class PostNotHeld extends DomainError {
  readonly code = 'organization.post-not-held';
  constructor(
    readonly personId: string,
    readonly postId: string,
  ) {
    super(`person ${personId} does not hold post ${postId}`, [['postId']]);
  }
}

export class CertificateValidityInverted extends DomainError {
  readonly code = 'organization.certificate-validity-inverted';
  constructor(
    readonly validFrom: string,
    readonly validUntil: string,
  ) {
    super(`a certificate valid from ${validFrom} must expire after that day, not on ${validUntil}`, [['validUntil']], CERTIFIED_OFFICERS);
  }
}

export class CertificateAlreadyIssued extends DomainError {
  readonly code = 'organization.certificate-already-issued';
  constructor(readonly certificateId: string) {
    super(`certificate ${certificateId} is already recorded`);
  }
}

export class CertificateAlreadyRevoked extends DomainError {
  readonly code = 'organization.certificate-already-revoked';
  constructor(
    readonly certificateId: string,
    readonly revokedOn: string,
  ) {
    super(`certificate ${certificateId} was already revoked on ${revokedOn}`, [], CERTIFIED_OFFICERS);
  }
}

/**
 * 执法证 are granted in the issuing unit's name: its legal reviewers (法制审核) record and revoke them for that
 * unit only. Administrators may record any (a history migrated from paper).
 */
export class NotOfIssuingUnit extends DomainError {
  readonly code = 'organization.not-of-issuing-unit';
  constructor(
    readonly issuingUnitId: string,
    readonly actorUnitId: string | null,
    fields: readonly FieldPath[],
  ) {
    super(
      `certificates of unit ${issuingUnitId} are recorded by its own legal reviewers or by an administrator, not by ` +
        (actorUnitId === null ? 'a legal reviewer of no unit' : `a legal reviewer of unit ${actorUnitId}`),
      fields,
      CERTIFIED_OFFICERS,
    );
  }
}

/** Nobody grants or withdraws their own enforcement qualification, administrators included. */
export class OwnCertificate extends DomainError {
  readonly code = 'organization.own-certificate';
  constructor(readonly personId: string) {
    super(`person ${personId} cannot record or revoke an enforcement certificate of their own`, [], CERTIFIED_OFFICERS);
  }
}

/**
 * A legal reviewer's certificate or revocation takes effect today (China) or later: dating it earlier would make
 * past enforcement acts (un)certified after the fact. Administrators record earlier dates for a history.
 */
export class BackdatedByReviewer extends DomainError {
  readonly code = 'organization.backdated-by-reviewer';
  constructor(
    field: string,
    readonly date: string,
    readonly today: string,
  ) {
    super(`${field} ${date} is before today (${today}): a legal reviewer records from today on; an administrator records history`, [[field]], CERTIFIED_OFFICERS);
  }
}

export class MeasureAlreadyDefined extends DomainError {
  readonly code = 'organization.measure-already-defined';
  constructor(readonly measureId: string) {
    super(`measure ${measureId} is already defined`);
  }
}

/** A unit may be lead (牵头) or cooperating (配合) for a measure, once. */
export class UnitListedTwice extends DomainError {
  readonly code = 'organization.unit-listed-twice';
  constructor(
    readonly unitId: string,
    field: FieldPath,
  ) {
    super(`unit ${unitId} is named twice among the responsible units`, [field]);
  }
}

/** A later assignment replaces an earlier one; the ledger keeps both, and why. */
export class SupersessionReasonRequired extends DomainError {
  readonly code = 'organization.supersession-reason-required';
  constructor(readonly measureId: string) {
    super(`measure ${measureId} already has responsible units: say why they change`, [['reason']]);
  }
}

export class NothingToSupersede extends DomainError {
  readonly code = 'organization.nothing-to-supersede';
  constructor(readonly measureId: string) {
    super(`measure ${measureId} has no earlier assignment for a reason to explain`, [['reason']]);
  }
}

export type OrganizationError =
  | UnitAlreadyRegistered
  | UnitEnded
  | UnitNotRegistered
  | UnitNotInExistence
  | UnitRefersToItself
  | CollectiveUnitLimit
  | NothingRenamed
  | PostAlreadyEstablished
  | DateOutOfOrder
  | PersonAlreadyRegistered
  | PersonNotRegistered
  | PersonRetired
  | PostNotInUnit
  | PostHeldByAnother
  | PostAlreadyHeld
  | PostNotHeld
  | CertificateValidityInverted
  | CertificateAlreadyIssued
  | CertificateAlreadyRevoked
  | NotOfIssuingUnit
  | OwnCertificate
  | BackdatedByReviewer
  | MeasureAlreadyDefined
  | UnitListedTwice
  | SupersessionReasonRequired
  | NothingToSupersede;

export const organizationErrorStatuses: ErrorStatuses<OrganizationError> = {
  'organization.unit-already-registered': 409,
  'organization.unit-ended': 409,
  'organization.unit-not-registered': 422,
  'organization.unit-not-in-existence': 422,
  'organization.unit-refers-to-itself': 422,
  'organization.collective-unit': 422,
  'organization.nothing-renamed': 422,
  'organization.post-already-established': 409,
  'organization.date-out-of-order': 422,
  'organization.person-already-registered': 409,
  'organization.person-not-registered': 422,
  'organization.person-retired': 409,
  'organization.post-not-in-unit': 422,
  'organization.post-held-by-another': 409,
  'organization.post-already-held': 409,
  'organization.post-not-held': 409,
  'organization.certificate-validity-inverted': 422,
  'organization.certificate-already-issued': 409,
  'organization.certificate-already-revoked': 409,
  'organization.not-of-issuing-unit': 403,
  'organization.own-certificate': 403,
  'organization.backdated-by-reviewer': 422,
  'organization.measure-already-defined': 409,
  'organization.unit-listed-twice': 422,
  'organization.supersession-reason-required': 422,
  'organization.nothing-to-supersede': 422,
};
