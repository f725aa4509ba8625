import type { RecordedEvent } from '@quanze/events';
import type { EventStore } from '@quanze/eventstore';
import { verifyCheckpoint } from './checkpoint.js';
import { eventLeafHash } from './content-hash.js';
import { Frontier, type TreeNode } from './frontier.js';
import { HASH_SIZE, equalBytes, toBase64 } from './hashing.js';
import type { IntegrityStore, StoredCheckpoint } from './integrity-store.js';
import type { NoteVerifier } from './note-keys.js';
import { openParallelLeafReader, type LeafPage, type LeafReader } from './sqlite-leaves.js';

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
  /**
   * The file of a SQLite event store (`events.sqlite`) holding the same log as `store`: its rows are then read and
   * hashed on worker threads, about twice as fast on two cores as through `store.readAll`. The events hashed are
   * the same: the rows made into events exactly as the store makes them.
   */
  readonly sqliteFile?: string;
  /**
   * With `sqliteFile`: the file of the SQLite integrity store `integrity` reads (`integrity.sqlite`), so that the
   * workers also compare the stored subtrees inside their pages, and this thread only the few above them.
   */
  readonly sqliteIntegrityFile?: string;
  /** Worker threads for `sqliteFile`; the machine's available parallelism by default. */
  readonly threads?: number;
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

  const parallel = options.sqliteFile === undefined ? null : openParallelLeafReader(options.sqliteFile, options.threads, options.sqliteIntegrityFile);
  // A power of two on threads: every page is then a run of whole subtrees, which its worker compares.
  const pageSize = options.pageSize ?? (parallel === null ? 2000 : 4096);
  const read: LeafReader = parallel?.read ?? storeLeafReader(store);
  // Pages are asked for ahead, so that the workers hash while this thread folds the tree and compares stored nodes.
  const ahead = parallel === null ? 1 : 2 * (options.threads ?? 2);
  const asked: Promise<LeafPage>[] = [];
  let nextFrom = 1;
  try {
    while (!stopped) {
      while (asked.length < ahead) {
        const page = read(nextFrom, pageSize, treeSize);
        // Handled when taken; one left behind after a stop must not count as unhandled.
        page.catch(() => undefined);
        asked.push(page);
        nextFrom += pageSize;
      }
      const page = await (asked.shift() as Promise<LeafPage>);
      const throughLevel = page.stored?.throughLevel ?? -1;
      const completed: TreeNode[] = [];
      for (let index = 0; index < page.count; index++) {
        const position = frontier.size + 1;
        const nodes = frontier.append(page.leaves.subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE));
        // The stored subtrees these leaves complete, compared leaf first: a changed event shows as its leaf, a
        // changed interior node (which would corrupt proofs) as that node.
        // (Those the reader compared inside the page are left out.)
        if (position <= treeSize) for (const node of nodes) if (node.level > throughLevel && (node.index + 1) * 2 ** node.level <= treeSize) completed.push(node);
        compareRoots();
      }
      if (page.problem !== undefined) {
        problems.push({ kind: 'event', ...page.problem });
        stopped = true;
      }
      const found = page.stored?.mismatch;
      const mismatch = found !== undefined && found !== null ? mismatchProblem(found.level, found.index, found.missing) : await firstStoredMismatch(integrity, completed);
      if (mismatch !== null) {
        problems.push(mismatch);
        if (mismatch.kind === 'event') stopped = true;
      }
      options.onProgress?.(frontier.size, total);
      if (page.count < pageSize) break;
    }
  } finally {
    await parallel?.close();
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
 * Leaves through the store's port, page by page: a page that cannot be read is read again event by event, so that
 * the events before the unreadable one are still checked and the unreadable one is named.
 */
function storeLeafReader(store: VerifyLogOptions['store']): LeafReader {
  async function readPage(from: number, count: number): Promise<{ events: RecordedEvent[]; unreadable?: { position: number; reason: string } }> {
    const page: RecordedEvent[] = [];
    try {
      for await (const event of store.readAll({ fromPosition: from, limit: count })) page.push(event);
      return { events: page };
    } catch (error) {
      const readable: RecordedEvent[] = [];
      for (let position = from; position < from + count; position++) {
        try {
          let found = false;
          for await (const event of store.readAll({ fromPosition: position, limit: 1 })) {
            readable.push(event);
            position = event.position;
            found = true;
          }
          if (!found) break;
        } catch (inner) {
          return { events: readable, unreadable: { position, reason: `it cannot be read back: ${messageOf(inner)}` } };
        }
      }
      throw error;
    }
  }
  return async (from, count) => {
    const { events, unreadable } = await readPage(from, count);
    const leaves = new Uint8Array(events.length * HASH_SIZE);
    const eventIds: string[] = [];
    let done = 0;
    const stop = (position: number, reason: string): LeafPage => ({ leaves: leaves.subarray(0, done * HASH_SIZE), count: done, eventIds, problem: { position, reason } });
    for (const event of events) {
      const expected = from + done;
      if (event.position !== expected) return stop(expected, `it is missing: the next event is at position ${event.position}`);
      try {
        leaves.set(eventLeafHash(event), done * HASH_SIZE);
      } catch (error) {
        return stop(expected, `it has no content hash: ${messageOf(error)}`);
      }
      eventIds.push(event.eventId);
      done += 1;
    }
    if (unreadable !== undefined) return stop(unreadable.position, unreadable.reason);
    return { leaves, count: done, eventIds };
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
      return mismatchProblem(level, node.index, hash === undefined);
    }
  }
  return null;
}

/** A stored subtree that differs from the one the events give, or is missing: a leaf names its event. */
function mismatchProblem(level: number, index: number, missing: boolean): LogProblem {
  if (level === 0) {
    return {
      kind: 'event',
      position: index + 1,
      reason: missing
        ? 'no leaf was stored for it, though the tree was sealed past it'
        : 'its content hash no longer matches the leaf sealed for it: the event was changed after it was recorded',
    };
  }
  return { kind: 'node', level, index, reason: missing ? 'the stored subtree is missing' : 'the stored subtree differs from the one its events give' };
}

/** Bad events first, by position; then checkpoints and nodes as found. */
function rank(problem: LogProblem): number {
  return problem.kind === 'event' ? problem.position - Number.MAX_SAFE_INTEGER : 0;
}
