import type { IHeaders, Message, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { Actor, CaseTransferredV1, RecordedEvent } from '@quanze/events';
import { ledgerRegistry } from '@quanze/events';
import type { AllSubscription, EventStore } from '@quanze/eventstore';
import { contentHash, hashedEnvelope, toHex } from '@quanze/integrity';
import { LEDGER_ENTRY_SCHEMA, TRANSFER_SCHEMA } from './messages.js';
import type { LedgerEntryMessageV1, TransferMessageV1 } from './messages.js';
import type { RelayCheckpointStore } from './relay-checkpoint-store.js';
import type { RelayOrganisation } from './relay-config.js';
import { RelayHeaders } from './topics.js';
import type { RelayTopics } from './topics.js';

/** The checkpoint's name in the relay's checkpoint store. */
export const OUTBOX_CHECKPOINT = 'outbox';

export interface OutboxPublisherOptions {
  readonly store: EventStore;
  /** Connected by the publisher before it reads (again after a failure); disconnected by the caller. */
  readonly producer: Producer;
  readonly checkpoints: RelayCheckpointStore;
  readonly topics: RelayTopics;
  readonly organisations: readonly RelayOrganisation[];
  readonly publicEventTypes?: readonly string[];
  /**
   * The size of the latest signed checkpoint, when this process runs the Merkle sealer: sent as a header so that a
   * receiver knows whether the entry is already sealed (size ≥ position) and which checkpoint to ask a proof for.
   * Without it the header is left out.
   */
  readonly checkpointSize?: () => Promise<number | null>;
  readonly logger: Logger;
  /** Events read per page while catching up (default 500). */
  readonly batchSize?: number;
  /** The first pause before trying again after a failure; doubled each time, at most a minute (default 1 s). */
  readonly retryAfterMs?: number;
  /**
   * Runs after Kafka acknowledged a page's messages and before its checkpoint is written: the window in which a
   * crash republishes. Tests stop the relay here; nothing else should use it.
   */
  readonly afterPublish?: (lastPosition: number) => Promise<void> | void;
  /** When a publish succeeded or an error happened, for the status (default: the system clock). */
  readonly clock?: () => Date;
}

/** An error as an operator sees it in the status: what it said and when. */
export interface RelayError {
  readonly message: string;
  /** ISO 8601. */
  readonly at: string;
}

export interface OutboxStatus {
  /** The position of the last event whose messages Kafka acknowledged (0 before the first). */
  readonly checkpoint: number;
  /** Connected to Kafka and publishing (catching up or following live). */
  readonly running: boolean;
  /** Why publishing stopped, while it waits to try again; null when it runs. */
  readonly failure: string | null;
  /** When Kafka last acknowledged a page of messages (ISO 8601); null before the first since this process started. */
  readonly lastPublishedAt: string | null;
  /** The last failure, kept after publishing resumed: when it happened tells whether it is still news. */
  readonly lastError: RelayError | null;
}

export interface OutboxPublisher {
  /** Catches up from the checkpoint, then follows the store live until `stop()`. */
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): OutboxStatus;
  /** Resolves once every event up to `position` is published and checkpointed. */
  waitFor(position: number, timeoutMs?: number): Promise<void>;
}

interface Outgoing {
  readonly topic: string;
  readonly message: Message;
}

/**
 * The outbox: a checkpointed subscription to the store that publishes every `case.transferred.v1` (and every
 * forwarding, 转送) to the receiving organisation's topic, and the configured public events to `ledger.public`.
 * Publish, then checkpoint: a crash between the two publishes the page again (at least once, never lost); every
 * message carries its event id for consumers to drop repeats.
 */
