import pg from 'pg';
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
import { EventStoreError, StoreClosed, StoreFailure, StoreUnavailable } from './errors.js';
import type { CheckedEvent, EventBody } from './append-checks.js';
import { checkAppend, recordedEvent } from './append-checks.js';
import { answerBatch, decideBatch, type AppendOutcome, type BatchDecisionState, type QueuedAppend, type PlannedRow, type StoredEventForm } from './append-decision.js';
import { migrate } from './postgres-migrations.js';
import { readPages } from './postgres-paged-reader.js';
import { createPollingSubscription } from './polling-subscription.js';
import { toBatchSize, toFromPosition, toReadRange } from './read-options.js';

export interface PostgresEventStoreOptions {
  /** `postgres://user:password@host:port/database`: the store makes its own pool and ends it on close. */
  readonly connectionString?: string;
  /** A pool the caller owns (and ends): the store borrows connections from it and leaves it open on close. */
  readonly pool?: pg.Pool;
  /** Connections of the store's own pool. Appends use one at a time; the rest serve reads. Defaults to 10. */
  readonly maxConnections?: number;
  /** Where `recordedAt` comes from. Defaults to this process's clock. */
  readonly clock?: () => Date;
  /**
   * How often a live subscription looks for new events when nothing woke it. Appends of this store wake its
   * subscriptions at once, and those of other processes through LISTEN/NOTIFY; the poll covers a lost
   * notification connection. Defaults to 1,000 ms.
   */
  readonly pollIntervalMs?: number;
  /**
   * Most events written in one transaction (unless one append alone has more); appends beyond it, or beyond
   * 16 MiB of bodies, wait for the next one. Defaults to 5,000.
   */
  readonly maxEventsPerTransaction?: number;
  /**
   * For tests of the ordering under contention only: runs inside each append transaction that writes, after its
   * rows are inserted and before it commits, holding whatever the transaction holds.
   */
  readonly beforeCommit?: (client: pg.ClientBase) => Promise<unknown>;
}

/**
 * The one lock every append transaction takes first and holds until it has committed. It makes appends to
 * one database run one after another, so that positions are handed out in commit order: a reader who sees
 * position n has seen every position below it. See "PostgreSQL" in docs/EVENT-STORE.md for why this and not
 * a sequence with a high-water mark or transaction ids.
 */
const APPEND_LOCK = '7120546398514790002';

const READ_PAGE_SIZE = 1000;

/** Bodies written in one transaction, in UTF-16 code units: a queue of large events is written in several. */
const MAX_BODY_LENGTH_PER_TRANSACTION = 16 * 1024 * 1024;

/** The channel every append transaction notifies on commit, so that subscribers in other processes wake. */
const CHANNEL = 'quanze_events';

const COLUMNS = `position, event_id, stream_id, stream_version, type,
  to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at, body::text AS body`;

const SQL = {
  // Three answers, taken after the append lock: the head, the streams' versions, the stored ids. $streams and $events
  // are text[] literals: the query goes in one simple-protocol round trip with BEGIN and the lock (see inTransaction).
  // A stream's version is its last row by the (stream_id, stream_version) index, one probe: max() with GROUP BY read
  // every row of the stream, so an append cost more the longer its stream (0.7 ms of a 3 ms transaction at 350).
  state: `
    (SELECT 'head' AS kind, position, NULL AS event_id, NULL AS stream_id, NULL::bigint AS stream_version,
            NULL AS type, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at,
            NULL AS body
       FROM quanze_events ORDER BY position DESC LIMIT 1)
    UNION ALL
    (SELECT 'stream', NULL, NULL, wanted.stream_id, last.stream_version, NULL, NULL, NULL
       FROM unnest($streams) AS wanted(stream_id)
       CROSS JOIN LATERAL (SELECT stream_version FROM quanze_events WHERE stream_id = wanted.stream_id
                            ORDER BY stream_version DESC LIMIT 1) AS last)
    UNION ALL
    (SELECT 'stored', ${COLUMNS} FROM quanze_events WHERE event_id = ANY($events))`,
  // Rows as literals after VALUES, so that the insert, the notification and the commit go in one round trip.
  insert: 'INSERT INTO quanze_events (position, event_id, stream_id, stream_version, type, recorded_at, body) VALUES ',
  head: 'SELECT coalesce(max(position), 0) AS position FROM quanze_events',
  streamForwards: `SELECT ${COLUMNS} FROM quanze_events WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version LIMIT $3`,
  streamBackwards: `SELECT ${COLUMNS} FROM quanze_events WHERE stream_id = $1 AND stream_version <= $2 ORDER BY stream_version DESC LIMIT $3`,
  allForwards: `SELECT ${COLUMNS} FROM quanze_events WHERE position >= $1 ORDER BY position LIMIT $2`,
  allBackwards: `SELECT ${COLUMNS} FROM quanze_events WHERE position <= $1 ORDER BY position DESC LIMIT $2`,
} as const;

