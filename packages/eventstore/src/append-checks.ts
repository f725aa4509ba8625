import canonicalize from 'canonicalize';
import { ProposedEvent, StreamId, toFieldIssues } from '@quanze/events';
import type { RecordedEvent } from '@quanze/events';
import type { ExpectedVersion } from './event-store.js';
import { InvalidAppend, WrongExpectedVersion } from './errors.js';

/**
 * What every adapter checks before it queues an append, so that a malformed append fails alone and at
 * once. Returns each event's data as JSON, the form every adapter stores.
 */
export function checkAppend(streamId: string, events: readonly ProposedEvent[], expectedVersion: ExpectedVersion): string[] {
  const stream = StreamId.safeParse(streamId);
  if (!stream.success) throw new InvalidAppend(streamId, 'streamId', stream.error.issues[0]?.message ?? 'invalid');
  if (typeof expectedVersion === 'number' && !(Number.isSafeInteger(expectedVersion) && expectedVersion >= 0)) {
    throw new InvalidAppend(streamId, 'expectedVersion', 'a version is a whole number, 0 or more');
  }
  const seen = new Set<string>();
  return events.map((event, index) => {
    const parsed = ProposedEvent.safeParse(event);
    if (!parsed.success) {
      const issue = toFieldIssues(parsed.error, `events.${index}`)[0];
      throw new InvalidAppend(streamId, issue?.path ?? `events.${index}`, issue?.message ?? 'invalid');
    }
    if (seen.has(event.eventId)) {
      throw new InvalidAppend(streamId, `events.${index}.eventId`, `event id ${event.eventId} appears twice in one append`);
    }
    seen.add(event.eventId);
    const json = JSON.stringify(event.data);
    // JSON.stringify answers undefined for undefined or a function: there would be nothing to store.
    if (typeof json !== 'string') throw new InvalidAppend(streamId, `events.${index}.data`, 'data must be JSON');
    return json;
  });
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
export function sameContent(stored: RecordedEvent, proposed: ProposedEvent): boolean {
  return (
    stored.type === proposed.type &&
    stored.occurredAt === proposed.occurredAt &&
    stored.actor.personId === proposed.actor.personId &&
    stored.actor.postId === proposed.actor.postId &&
    stored.actor.unitId === proposed.actor.unitId &&
    stored.causationId === proposed.causationId &&
    stored.correlationId === proposed.correlationId &&
    stored.commandId === proposed.commandId &&
    canonicalize(stored.data) === canonicalize(JSON.parse(JSON.stringify(proposed.data)))
  );
}
