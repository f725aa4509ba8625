import type {
  InspectionCancelledV1,
  InspectionDrawnV1,
  InspectionPlannedV1,
  InspectionResultsPublishedV1,
  InspectionResultsRecordedV1,
  inspectionEvents,
} from '@quanze/events';
import { NotPermitted, StepOutOfOrder, SubjectNotFound, chinaDateOf } from '@quanze/service-kit';
import type { DecisionContext, Decider, DomainEventOf } from '@quanze/service-kit';
import { DRAW_ALGORITHM, compareBytes, drawSelectionFor, poolSha256, seedCommitment } from './inspection-draw.js';
import {
  AlreadyPublished,
  CommitmentReused,
  ConflictOutsidePool,
  DateOutOfOrder,
  DuplicatePoolMember,
  InspectorNotCertified,
  InspectorPoolTooSmall,
  InspectorsNotAsDrawn,
  ResultsAlreadyRecorded,
  ResultsNotRecorded,
  SeedDoesNotMatchCommitment,
  TargetNotDrawn,
  TargetPoolTooSmall,
  TooFewInspectorsPerTarget,
} from './inspection-errors.js';

export type InspectionEvent = DomainEventOf<(typeof inspectionEvents)[number]>;

/**
 * 持证上岗: one enforcement certificate of a person as the organisation's events describe it (person.certified.v1
 * and person.certificationRevoked.v1). The handler gathers them; the decider judges which is valid on which day.
 */
export interface CertificateFact {
  readonly personId: string;
  readonly certificateId: string;
  readonly validFrom: string;
  /** null: no end date. */
  readonly validUntil: string | null;
  /** Invalid from this day on. */
  readonly revokedOn: string | null;
}

interface InspectionCommandBase {
  readonly inspectionId: string;
}

export interface PlanInspection extends InspectionCommandBase {
  readonly type: 'PlanInspection';
  readonly inspectingUnitId: string;
  readonly matter: { readonly itemId: string; readonly title: string };
  readonly targetPool: readonly string[];
  readonly inspectorPool: readonly string[];
  readonly targetCount: number;
  readonly inspectorsPerTarget: number;
  readonly conflicts: readonly { readonly personId: string; readonly targetId: string; readonly reason: string }[];
  readonly seedCommitment: string;
  readonly plannedDrawOn: string;
  /** Facts: the certificates of the inspector pool's members. */
  readonly certificates: readonly CertificateFact[];
  /** Fact: an earlier plan of the same unit with the same seed commitment (its inspection id), or null. */
  readonly earlierPlanWithCommitment: string | null;
}

export interface CancelInspection extends InspectionCommandBase {
  readonly type: 'CancelInspection';
  readonly reason: string;
}

export interface DrawInspection extends InspectionCommandBase {
  readonly type: 'DrawInspection';
  readonly seed: string;
  readonly witnessPersonIds: readonly string[];
  /** Facts: the certificates of the inspector pool's members, as the ledger holds them at the draw. */
  readonly certificates: readonly CertificateFact[];
  /**
   * Fact: the `eventId` the ledger gave the plan event (null when there is no plan). `quanze-draw-v2` mixes it into
   * the seed; `evolve` sees only type and data, so the handler reads it from the loaded stream.
   */
  readonly planEventId: string | null;
}

export interface RecordInspectionResults extends InspectionCommandBase {
  readonly type: 'RecordInspectionResults';
  readonly targetId: string;
  readonly inspectorIds: readonly string[];
  readonly inspectedOn: string;
  readonly concludedOn: string;
  readonly outcome: InspectionResultsRecordedV1['outcome'];
  readonly findings: string;
  readonly evidence: readonly { readonly title: string; readonly sha256: string }[];
  readonly caseId: string | null;
}

export interface PublishInspectionResults extends InspectionCommandBase {
  readonly type: 'PublishInspectionResults';
  readonly targetIds: readonly string[];
  readonly channel: InspectionResultsPublishedV1['channel'];
  readonly reference: string;
  readonly publishedOn: string;
}

export type InspectionCommand =
  | PlanInspection
  | CancelInspection
  | DrawInspection
  | RecordInspectionResults
  | PublishInspectionResults;

