import type { EventRegistry, LedgerEventDefinition, RecordedEvent } from '@quanze/events';
import { ledgerRegistry } from '@quanze/events';
import type { AllSubscription, EventStore } from '@quanze/eventstore';
import type { LedgerEvent } from './ledger-event.js';
import type { Projection } from './projection.js';
import type { ReadModelSql, ReadModelStore } from './read-model-store.js';
import { copyReadModelRows, inAsideFolder } from './replay-aside.js';
import { openSqliteReadModelStore } from './sqlite-read-model-store.js';

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  /** The position of the last event applied; 0 before the first. */
  readonly checkpoint: number;
  /** Events in the store not yet applied: head position minus checkpoint. */
  readonly lag: number;
}

export interface RunnerStatus {
  readonly headPosition: number;
  readonly running: boolean;
  readonly projections: readonly ProjectionStatus[];
  /**
   * Why following the store stopped, when it stopped on an error (a busy database, an event no projection could
   * take); `running` is then false until a retry succeeds, and the read models fall behind the log.
   */
  readonly failure: string | null;
}

export interface ProjectionRunner {
  /** Applies every event up to the store's head now, in transactions of `batchSize` events; the position reached. */
  catchUp(): Promise<number>;
  /** Catches up, then follows the store live until `stop()`. */
  start(): Promise<void>;
  /** Resolves once every projection has applied `position` (read-your-writes after a command). */
  waitFor(position: number, timeoutMs?: number): Promise<void>;
  status(): Promise<RunnerStatus>;
  /** Drops the projections' tables (all, or those named), and replays the whole log into them. */
  rebuild(names?: readonly string[]): Promise<number>;
  stop(): Promise<void>;
}

export interface ProjectionRunnerOptions {
  readonly store: EventStore;
  /** Where the read models live (`openReadModelStore`). */
  readonly readModels: ReadModelStore;
  readonly projections: readonly Projection[];
  readonly registry?: EventRegistry<LedgerEventDefinition>;
  /** Events per transaction while catching up (default `DEFAULT_PROJECTION_BATCH_SIZE`). */
  readonly batchSize?: number;
  /**
   * Told when following the store fails (a busy database, an event no projection can take). The runner then stops
   * following, says so in `status()`, and tries again after a pause that doubles up to a minute.
   */
  readonly onError?: (error: unknown) => void;
  /** The first pause before following again after a failure; doubled each time, at most a minute. */
  readonly retryAfterMs?: number;
  /**
   * On PostgreSQL, read models that start empty (new, or rebuilt) while the log holds at least `minEvents` events
   * (default `DEFAULT_REPLAY_ASIDE_MIN_EVENTS`) are replayed aside: into a temporary SQLite file in `folder` (default:
   * the system's temporary folder; it needs about as much room as the read models), without a round trip per
   * statement, then copied into PostgreSQL in one transaction. `false`: always replay in place.
   */
  readonly replayAside?: { readonly minEvents?: number; readonly folder?: string } | false;
}

/** Below this many events a replay in place is quick enough on PostgreSQL (docs/BENCHMARKS.md, "Read models"). */
export const DEFAULT_REPLAY_ASIDE_MIN_EVENTS = 20_000;

