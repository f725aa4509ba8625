import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { pino } from 'pino';
import { openEventStore } from '@quanze/eventstore';
import type { EventStore } from '@quanze/eventstore';
import { createRelay, openRelayCheckpointStore, relayConfig } from '@quanze/relay';
import { createCaseCommands } from '../../../services/enforcement/src/index.js';
import { eventually } from './relay-world.js';

describe('the Kafka relay when Kafka is unreachable', function () {
  this.timeout(20_000);
  let folder: string;
  let store: EventStore;

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'quanze-relay-'));
    store = await openEventStore(`sqlite:${folder}`);
  });

  afterEach(async () => {
    await store.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('does not hold up the start of the ledger: it says why it is not running, keeps trying, and stops promptly', async () => {
    const logged: string[] = [];
    const relay = createRelay({
      // Port 1 on the loopback: nothing listens there, the connection is refused at once.
      config: relayConfig({ brokers: ['127.0.0.1:1'], organisations: [{ code: 'shangzhi-court', unitId: 'unit-fy', kind: 'court' }] }),
      store,
      commands: createCaseCommands({ store }),
      checkpoints: await openRelayCheckpointStore({ storeUrl: `sqlite:${folder}`, dataFolder: folder }),
      logger: pino({ level: 'error' }, { write: (line: string) => logged.push(line) }),
      retryAfterMs: 100,
    });
    const started = Date.now();
    await relay.start();
    expect(Date.now() - started).to.be.below(1000);
    const status = await eventually(async () => {
      const current = await relay.status();
      expect(current.lastError?.message).to.match(/ECONNREFUSED/);
      return current;
    }, 10_000);
    expect(status).to.deep.include({ publishing: false, checkpoint: 0, head: 0, lag: 0, lastPublishedAt: null });
    // Tried again after its pause, and failed again: it has not given up.
    await eventually(() => {
      expect(logged.filter((line) => line.includes('the outbox stopped publishing')).length).to.be.at.least(2);
    }, 10_000);
    const stopping = Date.now();
    await relay.stop();
    expect(Date.now() - stopping).to.be.below(8000);
  });
});
