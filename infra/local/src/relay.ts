import type { Logger } from 'pino';
import { createCaseCommands } from '@quanze/enforcement';
import type { EventStore } from '@quanze/eventstore';
import { createRelay, openRelayCheckpointStore, relayConfigFromEnv } from '@quanze/relay';
import type { Relay } from '@quanze/relay';

/**
 * The Kafka relay (docs/RELAY.md) when `QUANZE_KAFKA_BROKERS` says where Kafka is, started in the background; null
 * without it, and transfers are then read from the inbox API (`GET /transfers`). A bad configuration throws, naming
 * the field, before anything starts. The outbox's checkpoint is kept beside the event store: in its PostgreSQL
 * database for `postgres://…`, else in `relay.sqlite` in the data folder.
 */
export async function startRelayFromEnv(deps: {
  store: EventStore;
  dataFolder: string;
  /** The URL `store` was opened with; `QUANZE_STORE_URL` (else the data folder's SQLite store) when left out. */
  storeUrl?: string;
  logger: Logger;
  /** The latest signed checkpoint's size, when this process runs the sealer. */
  checkpointSize?: () => Promise<number | null>;
  env?: NodeJS.ProcessEnv;
}): Promise<Relay | null> {
  const env = deps.env ?? process.env;
  const config = relayConfigFromEnv(env);
  if (config === null) return null;
  const storeUrl = deps.storeUrl ?? env['QUANZE_STORE_URL'] ?? `sqlite:${deps.dataFolder}`;
  const checkpoints = await openRelayCheckpointStore({ storeUrl, dataFolder: deps.dataFolder });
  let relay: Relay;
  try {
    relay = createRelay({
      config,
      store: deps.store,
      // The enforcement service's own commands and rules: an answer over Kafka is decided as one over HTTP.
      commands: createCaseCommands({ store: deps.store }),
      checkpoints,
      logger: deps.logger,
      ...(deps.checkpointSize === undefined ? {} : { checkpointSize: deps.checkpointSize }),
    });
  } catch (error) {
    await checkpoints.close();
    throw error;
  }
  await relay.start();
  return relay;
}
