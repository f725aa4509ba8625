import type { NodeId } from './tree-plan.js';
import type { TreeNode } from './frontier.js';
import { planConsistency, planInclusion, planRoot } from './proofs.js';
import { EMPTY_ROOT, nodeHash } from './hashing.js';

/** A signed tree head as the log keeps it: the size and root it states, its signed note, and when it was made. */
export interface StoredCheckpoint {
  /** Increasing with every checkpoint stored; several checkpoints may state one size (e.g. after a key rotation). */
  readonly id: number;
  readonly size: number;
  readonly rootHash: Uint8Array;
  /** The C2SP signed note, verbatim. */
  readonly note: string;
  /** ISO 8601 UTC. */
  readonly createdAt: string;
  /**
   * Witness cosignature lines gathered for it so far (`— <witness> <base64>`, without the newline), in the order they
   * were added; `cosignedNote` puts them on the note.
   */
  readonly cosignatures: readonly string[];
}

/** The checkpoint's signed note with every cosignature gathered for it: what a C2SP client or a verifier wants. */
export function cosignedNote(checkpoint: Pick<StoredCheckpoint, 'note' | 'cosignatures'>): string {
  const present = new Set(checkpoint.note.split('\n'));
  const added = checkpoint.cosignatures.filter((line, i) => !present.has(line) && checkpoint.cosignatures.indexOf(line) === i);
  return `${checkpoint.note}${added.map((line) => `${line}\n`).join('')}`;
}

export interface CheckpointQuery {
  /** Only checkpoints with `id` below this one (newest first): the next page after the last id seen. */
  readonly beforeId?: number;
  /** Only checkpoints of at least / at most this size. */
  readonly minSize?: number;
  readonly maxSize?: number;
  readonly limit: number;
}

/**
 * Where the Merkle log is kept: the complete subtrees (each written once, never changed), the size the tree has
 * grown to, the signed checkpoints, and which position each event id has (so a proof can be asked for by event
 * id). One sealer writes it; any number of readers serve proofs from it.
 */
export interface IntegrityStore {
  /** How many leaves are integrated: every complete subtree of the first `treeSize` leaves is stored. */
  treeSize(): Promise<number>;
  /** The hashes of stored complete subtrees, one per id and in its order, read in one query. */
  nodes(ids: readonly NodeId[]): Promise<Uint8Array[]>;
  /** The stored subtrees of one level with index `from` to `to` inclusive, in index order (a gap is a missing node). */
  nodeRange(level: number, from: number, to: number): Promise<{ index: number; hash: Uint8Array }[]>;
  /**
   * Adds the nodes that leaves `from + 1 … size` completed, and those leaves' event ids, and moves the tree size
   * from `from` to `size` — all in one transaction, refused (`ConcurrentSealer`) if the size is no longer `from`.
   */
  integrate(batch: { readonly from: number; readonly size: number; readonly nodes: readonly TreeNode[]; readonly eventIds: readonly string[] }): Promise<void>;
  /** The position of an integrated event, or null. */
  positionOf(eventId: string): Promise<number | null>;
  addCheckpoint(checkpoint: Omit<StoredCheckpoint, 'id' | 'cosignatures'>): Promise<StoredCheckpoint>;
  /**
   * Keeps a witness's cosignature lines of checkpoint `checkpointId` (verified by the caller); a line already kept is
   * not added again. Refused for a checkpoint that is not stored.
   */
  addCosignatures(checkpointId: number, witnessKey: string, lines: readonly string[]): Promise<void>;
  /** The largest checkpoint size the witness with this verifier key has cosigned, as far as this store knows; 0 if none. */
  lastCosignedSize(witnessKey: string): Promise<number>;
  /** The smallest checkpoint whose tree holds `position` (its size ≥ position; the newest of that size), or null. */
  checkpointCovering(position: number): Promise<StoredCheckpoint | null>;
  latestCheckpoint(): Promise<StoredCheckpoint | null>;
  /** Newest first. */
  checkpoints(query: CheckpointQuery): Promise<StoredCheckpoint[]>;
  /** The newest checkpoint of exactly this size, or null. */
  checkpointOfSize(size: number): Promise<StoredCheckpoint | null>;
  close(): Promise<void>;
}

/** Two sealers wrote one log, or the stored size moved under the sealer: it must restart from what is stored. */
export class ConcurrentSealer extends Error {
  readonly code = 'integrity.concurrent-sealer';
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`the tree was expected at size ${expected} but is at ${actual}: another sealer writes this log`);
    this.name = 'ConcurrentSealer';
  }
}

/** A size beyond what the store has integrated. */
export class TreeSizeBeyondLog extends Error {
  readonly code = 'integrity.tree-size-beyond-log';
  constructor(
    readonly field: string,
    readonly size: number,
    readonly treeSize: number,
  ) {
    super(`${field} ${size} is beyond the sealed tree of ${treeSize} leaves`);
    this.name = 'TreeSizeBeyondLog';
  }
}

async function checkedSize(store: IntegrityStore, field: string, size: number): Promise<void> {
  const treeSize = await store.treeSize();
  if (size > treeSize) throw new TreeSizeBeyondLog(field, size, treeSize);
}

/** MTH of the first `size` leaves from stored nodes (one query). */
export async function storedRoot(store: IntegrityStore, size: number): Promise<Uint8Array> {
  await checkedSize(store, 'treeSize', size);
  const plan = planRoot(size);
  return plan.assemble(await store.nodes(plan.nodes), nodeHash)[0] ?? new Uint8Array(EMPTY_ROOT);
}

/** The inclusion proof of leaf `index` in the tree of `size` leaves, from stored nodes (one query). */
export async function storedInclusionProof(store: IntegrityStore, index: number, size: number): Promise<Uint8Array[]> {
  await checkedSize(store, 'treeSize', size);
  const plan = planInclusion(index, size);
  return plan.assemble(await store.nodes(plan.nodes), nodeHash);
}

/** The consistency proof from the tree of `first` leaves to the tree of `second`, from stored nodes (one query). */
export async function storedConsistencyProof(store: IntegrityStore, first: number, second: number): Promise<Uint8Array[]> {
  await checkedSize(store, 'to', second);
  const plan = planConsistency(first, second);
  return plan.assemble(await store.nodes(plan.nodes), nodeHash);
}
