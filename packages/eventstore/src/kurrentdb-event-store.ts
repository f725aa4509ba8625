import type {
  AllSubscription,
  AppendOptions,
  AppendResult,
  EventStore,
  ReadAllOptions,
  ReadStreamOptions,
  SubscribeToAllOptions,
} from './event-store.js';
import { StoreClosed, StoreFailure, StoreUnavailable } from './errors.js';
import type { CheckedEvent, EventBody } from './append-checks.js';
import { checkAppend } from './append-checks.js';
import { answerBatch, decideBatch, type AppendOutcome, type BatchDecisionState, type QueuedAppend, type StoredEventForm } from './append-decision.js';
import type { KurrentDbConnection, KurrentDbReadRecord } from './kurrentdb-connection.js';
import { connectKurrentDb } from './kurrentdb-connection.js';
import type { LogStreams, LoggedEvent } from './kurrentdb-mapping.js';
import {
  RevisionConflict,
  expectedRevisionAfter,
  linkData,
  logStreams,
  parseKurrentDbUrl,
  positionLinkedTo,
  toLogEventData,
  toLoggedEvent,
  toRecordedEvent,
  translateKurrentDbError,
} from './kurrentdb-mapping.js';
import { createPollingSubscription } from './polling-subscription.js';
import { readPages } from './postgres-paged-reader.js';
import { toBatchSize, toFromPosition, toReadRange } from './read-options.js';

export interface KurrentDbEventStoreOptions {
  /** `kurrentdb://host:2113?tls=true&quanzeNamespace=…` (see parseKurrentDbUrl); or give `connection`. */
  readonly url?: string;
  /** A connection of the caller's (which it disposes of); with it, `namespace` names the streams (default `quanze`). */
  readonly connection?: KurrentDbConnection;
  readonly namespace?: string;
  /** Where `recordedAt` comes from. Defaults to this process's clock. */
  readonly clock?: () => Date;
  /**
   * How often a live subscription reads the log when nothing woke it. Appends of this store wake its subscriptions at
   * once, and those of other processes through a KurrentDB subscription to the log stream; the poll covers a lost
   * one. Defaults to 1,000 ms.
   */
  readonly pollIntervalMs?: number;
  /** Most events written in one KurrentDB append (unless one append alone has more). Defaults to 2,000. */
  readonly maxEventsPerAppend?: number;
  /**
   * Most bytes of event bodies in one KurrentDB append (unless one append alone has more): below the server's
   * MaxAppendSize, whose default is 1 MiB. Defaults to 900,000.
   */
  readonly maxAppendBytes?: number;
}

const READ_PAGE_SIZE = 500;

/** How many reads or index appends the store has in flight at once: KurrentDB serves them over one HTTP/2 connection. */
const PARALLELISM = 32;

/**
 * How long an append keeps trying for the log's next revision before it gives up as unavailable: only writers in
 * other processes contend, each winning round is a commit, and a loaded machine makes the losers' rounds slow — a
 * time, not a count of tries, so that a slow host does not fail appends a fast one would have made.
 */
const CONTENTION_BUDGET_MS = 60_000;

/** The log's last event as one writer knows it. */
interface Head {
  readonly position: number;
  readonly recordedAt: string | undefined;
}

type PendingAppend = QueuedAppend;

type Outcome = AppendOutcome;

type PlannedEvent = Omit<LoggedEvent, 'commitFirst' | 'commitLast'>;

/** What one attempt at the log's next revision knows of the log, kept up to date as it decides its appends one by one. */
type BatchState = BatchDecisionState<PlannedEvent>;

/** Accepted events keep their body parsed: it goes into the KurrentDB event's JSON data as it is. */
const PLANNED_FORM: StoredEventForm<PlannedEvent> = {
  fromRow: (row) => ({ ...row, body: JSON.parse(row.body) as EventBody }),
  toRecorded: toRecordedEvent,
};

/**
 * The KurrentDB store. One stream, `<namespace>-log`, holds every event in the order of our positions (position =
 * revision + 1), so the position is KurrentDB's own gap-free stream revision, and an append is one atomic KurrentDB
 * append to it at the revision the writer expects. Two kinds of index streams, derived from the log and written after
 * it, find a stream's events and an event id: `<namespace>-stream-<streamId>` and `<namespace>-event-<eventId>`, of
 * links into the log. Every writer makes sure the log's last commit is indexed before it appends the next one, so the
 * index lags the log by at most that commit, and whoever comes next completes it. See "KurrentDB" in
 * docs/EVENT-STORE.md.
 */
