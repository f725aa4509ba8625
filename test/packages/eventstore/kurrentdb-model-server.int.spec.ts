// The shared contract through @eventstore/db-client and the adapter's own connection code, against a model KurrentDB
// server (kurrentdb-model-server.ts: KurrentDB's gRPC Streams protocol over its per-stream semantics, in memory),
// since no KurrentDB server can be installed here. What it shows: the adapter's mapping and its use of the client
// keep every promise of the port, also with writers in other processes. What it cannot show: that KurrentDB itself
// behaves as the model does — kurrentdb-event-store.int.spec.ts runs the same contract against a real server when
// KURRENTDB_URL is set.
import { randomBytes } from 'node:crypto';
import { eventStoreContract } from '../../contract/event-store.contract.js';
import { startModelServer } from './kurrentdb-model-server.js';
import type { ModelServer } from './kurrentdb-model-server.js';

describe('on a model KurrentDB server, through the real client', function () {
  let server: ModelServer | undefined;

  before(async function () {
    server = await startModelServer();
  });

  after(async function () {
    await server?.stop();
  });

  eventStoreContract('KurrentDB (model server)', {
    newStoreUrl: () => {
      if (server === undefined) return Promise.reject(new Error('the model server is not running'));
      return Promise.resolve(`${server.url}&quanzeNamespace=t${randomBytes(6).toString('hex')}`);
    },
    cleanup: () => Promise.resolve(),
  });
});
