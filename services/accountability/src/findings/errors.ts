import { DomainError, commonErrorStatuses } from '@quanze/service-kit';
import type { ErrorStatuses, NotPermitted, StepOutOfOrder, SubjectNotFound } from '@quanze/service-kit';

/** 复审、复核: how a finding is overturned (公职人员政务处分法 第55–57条). */
const REVIEW_AND_APPEAL = '公职人员政务处分法 第55–57条';

/** The finding is about a decision, document, case, measure or inspection the ledger has no step of. */
export class FindingSubjectUnknown extends DomainError {
  readonly code = 'finding.subject-unknown';
  constructor(readonly subject: { readonly kind: string; readonly id: string }) {
    super(`the ledger has no ${subject.kind} ${subject.id}: a finding is about a subject on record`, [['subject', 'id']]);
  }
}

/** A step named as at fault is no step of a subject the ledger knows: the reverse trace could not reach it. */
export class FaultedStepUnknown extends DomainError {
  readonly code = 'finding.faulted-step-unknown';
  constructor(
    readonly eventId: string,
    index: number,
  ) {
    super(`event ${eventId} is no step of a decision, document, case, measure or inspection on record`, [['inResponseTo', index]]);
  }
}

/** One person, two entries: their measures belong in one entry. */
export class PersonHeldResponsibleTwice extends DomainError {
  readonly code = 'finding.person-held-responsible-twice';
  constructor(
    readonly personId: string,
    index: number,
  ) {
    super(`${personId} is held responsible more than once in this finding: give all their measures in one entry`, [['heldResponsible', index, 'personId']]);
  }
}

/** A finding or a withdrawal dated after today (China calendar day): what was not yet decided cannot be recorded. */
export class FindingDateInFuture extends DomainError {
  readonly code = 'finding.date-in-future';
  constructor(
    readonly field: 'decidedOn' | 'withdrawnOn',
    readonly date: string,
    readonly today: string,
  ) {
    super(`${field} ${date} is after today (${today}, China time)`, [[field]]);
  }
}

/** A withdrawal dated before the finding it withdraws. */
export class WithdrawalBeforeFinding extends DomainError {
  readonly code = 'finding.withdrawal-before-finding';
  constructor(
    readonly withdrawnOn: string,
    readonly decidedOn: string,
  ) {
    super(`withdrawnOn ${withdrawnOn} is before the finding was decided (${decidedOn})`, [['withdrawnOn']], REVIEW_AND_APPEAL);
  }
}

export class FindingAlreadyRecorded extends DomainError {
  readonly code = 'finding.already-recorded';
  constructor(readonly findingId: string) {
    super(`finding ${findingId} is already recorded`);
  }
}

/** A withdrawn finding stays withdrawn; a new finding is recorded if the matter is decided again. */
export class FindingAlreadyWithdrawn extends DomainError {
  readonly code = 'finding.already-withdrawn';
  constructor(readonly findingId: string) {
    super(`finding ${findingId} was already withdrawn: record a new finding if the matter is decided again`, [], REVIEW_AND_APPEAL);
  }
}

export type FindingError =
  | FindingSubjectUnknown
  | FaultedStepUnknown
  | PersonHeldResponsibleTwice
  | FindingDateInFuture
  | WithdrawalBeforeFinding
  | FindingAlreadyRecorded
  | FindingAlreadyWithdrawn;

export const findingErrorStatuses: ErrorStatuses<FindingError | SubjectNotFound | StepOutOfOrder | NotPermitted> = {
  ...commonErrorStatuses,
  'finding.subject-unknown': 422,
  'finding.faulted-step-unknown': 422,
  'finding.person-held-responsible-twice': 422,
  'finding.date-in-future': 422,
  'finding.withdrawal-before-finding': 422,
  'finding.already-recorded': 409,
  'finding.already-withdrawn': 409,
};
