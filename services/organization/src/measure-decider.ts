import type { measureEvents } from '@quanze/events';
import type { Decider, DomainEventOf } from '@quanze/service-kit';
import { SubjectNotFound } from '@quanze/service-kit';
import {
  DateOutOfOrder,
  MeasureAlreadyDefined,
  NothingToSupersede,
  PersonNotRegistered,
  SupersessionReasonRequired,
  UnitListedTwice,
  UnitNotInExistence,
  UnitNotRegistered,
} from './errors.js';
import type { FieldPath } from './errors.js';
import type { UnitState } from './unit-decider.js';
import { absenceOn } from './unit-decider.js';

export type MeasureEvent = DomainEventOf<(typeof measureEvents)[number]>;

export interface Assignment {
  readonly leadUnitIds: readonly string[];
  readonly cooperatingUnitIds: readonly string[];
  readonly responsiblePersonIds: readonly string[];
  readonly source: { readonly document: string; readonly clause: string };
  readonly effectiveFrom: string;
  /** Set when a later assignment replaced this one, with the reason recorded for it. */
  readonly superseded: { readonly reason: string } | null;
}

export interface Measure {
  readonly measureId: string;
  readonly plan: { readonly title: string; readonly issuedBy: string | null };
  readonly section: string;
  readonly sectionTitle: string;
  readonly number: number;
  readonly text: string;
  /** Every assignment in order; the last one is in force. */
  readonly assignments: readonly Assignment[];
}

/** null until `measure.defined.v1`. */
export type MeasureState = Measure | null;

export type MeasureCommand =
  | {
      readonly type: 'DefineMeasure';
      readonly measureId: string;
      readonly plan: { readonly title: string; readonly issuedBy: string | null };
      readonly section: string;
      readonly sectionTitle: string;
      readonly number: number;
      readonly text: string;
    }
  | {
      readonly type: 'AssignResponsibility';
      readonly measureId: string;
      readonly leadUnitIds: readonly string[];
      readonly cooperatingUnitIds: readonly string[];
      readonly responsiblePersonIds: readonly string[];
      readonly source: { readonly document: string; readonly clause: string };
      readonly effectiveFrom: string;
      /** Why an earlier assignment is replaced; only when there is one. */
      readonly reason: string | null;
      /** The units and persons named, as their streams tell them (null: never registered). */
      readonly facts: {
        readonly units: ReadonlyMap<string, UnitState>;
        readonly registeredPersonIds: ReadonlySet<string>;
      };
    };

export function assignmentInForce(measure: Measure): Assignment | null {
  return measure.assignments.at(-1) ?? null;
}

function checkUnits(command: Extract<MeasureCommand, { type: 'AssignResponsibility' }>): void {
  const named: { unitId: string; field: FieldPath }[] = [
    ...command.leadUnitIds.map((unitId, index) => ({ unitId, field: ['leadUnitIds', index] })),
    ...command.cooperatingUnitIds.map((unitId, index) => ({ unitId, field: ['cooperatingUnitIds', index] })),
  ];
  const seen = new Set<string>();
  for (const { unitId, field } of named) {
    if (seen.has(unitId)) throw new UnitListedTwice(unitId, field);
    seen.add(unitId);
    const unit = command.facts.units.get(unitId) ?? null;
    if (unit === null) throw new UnitNotRegistered(unitId, field);
    // Responsibility is a fact of its day: a unit that was merged by then is named by its successor.
    const absence = absenceOn(unit, command.effectiveFrom);
    if (absence !== null) throw new UnitNotInExistence(unitId, absence, field);
  }
  command.responsiblePersonIds.forEach((personId, index) => {
    if (!command.facts.registeredPersonIds.has(personId)) throw new PersonNotRegistered(personId, ['responsiblePersonIds', index]);
  });
}

/** The action plan's measures (具体措施) and who answers for each (责任单位). Stream `measure-<measureId>`. */
export const measureDecider: Decider<MeasureCommand, MeasureState, MeasureEvent> = {
  initialState: null,

  decide(command, state) {
    switch (command.type) {
      case 'DefineMeasure':
        if (state !== null) throw new MeasureAlreadyDefined(command.measureId);
        return [
          {
            type: 'measure.defined.v1',
            data: {
              measureId: command.measureId,
              plan: { title: command.plan.title, ...(command.plan.issuedBy === null ? {} : { issuedBy: command.plan.issuedBy }) },
              section: command.section,
              sectionTitle: command.sectionTitle,
              number: command.number,
              text: command.text,
            },
          },
        ];

      case 'AssignResponsibility': {
        if (state === null) throw new SubjectNotFound(`measure ${command.measureId}`);
        checkUnits(command);
        const previous = assignmentInForce(state);
        if (previous === null && command.reason !== null) throw new NothingToSupersede(state.measureId);
        if (previous !== null && command.reason === null) throw new SupersessionReasonRequired(state.measureId);
        if (previous !== null && command.effectiveFrom < previous.effectiveFrom) {
          throw new DateOutOfOrder('effectiveFrom', command.effectiveFrom, previous.effectiveFrom, 'the assignment it replaces took effect then');
        }
        const assigned: MeasureEvent = {
          type: 'responsibility.assigned.v1',
          data: {
            subject: { kind: 'measure', id: state.measureId },
            leadUnitIds: [...command.leadUnitIds],
            cooperatingUnitIds: [...command.cooperatingUnitIds],
            responsiblePersonIds: [...command.responsiblePersonIds],
            source: { ...command.source },
            effectiveFrom: command.effectiveFrom,
          },
        };
        if (previous === null || command.reason === null) return [assigned];
        return [
          {
            type: 'measure.responsibilitySuperseded.v1',
            data: { measureId: state.measureId, reason: command.reason, supersededEffectiveFrom: previous.effectiveFrom },
          },
          assigned,
        ];
      }
    }
  },

  evolve(state, event) {
    if (event.type === 'measure.defined.v1') {
      const data = event.data;
      return {
        measureId: data.measureId,
        plan: { title: data.plan.title, issuedBy: data.plan.issuedBy ?? null },
        section: data.section,
        sectionTitle: data.sectionTitle,
        number: data.number,
        text: data.text,
        assignments: [],
      };
    }
    if (state === null) return state;
    switch (event.type) {
      case 'measure.responsibilitySuperseded.v1': {
        const superseded = { reason: event.data.reason };
        return {
          ...state,
          assignments: state.assignments.map((assignment, index) =>
            index === state.assignments.length - 1 ? { ...assignment, superseded } : assignment,
          ),
        };
      }
      case 'responsibility.assigned.v1':
        return {
          ...state,
          assignments: [
            ...state.assignments,
            {
              leadUnitIds: event.data.leadUnitIds,
              cooperatingUnitIds: event.data.cooperatingUnitIds,
              responsiblePersonIds: event.data.responsiblePersonIds,
              source: event.data.source,
              effectiveFrom: event.data.effectiveFrom,
              superseded: null,
            },
          ],
        };
    }
  },
};
