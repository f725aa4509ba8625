import { v5 as uuidv5 } from 'uuid';
import { ledgerRegistry } from '@quanze/events';
import type { Actor, ProposedEvent } from '@quanze/events';
import { DuplicateEventId, WrongExpectedVersion } from '@quanze/eventstore';
import type { EventStore } from '@quanze/eventstore';
import type { ActionPlanSeeds, SeedMeasure, SeedUnit } from './seed-data.js';
import { readActionPlanSeeds } from './seed-data.js';

/**
 * The namespace of every seed event id (UUIDv5 over it and the event's stream and type). Fixed forever: the
 * ids are how a second load recognises the first.
 */
export const SEED_EVENT_NAMESPACE = '71b56f6f-f32b-499d-bbd2-eebf618ae68f';

/** Who records the seeds: no person, post or unit, the system itself. */
export const SEED_ACTOR: Actor = { personId: 'system-seed', postId: null, unitId: null };

/** A stream holds something else than the seed would put there: loading over it would mix two histories. */
export class SeedConflict extends Error {
  override readonly name = 'SeedConflict';
  constructor(
    readonly streamId: string,
    readonly foundEventId: string,
  ) {
    super(`stream ${streamId} already starts with event ${foundEventId}, which is not the seed's: not loaded over it`);
  }
}

export interface LoadActionPlanSeedsResult {
  /** Units and measures in the seed data (not only those appended now). */
  readonly units: number;
  readonly measures: number;
  /** Events appended by this load: 0 when everything was already there. */
  readonly events: number;
  readonly alreadyLoaded: boolean;
}

interface PlannedStream {
  readonly streamId: string;
  readonly events: readonly ProposedEvent[];
}

function seedEventId(streamId: string, type: string): string {
  return uuidv5(`${streamId}/${type}`, SEED_EVENT_NAMESPACE);
}

function seedEvent(streamId: string, type: string, data: unknown, occurredAt: string, causationId: string | null, correlationId: string): ProposedEvent {
  // Validated here, one by one, so that seed data the catalogue refuses fails with the type and field at fault.
  return ledgerRegistry.validateProposed({
    eventId: seedEventId(streamId, type),
    type,
    occurredAt,
    actor: SEED_ACTOR,
    causationId,
    correlationId,
    commandId: null,
    data,
  });
}

function unitStream(unit: SeedUnit, seeds: ActionPlanSeeds, occurredAt: string, correlationId: string): PlannedStream {
  const streamId = `unit-${unit.id}`;
  return {
    streamId,
    events: [
      seedEvent(
        streamId,
        'unit.registered.v1',
        {
          unitId: unit.id,
          name: unit.name,
          code: unit.code,
          kind: unit.kind,
          parentUnitId: unit.parentUnitId,
          // Founding dates are not in the plan: the ledger knows the unit from the start of the plan's period.
          establishedOn: seeds.plan.period.from,
        },
        occurredAt,
        null,
        correlationId,
      ),
    ],
  };
}

function measureStream(measure: SeedMeasure, seeds: ActionPlanSeeds, occurredAt: string, correlationId: string): PlannedStream {
  const streamId = `measure-${measure.id}`;
  const section = seeds.sections.find((candidate) => candidate.id === measure.sectionId);
  if (section === undefined) throw new TypeError(`measure ${measure.id} names section ${measure.sectionId}, which the seeds lack`);
  const defined = seedEvent(
    streamId,
    'measure.defined.v1',
    {
      measureId: measure.id,
      plan: { title: seeds.plan.title, issuedBy: seeds.plan.issuedBy.unitId },
      section: measure.section,
      sectionTitle: section.title,
      number: measure.number,
      text: measure.text,
    },
    occurredAt,
    null,
    correlationId,
  );
  const { responsibility } = measure;
  const clause =
    responsibility.statedIn === measure.clause
      ? measure.clause
      : `${measure.clause} (责任单位 as stated after ${responsibility.statedIn})`;
  const assigned = seedEvent(
    streamId,
    'responsibility.assigned.v1',
    {
      subject: { kind: 'measure', id: measure.id },
      leadUnitIds: responsibility.leadUnitIds,
      cooperatingUnitIds: responsibility.cooperatingUnitIds,
      responsiblePersonIds: [],
      source: { document: seeds.plan.heading, clause },
      effectiveFrom: seeds.plan.period.from,
    },
    occurredAt,
    defined.eventId,
    correlationId,
  );
  return { streamId, events: [defined, assigned] };
}

/** Every stream the seeds make, units first (each after its parent), then the measures in the plan's order. */
export function planActionPlanStreams(seeds: ActionPlanSeeds, occurredAt: string): PlannedStream[] {
  const correlationId = uuidv5(`plan/${seeds.plan.id}`, SEED_EVENT_NAMESPACE);
  return [
    ...seeds.units.map((unit) => unitStream(unit, seeds, occurredAt, correlationId)),
    ...seeds.measures.map((measure) => measureStream(measure, seeds, occurredAt, correlationId)),
  ];
}

async function firstEventId(store: EventStore, streamId: string): Promise<string | null> {
  for await (const event of store.readStream(streamId, { limit: 1 })) return event.eventId;
  return null;
}

/** Whether the stream already holds the seed's events; a SeedConflict when it holds anything else. */
async function isLoaded(store: EventStore, stream: PlannedStream): Promise<boolean> {
  const found = await firstEventId(store, stream.streamId);
  if (found === null) return false;
  if (found !== stream.events[0]?.eventId) throw new SeedConflict(stream.streamId, found);
  return true;
}

/** Appends the stream unless it appeared meanwhile (another load): the number of events appended. */
async function appendStream(store: EventStore, stream: PlannedStream): Promise<number> {
  try {
    await store.appendToStream(stream.streamId, stream.events, { expectedVersion: 'no_stream' });
    return stream.events.length;
  } catch (error) {
    if ((error instanceof WrongExpectedVersion || error instanceof DuplicateEventId) && (await isLoaded(store, stream))) return 0;
    throw error;
  }
}

/**
 * Appends the action plan's units and measures (seeds/data) to the ledger: per unit a `unit-<id>` stream with
 * `unit.registered.v1`; per measure a `measure-<id>` stream with `measure.defined.v1` then
 * `responsibility.assigned.v1`. Idempotent: event ids are UUIDv5 of the stream and type, each stream is
 * appended with expected version `no_stream`, and streams already holding the seed's events are skipped, so a
 * second load appends nothing (`alreadyLoaded`) and an interrupted one is completed. A stream holding other
 * events fails the load with SeedConflict before anything is appended.
 */
export async function loadActionPlanSeeds(store: EventStore, options: { now?: Date } = {}): Promise<LoadActionPlanSeedsResult> {
  const seeds = await readActionPlanSeeds();
  const streams = planActionPlanStreams(seeds, (options.now ?? new Date()).toISOString());
  const missing: PlannedStream[] = [];
  for (const stream of streams) {
    if (!(await isLoaded(store, stream))) missing.push(stream);
  }
  // Appended together: the SQLite store commits appends made in one turn in one transaction (group commit).
  const appended = await Promise.all(missing.map((stream) => appendStream(store, stream)));
  const events = appended.reduce((sum, count) => sum + count, 0);
  return { units: seeds.units.length, measures: seeds.measures.length, events, alreadyLoaded: events === 0 };
}
