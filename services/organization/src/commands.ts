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
  postEvents,
  unitEvents,
} from '@quanze/events';
import type { RecordedEvent } from '@quanze/events';
import type { EventStore } from '@quanze/eventstore';
import { createCommandHandler } from '@quanze/service-kit';
import type { CommandMeta, CommandOutcome } from '@quanze/service-kit';
import { measureDecider } from './measure-decider.js';
import type { MeasureState } from './measure-decider.js';
import { personDecider } from './person-decider.js';
import type { CertifyingCapacity, PersonCommand, PersonState, PostOccupancy } from './person-decider.js';
import { CLAIM_OF_RETIRED_REASON, claimStatus, postDecider } from './post-decider.js';
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
/** The occupancy register of one post: who holds it, claimed with the stream's version as the expected one. */
export const postStream = (postId: string): string => `post-${postId}`;

export const unitRegistry = createEventRegistry({ events: unitEvents });
export const personRegistry = createEventRegistry({ events: personEvents });
export const measureRegistry = createEventRegistry({ events: measureEvents });
export const postRegistry = createEventRegistry({ events: postEvents });

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
  const posts = createCommandHandler({ store, registry: postRegistry, decider: postDecider, ...clock });
  const now = (): string => (deps.clock ?? (() => new Date()))().toISOString();

  const loadUnit = async (unitId: string): Promise<UnitState> => (await units.load(unitStream(unitId))).state;
  const loadPerson = async (personId: string): Promise<PersonState> => (await persons.load(personStream(personId))).state;
  const loadMeasure = async (measureId: string): Promise<MeasureState> => (await measures.load(measureStream(measureId))).state;

  /**
   * The post register's appends belong to the appointment or removal that causes them, but not to its
   * Idempotency-Key: the key names one request on one person, while one post sees many persons' requests.
   */
  const withoutKey = (meta: CommandMeta): CommandMeta => ({ ...meta, idempotency: undefined });

  /** Whether this request was already applied to the person (same Idempotency-Key, same caller). */
  function isRepeat(events: readonly RecordedEvent[], meta: CommandMeta): boolean {
    const key = meta.idempotency?.key;
    if (key === undefined) return false;
    return events.some((event) => event.commandId?.startsWith(`${key}#`) === true && event.actor.personId === meta.actor.personId);
  }

  /**
   * Brings the post register in line with its holder's record after a step that stopped half-way: a removal or
   * retirement recorded on the person whose vacancy was not recorded (vacated now, from the day of the removal),
   * or the claim of a person who retired before their appointment was recorded (withdrawn). Idempotent: each
   * append names the claim it ends, and ends nothing once that claim is gone.
   */
  async function settlePost(postId: string, meta: CommandMeta): Promise<void> {
    const { holder } = (await posts.load(postStream(postId))).state;
    if (holder === null) return;
    const person = await loadPerson(holder.personId);
    const status = claimStatus(holder, postId, person);
    if (status === 'ended') {
      const removal = person?.tenures.filter((tenure) => tenure.postId === postId).at(-1)?.removal ?? null;
      if (removal === null) return;
      const vacate = { type: 'VacatePost', postId, claimNumber: holder.claimNumber, vacatedOn: removal.on, reason: removal.reason } as const;
      await posts.handle(postStream(postId), vacate, withoutKey(meta));
    } else if (status === 'pending' && person !== null && person.retirement !== null) {
      const release = { type: 'ReleaseClaim', postId, claimNumber: holder.claimNumber, reason: CLAIM_OF_RETIRED_REASON } as const;
      await posts.handle(postStream(postId), release, withoutKey(meta));
    }
  }

  /**
   * 任职 in two appends: claim the post on its register (`post-<postId>`, with the register's version as the
   * expected one: of appointments racing for a post, one claim wins), then record the appointment on the person.
   * A crash between the two leaves the person's claim pending: the same appointment sent again finds it and
   * completes it instead of claiming the post again.
   */
  async function appointPerson(personId: string, body: z.output<typeof AppointPersonBody>, meta: CommandMeta): Promise<CommandOutcome> {
    const streamId = personStream(personId);
    const unit = await loadUnit(body.unitId);
    const appoint = (post: PostOccupancy): PersonCommand => ({ type: 'AppointPerson', personId, ...body, facts: { unit, post } });
    const person = await persons.load(streamId);
    // A repeated request answers as the first did, whoever holds the post by now.
    if (isRepeat(person.events, meta)) return persons.handle(streamId, appoint({ holderPersonIds: [], lastVacatedOn: null }), meta);

    await settlePost(body.postId, meta);
    const post = (await posts.load(postStream(body.postId))).state;
    const holder = post.holder;
    const ownClaimPending = holder?.personId === personId && claimStatus(holder, body.postId, person.state) === 'pending';
    const seen: PostOccupancy = {
      holderPersonIds: holder === null || ownClaimPending ? [] : [holder.personId],
      lastVacatedOn: post.lastVacatedOn,
    };
    // Every rule first, so that a refused appointment claims nothing.
    personDecider.decide(appoint(seen), person.state, { now: now(), actor: meta.actor });

    const claim = { type: 'OccupyPost', postId: body.postId, unitId: body.unitId, personId, occupiedOn: body.appointedOn, ownClaimPending } as const;
    await posts.handle(postStream(body.postId), claim, withoutKey(meta));
    const claimed = (await posts.load(postStream(body.postId))).state;
    try {
      return await persons.handle(streamId, appoint({ holderPersonIds: [personId], lastVacatedOn: claimed.lastVacatedOn }), meta);
    } finally {
      // Refused after the claim (the person retired meanwhile): the claim that can no longer be completed is withdrawn.
      await settlePost(body.postId, meta);
    }
  }

  return {
    units,
    persons,
    measures,
    posts,
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
    appointPerson,
    // The removal is recorded on the person first, then the post is vacated: a crash in between leaves the post
    // held by its removed holder, which the next removal, retirement or appointment touching it settles.
    async removePerson(personId: string, body: z.output<typeof RemovePersonBody>, meta: CommandMeta): Promise<CommandOutcome> {
      try {
        return await persons.handle(personStream(personId), { type: 'RemovePerson', personId, ...body }, meta);
      } finally {
        await settlePost(body.postId, meta);
      }
    },
    async retirePerson(personId: string, body: z.output<typeof RetirePersonBody>, meta: CommandMeta): Promise<CommandOutcome> {
      try {
        return await persons.handle(personStream(personId), { type: 'RetirePerson', personId, ...body }, meta);
      } finally {
        const person = await loadPerson(personId);
        for (const postId of new Set(person?.tenures.map((tenure) => tenure.postId))) await settlePost(postId, meta);
      }
    },
    async certifyPerson(
      personId: string,
      certificateId: string,
      body: z.output<typeof CertifyPersonBody>,
      recordedAs: CertifyingCapacity,
      meta: CommandMeta,
    ): Promise<CommandOutcome> {
      const issuingUnit = await loadUnit(body.issuingUnitId);
      return persons.handle(
        personStream(personId),
        { type: 'CertifyPerson', personId, certificateId, ...body, number: body.number ?? null, recordedAs, facts: { issuingUnit } },
        meta,
      );
    },
    revokeCertification(
      personId: string,
      certificateId: string,
      body: z.output<typeof RevokeCertificationBody>,
      recordedAs: CertifyingCapacity,
      meta: CommandMeta,
    ): Promise<CommandOutcome> {
      return persons.handle(personStream(personId), { type: 'RevokeCertification', personId, certificateId, ...body, recordedAs }, meta);
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
