import { Kafka, Partitioners, logLevel } from 'kafkajs';
import type { ConsumerConfig, LogEntry, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { EventStore } from '@quanze/eventstore';
import { createPostHoldingCheck } from '@quanze/service-kit';
import type { ActorCheck } from '@quanze/service-kit';
import { describeSecurity, kafkaConnectionOptions, securityWarnings } from './kafka-security.js';
import { createOutboxPublisher } from './outbox-publisher.js';
import type { OutboxPublisher, RelayError } from './outbox-publisher.js';
import { createReceiptConsumer } from './receipt-consumer.js';
import type { ReceiptConsumer, ReceiptConsumerStatus, TransferAnswerCommands } from './receipt-consumer.js';
import type { RelayCheckpointStore } from './relay-checkpoint-store.js';
import type { RelayConfig } from './relay-config.js';
import { relayTopics } from './topics.js';

export interface RelayOptions {
  readonly config: RelayConfig;
  readonly store: EventStore;
  /** The enforcement service's case commands (`createCaseCommands`): the rules that decide an answer. */
  readonly commands: TransferAnswerCommands;
  /**
   * Where the outbox keeps how far it has published (`openRelayCheckpointStore`: beside the event store). The relay
   * owns it from here: `stop()` closes it.
   */
  readonly checkpoints: RelayCheckpointStore;
  readonly logger: Logger;
  /** Defaults to the HTTP routes' post-holding check on this store. */
  readonly checkActor?: ActorCheck;
  /** The latest signed checkpoint's size, when this process runs the Merkle sealer (see `OutboxPublisherOptions`). */
  readonly checkpointSize?: () => Promise<number | null>;
  /** Timings for tests: the group's, and the pause before the outbox tries again. */
  readonly consumer?: Pick<ConsumerConfig, 'sessionTimeout' | 'heartbeatInterval' | 'rebalanceTimeout' | 'retry' | 'maxWaitTimeInMs'>;
  readonly retryAfterMs?: number;
  /** Test hook: between Kafka's acknowledgement of a page and its checkpoint. */
  readonly afterPublish?: (lastPosition: number) => Promise<void> | void;
  /** For the status's times (default: the system clock). */
  readonly clock?: () => Date;
  /** Reads the TLS and password files named by the configuration (default: the file system). */
  readonly readFile?: (path: string) => string;
}

/** What an operator needs to know of the relay (`GET /relay`, docs/RELAY.md). */
export interface RelayStatus {
  readonly enabled: true;
  /** The position of the last event the outbox has published and checkpointed. */
  readonly checkpoint: number;
  /** The store's last position; null when the store could not be asked. */
  readonly head: number | null;
  /** Events appended but not yet through the outbox (head − checkpoint); null when the head is unknown. */
  readonly lag: number | null;
  /** Connected to Kafka and publishing. */
  readonly publishing: boolean;
  /** When Kafka last acknowledged a page of messages (ISO 8601), since this process started. */
  readonly lastPublishedAt: string | null;
  /** The outbox's last failure, kept after it recovered. */
  readonly lastError: RelayError | null;
  readonly receipts: ReceiptConsumerStatus;
}

export interface Relay {
  /**
   * Starts the outbox and the receipts consumer in the background and returns: an unreachable Kafka does not keep
   * the ledger from starting; both log it and try again with a growing pause.
   */
  start(): Promise<void>;
  /** Stops consuming and publishing, then disconnects and closes the checkpoint store. */
  stop(): Promise<void>;
  status(): Promise<RelayStatus>;
  readonly outbox: OutboxPublisher;
}

const PINO_LEVEL = { [logLevel.ERROR]: 'error', [logLevel.WARN]: 'warn', [logLevel.INFO]: 'debug', [logLevel.DEBUG]: 'trace', [logLevel.NOTHING]: 'trace' } as const;

/** kafkajs's log lines into the process's pino logger; its INFO (group joins, connections) as debug. */
function kafkaLogger(logger: Logger) {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, ...fields } = log;
      logger[PINO_LEVEL[level]]({ kafka: namespace, ...fields }, message);
    };
}

/** The outbox and the receipts consumer over one Kafka client (docs/RELAY.md). */
export function createRelay(options: RelayOptions): Relay {
  const { config, store } = options;
  const logger = options.logger.child({ component: 'relay' });
  const topics = relayTopics(config.topicPrefix);
  // Read now: a missing certificate or password file stops the relay here, before it starts, naming the variable.
  const connection = kafkaConnectionOptions(config, options.readFile);
  const kafka = new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    ...connection,
    logLevel: logLevel.INFO,
    logCreator: kafkaLogger(logger),
    // A few quick tries inside kafkajs; beyond them the outbox and the consumer wait and try again themselves, so
    // that a shutdown while Kafka is away does not wait out kafkajs's half-minute of retries.
    connectionTimeout: 3000,
    retry: { initialRetryTime: 300, retries: 3, maxRetryTime: 5000 },
  });
  // Not idempotent: ordering per case and no loss come from acks = all, one request in flight, and the outbox
  // republishing from its checkpoint; consumers drop repeats by event id (docs/RELAY.md).
  const producer: Producer = kafka.producer({
    allowAutoTopicCreation: true,
    createPartitioner: Partitioners.DefaultPartitioner,
    maxInFlightRequests: 1,
    idempotent: false,
  });
  const { checkpoints } = options;
  const outbox = createOutboxPublisher({
    store,
    producer,
    checkpoints,
    topics,
    organisations: config.organisations,
    publicEventTypes: config.publicEventTypes,
    logger,
    ...(options.checkpointSize === undefined ? {} : { checkpointSize: options.checkpointSize }),
    ...(options.retryAfterMs === undefined ? {} : { retryAfterMs: options.retryAfterMs }),
    ...(options.afterPublish === undefined ? {} : { afterPublish: options.afterPublish }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  const receipts: ReceiptConsumer = createReceiptConsumer({
    kafka,
    producer,
    groupId: config.groupId,
    topics,
    organisations: config.organisations,
    commands: options.commands,
    checkActor: options.checkActor ?? createPostHoldingCheck(store),
    logger,
    ...(options.consumer === undefined ? {} : { consumer: options.consumer }),
    ...(options.retryAfterMs === undefined ? {} : { retryAfterMs: options.retryAfterMs }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });

  let stopping: Promise<void> | null = null;
  return {
    outbox,
    async start() {
      for (const warning of securityWarnings(config)) logger.warn(warning);
      await outbox.start();
      receipts.start();
      logger.info(
        {
          brokers: config.brokers,
          clientId: config.clientId,
          ...describeSecurity(config),
          organisations: config.organisations.map((organisation) => organisation.code),
          publicEventTypes: config.publicEventTypes,
        },
        'relay started',
      );
    },
    stop() {
      stopping ??= (async () => {
        try {
          await receipts.stop();
          await outbox.stop();
          await producer.disconnect();
        } finally {
          await checkpoints.close();
        }
      })();
      return stopping;
    },
    async status() {
      const { checkpoint, running, lastPublishedAt, lastError } = outbox.status();
      let head: number | null = null;
      try {
        head = await store.headPosition();
      } catch (error) {
        // The status must answer when the store is the thing that is down: the head is then unknown, not an error.
        logger.warn({ err: error }, 'the relay status could not read the store’s head position');
      }
      return {
        enabled: true,
        checkpoint,
        head,
        lag: head === null ? null : Math.max(0, head - checkpoint),
        publishing: running,
        lastPublishedAt,
        lastError,
        receipts: receipts.status(),
      };
    },
  };
}
