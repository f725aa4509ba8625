import type { Actor, AnyEventDefinition, EventData } from '@quanze/events';

/** An event as a decider sees it: what happened, without the store's envelope. */
export interface DomainEvent<TType extends string = string, TData = unknown> {
  readonly type: TType;
  readonly data: TData;
}

/** The union of `{ type, data }` of the given event definitions, discriminated by `type`. */
export type DomainEventOf<TDefinitions extends AnyEventDefinition> = {
  [TType in TDefinitions['type']]: DomainEvent<TType, EventData<Extract<TDefinitions, { type: TType }>>>;
}[TDefinitions['type']];

/**
 * What a decision may depend on besides the command and the state: the moment and who acts.
 * Passed in, so that deciders need no clock and tests no mocks.
 */
export interface DecisionContext {
  /** ISO instant, UTC. */
  readonly now: string;
  readonly actor: Actor;
}

/**
 * A domain's rules as two pure functions. `decide` returns the events a command produces (none when it changes
 * nothing) or throws a `DomainError`; `evolve` folds one event into the state. Neither does I/O.
 */
export interface Decider<TCommand, TState, TEvent extends DomainEvent> {
  readonly initialState: TState;
  decide(command: TCommand, state: TState, context: DecisionContext): readonly TEvent[];
  evolve(state: TState, event: TEvent): TState;
}

export function fold<TState, TEvent extends DomainEvent>(
  decider: Pick<Decider<unknown, TState, TEvent>, 'initialState' | 'evolve'>,
  events: Iterable<TEvent>,
): TState {
  let state = decider.initialState;
  for (const event of events) state = decider.evolve(state, event);
  return state;
}
