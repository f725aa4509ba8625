import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Actor } from '@quanze/events';
import { newEventId } from '@quanze/events';
import { openEventStore } from '@quanze/eventstore';
import type { EventStore } from '@quanze/eventstore';
import { createProjectionRunner, dumpProjection, openReadModelDatabase } from '@quanze/projections';
import type { Projection, ReadModelDatabase } from '@quanze/projections';

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
 * place, then projected from scratch into another database in batches of one — three byte-identical dumps.
 */
export async function expectRebuildsIdentically(store: EventStore, live: ReadModelDatabase, projection: Projection): Promise<string> {
  const liveDump = dumpProjection(live, projection);
  const inPlace = createProjectionRunner({ store, db: live, projections: [projection] });
  await inPlace.rebuild();
  expect(dumpProjection(live, projection), 'rebuilt in place').to.equal(liveDump);
  const fresh = openReadModelDatabase(':memory:');
  try {
    await createProjectionRunner({ store, db: fresh, projections: [projection], batchSize: 1 }).catchUp();
    expect(dumpProjection(fresh, projection), 'projected from scratch').to.equal(liveDump);
  } finally {
    fresh.close();
  }
  return liveDump;
}
