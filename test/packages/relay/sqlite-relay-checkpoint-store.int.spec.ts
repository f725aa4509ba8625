import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { RELAY_FILE_NAME, createSqliteRelayCheckpointStore, openRelayCheckpointStore } from '@quanze/relay';
import { relayCheckpointStoreContract } from './relay-checkpoint-store.contract.js';

describe('relay checkpoints in a SQLite file', function () {
  const folders: string[] = [];
  const newFolder = async () => {
    const folder = await mkdtemp(join(tmpdir(), 'quanze-relay-checkpoints-'));
    folders.push(folder);
    return folder;
  };

  afterEach(async function () {
    await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
    folders.length = 0;
  });

  relayCheckpointStoreContract('SQLite', {
    async newPlace() {
      const path = join(await newFolder(), RELAY_FILE_NAME);
      return { open: () => Promise.resolve(createSqliteRelayCheckpointStore({ path })) };
    },
  });

  describe('chosen by the store URL', function () {
    it('is relay.sqlite in the data folder beside a SQLite store', async function () {
      const data = await newFolder();
      const store = await openRelayCheckpointStore({ storeUrl: `sqlite:${data}`, dataFolder: data });
      try {
        await store.write('outbox', 3);
      } finally {
        await store.close();
      }
      expect(existsSync(join(data, RELAY_FILE_NAME))).to.equal(true);
      const again = createSqliteRelayCheckpointStore({ path: join(data, RELAY_FILE_NAME) });
      expect(await again.read('outbox')).to.equal(3);
      await again.close();
    });
  });
});
