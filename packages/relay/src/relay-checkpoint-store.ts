/**
 * How far the outbox has published: the position of the last event whose messages Kafka acknowledged. The event
 * store stays the source of truth; losing a checkpoint (or its last write) only republishes — consumers drop
 * repeats by event id. Kept where the ledger's other state is: `relay.sqlite` in the data folder beside a SQLite
 * store, a table in the same database beside a PostgreSQL one (`openRelayCheckpointStore`).
 */
export interface RelayCheckpointStore {
  /** The position stored under `name`; 0 when none was. */
  read(name: string): Promise<number>;
  /**
   * Stores `position` under `name` unless a larger one is stored already: never backwards, so that two relays on
   * one store (a restart overlapping the old process) cannot undo each other's progress.
   */
  write(name: string, position: number): Promise<void>;
  /** Idempotent; reads and writes after it reject with `RelayCheckpointStoreClosed`. */
  close(): Promise<void>;
}

/** Errors every adapter translates its driver's errors into; the contract suite checks that it does. */
export abstract class RelayCheckpointError extends Error {
  abstract readonly code: string;
  /** Whether trying again may succeed (kafkajs's split): the outbox retries either way, from what is stored. */
  abstract readonly retriable: boolean;
}

/** A position that is not a whole number ≥ 0, or an empty name: a bug in the caller, never stored. */
export class InvalidRelayCheckpoint extends RelayCheckpointError {
  readonly code = 'relay.invalid-checkpoint';
  readonly retriable = false;
  constructor(
    readonly field: 'name' | 'position',
    readonly problem: string,
  ) {
    super(`relay checkpoint ${field}: ${problem}`);
    this.name = 'InvalidRelayCheckpoint';
  }
}

export class RelayCheckpointStoreClosed extends RelayCheckpointError {
  readonly code = 'relay.checkpoint-store-closed';
  readonly retriable = false;
  constructor() {
    super('the relay checkpoint store is closed');
    this.name = 'RelayCheckpointStoreClosed';
  }
}

/** The database could not be reached or is busy: the outbox tries again after its pause. */
export class RelayCheckpointUnavailable extends RelayCheckpointError {
  readonly code = 'relay.checkpoint-store-unavailable';
  readonly retriable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RelayCheckpointUnavailable';
  }
}

/** Anything else the database refused (a schema newer than this code, a disk error): not worth retrying at once. */
export class RelayCheckpointStoreFailure extends RelayCheckpointError {
  readonly code = 'relay.checkpoint-store-failure';
  readonly retriable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RelayCheckpointStoreFailure';
  }
}

/** The checks both adapters make before they touch their database. */
export function checkedCheckpoint(name: string, position?: number): void {
  if (typeof name !== 'string' || name === '') throw new InvalidRelayCheckpoint('name', 'a non-empty string');
  if (position !== undefined && (!Number.isSafeInteger(position) || position < 0)) {
    throw new InvalidRelayCheckpoint('position', `a whole number ≥ 0, got ${String(position)}`);
  }
}
