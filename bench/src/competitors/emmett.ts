import type { Event } from '@event-driven-io/emmett';
import {
  appendToStream,
  createEventStoreSchema,
  getSQLiteEventStore,
  readMessagesBatch,
  readStream,
  sqliteConnection,
} from '@event-driven-io/emmett-sqlite';
import type { SQLiteConnection, SQLiteEventStore } from '@event-driven-io/emmett-sqlite';
import { PREFILL_STREAM_PREFIX, newPrefillStreamId, newStreamId } from '../sample-event.js';
import type { EventFactory, SampleDecision, SampleEvent } from '../sample-event.js';
import type { Check, Measurement } from '../scenario.js';
import { OrderTracker, PROBE_APPENDS_PER_LOOP, check, inParallel, timed } from '../scenario.js';
import type { Competitor } from './competitor.js';
import { ErrorTally } from './competitor.js';

/** Our envelope's fields that Emmett has no column for travel in its message metadata. */
type EmmettMetadata = Pick<SampleEvent, 'eventId' | 'occurredAt' | 'actor' | 'causationId' | 'correlationId' | 'commandId'>;
type EmmettDecision = Event<'decision.made.v1', SampleDecision, EmmettMetadata>;

const STREAM_TYPE = 'decision';

function toEmmett(event: SampleEvent): EmmettDecision {
  const { type, data, ...metadata } = event;
  return { type, data, metadata };
}

/** How one series appends and finds a stream's version after a failure; the scenarios are shared. */
interface EmmettAppender {
  append(streamId: string, events: EmmettDecision[], expected: bigint): Promise<bigint>;
  streamVersion(streamId: string): Promise<bigint>;
  close(): Promise<void>;
}

/**
 * Emmett's SQLite store as its docs show it: `getSQLiteEventStore({ fileName })`. It opens the file (and sets
 * WAL) around every call and closes it after; its connection is never handed out except inside a transaction.
 */
export function createEmmettCompetitor(makeEvent: EventFactory): Competitor {
  const console = captureConsole();
  const errors = new ErrorTally();
  const notes: string[] = [];

  const open = (file: string): EmmettAppender => {
    const store = getSQLiteEventStore({ fileName: file });
    return {
      append: async (streamId, events, expected) =>
        (await store.appendToStream(streamId, events, { expectedStreamVersion: expected })).nextExpectedStreamVersion,
      streamVersion: async (streamId) => (await store.readStream(streamId)).currentStreamVersion,
      close: () => Promise.resolve(),
    };
  };

  return {
    ...emmettScenarios(open, errors, makeEvent),
    sqliteVersion: emmettSqliteVersion,

    async durability(file) {
      // The only way to Emmett's own connection is the onBeforeCommit hook, which runs inside the transaction.
      const found: string[] = [];
      const store = getSQLiteEventStore({
        fileName: file,
        hooks: {
          onBeforeCommit: async (_messages, { connection }) => {
            const synchronous = await connection.querySingle<{ synchronous: number }>('PRAGMA synchronous');
            const journal = await connection.querySingle<{ journal_mode: string }>('PRAGMA journal_mode');
            found.push(`journal_mode=${journal?.journal_mode ?? '?'}`);
            found.push(
              `synchronous=${synchronous?.synchronous ?? '?'}${synchronous?.synchronous === 2 ? ' (FULL)' : ''}` +
                ' on the connections Emmett opens (the sqlite3 build’s default: SQLITE_DEFAULT_WAL_SYNCHRONOUS=2)',
            );
            const setting = await connection.command('PRAGMA synchronous = FULL').then(
              () => 'accepted',
              (error: unknown) => (error instanceof Error ? error.message : String(error)),
            );
            found.push(`setting it through the API is not possible: the hook runs inside the transaction ("${setting}")`);
          },
        },
      });
      await store.appendToStream(newStreamId(), [toEmmett(makeEvent(0))], { expectedStreamVersion: 0n });
      return found;
    },

    async readAll(file, config, stored): Promise<Measurement[]> {
      const store = getSQLiteEventStore({ fileName: file });
      const held = sqliteConnection({ fileName: file });
      const last = await held.querySingle<{ last: number }>('SELECT max(global_position) AS last FROM emt_messages');
      const lastPosition = BigInt(last?.last ?? 0);
      const tracker = new OrderTracker();
      const processorId = 'bench-read-all';
      const result = await timed(async () => {
        await consumeAll(store, { processorId, startFrom: 'BEGINNING', batchSize: config.batchSize, lastPosition, tracker });
        return { events: tracker.delivered };
      });
      const checkpoint = await held.querySingle<{ last_processed_position: number }>(
        'SELECT last_processed_position FROM emt_subscriptions WHERE subscription_id = ?',
        [processorId],
      );
      held.close();
      const stuck = BigInt(checkpoint?.last_processed_position ?? -1) !== lastPosition;
      if (stuck) {
        notes.push(
          `consumer checkpoint after a full read is ${checkpoint?.last_processed_position ?? 'missing'}, not ${lastPosition}: ` +
            'a processor restarted from CURRENT would deliver the events after it again',
        );
      }
      return [
        {
          scenario: 'readAll',
          label: `store.consumer() with one processor from BEGINNING (batchSize ${config.batchSize}, pullingFrequencyInMs 0); it writes its checkpoint per message`,
          ...result,
          checks: [
            ...tracker.checks(stored),
            check('consumer checkpoint reached the end', !stuck, `checkpoint ${checkpoint?.last_processed_position ?? 'none'} of ${lastPosition}`),
            await restartCheck(`${file}.restart`, config.batchSize, makeEvent),
          ],
        },
      ];
    },

    notes() {
      const printed = console.lines();
      return [
        ...notes,
        ...errors.describe().map((line) => `append failures: ${line}`),
        ...(printed > 0 ? [`Emmett printed ${printed} error(s) to the console (withTransaction logs each rollback)`] : []),
      ];
    },
  };
}

