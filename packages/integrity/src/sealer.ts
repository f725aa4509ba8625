import type { RecordedEvent } from '@quanze/events';
import type { AllSubscription, EventStore } from '@quanze/eventstore';
import { signCheckpoint, verifyCheckpoint } from './checkpoint.js';
import { eventLeafHash } from './content-hash.js';
import { Frontier, type TreeNode } from './frontier.js';
import type { IntegrityStore, StoredCheckpoint } from './integrity-store.js';
import { parseVerifierKey, type NoteSigner } from './note-keys.js';
import { planRoot } from './proofs.js';
import { HASH_SIZE } from './hashing.js';
import type { LeafPage, LeafReader } from './sqlite-leaves.js';

/**
 * Defaults for a city's ledger: a checkpoint at most 10 seconds after an event is recorded, and one per 10,000
 * events when it is busy (a seeding or a migration). A quiet ledger signs nothing: a checkpoint is made only when
 * the tree has grown.
 */
export const DEFAULT_SEAL_EVERY_EVENTS = 10_000;
export const DEFAULT_SEAL_EVERY_MS = 10_000;
/** Leaves integrated per transaction at most; fewer when the log is quiet (see `flushDelayMs`). */
export const DEFAULT_SEAL_BATCH = 2_048;

export interface SealerOptions {
  readonly store: Pick<EventStore, 'subscribeToAll'>;
  readonly integrity: IntegrityStore;
  /** The log's key; its name is the checkpoints' origin. */
  readonly signer: NoteSigner;
  /** Sign a checkpoint once this many events are integrated past the last one. */
  readonly everyEvents?: number;
  /** Sign a checkpoint at most this long after the first event it covers was integrated. */
  readonly everyMs?: number;
  readonly batchSize?: number;
  /** How long integrated-but-unwritten leaves wait for more before they are written anyway. */
  readonly flushDelayMs?: number;
  /** After a failure, how long before following again from what is stored. */
  readonly retryMs?: number;
  readonly clock?: () => Date;
  readonly onError?: (error: unknown) => void;
  readonly onCheckpoint?: (checkpoint: StoredCheckpoint) => void;
  /** After each batch of leaves is stored: the tree's new size. */
  readonly onIntegrated?: (treeSize: number) => void;
  /**
   * A faster way through a long backlog — on start, after downtime, after a restore, or over a ledger sealed for the
   * first time: leaves of whole pages hashed elsewhere (worker threads reading the store's file, `openParallelLeafReader`),
   * integrated here in order. Taken when the sealer starts or resumes after a failure at least `minBacklog` events
   * behind the log; the subscription then follows from where it stopped.
   */
  readonly catchUp?: SealerCatchUp;
}

export interface SealerCatchUp {
  readonly headPosition: () => Promise<number>;
  /** Opened for one catch-up and closed after it (its threads are not kept while the sealer only follows). */
  readonly open: () => { readonly read: LeafReader; close(): Promise<void> };
  /** Default 50,000: below it, starting the threads costs more than they save. */
  readonly minBacklog?: number;
  /** Positions per page asked of the reader (default 4,096) and pages asked ahead (default 4). */
  readonly pageSize?: number;
  readonly pagesAhead?: number;
}

export interface Sealer {
  /** Resumes from the stored nodes, signs what a crash left unsigned, then follows the log in the background. */
  start(): Promise<void>;
  /** Leaves stored so far. */
  readonly treeSize: number;
  /** Resolves once the event at `position` is integrated and stored. */
  sealedThrough(position: number): Promise<void>;
  /** Writes what has been integrated and signs a checkpoint if the tree grew since the last one. */
  checkpointNow(): Promise<StoredCheckpoint | null>;
  /** Stops following, writes what was integrated and signs a last checkpoint. */
  stop(): Promise<void>;
}

/** Event positions are 1, 2, 3, …; anything else means the log itself is damaged, and sealing it would hide that. */
export class LogNotContiguous extends Error {
  readonly code = 'integrity.log-not-contiguous';
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`the sealer expected the event at position ${expected} and was given position ${actual}`);
    this.name = 'LogNotContiguous';
  }
}

