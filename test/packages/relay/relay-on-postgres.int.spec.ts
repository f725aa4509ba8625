import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import pg from 'pg';
import { pino } from 'pino';
import { openEventStore } from '@quanze/eventstore';
import type { EventStore } from '@quanze/eventstore';
import { OUTBOX_CHECKPOINT, RelayHeaders, createRelay, openRelayCheckpointStore, relayConfig } from '@quanze/relay';
import type { Relay } from '@quanze/relay';
import { startRelayFromEnv } from '../../../infra/local/src/relay.js';
import { createCaseCommands } from '../../../services/enforcement/src/index.js';
import { newStreamId, proposedEvent } from '../../support/events.js';
import { useKafkaMock } from '../../support/kafka.js';
import { usePostgresCluster } from '../../support/postgres.js';
import { readTopic } from './relay-world.js';

describe('the Kafka relay on a PostgreSQL ledger (librdkafka’s mock cluster, a throwaway PostgreSQL cluster)', function () {
  this.timeout(60_000);
  const postgres = usePostgresCluster();
  const kafka = useKafkaMock();
  let url: string;
  let data: string;
  let store: EventStore;
  const relays: Relay[] = [];

  beforeEach(async function () {
    url = await postgres.cluster.newDatabaseUrl('relay');
    data = await mkdtemp(join(tmpdir(), 'quanze-relay-data-'));
    store = await openEventStore(url);
  });

  afterEach(async function () {
    await Promise.all(relays.map((relay) => relay.stop()));
    relays.length = 0;
    await store.close();
    await rm(data, { recursive: true, force: true });
  });

  async function registerUnits(count: number): Promise<void> {
    for (let index = 0; index < count; index += 1) {
      const unitId = `unit-${randomUUID().slice(0, 8)}`;
      await store.appendToStream(newStreamId('unit'), [
        proposedEvent({
          type: 'unit.registered.v1',
          data: { unitId, name: unitId, code: null, kind: 'agency', parentUnitId: null, establishedOn: '2019-03-01' },
        }),
      ]);
    }
  }

  async function storedCheckpoint(): Promise<{ name: string; position: string }[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<{ name: string; position: string }>('SELECT name, position FROM quanze_relay_checkpoints')).rows;
    } finally {
      await client.end();
    }
  }

  it('keeps its checkpoint in the ledger’s database, no file in the data folder, and resumes from it after a restart without publishing again', async function () {
    const prefix = `t${randomUUID().slice(0, 8)}.`;
    const organisations = [{ code: 'shangzhi-court', unitId: 'unit-fy', kind: 'court' as const }];
    const logger = pino({ level: 'silent' });
    // As `npm start` starts it: the store URL comes from QUANZE_STORE_URL.
    const env = {
      QUANZE_STORE_URL: url,
      QUANZE_KAFKA_BROKERS: kafka.cluster.brokers.join(','),
      QUANZE_KAFKA_TOPIC_PREFIX: prefix,
      QUANZE_KAFKA_GROUP_ID: `${prefix}receipts`,
      QUANZE_KAFKA_ORGANISATIONS: JSON.stringify(organisations),
      QUANZE_KAFKA_PUBLIC_EVENTS: 'unit.registered.v1',
    };
    await registerUnits(3);
    const first = await startRelayFromEnv({ store, dataFolder: data, logger, env });
    if (first === null) throw new Error('the relay did not start with QUANZE_KAFKA_BROKERS set');
    relays.push(first);
    await first.outbox.waitFor(3, 20_000);
    await first.stop();
    expect(await storedCheckpoint()).to.deep.equal([{ name: OUTBOX_CHECKPOINT, position: '3' }]);
    expect(await readdir(data), 'files in the data folder').to.deep.equal([]);

    await registerUnits(2);
    // Restarted as a relay of this package: the checkpoint store chosen by the URL, the group's timings short.
    const restarted = createRelay({
      config: relayConfig({
        brokers: kafka.cluster.brokers,
        topicPrefix: prefix,
        // A group of its own: the first relay's default session would hold a shared group's rebalance for half a
        // minute, and the receipts are not what this spec is about.
        groupId: `${prefix}receipts-restarted`,
        organisations,
        publicEventTypes: ['unit.registered.v1'],
      }),
      store,
      commands: createCaseCommands({ store }),
      checkpoints: await openRelayCheckpointStore({ storeUrl: url, dataFolder: data }),
      logger,
      consumer: { sessionTimeout: 6000, heartbeatInterval: 300, rebalanceTimeout: 3000, maxWaitTimeInMs: 100, retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 1000 } },
      retryAfterMs: 200,
    });
    relays.push(restarted);
    await restarted.start();
    await restarted.outbox.waitFor(5, 20_000);
    expect((await restarted.status()).checkpoint).to.equal(5);
    const published = readTopic(kafka.cluster.brokers, `${prefix}ledger.public`)
      .map((record) => Number(record.headers[RelayHeaders.position]))
      .sort((a, b) => a - b);
    expect(published, 'positions published to ledger.public, over both runs').to.deep.equal([1, 2, 3, 4, 5]);
    expect(await storedCheckpoint()).to.deep.equal([{ name: OUTBOX_CHECKPOINT, position: '5' }]);
    expect(await readdir(data), 'files in the data folder').to.deep.equal([]);
  });
});
