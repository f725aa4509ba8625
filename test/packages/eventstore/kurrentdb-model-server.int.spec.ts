// The shared contract through @eventstore/db-client and the adapter's own connection code, against a model KurrentDB
// server (kurrentdb-model-server.ts: KurrentDB's gRPC Streams protocol over its per-stream semantics, in memory),
// since no KurrentDB server can be installed here. What it shows: the adapter's mapping and its use of the client
// keep every promise of the port, also with writers in other processes. What it cannot show: that KurrentDB itself
// behaves as the model does — kurrentdb-event-store.int.spec.ts runs the same contract against a real server when
// KURRENTDB_URL is set.
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { WrongExpectedVersion, openEventStore } from '@quanze/eventstore';
import { eventStoreContract } from '../../contract/event-store.contract.js';
import { newStreamId, proposedEvents } from '../../support/events.js';
import { startModelServer } from './kurrentdb-model-server.js';
import type { ModelServer } from './kurrentdb-model-server.js';

// The server announces BatchAppend, as KurrentDB does since EventStoreDB 21.10: the client appends as it would there.
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

describe('on a model KurrentDB server without BatchAppend, as EventStoreDB before 21.10', function () {
  let server: ModelServer | undefined;

  before(async function () {
    server = await startModelServer({ batchAppend: false });
  });

  after(async function () {
    await server?.stop();
  });

  it('appends through the older Append call, two stores racing for the log and for one stream', async function () {
    const url = `${server?.url ?? ''}&quanzeNamespace=older`;
    const [first, second] = [await openEventStore(url), await openEventStore(url)];
    try {
      const streamId = newStreamId();
      const outcomes = await Promise.allSettled(
        Array.from({ length: 12 }, (_, index) => {
          const store = index % 2 === 0 ? first : second;
          return index < 4
            ? store.appendToStream(streamId, proposedEvents(1), { expectedVersion: 'no_stream' })
            : store.appendToStream(newStreamId(), proposedEvents(2), { expectedVersion: 'no_stream' });
        }),
      );

      const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
      expect(refused).to.have.length(3);
      for (const reason of refused) expect(reason).to.be.instanceOf(WrongExpectedVersion);
      const positions = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? outcome.value.positions : [])).sort((x, y) => x - y);
      expect(positions).to.deep.equal(Array.from({ length: 17 }, (_, index) => index + 1));
      expect(await second.headPosition()).to.equal(17);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});
