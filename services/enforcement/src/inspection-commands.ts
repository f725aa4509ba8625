import { z } from 'zod';
import {
  CalendarDate,
  Id,
  InspectionOutcome,
  InspectionPublicationChannel,
  Sha256,
  Text,
  createEventRegistry,
  inspectionEvents,
  ledgerRegistry,
} from '@quanze/events';
import type { RecordedEvent } from '@quanze/events';
import type { EventStore } from '@quanze/eventstore';
import { createCommandHandler } from '@quanze/service-kit';
import type { CommandMeta, CommandOutcome } from '@quanze/service-kit';
import { inspectionDecider } from './inspection-decider.js';
import type { CertificateFact, InspectionCommand } from './inspection-decider.js';
import { SEED_PATTERN } from './inspection-draw.js';

const uniqueIds = (ids: readonly string[]) => new Set(ids).size === ids.length;

/**
 * POST /inspections — the plan. It carries the seed's commitment, never the seed: the service must not know the
 * seed before the draw, or the commitment would prove nothing. A body with a `seed` field is refused as unknown.
 */
export const PlanInspectionBody = z
  .object({
    inspectingUnitId: Id,
    matter: z.object({ itemId: Id, title: Text(300) }).strict().describe('随机抽查事项: an entry of the unit’s list'),
    targetPool: z.array(Id).min(1).max(20_000).describe('被检市场主体名录库 snapshot: market entity ids'),
    inspectorPool: z.array(Id).min(2).max(5_000).describe('执法检查人员名录库 snapshot: person ids'),
    targetCount: z.number().int().positive(),
    inspectorsPerTarget: z.number().int().positive().describe('at least 2 (行政处罚法 第42条)'),
    conflicts: z
      .array(z.object({ personId: Id, targetId: Id, reason: Text(500) }).strict())
      .max(5_000)
      .default([])
      .describe('回避: declared conflicts of interest, fixed before the seed is revealed'),
    seedCommitment: Sha256.describe('SHA-256 hex of the secret seed (printf %s "$SEED" | sha256sum)'),
    plannedDrawOn: CalendarDate,
  })
  .strict();
export type PlanInspectionBody = z.output<typeof PlanInspectionBody>;

export const CancelInspectionBody = z.object({ reason: Text(2000) }).strict();
export type CancelInspectionBody = z.output<typeof CancelInspectionBody>;

export const DrawInspectionBody = z
  .object({
    seed: z.string().regex(SEED_PATTERN, 'a seed is 64 lowercase hex characters (openssl rand -hex 32)'),
    witnessPersonIds: z.array(Id).max(20).default([]),
  })
  .strict();
export type DrawInspectionBody = z.output<typeof DrawInspectionBody>;

export const RecordInspectionResultsBody = z
  .object({
    targetId: Id,
    inspectorIds: z.array(Id).min(1).max(20),
    inspectedOn: CalendarDate,
    concludedOn: CalendarDate.describe('检查结果形成之日: publication is due within 20 working days'),
    outcome: InspectionOutcome,
    findings: Text(20_000),
    evidence: z
      .array(z.object({ title: Text(300), sha256: Sha256 }).strict())
      .max(500)
      .default([])
      .describe('全过程记录: records kept outside the ledger, fixed by SHA-256'),
    caseId: Id.nullable().default(null),
  })
  .strict();
export type RecordInspectionResultsBody = z.output<typeof RecordInspectionResultsBody>;

export const PublishInspectionResultsBody = z
  .object({
    targetIds: z.array(Id).min(1).max(20_000).refine(uniqueIds, 'each target once'),
    channel: InspectionPublicationChannel,
    reference: Text(500).describe('where it can be read: a URL, a gazette issue'),
    publishedOn: CalendarDate,
  })
  .strict();
export type PublishInspectionResultsBody = z.output<typeof PublishInspectionResultsBody>;

export const inspectionRegistry = createEventRegistry({ events: inspectionEvents });

export function inspectionStreamId(inspectionId: string): string {
  return `inspection-${inspectionId}`;
}

/**
 * 持证上岗 facts from the organisation's `person-<personId>` streams: every certificate with its validity and
 * revocation. Which one is valid on which day is the decider's judgement, not this reader's.
 */
