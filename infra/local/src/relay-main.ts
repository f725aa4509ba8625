import { pino } from 'pino';
import { openEventStore, redactStoreUrl } from '@quanze/eventstore';
import { runtimeConfig } from '@quanze/service-kit';
import { startRelayFromEnv } from './relay.js';

/**
 * `npm run relay -w infra/local`: the Kafka relay alone, on the store of QUANZE_STORE_URL (default ./data, shared
 * with `npm start`), its checkpoint beside that store (its PostgreSQL database, or `relay.sqlite` in the data folder).
 * Without a sealer in this process the checkpoint-size header is left out (docs/RELAY.md).
 */
const config = runtimeConfig();
const logger = pino({ name: 'quanze-relay', level: config.logLevel });
const store = await openEventStore(config.storeUrl);
const relay = await startRelayFromEnv({ store, storeUrl: config.storeUrl, dataFolder: config.dataFolder, logger });
if (relay === null) {
  await store.close();
  process.stderr.write('QUANZE_KAFKA_BROKERS is not set: there is no Kafka to relay to (docs/RELAY.md)\n');
  process.exit(2);
}
logger.info({ store: redactStoreUrl(config.storeUrl) }, 'relaying');
let stopping = false;
const onSignal = (signal: NodeJS.Signals) => {
  if (stopping) {
    logger.warn({ signal }, 'second signal: exiting now');
    process.exit(1);
  }
  stopping = true;
  relay
    .stop()
    .then(() => store.close())
    .then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
