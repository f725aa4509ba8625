import { z } from 'zod';
import { createEventRegistry, defineEvent, defineUpcaster } from '@quanze/events';
import type { EventRegistry, LedgerEventDefinition } from '@quanze/events';
import type { LedgerEvent, Projection } from '@quanze/projections';
import { proposedEvent } from '../../support/events.js';

// A tally domain of its own, with an old shape upcast to the current one, so the runner is tested apart from the
// ledger's catalogue.
const tallyCountedV1 = defineEvent('tally.counted.v1', z.object({ n: z.number() }));
const tallyCountedV2 = defineEvent('tally.counted.v2', z.object({ n: z.number(), unit: z.string() }));
export const registry = createEventRegistry({
  events: [tallyCountedV2],
  upcasters: [defineUpcaster(tallyCountedV1, tallyCountedV2, (data) => ({ n: data.n, unit: 'unknown' }))],
}) as unknown as EventRegistry<LedgerEventDefinition>;

interface Counted {
  readonly type: string;
  readonly position: number;
  readonly streamId: string;
  readonly data: { n: number; unit: string };
}

export function tallyProjection(name: string, options: { version?: number; failOn?: number; slowMs?: number } = {}): Projection {
  const table = `${name}_counts`;
  return {
    name,
    version: options.version ?? 1,
    tables: [table],
    async setup(tx) {
      await tx.exec(`CREATE TABLE IF NOT EXISTS ${table} (stream_id TEXT PRIMARY KEY, total INTEGER NOT NULL, last_unit TEXT NOT NULL, events INTEGER NOT NULL) STRICT`);
    },
    async apply(tx, event: LedgerEvent) {
      const counted = event as unknown as Counted;
      if (counted.data.n === options.failOn) throw new Error(`refusing n = ${String(options.failOn)}`);
      // A slow projection, so that a kill lands in the middle of a run.
      if (options.slowMs !== undefined) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, options.slowMs);
      await tx.run(
        `INSERT INTO ${table} AS counts (stream_id, total, last_unit, events) VALUES (?, ?, ?, 1)
         ON CONFLICT (stream_id) DO UPDATE SET total = counts.total + excluded.total, last_unit = excluded.last_unit, events = counts.events + 1`,
        [counted.streamId, counted.data.n, counted.data.unit],
      );
    },
  };
}

export function counted(n: number, unit = 'u') {
  return proposedEvent({ type: 'tally.counted.v2', data: { n, unit } });
}
