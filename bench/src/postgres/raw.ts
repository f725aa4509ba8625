import { createRequire } from 'node:module';
import pg from 'pg';
import { newStreamId } from '../sample-event.js';
import type { EventFactory, SampleEvent } from '../sample-event.js';
import { OrderTracker, check, inParallel, timed } from '../scenario.js';
import { ReadBack } from './read-back.js';
import type { PgPeer } from './scenario.js';
import { column, withClient } from './sql.js';

/**
 * The floor: `pg` on a plain table with our table's keys (position, unique event id, unique stream and version) and
 * a json body, positions from an identity column. No ordering guarantee: an identity value is taken before commit,
 * so a reader can see position n+1 before n. Each single append is one INSERT in autocommit: one transaction.
 */
const TABLE = `
  CREATE TABLE events (
    position        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id        text        NOT NULL UNIQUE,
    stream_id       text        NOT NULL,
    stream_version  bigint      NOT NULL,
    type            text        NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    body            json        NOT NULL,
    UNIQUE (stream_id, stream_version)
  )`;

const INSERT_ONE = 'INSERT INTO events (event_id, stream_id, stream_version, type, body) VALUES ($1, $2, $3, $4, $5)';
const INSERT_MANY = `
  INSERT INTO events (event_id, stream_id, stream_version, type, body)
  SELECT event_id, $2, stream_version, type, body::json
    FROM unnest($1::text[], $3::bigint[], $4::text[], $5::text[]) AS appended (event_id, stream_version, type, body)`;

function body(event: SampleEvent): string {
  const { eventId: _eventId, type: _type, ...rest } = event;
  return JSON.stringify(rest);
}

export function createRawPgPeer(makeEvent: EventFactory): PgPeer {
  const insertOne = (client: pg.ClientBase | pg.Pool, streamId: string, version: number, event: SampleEvent) =>
    client.query(INSERT_ONE, [event.eventId, streamId, version, event.type, body(event)]);

  const prepare = (url: string) => withClient(url, (client) => client.query(TABLE));

  return {
    library: `pg ${pgVersion()}`,

    async warmUp(url) {
      await prepare(url);
      const pool = new pg.Pool({ connectionString: url, max: 8 });
      await inParallel(8, async () => {
        const streamId = newStreamId();
        for (let i = 0; i < 30; i += 1) await insertOne(pool, streamId, i + 1, makeEvent(i));
      });
      await pool.end();
    },

    async sequential(url, config) {
      await prepare(url);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const streamId = newStreamId();
      const result = await timed(async () => {
        for (let i = 0; i < config.sequentialEvents; i += 1) await insertOne(client, streamId, i + 1, makeEvent(i));
        return { events: config.sequentialEvents };
      });
      await client.end();
      return {
        scenario: 'sequential',
        label: 'one connection, one INSERT per transaction (autocommit)',
        ...result,
        checks: [await countCheck(url, result.events)],
      };
    },

    async concurrent(url, config) {
      await prepare(url);
      const pool = new pg.Pool({ connectionString: url, max: config.clients });
      // Connected before the clock starts, as the other peers' pools are after their warm-up.
      const connected = await Promise.all(Array.from({ length: config.clients }, () => pool.connect()));
      for (const client of connected) client.release();
      const result = await timed(async () => {
        let events = 0;
        await inParallel(config.clients, async () => {
          const streamId = newStreamId();
          for (let i = 0; i < config.eventsPerClient; i += 1) {
            await insertOne(pool, streamId, i + 1, makeEvent(i));
            events += 1;
          }
        });
        return { events };
      });
      await pool.end();
      const readBack = new ReadBack();
      await withClient(url, async (client) => {
        const { rows } = await client.query<{ event_id: string; position: string }>('SELECT event_id, position FROM events ORDER BY position');
        for (const row of rows) readBack.see(row.event_id, Number(row.position));
      });
      const found = readBack.findings(await column(url, 'SELECT event_id AS value FROM events'));
      return {
        scenario: 'concurrent',
        label: `${config.clients} connections, each its own stream, one INSERT per transaction (autocommit)`,
        ...result,
        checks: [await countCheck(url, result.events), ...found.checks],
      };
    },

    async batch(url, config) {
      await prepare(url);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const batches = Math.ceil(config.logEvents / config.batchSize);
      const result = await timed(async () => {
        let events = 0;
        for (let b = 0; b < batches; b += 1) {
          const batch = Array.from({ length: config.batchSize }, (_, i) => makeEvent(b * config.batchSize + i));
          await client.query(INSERT_MANY, [
            batch.map((event) => event.eventId),
            newStreamId(),
            batch.map((_, index) => index + 1),
            batch.map((event) => event.type),
            batch.map(body),
          ]);
          events += batch.length;
        }
        return { events };
      });
      await client.end();
      return {
        scenario: 'batch',
        label: `${config.batchSize} rows per INSERT … SELECT FROM unnest(…), one statement per transaction, each batch a new stream`,
        ...result,
        checks: [await countCheck(url, result.events)],
      };
    },

    async readAll(url, config, stored) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const tracker = new OrderTracker();
      const result = await timed(async () => {
        let after = 0;
        for (;;) {
          const { rows } = await client.query<{ position: string; body: string }>(
            'SELECT position, event_id, stream_id, stream_version, type, recorded_at, body::text AS body FROM events WHERE position > $1 ORDER BY position LIMIT $2',
            [after, config.batchSize],
          );
          for (const row of rows) {
            JSON.parse(row.body);
            after = Number(row.position);
            tracker.see(after);
          }
          if (rows.length < config.batchSize) break;
        }
        return { events: tracker.delivered };
      });
      await client.end();
      return [
        {
          scenario: 'readAll',
          label: `SELECT … WHERE position > $1 ORDER BY position LIMIT ${config.batchSize}, JSON.parse of each row’s body`,
          ...result,
          checks: tracker.checks(stored),
        },
      ];
    },

    close: () => Promise.resolve(),
    notes: () => [],
  };
}

async function countCheck(url: string, acknowledged: number): Promise<ReturnType<typeof check>> {
  const [count] = await column(url, 'SELECT count(*)::text AS value FROM events');
  return check('every acknowledged event stored', Number(count) === acknowledged, `${acknowledged} acknowledged, ${count ?? '?'} rows`);
}

function pgVersion(): string {
  return (createRequire(import.meta.url)('pg/package.json') as { version: string }).version;
}