/** An event the runner cannot hand to projections: unknown type, or a shape its schema refuses. Never skipped. */
export class ProjectionFailed extends Error {
  constructor(
    readonly position: number,
    readonly eventType: string,
    override readonly cause: unknown,
  ) {
    super(`projections stopped at position ${String(position)} (${eventType}): ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'ProjectionFailed';
  }
}

/**
 * The database holds a read model under another version than this process's projection: a newer (or older) Quanze
 * sharing the read models rebuilt it. This process must not write into it; it fails, visibly, until it is upgraded.
 */
export class ReadModelVersionChanged extends Error {
  constructor(projection: Projection, stored: number | null) {
    super(
      stored === null
        ? `the read model ${projection.name} has no checkpoint any more (dropped by another process?)`
        : `the read model ${projection.name} is at version ${String(stored)} in the database; this process knows version ${String(projection.version)}: upgrade it, or give it read models of its own`,
    );
    this.name = 'ReadModelVersionChanged';
  }
}

/** A batch read before another runner rebuilt the read model: applied, it would leave the events before it out. */
class BatchDoesNotConnect extends Error {
  constructor(name: string, checkpoint: number, first: number) {
    super(`the read model ${name} stands at ${String(checkpoint)}; a batch from ${String(first)} does not follow on`);
    this.name = 'BatchDoesNotConnect';
  }
}

const CHECKPOINTS = 'projection_checkpoints';

/**
 * Events per transaction while catching up, unless told otherwise. Larger batches commit less often and let the
 * read models write a subject's rows together; each batch also holds the event loop while it applies
 * (docs/BENCHMARKS.md, "Read models").
 */
export const DEFAULT_PROJECTION_BATCH_SIZE = 5000;

/**
 * Runs read models from the log. Each projection has its own checkpoint, stored in the same transaction as the
 * changes an event made, so after a crash every event has taken effect exactly once. Events reach projections
 * upcast to their current shape, in position order; an event already applied (checkpoint ≥ position) is never
 * applied again, so catching up and following live can overlap safely.
 */
export function createProjectionRunner(options: ProjectionRunnerOptions): ProjectionRunner {
  const { store, readModels, projections } = options;
  const registry = options.registry ?? ledgerRegistry;
  const batchSize = options.batchSize ?? DEFAULT_PROJECTION_BATCH_SIZE;
  const names = new Set<string>();
  for (const projection of projections) {
    if (names.has(projection.name)) throw new TypeError(`two projections are named ${projection.name}`);
    names.add(projection.name);
  }

  const READ_CHECKPOINT = `SELECT version, position FROM ${CHECKPOINTS} WHERE name = ?`;
  const readCheckpoint = (tx: ReadModelSql, name: string) => tx.get<{ version: number; position: number }>(READ_CHECKPOINT, [name]);
  const writeCheckpoint = (tx: ReadModelSql, name: string, version: number, position: number) =>
    tx.run(
      `INSERT INTO ${CHECKPOINTS} (name, version, position) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = excluded.position`,
      [name, version, position],
    );
  const checkpoints = new Map<string, number>();
  // Projections replaying into empty tables, whose query indexes are built once they have caught up.
  const indexesDeferred = new Set<Projection>();

  async function createQueryIndexes(tx: ReadModelSql, projection: Projection): Promise<void> {
    for (const index of projection.queryIndexes ?? []) await tx.exec(index);
    indexesDeferred.delete(projection);
  }

  async function reset(tx: ReadModelSql, projection: Projection): Promise<void> {
    for (const table of projection.tables) await tx.exec(`DROP TABLE IF EXISTS "${table}"`);
    await projection.setup(tx);
    await writeCheckpoint(tx, projection.name, projection.version, 0);
  }

  /** What the runner remembers of a projection reset, once the reset has committed. */
  function wasReset(projection: Projection): void {
    checkpoints.set(projection.name, 0);
    indexesDeferred.add(projection);
  }

  // The tables are made (or, for another version of a projection, remade) before anything else is done; every
  // operation waits for it. A failure (the database not up yet) is that operation's failure, and the next one tries
  // again.
  let preparing: Promise<void> | null = null;
  function prepared(): Promise<void> {
    preparing ??= prepareTables().catch((error: unknown) => {
      preparing = null;
      throw error;
    });
    return preparing;
  }
  async function prepareTables(): Promise<void> {
    const resets: Projection[] = [];
    const found = new Map<string, number>();
    await readModels.write(async (tx) => {
      await tx.exec(`CREATE TABLE IF NOT EXISTS ${CHECKPOINTS} (name TEXT PRIMARY KEY, version INTEGER NOT NULL, position INTEGER NOT NULL) STRICT`);
      for (const projection of projections) {
        const stored = await readCheckpoint(tx, projection.name);
        // A read model written by another version of its projection means something else: rebuild it.
        if (stored?.version !== projection.version) {
          await reset(tx, projection);
          resets.push(projection);
        } else {
          await projection.setup(tx);
          found.set(projection.name, stored.position);
          // A replay stopped midway (a crash) left rows to index; with nothing applied yet the tables are empty.
          if (stored.position > 0) await createQueryIndexes(tx, projection);
        }
      }
    });
    for (const projection of resets) wasReset(projection);
    for (const [name, position] of found) {
      checkpoints.set(name, position);
      const projection = projections.find((candidate) => candidate.name === name);
      if (position === 0 && projection !== undefined) indexesDeferred.add(projection);
    }
  }
  prepared().catch(() => undefined);

  const lowestCheckpoint = () => Math.min(...projections.map((projection) => checkpoints.get(projection.name) ?? 0));

  const applyBatch = (events: readonly RecordedEvent[]) =>
    readModels.write(async (tx) => {
      const first = events[0]?.position ?? 0;
      // Read under the write lock: another runner on the same database may have applied events meanwhile, or rebuilt
      // a read model (its checkpoint went back), or a newer Quanze rebuilt it under another version.
      const applied = new Map<string, number>();
      for (const projection of projections) {
        const stored = await readCheckpoint(tx, projection.name);
        if (stored === undefined || stored.version !== projection.version) throw new ReadModelVersionChanged(projection, stored?.version ?? null);
        if (stored.position !== (checkpoints.get(projection.name) ?? 0)) {
          checkpoints.set(projection.name, stored.position);
          projection.forget?.(readModels);
        }
        // Positions have no gaps: a batch that starts past the next event would leave events out for good.
        if (stored.position < first - 1) throw new BatchDoesNotConnect(projection.name, stored.position, first);
      }
      for (const recorded of events) {
        let event: LedgerEvent | null = null;
        for (const projection of projections) {
          const checkpoint = applied.get(projection.name) ?? checkpoints.get(projection.name) ?? 0;
          if (recorded.position <= checkpoint) continue;
          try {
            event ??= registry.parse(recorded);
            await projection.apply(tx, event);
          } catch (error) {
            throw new ProjectionFailed(recorded.position, recorded.type, error);
          }
          applied.set(projection.name, recorded.position);
        }
      }
      const last = events.at(-1);
      for (const projection of projections) {
        try {
          await projection.endBatch?.(tx);
        } catch (error) {
          throw new ProjectionFailed(last?.position ?? 0, `${last?.type ?? '?'}, at the end of its batch`, error);
        }
      }
      for (const [name, position] of applied) {
        const projection = projections.find((candidate) => candidate.name === name);
        await writeCheckpoint(tx, name, projection?.version ?? 0, position);
      }
      return applied;
    });

  async function apply(events: readonly RecordedEvent[]): Promise<void> {
    if (events.length === 0) return;
    await prepared();
    // Only after the commit: a failed batch leaves the in-memory checkpoints as the database has them.
    let applied: Map<string, number>;
    try {
      applied = await applyBatch(events);
    } catch (error) {
      for (const projection of projections) projection.forget?.(readModels);
      throw error;
    }
    // Never back: on PostgreSQL another batch of this runner may have committed further meanwhile.
    for (const [name, position] of applied) checkpoints.set(name, Math.max(position, checkpoints.get(name) ?? 0));
    notifyWaiters();
  }

  let waiters: { position: number; resolve: () => void }[] = [];
  function notifyWaiters(): void {
    const reached = lowestCheckpoint();
    const ready = waiters.filter((waiter) => waiter.position <= reached);
    waiters = waiters.filter((waiter) => waiter.position > reached);
    for (const waiter of ready) waiter.resolve();
  }

  /**
   * PostgreSQL answers each statement over the network: replaying a long log into empty tables statement by
   * statement takes several times as long as into SQLite. So the projections whose tables are empty replay into a
   * SQLite file aside, and their rows are copied in one transaction — which other readers see whole or not at all.
   */
  // One replay aside at a time: a second catch-up meanwhile waits for it rather than replaying the log again.
  let replayingAside: Promise<void> | null = null;
  function replayEmptyAside(): Promise<void> {
    replayingAside ??= replayAsideNow(projections.filter((projection) => (checkpoints.get(projection.name) ?? 0) === 0), false).finally(() => {
      replayingAside = null;
    });
    return replayingAside;
  }

  async function replaysAside(): Promise<boolean> {
    if (readModels.dialect !== 'postgres' || options.replayAside === false) return false;
    return (await store.headPosition()) >= (options.replayAside?.minEvents ?? DEFAULT_REPLAY_ASIDE_MIN_EVENTS);
  }

  /**
   * Replays `chosen` aside and puts the copy in their place. Without `replace`, only read models still empty when the
   * copy commits are taken (another runner may have filled one meanwhile); with it (a rebuild), every one of them.
   */
  async function replayAsideNow(chosen: readonly Projection[], replace: boolean): Promise<void> {
    if (chosen.length === 0 || !(await replaysAside())) return;
    await inAsideFolder(options.replayAside === false ? undefined : options.replayAside?.folder, async (file) => {
      const aside = openSqliteReadModelStore(file);
      const reached = new Map<string, number>();
      try {
        const replay = createProjectionRunner({ store, readModels: aside, projections: chosen, registry, batchSize, replayAside: false });
        await replay.catchUp();
        for (const { name, checkpoint } of (await replay.status()).projections) reached.set(name, checkpoint);
      } finally {
        await aside.close();
      }
      const copied = await readModels.write(async (tx) => {
        const taken: Projection[] = [];
        for (const projection of chosen) {
          const stored = await readCheckpoint(tx, projection.name);
          // A newer version took it over, or (unless replacing) another runner filled it meanwhile: it stays as it is.
          if (stored?.version !== projection.version || (!replace && stored.position !== 0)) continue;
          for (const table of projection.tables) await tx.exec(`DROP TABLE IF EXISTS "${table}"`);
          await projection.setup(tx);
          taken.push(projection);
        }
        await copyReadModelRows(file, tx, taken);
        for (const projection of taken) {
          for (const index of projection.queryIndexes ?? []) await tx.exec(index);
          // Statistics now, not when autovacuum next looks: planned without them, the first queries on a million fresh
          // rows ran several times slower (docs/BENCHMARKS.md, "Read models").
          for (const table of projection.tables) await tx.exec(`ANALYZE "${table}"`);
          await writeCheckpoint(tx, projection.name, projection.version, reached.get(projection.name) ?? 0);
        }
        return taken;
      });
      for (const projection of copied) {
        checkpoints.set(projection.name, reached.get(projection.name) ?? 0);
        indexesDeferred.delete(projection);
        projection.forget?.(readModels);
      }
    });
    notifyWaiters();
  }

  async function catchUp(): Promise<number> {
    await prepared();
    try {
      await replayEmptyAside();
      for (;;) {
        const page: RecordedEvent[] = [];
        for await (const event of store.readAll({ fromPosition: lowestCheckpoint() + 1, limit: batchSize })) page.push(event);
        if (page.length === 0) return lowestCheckpoint();
        try {
          await apply(page);
        } catch (error) {
          // Read before another runner rebuilt the read model: read again from where it now stands.
          if (!(error instanceof BatchDoesNotConnect)) throw error;
        }
      }
    } finally {
      // Also when the replay failed: queries must find their indexes whatever the read model holds.
      if (indexesDeferred.size > 0) {
        await readModels.write(async (tx) => {
          for (const projection of [...indexesDeferred]) await createQueryIndexes(tx, projection);
        });
      }
    }
  }

  let subscription: AllSubscription | null = null;
  let loop: Promise<void> | null = null;
  let failure: string | null = null;
  let stopped = true;
  let retryTimer: NodeJS.Timeout | null = null;
  let retryDelay = options.retryAfterMs ?? 1000;

  function failed(live: AllSubscription | null, error: unknown): void {
    failure = error instanceof Error ? error.message : String(error);
    if (live !== null) {
      if (subscription === live) subscription = null;
      live.stop().catch(() => undefined);
    }
    options.onError?.(error);
    if (stopped) return;
    // Try again later: a busy database passes; a poisoned event keeps failing, visibly, until it is dealt with.
    retryTimer = setTimeout(() => {
      retryTimer = null;
      if (!stopped) void follow().catch((retryError: unknown) => {
        failure = retryError instanceof Error ? retryError.message : String(retryError);
      });
    }, retryDelay);
    retryTimer.unref();
    retryDelay = Math.min(retryDelay * 2, 60_000);
  }

  async function consume(live: AllSubscription): Promise<void> {
    let buffer: RecordedEvent[] = [];
    let flushScheduled = false;
    // Batches commit one after another, in order; the first failure stops following.
    let flushing: Promise<void> = Promise.resolve();
    const state = { failed: false };
    const flush = () => {
      flushScheduled = false;
      const events = buffer;
      buffer = [];
      if (events.length === 0 || state.failed) return flushing;
      flushing = flushing.then(async () => {
        if (state.failed) return;
        try {
          await apply(events);
        } catch (error) {
          state.failed = true;
          failed(live, error);
        }
      });
      return flushing;
    };
    try {
      for await (const event of live) {
        if (state.failed) break;
        buffer.push(event);
        if (buffer.length >= batchSize) await flush();
        else if (!flushScheduled) {
          flushScheduled = true;
          // Events that arrive together commit together; a lone event commits on the next turn of the loop.
          setImmediate(() => void flush());
        }
      }
      await flush();
    } catch (error) {
      await flushing;
      if (!state.failed) failed(live, error);
    }
  }

  async function follow(): Promise<void> {
    try {
      await catchUp();
    } catch (error) {
      failed(null, error);
      return;
    }
    if (stopped) return;
    failure = null;
    retryDelay = options.retryAfterMs ?? 1000;
    const live = store.subscribeToAll({ fromPosition: lowestCheckpoint() + 1, batchSize });
    subscription = live;
    loop = consume(live);
  }

  async function start(): Promise<void> {
    if (!stopped) return;
    await prepared();
    stopped = false;
    failure = null;
    await catchUp();
    await follow();
  }

  async function stop(): Promise<void> {
    stopped = true;
    if (retryTimer !== null) clearTimeout(retryTimer);
    retryTimer = null;
    const live = subscription;
    subscription = null;
    if (live !== null) await live.stop();
    await loop;
    loop = null;
  }

  return {
    catchUp,
    start,
    stop,
    waitFor(position, timeoutMs = 10_000) {
      if (lowestCheckpoint() >= position) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((waiter) => waiter.resolve !== done);
          reject(new Error(`read models did not reach position ${String(position)} within ${String(timeoutMs)} ms (at ${String(lowestCheckpoint())})`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        waiters.push({ position, resolve: done });
      });
    },
    async status() {
      await prepared();
      const headPosition = await store.headPosition();
      return {
        headPosition,
        running: subscription !== null && failure === null,
        failure,
        projections: projections.map((projection) => {
          const checkpoint = checkpoints.get(projection.name) ?? 0;
          return { name: projection.name, version: projection.version, checkpoint, lag: headPosition - checkpoint };
        }),
      };
    },
    async rebuild(only) {
      const wasRunning = !stopped;
      await stop();
      await prepared();
      const chosen = projections.filter((projection) => only === undefined || only.includes(projection.name));
      // Replayed aside, the read models are replaced in one transaction: queries see the old ones until then.
      if (await replaysAside()) await replayAsideNow(chosen, true);
      else {
        await readModels.write(async (tx) => {
          for (const projection of chosen) await reset(tx, projection);
        });
        for (const projection of chosen) {
          projection.forget?.(readModels);
          wasReset(projection);
        }
      }
      const reached = await catchUp();
      if (wasRunning) await start();
      return reached;
    },
  };
}
