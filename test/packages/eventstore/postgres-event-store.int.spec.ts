import { eventStoreContract } from '../../contract/event-store.contract.js';
import { usePostgresCluster } from '../../support/postgres.js';

describe('on a throwaway PostgreSQL cluster', function () {
  const postgres = usePostgresCluster();

  // Each store a database of its own; the cluster, and with it every database, is removed after the suite.
  eventStoreContract('PostgreSQL', {
    newStoreUrl: () => postgres.cluster.newDatabaseUrl(),
    cleanup: () => Promise.resolve(),
  });
});
