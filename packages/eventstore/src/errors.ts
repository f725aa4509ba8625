import type { ExpectedVersion } from './event-store.js';

/** Errors every adapter translates its driver's errors into; the contract suite checks that it does. */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
  /** Whether trying the same call again may succeed (kafkajs's split): a conflict is final, a busy disk is not. */
  abstract readonly retriable: boolean;
}

export class WrongExpectedVersion extends EventStoreError {
  readonly code = 'eventstore.wrong-expected-version';
  readonly retriable = false;
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    /** The stream's last version; 0 when it has no events. */
    readonly actual: number,
  ) {
    super(`stream ${streamId}: expected version ${String(expected)}, actual ${actual}`);
    this.name = 'WrongExpectedVersion';
  }
}

/** An event id already stored with other content, or in another stream or version: never overwritten. */
export class DuplicateEventId extends EventStoreError {
  readonly code = 'eventstore.duplicate-event-id';
  readonly retriable = false;
  constructor(
    readonly eventId: string,
    readonly streamId: string,
    readonly reason: string,
  ) {
    super(`event ${eventId} appended to ${streamId}: ${reason}`);
    this.name = 'DuplicateEventId';
  }
}

export class InvalidAppend extends EventStoreError {
  readonly code = 'eventstore.invalid-append';
  readonly retriable = false;
  constructor(
    readonly streamId: string,
    readonly path: string,
    readonly problem: string,
  ) {
    super(`append to ${streamId}: ${path}: ${problem}`);
    this.name = 'InvalidAppend';
  }
}

/** Read options that name no range: a version or position that is not a whole number, a limit below 1. */
export class InvalidReadOptions extends EventStoreError {
  readonly code = 'eventstore.invalid-read-options';
  readonly retriable = false;
  constructor(
    readonly option: string,
    readonly problem: string,
  ) {
    super(`${option}: ${problem}`);
    this.name = 'InvalidReadOptions';
  }
}

export class StoreClosed extends EventStoreError {
  readonly code = 'eventstore.closed';
  readonly retriable = false;
  constructor() {
    super('the event store is closed');
    this.name = 'StoreClosed';
  }
}

/** The engine could not do it now (another writer holds the lock): the caller may retry with backoff. */
export class StoreUnavailable extends EventStoreError {
  readonly code = 'eventstore.unavailable';
  readonly retriable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailable';
  }
}

/** The engine failed in a way a retry will not mend (corruption, full disk, a bug): the cause says which. */
export class StoreFailure extends EventStoreError {
  readonly code = 'eventstore.failure';
  readonly retriable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreFailure';
  }
}
