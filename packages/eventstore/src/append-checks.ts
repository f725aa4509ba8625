import canonicalize from 'canonicalize';
import { ProposedEvent, StreamId, toFieldIssues } from '@quanze/events';
import type { RecordedEvent } from '@quanze/events';
import type { ExpectedVersion } from './event-store.js';
import { InvalidAppend, WrongExpectedVersion } from './errors.js';

/** An event as the store will write it: the validated copy, and its body as the JSON to be stored. */
export interface CheckedEvent {
  readonly event: ProposedEvent;
  /** JSON of everything the writer gave but the id and the type, which stores keep in columns of their own. */
  readonly body: string;
}

/** What a stored body holds: the writer's part of the envelope, and the data. */
export type EventBody = Pick<ProposedEvent, 'occurredAt' | 'actor' | 'causationId' | 'correlationId' | 'commandId' | 'data'>;

/** What every store keeps beside the body: the id, the type, the event's place in its stream and in the log. */
export type EventColumns = Pick<RecordedEvent, 'eventId' | 'type' | 'streamId' | 'streamVersion' | 'position' | 'recordedAt'>;

/** The event as every adapter gives it back: its columns and its body, in the port's member order. */
export function recordedEvent(columns: EventColumns, body: EventBody): RecordedEvent {
  return {
    eventId: columns.eventId,
    type: columns.type,
    streamId: columns.streamId,
    streamVersion: columns.streamVersion,
    position: columns.position,
    occurredAt: body.occurredAt,
    recordedAt: columns.recordedAt,
    actor: body.actor,
    causationId: body.causationId,
    correlationId: body.correlationId,
    commandId: body.commandId,
    data: body.data,
  };
}

/**
 * What every adapter checks before it queues an append, so that a malformed append fails alone and at
 * once. It returns copies: what the caller does with its own objects after the call cannot change what
 * is written.
 */
export function checkAppend(
  streamId: string,
  events: readonly ProposedEvent[],
  expectedVersion: ExpectedVersion,
): CheckedEvent[] {
  const stream = StreamId.safeParse(streamId);
  if (!stream.success) throw new InvalidAppend(streamId, 'streamId', stream.error.issues[0]?.message ?? 'invalid');
  if (typeof expectedVersion === 'number' && !(Number.isSafeInteger(expectedVersion) && expectedVersion >= 0)) {
    throw new InvalidAppend(streamId, 'expectedVersion', 'a version is a whole number, 0 or more');
  }
  if (!Array.isArray(events)) throw new InvalidAppend(streamId, 'events', 'events are an array');
  const seen = new Set<string>();
  return events.map((candidate, index) => {
    const parsed = ProposedEvent.safeParse(candidate);
    if (!parsed.success) {
      const issue = toFieldIssues(parsed.error, `events.${index}`)[0];
      throw new InvalidAppend(streamId, issue?.path ?? `events.${index}`, issue?.message ?? 'invalid');
    }
    const event = parsed.data;
    if (seen.has(event.eventId)) {
      throw new InvalidAppend(streamId, `events.${index}.eventId`, `event id ${event.eventId} appears twice in one append`);
    }
    seen.add(event.eventId);
    const body: EventBody = {
      occurredAt: event.occurredAt,
      actor: event.actor,
      causationId: event.causationId,
      correlationId: event.correlationId,
      commandId: event.commandId,
      data: event.data,
    };
    return { event, body: toJson(body, streamId, index) };
  });
}

// Only the data can fail to serialise: every other field of the body was validated as strings.
function toJson(body: EventBody, streamId: string, index: number): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(body);
  } catch (error) {
    // A BigInt or a cycle: a caller's mistake, not the store's failure.
    throw new InvalidAppend(streamId, `events.${index}.data`, `data must be JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  // JSON.stringify drops data that is undefined or a function: there would be nothing to store.
  if (body.data === undefined || typeof body.data === 'function') {
    throw new InvalidAppend(streamId, `events.${index}.data`, 'data must be JSON');
  }
  return json;
}

/**
 * Whether an append whose first event would land at `firstVersion` meets the expectation: how a replay
 * is told from an append of the same ids at another place in the stream.
 */
export function expectsFirstVersion(expected: ExpectedVersion, firstVersion: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return firstVersion === 1;
  if (expected === 'stream_exists') return firstVersion > 1;
  return firstVersion === expected + 1;
}

export function checkExpectedVersion(streamId: string, expected: ExpectedVersion, actual: number): void {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && actual === 0) ||
    (expected === 'stream_exists' && actual > 0) ||
    expected === actual;
  if (!ok) throw new WrongExpectedVersion(streamId, expected, actual);
}

/** Whether a stored event is the same as a proposed one, field for field, whatever the key order of its data. */
export function sameContent(stored: RecordedEvent, { event: proposed, body }: CheckedEvent): boolean {
  return (
    stored.type === proposed.type &&
    stored.occurredAt === proposed.occurredAt &&
    stored.actor.personId === proposed.actor.personId &&
    stored.actor.postId === proposed.actor.postId &&
    stored.actor.unitId === proposed.actor.unitId &&
    stored.causationId === proposed.causationId &&
    stored.correlationId === proposed.correlationId &&
    stored.commandId === proposed.commandId &&
    canonicalize(stored.data) === canonicalize((JSON.parse(body) as EventBody).data)
  );
}
