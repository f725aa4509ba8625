/**
 * A command broke a rule of the domain. Each subclass names a literal `code` (`decision.legality-review-required`),
 * the article it applies where there is one, and the fields a person needs to put it right. Domain errors know
 * nothing of HTTP: each service maps its codes to statuses in one `ErrorStatuses` table, which the compiler
 * keeps complete.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  /** Where the `fields` are: almost always the command's body. */
  readonly fieldsIn: 'body' | 'headers' | 'params' | 'query' = 'body';
  constructor(
    message: string,
    /** The command fields at fault, as paths (`['meeting', 'attendees', 2]`), so a form can point at them. */
    readonly fields: readonly (readonly (string | number)[])[] = [],
    /** The rule behind the check, e.g. `重大行政决策程序暂行条例 第30条`; shown to users and legal reviewers. */
    readonly article: string | null = null,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** What a failed command means for the caller; the HTTP layer turns each into a status. */
export type ErrorStatus =
  | 404 // the subject does not exist
  | 409 // the subject is in another state than the command expects (already done, closed, taken)
  | 422 // the command breaks a rule (missing step, uncertified officer, no reasons given)
  | 403; // the caller may not do this to this subject (another authority's transfer)

/** Every code of a service's errors mapped to its status: adding an error without an entry does not compile. */
export type ErrorStatuses<TError extends DomainError> = Record<TError['code'], ErrorStatus>;

/** The subject of a command was never created. Shared because every service has subjects. */
export class SubjectNotFound extends DomainError {
  readonly code = 'subject.not-found';
  constructor(readonly subject: string) {
    super(`${subject} does not exist`);
  }
}

/** A command for a subject that is already past the step it asks for. */
export class StepOutOfOrder extends DomainError {
  readonly code = 'subject.step-out-of-order';
  constructor(
    readonly subject: string,
    readonly step: string,
    readonly stage: string,
  ) {
    super(`${subject}: ${step} is not possible at stage ${stage}`);
  }
}


/** The caller's roles allow the command, but not on this subject: another unit's case, another court's transfer. */
export class NotPermitted extends DomainError {
  readonly code = 'subject.not-permitted';
}

export const commonErrorStatuses: ErrorStatuses<SubjectNotFound | StepOutOfOrder | NotPermitted> = {
  'subject.not-found': 404,
  'subject.step-out-of-order': 409,
  'subject.not-permitted': 403,
};
