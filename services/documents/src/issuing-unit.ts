import { z } from 'zod';

/**
 * What numbering needs from the organisation (services/organization owns `unit-<id>`): whether the unit exists, its
 * authority code (机关代字) now, and every code it has held, so that a number taken under an earlier code is found
 * again. Folded here by event name and field, as services meet only in events.
 */
export interface IssuingUnit {
  readonly unitId: string;
  readonly name: string;
  readonly code: string | null;
  /** Every code the unit has had, oldest first, without repeats. */
  readonly codesHeld: readonly string[];
}

const UnitRegisteredFacts = z.object({ unitId: z.string(), name: z.string(), code: z.string().nullable() });
// A rename states the code after it: the same, another, or none.
const UnitRenamedFacts = z.object({ name: z.string(), code: z.string().nullable() });

/** An event of the unit's stream, as read from the store (type and data are all that matter here). */
export interface UnitStreamEvent {
  readonly type: string;
  readonly eventId?: string;
  readonly data: unknown;
}

function nameOf(type: string): string {
  return type.slice(0, type.lastIndexOf('.'));
}

function facts<TSchema extends z.ZodType>(schema: TSchema, event: UnitStreamEvent): z.output<TSchema> {
  const parsed = schema.safeParse(event.data);
  // The catalogue validated the event when it was written: a mismatch is a change of shape this fold must learn.
  if (!parsed.success) throw new TypeError(`${event.type} ${event.eventId ?? ''} does not have the fields numbering reads: ${parsed.error.message}`);
  return parsed.data;
}

/** null when the stream holds no registration of the unit. */
export function foldIssuingUnit(events: Iterable<UnitStreamEvent>): IssuingUnit | null {
  let unit: IssuingUnit | null = null;
  for (const event of events) {
    const name = nameOf(event.type);
    if (name === 'unit.registered') {
      const registered = facts(UnitRegisteredFacts, event);
      unit = {
        unitId: registered.unitId,
        name: registered.name,
        code: registered.code,
        codesHeld: registered.code === null ? [] : [registered.code],
      };
    } else if (name === 'unit.renamed' && unit !== null) {
      const renamed = facts(UnitRenamedFacts, event);
      const before: IssuingUnit = unit;
      const codesHeld: readonly string[] =
        renamed.code === null || before.codesHeld.includes(renamed.code) ? before.codesHeld : [...before.codesHeld, renamed.code];
      unit = { ...before, name: renamed.name, code: renamed.code, codesHeld };
    }
  }
  return unit;
}
