import { randomUUID } from 'node:crypto';
import { newEventId } from '@quanze/events';
import type { ProposedEvent } from '@quanze/events';

/** A decision-ish payload: the main fields of `decision.made.v1` (重大行政决策 作出决定), with Chinese text. */
export type SampleDecision = {
  readonly decisionId: string;
  readonly title: string;
  readonly summary: string;
  readonly leadUnitId: string;
  readonly meeting: { readonly meetingId: string; readonly kind: 'standing' | 'plenary'; readonly heldOn: string };
  readonly outcome: 'adopted' | 'not-adopted';
  readonly differsFromMajority: boolean;
};

export type SampleEvent = ProposedEvent<SampleDecision, 'decision.made.v1'>;

export type EventIdKind = 'v4' | 'v7';
export type EventFactory = (sequence: number) => SampleEvent;

/**
 * Events of about 500 bytes of JSON (envelope and payload), with fresh ids on every call so no two events are
 * alike. Every peer is handed the same shape, made inside its timed loop: the cost is the same for all.
 * Event ids are random (UUIDv4) or time-ordered (UUIDv7, what `newEventId` of @quanze/events makes for our
 * services), which matters to a store that indexes them.
 */
export function createEventFactory(kind: EventIdKind): EventFactory {
  const eventId = kind === 'v7' ? newEventId : randomUUID;
  return (sequence) => sampleEvent(sequence, eventId());
}

export function sampleEvent(sequence: number, eventId: string = randomUUID()): SampleEvent {
  return {
    eventId,
    type: 'decision.made.v1',
    occurredAt: '2024-09-12T08:30:00.000Z',
    actor: { personId: 'person-0042', postId: 'post-17', unitId: 'unit-fgw' },
    causationId: null,
    correlationId: randomUUID(),
    commandId: `cmd-${sequence}`,
    data: {
      decisionId: `dec-${sequence}`,
      title: '关于调整停车收费标准的决定',
      summary: '经常务会议集体讨论，同意调整。',
      leadUnitId: 'unit-fgw',
      meeting: { meetingId: 'mtg-9', kind: 'standing', heldOn: '2024-09-12' },
      outcome: 'adopted',
      differsFromMajority: false,
    },
  };
}

/** `decision-<uuid>`: a fresh stream each time, as the tests make theirs. */
export function newStreamId(): string {
  return `decision-${randomUUID()}`;
}

/** Streams written before a timed scenario (`--prefill`), told apart from the scenario's own by their prefix. */
export const PREFILL_STREAM_PREFIX = 'decision-prefill-';

export function newPrefillStreamId(): string {
  return `${PREFILL_STREAM_PREFIX}${randomUUID()}`;
}

export function sampleEventBytes(): { envelope: number; data: number } {
  const event = sampleEvent(123_456);
  return { envelope: Buffer.byteLength(JSON.stringify(event)), data: Buffer.byteLength(JSON.stringify(event.data)) };
}