/** Emmett's exported functions on one connection held for the whole scenario, synchronous=FULL set on it. */
export function createEmmettHeldCompetitor(makeEvent: EventFactory): Competitor {
  const console = captureConsole();
  const errors = new ErrorTally();

  const open = (file: string): EmmettAppender => {
    const connection = heldConnection(file);
    return {
      append: async (streamId, events, expected) => {
        const result = await appendToStream(await connection, streamId, STREAM_TYPE, events, {
          expectedStreamVersion: expected,
        });
        if (!result.success) throw new Error('appendToStream answered success: false (version conflict)');
        return result.nextStreamPosition;
      },
      streamVersion: async (streamId) => (await readStream(await connection, streamId)).currentStreamVersion,
      close: async () => {
        (await connection).close();
      },
    };
  };

  return {
    ...emmettScenarios(open, errors, makeEvent),
    sqliteVersion: emmettSqliteVersion,

    async durability(file) {
      const db = await heldConnection(file);
      const synchronous = await db.querySingle<{ synchronous: number }>('PRAGMA synchronous');
      const journal = await db.querySingle<{ journal_mode: string }>('PRAGMA journal_mode');
      db.close();
      return [
        `journal_mode=${journal?.journal_mode ?? '?'}`,
        `synchronous=${synchronous?.synchronous ?? '?'}${synchronous?.synchronous === 2 ? ' (FULL)' : ''} (set explicitly on the held connection)`,
      ];
    },

    async readAll(file, config, stored): Promise<Measurement[]> {
      const db = await heldConnection(file);
      const tracker = new OrderTracker();
      const result = await timed(async () => {
        let after = 0n;
        for (;;) {
          const batch = await readMessagesBatch<EmmettDecision>(db, { after, batchSize: config.batchSize });
          for (const message of batch.messages) tracker.see(Number(message.metadata.globalPosition));
          after = batch.currentGlobalPosition;
          if (!batch.areEventsLeft) break;
        }
        return { events: tracker.delivered };
      });
      db.close();
      return [
        {
          scenario: 'readAll',
          label: `readMessagesBatch({ after, batchSize: ${config.batchSize} }) until no events are left: data and metadata JSON-parsed`,
          ...result,
          checks: tracker.checks(stored),
        },
      ];
    },

    notes() {
      const printed = console.lines();
      return [
        ...errors.describe().map((line) => `append failures: ${line}`),
        ...(printed > 0 ? [`Emmett printed ${printed} error(s) to the console (withTransaction logs each rollback)`] : []),
      ];
    },
  };
}

/** A connection set up the way Emmett's store sets up its own, plus synchronous=FULL, and the schema. */
async function heldConnection(file: string): Promise<SQLiteConnection> {
  const db = sqliteConnection({ fileName: file });
  await db.command('PRAGMA synchronous = FULL');
  await createEventStoreSchema(db);
  return db;
}

