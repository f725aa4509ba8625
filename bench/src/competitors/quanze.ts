import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createSqliteEventStore } from '@quanze/eventstore';
import type { EventStore, ExpectedVersion } from '@quanze/eventstore';
import { RecordedEvent } from '@quanze/events';
import Database from 'better-sqlite3';
import { newPrefillStreamId, newStreamId } from '../sample-event.js';
import type { EventFactory } from '../sample-event.js';
import { OrderTracker, PROBE_APPENDS_PER_LOOP, check, inParallel, timed } from '../scenario.js';
import type { Competitor } from './competitor.js';
import { ErrorTally } from './competitor.js';

/** Our store, through its port only: `createSqliteEventStore({ path })`, appends with an expected version. */
export function createQuanzeCompetitor(makeEvent: EventFactory): Competitor {
  const errors = new ErrorTally();
  const notes: string[] = [];

  return {
    sqliteVersion: () => Promise.resolve(`${sqliteVersion()} (better-sqlite3)`),

    durability(file) {
      // The store's connection is its own; the port does not expose it. What it sets is read from its source,
      // and the journal mode (which lives in the file) is read back from the file.
      const store = createSqliteEventStore({ path: file });
      return store.close().then(() => {
        const db = new Database(file, { readonly: true });
        try {
          const journal = db.pragma('journal_mode', { simple: true }) as string;
          const source = storeSource();
          const synchronous = existsSync(source)
            ? `${/pragma\('synchronous = (\w+)'\)/i.exec(readFileSync(source, 'utf8'))?.[1] ?? 'not set: better-sqlite3 default NORMAL under WAL'} (as the adapter sets it; the port hides its connection)`
            : 'unknown (adapter source not found)';
          return [`journal_mode=${journal} (read back from the file)`, `synchronous=${synchronous}`];
        } finally {
          db.close();
        }
      });
    },

    async prefill(file, events, batchSize) {
      const store = createSqliteEventStore({ path: file });
      for (let written = 0; written < events; written += batchSize) {
        const batch = Array.from({ length: Math.min(batchSize, events - written) }, (_, i) => makeEvent(written + i));
        await store.appendToStream(newPrefillStreamId(), batch, { expectedVersion: 'no_stream' });
      }
      await store.close();
    },

    async warmUp(file) {
      const store = createSqliteEventStore({ path: file });
      const streamId = newStreamId();
      let expected: ExpectedVersion = 'no_stream';
      for (let i = 0; i < 100; i += 1) {
        expected = (await store.appendToStream(streamId, [makeEvent(i)], { expectedVersion: expected })).nextExpectedVersion;
      }
      await store.appendToStream(newStreamId(), Array.from({ length: 1000 }, (_, i) => makeEvent(i)), {
        expectedVersion: 'no_stream',
      });
      for await (const event of store.readAll()) RecordedEvent.parse(event);
      await store.close();
    },

    async sequential(file, config) {
      const store = createSqliteEventStore({ path: file });
      const streamId = newStreamId();
      let expected: ExpectedVersion = 'no_stream';
      const result = await timed(async () => {
        for (let i = 0; i < config.sequentialEvents; i += 1) {
          const appended = await store.appendToStream(streamId, [makeEvent(i)], { expectedVersion: expected });
          expected = appended.nextExpectedVersion;
        }
        return { events: config.sequentialEvents };
      });
      await store.close();
      return {
        scenario: 'sequential',
        label: 'one stream, one event per append, expectedVersion = the last nextExpectedVersion',
        ...result,
        checks: [await storedCheck(file, result.events, config.prefill)],
      };
    },

    async concurrent(file, config) {
      const store = createSqliteEventStore({ path: file });
      const result = await timed(async () => {
        let events = 0;
        let failures = 0;
        await inParallel(config.appenders, async () => {
          const streamId = newStreamId();
          let expected: ExpectedVersion = 'no_stream';
          for (let i = 0; i < config.eventsPerAppender; i += 1) {
            try {
              expected = (await store.appendToStream(streamId, [makeEvent(i)], { expectedVersion: expected }))
                .nextExpectedVersion;
              events += 1;
            } catch (error) {
              failures += 1;
              errors.add(error);
              expected = await lastVersion(store, streamId);
            }
          }
        });
        return { events, failures };
      });
      await store.close();
      return {
        scenario: 'concurrent',
        label: `${config.appenders} async loops, each on its own stream, awaiting each single-event append`,
        ...result,
        checks: [await storedCheck(file, result.events, config.prefill), await visibilityCheck(`${file}.probe`, config.appenders, makeEvent)],
      };
    },

    async batch(file, config) {
      const store = createSqliteEventStore({ path: file });
      const batches = Math.ceil(config.logEvents / config.batchSize);
      const result = await timed(async () => {
        let events = 0;
        for (let b = 0; b < batches; b += 1) {
          const batch = Array.from({ length: config.batchSize }, (_, i) => makeEvent(b * config.batchSize + i));
          await store.appendToStream(newStreamId(), batch, { expectedVersion: 'no_stream' });
          events += batch.length;
        }
        return { events };
      });
      await store.close();
      return {
        scenario: 'batch',
        label: `${config.batchSize} events per append, each batch a new stream (expectedVersion no_stream)`,
        ...result,
        checks: [await storedCheck(file, result.events, 0)],
      };
    },

    async readAll(file, _config, stored) {
      const store = createSqliteEventStore({ path: file });
      const validated = new OrderTracker();
      const main = await timed(async () => {
        for await (const event of store.readAll()) validated.see(RecordedEvent.parse(event).position);
        return { events: validated.delivered };
      });
      const unvalidated = new OrderTracker();
      const bare = await timed(async () => {
        for await (const event of store.readAll()) unvalidated.see(event.position);
        return { events: unvalidated.delivered };
      });
      await store.close();
      return [
        {
          scenario: 'readAll',
          label: 'for await (const e of store.readAll()) RecordedEvent.parse(e): parsed, validated envelopes',
          ...main,
          checks: validated.checks(stored),
        },
        {
          scenario: 'readAll',
          variant: 'without zod',
          label: 'for await (const e of store.readAll()): parsed envelopes, not validated',
          ...bare,
          checks: unvalidated.checks(stored),
        },
      ];
    },

    notes() {
      return [...notes, ...errors.describe().map((line) => `append failures: ${line}`)];
    },
  };
}

