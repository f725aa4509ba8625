import { createHash } from 'node:crypto';
import type { Consumer, ConsumerConfig, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { ReceivingAuthorityKind } from '@quanze/events';
import { ConcurrencyConflict, DomainError } from '@quanze/service-kit';
import type { ActorCheck, CommandMeta, CommandOutcome } from '@quanze/service-kit';
import { ReceiptMessageV1 } from './messages.js';
import type { RelayError } from './outbox-publisher.js';
import type { RelayOrganisation } from './relay-config.js';
import { RelayHeaders } from './topics.js';
import type { RelayTopics } from './topics.js';

type JudicialKind = z.infer<typeof ReceivingAuthorityKind>;

interface OnTransfer {
  readonly caseId: string;
  readonly transferId: string;
  /** The roles the organisation acts in: the decider checks the transfer was sent to this unit as this kind. */
  readonly actingAs: readonly JudicialKind[];
}

/**
 * The receiving authority's commands, as the enforcement service's HTTP routes issue them. The relay holds no rule
 * of its own: whoever wires it passes the enforcement service's command handler, which decides them.
 */
export type TransferAnswerRequest =
  | ({ readonly type: 'RecordReceipt'; readonly receiptNumber: string | null } & OnTransfer)
  | ({ readonly type: 'ForwardTransfer'; readonly to: { readonly unitId: string; readonly kind: JudicialKind }; readonly reasons: string } & OnTransfer)
  | ({ readonly type: 'AcceptTransfer'; readonly criminalCaseNumber: string | null } & OnTransfer)
  | ({ readonly type: 'ReturnTransfer'; readonly reasons: string | null } & OnTransfer)
  | ({ readonly type: 'AnswerReconsideration'; readonly outcome: 'case-opened' | 'refusal-upheld'; readonly reasons: string | null } & OnTransfer)
  | ({ readonly type: 'RecordSeizedItemsHandover'; readonly inventorySha256: string } & OnTransfer);

export interface TransferAnswerCommands {
  handle(request: TransferAnswerRequest, meta: CommandMeta): Promise<CommandOutcome>;
}

export function transferAnswerRequest(message: ReceiptMessageV1, organisation: RelayOrganisation): TransferAnswerRequest {
  const onTransfer = { caseId: message.caseId, transferId: message.transferId, actingAs: [organisation.kind] };
  switch (message.kind) {
    case 'receipt':
      return { type: 'RecordReceipt', ...onTransfer, receiptNumber: message.receiptNumber };
    case 'forwarding':
      return { type: 'ForwardTransfer', ...onTransfer, to: message.to, reasons: message.reasons };
    case 'acceptance':
      return { type: 'AcceptTransfer', ...onTransfer, criminalCaseNumber: message.criminalCaseNumber };
    case 'return':
      return { type: 'ReturnTransfer', ...onTransfer, reasons: message.reasons };
    case 'reconsideration-answer':
      return { type: 'AnswerReconsideration', ...onTransfer, outcome: message.outcome, reasons: message.reasons };
    case 'seized-items-handover':
      return { type: 'RecordSeizedItemsHandover', ...onTransfer, inventorySha256: message.inventorySha256 };
  }
}

/** Why a message went to the dead-letter topic: a code, and the text a person needs to fix it. */
interface DeadLetterReason {
  readonly code: string;
  readonly detail: string;
}

export interface ReceiptConsumerOptions {
  readonly kafka: Kafka;
  /** Used for the dead-letter topics; connected by the outbox that shares it. */
  readonly producer: Producer;
  readonly groupId: string;
  readonly topics: RelayTopics;
  readonly organisations: readonly RelayOrganisation[];
  readonly commands: TransferAnswerCommands;
  /** The post-holding check of the HTTP routes (service-kit's `createPostHoldingCheck`). */
  readonly checkActor: ActorCheck;
  readonly logger: Logger;
  /** Group timings; tests shorten them. */
  readonly consumer?: Pick<ConsumerConfig, 'sessionTimeout' | 'heartbeatInterval' | 'rebalanceTimeout' | 'retry' | 'maxWaitTimeInMs'>;
  /** The first pause before joining again after the consumer could not start or crashed; doubled up to a minute. */
  readonly retryAfterMs?: number;
  /** When an error happened, for the status (default: the system clock). */
  readonly clock?: () => Date;
}

export interface ReceiptConsumerStatus {
  /** A member of its group, reading the receipts topics. */
  readonly running: boolean;
  /** The receipts topics it reads: none when no organisation is configured, and then it never starts. */
  readonly topics: readonly string[];
  /** The last time it could not join or crashed, kept after it joined again. */
  readonly lastError: RelayError | null;
}

export interface ReceiptConsumer {
  /**
   * Starts joining the group in the background and returns: Kafka unreachable is logged and tried again, with a
   * growing pause, until `stop()`.
   */
  start(): void;
  stop(): Promise<void>;
  status(): ReceiptConsumerStatus;
}

const MAX_DETAIL = 4000;

/**
 * Turns each organisation's receipts topic into the enforcement commands of its users: validated with zod, acting
 * as the person and post the message names in the organisation the topic belongs to, with the message id as the
 * idempotency key (a redelivery finds the first outcome and appends nothing). A malformed message, or one the rules
 * refuse, goes to `<topic>.dlq` with the reason; its offset is committed only once the event is appended or the
 * dead letter acknowledged. Any other failure (the store unreachable) is retried and nothing is committed.
 */
export function createReceiptConsumer(options: ReceiptConsumerOptions): ReceiptConsumer {
  const { kafka, producer, topics, logger } = options;
  const byTopic = new Map(options.organisations.map((organisation) => [options.topics.receipts(organisation.code), organisation]));
  let consumer: Consumer | null = null;

  function parse(message: KafkaMessage): { message: ReceiptMessageV1 } | { reason: DeadLetterReason } {
    if (message.value === null) return { reason: { code: 'relay.malformed-message', detail: 'the message has no value' } };
    let json: unknown;
    try {
      json = JSON.parse(message.value.toString('utf8')) as unknown;
    } catch (error) {
      return { reason: { code: 'relay.malformed-message', detail: `not JSON: ${error instanceof Error ? error.message : String(error)}` } };
    }
    const parsed = ReceiptMessageV1.safeParse(json);
    if (parsed.success) return { message: parsed.data };
    const detail = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(message)'}: ${issue.message}`).join('; ');
    return { reason: { code: 'relay.malformed-message', detail } };
  }

  async function deadLetter(organisation: RelayOrganisation, topic: string, partition: number, message: KafkaMessage, reason: DeadLetterReason): Promise<void> {
    const headers: IHeaders = {
      ...message.headers,
      [RelayHeaders.deadLetterReason]: reason.code,
      [RelayHeaders.deadLetterDetail]: reason.detail.slice(0, MAX_DETAIL),
      [RelayHeaders.deadLetterTopic]: topic,
      [RelayHeaders.deadLetterPartition]: String(partition),
      [RelayHeaders.deadLetterOffset]: message.offset,
      [RelayHeaders.deadLetterAt]: new Date().toISOString(),
    };
    // The value as it came, so that the organisation can correct and send it again.
    await producer.send({ topic: topics.deadLetters(organisation.code), acks: -1, messages: [{ key: message.key, value: message.value, headers }] });
    logger.warn({ topic, partition, offset: message.offset, reason: reason.code, detail: reason.detail }, 'dead-lettered a receipts message');
  }

  /** The event appended (or found appended), or the reason the message goes to the dead-letter topic. */
  async function apply(organisation: RelayOrganisation, message: ReceiptMessageV1): Promise<DeadLetterReason | null> {
    try {
      await options.checkActor({ personId: message.actor.personId, postId: message.actor.postId, unitId: organisation.unitId, roles: [organisation.kind] });
      const meta: CommandMeta = {
        actor: { personId: message.actor.personId, postId: message.actor.postId, unitId: organisation.unitId },
        idempotency: { key: message.messageId, fingerprint: createHash('sha256').update(JSON.stringify(message)).digest('hex') },
        correlationId: message.messageId,
        causationId: message.inReplyTo,
      };
      const outcome = await options.commands.handle(transferAnswerRequest(message, organisation), meta);
      logger.info(
        { messageId: message.messageId, kind: message.kind, caseId: message.caseId, replayed: outcome.replayed, events: outcome.events.map((event) => event.type) },
        outcome.replayed ? 'receipts message already applied' : 'receipts message applied',
      );
      return null;
    } catch (error) {
      // Racing writers lost too often: nothing was decided, so it is tried again like an unreachable store.
      if (error instanceof DomainError && !(error instanceof ConcurrencyConflict)) {
        return { code: error.code, detail: error.article === null ? error.message : `${error.message} (${error.article})` };
      }
      throw error;
    }
  }

  let stopped = true;
  let retryTimer: NodeJS.Timeout | null = null;
  let retryDelay = options.retryAfterMs ?? 1000;
  let starting: Promise<void> | null = null;
  let joined = false;
  let lastError: RelayError | null = null;
  const clock = options.clock ?? (() => new Date());

  async function handleMessage(consumer: Consumer, topic: string, partition: number, message: KafkaMessage): Promise<void> {
    const organisation = byTopic.get(topic);
    if (organisation === undefined) throw new Error(`a message from ${topic}, which the relay does not subscribe to`);
    const parsed = parse(message);
    const reason = 'reason' in parsed ? parsed.reason : await apply(organisation, parsed.message);
    if (reason !== null) await deadLetter(organisation, topic, partition, message, reason);
    await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
  }

  function retryLater(error: unknown): void {
    joined = false;
    lastError = { message: error instanceof Error ? error.message : String(error), at: clock().toISOString() };
    logger.error({ err: error }, 'the receipts consumer stopped; it joins its group again');
    if (stopped || retryTimer !== null) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      if (!stopped) starting = join();
    }, retryDelay);
    retryTimer.unref();
    retryDelay = Math.min(retryDelay * 2, 60_000);
  }

  async function join(): Promise<void> {
    const created = kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: true,
      ...options.consumer,
      // kafkajs decides to restart a crashed consumer after its own disconnect; a `stop()` that lands in between
      // would otherwise leave it restarting, and failing, forever with Kafka away, keeping the process alive.
      retry: { ...options.consumer?.retry, restartOnFailure: () => Promise.resolve(!stopped) },
    });
    consumer = created;
    // Joined, or rejoined after kafkajs restarted it; left on a crash (restarted or not) and on stop.
    created.on(created.events.GROUP_JOIN, () => {
      if (consumer === created) joined = true;
    });
    // kafkajs restarts the consumer itself after retriable errors; after any other it stays down, so join again.
    created.on(created.events.CRASH, (event) => {
      if (consumer === created) joined = false;
      if (event.payload.restart) {
        lastError = { message: event.payload.error.message, at: clock().toISOString() };
        return;
      }
      if (consumer === created) consumer = null;
      void created.disconnect().catch(() => undefined);
      retryLater(event.payload.error);
    });
    try {
      await created.connect();
      // From the beginning for a new group: answers sent before the relay first ran are not lost.
      await created.subscribe({ topics: [...byTopic.keys()], fromBeginning: true });
      await created.run({
        autoCommit: false,
        eachMessage: ({ topic, partition, message }) => handleMessage(created, topic, partition, message),
      });
      retryDelay = options.retryAfterMs ?? 1000;
    } catch (error) {
      if (consumer === created) consumer = null;
      await created.disconnect().catch(() => undefined);
      retryLater(error);
    }
  }

  return {
    start() {
      if (!stopped || byTopic.size === 0) return;
      stopped = false;
      starting = join();
    },
    async stop() {
      stopped = true;
      joined = false;
      if (retryTimer !== null) clearTimeout(retryTimer);
      retryTimer = null;
      await starting;
      const running = consumer;
      consumer = null;
      await running?.disconnect();
    },
    status: () => ({ running: joined && !stopped, topics: [...byTopic.keys()], lastError }),
  };
}