/** The scenarios both Emmett series share; they differ only in how they reach the database. */
function emmettScenarios(
  open: (file: string) => EmmettAppender,
  errors: ErrorTally,
  makeEvent: EventFactory,
): Pick<Competitor, 'prefill' | 'warmUp' | 'sequential' | 'concurrent' | 'batch'> {
  return {
    async prefill(file, events, batchSize) {
      const appender = open(file);
      for (let written = 0; written < events; written += batchSize) {
        const batch = Array.from({ length: Math.min(batchSize, events - written) }, (_, i) => toEmmett(makeEvent(written + i)));
        await appender.append(newPrefillStreamId(), batch, 0n);
      }
      await appender.close();
    },

    async warmUp(file) {
      const appender = open(file);
      const streamId = newStreamId();
      let expected = 0n;
      for (let i = 0; i < 50; i += 1) expected = await appender.append(streamId, [toEmmett(makeEvent(i))], expected);
      await appender.append(newStreamId(), Array.from({ length: 1000 }, (_, i) => toEmmett(makeEvent(i))), 0n);
      await appender.close();
    },

    async sequential(file, config) {
      const appender = open(file);
      const streamId = newStreamId();
      const acknowledged = new Set<string>();
      let expected = 0n;
      const result = await timed(async () => {
        for (let i = 0; i < config.sequentialEvents; i += 1) {
          expected = await appender.append(streamId, [toEmmett(makeEvent(i))], expected);
          acknowledged.add(`${streamId}#${expected}`);
        }
        return { events: config.sequentialEvents };
      });
      await appender.close();
      return {
        scenario: 'sequential',
        label: 'one stream, one event per append, expectedStreamVersion = the last nextExpectedStreamVersion',
        ...result,
        checks: (await storedChecks(file, acknowledged)).checks,
      };
    },

    async concurrent(file, config) {
      const appender = open(file);
      const acknowledged = new Set<string>();
      let abandoned = 0;
      const result = await timed(async () => {
        let failures = 0;
        await inParallel(config.appenders, async () => {
          const streamId = newStreamId();
          let expected = 0n;
          for (let i = 0; i < config.eventsPerAppender; i += 1) {
            try {
              expected = await appender.append(streamId, [toEmmett(makeEvent(i))], expected);
              acknowledged.add(`${streamId}#${expected}`);
            } catch (error) {
              failures += 1;
              errors.add(error);
              const version = await resync(appender, streamId, errors);
              if (version === undefined) {
                abandoned += 1;
                failures += config.eventsPerAppender - i - 1;
                return;
              }
              expected = version;
            }
          }
        });
        return { events: acknowledged.size, failures };
      });
      await appender.close();
      const { checks, durable } = await storedChecks(file, acknowledged);
      if (abandoned > 0) checks.push(check('no appender gave up', false, `${abandoned} loops could not read their stream back`));
      return {
        scenario: 'concurrent',
        label:
          `${config.appenders} async loops, each on its own stream, awaiting each single-event append; ` +
          'counts only acknowledged events found in the file afterwards',
        ...result,
        events: durable,
        eventsPerSecond: durable / result.seconds,
        checks: [...checks, await visibilityCheck(open, `${file}.probe`, config.appenders, errors, makeEvent)],
      };
    },

    async batch(file, config) {
      const appender = open(file);
      const batches = Math.ceil(config.logEvents / config.batchSize);
      const acknowledged = new Set<string>();
      const result = await timed(async () => {
        for (let b = 0; b < batches; b += 1) {
          const streamId = newStreamId();
          const batch = Array.from({ length: config.batchSize }, (_, i) => toEmmett(makeEvent(b * config.batchSize + i)));
          await appender.append(streamId, batch, 0n);
          for (let version = 1; version <= batch.length; version += 1) acknowledged.add(`${streamId}#${version}`);
        }
        return { events: acknowledged.size };
      });
      await appender.close();
      return {
        scenario: 'batch',
        label: `${config.batchSize} events per append (one multi-row INSERT), each batch a new stream`,
        ...result,
        checks: (await storedChecks(file, acknowledged)).checks,
      };
    },
  };
}

/** After a failed append: where the stream really is (the failure may have been written anyway). */
async function resync(appender: EmmettAppender, streamId: string, errors: ErrorTally): Promise<bigint | undefined> {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    try {
      return await appender.streamVersion(streamId);
    } catch (error) {
      errors.add(error);
    }
  }
  return undefined;
}

/**
 * Compares what was acknowledged with what a fresh connection finds in the file, both ways; `durable` is the
 * number of acknowledged events that are really there, the only ones a throughput figure may count.
 */
async function storedChecks(file: string, acknowledged: ReadonlySet<string>): Promise<{ checks: Check[]; durable: number }> {
  const db = sqliteConnection({ fileName: file });
  const rows = await db.query<{ stream_id: string; stream_position: number }>(
    "SELECT stream_id, stream_position FROM emt_messages WHERE stream_id NOT LIKE ? || '%'",
    [PREFILL_STREAM_PREFIX],
  );
  db.close();
  const stored = new Set(rows.map((row) => `${row.stream_id}#${row.stream_position}`));
  let missing = 0;
  for (const key of acknowledged) if (!stored.has(key)) missing += 1;
  let unacknowledged = 0;
  for (const key of stored) if (!acknowledged.has(key)) unacknowledged += 1;
  return {
    durable: acknowledged.size - missing,
    checks: [
      check('every acknowledged event stored', missing === 0, `${acknowledged.size} acknowledged, ${missing} of them missing from the file`),
      check(
        'nothing stored that was reported failed',
        unacknowledged === 0,
        `${unacknowledged} stored events whose append was reported failed (a retry would write them twice)`,
      ),
    ],
  };
}

