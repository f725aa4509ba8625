import Database from 'better-sqlite3';
import type { RecordedEvent } from '@quanze/events';
import type {
  AllSubscription,
  AppendOptions,
  AppendResult,
  EventStore,
  ReadAllOptions,
  ReadStreamOptions,
  SubscribeToAllOptions,
} from './event-store.js';
import {
  DuplicateEventId,
  EventStoreError,
  StoreClosed,
  StoreFailure,
  StoreUnavailable,
} from './errors.js';
import type { CheckedEvent, EventBody } from './append-checks.js';
import { failBatch, settleBatch } from './append-decision.js';
import type { AppendOutcome, QueuedAppend } from './append-decision.js';
import { checkAppend, checkExpectedVersion, expectsFirstVersion, sameContent } from './append-checks.js';
import { createPagedReader } from './paged-reader.js';
import { createPollingSubscription } from './polling-subscription.js';
import { openSqliteFile } from './sqlite-file.js';
import { toBatchSize, toFromPosition, toReadRange } from './read-options.js';

export interface SqliteEventStoreOptions {
  /** The database file; its folder is created if missing. */
  readonly path: string;
  /** Where `recordedAt` comes from. Defaults to the system clock. */
  readonly clock?: () => Date;
  /**
   * How often a live subscription looks for events written by other processes. Appends made through
   * this store wake its subscriptions at once; the poll only covers other writers of the same file.
   */
  readonly pollIntervalMs?: number;
  /** How long a writer waits for another process holding the write lock before failing retriably. */
  readonly busyTimeoutMs?: number;
}

/** `PRAGMA user_version`: bumped by each migration below, never edited once released. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE events (
     position        INTEGER PRIMARY KEY,
     event_id        TEXT NOT NULL UNIQUE,
     stream_id       TEXT NOT NULL,
     stream_version  INTEGER NOT NULL,
     type            TEXT NOT NULL,
     recorded_at     TEXT NOT NULL,
     body            TEXT NOT NULL,
     UNIQUE (stream_id, stream_version)
   ) STRICT`,
];

interface EventRow {
  position: number;
  event_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  recorded_at: string;
  /** JSON of the writer's part of the envelope and the data: see EventBody. */
  body: string;
}

const READ_PAGE_SIZE = 1000;

/**
 * The embedded default: one SQLite file in WAL mode with `synchronous=FULL`, so an append resolves only
 * once its transaction is on disk.
 *
 * Group commit: better-sqlite3 is synchronous, so appends arriving in the same turn of the event loop are
 * queued and written together in one transaction (one fsync) on the next turn. Each append runs inside its
 * own savepoint with its own expected-version check, so one append's failure never touches its neighbours.
 */
