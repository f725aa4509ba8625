import { z } from 'zod';
import {
  CalendarDate,
  CertificateScope,
  Id,
  OrganizationBasis,
  PersonName,
  PostRemovalReason,
  PostTitle,
  Text,
  UnitCode,
  UnitKind,
  UnitName,
  createEventRegistry,
  measureEvents,
  personEvents,
  unitEvents,
} from '@quanze/events';
import type { EventStore } from '@quanze/eventstore';
import { createCommandHandler } from '@quanze/service-kit';
import type { CommandMeta, CommandOutcome } from '@quanze/service-kit';
import { measureDecider } from './measure-decider.js';
import type { MeasureState } from './measure-decider.js';
import { personDecider } from './person-decider.js';
import type { PersonState, PostOccupancy } from './person-decider.js';
import { unitDecider } from './unit-decider.js';
import type { UnitState } from './unit-decider.js';

// ── Command bodies: `.strict()`, so an unknown field is a 400, and built from the events' own field schemas ──

export const RegisterUnitBody = z
  .object({
    name: UnitName,
    code: UnitCode.nullable().default(null).describe('机关代字, e.g. 尚政; null for a unit that numbers no documents'),
    kind: UnitKind,
    parentUnitId: Id.nullable().default(null),
    establishedOn: CalendarDate,
  })
  .strict();

export const RenameUnitBody = z
  .object({
    name: UnitName,
    code: UnitCode.nullable().describe('the code after the rename: the same, a new one, or null'),
    renamedOn: CalendarDate,
    basis: OrganizationBasis.describe('the reform document (机构改革方案)'),
  })
  .strict();

export const EstablishPostBody = z.object({ title: PostTitle }).strict();

export const MergeUnitBody = z
  .object({ successorUnitId: Id, mergedOn: CalendarDate, basis: OrganizationBasis })
  .strict();

export const DissolveUnitBody = z
  .object({ successorUnitId: Id.nullable().default(null), dissolvedOn: CalendarDate, basis: OrganizationBasis })
  .strict();

export const RegisterPersonBody = z.object({ name: PersonName }).strict();

export const AppointPersonBody = z
  .object({ postId: Id, unitId: Id, appointedOn: CalendarDate, basis: OrganizationBasis.describe('任职通知') })
  .strict();

export const RemovePersonBody = z
  .object({ postId: Id, removedOn: CalendarDate, reason: PostRemovalReason, basis: OrganizationBasis.describe('免职通知') })
  .strict();

export const RetirePersonBody = z
  .object({ retiredOn: CalendarDate, basis: OrganizationBasis.describe('退休审批') })
  .strict();

export const CertifyPersonBody = z
  .object({
    scope: CertificateScope,
    issuingUnitId: Id,
    validFrom: CalendarDate,
    validUntil: CalendarDate,
    number: Text(50).optional().describe('证件编号, as printed on the certificate'),
  })
  .strict();

export const RevokeCertificationBody = z.object({ revokedOn: CalendarDate, reason: Text(500) }).strict();

export const DefineMeasureBody = z
  .object({
    plan: z.object({ title: Text(300), issuedBy: Text(300).optional() }).strict(),
    section: Text(20).describe('the section numeral as the plan writes it: (一), (二)…'),
    sectionTitle: Text(300),
    number: z.number().int().positive(),
    text: Text(20_000),
  })
  .strict();

export const AssignResponsibilityBody = z
  .object({
    leadUnitIds: z.array(Id).min(1).max(100).describe('牵头单位'),
    cooperatingUnitIds: z.array(Id).max(200).default([]).describe('配合单位'),
    responsiblePersonIds: z.array(Id).max(100).default([]),
    source: z.object({ document: Text(300), clause: Text(100) }).strict(),
    effectiveFrom: CalendarDate,
    reason: Text(2000).optional().describe('why an earlier assignment is replaced; required when there is one'),
  })
  .strict();

// ── Streams and registries ───────────────────────────────────────────────────────────────────────────────────

export const unitStream = (unitId: string): string => `unit-${unitId}`;
export const personStream = (personId: string): string => `person-${personId}`;
export const measureStream = (measureId: string): string => `measure-${measureId}`;

export const unitRegistry = createEventRegistry({ events: unitEvents });
export const personRegistry = createEventRegistry({ events: personEvents });
export const measureRegistry = createEventRegistry({ events: measureEvents });

export interface OrganizationDeps {
  readonly store: EventStore;
  readonly clock?: () => Date;
}

export type OrganizationCommands = ReturnType<typeof createOrganizationCommands>;

