import { ErrorTally } from '../competitors/competitor.js';
import { newStreamId } from '../sample-event.js';
import type { EventFactory, SampleEvent } from '../sample-event.js';
import type { Measurement } from '../scenario.js';
import { OrderTracker, check, inParallel, timed } from '../scenario.js';
import type { EmmettPgStore, EmmettPostgres } from './emmett-module.js';
import { loadEmmettPostgres } from './emmett-module.js';
import { ReadBack } from './read-back.js';
import type { PgChildConfig, PgPeer } from './scenario.js';
import { column } from './sql.js';

/** Our envelope's fields that Emmett has no column for travel in its metadata; the event id becomes its message id. */
function toEmmett(event: SampleEvent) {
  const { type, data, ...metadata } = event;
  return { type, data, metadata: { ...metadata, messageId: event.eventId } };
}

/**
 * Emmett's PostgreSQL store as its docs show it, `getPostgreSQLEventStore(url)`, given a pool of as many connections
 * as there are clients (pg's default would be 10, and dumbo shares one pool per URL in a process).
 */
export function createEmmettPeer(makeEvent: EventFactory): PgPeer {
  const emmett: EmmettPostgres = loadEmmettPostgres();
  const errors = new ErrorTally();
  const notes: string[] = [];

  const open = async (url: string, config: Pick<PgChildConfig, 'clients'>) => {
    const pool = emmett.newPool({ connectionString: url, max: config.clients });
    // Connected before the clock starts, as raw's are and ours is (by its migration).
    const connected = await Promise.all(Array.from({ length: config.clients }, () => pool.connect()));
    for (const client of connected) client.release();
    const store = emmett.getPostgreSQLEventStore(url, { connectionOptions: { pool } });
    return {
      store,
      close: async () => {
        await store.close();
        await pool.end();
      },
    };
  };

  const appendLoop = async (store: EmmettPgStore, count: number, counters: { events: number; failures: number }) => {
    const streamId = newStreamId();
    let expected = 0n;
    for (let i = 0; i < count; i += 1) {
      try {
        expected = (await store.appendToStream(streamId, [toEmmett(makeEvent(i))], { expectedStreamVersion: expected })).nextExpectedStreamVersion;
        counters.events += 1;
      } catch (error) {
        counters.failures += 1;
        errors.add(error);
      }
    }
  };

  /** Its read-all as its consumers do it: readMessagesBatch after the last delivered global position. */
  const readAll = async (url: string, pageSize: number, see: (eventId: string, position: number, message: unknown) => void) => {
    const sql = emmett.dumbo({ connectionString: url });
    try {
      let after = 0n;
      for (;;) {
        const batch = await emmett.readMessagesBatch(sql.execute, { after, batchSize: pageSize });
        for (const message of batch.messages) see(message.metadata.messageId, Number(message.metadata.globalPosition), message.data);
        after = batch.currentGlobalPosition;
        if (!batch.areMessagesLeft) break;
      }
    } finally {
      await sql.close();
    }
  };

  return {
    library: `@event-driven-io/emmett-postgresql ${emmett.version}`,

    async warmUp(url) {
      const { store, close } = await open(url, { clients: 8 });
      const counters = { events: 0, failures: 0 };
      await appendLoop(store, 50, counters);
      await inParallel(8, () => appendLoop(store, 20, counters));
      await store.appendToStream(newStreamId(), Array.from({ length: 1000 }, (_, i) => toEmmett(makeEvent(i))), { expectedStreamVersion: 0n });
      await close();
      await readAll(url, 1000, () => undefined);
    },

    async sequential(url, config) {
      const { store, close } = await open(url, config);
      const counters = { events: 0, failures: 0 };
      const result = await timed(async () => {
        await appendLoop(store, config.sequentialEvents, counters);
        return counters;
      });
      await close();
      return {
        scenario: 'sequential',
        label: 'one client, one stream, one event per appendToStream, expectedStreamVersion = the last nextExpectedStreamVersion',
        ...result,
        checks: [await countCheck(url, result.events)],
      };
    },

    async concurrent(url, config) {
      const { store, close } = await open(url, config);
      const counters = { events: 0, failures: 0 };
      const result = await timed(async () => {
        await inParallel(config.clients, () => appendLoop(store, config.eventsPerClient, counters));
        return counters;
      });
      await close();
      const readBack = new ReadBack();
      await readAll(url, config.emmettPageSize, (eventId, position) => {
        readBack.see(eventId, position);
      });
      const found = readBack.findings(await column(url, 'SELECT message_id AS value FROM emt_messages'));
      notes.push(`read-all after the concurrent run (readMessagesBatch, pages of ${config.emmettPageSize}, as its consumers): ${found.summary}`);
      return {
        scenario: 'concurrent',
        label: `${config.clients} clients on one store (a pool of ${config.clients}), each its own stream, awaiting each single-event appendToStream`,
        ...result,
        checks: [await countCheck(url, result.events), ...found.checks],
      };
    },

    async batch(url, config) {
      const { store, close } = await open(url, config);
      const batches = Math.ceil(config.logEvents / config.batchSize);
      const result = await timed(async () => {
        let events = 0;
        for (let b = 0; b < batches; b += 1) {
          const batch = Array.from({ length: config.batchSize }, (_, i) => toEmmett(makeEvent(b * config.batchSize + i)));
          await store.appendToStream(newStreamId(), batch, { expectedStreamVersion: 0n });
          events += batch.length;
        }
        return { events };
      });
      await close();
      return {
        scenario: 'batch',
        label: `${config.batchSize} events per appendToStream, each batch a new stream`,
        ...result,
        checks: [await countCheck(url, result.events)],
      };
    },

    async readAll(url, config, stored): Promise<Measurement[]> {
      const tracker = new OrderTracker();
      const result = await timed(async () => {
        await readAll(url, config.batchSize, (_eventId, position) => {
          tracker.see(position);
        });
        return { events: tracker.delivered };
      });
      return [
        {
          scenario: 'readAll',
          label: `readMessagesBatch after the last global position, pages of ${config.batchSize} (its data parsed by pg from jsonb)`,
          ...result,
          checks: tracker.checks(stored),
        },
      ];
    },

    close: () => Promise.resolve(),

    notes() {
      return [...notes, ...errors.describe().map((line) => `append failures: ${line}`)];
    },
  };
}

async function countCheck(url: string, acknowledged: number) {
  const [count] = await column(url, 'SELECT count(*)::text AS value FROM emt_messages');
  return check('every acknowledged event stored', Number(count) === acknowledged, `${acknowledged} acknowledged, ${count ?? '?'} rows`);
}