function positiveWhole(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a whole number ≥ 1, got ${String(value)}`);
  return value;
}

/**
 * The sealer follows the event store and grows the Merkle log: each event's leaf is computed from the event as the
 * store gives it back, the completed subtrees are written in batches (nodes and the new size in one transaction),
 * and a signed checkpoint (C2SP tlog-checkpoint) is published every `everyEvents` events or `everyMs`. It follows
 * asynchronously, so appends never wait for it.
 *
 * Crash safety: what is stored is a complete tree of `treeSize` leaves, and a checkpoint is only ever signed over
 * stored nodes; a crash after the nodes and before the checkpoint loses nothing, since `start` signs a tree that is
 * ahead of the latest checkpoint at once.
 */
export function createSealer(options: SealerOptions): Sealer {
  const { store, integrity, signer } = options;
  const everyEvents = positiveWhole('everyEvents', options.everyEvents ?? DEFAULT_SEAL_EVERY_EVENTS);
  const everyMs = positiveWhole('everyMs', options.everyMs ?? DEFAULT_SEAL_EVERY_MS);
  const batchSize = positiveWhole('batchSize', options.batchSize ?? DEFAULT_SEAL_BATCH);
  const flushDelayMs = options.flushDelayMs ?? 50;
  const retryMs = options.retryMs ?? 1_000;
  const clock = options.clock ?? (() => new Date());
  const onError = options.onError ?? (() => undefined);
  const ownKey = parseVerifierKey(signer.verifierKey);

  let frontier = Frontier.empty();
  let storedSize = 0;
  let storedRoot: Uint8Array = frontier.root();
  let signedSize = 0;
  let pendingNodes: TreeNode[] = [];
  let pendingIds: string[] = [];
  let writes: Promise<void> = Promise.resolve();
  let flushTimer: NodeJS.Timeout | null = null;
  let checkpointTimer: NodeJS.Timeout | null = null;
  let subscription: AllSubscription | null = null;
  let failure: Error | null = null;
  // Set when a batch may not have been stored: the frontier is then ahead of the store, and nothing more may be
  // written or signed over it until restore() has read back what the store holds.
  let broken: Error | null = null;
  const state = { stopping: false };
  // A function, not the flag itself: the flag changes under the loop that reads it.
  const stopped = () => state.stopping;
  let following: Promise<void> | null = null;
  let waiters: { position: number; resolve: () => void }[] = [];

  async function restore(): Promise<void> {
    const size = await integrity.treeSize();
    const plan = planRoot(size);
    const hashes = await integrity.nodes(plan.nodes);
    frontier = Frontier.restore({ hashes: () => hashes }, size);
    storedSize = size;
    storedRoot = frontier.root();
    pendingNodes = [];
    pendingIds = [];
    broken = null;
  }

  /** Serialises every write: a batch of nodes, then any checkpoint over it, in order. */
  function serially<T>(work: () => Promise<T>): Promise<T> {
    const result = writes.then(work);
    writes = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  async function sign(): Promise<StoredCheckpoint | null> {
    if (checkpointTimer !== null) clearTimeout(checkpointTimer);
    checkpointTimer = null;
    if (broken !== null) throw broken;
    if (storedSize === 0 || storedSize === signedSize) return null;
    const note = signCheckpoint({ origin: signer.name, size: storedSize, rootHash: storedRoot }, [signer]);
    const checkpoint = await integrity.addCheckpoint({ size: storedSize, rootHash: storedRoot, note, createdAt: clock().toISOString() });
    signedSize = storedSize;
    options.onCheckpoint?.(checkpoint);
    return checkpoint;
  }

  function write(): Promise<void> {
    return serially(async () => {
      if (flushTimer !== null) clearTimeout(flushTimer);
      flushTimer = null;
      if (broken !== null) throw broken;
      if (pendingIds.length === 0) return;
      // Taken together with the root, before any await: the frontier may grow while the batch is written.
      const batch = { from: storedSize, size: storedSize + pendingIds.length, nodes: pendingNodes, eventIds: pendingIds };
      const root = frontier.root();
      pendingNodes = [];
      pendingIds = [];
      try {
        await integrity.integrate(batch);
      } catch (error) {
        // Not retried: a commit whose outcome is unknown may have stored the batch. The follower restores first.
        broken = error instanceof Error ? error : new Error(`the sealer could not store a batch: ${String(error)}`);
        fail(broken);
        throw broken;
      }
      storedSize = batch.size;
      storedRoot = root;
      options.onIntegrated?.(storedSize);
      waiters = waiters.filter((waiter) => {
        if (waiter.position > storedSize) return true;
        waiter.resolve();
        return false;
      });
      if (storedSize - signedSize >= everyEvents) await sign();
      else if (checkpointTimer === null) {
        checkpointTimer = setTimeout(() => {
          checkpointTimer = null;
          serially(sign).catch(fail);
        }, everyMs);
        checkpointTimer.unref();
      }
    });
  }

  function fail(error: unknown): void {
    failure ??= error instanceof Error ? error : new Error(`the sealer failed: ${String(error)}`);
    void subscription?.stop();
  }

  function integrateEvent(event: RecordedEvent): void {
    const expected = frontier.size + 1;
    if (event.position !== expected) throw new LogNotContiguous(expected, event.position);
    pendingNodes.push(...frontier.append(eventLeafHash(event)));
    pendingIds.push(event.eventId);
  }

  /**
   * Integrates pages of leaves from the catch-up reader while the log is far ahead. Stops short at a page with a
   * problem (a missing or unreadable event): the subscription that follows meets the same event and names it.
   */
  async function catchUpBacklog(catchUp: SealerCatchUp): Promise<void> {
    const minBacklog = catchUp.minBacklog ?? 50_000;
    const pageSize = catchUp.pageSize ?? 4_096;
    const pagesAhead = catchUp.pagesAhead ?? 4;
    let head = await catchUp.headPosition();
    if (head - frontier.size < minBacklog) return;
    const reader = catchUp.open();
    const asked: { readonly page: Promise<LeafPage>; readonly count: number }[] = [];
    try {
      let nextFrom = frontier.size + 1;
      while (!stopped()) {
        if (nextFrom > head && asked.length === 0) {
          head = await catchUp.headPosition();
          if (head - frontier.size < minBacklog) break;
        }
        while (asked.length < pagesAhead && nextFrom <= head) {
          const count = Math.min(pageSize, head - nextFrom + 1);
          const page = reader.read(nextFrom, count, 0);
          page.catch(() => undefined); // awaited in order below; one failing ahead must not be unhandled meanwhile
          asked.push({ page, count });
          nextFrom += count;
        }
        const next = asked.shift();
        if (next === undefined) break;
        const page = await next.page;
        for (let index = 0; index < page.count; index++) {
          pendingNodes.push(...frontier.append(page.leaves.subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE)));
          pendingIds.push(page.eventIds[index] as string);
          if (pendingIds.length >= batchSize) await write();
        }
        if (failure !== null) throw failure;
        // Short of what was asked: a missing or unreadable event, which the subscription will name.
        if (page.count < next.count) break;
      }
      await write();
    } finally {
      await Promise.allSettled(asked.map((entry) => entry.page));
      await reader.close();
    }
  }

  const pause = () => (stopped() ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, retryMs).unref()));

  /**
   * Follows the log until stopped. After any failure the in-memory tree is dropped and read back from the store
   * (retried until the store answers), then following resumes from there. The catch-up is tried on entry and again
   * only after the subscription has stored a full batch, so that a catch-up that cannot work (or a gap it stops at)
   * does not start its threads every second: the subscription carries on meanwhile.
   */
  async function follow(): Promise<void> {
    let needsRestore = false;
    let catchUpNext = options.catchUp !== undefined;
    while (!stopped()) {
      if (needsRestore) {
        try {
          await serially(restore);
          needsRestore = false;
        } catch (error) {
          onError(error);
          await pause();
          continue;
        }
      }
      if (catchUpNext && options.catchUp !== undefined) {
        catchUpNext = false;
        try {
          await catchUpBacklog(options.catchUp);
        } catch (error) {
          failure = null;
          onError(error);
          needsRestore = true;
          await pause();
          continue;
        }
        // A stop during the catch-up found no subscription to stop: none must be started after it.
        if (stopped()) break;
      }
      const current = store.subscribeToAll({ fromPosition: frontier.size + 1, batchSize: Math.min(batchSize, 1000) });
      subscription = current;
      try {
        for await (const event of current) {
          integrateEvent(event);
          if (pendingIds.length >= batchSize) {
            await write();
            catchUpNext = options.catchUp !== undefined;
          } else if (flushTimer === null) {
            flushTimer = setTimeout(() => {
              flushTimer = null;
              write().catch(fail);
            }, flushDelayMs);
          }
          if (failure !== null) break;
        }
        if (failure !== null) throw failure;
      } catch (error) {
        failure = null;
        onError(error);
        await current.stop().catch(() => undefined);
        // Whatever was integrated in memory and not written is dropped: the store says where the tree stands.
        needsRestore = true;
        await pause();
      }
    }
  }

  return {
    async start() {
      await serially(async () => {
        await restore();
        const latest = await integrity.latestCheckpoint();
        signedSize = latest?.size ?? 0;
        if (latest !== null && !signedBy(latest.note)) signedSize = -1;
        await sign();
      });
      // follow() handles its own failures; anything else escaping it is reported, never left unhandled.
      following = follow().catch((error: unknown) => {
        onError(error);
      });
    },
    get treeSize() {
      return storedSize;
    },
    sealedThrough(position) {
      if (position <= storedSize) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ position, resolve }));
    },
    async checkpointNow() {
      await write();
      return serially(sign);
    },
    async stop() {
      state.stopping = true;
      await subscription?.stop();
      await following;
      // A tree the store may not hold is not written or signed over: the next start restores from the store.
      if (broken === null) {
        await write();
        await serially(sign);
      }
      if (flushTimer !== null) clearTimeout(flushTimer);
      if (checkpointTimer !== null) clearTimeout(checkpointTimer);
    },
  };

  /** After a key rotation the latest checkpoint is the old key's: the new key signs the same tree at once. */
  function signedBy(note: string): boolean {
    try {
      verifyCheckpoint(note, [ownKey], { origin: signer.name });
      return true;
    } catch {
      return false;
    }
  }
}
