import { expect } from 'chai';
import type { Actor } from '@quanze/events';
import type { Decider, DecisionContext, DomainError, DomainEvent } from '@quanze/service-kit';

export const deciderActor: Actor = { personId: 'person-spec', postId: 'post-spec', unitId: 'unit-spec' };
export const deciderNow = '2026-03-02T09:00:00.000Z';

type ErrorClass = abstract new (...args: never[]) => DomainError;

/**
 * `given(decider, [events]).when(command).then([events])` or `.thenThrows(ErrorClass)`: a rule as a sentence.
 * `when` takes an optional context (the moment, who acts); `then` compares events exactly, data included.
 */
export function given<TCommand, TState, TEvent extends DomainEvent>(
  decider: Decider<TCommand, TState, TEvent>,
  history: readonly TEvent[] = [],
) {
  const state = history.reduce((current, event) => decider.evolve(current, event), decider.initialState);
  return {
    state,
    when(command: TCommand, context: Partial<DecisionContext> = {}) {
      const fullContext: DecisionContext = { now: deciderNow, actor: deciderActor, ...context };
      const decide = () => decider.decide(command, state, fullContext);
      return {
        then(expected: readonly TEvent[]): readonly TEvent[] {
          const events = decide();
          expect(events).to.deep.equal(expected);
          return events;
        },
        /** Passes when the command produces events of these types in this order; for events with generated parts. */
        thenTypes(...types: readonly TEvent['type'][]): readonly TEvent[] {
          const events = decide();
          expect(events.map((event) => event.type)).to.deep.equal(types);
          return events;
        },
        thenThrows<TError extends ErrorClass>(errorClass: TError, properties: Partial<InstanceType<TError>> = {}): InstanceType<TError> {
          let thrown: unknown;
          try {
            decide();
          } catch (error) {
            thrown = error;
          }
          expect(thrown, `expected ${errorClass.name}`).to.be.instanceOf(errorClass);
          expect(thrown).to.deep.include(properties);
          return thrown as InstanceType<TError>;
        },
      };
    },
  };
}