export async function readCertificates(store: EventStore, personIds: readonly string[]): Promise<CertificateFact[]> {
  const facts: CertificateFact[] = [];
  for (const personId of new Set(personIds)) {
    const certificates = new Map<string, { validFrom: string; validUntil: string | null; revokedOn: string | null }>();
    for await (const recorded of store.readStream(`person-${personId}`)) {
      if (!ledgerRegistry.has(recorded.type)) continue;
      const event = ledgerRegistry.parse(recorded);
      if (event.type === 'person.certified.v1') {
        certificates.set(event.data.certificateId, {
          validFrom: event.data.validFrom,
          validUntil: event.data.validUntil,
          revokedOn: certificates.get(event.data.certificateId)?.revokedOn ?? null,
        });
      } else if (event.type === 'person.certificationRevoked.v1') {
        const certificate = certificates.get(event.data.certificateId);
        if (certificate === undefined) continue;
        // Two revocations of one certificate: the earlier day is when it stopped being valid.
        const revokedOn = certificate.revokedOn === null || event.data.revokedOn < certificate.revokedOn ? event.data.revokedOn : certificate.revokedOn;
        certificates.set(event.data.certificateId, { ...certificate, revokedOn });
      }
    }
    for (const [certificateId, certificate] of certificates) facts.push({ personId, certificateId, ...certificate });
  }
  return facts;
}

/**
 * The inspection id of an earlier plan of `inspectingUnitId` that committed to `commitment`, or null. A scan of the
 * whole log on every plan: acceptable while the ledger is small, to be replaced by a read model or a register
 * stream. Being a scan and not an append to a shared stream, it does not stop two plans with the same commitment
 * racing each other in the same moment; the public plans would show it.
 */
export async function findPlanWithCommitment(store: EventStore, inspectingUnitId: string, commitment: string): Promise<string | null> {
  for await (const recorded of store.readAll()) {
    if (recorded.type !== 'inspection.planned.v1' || !recorded.streamId.startsWith('inspection-')) continue;
    const event = inspectionRegistry.parse(recorded);
    if (event.type !== 'inspection.planned.v1') continue;
    if (event.data.inspectingUnitId === inspectingUnitId && event.data.seedCommitment === commitment) return event.data.inspectionId;
  }
  return null;
}

/** The `eventId` the ledger recorded for the plan: `quanze-draw-v2` mixes it into the seed. */
export function planEventIdOf(events: readonly RecordedEvent[]): string | null {
  return events.find((event) => event.type === 'inspection.planned.v1')?.eventId ?? null;
}

export interface InspectionCommands {
  plan(inspectionId: string, body: PlanInspectionBody, meta: CommandMeta): Promise<CommandOutcome>;
  cancel(inspectionId: string, body: CancelInspectionBody, meta: CommandMeta): Promise<CommandOutcome>;
  draw(inspectionId: string, body: DrawInspectionBody, meta: CommandMeta): Promise<CommandOutcome>;
  recordResults(inspectionId: string, body: RecordInspectionResultsBody, meta: CommandMeta): Promise<CommandOutcome>;
  publish(inspectionId: string, body: PublishInspectionResultsBody, meta: CommandMeta): Promise<CommandOutcome>;
}

export function createInspectionHandler(deps: { store: EventStore; clock?: () => Date }) {
  return createCommandHandler({
    store: deps.store,
    registry: inspectionRegistry,
    decider: inspectionDecider,
    ...(deps.clock === undefined ? {} : { clock: deps.clock }),
  });
}

export function createInspectionCommands(deps: { store: EventStore; clock?: () => Date }): InspectionCommands {
  const handler = createInspectionHandler(deps);
  const handle = (command: InspectionCommand, meta: CommandMeta) => handler.handle(inspectionStreamId(command.inspectionId), command, meta);

  return {
    async plan(inspectionId, body, meta) {
      const certificates = await readCertificates(deps.store, body.inspectorPool);
      const earlierPlanWithCommitment = await findPlanWithCommitment(deps.store, body.inspectingUnitId, body.seedCommitment);
      return handle({ type: 'PlanInspection', inspectionId, ...body, certificates, earlierPlanWithCommitment }, meta);
    },
    cancel: (inspectionId, body, meta) => handle({ type: 'CancelInspection', inspectionId, reason: body.reason }, meta),
    async draw(inspectionId, body, meta) {
      const { state, events } = await handler.load(inspectionStreamId(inspectionId));
      const pool = state.stage === 'none' ? [] : state.plan.inspectorPool;
      const certificates = await readCertificates(deps.store, pool);
      // The plan is the stream's first event and never changes: a re-decide after a race sees the same id.
      return handle({ type: 'DrawInspection', inspectionId, ...body, certificates, planEventId: planEventIdOf(events) }, meta);
    },
    recordResults: (inspectionId, body, meta) => handle({ type: 'RecordInspectionResults', inspectionId, ...body }, meta),
    publish: (inspectionId, body, meta) => handle({ type: 'PublishInspectionResults', inspectionId, ...body }, meta),
  };
}