/**
 * Untimed: the concurrent load, a couple of appends per loop, and after each acknowledgement a separate connection looks
 * for the event. An event that is not there yet was acknowledged before its transaction committed.
 */
async function visibilityCheck(
  open: (file: string) => EmmettAppender,
  file: string,
  appenders: number,
  errors: ErrorTally,
  makeEvent: EventFactory,
): Promise<Check> {
  const appender = open(file);
  await appender.append(newStreamId(), [toEmmett(makeEvent(0))], 0n); // creates the schema
  const observer = sqliteConnection({ fileName: file });
  let acknowledged = 0;
  let invisible = 0;
  await inParallel(appenders, async () => {
    const streamId = newStreamId();
    let expected = 0n;
    for (let i = 0; i < PROBE_APPENDS_PER_LOOP; i += 1) {
      try {
        expected = await appender.append(streamId, [toEmmett(makeEvent(i))], expected);
      } catch (error) {
        errors.add(error);
        const version = await resync(appender, streamId, errors);
        if (version === undefined) return;
        expected = version;
        continue;
      }
      acknowledged += 1;
      const found = await observer.querySingle<{ found: number }>(
        'SELECT count(*) AS found FROM emt_messages WHERE stream_id = ? AND stream_position = ?',
        [streamId, expected.toString()],
      );
      if ((found?.found ?? 0) === 0) invisible += 1;
    }
  });
  await appender.close();
  observer.close();
  return check(
    'acknowledged appends visible to another connection',
    invisible === 0,
    `${invisible} of ${acknowledged} not yet committed when acknowledged`,
  );
}

interface ConsumeOptions {
  readonly processorId: string;
  readonly startFrom: 'BEGINNING' | 'CURRENT';
  readonly batchSize: number;
  readonly lastPosition: bigint;
  readonly tracker: OrderTracker;
  /** A consumer that never reaches the last position polls for ever: it is stopped after this long. */
  readonly giveUpAfterMs?: number;
}

/** Reads the log through a consumer with one processor, until the processor has seen the last position. */
async function consumeAll(store: SQLiteEventStore, options: ConsumeOptions): Promise<void> {
  const consumer = store.consumer<EmmettDecision>({ pulling: { batchSize: options.batchSize, pullingFrequencyInMs: 0 } });
  consumer.processor<EmmettDecision>({
    processorId: options.processorId,
    startFrom: options.startFrom,
    stopAfter: (message) => message.metadata.globalPosition >= options.lastPosition,
    eachMessage: (message) => {
      options.tracker.see(Number(message.metadata.globalPosition));
    },
  });
  const watchdog = setTimeout(() => void consumer.stop(), options.giveUpAfterMs ?? 300_000);
  await consumer.start();
  clearTimeout(watchdog);
  await consumer.close();
}

/**
 * Untimed: a processor reads a small log to the end, then restarts from its checkpoint (startFrom CURRENT), as
 * after a redeploy. It should get nothing; whatever it gets is delivered a second time.
 */
async function restartCheck(file: string, batchSize: number, makeEvent: EventFactory): Promise<Check> {
  const store = getSQLiteEventStore({ fileName: file });
  for (let b = 0; b < 3; b += 1) {
    await store.appendToStream(newStreamId(), Array.from({ length: batchSize }, (_, i) => toEmmett(makeEvent(i))), {
      expectedStreamVersion: 0n,
    });
  }
  const lastPosition = BigInt(3 * batchSize);
  const processorId = 'bench-restart';
  const first = new OrderTracker();
  await consumeAll(store, { processorId, startFrom: 'BEGINNING', batchSize, lastPosition, tracker: first });
  const again = new OrderTracker();
  await consumeAll(store, { processorId, startFrom: 'CURRENT', batchSize, lastPosition, tracker: again, giveUpAfterMs: 3000 });
  return check(
    'a restarted processor gets no event twice',
    again.delivered === 0,
    `read ${first.delivered} events, stopped, restarted from CURRENT: ${again.delivered} delivered again`,
  );
}

/** Emmett logs errors with console.log; they are counted for the notes instead of flooding the output. */
function captureConsole(): { lines: () => number } {
  let lines = 0;
  globalThis.console.log = () => {
    lines += 1;
  };
  return { lines: () => lines };
}

async function emmettSqliteVersion(): Promise<string> {
  const db = sqliteConnection({ fileName: ':memory:' });
  const row = await db.querySingle<{ version: string }>('SELECT sqlite_version() AS version');
  db.close();
  return `${row?.version ?? 'unknown'} (sqlite3 driver)`;
}
