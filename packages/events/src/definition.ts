import type { z } from 'zod';
import { EVENT_TYPE_PATTERN } from './envelope.js';

export interface EventDefinition<TType extends string = string, TSchema extends z.ZodType = z.ZodType> {
  /** The full type, e.g. `decision.made.v1`. */
  readonly type: TType;
  /** `decision.made`: what every version of this event shares. */
  readonly name: string;
  readonly version: number;
  readonly schema: TSchema;
}

// The upper bound for "any definition": its defaults are the widest type and schema, not `any`.
export type AnyEventDefinition = EventDefinition;

export type EventData<TDefinition extends AnyEventDefinition> = z.output<TDefinition['schema']>;

export function defineEvent<TType extends string, TSchema extends z.ZodType>(
  type: TType,
  schema: TSchema,
): EventDefinition<TType, TSchema> {
  const match = EVENT_TYPE_PATTERN.exec(type);
  if (match === null) {
    throw new TypeError(`event type "${type}" is not <aggregate>.<pastTenseVerb>.v<N>`);
  }
  const dot = type.lastIndexOf('.');
  return { type, name: type.slice(0, dot), version: Number(type.slice(dot + 2)), schema };
}

/** Turns the data of one version into the data of the next; pure, total, and kept forever. */
export interface Upcaster<TFrom extends AnyEventDefinition = AnyEventDefinition, TTo extends AnyEventDefinition = AnyEventDefinition> {
  readonly from: TFrom;
  readonly to: TTo;
  readonly upcast: (data: EventData<TFrom>) => z.input<TTo['schema']>;
}

export function defineUpcaster<TFrom extends AnyEventDefinition, TTo extends AnyEventDefinition>(
  from: TFrom,
  to: TTo,
  upcast: (data: EventData<TFrom>) => z.input<TTo['schema']>,
): Upcaster<TFrom, TTo> {
  if (from.name !== to.name || to.version !== from.version + 1) {
    throw new TypeError(`an upcaster goes from one version to the next of the same event, not ${from.type} → ${to.type}`);
  }
  return { from, to, upcast };
}
