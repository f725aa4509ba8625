import type { UnitKind, unitEvents } from '@quanze/events';
import type { Decider, DomainEventOf } from '@quanze/service-kit';
import { SubjectNotFound } from '@quanze/service-kit';
import {
  CollectiveUnitLimit,
  DateOutOfOrder,
  NothingRenamed,
  PostAlreadyEstablished,
  UnitAlreadyRegistered,
  UnitEnded,
  UnitNotInExistence,
  UnitNotRegistered,
  UnitRefersToItself,
} from './errors.js';
import type { FieldPath } from './errors.js';

export type UnitEvent = DomainEventOf<(typeof unitEvents)[number]>;

export interface UnitNaming {
  readonly name: string;
  readonly code: string | null;
  /** The day this name took effect: the establishment or the rename. */
  readonly from: string;
  readonly basis: string | null;
}

export interface UnitEnding {
  readonly how: 'merged' | 'dissolved';
  readonly on: string;
  readonly successorUnitId: string | null;
  readonly basis: string;
}

/** A registered unit as its stream tells it. */
export interface Unit {
  readonly unitId: string;
  readonly name: string;
  readonly code: string | null;
  readonly kind: UnitKind;
  readonly parentUnitId: string | null;
  readonly establishedOn: string;
  /** Every name the unit has had, the first one first. */
  readonly names: readonly UnitNaming[];
  /** postId → title */
  readonly posts: ReadonlyMap<string, string>;
  readonly ended: UnitEnding | null;
}

/** null until `unit.registered.v1`. */
export type UnitState = Unit | null;

/**
 * Facts about other units, read by the handler from their streams (the decider does no I/O). A referenced unit
 * that was never registered is `null`.
 */
export type UnitCommand =
  | {
      readonly type: 'RegisterUnit';
      readonly unitId: string;
      readonly name: string;
      readonly code: string | null;
      readonly kind: UnitKind;
      readonly parentUnitId: string | null;
      readonly establishedOn: string;
      readonly facts: { readonly parent: UnitState };
    }
  | {
      readonly type: 'RenameUnit';
      readonly unitId: string;
      readonly name: string;
      readonly code: string | null;
      readonly renamedOn: string;
      readonly basis: string;
    }
  | { readonly type: 'EstablishPost'; readonly unitId: string; readonly postId: string; readonly title: string }
  | {
      readonly type: 'MergeUnit';
      readonly unitId: string;
      readonly successorUnitId: string;
      readonly mergedOn: string;
      readonly basis: string;
      readonly facts: { readonly successor: UnitState };
    }
  | {
      readonly type: 'DissolveUnit';
      readonly unitId: string;
      readonly successorUnitId: string | null;
      readonly dissolvedOn: string;
      readonly basis: string;
      readonly facts: { readonly successor: UnitState };
    };

/** The last day the unit's own record moved: later steps may not be dated before it. */
function lastDatedOn(unit: Unit): string {
  return unit.names.at(-1)?.from ?? unit.establishedOn;
}

/**
 * Why the unit did not exist on `date` (established later, or merged or dissolved on or before it), or null
 * when it did. Responsibility and hierarchy are facts of a day, so they are checked against that day: a history
 * recorded after the reform that ended a unit can still name it for the years it existed.
 */
export function absenceOn(unit: Unit, date: string): string | null {
  if (unit.establishedOn > date) return `was established on ${unit.establishedOn}, after ${date}`;
  if (unit.ended !== null && unit.ended.on <= date) return `${describeEnding(unit.ended)}, on or before ${date}`;
  return null;
}

/** `was merged on 2019-03-01; its successor is unit …`: what a caller needs to name the right unit instead. */
export function describeEnding(ending: UnitEnding): string {
  return `was ${ending.how} on ${ending.on}` + (ending.successorUnitId === null ? '' : `; its successor is unit ${ending.successorUnitId}`);
}

function requireRegistered(state: UnitState, unitId: string): Unit {
  if (state === null) throw new SubjectNotFound(`unit ${unitId}`);
  return state;
}

function requireLive(unit: Unit): Unit {
  if (unit.ended !== null) throw new UnitEnded(unit.unitId, unit.ended.how, unit.ended.on, unit.ended.successorUnitId);
  return unit;
}

function requireNotBefore(field: string, date: string, earliest: string, because: string): void {
  if (date < earliest) throw new DateOutOfOrder(field, date, earliest, because);
}

/**
 * The successor of a merger or dissolution: registered, not the unit itself, not itself merged or dissolved, and
 * in existence on the day it takes over. Because the merged unit is live and so must be its successor, and an
 * ended unit never changes again, no chain of successors can loop back.
 */
function checkSuccessor(unit: Unit, successorUnitId: string, successor: UnitState, on: string, dateField: string): void {
  const field: FieldPath = ['successorUnitId'];
  if (successorUnitId === unit.unitId) throw new UnitRefersToItself(unit.unitId, field);
  if (successor === null) throw new UnitNotRegistered(successorUnitId, field);
  if (successor.ended !== null) throw new UnitNotInExistence(successorUnitId, describeEnding(successor.ended), field);
  requireNotBefore(dateField, on, successor.establishedOn, `successor ${successorUnitId} was established then`);
}

