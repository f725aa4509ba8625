import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { openEventStore } from '@quanze/eventstore';
import type { EventStore } from '@quanze/eventstore';
import { ProjectionFailed, ReadModelVersionChanged, createProjectionRunner, dumpDigest, dumpProjection, openReadModelStore } from '@quanze/projections';
import type { Projection, ProjectionRunner, ReadModelSql, ReadModelStore } from '@quanze/projections';
import { newStreamId, proposedEvent } from '../../support/events.js';
import { describeOnEachReadModelStore, statementwise } from '../../support/read-models.js';
import { counted, registry, tallyProjection } from './tally.js';

const PROJECT_UNTIL_KILLED = fileURLToPath(new URL('./project-until-killed.ts', import.meta.url));

describeOnEachReadModelStore('the projection runner', (target) => {
  let folder: string;
  let store: EventStore;
  let location: string;
  let readModels: ReadModelStore;
  let db: ReadModelSql;
  let runners: ProjectionRunner[];
  let opened: ReadModelStore[];

  function runner(projections: readonly Projection[], batchSize = 50, database = readModels): ProjectionRunner {
    const created = createProjectionRunner({ store, readModels: database, projections, registry, batchSize });
    runners.push(created);
    return created;
  }

  async function open(where: string): Promise<ReadModelStore> {
    const another = await openReadModelStore(where);
    opened.push(another);
    return another;
  }

  function totals(name = 'tally'): Promise<{ stream_id: string; total: number; events: number }[]> {
    return db.all(`SELECT stream_id, total, events FROM ${name}_counts ORDER BY stream_id`);
  }

  async function appendTally(streamId: string, values: readonly number[]): Promise<void> {
    await store.appendToStream(streamId, values.map((n) => counted(n)));
  }

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'quanze-projections-'));
    store = await openEventStore(`sqlite:${folder}`);
    opened = [];
    location = await target.newLocation();
    readModels = await open(location);
    db = statementwise(readModels);
    runners = [];
  });
  afterEach(async () => {
    for (const each of runners) await each.stop();
    for (const each of opened) await each.close();
    await store.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('applies every event once, in position order, and reports no lag once caught up', async () => {
    const stream = newStreamId('tally');
    await appendTally(stream, Array.from({ length: 120 }, (_, index) => index + 1));
    const tally = runner([tallyProjection('tally')]);
    expect(await tally.catchUp()).to.equal(120);
    expect(await totals()).to.deep.equal([{ stream_id: stream, total: 7260, events: 120 }]);
    const status = await tally.status();
    expect(status.projections).to.deep.equal([{ name: 'tally', version: 1, checkpoint: 120, lag: 0 }]);
  });

  it('reports the lag of a projection behind the store', async () => {
    const tally = runner([tallyProjection('tally')]);
    await appendTally(newStreamId('tally'), [1, 2, 3]);
    expect((await tally.status()).projections[0]?.lag).to.equal(3);
  });

  it('hands projections the current shape of an old event', async () => {
    const stream = newStreamId('tally');
    await store.appendToStream(stream, [proposedEvent({ type: 'tally.counted.v1', data: { n: 5 } })]);
    await runner([tallyProjection('tally')]).catchUp();
    expect(await db.get('SELECT last_unit FROM tally_counts')).to.deep.equal({ last_unit: 'unknown' });
  });

  it('resumes from its checkpoint after a restart without applying anything twice', async () => {
    const stream = newStreamId('tally');
    await appendTally(stream, [1, 2, 3]);
    await runner([tallyProjection('tally')]).catchUp();
    await appendTally(stream, [4, 5]);
    await runner([tallyProjection('tally')]).catchUp();
    expect(await totals()).to.deep.equal([{ stream_id: stream, total: 15, events: 5 }]);
  });

  it('commits an event’s changes with its checkpoint: a failing event leaves the batch unapplied and the checkpoint before it', async () => {
    const stream = newStreamId('tally');
    await appendTally(stream, [1, 2, 3, 4, 5]);
    const failing = runner([tallyProjection('tally', { failOn: 4 })], 10);
    const error = await failing.catchUp().then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).to.be.instanceOf(ProjectionFailed);
    expect(error).to.include({ position: 4, eventType: 'tally.counted.v2' });
    expect(await totals(), 'the batch holding the failure rolled back whole').to.deep.equal([]);
    expect((await failing.status()).projections[0]?.checkpoint).to.equal(0);

    await runner([tallyProjection('tally')], 10).catchUp();
    expect(await totals()).to.deep.equal([{ stream_id: stream, total: 15, events: 5 }]);
  });

  it('fails on an event type it cannot read instead of skipping it', async () => {
    await store.appendToStream(newStreamId('tally'), [proposedEvent({ type: 'unknown.happened.v1', data: {} })]);
    await expect(runner([tallyProjection('tally')]).catchUp()).to.be.rejectedWith(ProjectionFailed, /unknown\.happened\.v1/);
  });

  it('keeps a checkpoint per projection, so a new projection catches up alone', async () => {
    const stream = newStreamId('tally');
    await appendTally(stream, [1, 2]);
    await runner([tallyProjection('tally')]).catchUp();
    await appendTally(stream, [3]);
    await runner([tallyProjection('tally'), tallyProjection('late')]).catchUp();
    expect(await totals('tally')).to.deep.equal([{ stream_id: stream, total: 6, events: 3 }]);
    expect(await totals('late')).to.deep.equal([{ stream_id: stream, total: 6, events: 3 }]);
  });

  it('rebuilds a projection whose version changed', async () => {
    const stream = newStreamId('tally');
    await appendTally(stream, [1, 2]);
    await runner([tallyProjection('tally')]).catchUp();
    await db.run('UPDATE tally_counts SET total = -1');
    await runner([tallyProjection('tally', { version: 2 })]).catchUp();
    expect(await totals()).to.deep.equal([{ stream_id: stream, total: 3, events: 2 }]);
  });

  it('follows the store live and lets a reader wait for its own write', async () => {
    const tally = runner([tallyProjection('tally')]);
    await tally.start();
    const stream = newStreamId('tally');
    const appended = await store.appendToStream(stream, [counted(7), counted(8)]);
    await tally.waitFor(appended.positions.at(-1) ?? 0);
    expect(await totals()).to.deep.equal([{ stream_id: stream, total: 15, events: 2 }]);
    expect((await tally.status()).running).to.equal(true);
  });

  it('gives up waiting with an error naming how far it got', async () => {
    const tally = runner([tallyProjection('tally')]);
    await expect(tally.waitFor(10, 50)).to.be.rejectedWith(/did not reach position 10 .* \(at 0\)/);
  });

  it('applies nothing twice when catching up overlaps following live', async () => {
    const tally = runner([tallyProjection('tally')], 7);
    await tally.start();
    const streams = Array.from({ length: 5 }, () => newStreamId('tally'));
    await Promise.all(streams.map((stream) => appendTally(stream, Array.from({ length: 40 }, () => 1))));
    await Promise.all([tally.catchUp(), tally.catchUp()]);
    await tally.waitFor(200);
    expect((await totals()).map((row) => row.events)).to.deep.equal([40, 40, 40, 40, 40]);
  });

  it('rebuilt from scratch, gives a byte-identical dump of what it built while the log grew', async () => {
    const tally = runner([tallyProjection('tally'), tallyProjection('other')], 13);
    await tally.start();
    for (let round = 0; round < 10; round++) {
      await Promise.all(Array.from({ length: 4 }, (_, index) => appendTally(`tally-${String(index)}`, [round, index, round * index])));
    }
    await tally.waitFor(await store.headPosition());
    const projections = [tallyProjection('tally'), tallyProjection('other')];
    const before = await dumpProjection(db, tallyProjection('tally'));
    const digestBefore = await dumpDigest(db, projections);
    expect(await tally.rebuild()).to.equal(120);
    expect(await dumpProjection(db, tallyProjection('tally'))).to.equal(before);
    expect(await dumpDigest(db, projections)).to.equal(digestBefore);
    expect((await tally.status()).running, 'a live runner keeps following after a rebuild').to.equal(true);
  });

  it('rebuilds into a fresh database identically', async () => {
    await Promise.all(Array.from({ length: 3 }, (_, index) => appendTally(`tally-${String(index)}`, [index, index + 1])));
    await runner([tallyProjection('tally')]).catchUp();
    const fresh = await open(await target.newLocation());
    await runner([tallyProjection('tally')], 1, fresh).catchUp();
    expect(await dumpProjection(statementwise(fresh), tallyProjection('tally'))).to.equal(await dumpProjection(db, tallyProjection('tally')));
  });

  it('says it stopped following when an event fails live, and follows again once the failure is gone', async () => {
    let refuse = true;
    const errors: unknown[] = [];
    const fussy: Projection = {
      ...tallyProjection('tally'),
      async apply(database, event) {
        if (refuse) throw new Error('not today');
        await tallyProjection('tally').apply(database, event);
      },
    };
    const tally = createProjectionRunner({ store, readModels, projections: [fussy], registry, retryAfterMs: 20, onError: (error) => errors.push(error) });
    runners.push(tally);
    await tally.start();
    await appendTally(newStreamId('tally'), [1]);
    for (let waited = 0; errors.length === 0 && waited < 2000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    const failing = await tally.status();
    expect(failing.running).to.equal(false);
    expect(failing.failure).to.contain('not today');
    expect(failing.projections[0]?.lag).to.equal(1);
    expect(errors[0]).to.be.instanceOf(ProjectionFailed);

    refuse = false;
    await tally.waitFor(1, 5000);
    let recovered = await tally.status();
    for (let waited = 0; !recovered.running && waited < 2000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      recovered = await tally.status();
    }
    expect([recovered.running, recovered.failure, recovered.projections[0]?.lag]).to.deep.equal([true, null, 0]);
  });

  it('applies each event once when two runners share one read-model database', async () => {
    await Promise.all(Array.from({ length: 4 }, (_, index) => appendTally(`tally-${String(index)}`, Array.from({ length: 50 }, () => 1))));
    const second = await open(location);
    await Promise.all([runner([tallyProjection('tally')], 7).catchUp(), runner([tallyProjection('tally')], 5, second).catchUp()]);
    expect((await totals()).map((row) => row.events)).to.deep.equal([50, 50, 50, 50]);
  });

  it('applies each event once when two runners share one read-model database and both follow the store live', async () => {
    const second = await open(location);
    const first = runner([tallyProjection('tally')], 3);
    const other = runner([tallyProjection('tally')], 4, second);
    await Promise.all([first.start(), other.start()]);
    await Promise.all(Array.from({ length: 4 }, (_, index) => appendTally(`tally-${String(index)}`, Array.from({ length: 30 }, () => 1))));
    const head = await store.headPosition();
    await Promise.all([first.waitFor(head), other.waitFor(head)]);
    expect((await totals()).map((row) => row.events)).to.deep.equal([30, 30, 30, 30]);
  });

  it('notices another runner’s rebuild of the shared read model and applies nothing on top of the emptied tables', async () => {
    const stream = newStreamId('tally');
    await appendTally(stream, [1, 2, 3]);
    const second = await open(location);
    const first = runner([tallyProjection('tally')]);
    await first.catchUp();
    // The other runner rebuilds into the same database while the first is not looking; the log grows meanwhile.
    await runner([tallyProjection('tally')], 2, second).rebuild();
    await appendTally(stream, [4]);
    await first.catchUp();
    expect(await totals()).to.deep.equal([{ stream_id: stream, total: 10, events: 4 }]);
  });

  it('stops writing into a read model that a newer version of its projection rebuilt', async () => {
    const stream = newStreamId('tally');
    await appendTally(stream, [1]);
    const older = runner([tallyProjection('tally')]);
    await older.catchUp();
    await runner([tallyProjection('tally', { version: 2 })], 50, await open(location)).catchUp();
    await appendTally(stream, [2]);
    await expect(older.catchUp()).to.be.rejectedWith(ReadModelVersionChanged, /at version 2 in the database; this process knows version 1/);
    expect(await totals(), 'the newer runner’s rows, untouched').to.deep.equal([{ stream_id: stream, total: 1, events: 1 }]);
  });

  if (target.dialect === 'postgres') {
    it('replays a long log into empty tables aside, in SQLite, and copies the same rows as a replay in place', async () => {
      await Promise.all(Array.from({ length: 6 }, (_, index) => appendTally(`tally-${String(index)}`, Array.from({ length: 40 }, (_, n) => n * index))));
      const projections = [tallyProjection('tally'), tallyProjection('other')];
      const aside = createProjectionRunner({ store, readModels, projections, registry, batchSize: 17, replayAside: { minEvents: 100 } });
      runners.push(aside);
      expect(await aside.catchUp()).to.equal(240);
      const inPlace = await open(await target.newLocation());
      await runner(projections, 17, inPlace).catchUp();
      expect(await dumpDigest(db, projections)).to.equal(await dumpDigest(statementwise(inPlace), projections));
      // Caught up aside, it goes on in place: the checkpoint it copied is where the next event lands.
      await appendTally('tally-0', [1000]);
      expect(await aside.catchUp()).to.equal(241);
      expect((await totals()).find((row) => row.stream_id === 'tally-0')).to.deep.equal({ stream_id: 'tally-0', total: 1000, events: 41 });
    });

    it('rebuilds aside: the named read model replaced whole by its replay, the others untouched, and follows on live', async () => {
      const stream = newStreamId('tally');
      await appendTally(stream, [1, 2, 3, 4]);
      const projections = [tallyProjection('tally'), tallyProjection('other')];
      const tally = createProjectionRunner({ store, readModels, projections, registry, replayAside: { minEvents: 1 } });
      runners.push(tally);
      await tally.start();
      await tally.waitFor(4);
      await db.run('UPDATE tally_counts SET total = -1');
      await db.run('UPDATE other_counts SET total = -2');
      expect(await tally.rebuild(['tally'])).to.equal(4);
      expect(await totals()).to.deep.equal([{ stream_id: stream, total: 10, events: 4 }]);
      expect((await totals('other'))[0]?.total, 'not named, not rebuilt').to.equal(-2);
      const appended = await store.appendToStream(stream, [counted(5)]);
      await tally.waitFor(appended.positions.at(-1) ?? 0);
      expect(await totals()).to.deep.equal([{ stream_id: stream, total: 15, events: 5 }]);
    });

    it('leaves a read model another runner filled meanwhile as it stands, rather than copying over it', async () => {
      await appendTally(newStreamId('tally'), Array.from({ length: 150 }, () => 1));
      const slow = runner([tallyProjection('tally')], 50);
      const second = await open(location);
      await Promise.all([
        createProjectionRunner({ store, readModels: second, projections: [tallyProjection('tally')], registry, replayAside: { minEvents: 100 } }).catchUp(),
        slow.catchUp(),
      ]);
      expect((await totals()).map((row) => row.events)).to.deep.equal([150]);
    });
  }

  it('refuses two projections of one name', () => {
    expect(() => createProjectionRunner({ store, readModels, projections: [tallyProjection('tally'), tallyProjection('tally')], registry })).to.throw(
      TypeError,
      /two projections are named tally/,
    );
  });
});

