import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SQLITE_FILE_NAME, openEventStore } from '@quanze/eventstore';
import { expect } from 'chai';
import { INTEGRITY_FILE_NAME, openIntegrityStore, sqliteNodesQuery } from '@quanze/integrity';
import { integrityStoreContract } from './integrity-store.contract.js';

const folders: string[] = [];

integrityStoreContract('SQLite', {
  async open() {
    const folder = await mkdtemp(join(tmpdir(), 'quanze-integrity-'));
    folders.push(folder);
    const storeUrl = `sqlite:${folder}`;
    return {
      store: await openEventStore(storeUrl),
      integrity: await openIntegrityStore({ storeUrl, dataFolder: folder }),
      tamperWithBody(position) {
        const db = new Database(join(folder, SQLITE_FILE_NAME));
        try {
          db.prepare(`UPDATE events SET body = replace(body, '"n":', '"m":') WHERE position = ?`).run(position);
        } finally {
          db.close();
        }
        return Promise.resolve();
      },
    };
  },
  async cleanup() {
    await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
  },
});

describe('the SQLite integrity store’s node query', function () {
  it('reads each node by its primary key, never scanning the table (a proof stays O(log n) reads)', async function () {
    const folder = await mkdtemp(join(tmpdir(), 'quanze-integrity-plan-'));
    try {
      const store = await openIntegrityStore({ storeUrl: `sqlite:${folder}`, dataFolder: folder });
      await store.close();
      const db = new Database(join(folder, INTEGRITY_FILE_NAME), { readonly: true });
      try {
        const plan = db.prepare<number[], { detail: string }>(`EXPLAIN QUERY PLAN ${sqliteNodesQuery(3)}`).all(0, 1, 1, 0, 2, 0);
        const onNodes = plan.map((step) => step.detail).filter((detail) => / n\b| nodes\b/.test(detail));
        expect(onNodes).to.deep.equal(['SEARCH n USING PRIMARY KEY (level=? AND idx=?)']);
      } finally {
        db.close();
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
