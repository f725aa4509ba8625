import { createHash } from 'node:crypto';

/**
 * RFC 9162 §2.1 written as the RFC writes it: recursion over the list of leaves, every hash recomputed, nothing
 * stored. Deliberately independent of @quanze/integrity (its own SHA-256 calls), so the package's stored-node
 * proofs can be checked against it.
 */
function sha256(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

export function naiveLeaf(entry: Uint8Array): Uint8Array {
  return sha256(Uint8Array.of(0), entry);
}

export function naiveNode(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(Uint8Array.of(1), left, right);
}

function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH over leaf hashes (the leaves are already hashed, so MTH of one leaf is that hash). */
export function naiveRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return leaves[0] as Uint8Array;
  const k = split(leaves.length);
  return naiveNode(naiveRoot(leaves.slice(0, k)), naiveRoot(leaves.slice(k)));
}

/** PATH(m, D[n]), RFC 9162 §2.1.3.1. */
export function naivePath(m: number, leaves: readonly Uint8Array[]): Uint8Array[] {
  if (leaves.length <= 1) return [];
  const k = split(leaves.length);
  return m < k
    ? [...naivePath(m, leaves.slice(0, k)), naiveRoot(leaves.slice(k))]
    : [...naivePath(m - k, leaves.slice(k)), naiveRoot(leaves.slice(0, k))];
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true), RFC 9162 §2.1.4.1. */
export function naiveConsistency(m: number, leaves: readonly Uint8Array[]): Uint8Array[] {
  if (m === 0 || m === leaves.length) return [];
  return subproof(m, leaves, true);
}

function subproof(m: number, leaves: readonly Uint8Array[], complete: boolean): Uint8Array[] {
  const n = leaves.length;
  if (m === n) return complete ? [] : [naiveRoot(leaves)];
  const k = split(n);
  return m <= k
    ? [...subproof(m, leaves.slice(0, k), complete), naiveRoot(leaves.slice(k))]
    : [...subproof(m - k, leaves.slice(k), false), naiveRoot(leaves.slice(0, k))];
}

/**
 * The same recursions for a log whose leaves are all one hash: every subtree's hash then depends on its size
 * alone, so trees of millions or 2^53 - 1 leaves can be checked in microseconds.
 */
export function uniformTree(leaf: Uint8Array) {
  const roots = new Map<number, Uint8Array>([[1, leaf]]);
  const root = (n: number): Uint8Array => {
    const known = roots.get(n);
    if (known !== undefined) return known;
    const k = split(n);
    const hash = naiveNode(root(k), root(n - k));
    roots.set(n, hash);
    return hash;
  };
  const path = (m: number, n: number): Uint8Array[] => {
    if (n <= 1) return [];
    const k = split(n);
    return m < k ? [...path(m, k), root(n - k)] : [...path(m - k, n - k), root(k)];
  };
  const sub = (m: number, n: number, complete: boolean): Uint8Array[] => {
    if (m === n) return complete ? [] : [root(n)];
    const k = split(n);
    return m <= k ? [...sub(m, k, complete), root(n - k)] : [...sub(m - k, n - k, false), root(k)];
  };
  return { root, path, consistency: (m: number, n: number) => (m === 0 || m === n ? [] : sub(m, n, true)) };
}
