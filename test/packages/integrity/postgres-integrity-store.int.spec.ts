import { tmpdir } from 'node:os';
import pg from 'pg';
import { openEventStore } from '@quanze/eventstore';
import { openIntegrityStore } from '@quanze/integrity';
import { usePostgresCluster } from '../../support/postgres.js';
import { integrityStoreContract } from './integrity-store.contract.js';

describe('on a throwaway PostgreSQL cluster', function () {
  const postgres = usePostgresCluster();

  // Each test a database of its own, holding the event log and the integrity tables side by side.
  integrityStoreContract('PostgreSQL', {
    async open() {
      const url = await postgres.cluster.newDatabaseUrl('integrity');
      return {
        store: await openEventStore(url),
        integrity: await openIntegrityStore({ storeUrl: url, dataFolder: tmpdir() }),
        async tamperWithBody(position) {
          const client = new pg.Client({ connectionString: url });
          await client.connect();
          try {
            await client.query(`UPDATE quanze_events SET body = replace(body::text, '"n":', '"m":')::json WHERE position = $1`, [position]);
          } finally {
            await client.end();
          }
        },
      };
    },
    cleanup: () => Promise.resolve(),
  });
});