/** The stream's last version, to go on after a failed append (none is expected here). */
async function lastVersion(store: EventStore, streamId: string): Promise<number> {
  for await (const event of store.readStream(streamId, { direction: 'backwards', limit: 1 })) return event.streamVersion;
  return 0;
}

/** Reopens the file through the port: positions are gap-free from 1, so the head is the count. */
async function storedCheck(file: string, acknowledged: number, prefilled: number) {
  const store = createSqliteEventStore({ path: file });
  const head = await store.headPosition();
  await store.close();
  return check(
    'every acknowledged event stored',
    head === prefilled + acknowledged,
    `${acknowledged} acknowledged after ${prefilled} prefilled, head position ${head}`,
  );
}

/**
 * Untimed: the same concurrent load, a couple of appends per loop, and after each acknowledgement a second store on
 * the same file looks for the event. Acknowledged means committed, so it must always be there.
 */
async function visibilityCheck(file: string, appenders: number, makeEvent: EventFactory) {
  const store = createSqliteEventStore({ path: file });
  const observer = createSqliteEventStore({ path: file });
  let acknowledged = 0;
  let invisible = 0;
  await inParallel(appenders, async () => {
    const streamId = newStreamId();
    let expected: ExpectedVersion = 'no_stream';
    for (let i = 0; i < PROBE_APPENDS_PER_LOOP; i += 1) {
      const appended = await store.appendToStream(streamId, [makeEvent(i)], { expectedVersion: expected });
      expected = appended.nextExpectedVersion;
      acknowledged += 1;
      let seen = false;
      for await (const event of observer.readStream(streamId, { fromVersion: expected, limit: 1 })) seen = event.streamVersion === expected;
      if (!seen) invisible += 1;
    }
  });
  await store.close();
  await observer.close();
  return check(
    'acknowledged appends visible to another connection',
    invisible === 0,
    `${invisible} of ${acknowledged} not yet visible when acknowledged`,
  );
}

/** The adapter's source file, found the way this process resolved the package (the source condition). */
function storeSource(): string {
  return fileURLToPath(new URL('./sqlite-event-store.ts', import.meta.resolve('@quanze/eventstore')));
}

function sqliteVersion(): string {
  const db = new Database(':memory:');
  try {
    return db.prepare<[], { v: string }>('SELECT sqlite_version() AS v').get()?.v ?? 'unknown';
  } finally {
    db.close();
  }
}
