import type { RecordedEvent } from '@quanze/events';
import type { AllSubscription } from './event-store.js';
import { StoreClosed } from './errors.js';

export interface PollingSubscriptionOptions {
  readonly fromPosition: number;
  readonly batchSize: number;
  readonly pollIntervalMs: number;
  /** Events from `from` (inclusive) in position order, at most `count`; throws an EventStoreError on failure. */
  readonly fetch: (from: number, count: number) => RecordedEvent[] | Promise<RecordedEvent[]>;
  /** Registers a callback the store calls after each commit; returns its unregistration. */
  readonly onWake: (wake: () => void) => () => void;
  /** Registers a callback the store calls when it closes; returns its unregistration. */
  readonly onClose: (end: () => void) => () => void;
}

/**
 * Catch-up and live are one loop: read the page after the last delivered position; when it is empty,
 * sleep until the store says it committed (or the poll interval passes, for other writers). Because the
 * log's positions are gap-free and committed in order, "after the last delivered position" can neither
 * skip nor repeat an event. Pull-based: a page is read only when the consumer has used the previous one.
 */
export function createPollingSubscription(options: PollingSubscriptionOptions): AllSubscription {
  let buffer: RecordedEvent[] = [];
  let index = 0;
  let lastPosition = Math.max(options.fromPosition, 1) - 1;
  let state: 'running' | 'stopped' | 'failed' = 'running';
  let storeClosed = false;
  let wakeUp: (() => void) | undefined;
  let pollTimer: NodeJS.Timeout | undefined;

  const isLive = () => state === 'running' && !storeClosed;
  const wake = () => {
    clearTimeout(pollTimer);
    const resolve = wakeUp;
    wakeUp = undefined;
    resolve?.();
  };
  const unregisterWake = options.onWake(wake);
  const unregisterClose = options.onClose(() => {
    storeClosed = true;
    wake();
  });

  function end(): void {
    buffer = [];
    unregisterWake();
    unregisterClose();
    wake();
  }

  /** `break` out of a for-await and `stop()` end it alike. */
  function stop(): void {
    if (state === 'running') state = 'stopped';
    end();
  }

  const sleep = () =>
    new Promise<void>((resolve) => {
      wakeUp = resolve;
      // Kept referenced: a live subscription keeps its process waiting for events, as its owner expects;
      // stop() and close() clear it.
      pollTimer = setTimeout(wake, options.pollIntervalMs);
    });

  async function next(): Promise<IteratorResult<RecordedEvent>> {
    for (;;) {
      if (state !== 'running') return { done: true, value: undefined };
      const event = buffer[index];
      if (event !== undefined) {
        index += 1;
        lastPosition = event.position;
        return { done: false, value: event };
      }
      try {
        // The store closing under a live subscription ends it as a failure: its owner must see it.
        if (storeClosed) throw new StoreClosed();
        buffer = await options.fetch(lastPosition + 1, options.batchSize);
        index = 0;
      } catch (error) {
        state = 'failed';
        end();
        throw error;
      }
      // stop() or the store's close may have come while the page was read.
      if (buffer.length === 0 && isLive()) await sleep();
    }
  }

  // Calls to next() are served one after another, as an async generator serves them: two callers racing
  // must not read the same page twice, nor leave one of them asleep forever.
  let previous: Promise<unknown> = Promise.resolve();
  const iterator: AsyncIterator<RecordedEvent> = {
    next() {
      const result = previous.then(next);
      previous = result.catch(() => undefined);
      return result;
    },
    return() {
      stop();
      return Promise.resolve({ done: true, value: undefined });
    },
  };

  return {
    get lastPosition() {
      return lastPosition;
    },
    stop() {
      stop();
      return Promise.resolve();
    },
    [Symbol.asyncIterator]: () => iterator,
  };
}
