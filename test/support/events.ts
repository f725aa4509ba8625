import { randomUUID } from 'node:crypto';
import type { Actor, ProposedEvent } from '@quanze/events';

/** The type every test event has unless a test says otherwise: valid, and in no service's catalogue. */
export const TEST_EVENT_TYPE = 'test.happened.v1';

export const testActor: Actor = { personId: 'person-test-1', postId: 'post-test-1', unitId: 'unit-test-1' };

/** A stream id no other test uses: `<category>-<uuid>`. */
export function newStreamId(category = 'test'): string {
  return `${category}-${randomUUID()}`;
}

/** A valid proposed event with a fresh id; `data` defaults to `{ n: 0 }`, any field can be overridden. */
export function proposedEvent<TData = unknown>(
  overrides: Partial<Omit<ProposedEvent<TData>, 'data'>> & { data?: TData } = {},
): ProposedEvent<TData> {
  return {
    eventId: randomUUID(),
    type: TEST_EVENT_TYPE,
    occurredAt: new Date().toISOString(),
    actor: testActor,
    causationId: null,
    correlationId: null,
    commandId: null,
    data: { n: 0 } as TData,
    ...overrides,
  };
}

/** `count` valid proposed events whose data is `{ n: first }`, `{ n: first + 1 }`, … unless `dataOf` says otherwise. */
export function proposedEvents(
  count: number,
  dataOf: (index: number) => unknown = (index) => ({ n: index }),
): ProposedEvent[] {
  return Array.from({ length: count }, (_, index) => proposedEvent({ data: dataOf(index) }));
}
