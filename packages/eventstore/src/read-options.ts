import type { ReadDirection } from './event-store.js';
import { InvalidReadOptions } from './errors.js';

/** What every adapter makes of a read's options, so that all of them answer the same range. */
export interface ReadRange {
  readonly backwards: boolean;
  /** Inclusive first key: version or position. */
  readonly start: number;
  readonly limit: number | undefined;
}

export const MAX_SUBSCRIPTION_BATCH = 10_000;

export function toReadRange(
  startOption: string,
  options: { readonly direction?: ReadDirection; readonly limit?: number },
  start: number | undefined,
): ReadRange {
  const backwards = options.direction === 'backwards';
  if (options.direction !== undefined && options.direction !== 'forwards' && !backwards) {
    throw new InvalidReadOptions('direction', "is 'forwards' or 'backwards'");
  }
  if (options.limit !== undefined && !(Number.isSafeInteger(options.limit) && options.limit >= 1)) {
    throw new InvalidReadOptions('limit', 'is a whole number, 1 or more');
  }
  if (start !== undefined && !(Number.isSafeInteger(start) && start >= 0)) {
    throw new InvalidReadOptions(startOption, 'is a whole number, 0 or more');
  }
  return {
    backwards,
    // Versions and positions count from 1; reading forwards "from 0" means from the beginning.
    start: backwards ? (start ?? Number.MAX_SAFE_INTEGER) : Math.max(start ?? 1, 1),
    limit: options.limit,
  };
}

export function toBatchSize(batchSize: number | undefined, fallback: number): number {
  if (batchSize === undefined) return fallback;
  if (!(Number.isSafeInteger(batchSize) && batchSize >= 1 && batchSize <= MAX_SUBSCRIPTION_BATCH)) {
    throw new InvalidReadOptions('batchSize', `is a whole number from 1 to ${MAX_SUBSCRIPTION_BATCH}`);
  }
  return batchSize;
}

export function toFromPosition(fromPosition: number | undefined): number {
  return toReadRange('fromPosition', {}, fromPosition).start;
}
