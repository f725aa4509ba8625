import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import pg from 'pg';
import {
  RELAY_POSTGRES_MIGRATIONS,
  RelayCheckpointStoreFailure,
  RelayCheckpointUnavailable,
  createPostgresRelayCheckpointStore,
  openRelayCheckpointStore,
} from '@quanze/relay';
import type { RelayCheckpointStore } from '@quanze/relay';
import { usePostgresCluster } from '../../support/postgres.js';
import { relayCheckpointStoreContract } from './relay-checkpoint-store.contract.js';

describe('on a throwaway PostgreSQL cluster', function () {
  const postgres = usePostgresCluster();

  // Each place a database of its own; the cluster, and with it every database, is removed after the suite.
  relayCheckpointStoreContract('PostgreSQL', {
    async newPlace() {
      const url = await postgres.cluster.newDatabaseUrl('relay');
      return { open: () => createPostgresRelayCheckpointStore({ connectionString: url }) };
    },
  });

  describe('relay checkpoints in PostgreSQL, beyond the contract', function () {
    const stores: RelayCheckpointStore[] = [];
    const folders: string[] = [];

    async function query<TRow extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<TRow[]> {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query<TRow>(sql, values)).rows;
      } finally {
        await client.end();
      }
    }

    afterEach(async function () {
      await Promise.all(stores.map((store) => store.close()));
      stores.length = 0;
      await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
      folders.length = 0;
    });

    it('is chosen for a postgres:// store URL: a table in that database, and no file in the data folder', async function () {
      const url = await postgres.cluster.newDatabaseUrl('relay');
      const data = await mkdtemp(join(tmpdir(), 'quanze-relay-data-'));
      folders.push(data);
      const store = await openRelayCheckpointStore({ storeUrl: url, dataFolder: data });
      stores.push(store);
      await store.write('outbox', 12);

      expect(await query(url, 'SELECT name, position FROM quanze_relay_checkpoints')).to.deep.equal([{ name: 'outbox', position: '12' }]);
      expect(await readdir(data), 'files in the data folder').to.deep.equal([]);
    });

    it('creates its table once, by a recorded migration, when several relays open a new database at the same moment', async function () {
      const url = await postgres.cluster.newDatabaseUrl('relay');
      const opened = await Promise.all(Array.from({ length: 4 }, () => createPostgresRelayCheckpointStore({ connectionString: url })));
      stores.push(...opened);
      await Promise.all(opened.map((store, index) => store.write('outbox', index + 1)));

      const applied = await query<{ version: number; name: string }>(url, 'SELECT version, name FROM quanze_relay_migrations ORDER BY version');
      expect(applied).to.deep.equal(RELAY_POSTGRES_MIGRATIONS.map(({ version, name }) => ({ version, name })));
      expect(await opened[0]?.read('outbox')).to.equal(4);
    });

    it('refuses a database whose relay tables are newer than this code, naming the versions', async function () {
      const url = await postgres.cluster.newDatabaseUrl('relay');
      stores.push(await createPostgresRelayCheckpointStore({ connectionString: url }));
      await query(url, `INSERT INTO quanze_relay_migrations (version, name) VALUES (99, 'from a later Quanze')`);

      const refused = await createPostgresRelayCheckpointStore({ connectionString: url }).then(
        (store) => {
          stores.push(store);
          return null;
        },
        (error: unknown) => error,
      );
      expect(refused).to.be.instanceOf(RelayCheckpointStoreFailure);
      expect((refused as Error).message).to.match(/schema version 99, newer than this Quanze knows \(1\)/);
    });

    it('reports a server that does not answer as unavailable (retriable)', async function () {
      // Port 1 on the loopback: nothing listens there, the connection is refused at once.
      const refused = await createPostgresRelayCheckpointStore({ connectionString: 'postgres://quanze@127.0.0.1:1/quanze' }).then(
        (store) => {
          stores.push(store);
          return null;
        },
        (error: unknown) => error,
      );
      expect(refused).to.be.instanceOf(RelayCheckpointUnavailable);
      expect(refused).to.include({ retriable: true });
    });
  });
});