export type InspectionState =
  | { readonly stage: 'none' }
  | { readonly stage: 'planned'; readonly plan: InspectionPlannedV1 }
  | { readonly stage: 'cancelled'; readonly plan: InspectionPlannedV1; readonly cancellation: InspectionCancelledV1 }
  | {
      readonly stage: 'drawn';
      readonly plan: InspectionPlannedV1;
      readonly draw: InspectionDrawnV1;
      /** By target id. */
      readonly results: ReadonlyMap<string, InspectionResultsRecordedV1>;
      readonly publications: readonly InspectionResultsPublishedV1[];
    };

/** The certificate that makes a person eligible on `day`: valid that day and not revoked by then; lowest id first. */
export function certificateOn(certificates: readonly CertificateFact[], personId: string, day: string): string | null {
  const valid = certificates
    .filter(
      (certificate) =>
        certificate.personId === personId &&
        certificate.validFrom <= day &&
        (certificate.validUntil === null || day <= certificate.validUntil) &&
        (certificate.revokedOn === null || day < certificate.revokedOn),
    )
    .map((certificate) => certificate.certificateId)
    .sort(compareBytes);
  return valid[0] ?? null;
}

function certifyPool(pool: readonly string[], certificates: readonly CertificateFact[], day: string, poolField: string | null) {
  const found: { personId: string; certificateId: string }[] = [];
  const missing: { personId: string; index: number }[] = [];
  for (const [index, personId] of pool.entries()) {
    const certificateId = certificateOn(certificates, personId, day);
    if (certificateId === null) missing.push({ personId, index });
    else found.push({ personId, certificateId });
  }
  if (missing.length > 0) {
    throw new InspectorNotCertified(
      missing.map((entry) => entry.personId),
      day,
      poolField === null ? [] : missing.map((entry) => [poolField, entry.index]),
    );
  }
  return found;
}

function firstRepeat(ids: readonly string[]): { id: string; index: number } | null {
  const seen = new Set<string>();
  for (const [index, id] of ids.entries()) {
    if (seen.has(id)) return { id, index };
    seen.add(id);
  }
  return null;
}

function requireUnit(plan: { inspectingUnitId: string }, context: DecisionContext): void {
  if (context.actor.unitId !== plan.inspectingUnitId) {
    throw new NotPermitted(`only the inspecting unit ${plan.inspectingUnitId} records this inspection`);
  }
}

function plan(command: PlanInspection, state: InspectionState, context: DecisionContext): InspectionEvent[] {
  requireUnit(command, context);
  if (state.stage !== 'none') throw new StepOutOfOrder(`inspection-${command.inspectionId}`, 'plan', state.stage);

  const targetRepeat = firstRepeat(command.targetPool);
  if (targetRepeat !== null) throw new DuplicatePoolMember('targetPool', targetRepeat.id, targetRepeat.index);
  const inspectorRepeat = firstRepeat(command.inspectorPool);
  if (inspectorRepeat !== null) throw new DuplicatePoolMember('inspectorPool', inspectorRepeat.id, inspectorRepeat.index);
  if (command.inspectorsPerTarget < 2) throw new TooFewInspectorsPerTarget(command.inspectorsPerTarget);
  if (command.targetCount > command.targetPool.length) {
    throw new TargetPoolTooSmall(command.targetCount, command.targetPool.length);
  }
  if (command.inspectorsPerTarget > command.inspectorPool.length) {
    throw new InspectorPoolTooSmall(null, command.inspectorPool.length, command.inspectorsPerTarget);
  }

  const targets = new Set(command.targetPool);
  const inspectors = new Set(command.inspectorPool);
  for (const [index, conflict] of command.conflicts.entries()) {
    if (!inspectors.has(conflict.personId)) throw new ConflictOutsidePool(conflict.personId, ['conflicts', index, 'personId']);
    if (!targets.has(conflict.targetId)) throw new ConflictOutsidePool(conflict.targetId, ['conflicts', index, 'targetId']);
  }
  // Every target may be drawn, so every target must keep enough inspectors once its conflicts are left out.
  const conflictsByTarget = new Map<string, Set<string>>();
  for (const conflict of command.conflicts) {
    const persons = conflictsByTarget.get(conflict.targetId) ?? new Set<string>();
    persons.add(conflict.personId);
    conflictsByTarget.set(conflict.targetId, persons);
  }
  for (const [targetId, persons] of [...conflictsByTarget].sort(([a], [b]) => compareBytes(a, b))) {
    const eligible = inspectors.size - persons.size;
    if (eligible < command.inspectorsPerTarget) throw new InspectorPoolTooSmall(targetId, eligible, command.inspectorsPerTarget);
  }

  if (command.earlierPlanWithCommitment !== null) throw new CommitmentReused(command.earlierPlanWithCommitment);

  const today = chinaDateOf(context.now);
  if (command.plannedDrawOn < today) {
    throw new DateOutOfOrder(`the draw is planned for ${command.plannedDrawOn}, before today (${today})`, ['plannedDrawOn']);
  }
  const inspectorCertificates = certifyPool(command.inspectorPool, command.certificates, command.plannedDrawOn, 'inspectorPool');

  const targetPool = [...targets].sort(compareBytes);
  const inspectorPool = [...inspectors].sort(compareBytes);
  return [
    {
      type: 'inspection.planned.v1',
      data: {
        inspectionId: command.inspectionId,
        inspectingUnitId: command.inspectingUnitId,
        matter: { itemId: command.matter.itemId, title: command.matter.title },
        targetPool,
        targetPoolSha256: poolSha256(targetPool),
        inspectorPool,
        inspectorPoolSha256: poolSha256(inspectorPool),
        targetCount: command.targetCount,
        inspectorsPerTarget: command.inspectorsPerTarget,
        conflicts: command.conflicts.map(({ personId, targetId, reason }) => ({ personId, targetId, reason })),
        seedCommitment: command.seedCommitment,
        algorithm: DRAW_ALGORITHM,
        plannedDrawOn: command.plannedDrawOn,
        inspectorCertificates: [...inspectorCertificates].sort((a, b) => compareBytes(a.personId, b.personId)),
      },
    },
  ];
}

