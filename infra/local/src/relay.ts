import type { Logger } from 'pino';
import { createCaseCommands } from '@quanze/enforcement';
import type { EventStore } from '@quanze/eventstore';
import { createRelay, relayConfigFromEnv } from '@quanze/relay';
import type { Relay } from '@quanze/relay';

/**
 * The Kafka relay (docs/RELAY.md) when `QUANZE_KAFKA_BROKERS` says where Kafka is, started in the background; null
 * without it, and transfers are then read from the inbox API (`GET /transfers`). A bad configuration throws, naming
 * the field, before anything starts.
 */
export async function startRelayFromEnv(deps: {
  store: EventStore;
  dataFolder: string;
  logger: Logger;
  /** The latest signed checkpoint's size, when this process runs the sealer. */
  checkpointSize?: () => Promise<number | null>;
  env?: NodeJS.ProcessEnv;
}): Promise<Relay | null> {
  const config = relayConfigFromEnv(deps.env ?? process.env);
  if (config === null) return null;
  const relay = createRelay({
    config,
    store: deps.store,
    // The enforcement service's own commands and rules: an answer over Kafka is decided as one over HTTP.
    commands: createCaseCommands({ store: deps.store }),
    dataFolder: deps.dataFolder,
    logger: deps.logger,
    ...(deps.checkpointSize === undefined ? {} : { checkpointSize: deps.checkpointSize }),
  });
  await relay.start();
  return relay;
}
