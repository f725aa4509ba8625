import { createRelayStatusService, type Relay } from '@quanze/relay';
import { runServices, runtimeConfig } from '@quanze/service-kit';
import { startRelayFromEnv } from './relay.js';

/**
 * `npm run relay -w infra/local`: the Kafka relay alone, on the store of QUANZE_STORE_URL (default ./data, shared
 * with `npm start`), its checkpoint beside that store (its PostgreSQL database, or `relay.sqlite` in the data folder).
 * Without a sealer in this process the checkpoint-size header is left out (docs/RELAY.md).
 *
 * It serves what every Quanze process serves — `/healthz`, `/readyz` (the store; Kafka being down is not
 * unreadiness: transfers wait in the outbox) — and `GET /relay`, its state for operators, on `PORT` (default 3006).
 */
const RELAY_PORT = 3006;

class KafkaNotConfigured extends Error {
  constructor() {
    super('QUANZE_KAFKA_BROKERS is not set: there is no Kafka to relay to (docs/RELAY.md)');
  }
}

const config = runtimeConfig(process.env, { port: RELAY_PORT });
const started: { relay: Relay | null } = { relay: null };
try {
  await runServices(() => [createRelayStatusService(() => started.relay)], {
    name: 'quanze-relay',
    config,
    async beforeListen({ store, logger }) {
      started.relay = await startRelayFromEnv({ store, storeUrl: config.storeUrl, dataFolder: config.dataFolder, logger });
      if (started.relay === null) throw new KafkaNotConfigured();
    },
    onStop: async () => {
      await started.relay?.stop();
    },
  });
} catch (error) {
  if (!(error instanceof KafkaNotConfigured)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}
