import { createHash } from 'node:crypto';

/**
 * 双随机一公开 — the draw, as a function anyone can run again. docs/INSPECTIONS.md describes every version step by
 * step, with worked examples that `sha256sum` and `sort` reproduce; a change to anything here is a new algorithm
 * version, never an edit of an old one, or old draws stop re-checking.
 * - `quanze-draw-v1`: the selection is a function of the seed and the pools. The unit chose the seed, so it could
 *   try seeds offline until one selected what it wanted, then commit to that one.
 * - `quanze-draw-v2`: the v1 ordering over an effective seed mixing in the plan event's id, which the ledger draws
 *   when it records the plan, after the commitment is fixed: the unit cannot know it when choosing its seed.
 */
export type DrawAlgorithm = 'quanze-draw-v1' | 'quanze-draw-v2';

/** The version new plans record. Plans keep the version they recorded: v1 plans are still drawn and checked by v1. */
export const DRAW_ALGORITHM: DrawAlgorithm = 'quanze-draw-v2';

/** 64 lowercase hex characters: 256 bits from a real random source (`openssl rand -hex 32`). */
export const SEED_PATTERN = /^[0-9a-f]{64}$/;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The commitment a plan records: SHA-256 of the seed's 64 hex characters as text (`printf %s $SEED | sha256sum`). */
export function seedCommitment(seed: string): string {
  return sha256Hex(seed);
}

/**
 * The canonical form of a pool: its ids sorted by byte value (ids are ASCII: `LC_ALL=C sort`), each followed by a
 * line feed. Its SHA-256 is what `LC_ALL=C sort pool.txt | sha256sum` prints for a file of one id per line.
 */
export function canonicalPool(ids: readonly string[]): string {
  return [...ids].sort(compareBytes).map((id) => `${id}\n`).join('');
}

export function poolSha256(ids: readonly string[]): string {
  return sha256Hex(canonicalPool(ids));
}

/** A declared conflict of interest (回避): this person may not inspect this target. */
export interface DrawConflict {
  readonly personId: string;
  readonly targetId: string;
}

export interface DrawInput {
  readonly seed: string;
  readonly targetPool: readonly string[];
  readonly inspectorPool: readonly string[];
  readonly targetCount: number;
  readonly inspectorsPerTarget: number;
  readonly conflicts?: readonly DrawConflict[];
}

export interface DrawnTarget {
  readonly targetId: string;
  /** In draw order: the lowest key first. */
  readonly inspectorIds: readonly string[];
}

/** The key that places a target in the draw: SHA-256 of `<seed>:target:<targetId>`. */
export function targetKey(seed: string, targetId: string): string {
  return sha256Hex(`${seed}:target:${targetId}`);
}

/** The key that places an inspector for one target: SHA-256 of `<seed>:<targetId>:inspector:<personId>`. */
export function inspectorKey(seed: string, targetId: string, personId: string): string {
  return sha256Hex(`${seed}:${targetId}:inspector:${personId}`);
}

/**
 * The selection of `quanze-draw-v1`:
 * 1. each target's key is `targetKey(seed, id)`; targets in ascending key order (hex text, byte order); the first
 *    `targetCount` are drawn, in that order;
 * 2. for each drawn target, each inspector's key is `inspectorKey(seed, targetId, personId)`; inspectors in
 *    ascending key order, leaving out those with a declared conflict (回避) with that target; the first
 *    `inspectorsPerTarget` are drawn. Draws for different targets are independent: one person may be drawn for
 *    several targets.
 * Ties (two equal SHA-256 keys) would be broken by id, byte order; none is expected to ever happen.
 * Pools are sets: the order they are given in does not matter. Throws a RangeError when the pools cannot supply
 * the counts; the decider rejects such plans before they are recorded.
 */
export function drawSelection(input: DrawInput): DrawnTarget[] {
  const { seed, targetPool, inspectorPool, targetCount, inspectorsPerTarget } = input;
  if (!SEED_PATTERN.test(seed)) throw new RangeError('a seed is 64 lowercase hex characters');
  if (!Number.isInteger(targetCount) || targetCount < 0 || targetCount > new Set(targetPool).size) {
    throw new RangeError(`cannot draw ${targetCount} targets from a pool of ${new Set(targetPool).size}`);
  }
  if (!Number.isInteger(inspectorsPerTarget) || inspectorsPerTarget < 0) {
    throw new RangeError(`inspectorsPerTarget must be a whole number, not ${inspectorsPerTarget}`);
  }
  const conflicted = new Set((input.conflicts ?? []).map((conflict) => conflictKey(conflict.personId, conflict.targetId)));
  const targets = orderByKey(new Set(targetPool), (targetId) => targetKey(seed, targetId)).slice(0, targetCount);
  return targets.map((targetId) => {
    const eligible = [...new Set(inspectorPool)].filter((personId) => !conflicted.has(conflictKey(personId, targetId)));
    if (eligible.length < inspectorsPerTarget) {
      throw new RangeError(`target ${targetId} has ${eligible.length} eligible inspectors, ${inspectorsPerTarget} needed`);
    }
    const inspectorIds = orderByKey(eligible, (personId) => inspectorKey(seed, targetId, personId)).slice(0, inspectorsPerTarget);
    return { targetId, inspectorIds };
  });
}

/**
 * `quanze-draw-v2`'s effective seed: SHA-256 of `<seed>:<planEventId>`, where `planEventId` is the `eventId` of the
 * `inspection.planned.v1` event as the ledger recorded it (`printf '%s:%s' "$SEED" "$PLAN_EVENT_ID" | sha256sum`).
 */
export function effectiveSeedV2(seed: string, planEventId: string): string {
  if (!SEED_PATTERN.test(seed)) throw new RangeError('a seed is 64 lowercase hex characters');
  return sha256Hex(`${seed}:${planEventId}`);
}

/**
 * The selection of the plan's algorithm. v2 needs the plan event's id; v1 ignores it. Throws a RangeError as
 * `drawSelection` does, and when a v2 draw has no plan event id.
 */
export function drawSelectionFor(algorithm: DrawAlgorithm, input: DrawInput & { readonly planEventId: string | null }): DrawnTarget[] {
  if (algorithm === 'quanze-draw-v1') return drawSelection(input);
  if (input.planEventId === null) throw new RangeError('quanze-draw-v2 needs the eventId of the plan event');
  return drawSelection({ ...input, seed: effectiveSeedV2(input.seed, input.planEventId) });
}

function orderByKey(ids: Iterable<string>, keyOf: (id: string) => string): string[] {
  return [...ids]
    .map((id) => ({ id, key: keyOf(id) }))
    .sort((a, b) => compareBytes(a.key, b.key) || compareBytes(a.id, b.id))
    .map(({ id }) => id);
}

// Ids never contain a space, so the pair cannot be confused with another.
function conflictKey(personId: string, targetId: string): string {
  return `${personId} ${targetId}`;
}

/** Byte order for ASCII text, the order of `LC_ALL=C sort`; not `localeCompare`, which depends on the machine. */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
