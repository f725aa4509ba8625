import type { RecordedEvent } from '@quanze/events';
import type { EventStore } from '@quanze/eventstore';
import { verifyCheckpoint } from './checkpoint.js';
import { eventLeafHash } from './content-hash.js';
import { Frontier, type TreeNode } from './frontier.js';
import { equalBytes, toBase64 } from './hashing.js';
import type { IntegrityStore, StoredCheckpoint } from './integrity-store.js';
import type { NoteVerifier } from './note-keys.js';

/** What is wrong, and where: the first position whose event does not match the log, or a checkpoint. */
export type LogProblem =
  | { readonly kind: 'event'; readonly position: number; readonly reason: string }
  | { readonly kind: 'checkpoint'; readonly checkpointId: number; readonly size: number; readonly reason: string }
  | { readonly kind: 'node'; readonly level: number; readonly index: number; readonly reason: string };

export interface LogVerdict {
  /** True only when every event, every stored subtree and every checkpoint checked out. */
  readonly intact: boolean;
  /** Events read in order, up to the first bad one. */
  readonly eventsChecked: number;
  readonly treeSize: number;
  readonly checkpoints: number;
  /** The size of the largest checkpoint that verified against the events. */
  readonly verifiedThrough: number;
  /** Events after the latest checkpoint: recorded, not yet signed. */
  readonly unsigned: number;
  /** In the order found; the first `event` problem is the first bad position. */
  readonly problems: readonly LogProblem[];
}

