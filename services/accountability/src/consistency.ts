import { z } from 'zod';
import { EventStoreError } from '@quanze/eventstore';
import type { AccountabilityDeps } from './deps.js';

/** How long a `consistent=true` query waits for the read models before it gives up with 503. */
export const CONSISTENCY_TIMEOUT_MS = 2_000;

/**
 * Read-your-writes (docs/ACCOUNTABILITY.md, "Running and rebuilding read models"): read models follow the store a
 * moment behind. A query with `consistent=true` first waits until every read model has applied everything the
 * store held when the query arrived — the caller's own commands included — for at most 2 s.
 */
export const ConsistentFlag = z
  .enum(['true', 'false'])
  .optional()
  .transform((value) => value === 'true')
  .describe('true: answer only once the read models hold every event recorded before this query (waits up to 2 s, else 503)');

/** The read models did not catch up in time: 503 with `Retry-After`, like a busy store. */
export class ReadModelsBehind extends EventStoreError {
  readonly code = 'readmodels.behind';
  readonly retriable = true;
  constructor(
    readonly position: number,
    override readonly cause: unknown,
  ) {
    super(`the read models did not reach position ${String(position)} within ${String(CONSISTENCY_TIMEOUT_MS)} ms`);
    this.name = 'ReadModelsBehind';
  }
}

export async function awaitConsistency(deps: Pick<AccountabilityDeps, 'store' | 'runner'>, consistent: boolean): Promise<void> {
  if (!consistent) return;
  const head = await deps.store.headPosition();
  try {
    await deps.runner.waitFor(head, CONSISTENCY_TIMEOUT_MS);
  } catch (error) {
    throw new ReadModelsBehind(head, error);
  }
}
