import type { Actor, AnyEventDefinition, EventRegistry, ProposedEvent, RecordedEvent } from '@quanze/events';
import { newEventId } from '@quanze/events';
import type { EventStore } from '@quanze/eventstore';
import { WrongExpectedVersion } from '@quanze/eventstore';
import type { Decider, DomainEventOf } from './decider.js';
import { DomainError } from './domain-error.js';

/** Who asks, and how the ledger will know the command again. */
export interface CommandMeta {
  readonly actor: Actor;
  /**
   * Present when the caller sent an `Idempotency-Key`: the same person repeating the key on the same subject gets
   * the first outcome back and nothing is appended; the key with another request is refused.
   */
  readonly idempotency?: { readonly key: string; readonly fingerprint: string } | undefined;
  readonly correlationId?: string | null | undefined;
  readonly causationId?: string | null | undefined;
}

export interface CommandOutcome {
  readonly streamId: string;
  /** The stream's version after the command (unchanged when it produced nothing). */
  readonly streamVersion: number;
  /** The events the command produced: on a repeat, the ones the first attempt produced. */
  readonly events: readonly RecordedEvent[];
  /** True when an earlier command with the same idempotency key already did this. */
  readonly replayed: boolean;
}

export interface LoadedStream<TState, TEvent> {
  readonly state: TState;
  readonly version: number;
  readonly events: readonly (RecordedEvent & TEvent)[];
}

/** The same key sent again with another request: refusing it is the only answer that cannot be wrong. */
export class IdempotencyKeyReused extends DomainError {
  readonly code = 'command.idempotency-key-reused';
  override readonly fieldsIn = 'headers';
  constructor(readonly key: string) {
    super(`Idempotency-Key ${key} was used for another request`, [['Idempotency-Key']]);
  }
}

/** Another writer kept winning the race for the stream; the command was not applied and may be sent again. */
export class ConcurrencyConflict extends DomainError {
  readonly code = 'command.concurrency-conflict';
  constructor(readonly streamId: string) {
    super(`${streamId} changed while the command was decided; it was not applied, send it again`);
  }
}

export function commandIdOf(idempotency: { key: string; fingerprint: string }): string {
  return `${idempotency.key}#${idempotency.fingerprint}`;
}

export interface CommandHandlerOptions<TCommand, TState, TDefinitions extends AnyEventDefinition> {
  readonly store: EventStore;
  readonly registry: EventRegistry<TDefinitions>;
  readonly decider: Decider<TCommand, TState, DomainEventOf<TDefinitions>>;
  readonly clock?: () => Date;
  readonly newId?: () => string;
  /** How often to re-read and re-decide when another writer (another process) appended first. */
  readonly maxAttempts?: number;
  /** Waits before re-deciding, so racing writers spread out instead of colliding again; tests pass `async () => {}`. */
  readonly pause?: (attempt: number) => Promise<void>;
}

/** A jittered, growing pause: 1–4 ms after the first loss, up to 16–64 ms after the fifth. */
async function jitteredPause(attempt: number): Promise<void> {
  const ceiling = 4 * 2 ** Math.min(attempt - 1, 4);
  await new Promise((resolve) => setTimeout(resolve, ceiling / 4 + Math.random() * (ceiling * 3 / 4)));
}

export interface CommandHandler<TCommand, TState, TEvent> {
  /** Load the stream, fold it, decide, append with the version it was decided on; re-decide when beaten. */
  handle(streamId: string, command: TCommand, meta: CommandMeta): Promise<CommandOutcome>;
  load(streamId: string): Promise<LoadedStream<TState, TEvent>>;
}

export function createCommandHandler<TCommand, TState, TDefinitions extends AnyEventDefinition>(
  options: CommandHandlerOptions<TCommand, TState, TDefinitions>,
): CommandHandler<TCommand, TState, DomainEventOf<TDefinitions>> {
  type TEvent = DomainEventOf<TDefinitions>;
  const { store, registry, decider } = options;
  const clock = options.clock ?? (() => new Date());
  const newId = options.newId ?? newEventId;
  const maxAttempts = options.maxAttempts ?? 5;
  const pause = options.pause ?? jitteredPause;
  // Commands on one stream within this process run one after another: racing them would only make all but one
  // lose, re-read and re-decide. Retries remain for writers in other processes.
  const streamQueues = new Map<string, Promise<unknown>>();

  function oneAtATime<T>(streamId: string, work: () => Promise<T>): Promise<T> {
    const before = streamQueues.get(streamId) ?? Promise.resolve();
    const result = before.then(work, work);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    streamQueues.set(streamId, settled);
    void settled.then(() => {
      if (streamQueues.get(streamId) === settled) streamQueues.delete(streamId);
    });
    return result;
  }

  async function load(streamId: string): Promise<LoadedStream<TState, TEvent>> {
    const events: (RecordedEvent & TEvent)[] = [];
    let state = decider.initialState;
    for await (const recorded of store.readStream(streamId)) {
      // Streams hold only this domain's events; the registry upcasts old shapes so `evolve` sees current ones.
      const event = registry.parse(recorded) as unknown as RecordedEvent & TEvent;
      state = decider.evolve(state, event);
      events.push(event);
    }
    return { state, version: events.length, events };
  }

  function earlierOutcome(streamId: string, loaded: LoadedStream<TState, TEvent>, meta: CommandMeta): CommandOutcome | null {
    if (meta.idempotency === undefined) return null;
    const prefix = `${meta.idempotency.key}#`;
    const earlier = loaded.events.filter(
      (event) => event.commandId?.startsWith(prefix) === true && event.actor.personId === meta.actor.personId,
    );
    if (earlier.length === 0) return null;
    if (earlier.some((event) => event.commandId !== commandIdOf(meta.idempotency ?? { key: '', fingerprint: '' }))) {
      throw new IdempotencyKeyReused(meta.idempotency.key);
    }
    return { streamId, streamVersion: loaded.version, events: earlier, replayed: true };
  }

  function handle(streamId: string, command: TCommand, meta: CommandMeta): Promise<CommandOutcome> {
    return oneAtATime(streamId, () => decideAndAppend(streamId, command, meta));
  }

  async function decideAndAppend(streamId: string, command: TCommand, meta: CommandMeta): Promise<CommandOutcome> {
    const commandId = meta.idempotency === undefined ? newId() : commandIdOf(meta.idempotency);
    for (let attempt = 1; ; attempt++) {
      const loaded = await load(streamId);
      const earlier = earlierOutcome(streamId, loaded, meta);
      if (earlier !== null) return earlier;

      const now = clock().toISOString();
      const decided = decider.decide(command, loaded.state, { now, actor: meta.actor });
      if (decided.length === 0) return { streamId, streamVersion: loaded.version, events: [], replayed: false };

      const proposed: ProposedEvent[] = decided.map((event) =>
        registry.validateProposed({
          eventId: newId(),
          type: event.type,
          occurredAt: now,
          actor: meta.actor,
          causationId: meta.causationId ?? null,
          correlationId: meta.correlationId ?? null,
          commandId,
          data: event.data,
        }),
      );
      try {
        const result = await store.appendToStream(streamId, proposed, {
          expectedVersion: loaded.version === 0 ? 'no_stream' : loaded.version,
        });
        return { streamId, streamVersion: result.nextExpectedVersion, events: result.events, replayed: false };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersion)) throw error;
        if (attempt >= maxAttempts) throw new ConcurrencyConflict(streamId);
        await pause(attempt);
      }
    }
  }

  return { handle, load };
}