export function createOutboxPublisher(options: OutboxPublisherOptions): OutboxPublisher {
  const { store, producer, checkpoints, topics, logger } = options;
  const batchSize = options.batchSize ?? 500;
  const publicTypes = new Set(options.publicEventTypes ?? []);
  const byUnit = new Map(options.organisations.map((organisation) => [organisation.unitId, organisation]));

  // Read from the store when publishing starts (again after a failure): until then, nothing is known to be published.
  let checkpoint = 0;
  let stopped = true;
  let subscription: AllSubscription | null = null;
  let loop: Promise<void> | null = null;
  let failure: string | null = null;
  let lastPublishedAt: string | null = null;
  let lastError: RelayError | null = null;
  const clock = options.clock ?? (() => new Date());
  let connected = false;
  let retryTimer: NodeJS.Timeout | null = null;
  let retryDelay = options.retryAfterMs ?? 1000;
  let waiters: { position: number; resolve: () => void }[] = [];

  async function caseOpened(caseId: string): Promise<TransferMessageV1['case']> {
    for await (const recorded of store.readStream(`case-${caseId}`, { limit: 1 })) {
      const event = ledgerRegistry.parse(recorded);
      if (event.type !== 'case.opened.v1') return null;
      const { unitId, title, enforcementKind, party, openedOn } = event.data;
      return { handlingUnitId: unitId, title, enforcementKind, party, openedOn };
    }
    return null;
  }

  /** The transfer a forwarding passes on, as the agency sent it. */
  async function transferOf(caseId: string, transferId: string): Promise<{ data: CaseTransferredV1; actor: Actor; occurredAt: string } | null> {
    for await (const recorded of store.readStream(`case-${caseId}`)) {
      if (recorded.type !== 'case.transferred.v1') continue;
      const event = ledgerRegistry.parse(recorded);
      if (event.type === 'case.transferred.v1' && event.data.transferId === transferId) return event;
    }
    return null;
  }

  function ledgerOf(recorded: RecordedEvent): TransferMessageV1['ledger'] {
    return { eventId: recorded.eventId, position: recorded.position, contentHash: toHex(contentHash(recorded)), entry: hashedEnvelope(recorded) };
  }

  function headersOf(recorded: RecordedEvent, schema: string, ledger: TransferMessageV1['ledger'], sealedSize: number | null): IHeaders {
    const headers: IHeaders = {
      [RelayHeaders.schema]: schema,
      [RelayHeaders.eventId]: recorded.eventId,
      [RelayHeaders.position]: String(recorded.position),
      [RelayHeaders.contentHash]: ledger.contentHash,
    };
    if (sealedSize !== null) headers[RelayHeaders.checkpointSize] = String(sealedSize);
    return headers;
  }

  /** The messages one event makes; `sealedSize` is asked for once per page, only when a page has messages. */
  async function messagesFor(recorded: RecordedEvent, sealedSize: () => Promise<number | null>): Promise<Outgoing[]> {
    const outgoing: Outgoing[] = [];
    if (recorded.type === 'case.transferred.v1' || recorded.type === 'case.transferForwarded.v1') {
      const event = ledgerRegistry.parse(recorded);
      let transfer: TransferMessageV1['transfer'];
      let receiver: { unitId: string; kind: TransferMessageV1['receivingAuthority']['kind'] };
      let forwarded: TransferMessageV1['forwarded'] = null;
      let sentBy = recorded.actor;
      let sentAt = recorded.occurredAt;
      if (event.type === 'case.transferred.v1') {
        const { caseId: _caseId, transferId: _transferId, receivingAuthority, ...rest } = event.data;
        transfer = rest;
        receiver = receivingAuthority;
      } else if (event.type === 'case.transferForwarded.v1') {
        const original = await transferOf(event.data.caseId, event.data.transferId);
        if (original === null) throw new Error(`case ${event.data.caseId} forwards transfer ${event.data.transferId}, which it never sent`);
        const { caseId: _caseId, transferId: _transferId, receivingAuthority: _original, ...rest } = original.data;
        transfer = rest;
        receiver = event.data.to;
        sentBy = original.actor;
        sentAt = original.occurredAt;
        forwarded = {
          fromUnitId: event.data.fromUnitId,
          forwardedBy: event.data.forwardedBy,
          reasons: event.data.reasons,
          forwardedAt: event.data.forwardedAt,
        };
      } else {
        return outgoing;
      }
      const organisation = byUnit.get(receiver.unitId);
      if (organisation === undefined) {
        logger.info(
          { eventId: recorded.eventId, position: recorded.position, unitId: receiver.unitId },
          'no organisation is configured for the receiving unit: the transfer is read from the inbox API',
        );
      } else {
        const ledger = ledgerOf(recorded);
        const value: TransferMessageV1 = {
          schema: TRANSFER_SCHEMA,
          caseId: event.data.caseId,
          transferId: event.data.transferId,
          receivingAuthority: { unitId: receiver.unitId, kind: receiver.kind, organisationCode: organisation.code },
          case: await caseOpened(event.data.caseId),
          transfer,
          sentBy,
          sentAt,
          forwarded,
          ledger,
        };
        outgoing.push({
          topic: topics.transfers(organisation.code),
          message: { key: event.data.caseId, value: JSON.stringify(value), headers: headersOf(recorded, TRANSFER_SCHEMA, ledger, await sealedSize()) },
        });
      }
    }
    if (publicTypes.has(recorded.type)) {
      const ledger = ledgerOf(recorded);
      const value: LedgerEntryMessageV1 = {
        schema: LEDGER_ENTRY_SCHEMA,
        eventId: recorded.eventId,
        type: recorded.type,
        position: recorded.position,
        contentHash: ledger.contentHash,
        entry: ledger.entry,
      };
      outgoing.push({
        topic: topics.ledgerPublic,
        message: { key: recorded.streamId, value: JSON.stringify(value), headers: headersOf(recorded, LEDGER_ENTRY_SCHEMA, ledger, await sealedSize()) },
      });
    }
    return outgoing;
  }

  async function publishPage(events: readonly RecordedEvent[]): Promise<void> {
    const last = events.at(-1);
    if (last === undefined) return;
    let sealed: Promise<number | null> | null = null;
    const sealedSize = () => (sealed ??= options.checkpointSize?.() ?? Promise.resolve(null));
    const byTopic = new Map<string, Message[]>();
    for (const recorded of events) {
      for (const { topic, message } of await messagesFor(recorded, sealedSize)) {
        const messages = byTopic.get(topic) ?? [];
        messages.push(message);
        byTopic.set(topic, messages);
      }
    }
    if (byTopic.size > 0) {
      // acks -1: every in-sync replica has it before the checkpoint moves past it.
      await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      lastPublishedAt = clock().toISOString();
      logger.debug({ through: last.position, topics: [...byTopic.keys()] }, 'published');
      await options.afterPublish?.(last.position);
    }
    await checkpoints.write(OUTBOX_CHECKPOINT, last.position);
    checkpoint = Math.max(checkpoint, last.position);
    const ready = waiters.filter((waiter) => waiter.position <= checkpoint);
    waiters = waiters.filter((waiter) => waiter.position > checkpoint);
    for (const waiter of ready) waiter.resolve();
  }

  // A function, not the flag itself: `stop()` may be called during any await below.
  const halted = () => stopped;

  async function run(): Promise<void> {
    // Inside the retried loop: a checkpoint store or a Kafka unreachable at start-up is a failure like any other,
    // tried again later.
    checkpoint = Math.max(checkpoint, await checkpoints.read(OUTBOX_CHECKPOINT));
    await producer.connect();
    connected = true;
    for (;;) {
      if (halted()) return;
      const page: RecordedEvent[] = [];
      for await (const recorded of store.readAll({ fromPosition: checkpoint + 1, limit: batchSize })) page.push(recorded);
      if (page.length === 0) break;
      await publishPage(page);
    }
    if (halted()) return;
    const live = store.subscribeToAll({ fromPosition: checkpoint + 1, batchSize });
    subscription = live;
    failure = null;
    retryDelay = options.retryAfterMs ?? 1000;
    for await (const recorded of live) await publishPage([recorded]);
  }

  function follow(): void {
    loop = run().catch((error: unknown) => {
      connected = false;
      failure = error instanceof Error ? error.message : String(error);
      lastError = { message: failure, at: clock().toISOString() };
      logger.error({ err: error, checkpoint }, 'the outbox stopped publishing; it will try again from its checkpoint');
      const live = subscription;
      subscription = null;
      if (live !== null) void live.stop();
      if (stopped) return;
      // Kafka unreachable passes; a broken event keeps failing, visibly, and is never skipped.
      retryTimer = setTimeout(() => {
        retryTimer = null;
        if (!stopped) follow();
      }, retryDelay);
      retryTimer.unref();
      retryDelay = Math.min(retryDelay * 2, 60_000);
    });
  }

  return {
    start() {
      if (!stopped) return Promise.resolve();
      stopped = false;
      failure = null;
      follow();
      return Promise.resolve();
    },
    async stop() {
      stopped = true;
      if (retryTimer !== null) clearTimeout(retryTimer);
      retryTimer = null;
      const live = subscription;
      subscription = null;
      if (live !== null) await live.stop();
      await loop;
      loop = null;
    },
    status: () => ({ checkpoint, running: !stopped && connected && failure === null, failure, lastPublishedAt, lastError }),
    waitFor(position, timeoutMs = 10_000) {
      if (checkpoint >= position) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((waiter) => waiter.resolve !== done);
          reject(new Error(`the outbox did not reach position ${String(position)} within ${String(timeoutMs)} ms (at ${String(checkpoint)})`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        waiters.push({ position, resolve: done });
      });
    },
  };
}
