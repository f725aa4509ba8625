/**
 * Which stored nodes a root or a proof needs, worked out from sizes alone (RFC 9162 §2.1). Tree sizes reach
 * past 2^32, so this file does its arithmetic with `Math.floor(x / 2)` and `x % 2`, never with JavaScript's
 * 32-bit bitwise operators.
 */

/**
 * A complete subtree of the log: level k, index i covers the 2^k leaves [i·2^k, (i+1)·2^k). Level 0 is one
 * leaf. Only complete subtrees are ever stored or asked for; a hash over an incomplete right edge is always
 * recomputed from the complete ones beneath it.
 */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** The hashes of stored complete subtrees, e.g. a table keyed by (level, index), or memory in tests. */
export interface NodeSource {
  /** One hash per id asked, in the order asked. Ids always lie inside the tree the caller is proving. */
  hashes(nodes: readonly NodeId[]): readonly Uint8Array[];
}

/** A leaf range [start, end) whose Merkle tree hash (MTH) is one element of a proof, or a root. */
export interface LeafRange {
  readonly start: number;
  readonly end: number;
}

export class InvalidTreeRequest extends Error {
  readonly code = 'integrity.invalid-tree-request';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTreeRequest';
  }
}

export function assertTreeSize(size: number, name = 'tree size'): void {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new InvalidTreeRequest(`${name} must be a whole number from 0 to 2^53 - 1, got ${String(size)}`);
  }
}

/** The k of RFC 9162 §2.1.1: the largest power of two smaller than n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function largestPowerOfTwoAtMost(n: number): { width: number; level: number } {
  let width = 1;
  let level = 0;
  while (width * 2 <= n) {
    width *= 2;
    level += 1;
  }
  return { width, level };
}

/** The complete subtrees a range is made of, largest first (the order MTH folds them in, from the right). */
export function completeSubtrees(range: LeafRange): NodeId[] {
  const nodes: NodeId[] = [];
  let start = range.start;
  while (start < range.end) {
    const { width, level } = largestPowerOfTwoAtMost(range.end - start);
    if (start % width !== 0) {
      // Every range the RFC's recursion produces starts on a multiple of its largest part; anything else would
      // be a different tree from the log's and must never be computed from stored nodes.
      throw new InvalidTreeRequest(`the range [${range.start}, ${range.end}) is not aligned on the log's subtrees`);
    }
    nodes.push({ level, index: start / width });
    start += width;
  }
  return nodes;
}

/** PATH(m, D[start:end]) of RFC 9162 §2.1.3.1, as the leaf ranges whose hashes form the path, leaf first. */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  assertTreeSize(size);
  assertTreeSize(index, 'leaf index');
  if (index >= size) throw new InvalidTreeRequest(`leaf index ${index} is not in a tree of ${size} leaves`);
  let start = 0;
  let end = size;
  let m = index;
  const upward: LeafRange[] = [];
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) {
      upward.push({ start: start + k, end });
      end = start + k;
    } else {
      upward.push({ start, end: start + k });
      start += k;
      m -= k;
    }
  }
  // The recursion appends each sibling after the deeper path, so the path runs from the leaf upward.
  return upward.reverse();
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true) of RFC 9162 §2.1.4.1, as leaf ranges. Empty when m = 0 or m = n. */
export function consistencyRanges(first: number, second: number): LeafRange[] {
  assertTreeSize(first, 'first tree size');
  assertTreeSize(second, 'second tree size');
  if (first > second) {
    throw new InvalidTreeRequest(`the first tree size ${first} is larger than the second ${second}`);
  }
  if (first === 0 || first === second) return [];
  const upward: LeafRange[] = [];
  let start = 0;
  let end = second;
  let m = first;
  let completeSoFar = true;
  for (;;) {
    const n = end - start;
    if (m === n) {
      if (!completeSoFar) upward.push({ start, end });
      break;
    }
    const k = splitPoint(n);
    if (m <= k) {
      upward.push({ start: start + k, end });
      end = start + k;
    } else {
      upward.push({ start, end: start + k });
      start += k;
      m -= k;
      completeSoFar = false;
    }
  }
  return upward.reverse();
}

/**
 * What to read and how to put it together: `nodes` are fetched in one go (one query for a database), and
 * `assemble` folds them into one hash per range.
 */
export interface TreePlan {
  readonly ranges: readonly LeafRange[];
  readonly nodes: readonly NodeId[];
  assemble(hashes: readonly Uint8Array[], fold: (left: Uint8Array, right: Uint8Array) => Uint8Array): Uint8Array[];
}

export function planRanges(ranges: readonly LeafRange[]): TreePlan {
  const parts = ranges.map(completeSubtrees);
  return {
    ranges,
    nodes: parts.flat(),
    assemble(hashes, fold) {
      const expected = parts.reduce((sum, part) => sum + part.length, 0);
      if (hashes.length !== expected) {
        throw new InvalidTreeRequest(`the node source gave ${hashes.length} hashes for ${expected} nodes`);
      }
      let offset = 0;
      return parts.map((part) => {
        const own = hashes.slice(offset, offset + part.length);
        offset += part.length;
        return foldRight(own, fold);
      });
    },
  };
}

/** MTH over consecutive complete subtrees, largest first: hash(P1, hash(P2, … hash(Pn-1, Pn))). */
function foldRight(hashes: readonly Uint8Array[], fold: (left: Uint8Array, right: Uint8Array) => Uint8Array): Uint8Array {
  let result = hashes[hashes.length - 1];
  if (result === undefined) throw new InvalidTreeRequest('an empty leaf range has no hash');
  for (let i = hashes.length - 2; i >= 0; i--) result = fold(hashes[i] as Uint8Array, result);
  return result;
}