/** Units: 机构 and their posts, renames and reforms. Stream `unit-<unitId>`. */
export const unitDecider: Decider<UnitCommand, UnitState, UnitEvent> = {
  initialState: null,

  decide(command, state) {
    switch (command.type) {
      case 'RegisterUnit': {
        if (state !== null) throw new UnitAlreadyRegistered(command.unitId);
        if (command.kind === 'collective' && command.code !== null) {
          throw new CollectiveUnitLimit('has no authority code (机关代字)', ['code']);
        }
        if (command.parentUnitId !== null) {
          const field: FieldPath = ['parentUnitId'];
          if (command.parentUnitId === command.unitId) throw new UnitRefersToItself(command.unitId, field);
          const parent = command.facts.parent;
          if (parent === null) throw new UnitNotRegistered(command.parentUnitId, field);
          const absence = absenceOn(parent, command.establishedOn);
          if (absence !== null) throw new UnitNotInExistence(command.parentUnitId, absence, field);
        }
        return [
          {
            type: 'unit.registered.v1',
            data: {
              unitId: command.unitId,
              name: command.name,
              code: command.code,
              kind: command.kind,
              parentUnitId: command.parentUnitId,
              establishedOn: command.establishedOn,
            },
          },
        ];
      }
      case 'RenameUnit': {
        const unit = requireLive(requireRegistered(state, command.unitId));
        if (unit.kind === 'collective' && command.code !== null) {
          throw new CollectiveUnitLimit('has no authority code (机关代字)', ['code']);
        }
        if (unit.name === command.name && unit.code === command.code) throw new NothingRenamed(unit.unitId);
        requireNotBefore('renamedOn', command.renamedOn, lastDatedOn(unit), 'the unit’s last establishment or rename');
        return [
          {
            type: 'unit.renamed.v1',
            data: {
              unitId: unit.unitId,
              name: command.name,
              code: command.code,
              renamedOn: command.renamedOn,
              basis: command.basis,
            },
          },
        ];
      }
      case 'EstablishPost': {
        const unit = requireLive(requireRegistered(state, command.unitId));
        if (unit.kind === 'collective') throw new CollectiveUnitLimit('has no posts of its own', ['title']);
        if (unit.posts.has(command.postId)) throw new PostAlreadyEstablished(command.postId);
        return [{ type: 'unit.postEstablished.v1', data: { unitId: unit.unitId, postId: command.postId, title: command.title } }];
      }
      case 'MergeUnit': {
        const unit = requireLive(requireRegistered(state, command.unitId));
        checkSuccessor(unit, command.successorUnitId, command.facts.successor, command.mergedOn, 'mergedOn');
        requireNotBefore('mergedOn', command.mergedOn, lastDatedOn(unit), 'the unit’s last establishment or rename');
        return [
          {
            type: 'unit.merged.v1',
            data: { unitId: unit.unitId, successorUnitId: command.successorUnitId, mergedOn: command.mergedOn, basis: command.basis },
          },
        ];
      }
      case 'DissolveUnit': {
        const unit = requireLive(requireRegistered(state, command.unitId));
        if (command.successorUnitId !== null) {
          checkSuccessor(unit, command.successorUnitId, command.facts.successor, command.dissolvedOn, 'dissolvedOn');
        }
        requireNotBefore('dissolvedOn', command.dissolvedOn, lastDatedOn(unit), 'the unit’s last establishment or rename');
        return [
          {
            type: 'unit.dissolved.v1',
            data: {
              unitId: unit.unitId,
              successorUnitId: command.successorUnitId,
              dissolvedOn: command.dissolvedOn,
              basis: command.basis,
            },
          },
        ];
      }
    }
  },

  evolve(state, event) {
    if (event.type === 'unit.registered.v1') {
      const data = event.data;
      return {
        unitId: data.unitId,
        name: data.name,
        code: data.code,
        kind: data.kind,
        parentUnitId: data.parentUnitId,
        establishedOn: data.establishedOn,
        names: [{ name: data.name, code: data.code, from: data.establishedOn, basis: null }],
        posts: new Map(),
        ended: null,
      };
    }
    // Streams are written by this decider, which registers a unit first; a stray event leaves the state as it was.
    if (state === null) return state;
    switch (event.type) {
      case 'unit.renamed.v1':
        return {
          ...state,
          name: event.data.name,
          code: event.data.code,
          names: [...state.names, { name: event.data.name, code: event.data.code, from: event.data.renamedOn, basis: event.data.basis }],
        };
      case 'unit.postEstablished.v1':
        return { ...state, posts: new Map([...state.posts, [event.data.postId, event.data.title]]) };
      case 'unit.merged.v1':
        return {
          ...state,
          ended: { how: 'merged', on: event.data.mergedOn, successorUnitId: event.data.successorUnitId, basis: event.data.basis },
        };
      case 'unit.dissolved.v1':
        return {
          ...state,
          ended: { how: 'dissolved', on: event.data.dissolvedOn, successorUnitId: event.data.successorUnitId, basis: event.data.basis },
        };
    }
  },
};
