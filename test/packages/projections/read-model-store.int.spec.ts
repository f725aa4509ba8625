import { expect } from 'chai';
import { openReadModelStore } from '@quanze/projections';
import type { ReadModelSql, ReadModelStore } from '@quanze/projections';
import { describeOnEachReadModelStore } from '../../support/read-models.js';

// What projections and queries may count on from either database.
describeOnEachReadModelStore('a read-model store', (target) => {
  let store: ReadModelStore;
  beforeEach(async () => {
    store = await target.open();
    await store.write((tx) => tx.exec('CREATE TABLE things (id TEXT PRIMARY KEY, n INTEGER NOT NULL, note TEXT) STRICT, WITHOUT ROWID'));
  });
  afterEach(async () => {
    await store.close();
  });

  const count = () => store.read(async (q) => (await q.get<{ n: number }>('SELECT count(*) AS n FROM things'))?.n);

  it('commits a write that resolves, and keeps nothing of one that rejects', async () => {
    await store.write((tx) => tx.run('INSERT INTO things (id, n) VALUES (?, ?)', ['a', 1]));
    await expect(
      store.write(async (tx) => {
        await tx.run('INSERT INTO things (id, n) VALUES (?, ?)', ['b', 2]);
        throw new Error('changed my mind');
      }),
    ).to.be.rejectedWith('changed my mind');
    expect(await count()).to.equal(1);
  });

  it('answers numbers as numbers (counts, 64-bit positions) and text ordered by code point', async () => {
    await store.write(async (tx) => {
      for (const [id, n] of [['b', 2 ** 40], ['B', 1], ['中', 3], ['a', 4], ['文', 5], ['Z', 6]] as const) await tx.run('INSERT INTO things (id, n) VALUES (?, ?)', [id, n]);
    });
    const rows = await store.read((q) => q.all<{ id: string; n: number }>('SELECT id, n FROM things ORDER BY id'));
    expect(rows.map((row) => row.id)).to.deep.equal(['B', 'Z', 'a', 'b', '中', '文']);
    expect(rows.find((row) => row.id === 'b')?.n).to.equal(2 ** 40);
    expect(await store.read((q) => q.rows('SELECT count(*), max(n) FROM things'))).to.deep.equal([[6, 2 ** 40]]);
  });

  it('hands JSON back as text, whichever database made it', async () => {
    await store.write((tx) => tx.run('INSERT INTO things (id, n) VALUES (?, ?)', ['a', 1]));
    const made = await store.read((q) =>
      q.get<{ made: unknown }>(q.dialect === 'sqlite' ? `SELECT json_group_array(id) AS made FROM things` : `SELECT json_agg(id) AS made FROM things`),
    );
    expect(typeof made?.made).to.equal('string');
    expect(JSON.parse(made?.made as string)).to.deep.equal(['a']);
  });

  it('refuses a write inside a read, as a read-only snapshot', async () => {
    await expect(store.read((q) => q.run('INSERT INTO things (id, n) VALUES (?, ?)', ['a', 1]))).to.be.rejected;
    expect(await count()).to.equal(0);
    await store.write((tx) => tx.run('INSERT INTO things (id, n) VALUES (?, ?)', ['a', 1]));
    expect(await count(), 'and writes again afterwards').to.equal(1);
  });

  it('fails a write whose failed statement was caught inside it, rather than reporting a commit that did not happen', async () => {
    await store.write((tx) => tx.run('INSERT INTO things (id, n) VALUES (?, ?)', ['a', 1]));
    const outcome = store.write(async (tx) => {
      await tx.run('INSERT INTO things (id, n) VALUES (?, ?)', ['b', 2]);
      await tx.run('INSERT INTO things (id, n) VALUES (?, ?)', ['a', 3]).catch(() => undefined);
      return 'done';
    });
    // SQLite keeps the transaction going past a failed statement; PostgreSQL aborts it, and says so at the commit.
    if (target.dialect === 'sqlite') {
      expect(await outcome).to.equal('done');
      expect(await count()).to.equal(2);
    } else {
      await expect(outcome).to.be.rejectedWith(/rolled back/);
      expect(await count()).to.equal(1);
    }
  });

  it('refuses a statement made after its transaction ended', async () => {
    let leaked: ReadModelSql | undefined;
    await store.read((q) => {
      leaked = q;
      return Promise.resolve();
    });
    await expect(leaked?.all('SELECT id FROM things') ?? Promise.resolve()).to.be.rejectedWith(/outside its transaction/);
  });

  it('lets one location be opened twice, both seeing the same rows', async () => {
    const where = await target.newLocation();
    const first = await openReadModelStore(where);
    const second = await openReadModelStore(where);
    try {
      await first.write((tx) => tx.exec('CREATE TABLE shared (id TEXT PRIMARY KEY) STRICT'));
      await Promise.all([first, second].map((each, index) => each.write((tx) => tx.run('INSERT INTO shared (id) VALUES (?)', [String(index)]))));
      expect(await second.read((q) => q.all('SELECT id FROM shared ORDER BY id'))).to.deep.equal([{ id: '0' }, { id: '1' }]);
    } finally {
      await first.close();
      await second.close();
    }
  });
});

describe('the embedded read-model store', () => {
  it('refuses a read or write nested in another at once, instead of waiting for itself for ever', async () => {
    const store = await openReadModelStore(':memory:');
    try {
      await expect(store.read(() => store.read(() => Promise.resolve(1)))).to.be.rejectedWith(/cannot be nested/);
      await expect(store.write(() => store.read(() => Promise.resolve(1)))).to.be.rejectedWith(/cannot be nested/);
      expect(await store.read(() => Promise.resolve('still usable'))).to.equal('still usable');
    } finally {
      await store.close();
    }
  });
});
