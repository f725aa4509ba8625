import type { RecordedEvent } from '@quanze/events';
import { checkExpectedVersion, expectsFirstVersion, sameContent, type CheckedEvent } from './append-checks.js';
import { DuplicateEventId, EventStoreError } from './errors.js';
import type { AppendResult, ExpectedVersion } from './event-store.js';

/** What deciding needs to know of an event the log holds (or that this batch has accepted). */
export interface StoredEventRef {
  readonly eventId: string;
  readonly streamId: string;
  readonly streamVersion: number;
}

/** An accepted event as the batch will write it: its place in the log, and its body as the JSON to be stored. */
export interface PlannedRow {
  readonly position: number;
  readonly eventId: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly type: string;
  readonly recordedAt: string;
  readonly body: string;
}

/**
 * What a writer knows of the log while it decides one batch of appends (under its lock, or at the log revision it
 * will write at), kept up to date as each append is accepted: the head, the versions of the streams the batch
 * touches, the stored events with the batch's ids, and what it has accepted so far.
 */
export interface BatchDecisionState<TStored extends StoredEventRef> {
  position: number;
  readonly recordedAt: string;
  readonly versions: Map<string, number>;
  readonly stored: Map<string, TStored>;
  readonly accepted: TStored[];
}

export interface AppendRequest {
  readonly streamId: string;
  readonly events: readonly CheckedEvent[];
  readonly expectedVersion: ExpectedVersion;
}

/** An append waiting in an adapter's queue for the writer's next batch. */
export interface QueuedAppend extends AppendRequest {
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

/** One append's answer within a batch: a store's refusal is that append's alone. */
export type AppendOutcome = { ok: true; result: AppendResult } | { ok: false; error: EventStoreError };

/** Decides each append of a batch in turn against the batch's view of the log. */
export function decideBatch<TStored extends StoredEventRef>(
  batch: readonly AppendRequest[],
  state: BatchDecisionState<TStored>,
  form: StoredEventForm<TStored>,
): AppendOutcome[] {
  return batch.map((request): AppendOutcome => {
    try {
      return { ok: true, result: decideAppend(request, state, form) };
    } catch (error) {
      if (error instanceof EventStoreError) return { ok: false, error };
      throw error;
    }
  });
}

/** Writes a batch and answers each of its appends: with its own outcome, or all of them with the batch's failure. */
export async function answerBatch(
  batch: readonly QueuedAppend[],
  write: (batch: readonly QueuedAppend[]) => Promise<AppendOutcome[]>,
  translate: (error: unknown) => unknown,
): Promise<void> {
  let outcomes: AppendOutcome[];
  try {
    outcomes = await write(batch);
  } catch (error) {
    failBatch(batch, translate(error));
    return;
  }
  settleBatch(batch, outcomes);
}

/** The write of a whole batch failed: every append in it fails with that error. */
export function failBatch(batch: readonly QueuedAppend[], error: unknown): void {
  for (const pending of batch) pending.reject(error);
}

/** Each append of a written batch gets its own answer: its result, or the store's refusal of it alone. */
export function settleBatch(batch: readonly QueuedAppend[], outcomes: readonly AppendOutcome[]): void {
  outcomes.forEach((outcome, index) => {
    const pending = batch[index];
    if (pending === undefined) return;
    if (outcome.ok) pending.resolve(outcome.result);
    else pending.reject(outcome.error);
  });
}

/** How an adapter keeps an accepted row, and reads a kept one back as the event a later read will give. */
export interface StoredEventForm<TStored extends StoredEventRef> {
  fromRow(row: PlannedRow): TStored;
  toRecorded(stored: TStored): RecordedEvent;
}

/**
 * One append against a batch's view of the log, which it updates when the append is accepted; throws an
 * EventStoreError, having changed nothing, to refuse it. The rules of the SQLite adapter's appendOne, in the same
 * order, for the adapters that decide a batch in memory (PostgreSQL, KurrentDB): a replay is recognised only on the
 * way to a failure (a stale version or a stored id).
 */
export function decideAppend<TStored extends StoredEventRef>(
  request: AppendRequest,
  state: BatchDecisionState<TStored>,
  form: StoredEventForm<TStored>,
): AppendResult {
  const { streamId, events } = request;
  const first = events[0];
  const storedFirst = first === undefined ? undefined : state.stored.get(first.event.eventId);
  const current = state.versions.get(streamId) ?? 0;
  try {
    checkExpectedVersion(streamId, request.expectedVersion, current);
  } catch (error) {
    if (storedFirst !== undefined) return replayOrConflict(request, storedFirst, state, form);
    throw error;
  }
  for (const [index, { event }] of events.entries()) {
    if (!state.stored.has(event.eventId)) continue;
    if (index === 0 && storedFirst !== undefined) return replayOrConflict(request, storedFirst, state, form);
    throw new DuplicateEventId(event.eventId, streamId, 'this event id is already stored as another event');
  }
  const firstPosition = state.position + 1;
  const accepted = events.map(({ event, body }, index) =>
    form.fromRow({
      position: firstPosition + index,
      eventId: event.eventId,
      streamId,
      streamVersion: current + index + 1,
      type: event.type,
      recordedAt: state.recordedAt,
      body,
    }),
  );
  for (const event of accepted) {
    state.stored.set(event.eventId, event);
    state.accepted.push(event);
  }
  state.position += events.length;
  state.versions.set(streamId, current + events.length);
  let recorded: readonly RecordedEvent[] | undefined;
  return {
    nextExpectedVersion: current + events.length,
    positions: events.map((_, index) => firstPosition + index),
    // Built when asked for, from the bodies as stored, so the result says exactly what any later read will.
    get events() {
      recorded ??= accepted.map((event) => form.toRecorded(event));
      return recorded;
    },
    idempotentReplay: false,
  };
}

/** The first id is stored: a retry of the very same append is answered from the log, anything else is refused. */
function replayOrConflict<TStored extends StoredEventRef>(
  request: AppendRequest,
  firstStored: TStored,
  state: BatchDecisionState<TStored>,
  form: StoredEventForm<TStored>,
): AppendResult {
  if (!expectsFirstVersion(request.expectedVersion, firstStored.streamVersion)) {
    throw new DuplicateEventId(
      firstStored.eventId,
      request.streamId,
      `already stored at version ${firstStored.streamVersion}, where expected version ${String(request.expectedVersion)} would not put it`,
    );
  }
  const recorded: RecordedEvent[] = [];
  for (const [index, checked] of request.events.entries()) {
    const event = checked.event;
    const stored = state.stored.get(event.eventId);
    if (stored === undefined) {
      // Name the id that is stored: it is the one a person must look up.
      throw new DuplicateEventId(
        firstStored.eventId,
        request.streamId,
        `already stored (in ${firstStored.streamId} at version ${firstStored.streamVersion}), but event ${event.eventId} of the same append is not`,
      );
    }
    if (stored.streamId !== request.streamId || stored.streamVersion !== firstStored.streamVersion + index) {
      throw new DuplicateEventId(event.eventId, request.streamId, `already stored in ${stored.streamId} at version ${stored.streamVersion}`);
    }
    const storedEvent = form.toRecorded(stored);
    if (!sameContent(storedEvent, checked)) {
      throw new DuplicateEventId(event.eventId, request.streamId, 'already stored with other content');
    }
    recorded.push(storedEvent);
  }
  return {
    nextExpectedVersion: recorded.at(-1)?.streamVersion ?? 0,
    positions: recorded.map((event) => event.position),
    events: recorded,
    idempotentReplay: true,
  };
}
