import { chinaDateOf } from '@quanze/service-kit';
import type { DocumentNumberAssignedV1, documentNumberRegisterEvents } from '@quanze/events';
import { formatDocumentNumber } from '@quanze/events';
import type { Decider, DomainEventOf } from '@quanze/service-kit';
import { yearOf } from './dates.js';
import { DateOutOfOrder } from './errors.js';

/**
 * 登记簿: one register per authority code (机关代字) and year, the stream `docnumber-<authorityCode>-<year>`. It alone
 * owns the sequence: its n-th event gives serial n, appended with the register's version as the expected one, so
 * two writers can neither take the same serial nor skip one. A document holds at most one number in a register.
 */
export type NumberRegisterEvent = DomainEventOf<(typeof documentNumberRegisterEvents)[number]>;

export interface NumberRegisterState {
  /** In serial order: assignments[i] holds serial i + 1. */
  readonly assignments: readonly DocumentNumberAssignedV1[];
}

export interface AssignNumber {
  readonly kind: 'assign';
  readonly documentId: string;
  readonly issuingUnitId: string;
  readonly authorityCode: string;
  readonly year: number;
}

export function numberRegisterStreamId(authorityCode: string, year: number): string {
  return `docnumber-${authorityCode}-${year}`;
}

export function assignmentOf(state: NumberRegisterState, documentId: string): DocumentNumberAssignedV1 | undefined {
  return state.assignments.find((assignment) => assignment.documentId === documentId);
}

export const numberRegisterDecider: Decider<AssignNumber, NumberRegisterState, NumberRegisterEvent> = {
  initialState: { assignments: [] },
  decide(command, state, { now }) {
    // A document that already holds a number here keeps it: a repeated or recovering registration takes no other.
    if (assignmentOf(state, command.documentId) !== undefined) return [];
    const assignedOn = chinaDateOf(now);
    if (yearOf(assignedOn) !== command.year) {
      throw new DateOutOfOrder(`a number of ${command.year} cannot be assigned on ${assignedOn}: the year is the registration's`, ['year']);
    }
    const serial = state.assignments.length + 1;
    const { authorityCode, year } = command;
    return [
      {
        type: 'document.numberAssigned.v1',
        data: {
          documentId: command.documentId,
          issuingUnitId: command.issuingUnitId,
          number: { authorityCode, year, serial, formatted: formatDocumentNumber({ authorityCode, year, serial }) },
          assignedOn,
        },
      },
    ];
  },
  // The register holds one kind of event; a second kind will need a switch here.
  evolve: (state, event) => ({ assignments: [...state.assignments, event.data] }),
};