export function createSqliteEventStore(options: SqliteEventStoreOptions): EventStore {
  const db = openDatabase(options);

  const clock = options.clock ?? (() => new Date());
  const statements = {
    head: db.prepare<[], { position: number; recorded_at: string }>(
      'SELECT position, recorded_at FROM events ORDER BY position DESC LIMIT 1',
    ),
    streamVersion: db
      .prepare<[string], number | null>('SELECT max(stream_version) FROM events WHERE stream_id = ?')
      .pluck(),
    byEventId: db.prepare<[string], EventRow>('SELECT * FROM events WHERE event_id = ?'),
    insert: db.prepare<[number, string, string, number, string, string, string]>(
      `INSERT INTO events (position, event_id, stream_id, stream_version, type, recorded_at, body)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    streamForwards: db.prepare<[string, number, number], EventRow>(
      'SELECT * FROM events WHERE stream_id = ? AND stream_version >= ? ORDER BY stream_version LIMIT ?',
    ),
    streamBackwards: db.prepare<[string, number, number], EventRow>(
      'SELECT * FROM events WHERE stream_id = ? AND stream_version <= ? ORDER BY stream_version DESC LIMIT ?',
    ),
    allForwards: db.prepare<[number, number], EventRow>(
      'SELECT * FROM events WHERE position >= ? ORDER BY position LIMIT ?',
    ),
    allBackwards: db.prepare<[number, number], EventRow>(
      'SELECT * FROM events WHERE position <= ? ORDER BY position DESC LIMIT ?',
    ),
  };

  let queue: QueuedAppend[] = [];
  let flushScheduled = false;
  let closed = false;
  const wakeSubscriptions = new Set<() => void>();
  const closeSubscriptions = new Set<() => void>();

  /**
   * One append inside the group transaction; throws an EventStoreError, having written nothing, to fail
   * it alone. The happy path costs one statement per append (the stream's version) and one per event (the insert).
   * Replays are recognised only on the way to a failure (a stale version or a stored id).
   */
  function appendOne(pending: QueuedAppend, head: { position: number; recordedAt: string }): AppendResult {
    const { streamId, events } = pending;
    const first = events[0];
    const storedFirst = () => (first === undefined ? undefined : statements.byEventId.get(first.event.eventId));
    const current = statements.streamVersion.get(streamId) ?? 0;
    try {
      checkExpectedVersion(streamId, pending.expectedVersion, current);
    } catch (error) {
      const stored = storedFirst();
      if (stored !== undefined) return replayOrConflict(pending, stored);
      throw error;
    }
    // The shared head moves only once the whole append is in: a failed append leaves no gap.
    const firstPosition = head.position + 1;
    for (const [index, { event, body }] of events.entries()) {
      try {
        statements.insert.run(firstPosition + index, event.eventId, streamId, current + index + 1, event.type, head.recordedAt, body);
      } catch (error) {
        if (!isUniqueViolation(error, 'events.event_id')) throw error;
        const stored = index === 0 ? storedFirst() : undefined;
        if (stored !== undefined) return replayOrConflict(pending, stored);
        throw new DuplicateEventId(event.eventId, streamId, 'this event id is already stored as another event');
      }
    }
    head.position += events.length;
    const recordedAt = head.recordedAt;
    let recorded: readonly RecordedEvent[] | undefined;
    return {
      nextExpectedVersion: current + events.length,
      positions: events.map((_, index) => firstPosition + index),
      // Built when asked for, from the stored bodies, so the result says exactly what any later read will;
      // most writers only want the positions, and a batch of 1,000 need not parse 1,000 bodies for them.
      get events() {
        recorded ??= events.map(({ event, body }, index) =>
          toRecordedEvent({
            position: firstPosition + index,
            event_id: event.eventId,
            stream_id: streamId,
            stream_version: current + index + 1,
            type: event.type,
            recorded_at: recordedAt,
            body,
          }),
        );
        return recorded;
      },
      idempotentReplay: false,
    };
  }

  // A failing statement undoes itself, so a single-event append needs no savepoint; a longer one does,
  // or a failure at its third event would leave the first two in its neighbours' transaction.
  const appendOneInSavepoint = db.transaction(appendOne);

  /** The first id is stored: a retry of the very same append is answered from the log, anything else is refused. */
  function replayOrConflict(pending: QueuedAppend, firstStored: EventRow): AppendResult {
    const recorded: RecordedEvent[] = [];
    if (!expectsFirstVersion(pending.expectedVersion, firstStored.stream_version)) {
      throw new DuplicateEventId(
        firstStored.event_id,
        pending.streamId,
        `already stored at version ${firstStored.stream_version}, where expected version ${String(pending.expectedVersion)} would not put it`,
      );
    }
    for (const [index, checked] of pending.events.entries()) {
      const event = checked.event;
      const stored = index === 0 ? firstStored : statements.byEventId.get(event.eventId);
      const expectedVersion = firstStored.stream_version + index;
      if (stored === undefined) {
        // Name the id that is stored: it is the one a person must look up.
        throw new DuplicateEventId(
          firstStored.event_id,
          pending.streamId,
          `already stored (in ${firstStored.stream_id} at version ${firstStored.stream_version}), but event ${event.eventId} of the same append is not`,
        );
      }
      if (stored.stream_id !== pending.streamId || stored.stream_version !== expectedVersion) {
        throw new DuplicateEventId(
          event.eventId,
          pending.streamId,
          `already stored in ${stored.stream_id} at version ${stored.stream_version}`,
        );
      }
      const storedEvent = toRecordedEvent(stored);
      if (!sameContent(storedEvent, checked)) {
        throw new DuplicateEventId(event.eventId, pending.streamId, 'already stored with other content');
      }
      recorded.push(storedEvent);
    }
    const last = recorded.at(-1);
    return {
      nextExpectedVersion: last?.streamVersion ?? 0,
      positions: recorded.map((event) => event.position),
      events: recorded,
      idempotentReplay: true,
    };
  }

  const writeBatch = db.transaction((batch: readonly QueuedAppend[]): AppendOutcome[] => {
    const last = statements.head.get();
    const now = clock().toISOString();
    // recordedAt never goes backwards along the log, even when the system clock does.
    const head = {
      position: last?.position ?? 0,
      recordedAt: last !== undefined && last.recorded_at > now ? last.recorded_at : now,
    };
    return batch.map((pending): AppendOutcome => {
      try {
        const result = pending.events.length > 1 ? appendOneInSavepoint(pending, head) : appendOne(pending, head);
        return { ok: true, result };
      } catch (error) {
        if (error instanceof EventStoreError) return { ok: false, error };
        throw error;
      }
    });
  });

  function flush(): void {
    flushScheduled = false;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    let outcomes: AppendOutcome[];
    try {
      outcomes = writeBatch.immediate(batch);
    } catch (error) {
      failBatch(batch, translate(error));
      return;
    }
    settleBatch(batch, outcomes);
    for (const wake of wakeSubscriptions) wake();
  }

  const pagedReader = createPagedReader<EventRow>({
    isClosed: () => closed,
    translate,
    toEvent: toRecordedEvent,
  });

  return {
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
        queue.push({
          streamId,
          events: checked,
          expectedVersion,
          resolve,
          reject,
        });
        if (!flushScheduled) {
          flushScheduled = true;
          setImmediate(flush);
        }
      });
    },

    readStream(streamId, readOptions: ReadStreamOptions = {}) {
      const range = toReadRange('fromVersion', readOptions, readOptions.fromVersion);
      return pagedReader.read({
        ...range,
        pageSize: READ_PAGE_SIZE,
        fetch: (from, count) =>
          (range.backwards ? statements.streamBackwards : statements.streamForwards).all(streamId, from, count),
        keyOf: (row) => row.stream_version,
      });
    },

    readAll(readOptions: ReadAllOptions = {}) {
      const range = toReadRange('fromPosition', readOptions, readOptions.fromPosition);
      return pagedReader.read({
        ...range,
        pageSize: READ_PAGE_SIZE,
        fetch: (from, count) => (range.backwards ? statements.allBackwards : statements.allForwards).all(from, count),
        keyOf: (row) => row.position,
      });
    },

    subscribeToAll(subscribeOptions: SubscribeToAllOptions = {}): AllSubscription {
      return createPollingSubscription({
        fromPosition: toFromPosition(subscribeOptions.fromPosition),
        batchSize: toBatchSize(subscribeOptions.batchSize, 500),
        pollIntervalMs: options.pollIntervalMs ?? 250,
        fetch: (from, count) => {
          if (closed) throw new StoreClosed();
          try {
            return statements.allForwards.all(from, count).map(toRecordedEvent);
          } catch (error) {
            throw translate(error);
          }
        },
        onWake: (wake) => {
          wakeSubscriptions.add(wake);
          return () => wakeSubscriptions.delete(wake);
        },
        onClose: (end) => {
          closeSubscriptions.add(end);
          return () => closeSubscriptions.delete(end);
        },
      });
    },

    headPosition() {
      if (closed) return Promise.reject(new StoreClosed());
      try {
        return Promise.resolve(statements.head.get()?.position ?? 0);
      } catch (error) {
        return Promise.reject(translate(error));
      }
    },

    close() {
      if (closed) return Promise.resolve();
      // Appends already accepted are written before the file is released: acknowledged means on disk.
      flush();
      closed = true;
      for (const end of closeSubscriptions) end();
      db.close();
      return Promise.resolve();
    },
  };
}

function openDatabase(options: SqliteEventStoreOptions): Database.Database {
  let db: Database.Database | undefined;
  try {
    // page_size stays SQLite's 4 KiB: 8 KiB made 1,000-event batches ~5% faster but single appends ~12% slower
    // (each commit writes whole pages to the WAL), and single appends are what commands make.
    db = openSqliteFile(options.path, { synchronous: 'FULL', busyTimeoutMs: options.busyTimeoutMs, cacheKiB: 32_000 });
    migrate(db);
    return db;
  } catch (error) {
    db?.close();
    throw translate(error);
  }
}

function migrate(db: Database.Database): void {
  // The version is read under the write lock: two processes opening a new file together must not both
  // create its tables.
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > MIGRATIONS.length) {
      throw new StoreFailure(
        `this database has schema version ${current}, newer than this Quanze knows (${MIGRATIONS.length}): upgrade Quanze`,
      );
    }
    MIGRATIONS.slice(current).forEach((sql, index) => {
      db.exec(sql);
      db.pragma(`user_version = ${current + index + 1}`);
    });
  }).immediate();
}

// Written out rather than through recordedEvent(): this is the hot path of every rebuild, and needs no columns object.
function toRecordedEvent(row: EventRow): RecordedEvent {
  const body = JSON.parse(row.body) as EventBody;
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

function sqliteCode(error: unknown): string | undefined {
  return error instanceof Database.SqliteError ? error.code : undefined;
}

function isUniqueViolation(error: unknown, column: string): boolean {
  return sqliteCode(error) === 'SQLITE_CONSTRAINT_UNIQUE' && error instanceof Error && error.message.includes(column);
}

function translate(error: unknown): EventStoreError {
  if (error instanceof EventStoreError) return error;
  const code = sqliteCode(error);
  if (code !== undefined && /^SQLITE_(BUSY|LOCKED)/.test(code)) {
    return new StoreUnavailable(`SQLite is busy (${code}): another writer holds the database`, { cause: error });
  }
  if (error instanceof TypeError && /database connection is not open/.test(error.message)) return new StoreClosed();
  return new StoreFailure(`SQLite failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}