/** As read: bigint columns come as strings from pg's default parsers, or as numbers from a caller's pool. */
interface EventRow {
  position: number | string;
  event_id: string;
  stream_id: string;
  stream_version: number | string;
  type: string;
  recorded_at: string;
  body: string;
}

interface StateRow extends Partial<EventRow> {
  kind: 'head' | 'stream' | 'stored';
}

/** A row this store has decided to write, or found written: kept as it is inserted, the body as JSON text. */
type LoggedEvent = PlannedRow;

type PendingAppend = QueuedAppend;

type Outcome = AppendOutcome;

/** What one append transaction knows of the log, kept up to date as it decides its appends one by one. */
type BatchState = BatchDecisionState<LoggedEvent>;

/** Rows are kept as they will be inserted: the body as JSON text, read back by toRecordedEvent as any read is. */
const LOGGED_FORM: StoredEventForm<LoggedEvent> = { fromRow: (row) => row, toRecorded: toRecordedEvent };

/**
 * The server store: one table in a PostgreSQL database, created and migrated by the store itself.
 *
 * Group commit: appends are queued and written by one writer, a transaction at a time; whatever arrived while a
 * transaction was being written goes into the next one. Under the append lock nothing else changes the log, so
 * each append's checks are decided in memory against what the transaction read, and a failing append is simply
 * not written: it never touches its neighbours.
 */
export async function createPostgresEventStore(options: PostgresEventStoreOptions): Promise<EventStore> {
  const ownsPool = options.pool === undefined;
  const pool = options.pool ?? ownPool(options);
  try {
    const client = await pool.connect();
    try {
      await migrate(client);
    } finally {
      client.release();
    }
  } catch (error) {
    if (ownsPool) await pool.end().catch(() => undefined);
    throw translate(error);
  }
  return postgresEventStore(pool, ownsPool, options);
}

function ownPool(options: PostgresEventStoreOptions): pg.Pool {
  if (options.connectionString === undefined) {
    throw new TypeError('a PostgreSQL event store needs a connectionString or a pool');
  }
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    // A server that does not answer fails an append as unavailable rather than leaving it pending for minutes.
    connectionTimeoutMillis: 10_000,
  });
  // A connection that breaks while idle (a server restart) is dropped by the pool and reported here; an unhandled
  // 'error' would end the process. The next query on a fresh connection tells the caller, if the server is gone.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

