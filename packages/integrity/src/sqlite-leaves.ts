import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { RecordedEvent } from '@quanze/events';
import { eventLeafHash } from './content-hash.js';
import { HASH_SIZE } from './hashing.js';

/**
 * The leaves of `count` positions from `from`, in order, up to the first position that is missing or cannot be
 * hashed, which is then named. Fewer leaves than asked and no problem: the log ends there.
 */
export interface LeafPage {
  /** HASH_SIZE bytes per leaf, leaf after leaf. */
  readonly leaves: Uint8Array;
  readonly count: number;
  readonly problem?: { readonly position: number; readonly reason: string };
}

export type LeafReader = (from: number, count: number) => Promise<LeafPage>;

interface EventRow {
  readonly position: number;
  readonly event_id: string;
  readonly stream_id: string;
  readonly stream_version: number;
  readonly type: string;
  readonly recorded_at: string;
  readonly body: string;
}

/**
 * The event as the SQLite event store gives it back (packages/eventstore, `toRecordedEvent`): the columns and the
 * parsed body. Kept in step with it by a spec that compares these leaves with those of `readAll`.
 */
function eventOfRow(row: EventRow): RecordedEvent {
  const body = JSON.parse(row.body) as Omit<RecordedEvent, 'eventId' | 'type' | 'streamId' | 'streamVersion' | 'position' | 'recordedAt'>;
  return {
    eventId: row.event_id,
    type: row.type,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    position: row.position,
    occurredAt: body.occurredAt,
    recordedAt: row.recorded_at,
    actor: body.actor,
    causationId: body.causationId,
    correlationId: body.correlationId,
    commandId: body.commandId,
    data: body.data,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Reads rows of `events.sqlite` directly (no store, no paging through async iterators) and hashes them. */
export function openRowLeafReader(file: string): { read(from: number, count: number): LeafPage; close(): void } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const rows = db.prepare<[number, number], EventRow>(
    'SELECT position, event_id, stream_id, stream_version, type, recorded_at, body FROM events WHERE position >= ? ORDER BY position LIMIT ?',
  );
  return {
    read(from, count) {
      const page = rows.all(from, count);
      const leaves = new Uint8Array(page.length * HASH_SIZE);
      let done = 0;
      for (const row of page) {
        const expected = from + done;
        if (row.position !== expected) {
          return { leaves: leaves.subarray(0, done * HASH_SIZE), count: done, problem: { position: expected, reason: `it is missing: the next event is at position ${row.position}` } };
        }
        let event: RecordedEvent;
        try {
          event = eventOfRow(row);
        } catch (error) {
          return { leaves: leaves.subarray(0, done * HASH_SIZE), count: done, problem: { position: expected, reason: `it cannot be read back: ${messageOf(error)}` } };
        }
        try {
          leaves.set(eventLeafHash(event), done * HASH_SIZE);
        } catch (error) {
          return { leaves: leaves.subarray(0, done * HASH_SIZE), count: done, problem: { position: expected, reason: `it has no content hash: ${messageOf(error)}` } };
        }
        done += 1;
      }
      return { leaves, count: done };
    },
    close: () => db.close(),
  };
}

/**
 * The worker is this module's sibling: built, a .js file; from source, a .ts file, which Node 20 does not load in a
 * worker through the hooks of `--import tsx` (they do not reach a worker's entry), so tsx's own API imports it there.
 */
function startWorker(file: string): Worker {
  const workerData = { file };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./sqlite-leaf-worker.js', import.meta.url), { workerData });
  const entry = new URL('./sqlite-leaf-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((api) => api.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(code, { eval: true, workerData });
}

interface Job {
  readonly from: number;
  readonly count: number;
  readonly resolve: (page: LeafPage) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Hashes the events of a SQLite event store file on `threads` worker threads (each with its own read-only
 * connection), the positions split into pages handed out in turn; answers come back in the order asked. Events
 * are never changed once written, so the connections' different snapshots agree on every position they share.
 */
export function openParallelLeafReader(file: string, threads = Math.max(1, availableParallelism())): { read: LeafReader; close(): Promise<void> } {
  const workers = Array.from({ length: threads }, () => {
    const worker = startWorker(file);
    const queue: Job[] = [];
    let broken: Error | null = null;
    const failAll = (error: Error) => {
      broken ??= error;
      for (const job of queue.splice(0)) job.reject(error);
    };
    worker.on('message', (page: LeafPage) => {
      queue.shift()?.resolve(page);
    });
    worker.on('error', failAll);
    worker.on('exit', (code) => {
      failAll(new Error(`a leaf worker exited (${String(code)})`));
    });
    return {
      worker,
      ask(from: number, count: number): Promise<LeafPage> {
        if (broken !== null) return Promise.reject(broken);
        return new Promise((resolve, reject) => {
          queue.push({ from, count, resolve, reject });
          worker.postMessage({ from, count });
        });
      },
    };
  });
  let next = 0;
  return {
    read(from, count) {
      const worker = workers[next++ % workers.length];
      if (worker === undefined) return Promise.reject(new Error('no leaf worker'));
      return worker.ask(from, count);
    },
    async close() {
      await Promise.all(workers.map(({ worker }) => worker.terminate()));
    },
  };
}
