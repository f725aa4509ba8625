import type { Worker } from 'node:worker_threads';
import type { StoredCheckpoint } from './integrity-store.js';
import { startModuleWorker } from './module-worker.js';
import type { Sealer } from './sealer.js';

/** What the sealer's worker thread opens: its own connections, from the same configuration as the process. */
export interface SealerWorkerData {
  /** The event store's URL (`sqlite:<folder>` or `postgres://…`); the integrity store is the one beside it. */
  readonly storeUrl: string;
  readonly dataFolder: string;
  readonly signingKeyFile: string;
  readonly everyEvents: number;
  readonly everyMs: number;
  /**
   * How often the thread's store looks for new events: the appends are made on other connections, so an embedded
   * store cannot wake it (PostgreSQL's LISTEN/NOTIFY does).
   */
  readonly pollIntervalMs: number;
  /** How far behind an embedded store the sealer must be to hash on every core (default `SealerCatchUp`'s 50,000). */
  readonly catchUpMinBacklog?: number;
}

export type SealerRequest = { readonly kind: 'checkpoint-now'; readonly id: number } | { readonly kind: 'stop'; readonly id: number };

/** An error as it crosses threads: structured cloning keeps an Error's message and stack but drops its `code`. */
export interface ThreadError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly code?: string;
}

export type SealerThreadReport =
  | { readonly kind: 'started'; readonly treeSize: number }
  | { readonly kind: 'failed-to-start'; readonly error: ThreadError }
  | { readonly kind: 'integrated'; readonly treeSize: number }
  | { readonly kind: 'checkpoint'; readonly checkpoint: StoredCheckpoint }
  | { readonly kind: 'error'; readonly error: ThreadError }
  | { readonly kind: 'answer'; readonly id: number; readonly checkpoint: StoredCheckpoint | null }
  | { readonly kind: 'refused'; readonly id: number; readonly error: ThreadError };

export function threadError(error: unknown): ThreadError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    message: error.message,
    ...(error.stack === undefined ? {} : { stack: error.stack }),
    ...(typeof code === 'string' ? { code } : {}),
  };
}

/** The sealer thread's failure, as an Error of this thread with the name, code and stack it had there. */
export class SealerThreadError extends Error {
  readonly code: string;
  constructor(error: ThreadError) {
    super(error.message);
    this.name = error.name;
    this.code = error.code ?? 'integrity.sealer-thread';
    if (error.stack !== undefined) this.stack = error.stack;
  }
}

export interface SealerThreadOptions {
  readonly settings: SealerWorkerData;
  /** A failure of the sealer or of its thread; a thread that died is started again after `retryMs`. */
  readonly onError?: (error: Error) => void;
  readonly onCheckpoint?: (checkpoint: StoredCheckpoint) => void;
  /**
   * Each time a thread has started (the first and every restart): a checkpoint signed just before a thread died may
   * never have been reported, so whoever waits for checkpoints (the witnesses) should look again.
   */
  readonly onStarted?: () => void;
  /** The first wait before a dead thread is started again; doubled per failed start, up to 30 s. */
  readonly retryMs?: number;
  /** How long `stop()` waits for the thread to write, sign and close before it is terminated (default 30 s). */
  readonly stopTimeoutMs?: number;
}

/**
 * The sealer (`createSealer`) on a worker thread of its own, behind the same interface. Hashing every event and
 * writing the tree costs about as much CPU as the append itself; on the appending thread it slowed batched appends to
 * less than half (docs/BENCHMARKS.md, "Integrity"). The thread has its own connections, so what it shares with the
 * appending thread is the database, whose transactions keep the two consistent.
 */