function postgresEventStore(pool: pg.Pool, ownsPool: boolean, options: PostgresEventStoreOptions): EventStore {
  const clock = options.clock ?? (() => new Date());
  const maxEventsPerTransaction = options.maxEventsPerTransaction ?? 5_000;
  let queue: PendingAppend[] = [];
  let writer: Promise<void> | undefined;
  let writeScheduled = false;
  let closed = false;
  const wakeSubscriptions = new Set<() => void>();
  const closeSubscriptions = new Set<() => void>();
  const wakeAll = () => {
    for (const wake of wakeSubscriptions) wake();
  };
  /** The connection that LISTENs while subscriptions are live; opened by the first subscription. */
  let listener: Promise<{ drop(): void } | undefined> | undefined;

  function listen(): void {
    if (listener !== undefined || closed) return;
    const connecting = (async () => {
      const client = await pool.connect();
      let released = false;
      // Destroyed rather than released: a connection still listening must not go back to the pool.
      const drop = () => {
        if (released) return;
        released = true;
        client.release(true);
      };
      client.on('notification', wakeAll);
      // A lost listening connection leaves the subscriptions polling; the next subscription listens again.
      client.once('error', () => {
        if (listener === connecting) listener = undefined;
        drop();
      });
      try {
        await client.query(`LISTEN ${CHANNEL}`);
      } catch (error) {
        drop();
        throw error;
      }
      // Appends committed while it connected notified nobody: look once more.
      wakeAll();
      return { drop };
    })().catch(() => {
      if (listener === connecting) listener = undefined;
      return undefined;
    });
    listener = connecting;
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
      // Synchronously after the loop saw an empty queue: an append queued from now on schedules a new writer.
      writer = undefined;
    }
  }

  function takeBatch(): PendingAppend[] {
    let events = 0;
    let bodyLength = 0;
    let count = 0;
    for (const pending of queue) {
      const length = pending.events.reduce((sum, { body }) => sum + body.length, 0);
      const full = events + pending.events.length > maxEventsPerTransaction || bodyLength + length > MAX_BODY_LENGTH_PER_TRANSACTION;
      if (count > 0 && full) break;
      events += pending.events.length;
      bodyLength += length;
      count += 1;
    }
    const batch = queue.slice(0, count);
    queue = queue.slice(count);
    return batch;
  }

  function writeBatch(batch: readonly PendingAppend[]): Promise<void> {
    return answerBatch(batch, inTransaction, translate);
  }


  async function inTransaction(batch: readonly PendingAppend[]): Promise<Outcome[]> {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      try {
        const state = await lockAndReadState(client, batch);
        const outcomes = decideBatch(batch, state, LOGGED_FORM);
        if (state.accepted.length === 0) {
          await client.query('COMMIT');
        } else if (options.beforeCommit === undefined) {
          // The lock is held until the commit is durable: a round trip less while holding it is an append more
          // per commit for every process writing to this database. If the INSERT fails, the server runs neither
          // NOTIFY nor COMMIT and the transaction is rolled back below.
          await client.query(`${insertSql(state)}; NOTIFY ${CHANNEL}; COMMIT`);
        } else {
          await client.query(insertSql(state));
          await options.beforeCommit(client);
          await client.query(`NOTIFY ${CHANNEL}; COMMIT`);
        }
        // NOTIFY is delivered at commit, in commit order, to the listeners of every process: see listen().
        return outcomes;
      } catch (error) {
        // Also after a failed BEGIN or lock: a connection must not go back to the pool inside a transaction.
        await client.query('ROLLBACK').catch((rollbackError: unknown) => {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        });
        throw error;
      }
    } catch (error) {
      broken ??= isConnectionLost(error) ? (error as Error) : undefined;
      throw error;
    } finally {
      // A connection whose state is unknown is closed rather than handed to the next user.
      client.release(broken);
    }
  }

  /**
   * BEGIN, the append lock and the state query in one round trip (the simple protocol runs them one after another):
   * read committed whatever the database's default, and the lock in a statement of its own, so that the state
   * query after it takes a snapshot that includes the commit of the lock's previous holder.
   */
  async function lockAndReadState(client: pg.ClientBase, batch: readonly PendingAppend[]): Promise<BatchState> {
    const streamIds = [...new Set(batch.map((pending) => pending.streamId))];
    const eventIds = batch.flatMap((pending) => pending.events.map(({ event }) => event.eventId));
    // One pass, with a function: neither a `$` in an id nor the other placeholder's name inside an id is looked at again.
    const state = SQL.state.replace(/\$(streams|events)/g, (_, name) => textArray(name === 'streams' ? streamIds : eventIds));
    const results = (await client.query(
      `BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(${APPEND_LOCK}); ${state}`,
    )) as unknown as readonly pg.QueryResult<StateRow>[];
    const rows = results[2]?.rows;
    if (!Array.isArray(results) || rows === undefined) throw new StoreFailure('PostgreSQL did not answer the append state query');
    const now = clock().toISOString();
    let position = 0;
    let lastRecordedAt: string | undefined;
    const versions = new Map<string, number>();
    const stored = new Map<string, LoggedEvent>();
    for (const row of rows) {
      if (row.kind === 'head') {
        position = Number(row.position);
        lastRecordedAt = row.recorded_at;
      } else if (row.kind === 'stream') {
        versions.set(row.stream_id as string, Number(row.stream_version));
      } else {
        const event = toLoggedEvent(row as EventRow);
        stored.set(event.eventId, event);
      }
    }
    // recordedAt never goes backwards along the log, even when the clock does (ISO instants in UTC sort as text).
    const recordedAt = lastRecordedAt !== undefined && lastRecordedAt > now ? lastRecordedAt : now;
    return { position, recordedAt, versions, stored, accepted: [] };
  }

  function insertSql(state: BatchState): string {
    const recordedAt = `${literal(state.recordedAt)}::timestamptz`;
    const rows = state.accepted.map(
      (row) =>
        `(${String(row.position)}, ${literal(row.eventId)}, ${literal(row.streamId)}, ${String(row.streamVersion)}, ` +
        `${literal(row.type)}, ${recordedAt}, ${literal(row.body)}::json)`,
    );
    return `${SQL.insert}${rows.join(', ')}`;
  }

  /** Reads in flight: close() lets them finish before it ends the pool, which would otherwise drop them unanswered. */
  const reading = new Set<Promise<unknown>>();

  function read<TRow extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<TRow[]> {
    const pending = pool.query<TRow>(sql, values).then((result) => result.rows);
    reading.add(pending);
    const forget = () => reading.delete(pending);
    pending.then(forget, forget);
    return pending;
  }

  async function query(sql: string, values: unknown[]): Promise<RecordedEvent[]> {
    const rows = await read<EventRow>(sql, values);
    return rows.map((row) => toRecordedEvent(toLoggedEvent(row)));
  }

  const pageOptions = { isClosed: () => closed, translate };

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
        queue.push({ streamId, events: checked, expectedVersion, resolve, reject });
        scheduleWrite();
      });
    },

    readStream(streamId, readOptions: ReadStreamOptions = {}) {
      const range = toReadRange('fromVersion', readOptions, readOptions.fromVersion);
      return readPages(
        {
          ...range,
          pageSize: READ_PAGE_SIZE,
          fetch: (from, count) => query(range.backwards ? SQL.streamBackwards : SQL.streamForwards, [streamId, from, count]),
          keyOf: (event) => event.streamVersion,
        },
        pageOptions,
      );
    },

    readAll(readOptions: ReadAllOptions = {}) {
      const range = toReadRange('fromPosition', readOptions, readOptions.fromPosition);
      return readPages(
        {
          ...range,
          pageSize: READ_PAGE_SIZE,
          fetch: (from, count) => query(range.backwards ? SQL.allBackwards : SQL.allForwards, [from, count]),
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
        // Positions are committed in order (the append lock), so "after the last delivered position" is safe.
        fetch: async (from, count) => {
          if (closed) throw new StoreClosed();
          try {
            return await query(SQL.allForwards, [from, count]);
          } catch (error) {
            throw translate(error);
          }
        },
        onWake: (wake) => {
          listen();
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
        const rows = await read<{ position: number | string }>(SQL.head);
        return Number(rows[0]?.position ?? 0);
      } catch (error) {
        throw translate(error);
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      // Appends already accepted are written before the connections go: acknowledged means committed.
      while (writer !== undefined || writeScheduled || queue.length > 0) {
        if (writer !== undefined) await writer;
        else await new Promise((resolve) => setImmediate(resolve));
      }
      for (const end of closeSubscriptions) end();
      await Promise.allSettled([...reading]);
      (await listener)?.drop();
      if (ownsPool) await pool.end();
    },
  };
}

/**
 * A string as an SQL literal, for SQL sent without parameters: an escape string (E'…'), in which only a backslash
 * and a quote are special, both escaped here — whatever standard_conforming_strings says. (pg's escapeLiteral walks
 * the string a character at a time: a thousand bodies took it 100 ms.)
 */
function literal(value: string): string {
  return `E'${value.replace(/[\\']/g, (character) => (character === "'" ? "''" : '\\\\'))}'`;
}

function textArray(values: readonly string[]): string {
  return `ARRAY[${values.map(literal).join(', ')}]::text[]`;
}

function toLoggedEvent(row: EventRow): LoggedEvent {
  return {
    position: Number(row.position),
    eventId: row.event_id,
    streamId: row.stream_id,
    streamVersion: Number(row.stream_version),
    type: row.type,
    recordedAt: row.recorded_at,
    body: row.body,
  };
}

function toRecordedEvent(logged: LoggedEvent): RecordedEvent {
  return recordedEvent(logged, JSON.parse(logged.body) as EventBody);
}

/** SQLSTATE classes and codes after which the same call may succeed: the connection, the server, a lock. */
const RETRIABLE_SQLSTATE = /^(08|53|57P0[1-3]|40001|40P01|55P03|57014)/;
const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function isConnectionLost(error: unknown): boolean {
  const code = codeOf(error);
  if (code !== undefined && (CONNECTION_ERRORS.has(code) || /^(08|57P0[1-3])/.test(code))) return true;
  return error instanceof Error && /Connection terminated|Client has encountered a connection error/.test(error.message);
}

function translate(error: unknown): EventStoreError {
  if (error instanceof EventStoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = codeOf(error);
  if (isConnectionLost(error) || (code !== undefined && RETRIABLE_SQLSTATE.test(code))) {
    // After a lost connection a commit may or may not have happened: a retry with the same event ids is safe,
    // since an append already stored is answered as a replay.
    return new StoreUnavailable(`PostgreSQL is unavailable (${code ?? 'connection'}): ${message}`, { cause: error });
  }
  if (/Cannot use a pool after calling end/.test(message)) return new StoreClosed();
  if (/timeout exceeded when trying to connect/.test(message)) {
    return new StoreUnavailable(`PostgreSQL did not answer: ${message}`, { cause: error });
  }
  return new StoreFailure(`PostgreSQL failed${code === undefined ? '' : ` (${code})`}: ${message}`, { cause: error });
}
