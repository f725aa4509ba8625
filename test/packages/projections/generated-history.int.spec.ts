import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { accountabilityProjections } from '@quanze/accountability';
import type { RecordedEvent } from '@quanze/events';
import { openEventStore } from '@quanze/eventstore';
import type { EventStore } from '@quanze/eventstore';
import { createProjectionRunner, dumpDigest, openPostgresReadModelStore, openReadModelStore, openSqliteReadModelStore } from '@quanze/projections';
import type { ReadModelStore } from '@quanze/projections';
import { createAccessRecorder } from '@quanze/service-kit';
import { usePostgresCluster } from '../../support/postgres.js';
import { describeOnEachReadModelStore, statementwise } from '../../support/read-models.js';
import { discard, generateHistory } from '../../seeds/synthetic-support.js';
import type { GeneratedHistory } from '../../seeds/synthetic-support.js';

/** Each read model's digest on its own, so that a difference names the read model. */
async function digests(readModels: ReadModelStore): Promise<Record<string, string>> {
  const q = statementwise(readModels);
  const entries: [string, string][] = [];
  for (const projection of accountabilityProjections) entries.push([projection.name, await dumpDigest(q, [projection])]);
  return Object.fromEntries(entries);
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
 * holds — and holds it alike in SQLite and in PostgreSQL. Handcrafted histories test it per read model; this is the
 * same on a whole generated city, where every rule, merger and rotation occurs together and in volume.
 */
describe('every read model over a generated city', function () {
  this.timeout(300_000);
  const postgres = usePostgresCluster();
  let history: GeneratedHistory | undefined;
  let folder: string;
  let growing: EventStore;
  let followed: ReadModelStore;
  let followedOnPostgres: ReadModelStore;

  before(async function () {
    history = await generateHistory({ events: 8_000, seed: 7 });
    folder = await mkdtemp(join(tmpdir(), 'quanze-generated-rebuild-'));
    growing = await openEventStore(`sqlite:${folder}`);
    followed = openSqliteReadModelStore(join(folder, 'followed.sqlite'));
    followedOnPostgres = await openPostgresReadModelStore({ connectionString: await postgres.cluster.newDatabaseUrl('followed') });
    // The log grows in uneven steps; after each the runners catch up in small batches, as a live service would.
    const runner = createProjectionRunner({ store: growing, readModels: followed, projections: accountabilityProjections, batchSize: 97 });
    const runnerOnPostgres = createProjectionRunner({ store: growing, readModels: followedOnPostgres, projections: accountabilityProjections, batchSize: 89 });
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
      await Promise.all([runner.catchUp(), runnerOnPostgres.catchUp()]);
      at = next;
    }
  });

  after(async function () {
    await followed.close();
    await followedOnPostgres.close();
    await growing.close();
    await rm(folder, { recursive: true, force: true });
    await discard(history);
  });

  it('followed in PostgreSQL as the log grew, holds row for row what SQLite holds', async function () {
    expect(await digests(followedOnPostgres)).to.deep.equal(await digests(followed));
  });

  describeOnEachReadModelStore('rebuilt', (target) => {
    it('from scratch into a fresh database, gives identical dumps of every read model (on PostgreSQL, replayed aside)', async function () {
      const fresh = await openReadModelStore(await target.newLocation());
      try {
        // Replayed aside on PostgreSQL (into SQLite, then copied), as a rebuild of a long log is there.
        const reached = await createProjectionRunner({ store: growing, readModels: fresh, projections: accountabilityProjections, replayAside: { minEvents: 1 } }).rebuild();
        expect(reached).to.equal(await growing.headPosition());
        expect(await digests(fresh)).to.deep.equal(await digests(followed));
      } finally {
        await fresh.close();
      }
    });
  });

  it('rebuilt in place, in batches of another size, gives the same dumps again', async function () {
    const before = await digests(followed);
    await createProjectionRunner({ store: growing, readModels: followed, projections: accountabilityProjections, batchSize: 1_000 }).rebuild();
    expect(await digests(followed)).to.deep.equal(before);
  });

  it('holds rows in every read model, so that equal dumps are not equal emptiness', async function () {
    const q = statementwise(followed);
    for (const projection of accountabilityProjections) {
      let rows = 0;
      for (const table of projection.tables) rows += (await q.get<{ n: number }>(`SELECT count(*) AS n FROM "${table}"`))?.n ?? 0;
      expect(rows, projection.name).to.be.greaterThan(0);
    }
  });
});