export function createSealerThread(options: SealerThreadOptions): Sealer {
  const retryMs = options.retryMs ?? 1_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 30_000;
  // A callback that throws must not take the message listener, and with it the process, down.
  const onError = (error: Error) => {
    try {
      options.onError?.(error);
    } catch {
      // The caller's own failure to report: nothing more can be done with it here.
    }
  };
  const notify = (callback: () => void) => {
    try {
      callback();
    } catch (error) {
      onError(error instanceof Error ? error : new Error(String(error)));
    }
  };
  let worker: Worker | null = null;
  let treeSize = 0;
  let stopping = false;
  let restartTimer: NodeJS.Timeout | null = null;
  let stopped: Promise<void> | null = null;
  let nextRequest = 1;
  const pending = new Map<number, { resolve: (checkpoint: StoredCheckpoint | null) => void; reject: (error: Error) => void }>();
  let waiters: { position: number; resolve: () => void; reject: (error: Error) => void }[] = [];

  function grewTo(size: number): void {
    treeSize = Math.max(treeSize, size);
    waiters = waiters.filter((waiter) => {
      if (waiter.position > treeSize) return true;
      waiter.resolve();
      return false;
    });
  }

  /** Starts a thread; resolves once its sealer has restored the tree and signed what a crash left unsigned. */
  function launch(): Promise<void> {
    return new Promise((resolve, reject) => {
      const thread = startModuleWorker('sealer-worker', options.settings);
      worker = thread;
      let started = false;
      let failure: Error | null = null;
      thread.on('message', (report: SealerThreadReport) => {
        switch (report.kind) {
          case 'started':
            started = true;
            grewTo(report.treeSize);
            resolve();
            if (options.onStarted !== undefined) notify(options.onStarted);
            return;
          case 'failed-to-start':
            failure = new SealerThreadError(report.error);
            return;
          case 'integrated':
            grewTo(report.treeSize);
            return;
          case 'checkpoint': {
            const { onCheckpoint } = options;
            if (onCheckpoint !== undefined) notify(() => {
              onCheckpoint(report.checkpoint);
            });
            return;
          }
          case 'error':
            onError(new SealerThreadError(report.error));
            return;
          case 'answer':
            pending.get(report.id)?.resolve(report.checkpoint);
            pending.delete(report.id);
            return;
          case 'refused':
            pending.get(report.id)?.reject(new SealerThreadError(report.error));
            pending.delete(report.id);
            return;
        }
      });
      thread.on('error', (error) => {
        failure = error;
      });
      thread.on('exit', (exitCode) => {
        worker = null;
        const reason = failure ?? new Error(`the sealer thread exited (code ${exitCode})`);
        for (const request of pending.values()) request.reject(reason);
        pending.clear();
        if (!started) {
          reject(reason);
          return;
        }
        if (stopping) return;
        onError(reason);
        relaunch(retryMs);
      });
    });
  }

  /** Starts a thread again after `delay`, and again after a longer one as long as it fails to start: never gives up. */
  function relaunch(delay: number): void {
    restartTimer = setTimeout(() => {
      restartTimer = null;
      if (stopping) return;
      launch().catch((error: unknown) => {
        onError(error instanceof Error ? error : new Error(String(error)));
        if (!stopping) relaunch(Math.min(delay * 2, 30_000));
      });
    }, delay);
  }

  async function stopThread(): Promise<void> {
    stopping = true;
    if (restartTimer !== null) clearTimeout(restartTimer);
    const unsealed = waiters;
    waiters = [];
    for (const waiter of unsealed) waiter.reject(new Error(`the sealer was stopped at ${treeSize}, before position ${waiter.position}`));
    const thread = worker;
    if (thread === null) return;
    const exited = new Promise<void>((resolve) => {
      thread.once('exit', () => {
        resolve();
      });
    });
    // Its connections are closed and its port too, so it ends by itself; one that hangs (a query on a half-open
    // socket) must not hang the process's shutdown with it.
    const deadline = setTimeout(() => void thread.terminate(), stopTimeoutMs);
    try {
      await ask('stop');
    } catch (error) {
      await thread.terminate();
      throw error;
    } finally {
      clearTimeout(deadline);
    }
    const lingering = setTimeout(() => void thread.terminate(), 5_000);
    await exited;
    clearTimeout(lingering);
  }

  function ask(kind: SealerRequest['kind']): Promise<StoredCheckpoint | null> {
    const thread = worker;
    if (thread === null) return Promise.reject(new Error('the sealer thread is not running (it is being restarted or was stopped)'));
    const id = nextRequest++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      thread.postMessage({ kind, id } satisfies SealerRequest);
    });
  }

  return {
    start: launch,
    get treeSize() {
      return treeSize;
    },
    sealedThrough(position) {
      if (position <= treeSize) return Promise.resolve();
      if (stopping) return Promise.reject(new Error(`the sealer was stopped at ${treeSize}, before position ${position}`));
      return new Promise((resolve, reject) => waiters.push({ position, resolve, reject }));
    },
    checkpointNow() {
      return ask('checkpoint-now');
    },
    stop() {
      stopped ??= stopThread();
      return stopped;
    },
  };
}
