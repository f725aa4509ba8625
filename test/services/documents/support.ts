import { randomInt, randomUUID } from 'node:crypto';
import type { Actor, ProposedEvent } from '@quanze/events';
import { formatDocumentNumber, newEventId } from '@quanze/events';
import type { EventStore } from '@quanze/eventstore';

/** Four random Chinese characters: an authority code (机关代字) no other test uses, so each test has its own registers. */
export function newAuthorityCode(): string {
  return Array.from({ length: 4 }, () => String.fromCodePoint(0x4e00 + randomInt(0x5000))).join('');
}

export function newId(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

const organizationClerk: Actor = { personId: 'person-org-clerk', postId: null, unitId: null };

function proposed(type: string, data: unknown): ProposedEvent {
  return {
    eventId: newEventId(),
    type,
    occurredAt: new Date().toISOString(),
    actor: organizationClerk,
    causationId: null,
    correlationId: null,
    commandId: null,
    data,
  };
}

/** What services/organization records when a unit is set up (unit.registered.v1), written straight to the store. */
export async function registerUnit(store: EventStore, unitId: string, code: string | null): Promise<void> {
  await store.appendToStream(
    `unit-${unitId}`,
    [proposed('unit.registered.v1', { unitId, name: `单位 ${unitId}`, code, kind: 'government', parentUnitId: null, establishedOn: '2016-01-01' })],
    { expectedVersion: 'no_stream' },
  );
}

export async function renameUnit(store: EventStore, unitId: string, code: string | null): Promise<void> {
  await store.appendToStream(
    `unit-${unitId}`,
    [proposed('unit.renamed.v1', { unitId, name: `单位 ${unitId} (更名)`, code, renamedOn: '2026-01-02', basis: '机构改革方案' })],
    { expectedVersion: 'stream_exists' },
  );
}

/**
 * The first half of a registration that crashed before the document recorded its number: the register's next
 * event, appended alone.
 */
export async function appendNumberAlone(
  store: EventStore,
  assignment: { documentId: string; issuingUnitId: string; authorityCode: string; year: number; serial: number; assignedOn: string },
  actor: Actor,
): Promise<void> {
  const { authorityCode, year, serial } = assignment;
  await store.appendToStream(
    `docnumber-${authorityCode}-${year}`,
    [
      {
        ...proposed('document.numberAssigned.v1', {
          documentId: assignment.documentId,
          issuingUnitId: assignment.issuingUnitId,
          number: { authorityCode, year, serial, formatted: formatDocumentNumber({ authorityCode, year, serial }) },
          assignedOn: assignment.assignedOn,
        }),
        actor,
      },
    ],
    { expectedVersion: serial - 1 === 0 ? 'no_stream' : serial - 1 },
  );
}
