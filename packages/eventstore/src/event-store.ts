import type { ProposedEvent, RecordedEvent } from '@quanze/events';

/**
 * What the writer believes about the stream before appending:
 * - a number n: the stream's last event has version n (0: the stream has no events yet);
 * - `no_stream`: the stream has no events; `stream_exists`: it has at least one; `any`: no check.
 */
export type ExpectedVersion = number | 'no_stream' | 'stream_exists' | 'any';

export interface AppendOptions {
  readonly expectedVersion?: ExpectedVersion;
}

export interface AppendResult {
  /** The stream's version after the append: pass it as `expectedVersion` of the next one. */
  readonly nextExpectedVersion: number;
  /** Global positions of the appended events, in order. */
  readonly positions: readonly number[];
  /** The events as recorded, with their store-assigned fields. */
  readonly events: readonly RecordedEvent[];
  /** True when every event was already stored by an earlier append of the same ids: nothing was written. */
  readonly idempotentReplay: boolean;
}

export type ReadDirection = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  /** Inclusive. Forwards it defaults to 1, backwards to the last version. */
  readonly fromVersion?: number;
  readonly direction?: ReadDirection;
  readonly limit?: number;
}

export interface ReadAllOptions {
  /** Inclusive. Forwards it defaults to 1, backwards to the head. */
  readonly fromPosition?: number;
  readonly direction?: ReadDirection;
  readonly limit?: number;
}

export interface SubscribeToAllOptions {
  /** Inclusive: the first position delivered. To resume after a checkpoint c, pass c + 1. Defaults to 1. */
  readonly fromPosition?: number;
  /** Most events fetched ahead of the consumer. The subscription never buffers more than this. */
  readonly batchSize?: number;
}

/**
 * Catch-up then live delivery of the whole log, each event exactly once and in position order.
 * Pull-based: the next page is read only when the consumer asks for it, so a slow consumer slows the
 * reads instead of growing a buffer. A failure of the store rejects the pending `next()` with that
 * error and ends the subscription; `lastPosition` tells where to resume.
 */
export interface AllSubscription extends AsyncIterable<RecordedEvent> {
  /** The position of the last event handed to the consumer (fromPosition - 1 before the first). */
  readonly lastPosition: number;
  /** Ends the subscription: a pending `next()` resolves as done, as does every later one. */
  stop(): Promise<void>;
}

export interface EventStore {
  appendToStream(streamId: string, events: readonly ProposedEvent[], options?: AppendOptions): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent>;
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  subscribeToAll(options?: SubscribeToAllOptions): AllSubscription;
  /** The position of the last event in the log, 0 when it is empty. */
  headPosition(): Promise<number>;
  /** Waits for appends in flight, then releases the store. Appends after close fail with `StoreClosed`. */
  close(): Promise<void>;
}
