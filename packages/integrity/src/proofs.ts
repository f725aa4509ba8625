import { EMPTY_ROOT, HASH_SIZE, equalBytes, nodeHash } from './hashing.js';
import {
  assertTreeSize,
  consistencyRanges,
  inclusionRanges,
  planRanges,
  type NodeSource,
  type TreePlan,
} from './tree-plan.js';

/** A proof, a root or a size did not check out; `reason` says which step failed, for a person to read. */
export class InvalidProof extends Error {
  readonly code = 'integrity.invalid-proof';
  constructor(readonly reason: string) {
    super(`the proof does not verify: ${reason}`);
    this.name = 'InvalidProof';
  }
}

/** The stored nodes that make up the root of the first `size` leaves (nothing for the empty tree). */
export function planRoot(size: number): TreePlan {
  assertTreeSize(size);
  return planRanges(size === 0 ? [] : [{ start: 0, end: size }]);
}

/** The stored nodes of RFC 9162 §2.1.3.1's inclusion path for leaf `index` in the tree of `size` leaves. */
export function planInclusion(index: number, size: number): TreePlan {
  return planRanges(inclusionRanges(index, size));
}

/** The stored nodes of RFC 9162 §2.1.4.1's consistency proof from tree size `first` to `second`. */
export function planConsistency(first: number, second: number): TreePlan {
  return planRanges(consistencyRanges(first, second));
}

/** MTH(D[0:size]) from stored complete subtrees: at most log2(size) + 1 reads, whatever the size. */
export function rootFrom(source: NodeSource, size: number): Uint8Array {
  const plan = planRoot(size);
  // A copy of the constant, so that a caller writing into the result cannot change the empty root for everyone.
  return plan.assemble(source.hashes(plan.nodes), nodeHash)[0] ?? new Uint8Array(EMPTY_ROOT);
}

export function inclusionProof(source: NodeSource, index: number, size: number): Uint8Array[] {
  const plan = planInclusion(index, size);
  return plan.assemble(source.hashes(plan.nodes), nodeHash);
}

export function consistencyProof(source: NodeSource, first: number, second: number): Uint8Array[] {
  const plan = planConsistency(first, second);
  return plan.assemble(source.hashes(plan.nodes), nodeHash);
}

/**
 * RFC 9162 §2.1.3.2: the root that `proof` leads to from the leaf hash at `index` in a tree of `size`
 * leaves. Throws when the index is outside the tree, a hash is not 32 bytes, or the proof has a hash too many
 * or too few for that index and size.
 */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array {
  requireSize(index, 'leaf index');
  requireSize(size, 'tree size');
  if (index >= size) throw new InvalidProof(`leaf index ${index} is not in a tree of ${size} leaves`);
  requireHash(leafHash, 'the leaf hash');
  proof.forEach((hash, i) => {
    requireHash(hash, `proof hash ${i}`);
  });
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) throw new InvalidProof('the inclusion proof has more hashes than the path to the root');
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new InvalidProof('the inclusion proof has fewer hashes than the path to the root');
  return r;
}

/** RFC 9162 §2.1.3.2: does `proof` show the leaf hash at `index` to be in the tree of `size` leaves with `root`? */
export function verifyInclusion(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  requireHash(root, 'the root hash');
  const computed = rootFromInclusionProof(index, size, leafHash, proof);
  if (!equalBytes(computed, root)) throw new InvalidProof('the inclusion proof leads to another root');
}

/**
 * RFC 9162 §2.1.4.2: does `proof` show the tree of `first` leaves with `firstRoot` to be a prefix of the tree
 * of `second` leaves with `secondRoot`? A first size larger than the second is refused outright (a log can
 * never shrink), and every hash of the proof must be used, no more and no fewer.
 */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  proof: readonly Uint8Array[],
): void {
  requireSize(first, 'first tree size');
  requireSize(second, 'second tree size');
  if (first > second) throw new InvalidProof(`the first tree size ${first} is larger than the second ${second}`);
  requireHash(firstRoot, 'the first root hash');
  requireHash(secondRoot, 'the second root hash');
  proof.forEach((hash, i) => {
    requireHash(hash, `proof hash ${i}`);
  });

  if (first === second) {
    if (proof.length !== 0) throw new InvalidProof('a proof between equal sizes must be empty');
    if (!equalBytes(firstRoot, secondRoot)) throw new InvalidProof('two roots of the same size differ');
    return;
  }
  if (first === 0) {
    // Every tree extends the empty one; its root is still checked, so a forged "empty" head is not waved through.
    if (proof.length !== 0) throw new InvalidProof('a proof from the empty tree must be empty');
    if (!equalBytes(firstRoot, EMPTY_ROOT)) throw new InvalidProof('the root of the empty tree is not SHA-256("")');
    return;
  }
  if (proof.length === 0) throw new InvalidProof('the consistency proof is empty');

  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0] as Uint8Array;
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) throw new InvalidProof('the consistency proof has more hashes than the trees need');
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new InvalidProof('the consistency proof has fewer hashes than the trees need');
  if (!equalBytes(fr, firstRoot)) throw new InvalidProof('the consistency proof does not lead to the first root');
  if (!equalBytes(sr, secondRoot)) throw new InvalidProof('the consistency proof does not lead to the second root');
}

function half(n: number): number {
  return Math.floor(n / 2);
}

function isPowerOfTwo(n: number): boolean {
  let p = 1;
  while (p < n) p *= 2;
  return p === n;
}

function requireSize(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidProof(`${name} must be a whole number from 0 to 2^53 - 1, got ${String(value)}`);
  }
}

function requireHash(hash: Uint8Array, name: string): void {
  if (hash.length !== HASH_SIZE) throw new InvalidProof(`${name} has ${hash.length} bytes, not ${HASH_SIZE}`);
}