export async function createKurrentDbEventStore(options: KurrentDbEventStoreOptions): Promise<EventStore> {
  let connection: KurrentDbConnection;
  let namespace: string | undefined = options.namespace;
  const ownsConnection = options.connection === undefined;
  if (options.connection !== undefined) {
    connection = options.connection;
  } else {
    if (options.url === undefined) throw new TypeError('a KurrentDB event store needs a url or a connection');
    const location = parseKurrentDbUrl(options.url);
    connection = connectKurrentDb(location.connectionString);
    namespace ??= location.namespace;
  }
  const store = kurrentDbEventStore(connection, ownsConnection, logStreams(namespace ?? 'quanze'), options);
  try {
    // Completes the index of a writer that died between its log append and its index appends, and tells at once
    // whether the server answers.
    await store.repair();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw translateKurrentDbError(error);
  }
  return store;
}

function kurrentDbEventStore(
  connection: KurrentDbConnection,
  ownsConnection: boolean,
  names: LogStreams,
  options: KurrentDbEventStoreOptions,
): EventStore & { repair(): Promise<void> } {
  const clock = options.clock ?? (() => new Date());
  const maxEventsPerAppend = options.maxEventsPerAppend ?? 2_000;
  const maxAppendBytes = options.maxAppendBytes ?? 900_000;
  let queue: PendingAppend[] = [];
  let writer: Promise<void> | undefined;
  let writeScheduled = false;
  let closed = false;
  /** The head after this store's own last append, while no other writer is known to have moved it. */
  let knownHead: Head | undefined;
  /** The last position whose commit this store has seen fully indexed. */
  let indexedThrough = 0;
  const wakeSubscriptions = new Set<() => void>();
  const closeSubscriptions = new Set<() => void>();
  const reading = new Set<Promise<unknown>>();
  let watcher: { stop(): Promise<void> } | undefined;

  const wakeAll = () => {
    for (const wake of wakeSubscriptions) wake();
  };

  function read(stream: string, readOptions: Parameters<KurrentDbConnection['read']>[1]): Promise<KurrentDbReadRecord[]> {
    const pending = connection.read(stream, readOptions);
    reading.add(pending);
    const forget = () => reading.delete(pending);
    pending.then(forget, forget);
    return pending;
  }

  /** Our version of a stream: the number of links in its index. */
  async function streamVersion(streamId: string): Promise<number> {
    const [last] = await read(names.stream(streamId), { from: 'end', direction: 'backwards', maxCount: 1, resolveLinks: false });
    return last === undefined ? 0 : last.record.revision + 1;
  }

  /** The log event that carries an id, found through the id's index stream. */
  async function storedEvent(eventId: string): Promise<LoggedEvent | undefined> {
    const [found] = await read(names.event(eventId), { from: 0, direction: 'forwards', maxCount: 1, resolveLinks: true });
    if (found === undefined) return undefined;
    const logged = resolvedLogEvent(found);
    if (logged.eventId !== eventId) throw new StoreFailure(`the index of event ${eventId} points at event ${logged.eventId}`);
    return logged;
  }

  function resolvedLogEvent(found: KurrentDbReadRecord): LoggedEvent {
    if (found.link === undefined) {
      throw new StoreFailure(`a link in ${found.record.stream} at revision ${found.record.revision} points at no event of ${names.log}`);
    }
    return toLoggedEvent(names.log, found.record);
  }

  /** The log's events from `position` on, at most `count`, in the direction asked. */
  async function readLog(position: number | 'end', direction: 'forwards' | 'backwards', count: number): Promise<LoggedEvent[]> {
    const from = position === 'end' ? 'end' : position - 1;
    const records = await read(names.log, { from, direction, maxCount: count, resolveLinks: false });
    return records.map(({ record }) => toLoggedEvent(names.log, record));
  }

  /**
   * Appends the links of `positions` to an index stream after its first `after` links. Two writers may index the same
   * commit (the one who wrote it, and one completing it after a crash): the one who finds the links already there
   * checks that they are the same.
   */
  async function linkOnce(stream: string, after: number, positions: readonly number[]): Promise<void> {
    try {
      await connection.append(
        stream,
        positions.map((position) => ({ kind: 'link', data: linkData(names.log, position) })),
        expectedRevisionAfter(after),
      );
      return;
    } catch (error) {
      if (!(error instanceof RevisionConflict)) throw error;
    }
    const found = await read(stream, { from: after, direction: 'forwards', maxCount: positions.length, resolveLinks: false });
    const linked = found.map(({ record }) => (typeof record.data === 'string' ? positionLinkedTo(names.log, record.data) : undefined));
    if (linked.length !== positions.length || linked.some((position, index) => position !== positions[index])) {
      throw new StoreFailure(
        `the index stream ${stream} holds ${JSON.stringify(linked)} after its first ${after} links, where the log says ` +
          `${JSON.stringify(positions)}: the index and the log disagree`,
      );
    }
  }

  /**
   * Indexes one commit: every id first, then the streams. So a stream index that has a commit's links proves that
   * its ids are indexed too, and checking the streams' lengths is enough to know a commit is indexed.
   */
  async function index(commit: readonly LoggedEvent[]): Promise<void> {
    await inParallel(commit, (event) => linkOnce(names.event(event.eventId), 0, [event.position]));
    const byStream = new Map<string, LoggedEvent[]>();
    for (const event of commit) byStream.set(event.streamId, [...(byStream.get(event.streamId) ?? []), event]);
    await inParallel([...byStream.values()], async (events) => {
      const first = events[0] as LoggedEvent;
      await linkOnce(names.stream(first.streamId), first.streamVersion - 1, events.map((event) => event.position));
    });
  }

  /** Reads the log's last event, and indexes its commit if its writer did not get to it. */
  async function readHead(): Promise<Head> {
    const [last] = await readLog('end', 'backwards', 1);
    if (last === undefined) return { position: 0, recordedAt: undefined };
    if (last.position !== last.commitLast) {
      throw new StoreFailure(`the log's last event, at position ${last.position}, says its commit ends at ${last.commitLast}`);
    }
    if (indexedThrough < last.position) {
      const commit = await readLog(last.commitFirst, 'forwards', last.commitLast - last.commitFirst + 1);
      if (!(await isIndexed(commit))) await index(commit);
      indexedThrough = Math.max(indexedThrough, last.position);
    }
    return { position: last.position, recordedAt: last.recordedAt };
  }

  async function isIndexed(commit: readonly LoggedEvent[]): Promise<boolean> {
    const lastVersions = new Map<string, number>();
    for (const event of commit) lastVersions.set(event.streamId, event.streamVersion);
    const indexed = await inParallel([...lastVersions], async ([streamId, version]) => (await streamVersion(streamId)) >= version);
    return indexed.every(Boolean);
  }

  /** One repair at a time per store, shared by the reads that ask for it meanwhile. */
  let repairing: Promise<void> | undefined;
  function repair(): Promise<void> {
    repairing ??= readHead().then(
      () => {
        repairing = undefined;
      },
      (error: unknown) => {
        repairing = undefined;
        throw error;
      },
    );
    return repairing;
  }

  function scheduleWrite(): void {
    if (writer !== undefined || writeScheduled) return;
    writeScheduled = true;
    // Wait for the rest of this turn of the event loop: appends made together are written together.
    setImmediate(() => {
      writeScheduled = false;
      writer = writeAll();
    });
  }

  async function writeAll(): Promise<void> {
    try {
      while (queue.length > 0) {
        await writeBatch(takeBatch());
        wakeAll();
      }
    } finally {
      writer = undefined;
    }
  }

  function takeBatch(): PendingAppend[] {
    let events = 0;
    let bytes = 0;
    let count = 0;
    for (const pending of queue) {
      const length = pending.events.reduce((sum, { body }) => sum + Buffer.byteLength(body), 0);
      if (count > 0 && (events + pending.events.length > maxEventsPerAppend || bytes + length > maxAppendBytes)) break;
      events += pending.events.length;
      bytes += length;
      count += 1;
    }
    const batch = queue.slice(0, count);
    queue = queue.slice(count);
    return batch;
  }

  function writeBatch(batch: readonly PendingAppend[]): Promise<void> {
    return answerBatch(batch, appendToLog, translateKurrentDbError);
  }


  async function appendToLog(batch: readonly PendingAppend[]): Promise<Outcome[]> {
    const since = Date.now();
    for (let attempt = 1; ; attempt += 1) {
      const head = knownHead ?? (await readHead());
      const state = await readState(batch, head);
      const outcomes = decideBatch(batch, state, PLANNED_FORM);
      if (state.accepted.length === 0) return outcomes;
      const commitFirst = head.position + 1;
      const commit = state.accepted.map((event): LoggedEvent => ({ ...event, commitFirst, commitLast: state.position }));
      try {
        await connection.append(
          names.log,
          commit.map((event) => ({ kind: 'event', event: toLogEventData(event) })),
          expectedRevisionAfter(head.position),
        );
      } catch (error) {
        knownHead = undefined;
        if (!(error instanceof RevisionConflict)) throw error;
        // Another process appended first: read the log again, and decide again against what it wrote.
        if (Date.now() - since > CONTENTION_BUDGET_MS) {
          throw new StoreUnavailable(`the log ${names.log} moved on under ${attempt} tries in ${CONTENTION_BUDGET_MS / 1000} s: too many writers contend`);
        }
        // Jittered, a little longer each time (at most 50 ms): colliding writers spread out, and a round stays short.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, attempt * 2)));
        continue;
      }
      try {
        await index(commit);
      } catch (error) {
        // The append is in the log: whoever appends or reads a stream next completes its index.
        knownHead = undefined;
        if (error instanceof StoreFailure) throw error;
        throw new StoreUnavailable(
          `the append is in the log at positions ${commitFirst} to ${state.position}, but its index is not complete ` +
            `(${error instanceof Error ? error.message : String(error)}): a retry with the same event ids is answered as a replay`,
          { cause: error },
        );
      }
      indexedThrough = state.position;
      knownHead = { position: state.position, recordedAt: state.recordedAt };
      return outcomes;
    }
  }

  async function readState(batch: readonly PendingAppend[], head: Head): Promise<BatchState> {
    const streamIds = [...new Set(batch.map((pending) => pending.streamId))];
    const eventIds = batch.flatMap((pending) => pending.events.map(({ event }) => event.eventId));
    const [versions, stored] = await Promise.all([
      inParallel(streamIds, async (streamId) => [streamId, await streamVersion(streamId)] as const),
      inParallel(eventIds, storedEvent),
    ]);
    const now = clock().toISOString();
    return {
      position: head.position,
      // recordedAt never goes backwards along the log, even when the clock does (ISO instants in UTC sort as text).
      recordedAt: head.recordedAt !== undefined && head.recordedAt > now ? head.recordedAt : now,
      versions: new Map(versions),
      stored: new Map(stored.flatMap((event) => (event === undefined ? [] : [[event.eventId, event]]))),
      accepted: [],
    };
  }

  /** Wakes this store's subscriptions when another process appends, through a KurrentDB subscription to the log. */
  function watch(): void {
    if (watcher !== undefined || closed) return;
    const current = connection.watch(names.log, wakeAll, () => {
      // A lost subscription leaves the subscribers polling; the next subscriber watches again.
      if (watcher === current) watcher = undefined;
      void current.stop().catch(() => undefined);
    });
    watcher = current;
  }

  const pageOptions = { isClosed: () => closed, translate: translateKurrentDbError };

  return {
    repair,

    appendToStream(streamId, events, appendOptions: AppendOptions = {}) {
      if (closed) return Promise.reject(new StoreClosed());
      const expectedVersion = appendOptions.expectedVersion ?? 'any';
      let checked: CheckedEvent[];
      try {
        checked = checkAppend(streamId, events, expectedVersion);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new StoreFailure(String(error)));
      }
      return new Promise<AppendResult>((resolve, reject) => {
        queue.push({ streamId, events: checked, expectedVersion, resolve, reject });
        scheduleWrite();
      });
    },

    readStream(streamId, readOptions: ReadStreamOptions = {}) {
      const range = toReadRange('fromVersion', readOptions, readOptions.fromVersion);
      const stream = names.stream(streamId);
      let repaired = false;
      let clamped = false;
      return readPages(
        {
          ...range,
          pageSize: READ_PAGE_SIZE,
          fetch: async (from, count) => {
            // A stream read shows every commit the log has when it begins, also one whose writer died before indexing it.
            if (!repaired) {
              await repair();
              repaired = true;
            }
            const start = range.backwards && !clamped ? await backwardsStart(stream, from) : from - 1;
            clamped = true;
            if (start === undefined) return [];
            const found = await read(stream, { from: start, direction: range.backwards ? 'backwards' : 'forwards', maxCount: count, resolveLinks: true });
            return found.map((record) => {
              const event = resolvedLogEvent(record);
              if (event.streamId !== streamId || event.streamVersion !== (record.link?.revision ?? -1) + 1) {
                throw new StoreFailure(`the index of ${streamId} links version ${(record.link?.revision ?? -1) + 1} to ${event.streamId}@${event.streamVersion}`);
              }
              return toRecordedEvent(event);
            });
          },
          keyOf: (event) => event.streamVersion,
        },
        pageOptions,
      );
    },

    readAll(readOptions: ReadAllOptions = {}) {
      const range = toReadRange('fromPosition', readOptions, readOptions.fromPosition);
      let clamped = false;
      return readPages(
        {
          ...range,
          pageSize: READ_PAGE_SIZE,
          fetch: async (from, count) => {
            const start = range.backwards && !clamped ? await backwardsStart(names.log, from) : from - 1;
            clamped = true;
            if (start === undefined) return [];
            const events = await readLog(start + 1, range.backwards ? 'backwards' : 'forwards', count);
            return events.map(toRecordedEvent);
          },
          keyOf: (event) => event.position,
        },
        pageOptions,
      );
    },

    subscribeToAll(subscribeOptions: SubscribeToAllOptions = {}): AllSubscription {
      return createPollingSubscription({
        fromPosition: toFromPosition(subscribeOptions.fromPosition),
        batchSize: toBatchSize(subscribeOptions.batchSize, 500),
        pollIntervalMs: options.pollIntervalMs ?? 1_000,
        // Positions are revisions of one stream, which KurrentDB makes visible in order: "after the last one" is safe.
        fetch: async (from, count) => {
          if (closed) throw new StoreClosed();
          try {
            return (await readLog(from, 'forwards', count)).map(toRecordedEvent);
          } catch (error) {
            throw pageOptions.isClosed() ? new StoreClosed() : translateKurrentDbError(error);
          }
        },
        onWake: (wake) => {
          watch();
          wakeSubscriptions.add(wake);
          return () => wakeSubscriptions.delete(wake);
        },
        onClose: (end) => {
          closeSubscriptions.add(end);
          return () => closeSubscriptions.delete(end);
        },
      });
    },

    async headPosition() {
      if (closed) throw new StoreClosed();
      try {
        const [last] = await readLog('end', 'backwards', 1);
        return last?.position ?? 0;
      } catch (error) {
        throw pageOptions.isClosed() ? new StoreClosed() : translateKurrentDbError(error);
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      // Appends already accepted are written before the connection goes: acknowledged means in the log and indexed.
      while (writer !== undefined || writeScheduled || queue.length > 0) {
        if (writer !== undefined) await writer;
        else await new Promise((resolve) => setImmediate(resolve));
      }
      for (const end of closeSubscriptions) end();
      await Promise.allSettled([...reading]);
      await watcher?.stop().catch(() => undefined);
      watcher = undefined;
      if (ownsConnection) await connection.dispose();
    },
  };

  /**
   * The revision a backwards read starts at: KurrentDB reads backwards from a revision past the stream's end as an
   * empty range, where the port means "from the last one". Undefined when the stream has no events.
   */
  async function backwardsStart(stream: string, from: number): Promise<number | undefined> {
    const [last] = await read(stream, { from: 'end', direction: 'backwards', maxCount: 1, resolveLinks: false });
    if (last === undefined) return undefined;
    return Math.min(from - 1, last.record.revision);
  }
}

/** Runs `work` on every item, at most PARALLELISM at a time; answers in the items' order. */
async function inParallel<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(PARALLELISM, items.length) }, async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T);
    }
  });
  await Promise.all(workers);
  return results;
}
