import { caseEvents, createEventRegistry, ledgerRegistry } from '@quanze/events';
import type { EventStore } from '@quanze/eventstore';
import { createCommandHandler } from '@quanze/service-kit';
import type { CommandMeta, CommandOutcome, LoadedStream } from '@quanze/service-kit';
import { caseDecider } from './case-decider.js';
import type { CaseCommand, CaseEvent, CaseState, CertificateFact, PersonFacts, UnitFacts } from './case-decider.js';

export const caseRegistry = createEventRegistry({ events: caseEvents });

export function caseStreamId(caseId: string): string {
  return `case-${caseId}`;
}

/** The facts a command needs from other streams; the handler fills them in. */
type FactFields = 'persons' | 'receivingUnit' | 'targetUnit' | 'procuratorate';

type DistributiveOmit<T, TKey extends PropertyKey> = T extends unknown ? Omit<T, TKey> : never;

/** A case command as a route sends it: everything but the facts from other streams. */
export type CaseRequest = DistributiveOmit<CaseCommand, FactFields>;

/**
 * 持证上岗 facts from the organisation's `person-<personId>` stream: a person whose stream has no events is not
 * registered (null); otherwise every certificate with its validity and the first day of its revocation.
 */
export async function readPersonFacts(store: EventStore, personId: string): Promise<PersonFacts | null> {
  let registered = false;
  const certificates = new Map<string, CertificateFact>();
  for await (const recorded of store.readStream(`person-${personId}`)) {
    registered = true;
    if (!ledgerRegistry.has(recorded.type)) continue;
    const event = ledgerRegistry.parse(recorded);
    if (event.type === 'person.certified.v1') {
      certificates.set(event.data.certificateId, {
        certificateId: event.data.certificateId,
        scope: event.data.scope,
        issuingUnitId: event.data.issuingUnitId,
        validFrom: event.data.validFrom,
        validUntil: event.data.validUntil,
        revokedOn: certificates.get(event.data.certificateId)?.revokedOn ?? null,
      });
    } else if (event.type === 'person.certificationRevoked.v1') {
      const certificate = certificates.get(event.data.certificateId);
      if (certificate === undefined) continue;
      // Revoked twice: it stopped being valid on the earlier day.
      const revokedOn =
        certificate.revokedOn === null || event.data.revokedOn < certificate.revokedOn ? event.data.revokedOn : certificate.revokedOn;
      certificates.set(certificate.certificateId, { ...certificate, revokedOn });
    }
  }
  return registered ? { personId, certificates: [...certificates.values()] } : null;
}

/** A unit from its `unit-<unitId>` stream: its kind, and the day it was merged or dissolved. Null if never registered. */
export async function readUnitFacts(store: EventStore, unitId: string): Promise<UnitFacts | null> {
  let kind: string | null = null;
  let endedOn: string | null = null;
  for await (const recorded of store.readStream(`unit-${unitId}`)) {
    if (!ledgerRegistry.has(recorded.type)) continue;
    const event = ledgerRegistry.parse(recorded);
    if (event.type === 'unit.registered.v1') kind = event.data.kind;
    else if (event.type === 'unit.merged.v1') endedOn = event.data.mergedOn;
    else if (event.type === 'unit.dissolved.v1') endedOn = event.data.dissolvedOn;
  }
  return kind === null ? null : { unitId, kind, endedOn };
}

export interface CaseCommands {
  /** Gathers the facts the command needs from other streams, then loads, decides and appends. */
  handle(request: CaseRequest, meta: CommandMeta): Promise<CommandOutcome>;
  load(caseId: string): Promise<LoadedStream<CaseState, CaseEvent>>;
}

export function createCaseCommands(deps: { store: EventStore; clock?: () => Date }): CaseCommands {
  const handler = createCommandHandler({
    store: deps.store,
    registry: caseRegistry,
    decider: caseDecider,
    ...(deps.clock === undefined ? {} : { clock: deps.clock }),
  });

  /** The registered persons among `personIds`, by id, with their certificates as the ledger holds them now. */
  async function readPersons(personIds: readonly string[]): Promise<Record<string, PersonFacts>> {
    const persons: Record<string, PersonFacts> = {};
    for (const personId of new Set(personIds)) {
      const facts = await readPersonFacts(deps.store, personId);
      if (facts !== null) persons[personId] = facts;
    }
    return persons;
  }

  async function withFacts(request: CaseRequest): Promise<CaseCommand> {
    if (request.type === 'AssignOfficers') {
      return { ...request, persons: await readPersons(request.officers.map((officer) => officer.personId)) };
    }
    // 持证上岗 is judged on the day of every step an officer takes: their certificates are read again each time.
    if (request.type === 'RecordEvidence') return { ...request, persons: await readPersons([request.collectedBy]) };
    if (request.type === 'DecideCase') {
      const { state } = await handler.load(caseStreamId(request.caseId));
      const team = state.status === 'none' ? [] : state.officers.map((officer) => officer.personId);
      return { ...request, persons: await readPersons(team) };
    }
    if (request.type === 'ReportTransfer') {
      return {
        ...request,
        receivingUnit: await readUnitFacts(deps.store, request.receivingAuthority.unitId),
        persons: await readPersons(request.reportingOfficerIds),
      };
    }
    if (request.type === 'ForwardTransfer') return { ...request, targetUnit: await readUnitFacts(deps.store, request.to.unitId) };
    if (request.type === 'RequestSupervision') {
      return { ...request, procuratorate: await readUnitFacts(deps.store, request.procuratorateUnitId) };
    }
    return request;
  }

  return {
    async handle(request, meta) {
      return handler.handle(caseStreamId(request.caseId), await withFacts(request), meta);
    },
    load: (caseId) => handler.load(caseStreamId(caseId)),
  };
}
