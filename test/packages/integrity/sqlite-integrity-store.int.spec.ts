import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SQLITE_FILE_NAME, openEventStore } from '@quanze/eventstore';
import { openIntegrityStore } from '@quanze/integrity';
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
