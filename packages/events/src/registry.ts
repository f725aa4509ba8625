import type { AnyEventDefinition, EventData, Upcaster } from './definition.js';
import type { ProposedEvent, RecordedEvent } from './envelope.js';
import { EventParseError, SupersededEventType, UnknownEventType, toFieldIssues } from './errors.js';

/** A recorded event of one of the current definitions, discriminated by `type`. */
export type CurrentEvent<TDefinitions extends AnyEventDefinition> = {
  [TType in TDefinitions['type']]: RecordedEvent<EventData<Extract<TDefinitions, { type: TType }>>, TType>;
}[TDefinitions['type']];

export type CurrentProposedEvent<TDefinitions extends AnyEventDefinition> = {
  [TType in TDefinitions['type']]: ProposedEvent<EventData<Extract<TDefinitions, { type: TType }>>, TType>;
}[TDefinitions['type']];

export interface EventRegistry<TDefinitions extends AnyEventDefinition> {
  /** Every type the registry can read, old versions included. */
  readonly types: readonly string[];
  readonly current: readonly TDefinitions[];
  has(type: string): boolean;
  /**
   * Validates a stored event and upcasts it to the current version of its event: readers never see an
   * old shape. Fails with `EventParseError` naming the type, the event and each bad field.
   */
  parse(event: RecordedEvent): CurrentEvent<TDefinitions>;
  /** Validates an event before it is appended: the current version only, data exactly as the schema wants it. */
  validateProposed(event: ProposedEvent): CurrentProposedEvent<TDefinitions>;
}

interface Entry {
  readonly definition: AnyEventDefinition;
  readonly next: Upcaster | undefined;
}

export function createEventRegistry<TDefinitions extends AnyEventDefinition>(options: {
  readonly events: readonly TDefinitions[];
  readonly upcasters?: readonly Upcaster[];
}): EventRegistry<TDefinitions> {
  const entries = new Map<string, Entry>();
  const currentByName = new Map<string, AnyEventDefinition>();
  for (const definition of options.events) {
    const clash = currentByName.get(definition.name);
    if (clash !== undefined) {
      throw new TypeError(`${clash.type} and ${definition.type} are both current: an event has one current version`);
    }
    currentByName.set(definition.name, definition);
    entries.set(definition.type, { definition, next: undefined });
  }
  for (const upcaster of options.upcasters ?? []) {
    if (entries.get(upcaster.from.type)?.next !== undefined) {
      throw new TypeError(`${upcaster.from.type} has two upcasters`);
    }
    if (currentByName.get(upcaster.from.name) === upcaster.from) {
      throw new TypeError(`${upcaster.from.type} is current and cannot be upcast`);
    }
    entries.set(upcaster.from.type, { definition: upcaster.from, next: upcaster });
  }
  // Every chain must end in a current definition, or reading an old event could not yield the newest shape.
  for (const { definition } of entries.values()) {
    let type = definition.type;
    for (let entry = entries.get(type); entry?.next !== undefined; entry = entries.get(type)) {
      type = entry.next.to.type;
    }
    if (currentByName.get(definition.name)?.type !== type) {
      throw new TypeError(`the upcasters of ${definition.type} end at ${type}, which is not the current version`);
    }
  }

  function lookUp(type: string, eventId: string | undefined): Entry {
    const entry = entries.get(type);
    if (entry === undefined) throw new UnknownEventType(type, eventId);
    return entry;
  }

  function validate(entry: Entry, data: unknown, type: string, eventId: string): unknown {
    const result = entry.definition.schema.safeParse(data);
    if (!result.success) throw new EventParseError(type, eventId, toFieldIssues(result.error, 'data'));
    return result.data;
  }

  return {
    types: [...entries.keys()],
    current: options.events,
    has: (type) => entries.has(type),
    parse(event) {
      let entry = lookUp(event.type, event.eventId);
      let data = validate(entry, event.data, event.type, event.eventId);
      while (entry.next !== undefined) {
        const upcaster = entry.next;
        entry = lookUp(upcaster.to.type, event.eventId);
        data = validate(entry, upcaster.upcast(data), `${upcaster.to.type} (upcast from ${event.type})`, event.eventId);
      }
      return { ...event, type: entry.definition.type, data } as CurrentEvent<TDefinitions>;
    },
    validateProposed(event) {
      const entry = lookUp(event.type, event.eventId);
      if (entry.next !== undefined) {
        throw new SupersededEventType(event.type, currentByName.get(entry.definition.name)?.type ?? '?');
      }
      const data = validate(entry, event.data, event.type, event.eventId);
      return { ...event, data } as CurrentProposedEvent<TDefinitions>;
    },
  };
}
