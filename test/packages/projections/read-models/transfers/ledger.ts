import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Actor } from '@quanze/events';
import { newEventId } from '@quanze/events';
import { openEventStore } from '@quanze/eventstore';
import type { EventStore } from '@quanze/eventstore';
import { createProjectionRunner, dumpProjection } from '@quanze/projections';
import type { Projection, ReadModelStore } from '@quanze/projections';
import type { ReadModelTarget } from '../../../../support/read-models.js';

/** A store in a temp folder, to write a handcrafted history into, event by event, as the services would. */
export interface HandcraftedLedger {
  readonly store: EventStore;
  /** Appends one event; `at` is its occurredAt (default: a fixed instant), `actor` who recorded it. */
  append(streamId: string, type: string, data: unknown, options?: { at?: string; actor?: Actor }): Promise<number>;
  close(): Promise<void>;
}

const clerk: Actor = { personId: 'person-clerk', postId: 'post-clerk', unitId: 'unit-scj' };

export async function openHandcraftedLedger(): Promise<HandcraftedLedger> {
  const folder = await mkdtemp(join(tmpdir(), 'quanze-read-model-'));
  const store = await openEventStore(`sqlite:${folder}`);
  return {
    store,
    async append(streamId, type, data, options = {}) {
      const { positions } = await store.appendToStream(
        streamId,
        [
          {
            eventId: newEventId(),
            type,
            occurredAt: options.at ?? '2026-03-02T01:00:00.000Z',
            actor: options.actor ?? clerk,
            causationId: null,
            correlationId: null,
            commandId: null,
            data,
          },
        ],
        { expectedVersion: 'any' },
      );
      const [position] = positions;
      if (position === undefined) throw new Error('nothing appended');
      return position;
    },
    async close() {
      await store.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

/**
 * The rebuild property of a read model: projected live while the history was written (`live`), then rebuilt in
 * place, then projected from scratch into another database of the same kind (`target`) in batches of one — three
 * byte-identical dumps.
 */
export async function expectRebuildsIdentically(
  store: EventStore,
  live: ReadModelStore,
  projection: Projection,
  target: Pick<ReadModelTarget, 'open'>,
): Promise<string> {
  const dumpOf = (readModels: ReadModelStore) => readModels.read((q) => dumpProjection(q, projection));
  const liveDump = await dumpOf(live);
  const inPlace = createProjectionRunner({ store, readModels: live, projections: [projection] });
  await inPlace.rebuild();
  expect(await dumpOf(live), 'rebuilt in place').to.equal(liveDump);
  const fresh = await target.open();
  try {
    await createProjectionRunner({ store, readModels: fresh, projections: [projection], batchSize: 1 }).catchUp();
    expect(await dumpOf(fresh), 'projected from scratch').to.equal(liveDump);
  } finally {
    await fresh.close();
  }
  return liveDump;
}