function cancel(command: CancelInspection, state: InspectionState, context: DecisionContext): InspectionEvent[] {
  if (state.stage === 'none') throw new SubjectNotFound(`inspection-${command.inspectionId}`);
  requireUnit(state.plan, context);
  if (state.stage !== 'planned') throw new StepOutOfOrder(`inspection-${command.inspectionId}`, 'cancel', state.stage);
  return [{ type: 'inspection.cancelled.v1', data: { inspectionId: command.inspectionId, reason: command.reason } }];
}

function draw(command: DrawInspection, state: InspectionState, context: DecisionContext): InspectionEvent[] {
  if (state.stage === 'none') throw new SubjectNotFound(`inspection-${command.inspectionId}`);
  requireUnit(state.plan, context);
  if (state.stage !== 'planned') throw new StepOutOfOrder(`inspection-${command.inspectionId}`, 'draw', state.stage);
  const { plan: planned } = state;
  if (seedCommitment(command.seed) !== planned.seedCommitment) throw new SeedDoesNotMatchCommitment(command.inspectionId);

  const drawnOn = chinaDateOf(context.now);
  // The whole pool, not only those drawn: whether a draw may happen must not depend on the seed.
  const inspectorCertificates = certifyPool(planned.inspectorPool, command.certificates, drawnOn, null);
  // The plan's own algorithm: a plan recorded under v1 is drawn by v1, so it stays re-checkable as documented.
  const selection = drawSelectionFor(planned.algorithm, {
    seed: command.seed,
    planEventId: command.planEventId,
    targetPool: planned.targetPool,
    inspectorPool: planned.inspectorPool,
    targetCount: planned.targetCount,
    inspectorsPerTarget: planned.inspectorsPerTarget,
    conflicts: planned.conflicts,
  });
  return [
    {
      type: 'inspection.drawn.v1',
      data: {
        inspectionId: command.inspectionId,
        algorithm: planned.algorithm,
        seed: command.seed,
        drawnOn,
        selection: selection.map((target) => ({ targetId: target.targetId, inspectorIds: [...target.inspectorIds] })),
        inspectorCertificates,
        witnessPersonIds: [...command.witnessPersonIds],
      },
    },
  ];
}

function drawnState(state: InspectionState, inspectionId: string, step: string, context: DecisionContext) {
  if (state.stage === 'none') throw new SubjectNotFound(`inspection-${inspectionId}`);
  requireUnit(state.plan, context);
  if (state.stage !== 'drawn') throw new StepOutOfOrder(`inspection-${inspectionId}`, step, state.stage);
  return state;
}

