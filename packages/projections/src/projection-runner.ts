import type { EventRegistry, LedgerEventDefinition, RecordedEvent } from '@quanze/events';
import { ledgerRegistry } from '@quanze/events';
import type { AllSubscription, EventStore } from '@quanze/eventstore';
import type { LedgerEvent } from './ledger-event.js';
import type { Projection } from './projection.js';
import type { ReadModelSql, ReadModelStore } from './read-model-store.js';

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
}

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
    checkpoints.set(projection.name, 0);
    indexesDeferred.add(projection);
  }

  // The tables are made (or, for another version of a projection, remade) before anything else is done; every
  // operation waits for it. A failure here is every operation's failure, not an unhandled rejection.
  const ready = readModels.write(async (tx) => {
    await tx.exec(`CREATE TABLE IF NOT EXISTS ${CHECKPOINTS} (name TEXT PRIMARY KEY, version INTEGER NOT NULL, position INTEGER NOT NULL) STRICT`);
    for (const projection of projections) {
      const stored = await readCheckpoint(tx, projection.name);
      // A read model written by another version of its projection means something else: rebuild it.
      if (stored?.version !== projection.version) await reset(tx, projection);
      else {
        await projection.setup(tx);
        checkpoints.set(projection.name, stored.position);
        // Nothing applied yet: the tables are empty. Otherwise a replay stopped midway (a crash) left rows to index.
        if (stored.position === 0) indexesDeferred.add(projection);
        else await createQueryIndexes(tx, projection);
      }
    }
  });
  ready.catch(() => undefined);

  const lowestCheckpoint = () => Math.min(...projections.map((projection) => checkpoints.get(projection.name) ?? 0));

  const applyBatch = (events: readonly RecordedEvent[]) =>
    readModels.write(async (tx) => {
      // Read under the write lock: another runner on the same database may have applied these events meanwhile.
      const applied = new Map<string, number>();
      for (const projection of projections) {
        const stored = (await readCheckpoint(tx, projection.name))?.position ?? 0;
        if (stored > (checkpoints.get(projection.name) ?? 0)) {
          checkpoints.set(projection.name, stored);
          projection.forget?.(readModels);
        }
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
    await ready;
    // Only after the commit: a failed batch leaves the in-memory checkpoints as the database has them.
    let applied: Map<string, number>;
    try {
      applied = await applyBatch(events);
    } catch (error) {
      for (const projection of projections) projection.forget?.(readModels);
      throw error;
    }
    for (const [name, position] of applied) checkpoints.set(name, position);
    notifyWaiters();
  }

  let waiters: { position: number; resolve: () => void }[] = [];
  function notifyWaiters(): void {
    const reached = lowestCheckpoint();
    const ready = waiters.filter((waiter) => waiter.position <= reached);
    waiters = waiters.filter((waiter) => waiter.position > reached);
    for (const waiter of ready) waiter.resolve();
  }

  async function catchUp(): Promise<number> {
    await ready;
    try {
      for (;;) {
        const page: RecordedEvent[] = [];
        for await (const event of store.readAll({ fromPosition: lowestCheckpoint() + 1, limit: batchSize })) page.push(event);
        if (page.length === 0) return lowestCheckpoint();
        await apply(page);
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
      void live.stop();
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
    let failedAlready = false;
    const flush = () => {
      flushScheduled = false;
      const events = buffer;
      buffer = [];
      if (events.length === 0 || failedAlready) return flushing;
      flushing = flushing.then(async () => {
        if (failedAlready) return;
        try {
          await apply(events);
        } catch (error) {
          failedAlready = true;
          failed(live, error);
        }
      });
      return flushing;
    };
    try {
      for await (const event of live) {
        if (failedAlready) break;
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
      if (!failedAlready) failed(live, error);
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
    await ready;
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
      await ready;
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
      await ready;
      await readModels.write(async (tx) => {
        for (const projection of projections) if (only === undefined || only.includes(projection.name)) await reset(tx, projection);
      });
      const reached = await catchUp();
      if (wasRunning) await start();
      return reached;
    },
  };
}
