import { isDeepStrictEqual } from 'node:util';
import type { InspectionDrawnV1, InspectionPlannedV1, InspectionResultsRecordedV1, RecordedEvent } from '@quanze/events';
import type { Principal } from '@quanze/service-kit';
import { hasRole } from '@quanze/service-kit';
import type { InspectionEvent, InspectionState } from './inspection-decider.js';
import { SEED_PATTERN, drawSelectionFor, effectiveSeedV2, poolSha256, seedCommitment } from './inspection-draw.js';
import type { DrawnTarget } from './inspection-draw.js';

/**
 * 一公开: the plan, its commitments and the draw are public from the moment they are recorded, so anyone can
 * re-check them. Results are public once published; before that only the inspecting unit and supervision see them.
 * The same two see why an officer was excluded from a target (回避 reasons can name relatives); everyone sees who
 * was excluded from which target, which re-checking the draw needs.
 */
export function seesInternals(caller: Principal | null, plan: InspectionPlannedV1): boolean {
  return hasRole(caller, 'supervision') || (caller !== null && caller.unitId === plan.inspectingUnitId);
}

/** A conflict as the public sees it: who may not inspect which target, without the reason. */
export interface PublicConflict {
  readonly personId: string;
  readonly targetId: string;
}

export type PlanView = Omit<InspectionPlannedV1, 'conflicts'> & { readonly conflicts: readonly (PublicConflict & { reason?: string })[] };

/** The plan for this caller: the conflicts' reasons only for the inspecting unit and supervision. */
export function planFor(plan: InspectionPlannedV1, seesReasons: boolean): PlanView {
  if (seesReasons) return plan;
  return { ...plan, conflicts: plan.conflicts.map(({ personId, targetId }) => ({ personId, targetId })) };
}

function isPublished(state: InspectionState, targetId: string): boolean {
  return state.stage === 'drawn' && state.publications.some((publication) => publication.targetIds.includes(targetId));
}

export interface InspectionResultView extends InspectionResultsRecordedV1 {
  readonly published: boolean;
}

/**
 * The folded inspection for a caller. `planEventId` is the recorded plan event's `eventId`, which
 * `quanze-draw-v2` mixes into the seed; it is shown so the draw can be re-checked from this view alone.
 */
export function inspectionView(state: Exclude<InspectionState, { stage: 'none' }>, planEventId: string | null, seesInternal: boolean) {
  const results: InspectionResultView[] =
    state.stage === 'drawn'
      ? [...state.results.values()]
          .map((result) => ({ ...result, published: isPublished(state, result.targetId) }))
          .filter((result) => seesInternal || result.published)
      : [];
  return {
    inspectionId: state.plan.inspectionId,
    stage: state.stage,
    planEventId,
    plan: planFor(state.plan, seesInternal),
    cancellation: state.stage === 'cancelled' ? state.cancellation : null,
    draw: state.stage === 'drawn' ? state.draw : null,
    results,
    publications: state.stage === 'drawn' ? state.publications : [],
  };
}

/** The history, less the results events the caller may not see yet and, for the public, the conflicts' reasons. */
export function inspectionHistory(
  state: Exclude<InspectionState, { stage: 'none' }>,
  events: readonly (RecordedEvent & InspectionEvent)[],
  seesInternal: boolean,
) {
  return events
    .filter(
      (event) => seesInternal || event.type !== 'inspection.resultsRecorded.v1' || isPublished(state, event.data.targetId),
    )
    .map((event) => ({
      eventId: event.eventId,
      type: event.type,
      streamVersion: event.streamVersion,
      position: event.position,
      occurredAt: event.occurredAt,
      recordedAt: event.recordedAt,
      actor: event.actor,
      data: event.type === 'inspection.planned.v1' ? planFor(event.data, seesInternal) : event.data,
    }));
}

export interface InspectionVerification {
  readonly inspectionId: string;
  readonly algorithm: string;
  /** The plan event's `eventId`, an input of `quanze-draw-v2`. */
  readonly planEventId: string | null;
  /** v2: SHA-256 of `<seed>:<planEventId>`, the seed the v1 ordering runs over; null for v1 and before the draw. */
  readonly effectiveSeed: string | null;
  readonly targetPoolSha256Matches: boolean;
  readonly inspectorPoolSha256Matches: boolean;
  /** null until the draw reveals the seed. */
  readonly commitmentMatches: boolean | null;
  readonly selectionMatches: boolean | null;
  readonly recomputedSelection: readonly DrawnTarget[] | null;
}

/**
 * Runs the documented checks again over what the ledger holds, the way a citizen would with sha256sum and sort.
 * `planEventId` is the recorded plan event's `eventId` (null only if the stream had none).
 */
export function verifyInspection(plan: InspectionPlannedV1, draw: InspectionDrawnV1 | null, planEventId: string | null): InspectionVerification {
  const checks = {
    inspectionId: plan.inspectionId,
    algorithm: plan.algorithm,
    planEventId,
    targetPoolSha256Matches: poolSha256(plan.targetPool) === plan.targetPoolSha256,
    inspectorPoolSha256Matches: poolSha256(plan.inspectorPool) === plan.inspectorPoolSha256,
  };
  if (draw === null) return { ...checks, effectiveSeed: null, commitmentMatches: null, selectionMatches: null, recomputedSelection: null };
  const effectiveSeed =
    plan.algorithm === 'quanze-draw-v2' && planEventId !== null && SEED_PATTERN.test(draw.seed) ? effectiveSeedV2(draw.seed, planEventId) : null;
  let recomputed: DrawnTarget[] | null;
  try {
    // The plan's algorithm, not the draw's: a draw claiming another version than its plan does not match.
    recomputed = drawSelectionFor(plan.algorithm, {
      seed: draw.seed,
      planEventId,
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
    effectiveSeed,
    commitmentMatches: seedCommitment(draw.seed) === plan.seedCommitment,
    selectionMatches: recomputed !== null && draw.algorithm === plan.algorithm && isDeepStrictEqual(recomputed, draw.selection),
    recomputedSelection: recomputed,
  };
}