function recordResults(command: RecordInspectionResults, state: InspectionState, context: DecisionContext): InspectionEvent[] {
  const drawn = drawnState(state, command.inspectionId, 'record results', context);
  const target = drawn.draw.selection.find((selected) => selected.targetId === command.targetId);
  if (target === undefined) throw new TargetNotDrawn(command.targetId, ['targetId']);
  if (drawn.results.has(command.targetId)) throw new ResultsAlreadyRecorded(command.targetId);
  const named = [...new Set(command.inspectorIds)].sort(compareBytes);
  const expected = [...target.inspectorIds].sort(compareBytes);
  if (named.length !== command.inspectorIds.length || named.join(' ') !== expected.join(' ')) {
    throw new InspectorsNotAsDrawn(command.targetId, target.inspectorIds);
  }
  if (command.inspectedOn < drawn.draw.drawnOn) {
    throw new DateOutOfOrder(`inspected on ${command.inspectedOn}, before the draw on ${drawn.draw.drawnOn}`, ['inspectedOn']);
  }
  if (command.concludedOn < command.inspectedOn) {
    throw new DateOutOfOrder(`concluded on ${command.concludedOn}, before the inspection on ${command.inspectedOn}`, ['concludedOn']);
  }
  const today = chinaDateOf(context.now);
  if (command.concludedOn > today) {
    throw new DateOutOfOrder(`concluded on ${command.concludedOn}, after today (${today})`, ['concludedOn']);
  }
  return [
    {
      type: 'inspection.resultsRecorded.v1',
      data: {
        inspectionId: command.inspectionId,
        targetId: command.targetId,
        inspectorIds: [...target.inspectorIds],
        inspectedOn: command.inspectedOn,
        concludedOn: command.concludedOn,
        outcome: command.outcome,
        findings: command.findings,
        evidence: command.evidence.map(({ title, sha256 }) => ({ title, sha256 })),
        caseId: command.caseId,
      },
    },
  ];
}

function publish(command: PublishInspectionResults, state: InspectionState, context: DecisionContext): InspectionEvent[] {
  const drawn = drawnState(state, command.inspectionId, 'publish results', context);
  // A target named twice is published once; the HTTP schema refuses the repeat before it gets here.
  const targetIds = [...new Set(command.targetIds)];
  const today = chinaDateOf(context.now);
  if (command.publishedOn > today) {
    throw new DateOutOfOrder(`published on ${command.publishedOn}, after today (${today})`, ['publishedOn']);
  }
  for (const [index, targetId] of targetIds.entries()) {
    if (!drawn.draw.selection.some((selected) => selected.targetId === targetId)) {
      throw new TargetNotDrawn(targetId, ['targetIds', index]);
    }
    const result = drawn.results.get(targetId);
    if (result === undefined) throw new ResultsNotRecorded(targetId, index);
    if (command.publishedOn < result.concludedOn) {
      throw new DateOutOfOrder(`published on ${command.publishedOn}, before the results for ${targetId} (${result.concludedOn})`, [
        'publishedOn',
      ]);
    }
    const earlier = drawn.publications.some(
      (publication) => publication.channel === command.channel && publication.targetIds.includes(targetId),
    );
    if (earlier) throw new AlreadyPublished(targetId, command.channel, index);
  }
  return [
    {
      type: 'inspection.resultsPublished.v1',
      data: {
        inspectionId: command.inspectionId,
        targetIds,
        channel: command.channel,
        reference: command.reference,
        publishedOn: command.publishedOn,
      },
    },
  ];
}

/** 双随机一公开: plan (commit) → draw (reveal) → results per target → publication. Pure. */
export const inspectionDecider: Decider<InspectionCommand, InspectionState, InspectionEvent> = {
  initialState: { stage: 'none' },

  decide(command, state, context) {
    switch (command.type) {
      case 'PlanInspection':
        return plan(command, state, context);
      case 'CancelInspection':
        return cancel(command, state, context);
      case 'DrawInspection':
        return draw(command, state, context);
      case 'RecordInspectionResults':
        return recordResults(command, state, context);
      case 'PublishInspectionResults':
        return publish(command, state, context);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'inspection.planned.v1':
        return { stage: 'planned', plan: event.data };
      case 'inspection.cancelled.v1':
        return state.stage === 'none' ? state : { stage: 'cancelled', plan: state.plan, cancellation: event.data };
      case 'inspection.drawn.v1':
        return state.stage === 'none' ? state : { stage: 'drawn', plan: state.plan, draw: event.data, results: new Map(), publications: [] };
      case 'inspection.resultsRecorded.v1':
        if (state.stage !== 'drawn') return state;
        return { ...state, results: new Map([...state.results, [event.data.targetId, event.data]]) };
      case 'inspection.resultsPublished.v1':
        if (state.stage !== 'drawn') return state;
        return { ...state, publications: [...state.publications, event.data] };
    }
  },
};
