import { isDeepStrictEqual } from 'node:util';
import type { InspectionDrawnV1, InspectionPlannedV1, InspectionResultsRecordedV1, RecordedEvent } from '@quanze/events';
import type { Principal } from '@quanze/service-kit';
import { hasRole } from '@quanze/service-kit';
import type { InspectionEvent, InspectionState } from './inspection-decider.js';
import { drawSelection, poolSha256, seedCommitment } from './inspection-draw.js';
import type { DrawnTarget } from './inspection-draw.js';

/**
 * 一公开: the plan, its commitments and the draw are public from the moment they are recorded, so anyone can
 * re-check them. Results are public once published; before that only the inspecting unit and supervision see them.
 */
export function seesUnpublishedResults(caller: Principal | null, plan: InspectionPlannedV1): boolean {
  return hasRole(caller, 'supervision') || (caller !== null && caller.unitId === plan.inspectingUnitId);
}

function isPublished(state: InspectionState, targetId: string): boolean {
  return state.stage === 'drawn' && state.publications.some((publication) => publication.targetIds.includes(targetId));
}

export interface InspectionResultView extends InspectionResultsRecordedV1 {
  readonly published: boolean;
}

export function inspectionView(state: Exclude<InspectionState, { stage: 'none' }>, seesUnpublished: boolean) {
  const results: InspectionResultView[] =
    state.stage === 'drawn'
      ? [...state.results.values()]
          .map((result) => ({ ...result, published: isPublished(state, result.targetId) }))
          .filter((result) => seesUnpublished || result.published)
      : [];
  return {
    inspectionId: state.plan.inspectionId,
    stage: state.stage,
    plan: state.plan,
    cancellation: state.stage === 'cancelled' ? state.cancellation : null,
    draw: state.stage === 'drawn' ? state.draw : null,
    results,
    publications: state.stage === 'drawn' ? state.publications : [],
  };
}

/** The history, less the results events the caller may not see yet. */
export function inspectionHistory(
  state: Exclude<InspectionState, { stage: 'none' }>,
  events: readonly (RecordedEvent & InspectionEvent)[],
  seesUnpublished: boolean,
) {
  return events
    .filter(
      (event) => seesUnpublished || event.type !== 'inspection.resultsRecorded.v1' || isPublished(state, event.data.targetId),
    )
    .map((event) => ({
      eventId: event.eventId,
      type: event.type,
      streamVersion: event.streamVersion,
      position: event.position,
      occurredAt: event.occurredAt,
      recordedAt: event.recordedAt,
      actor: event.actor,
      data: event.data,
    }));
}

export interface InspectionVerification {
  readonly inspectionId: string;
  readonly algorithm: string;
  readonly targetPoolSha256Matches: boolean;
  readonly inspectorPoolSha256Matches: boolean;
  /** null until the draw reveals the seed. */
  readonly commitmentMatches: boolean | null;
  readonly selectionMatches: boolean | null;
  readonly recomputedSelection: readonly DrawnTarget[] | null;
}

/** Runs the documented checks again over what the ledger holds, the way a citizen would with sha256sum and sort. */
export function verifyInspection(plan: InspectionPlannedV1, draw: InspectionDrawnV1 | null): InspectionVerification {
  const checks = {
    inspectionId: plan.inspectionId,
    algorithm: plan.algorithm,
    targetPoolSha256Matches: poolSha256(plan.targetPool) === plan.targetPoolSha256,
    inspectorPoolSha256Matches: poolSha256(plan.inspectorPool) === plan.inspectorPoolSha256,
  };
  if (draw === null) return { ...checks, commitmentMatches: null, selectionMatches: null, recomputedSelection: null };
  let recomputed: DrawnTarget[] | null;
  try {
    recomputed = drawSelection({
      seed: draw.seed,
      targetPool: plan.targetPool,
      inspectorPool: plan.inspectorPool,
      targetCount: plan.targetCount,
      inspectorsPerTarget: plan.inspectorsPerTarget,
      conflicts: plan.conflicts,
    });
  } catch (error) {
    // Pools that cannot supply the counts: the recorded selection cannot be the function's output.
    if (!(error instanceof RangeError)) throw error;
    recomputed = null;
  }
  return {
    ...checks,
    commitmentMatches: seedCommitment(draw.seed) === plan.seedCommitment,
    selectionMatches: recomputed !== null && isDeepStrictEqual(recomputed, draw.selection),
    recomputedSelection: recomputed,
  };
}
