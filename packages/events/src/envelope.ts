import { z } from 'zod';
import { Id, Instant, WELL_FORMED, isWellFormed } from './primitives.js';

/** `<aggregate>.<past-tense-verb>.v<N>`, e.g. `decision.made.v1`, `legality.reviewed.v2`. */
export const EVENT_TYPE_PATTERN = /^[a-z][a-zA-Z0-9]*\.[a-z][a-zA-Z0-9]*\.v[1-9][0-9]*$/;

export const EventType = z
  .string()
  .regex(EVENT_TYPE_PATTERN, 'an event type is <aggregate>.<pastTenseVerb>.v<N>, e.g. decision.made.v1');

/** `decision-<id>`, `docnumber-尚政规-2017`: a name, a dash, a key. Unicode is allowed in the key. */
export const StreamId = z
  .string()
  .min(3)
  .max(200)
  .regex(/^[a-z][a-z0-9]*-\S+$/u, 'a stream id is <category>-<key>, e.g. decision-42')
  .refine(isWellFormed, WELL_FORMED);

/**
 * Who did it, as they were at that moment: the person, the post they held and the unit of that post.
 * Lifelong accountability follows the person; post and unit are frozen here because people rotate (轮岗)
 * and units merge, and the record must say what was true then.
 */
export const Actor = z.object({
  personId: Id,
  postId: Id.nullable(),
  unitId: Id.nullable(),
});
export type Actor = z.infer<typeof Actor>;

export const EventId = z.uuid();

/** What a writer hands to the store: everything but the store's own fields. */
export const ProposedEvent = z.object({
  eventId: EventId,
  type: EventType,
  occurredAt: Instant.describe('when it happened in the world'),
  actor: Actor,
  causationId: EventId.nullable(),
  correlationId: EventId.nullable(),
  commandId: z.string().min(1).max(200).refine(isWellFormed, WELL_FORMED).nullable().describe('the command that produced it: the idempotency key'),
  data: z.unknown(),
});
export type ProposedEvent<TData = unknown, TType extends string = string> = Omit<
  z.infer<typeof ProposedEvent>,
  'data' | 'type'
> & { type: TType; data: TData };

/** An event as the ledger holds it: the proposed event plus where and when the store put it. */
export const RecordedEvent = ProposedEvent.extend({
  streamId: StreamId,
  streamVersion: z.number().int().positive().describe('1 for the first event of a stream'),
  position: z.number().int().positive().describe('global, gap-free order of the whole log, from 1'),
  recordedAt: Instant.describe('when the ledger learnt it'),
});
export type RecordedEvent<TData = unknown, TType extends string = string> = Omit<
  z.infer<typeof RecordedEvent>,
  'data' | 'type'
> & { type: TType; data: TData };