/** Handlers: load the subject's stream, read the facts the rules need from other streams, decide, append. */
export function createOrganizationCommands(deps: OrganizationDeps) {
  const { store } = deps;
  const clock = deps.clock === undefined ? {} : { clock: deps.clock };
  const units = createCommandHandler({ store, registry: unitRegistry, decider: unitDecider, ...clock });
  const persons = createCommandHandler({ store, registry: personRegistry, decider: personDecider, ...clock });
  const measures = createCommandHandler({ store, registry: measureRegistry, decider: measureDecider, ...clock });

  const loadUnit = async (unitId: string): Promise<UnitState> => (await units.load(unitStream(unitId))).state;
  const loadPerson = async (personId: string): Promise<PersonState> => (await persons.load(personStream(personId))).state;
  const loadMeasure = async (measureId: string): Promise<MeasureState> => (await measures.load(measureStream(measureId))).state;

  /**
   * Who holds the post now, from every appointment and removal in the log. There is no read model yet (a later
   * issue), so this scans the log: linear in its length, and two appointments to one post racing in two person
   * streams can both pass. The read model of post occupancy will close both.
   */
  async function postOccupancy(postId: string): Promise<PostOccupancy> {
    const holders = new Set<string>();
    let lastVacatedOn: string | null = null;
    for await (const recorded of store.readAll()) {
      if (recorded.type !== 'person.appointed.v1' && recorded.type !== 'person.removed.v1') continue;
      const event = personRegistry.parse(recorded);
      if (event.type === 'person.appointed.v1' && event.data.postId === postId) holders.add(event.data.personId);
      if (event.type === 'person.removed.v1' && event.data.postId === postId) {
        holders.delete(event.data.personId);
        if (lastVacatedOn === null || event.data.removedOn > lastVacatedOn) lastVacatedOn = event.data.removedOn;
      }
    }
    return { holderPersonIds: [...holders], lastVacatedOn };
  }

  return {
    units,
    persons,
    measures,
    loadUnit,
    loadPerson,
    loadMeasure,

    async registerUnit(unitId: string, body: z.output<typeof RegisterUnitBody>, meta: CommandMeta): Promise<CommandOutcome> {
      const parent = body.parentUnitId === null ? null : await loadUnit(body.parentUnitId);
      return units.handle(unitStream(unitId), { type: 'RegisterUnit', unitId, ...body, facts: { parent } }, meta);
    },
    renameUnit(unitId: string, body: z.output<typeof RenameUnitBody>, meta: CommandMeta): Promise<CommandOutcome> {
      return units.handle(unitStream(unitId), { type: 'RenameUnit', unitId, ...body }, meta);
    },
    establishPost(unitId: string, postId: string, body: z.output<typeof EstablishPostBody>, meta: CommandMeta): Promise<CommandOutcome> {
      return units.handle(unitStream(unitId), { type: 'EstablishPost', unitId, postId, ...body }, meta);
    },
    async mergeUnit(unitId: string, body: z.output<typeof MergeUnitBody>, meta: CommandMeta): Promise<CommandOutcome> {
      const successor = await loadUnit(body.successorUnitId);
      return units.handle(unitStream(unitId), { type: 'MergeUnit', unitId, ...body, facts: { successor } }, meta);
    },
    async dissolveUnit(unitId: string, body: z.output<typeof DissolveUnitBody>, meta: CommandMeta): Promise<CommandOutcome> {
      const successor = body.successorUnitId === null ? null : await loadUnit(body.successorUnitId);
      return units.handle(unitStream(unitId), { type: 'DissolveUnit', unitId, ...body, facts: { successor } }, meta);
    },

    registerPerson(personId: string, body: z.output<typeof RegisterPersonBody>, meta: CommandMeta): Promise<CommandOutcome> {
      return persons.handle(personStream(personId), { type: 'RegisterPerson', personId, ...body }, meta);
    },
    async appointPerson(personId: string, body: z.output<typeof AppointPersonBody>, meta: CommandMeta): Promise<CommandOutcome> {
      const [unit, post] = await Promise.all([loadUnit(body.unitId), postOccupancy(body.postId)]);
      return persons.handle(personStream(personId), { type: 'AppointPerson', personId, ...body, facts: { unit, post } }, meta);
    },
    removePerson(personId: string, body: z.output<typeof RemovePersonBody>, meta: CommandMeta): Promise<CommandOutcome> {
      return persons.handle(personStream(personId), { type: 'RemovePerson', personId, ...body }, meta);
    },
    retirePerson(personId: string, body: z.output<typeof RetirePersonBody>, meta: CommandMeta): Promise<CommandOutcome> {
      return persons.handle(personStream(personId), { type: 'RetirePerson', personId, ...body }, meta);
    },
    async certifyPerson(
      personId: string,
      certificateId: string,
      body: z.output<typeof CertifyPersonBody>,
      meta: CommandMeta,
    ): Promise<CommandOutcome> {
      const issuingUnit = await loadUnit(body.issuingUnitId);
      return persons.handle(
        personStream(personId),
        { type: 'CertifyPerson', personId, certificateId, ...body, number: body.number ?? null, facts: { issuingUnit } },
        meta,
      );
    },
    revokeCertification(
      personId: string,
      certificateId: string,
      body: z.output<typeof RevokeCertificationBody>,
      meta: CommandMeta,
    ): Promise<CommandOutcome> {
      return persons.handle(personStream(personId), { type: 'RevokeCertification', personId, certificateId, ...body }, meta);
    },

    defineMeasure(measureId: string, body: z.output<typeof DefineMeasureBody>, meta: CommandMeta): Promise<CommandOutcome> {
      const plan = { title: body.plan.title, issuedBy: body.plan.issuedBy ?? null };
      return measures.handle(measureStream(measureId), { type: 'DefineMeasure', measureId, ...body, plan }, meta);
    },
    async assignResponsibility(
      measureId: string,
      body: z.output<typeof AssignResponsibilityBody>,
      meta: CommandMeta,
    ): Promise<CommandOutcome> {
      const unitIds = [...new Set([...body.leadUnitIds, ...body.cooperatingUnitIds])];
      const unitStates = await Promise.all(unitIds.map(async (unitId) => [unitId, await loadUnit(unitId)] as const));
      const personIds = [...new Set(body.responsiblePersonIds)];
      const personStates = await Promise.all(personIds.map(loadPerson));
      const registeredPersonIds = new Set(personIds.filter((_, index) => (personStates[index] ?? null) !== null));
      return measures.handle(
        measureStream(measureId),
        {
          type: 'AssignResponsibility',
          measureId,
          ...body,
          reason: body.reason ?? null,
          facts: { units: new Map(unitStates), registeredPersonIds },
        },
        meta,
      );
    },
  };
}
