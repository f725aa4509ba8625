import Database from 'better-sqlite3';
import { PREFILL_STREAM_PREFIX, newPrefillStreamId, newStreamId } from '../sample-event.js';
import type { EventFactory, SampleEvent } from '../sample-event.js';
import type { Measurement } from '../scenario.js';
import { OrderTracker, check, inParallel, timed } from '../scenario.js';
import type { Competitor } from './competitor.js';

const SCHEMA = `CREATE TABLE IF NOT EXISTS events (
  position  INTEGER PRIMARY KEY,
  stream_id TEXT NOT NULL,
  version   INTEGER NOT NULL,
  type      TEXT NOT NULL,
  data      TEXT NOT NULL,
  UNIQUE (stream_id, version)
)`;

interface RawLog {
  readonly db: Database.Database;
  append(streamId: string, version: number, event: SampleEvent): void;
  close(): void;
}

/**
 * The floor: better-sqlite3 on a plain table, WAL and synchronous=FULL, no checks beyond the unique
 * (stream, version) key. `data` holds the whole event as JSON, so it stores what the other peers store.
 */
function openRawLog(file: string): RawLog {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(SCHEMA);
  const insert = db.prepare<[string, number, string, string]>(
    'INSERT INTO events (stream_id, version, type, data) VALUES (?, ?, ?, ?)',
  );
  return {
    db,
    append: (streamId, version, event) => insert.run(streamId, version, event.type, JSON.stringify(event)),
    close: () => db.close(),
  };
}

function storedCheck(file: string, acknowledged: number) {
  const db = new Database(file, { readonly: true });
  try {
    const stored =
      db.prepare<[string], number>("SELECT count(*) FROM events WHERE stream_id NOT LIKE ? || '%'").pluck().get(PREFILL_STREAM_PREFIX) ?? 0;
    return check('every acknowledged event stored', stored === acknowledged, `${acknowledged} acknowledged, ${stored} stored`);
  } finally {
    db.close();
  }
}

export function createRawSqliteCompetitor(makeEvent: EventFactory): Competitor {
  const memory = new Database(':memory:');
  const version = memory.prepare<[], string>('SELECT sqlite_version()').pluck().get() ?? 'unknown';
  memory.close();

  return {
    sqliteVersion: () => Promise.resolve(`${version} (better-sqlite3)`),

    durability(file) {
      const log = openRawLog(file);
      try {
        const journal = log.db.pragma('journal_mode', { simple: true }) as string;
        const synchronous = log.db.pragma('synchronous', { simple: true }) as number;
        return Promise.resolve([`journal_mode=${journal}`, `synchronous=${synchronous}${synchronous === 2 ? ' (FULL)' : ''}`]);
      } finally {
        log.close();
      }
    },

    prefill(file, events, batchSize) {
      const log = openRawLog(file);
      const appendBatch = log.db.transaction((streamId: string, count: number, offset: number) => {
        for (let i = 0; i < count; i += 1) log.append(streamId, i + 1, makeEvent(offset + i));
      });
      for (let written = 0; written < events; written += batchSize) {
        appendBatch(newPrefillStreamId(), Math.min(batchSize, events - written), written);
      }
      log.close();
      return Promise.resolve();
    },

    warmUp(file) {
      const log = openRawLog(file);
      const streamId = newStreamId();
      for (let i = 0; i < 100; i += 1) log.append(streamId, i + 1, makeEvent(i));
      const other = newStreamId();
      log.db.transaction(() => {
        for (let i = 0; i < 1000; i += 1) log.append(other, i + 1, makeEvent(i));
      })();
      for (const row of log.db.prepare<[], { data: string }>('SELECT data FROM events ORDER BY position').iterate()) {
        JSON.parse(row.data);
      }
      log.close();
      return Promise.resolve();
    },

    async sequential(file, config) {
      const log = openRawLog(file);
      const streamId = newStreamId();
      const result = await timed(() => {
        for (let i = 0; i < config.sequentialEvents; i += 1) log.append(streamId, i + 1, makeEvent(i));
        return Promise.resolve({ events: config.sequentialEvents });
      });
      log.close();
      return {
        scenario: 'sequential',
        label: 'autocommit single INSERTs: one transaction, one fsync per event',
        ...result,
        checks: [storedCheck(file, result.events)],
      } satisfies Measurement;
    },

    async concurrent(file, config) {
      const log = openRawLog(file);
      const result = await timed(async () => {
        let events = 0;
        await inParallel(config.appenders, async () => {
          const streamId = newStreamId();
          for (let i = 0; i < config.eventsPerAppender; i += 1) {
            // The driver is synchronous: the loops take turns, each insert its own autocommit transaction.
            await Promise.resolve();
            log.append(streamId, i + 1, makeEvent(i));
            events += 1;
          }
        });
        return { events };
      });
      log.close();
      return {
        scenario: 'concurrent',
        label: `${config.appenders} async loops over a synchronous driver: autocommit, one fsync per event (no group commit)`,
        ...result,
        checks: [storedCheck(file, result.events)],
      } satisfies Measurement;
    },

    async batch(file, config) {
      const log = openRawLog(file);
      const appendBatch = log.db.transaction((streamId: string, events: readonly SampleEvent[]) => {
        events.forEach((event, index) => {
          log.append(streamId, index + 1, event);
        });
      });
      const batches = Math.ceil(config.logEvents / config.batchSize);
      const result = await timed(() => {
        let events = 0;
        for (let b = 0; b < batches; b += 1) {
          const batch = Array.from({ length: config.batchSize }, (_, i) => makeEvent(b * config.batchSize + i));
          appendBatch(newStreamId(), batch);
          events += batch.length;
        }
        return Promise.resolve({ events });
      });
      log.close();
      return {
        scenario: 'batch',
        label: `${config.batchSize} INSERTs per transaction, each batch a new stream`,
        ...result,
        checks: [storedCheck(file, result.events)],
      } satisfies Measurement;
    },

    async readAll(file, _config, stored) {
      const log = openRawLog(file);
      const select = log.db.prepare<[], { position: number; stream_id: string; version: number; type: string; data: string }>(
        'SELECT position, stream_id, version, type, data FROM events ORDER BY position',
      );
      const tracker = new OrderTracker();
      const result = await timed(() => {
        for (const row of select.iterate()) {
          JSON.parse(row.data);
          tracker.see(row.position);
        }
        return Promise.resolve({ events: tracker.delivered });
      });
      log.close();
      return [
        {
          scenario: 'readAll',
          label: 'SELECT … ORDER BY position (iterate), JSON.parse of each row’s data',
          ...result,
          checks: tracker.checks(stored),
        },
      ];
    },

    notes() {
      return [];
    },
  };
}
