// A model of the few KurrentDB semantics the KurrentDB store relies on — per-stream revisions from 0, appends atomic
// on one stream and checked against an expected revision, KurrentDB's answer to a repeated append at a revision it
// has already written, link events resolved on read — held in memory, with faults that can be injected. It is not
// KurrentDB: it lets the store's mapping onto streams (positions, the index, and its repair after a writer dies
// between two appends) be shown where no server can run, with faults injected where they hurt. The contract runs
// through the real client against a model server (kurrentdb-model-server.int.spec.ts), and against a real one when
// KURRENTDB_URL is set (kurrentdb-event-store.int.spec.ts).
import { randomUUID } from 'node:crypto';
import { RevisionConflict } from '@quanze/eventstore';
import type { KurrentDbAppend, KurrentDbConnection, KurrentDbReadRecord, KurrentDbStoredRecord } from '@quanze/eventstore';

export type Fault = 'refuse' | 'lose-reply';

export interface KurrentDbModel {
  /** A connection of its own to the shared streams, as another process would have. */
  connect(): KurrentDbConnection;
  /** The stream's events, as stored. */
  stream(name: string): readonly KurrentDbStoredRecord[];
  /**
   * The next appends to streams matching `which` fail: `refuse` before anything is written (the server was
   * unreachable), `lose-reply` after the append was written (the connection broke before the answer came).
   */
  fail(which: RegExp, fault: Fault, times?: number): void;
  /** Disarms the faults not yet spent. */
  clearFaults(): void;
  /** Appends so far, by stream name, in order. */
  readonly appends: string[];
}

export function kurrentDbModel(): KurrentDbModel {
  const streams = new Map<string, KurrentDbStoredRecord[]>();
  const watchers = new Map<string, Set<() => void>>();
  const faults: { which: RegExp; fault: Fault; times: number }[] = [];
  const appends: string[] = [];

  function unavailable(): Error {
    return Object.assign(new Error('14 UNAVAILABLE: the model says the server is gone'), { type: 'unavailable' });
  }

  function append(stream: string, events: readonly KurrentDbAppend[], expectedRevision: bigint | 'no_stream'): void {
    const fault = faults.find((candidate) => candidate.which.test(stream) && candidate.times > 0);
    if (fault !== undefined) fault.times -= 1;
    if (fault?.fault === 'refuse') throw unavailable();
    const existing = streams.get(stream) ?? [];
    const current = existing.length - 1;
    const expected = expectedRevision === 'no_stream' ? -1 : Number(expectedRevision);
    const ids = events.map((event) => (event.kind === 'event' ? event.event.id : randomUUID()));
    if (current !== expected) {
      // KurrentDB answers an append it has already written at that revision, by the same ids, as a success.
      const already = existing.slice(expected + 1, expected + 1 + ids.length).map((record) => record.id);
      if (expected < current && already.length === ids.length && already.every((id, index) => id === ids[index])) return;
      throw new RevisionConflict(stream);
    }
    const written = events.map((event, index): KurrentDbStoredRecord => {
      const revision = existing.length + index;
      if (event.kind === 'link') return { stream, revision, id: ids[index] as string, type: '$>', data: event.data, metadata: undefined };
      // Through JSON, as through the wire: what the store keeps of its objects after the call is not what is stored.
      const { id, type, data, metadata } = JSON.parse(JSON.stringify(event.event)) as typeof event.event;
      return { stream, revision, id, type, data, metadata };
    });
    streams.set(stream, [...existing, ...written]);
    appends.push(stream);
    for (const watcher of watchers.get(stream) ?? []) watcher();
    if (fault?.fault === 'lose-reply') throw unavailable();
  }

  function resolve(record: KurrentDbStoredRecord): KurrentDbReadRecord {
    if (record.type !== '$>' || typeof record.data !== 'string') return { record };
    const at = record.data.indexOf('@');
    const target = streams.get(record.data.slice(at + 1))?.[Number(record.data.slice(0, at))];
    return target === undefined ? { record } : { record: target, link: record };
  }

  return {
    appends,
    stream: (name) => streams.get(name) ?? [],
    fail(which, fault, times = 1) {
      faults.push({ which, fault, times });
    },
    clearFaults() {
      faults.length = 0;
    },
    connect() {
      let disposed = false;
      const check = () => {
        if (disposed) throw Object.assign(new Error('the client was disposed'), { type: 'cancelled' });
      };
      return {
        // Every call answers on a later turn, as a round trip to a server would.
        async append(stream, events, expectedRevision) {
          await new Promise((done) => setImmediate(done));
          check();
          append(stream, events, expectedRevision);
        },
        async read(stream, { from, direction, maxCount, resolveLinks }) {
          await new Promise((done) => setImmediate(done));
          check();
          const records = streams.get(stream) ?? [];
          const start = from === 'end' ? records.length - 1 : from;
          const range =
            direction === 'forwards'
              ? records.slice(start, start + maxCount)
              : records.slice(Math.max(0, start - maxCount + 1), start + 1).reverse();
          return range.map((record) => (resolveLinks ? resolve(record) : { record }));
        },
        watch(stream, onAppended) {
          const set = watchers.get(stream) ?? new Set();
          watchers.set(stream, set);
          set.add(onAppended);
          return {
            stop: () => {
              set.delete(onAppended);
              return Promise.resolve();
            },
          };
        },
        dispose() {
          disposed = true;
          return Promise.resolve();
        },
      };
    },
  };
}
