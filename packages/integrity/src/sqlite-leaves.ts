import { availableParallelism } from 'node:os';
import Database from 'better-sqlite3';
import type { RecordedEvent } from '@quanze/events';
import { eventLeafHash } from './content-hash.js';
import { Frontier, type TreeNode } from './frontier.js';
import { HASH_SIZE, equalBytes } from './hashing.js';
import { startModuleWorker } from './module-worker.js';

/**
 * The leaves of `count` positions from `from`, in order, up to the first position that is missing or cannot be
 * hashed, which is then named. Fewer leaves than asked and no problem: the log ends there.
 */
export interface LeafPage {
  /** HASH_SIZE bytes per leaf, leaf after leaf. */
  readonly leaves: Uint8Array;
  readonly count: number;
  /** The event id of each leaf, in order (what the integrity store keeps so a proof can be asked for by id). */
  readonly eventIds: readonly string[];
  readonly problem?: { readonly position: number; readonly reason: string };
  /**
   * Set when the reader also compared the stored subtrees that lie wholly inside the page (levels up to
   * `throughLevel`, of the first `treeSize` leaves) with those the page's leaves give: the first that differs or is
   * missing, lowest level first, or null.
   */
  readonly stored?: { readonly throughLevel: number; readonly mismatch: StoredMismatch | null };
}

export interface StoredMismatch {
  readonly level: number;
  readonly index: number;
  readonly missing: boolean;
}

export type LeafReader = (from: number, count: number, treeSize: number) => Promise<LeafPage>;

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

/**
 * Reads rows of `events.sqlite` directly (no store, no paging through async iterators) and hashes them; given the
 * integrity store's file, also compares the stored subtrees that lie wholly inside a page whose size is a power of two
 * and whose first leaf index is a multiple of it (its nodes table read directly, as sqlite-integrity-store.ts keeps it).
 */
export function openRowLeafReader(file: string, integrityFile?: string): { read(from: number, count: number, treeSize: number): LeafPage; close(): void } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const rows = db.prepare<[number, number], EventRow>(
    'SELECT position, event_id, stream_id, stream_version, type, recorded_at, body FROM events WHERE position >= ? ORDER BY position LIMIT ?',
  );
  const integrity = integrityFile === undefined ? null : new Database(integrityFile, { readonly: true, fileMustExist: true });
  const nodeRange = integrity?.prepare<[number, number, number], [number, Buffer]>('SELECT idx, hash FROM nodes WHERE level = ? AND idx BETWEEN ? AND ? ORDER BY idx').raw();

  function hashRows(from: number, count: number): LeafPage {
    const page = rows.all(from, count);
    const leaves = new Uint8Array(page.length * HASH_SIZE);
    const eventIds: string[] = [];
    let done = 0;
    const stop = (position: number, reason: string): LeafPage => ({ leaves: leaves.subarray(0, done * HASH_SIZE), count: done, eventIds, problem: { position, reason } });
    for (const row of page) {
      const expected = from + done;
      if (row.position !== expected) return stop(expected, `it is missing: the next event is at position ${row.position}`);
      let event: RecordedEvent;
      try {
        event = eventOfRow(row);
      } catch (error) {
        return stop(expected, `it cannot be read back: ${messageOf(error)}`);
      }
      try {
        leaves.set(eventLeafHash(event), done * HASH_SIZE);
      } catch (error) {
        return stop(expected, `it has no content hash: ${messageOf(error)}`);
      }
      eventIds.push(row.event_id);
      done += 1;
    }
    return { leaves, count: done, eventIds };
  }

  function compareStored(from: number, page: LeafPage, treeSize: number): StoredMismatch | null {
    if (nodeRange === undefined) return null;
    const first = from - 1;
    const local = Frontier.empty();
    const byLevel: TreeNode[][] = [];
    for (let index = 0; index < page.count && first + index < treeSize; index++) {
      for (const node of local.append(page.leaves.subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE))) {
        const global = { level: node.level, index: first / 2 ** node.level + node.index, hash: node.hash };
        if ((global.index + 1) * 2 ** global.level <= treeSize) (byLevel[node.level] ??= []).push(global);
      }
    }
    for (let level = 0; level < byLevel.length; level++) {
      const nodes = byLevel[level];
      if (nodes === undefined || nodes.length === 0) continue;
      const stored = new Map<number, Buffer>();
      for (const [index, hash] of nodeRange.all(level, (nodes[0] as TreeNode).index, (nodes[nodes.length - 1] as TreeNode).index)) stored.set(index, hash);
      for (const node of nodes) {
        const hash = stored.get(node.index);
        if (hash === undefined || !equalBytes(hash, node.hash)) return { level, index: node.index, missing: hash === undefined };
      }
    }
    return null;
  }

  return {
    read(from, count, treeSize) {
      const page = hashRows(from, count);
      const aligned = count > 0 && (count & (count - 1)) === 0 && (from - 1) % count === 0;
      if (integrity === null || !aligned) return page;
      return { ...page, stored: { throughLevel: Math.log2(count), mismatch: compareStored(from, page, treeSize) } };
    },
    close() {
      integrity?.close();
      db.close();
    },
  };
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
export function openParallelLeafReader(
  file: string,
  // availableParallelism() ignores a container's CPU quota on Node 20: a 2-CPU container on a 64-core host must not start 64 isolates.
  threads = Math.max(1, Math.min(availableParallelism(), 8)),
  integrityFile?: string,
): { read: LeafReader; close(): Promise<void> } {
  const workers = Array.from({ length: threads }, () => {
    const worker = startModuleWorker('sqlite-leaf-worker', { file, integrityFile });
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
      ask(from: number, count: number, treeSize: number): Promise<LeafPage> {
        if (broken !== null) return Promise.reject(broken);
        return new Promise((resolve, reject) => {
          queue.push({ from, count, resolve, reject });
          worker.postMessage({ from, count, treeSize });
        });
      },
    };
  });
  let next = 0;
  return {
    read(from, count, treeSize) {
      const worker = workers[next++ % workers.length];
      if (worker === undefined) return Promise.reject(new Error('no leaf worker'));
      return worker.ask(from, count, treeSize);
    },
    async close() {
      await Promise.all(workers.map(({ worker }) => worker.terminate()));
    },
  };
}