export interface VerifyLogOptions {
  readonly store: Pick<EventStore, 'readAll' | 'headPosition'>;
  readonly integrity: IntegrityStore;
  /** The log's verifier keys (the current and every earlier one): a checkpoint signed by no key of these is bad. */
  readonly verifiers: readonly NoteVerifier[];
  readonly pageSize?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

const CHECKPOINT_PAGE = 1000;

async function allCheckpoints(integrity: IntegrityStore): Promise<StoredCheckpoint[]> {
  const all: StoredCheckpoint[] = [];
  let beforeId: number | undefined;
  for (;;) {
    const page = await integrity.checkpoints({ limit: CHECKPOINT_PAGE, ...(beforeId === undefined ? {} : { beforeId }) });
    all.push(...page);
    const last = page.at(-1);
    if (page.length < CHECKPOINT_PAGE || last === undefined) break;
    beforeId = last.id;
  }
  return all.reverse();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Recomputes everything from the events alone and compares it with what the log stored and signed: every event's
 * content hash with its sealed leaf, every stored subtree, and every checkpoint's root at its size; every
 * checkpoint's signature is checked with `verifiers` only (never with a key the store names). The walk stops at
 * the first bad event, whose position is the answer to "where was the ledger rewritten".
 */
export async function verifyLog(options: VerifyLogOptions): Promise<LogVerdict> {
  const { store, integrity } = options;
  const pageSize = options.pageSize ?? 2000;
  const problems: LogProblem[] = [];
  const checkpointProblem = (checkpoint: StoredCheckpoint, reason: string) =>
    problems.push({ kind: 'checkpoint', checkpointId: checkpoint.id, size: checkpoint.size, reason });

  // Signatures first: a checkpoint no trusted key signed proves nothing, so its root is not compared.
  const checkpoints = await allCheckpoints(integrity);
  const bySize = new Map<number, StoredCheckpoint[]>();
  let largestSigned: StoredCheckpoint | null = null;
  for (const checkpoint of checkpoints) {
    try {
      const opened = verifyCheckpoint(checkpoint.note, options.verifiers);
      if (!opened.note.verified.some((signature) => signature.name === opened.checkpoint.origin)) {
        checkpointProblem(checkpoint, `its origin ${JSON.stringify(opened.checkpoint.origin)} is not the name of the key that signed it`);
        continue;
      }
      if (opened.checkpoint.size !== checkpoint.size || !equalBytes(opened.checkpoint.rootHash, checkpoint.rootHash)) {
        checkpointProblem(checkpoint, 'the size or root stored beside the note differs from what the signed note says');
        continue;
      }
    } catch (error) {
      checkpointProblem(checkpoint, `its signature does not verify with the log's verifier keys: ${messageOf(error)}`);
      continue;
    }
    if (largestSigned !== null && checkpoint.size < largestSigned.size) {
      checkpointProblem(checkpoint, `it states ${checkpoint.size} events after checkpoint #${largestSigned.id} stated ${largestSigned.size}: a log never shrinks`);
    }
    if (largestSigned === null || checkpoint.size >= largestSigned.size) largestSigned = checkpoint;
    const same = bySize.get(checkpoint.size) ?? [];
    same.push(checkpoint);
    bySize.set(checkpoint.size, same);
  }

  const treeSize = await integrity.treeSize();
  const total = Math.max(await store.headPosition(), treeSize);
  const frontier = Frontier.empty();
  let verifiedThrough = 0;
  let stopped = false;

  const compareRoots = () => {
    for (const checkpoint of bySize.get(frontier.size) ?? []) {
      const root = frontier.root();
      if (equalBytes(root, checkpoint.rootHash)) verifiedThrough = Math.max(verifiedThrough, checkpoint.size);
      else checkpointProblem(checkpoint, `it states root ${toBase64(checkpoint.rootHash)} for ${checkpoint.size} events, but the events give ${toBase64(root)}`);
    }
  };
  if (frontier.size === 0) compareRoots();

  async function readPage(from: number): Promise<RecordedEvent[]> {
    const page: RecordedEvent[] = [];
    try {
      for await (const event of store.readAll({ fromPosition: from, limit: pageSize })) page.push(event);
      return page;
    } catch (error) {
      // Find the one that cannot be read: the events before it in this page are still checked.
      const readable: RecordedEvent[] = [];
      for (let position = from; position < from + pageSize; position++) {
        try {
          let found = false;
          for await (const event of store.readAll({ fromPosition: position, limit: 1 })) {
            readable.push(event);
            position = event.position;
            found = true;
          }
          if (!found) break;
        } catch (inner) {
          problems.push({ kind: 'event', position, reason: `it cannot be read back: ${messageOf(inner)}` });
          stopped = true;
          return readable;
        }
      }
      throw error;
    }
  }

  while (!stopped) {
    const from = frontier.size + 1;
    const page = await readPage(from);
    if (page.length === 0) break;
    const leaves: { position: number; leaf: Uint8Array; completed: TreeNode[] }[] = [];
    for (const event of page) {
      const expected = frontier.size + 1;
      if (event.position !== expected) {
        problems.push({ kind: 'event', position: expected, reason: `it is missing: the next event is at position ${event.position}` });
        stopped = true;
        break;
      }
      let leaf: Uint8Array;
      try {
        leaf = eventLeafHash(event);
      } catch (error) {
        problems.push({ kind: 'event', position: expected, reason: `it has no content hash: ${messageOf(error)}` });
        stopped = true;
        break;
      }
      leaves.push({ position: expected, leaf, completed: frontier.append(leaf) });
      compareRoots();
    }
    // The stored subtrees these leaves complete, read level by level as index ranges, compared leaf first: a changed
    // event shows as its leaf, a changed interior node (which would corrupt proofs) as that node.
    const completed = leaves
      .filter((entry) => entry.position <= treeSize)
      .flatMap((entry) => entry.completed.filter((node) => (node.index + 1) * 2 ** node.level <= treeSize));
    const mismatch = await firstStoredMismatch(integrity, completed);
    if (mismatch !== null) {
      problems.push(mismatch);
      if (mismatch.kind === 'event') stopped = true;
    }
    options.onProgress?.(frontier.size, total);
  }

  const eventsChecked = frontier.size;
  if (!stopped && eventsChecked < treeSize) {
    problems.push({ kind: 'event', position: eventsChecked + 1, reason: `it is missing: the log ends at position ${eventsChecked}, but ${treeSize} events were sealed (the log was truncated)` });
  }
  for (const checkpoint of checkpoints) {
    if (checkpoint.size > eventsChecked && !problems.some((problem) => problem.kind === 'checkpoint' && problem.checkpointId === checkpoint.id) && bySize.has(checkpoint.size)) {
      checkpointProblem(checkpoint, `it covers ${checkpoint.size} events, but only ${eventsChecked} could be checked`);
    }
  }
  problems.sort((a, b) => rank(a) - rank(b));
  return {
    intact: problems.length === 0,
    eventsChecked,
    treeSize,
    checkpoints: checkpoints.length,
    verifiedThrough,
    unsigned: Math.max(0, eventsChecked - (largestSigned?.size ?? 0)),
    problems,
  };
}

/**
 * Compares recomputed subtrees with the stored ones (one range query per level), leaves before interior nodes, and
 * returns the first that differs or is missing.
 */
async function firstStoredMismatch(integrity: IntegrityStore, computed: readonly TreeNode[]): Promise<LogProblem | null> {
  const byLevel = new Map<number, TreeNode[]>();
  for (const node of computed) {
    const level = byLevel.get(node.level) ?? [];
    level.push(node);
    byLevel.set(node.level, level);
  }
  for (const [level, nodes] of [...byLevel.entries()].sort(([a], [b]) => a - b)) {
    const first = nodes[0] as TreeNode;
    const last = nodes[nodes.length - 1] as TreeNode;
    const stored = new Map((await integrity.nodeRange(level, first.index, last.index)).map((node) => [node.index, node.hash]));
    for (const node of nodes) {
      const hash = stored.get(node.index);
      if (hash !== undefined && equalBytes(hash, node.hash)) continue;
      if (level === 0) {
        return {
          kind: 'event',
          position: node.index + 1,
          reason:
            hash === undefined
              ? 'no leaf was stored for it, though the tree was sealed past it'
              : 'its content hash no longer matches the leaf sealed for it: the event was changed after it was recorded',
        };
      }
      return { kind: 'node', level, index: node.index, reason: hash === undefined ? 'the stored subtree is missing' : 'the stored subtree differs from the one its events give' };
    }
  }
  return null;
}

/** Bad events first, by position; then checkpoints and nodes as found. */
function rank(problem: LogProblem): number {
  return problem.kind === 'event' ? problem.position - Number.MAX_SAFE_INTEGER : 0;
}
