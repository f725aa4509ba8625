import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { openEventStore } from '@quanze/eventstore';
import type { EventStore } from '@quanze/eventstore';
import { ProjectionFailed, createProjectionRunner, openReadModelStore } from '@quanze/projections';
import type { LedgerEvent, Projection, ReadModelSql, ReadModelStore } from '@quanze/projections';
import { newStreamId } from '../../support/events.js';
import { describeOnEachReadModelStore, statementwise } from '../../support/read-models.js';
import { counted, registry } from './tally.js';

interface Counted {
  readonly position: number;
  readonly streamId: string;
  readonly data: { n: number };
}

/**
 * A projection that holds its rows back until the end of each batch, as the activity read model does, and has an
 * index only its queries use. `calls` records the hooks the runner called, in order.
 */
function heldBackProjection(options: { failOn?: number } = {}) {
  const held: [number, string, number][] = [];
  const calls: string[] = [];
  const projection: Projection = {
    name: 'held',
    version: 1,
    tables: ['held_rows'],
    async setup(tx) {
      await tx.exec('CREATE TABLE IF NOT EXISTS held_rows (position INTEGER PRIMARY KEY, stream_id TEXT NOT NULL, n INTEGER NOT NULL) STRICT');
    },
    queryIndexes: ['CREATE INDEX IF NOT EXISTS held_rows_by_n ON held_rows (n, position)'],
    apply(_tx, event: LedgerEvent) {
      const { position, streamId, data } = event as unknown as Counted;
      if (data.n === options.failOn) throw new Error(`refusing n = ${String(options.failOn)}`);
      held.push([position, streamId, data.n]);
      return Promise.resolve();
    },
    async endBatch(tx) {
      calls.push(`end ${String(held.length)}`);
      for (const row of held.splice(0)) await tx.run('INSERT INTO held_rows (position, stream_id, n) VALUES (?, ?, ?)', row);
    },
    forget() {
      calls.push(`forget ${String(held.length)}`);
      held.length = 0;
    },
  };
  return { projection, calls };
}

describeOnEachReadModelStore('the projection runner’s batches', (target) => {
  let folder: string;
  let store: EventStore;
  let location: string;
  let readModels: ReadModelStore;
  let db: ReadModelSql;

  // The indexes a projection asked for (not the primary key's, which PostgreSQL lists and SQLite's rowid has none of).
  const indexes = async () =>
    (
      await db.all<{ name: string }>(
        db.dialect === 'sqlite'
          ? `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'held_rows'`
          : `SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'held_rows' AND indexname <> 'held_rows_pkey'`,
      )
    ).map((row) => row.name);
  const rows = async () => (await db.get<{ n: number }>('SELECT count(*) AS n FROM held_rows'))?.n;
  const appendCounted = (values: readonly number[]) => store.appendToStream(newStreamId('tally'), values.map((n) => counted(n)));

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'quanze-projection-batches-'));
    store = await openEventStore(`sqlite:${folder}`);
    location = await target.newLocation();
    readModels = await openReadModelStore(location);
    db = statementwise(readModels);
  });
  afterEach(async () => {
    await readModels.close();
    await store.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('writes what a projection held back at the end of each batch, with the batch’s checkpoint', async () => {
    await appendCounted([1, 2, 3, 4, 5, 6, 7]);
    const { projection, calls } = heldBackProjection();
    const runner = createProjectionRunner({ store, readModels, projections: [projection], registry, batchSize: 3 });
    expect(await runner.catchUp()).to.equal(7);
    expect(calls).to.deep.equal(['end 3', 'end 3', 'end 1']);
    expect(await rows()).to.equal(7);
  });

  it('tells a projection to forget what it held back when a batch fails, and keeps nothing of that batch', async () => {
    await appendCounted([1, 2, 3, 4, 5]);
    const { projection, calls } = heldBackProjection({ failOn: 5 });
    const runner = createProjectionRunner({ store, readModels, projections: [projection], registry, batchSize: 3 });
    await expect(runner.catchUp()).to.be.rejectedWith(ProjectionFailed);
    expect(calls).to.deep.equal(['end 3', 'forget 1']);
    expect(await rows(), 'the first batch only').to.equal(3);
    expect((await runner.status()).projections[0]?.checkpoint).to.equal(3);
  });

  it('tells a projection to forget what it remembers when another runner applied events to the same database', async () => {
    await appendCounted([1, 2]);
    const { projection, calls } = heldBackProjection();
    const runner = createProjectionRunner({ store, readModels, projections: [projection], registry });
    await runner.catchUp();
    await appendCounted([3]);
    const other = await openReadModelStore(location);
    try {
      await createProjectionRunner({ store, readModels: other, projections: [heldBackProjection().projection], registry }).catchUp();
    } finally {
      await other.close();
    }
    await appendCounted([4]);
    await runner.catchUp();
    expect(calls).to.deep.equal(['end 2', 'forget 0', 'end 1']);
    expect(await rows()).to.equal(4);
  });

  it('builds the query indexes of an empty read model once it has caught up, also when catching up failed', async () => {
    await appendCounted([1, 2, 3]);
    const runner = createProjectionRunner({ store, readModels, projections: [heldBackProjection().projection], registry });
    await runner.status();
    expect(await indexes(), 'not while replaying into empty tables').to.deep.equal([]);
    await runner.catchUp();
    expect(await indexes()).to.deep.equal(['held_rows_by_n']);

    await appendCounted([4, 5]);
    await db.exec('DROP INDEX held_rows_by_n');
    const failing = createProjectionRunner({ store, readModels, projections: [heldBackProjection({ failOn: 5 }).projection], registry });
    await failing.status();
    expect(await indexes(), 'a read model that holds rows has them at once').to.deep.equal(['held_rows_by_n']);
    await expect(failing.rebuild()).to.be.rejectedWith(ProjectionFailed);
    expect(await indexes(), 'rebuilt, then failed: indexed all the same').to.deep.equal(['held_rows_by_n']);
  });

  it('resumes a replay cut short with its query indexes built', async () => {
    await appendCounted([1, 2, 3, 4]);
    const failing = createProjectionRunner({ store, readModels, projections: [heldBackProjection({ failOn: 4 }).projection], registry, batchSize: 2 });
    await expect(failing.catchUp()).to.be.rejectedWith(ProjectionFailed);
    await db.exec('DROP INDEX held_rows_by_n');
    await createProjectionRunner({ store, readModels, projections: [heldBackProjection().projection], registry }).status();
    expect(await indexes()).to.deep.equal(['held_rows_by_n']);
  });
});