describeOnEachReadModelStore('the projection runner killed mid-run', (target) => {
  it('has applied each event exactly once when it resumes', async function () {
    this.timeout(60_000);
    const folder = await mkdtemp(join(tmpdir(), 'quanze-projections-kill-'));
    const store = await openEventStore(`sqlite:${folder}`);
    const where = await target.newLocation();
    const readModels = await openReadModelStore(where);
    const db = statementwise(readModels);
    try {
      for (let index = 0; index < 10; index++) {
        await store.appendToStream(`tally-${String(index)}`, Array.from({ length: 300 }, () => counted(1)));
      }
      const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@quanze/source', PROJECT_UNTIL_KILLED, folder, where], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => {
        child.once('exit', (_code, signal) => {
          resolve(signal);
        });
      });
      // Kill it once it has committed some batches, and not all of them.
      const checkpoint = async () => {
        // Before the child has made the table, there is nothing to read.
        const position = await db.get<{ position: number }>("SELECT position FROM projection_checkpoints WHERE name = 'tally'").catch(() => undefined);
        return position?.position ?? 0;
      };
      while ((await checkpoint()) < 500) await new Promise((resolve) => setTimeout(resolve, 20));
      child.kill('SIGKILL');
      expect(await exited).to.equal('SIGKILL');
      expect(await checkpoint()).to.be.lessThan(3000);

      const resumed = createProjectionRunner({ store, readModels, projections: [tallyProjection('tally')], registry });
      expect(await resumed.catchUp()).to.equal(3000);
      const rows = await db.all('SELECT events, total FROM tally_counts ORDER BY stream_id');
      expect(rows).to.deep.equal(Array.from({ length: 10 }, () => ({ events: 300, total: 300 })));
    } finally {
      await readModels.close();
      await store.close();
      await rm(folder, { recursive: true, force: true });
    }
  });
});
