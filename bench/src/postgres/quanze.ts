import { createPostgresEventStore } from '@quanze/eventstore';
import type { EventStore, ExpectedVersion } from '@quanze/eventstore';
import { RecordedEvent } from '@quanze/events';
import { ErrorTally } from '../competitors/competitor.js';
import { newStreamId } from '../sample-event.js';
import type { EventFactory } from '../sample-event.js';
import { OrderTracker, check, inParallel, timed } from '../scenario.js';
import { ReadBack } from './read-back.js';
import type { PgPeer } from './scenario.js';
import { column } from './sql.js';

/**
 * Our PostgreSQL store through its port. `storePerClient`: every concurrent client gets a store of its own (a pool
 * of its own, a writer of its own), as separate processes would; otherwise the clients share one store.
 */
export function createQuanzePeer(makeEvent: EventFactory, storePerClient: boolean): PgPeer {
  const errors = new ErrorTally();
  const notes: string[] = [];

  const open = (url: string, maxConnections?: number) => createPostgresEventStore({ connectionString: url, ...(maxConnections === undefined ? {} : { maxConnections }) });

  return {
    library: '@quanze/eventstore (createPostgresEventStore)',

    async warmUp(url) {
      const store = await open(url);
      const streamId = newStreamId();
      let expected: ExpectedVersion = 'no_stream';
      for (let i = 0; i < 50; i += 1) {
        expected = (await store.appendToStream(streamId, [makeEvent(i)], { expectedVersion: expected })).nextExpectedVersion;
      }
      await inParallel(8, async () => {
        const stream = newStreamId();
        let version: ExpectedVersion = 'no_stream';
        for (let i = 0; i < 20; i += 1) version = (await store.appendToStream(stream, [makeEvent(i)], { expectedVersion: version })).nextExpectedVersion;
      });
      await store.appendToStream(newStreamId(), Array.from({ length: 1000 }, (_, i) => makeEvent(i)), { expectedVersion: 'no_stream' });
      for await (const event of store.readAll()) RecordedEvent.parse(event);
      await store.close();
    },

    async sequential(url, config) {
      const store = await open(url);
      const streamId = newStreamId();
      let expected: ExpectedVersion = 'no_stream';
      const result = await timed(async () => {
        for (let i = 0; i < config.sequentialEvents; i += 1) {
          expected = (await store.appendToStream(streamId, [makeEvent(i)], { expectedVersion: expected })).nextExpectedVersion;
        }
        return { events: config.sequentialEvents };
      });
      await store.close();
      return {
        scenario: 'sequential',
        label: 'one client, one stream, one event per append, expectedVersion = the last nextExpectedVersion',
        ...result,
        checks: [await headCheck(url, result.events)],
      };
    },

    async concurrent(url, config) {
      // A store per client needs few connections: its appends use one at a time.
      const stores = storePerClient
        ? await Promise.all(Array.from({ length: config.clients }, () => open(url, 2)))
        : [await open(url, Math.max(10, config.clients))];
      const result = await timed(async () => {
        let events = 0;
        let failures = 0;
        await inParallel(config.clients, async (client) => {
          const store = stores[client % stores.length] as EventStore;
          const streamId = newStreamId();
          let expected: ExpectedVersion = 'no_stream';
          for (let i = 0; i < config.eventsPerClient; i += 1) {
            try {
              expected = (await store.appendToStream(streamId, [makeEvent(i)], { expectedVersion: expected })).nextExpectedVersion;
              events += 1;
            } catch (error) {
              failures += 1;
              errors.add(error);
            }
          }
        });
        return { events, failures };
      });
      await Promise.all(stores.map((store) => store.close()));
      const readBack = new ReadBack();
      const reader = await open(url);
      for await (const event of reader.readAll()) readBack.see(event.eventId, event.position);
      await reader.close();
      const found = readBack.findings(await column(url, 'SELECT event_id AS value FROM quanze_events'));
      if (found.checks.some((one) => !one.ok)) notes.push(`read-all after the concurrent run: ${found.summary}`);
      return {
        scenario: 'concurrent',
        label: storePerClient
          ? `${config.clients} clients, a store each (16 processes' worth: 16 writers meeting at the append lock), each its own stream, awaiting each single-event append`
          : `${config.clients} clients sharing one store (one process: one writer, group commit), each its own stream, awaiting each single-event append`,
        ...result,
        checks: [await headCheck(url, result.events), ...found.checks],
      };
    },

    async batch(url, config) {
      const store = await open(url);
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
        checks: [await headCheck(url, result.events)],
      };
    },

    async readAll(url, _config, stored) {
      const store = await open(url);
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
          label: 'for await (const e of store.readAll()) RecordedEvent.parse(e): parsed, validated envelopes (pages of 1,000)',
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

    close: () => Promise.resolve(),

    notes() {
      return [...notes, ...errors.describe().map((line) => `append failures: ${line}`)];
    },
  };
}

/** Positions are gap-free from 1 in our store, so the head is the count. */
async function headCheck(url: string, acknowledged: number) {
  const [head] = await column(url, 'SELECT coalesce(max(position), 0)::text AS value FROM quanze_events');
  return check('every acknowledged event stored', Number(head) === acknowledged, `${acknowledged} acknowledged, head position ${head ?? '?'}`);
}
