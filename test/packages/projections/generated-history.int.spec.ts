import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { accountabilityProjections } from '@quanze/accountability';
import type { RecordedEvent } from '@quanze/events';
import { openEventStore } from '@quanze/eventstore';
import type { EventStore } from '@quanze/eventstore';
import { createProjectionRunner, dumpDigest, openReadModelDatabase } from '@quanze/projections';
import type { ReadModelDatabase } from '@quanze/projections';
import { createAccessRecorder } from '@quanze/service-kit';
import { discard, generateHistory } from '../../seeds/synthetic-support.js';
import type { GeneratedHistory } from '../../seeds/synthetic-support.js';

/** Each read model's digest on its own, so that a difference names the read model. */
function digests(db: ReadModelDatabase): Record<string, string> {
  return Object.fromEntries(accountabilityProjections.map((projection) => [projection.name, dumpDigest(db, [projection])]));
}

/** Appends the history's events to `store` as their writers did, stream by stream in log order. */
async function replayInto(store: EventStore, events: readonly RecordedEvent[]): Promise<void> {
  for (const event of events) {
    await store.appendToStream(
      event.streamId,
      [
        {
          eventId: event.eventId,
          type: event.type,
          occurredAt: event.occurredAt,
          actor: event.actor,
          causationId: event.causationId,
          correlationId: event.correlationId,
          commandId: event.commandId,
          data: event.data,
        },
      ],
      { expectedVersion: event.streamVersion === 1 ? 'no_stream' : event.streamVersion - 1 },
    );
  }
}

/**
 * The promise: a read model rebuilt from the log holds exactly what the one that followed the log as it grew
 * holds. Handcrafted histories test it per read model; this is the same on a whole generated city, where every rule,
 * merger and rotation occurs together and in volume.
 */
describe('every read model over a generated city', function () {
  this.timeout(300_000);
  let history: GeneratedHistory | undefined;
  let folder: string;
  let growing: EventStore;
  let followed: ReadModelDatabase;

  before(async function () {
    history = await generateHistory({ events: 8_000, seed: 7 });
    folder = await mkdtemp(join(tmpdir(), 'quanze-generated-rebuild-'));
    growing = await openEventStore(`sqlite:${folder}`);
    followed = openReadModelDatabase(join(folder, 'followed.sqlite'));
    // The log grows in uneven steps; after each the runner catches up in small batches, as a live service would.
    const runner = createProjectionRunner({ store: growing, db: followed, projections: accountabilityProjections, batchSize: 97 });
    // Supervision's queries go into the log between the city's events, as they would (the generator records none).
    const recordAccess = createAccessRecorder(growing);
    const events = history.events;
    for (let at = 0, step = 1; at < events.length; step = (step * 7 + 13) % 1_500 + 1) {
      const next = Math.min(events.length, at + step);
      await replayInto(growing, events.slice(at, next));
      const subject = events[next - 1]?.streamId ?? null;
      await recordAccess(
        { personId: 'person-inspector', postId: 'post-inspector', unitId: 'unit-supervision', roles: ['supervision'] },
        { operationId: 'getChain', subject, parameters: { at: String(next) } },
      );
      await runner.catchUp();
      at = next;
    }
  });

  after(async function () {
    followed.close();
    await growing.close();
    await rm(folder, { recursive: true, force: true });
    await discard(history);
  });

  it('rebuilt from scratch into a fresh file, gives byte-identical dumps of every read model', async function () {
    const fresh = openReadModelDatabase(join(folder, 'fresh.sqlite'));
    try {
      const reached = await createProjectionRunner({ store: growing, db: fresh, projections: accountabilityProjections }).rebuild();
      expect(reached).to.equal(await growing.headPosition());
      expect(digests(fresh)).to.deep.equal(digests(followed));
    } finally {
      fresh.close();
    }
  });

  it('rebuilt in place, in batches of another size, gives the same dumps again', async function () {
    const before = digests(followed);
    await createProjectionRunner({ store: growing, db: followed, projections: accountabilityProjections, batchSize: 1_000 }).rebuild();
    expect(digests(followed)).to.deep.equal(before);
  });

  it('holds rows in every read model, so that equal dumps are not equal emptiness', function () {
    for (const projection of accountabilityProjections) {
      const rows = projection.tables.reduce(
        (total, table) => total + (followed.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n,
        0,
      );
      expect(rows, projection.name).to.be.greaterThan(0);
    }
  });
});
