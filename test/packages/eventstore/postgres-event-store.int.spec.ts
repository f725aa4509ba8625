import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import pg from 'pg';
import type { RecordedEvent } from '@quanze/events';
import {
  POSTGRES_MIGRATIONS,
  StoreFailure,
  StoreUnavailable,
  WrongExpectedVersion,
  createPostgresEventStore,
  openEventStore,
} from '@quanze/eventstore';
import type { AppendResult, EventStore, PostgresEventStoreOptions } from '@quanze/eventstore';
import { eventStoreContract } from '../../contract/event-store.contract.js';
import { newStreamId, proposedEvent, proposedEvents } from '../../support/events.js';
import { startPostgresCluster, usePostgresCluster } from '../../support/postgres.js';
import { collect, range, within } from '../../support/async.js';

describe('on a throwaway PostgreSQL cluster', function () {
  const postgres = usePostgresCluster();

  // Each store a database of its own; the cluster, and with it every database, is removed after the suite.
  eventStoreContract('PostgreSQL', {
    newStoreUrl: () => postgres.cluster.newDatabaseUrl(),
    cleanup: () => Promise.resolve(),
  });

  describe('the PostgreSQL event store, beyond the contract', function () {
    const stores = new Set<EventStore>();
    const clients = new Set<pg.Client>();

    async function open(url: string, options: Omit<PostgresEventStoreOptions, 'connectionString'> = {}): Promise<EventStore> {
      const store = await createPostgresEventStore({ connectionString: url, ...options });
      stores.add(store);
      return store;
    }

    /** A connection of the test's own, beside the store's. */
    async function connect(url: string): Promise<pg.Client> {
      const client = new pg.Client({ connectionString: url });
      client.on('error', () => undefined);
      await client.connect();
      clients.add(client);
      return client;
    }

    afterEach(async function () {
      await Promise.allSettled([...stores].map((store) => store.close()));
      await Promise.allSettled([...clients].map((client) => client.end()));
      stores.clear();
      clients.clear();
    });

    describe('ordering under concurrency', function () {
      // The hazard the append lock exists for, shown on a plain table numbered by a sequence: the number is handed
      // out at insert, the row becomes visible at commit, so a reader can see 2 while 1 is still on its way.
      it('is needed: with positions from a sequence, a reader sees position 2 before position 1 is committed', async function () {
        const url = await postgres.cluster.newDatabaseUrl();
        const [first, second, reader] = await Promise.all([connect(url), connect(url), connect(url)]);
        await reader.query('CREATE TABLE numbered (position bigserial PRIMARY KEY, note text NOT NULL)');

        await first.query('BEGIN');
        await first.query("INSERT INTO numbered (note) VALUES ('first, slow to commit')");
        await second.query("INSERT INTO numbered (note) VALUES ('second, committed at once')");
        const seenMeanwhile = await reader.query<{ position: string }>('SELECT position FROM numbered ORDER BY position');
        await first.query('COMMIT');
        const seenAfter = await reader.query<{ position: string }>('SELECT position FROM numbered ORDER BY position');

        // A subscriber that had read "everything after 0" would now resume after 2, and never see 1.
        expect(seenMeanwhile.rows.map((row) => Number(row.position))).to.deep.equal([2]);
        expect(seenAfter.rows.map((row) => Number(row.position))).to.deep.equal([1, 2]);
      });

      it('makes an append wait while another connection’s append is uncommitted, then gives it the next positions', async function () {
        const url = await postgres.cluster.newDatabaseUrl();
        let holdFirst = (): void => undefined;
        const firstInserted = new Promise<void>((inserted) => {
          holdFirst = inserted;
        });
        let releaseFirst = (): void => undefined;
        const firstReleased = new Promise<void>((release) => {
          releaseFirst = release;
        });
        const slow = await open(url, {
          beforeCommit: async () => {
            holdFirst();
            await firstReleased;
          },
        });
        const fast = await open(url);
        const reader = await open(url);

        const slowAppend = slow.appendToStream(newStreamId(), proposedEvents(3), { expectedVersion: 'no_stream' });
        await firstInserted;
        let fastDone = false;
        const fastAppend = fast
          .appendToStream(newStreamId(), proposedEvents(2), { expectedVersion: 'no_stream' })
          .finally(() => (fastDone = true));
        await new Promise((resolve) => setTimeout(resolve, 300));

        expect(fastDone, 'the second append, while the first is uncommitted').to.equal(false);
        expect(await reader.headPosition(), 'the head while the first append is uncommitted').to.equal(0);
        releaseFirst();
        const [slowResult, fastResult] = await Promise.all([slowAppend, fastAppend]);
        expect(slowResult.positions).to.deep.equal([1, 2, 3]);
        expect(fastResult.positions).to.deep.equal([4, 5]);
        expect((await collect(reader.readAll())).map((event) => event.position)).to.deep.equal([1, 2, 3, 4, 5]);
      });

      it('lets 16 appenders on connections of their own, pausing at random before commit, commit positions 1..n that a live subscriber and a polling reader see each once, in order', async function () {
        this.timeout(60_000);
        const url = await postgres.cluster.newDatabaseUrl();
        const pauseBeforeCommit = (client: pg.ClientBase) => client.query('SELECT pg_sleep($1)', [Math.random() * 0.003]);
        const appenders = await Promise.all(
          Array.from({ length: 16 }, () => open(url, { maxConnections: 2, beforeCommit: pauseBeforeCommit })),
        );
        const watcher = await open(url, { pollIntervalMs: 2 });
        const subscription = watcher.subscribeToAll({ batchSize: 7 });
        const delivered: RecordedEvent[] = [];
        const subscribing = (async () => {
          for await (const event of subscription) delivered.push(event);
        })();
        subscribing.catch(() => undefined); // awaited below; a failure must not be reported as unhandled meanwhile
        // A reader asking over and over for what follows what it has: each answer must start right after it.
        const polled: number[] = [];
        const writing = { running: true };
        const polling = (async () => {
          while (writing.running || polled.length < (await watcher.headPosition())) {
            const from = polled.length + 1;
            const page = await collect(watcher.readAll({ fromPosition: from, limit: 50 }));
            page.forEach((event, index) => {
              expect(event.position, `the ${index + 1}th event read from ${from}`).to.equal(from + index);
            });
            polled.push(...page.map((event) => event.position));
          }
        })();
        polling.catch(() => undefined); // awaited below, as is the subscription

        const acknowledged: RecordedEvent[] = [];
        try {
          await Promise.all(
            appenders.map(async (store, writer) => {
              const streams = [newStreamId(`writer${writer}`), newStreamId(`writer${writer}`)];
              const versions = [0, 0];
              for (let round = 0; round < 20; round += 1) {
                const which = round % 2;
                const result = await store.appendToStream(streams[which] as string, proposedEvents(1 + (round % 3)), {
                  expectedVersion: versions[which] ?? 0,
                });
                versions[which] = result.nextExpectedVersion;
                acknowledged.push(...result.events);
              }
            }),
          );
        } finally {
          writing.running = false;
        }
        await polling;
        const head = await watcher.headPosition();
        await within(10_000, () => `the subscriber to reach ${head} (at ${subscription.lastPosition})`, async () => {
          while (subscription.lastPosition < head) await new Promise((resolve) => setTimeout(resolve, 10));
        });
        await subscription.stop();
        await subscribing;

        const total = 16 * range(0, 19).reduce((sum, round) => sum + 1 + (round % 3), 0);
        expect(head).to.equal(total);
        expect(delivered.map((event) => event.position), 'positions delivered live').to.deep.equal(range(1, total));
        expect(polled, 'positions read by polling').to.deep.equal(range(1, total));
        const byId = new Map(delivered.map((event) => [event.eventId, event]));
        expect(byId.size).to.equal(total);
        for (const event of acknowledged) expect(byId.get(event.eventId), `acknowledged ${event.eventId}`).to.deep.equal(event);
      });

      it('refuses all but one of 8 appenders racing from 8 connections for the same version, with WrongExpectedVersion', async function () {
        const url = await postgres.cluster.newDatabaseUrl();
        const racers = await Promise.all(Array.from({ length: 8 }, () => open(url, { maxConnections: 1 })));
        const streamId = newStreamId();

        const outcomes = await Promise.allSettled(
          racers.map((store) => store.appendToStream(streamId, proposedEvents(2), { expectedVersion: 'no_stream' })),
        );

        const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
        expect(won).to.have.length(1);
        for (const outcome of outcomes) {
          if (outcome.status === 'fulfilled') continue;
          expect(outcome.reason).to.be.instanceOf(WrongExpectedVersion);
          expect(outcome.reason).to.include({ streamId, expected: 'no_stream', actual: 2 });
        }
        expect(await racers[0]?.headPosition()).to.equal(2);
      });
    });

    describe('subscribers in other processes', function () {
      it('wakes a live subscriber at once when another store commits, without waiting for its poll', async function () {
        const url = await postgres.cluster.newDatabaseUrl();
        const watcher = await open(url, { pollIntervalMs: 600_000 });
        const writer = await open(url);
        await writer.appendToStream(newStreamId(), proposedEvents(2));
        const subscription = watcher.subscribeToAll();
        const events = subscription[Symbol.asyncIterator]();
        expect((await within(5_000, () => 'the events stored before', () => take(events, 2))).map((e) => e.position)).to.deep.equal([1, 2]);

        for (let round = 0; round < 3; round += 1) {
          const next = events.next();
          const appended = await writer.appendToStream(newStreamId(), proposedEvents(1));
          const delivered = await within(5_000, () => `the event appended in round ${round}`, () => next);
          expect(delivered.done === true ? null : delivered.value).to.deep.equal(appended.events[0]);
        }
        await subscription.stop();
      });

      it('goes on by polling when its listening connection is lost', async function () {
        const url = await postgres.cluster.newDatabaseUrl();
        const watcher = await open(url, { pollIntervalMs: 100 });
        const writer = await open(url);
        const admin = await connect(url);
        const subscription = watcher.subscribeToAll();
        const events = subscription[Symbol.asyncIterator]();
        await writer.appendToStream(newStreamId(), proposedEvents(1));
        await within(5_000, () => 'the first event', () => take(events, 1));

        const { rows } = await admin.query<{ pid: number }>(
          "SELECT pg_terminate_backend(pid), pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'",
        );
        expect(rows, 'listening connections terminated').to.have.length(1);
        const appended = await writer.appendToStream(newStreamId(), proposedEvents(3));

        const delivered = await within(5_000, () => 'the events appended after the listener was lost', () => take(events, 3));
        expect(delivered).to.deep.equal(appended.events);
        await subscription.stop();
      });
    });

    describe('migrations', function () {
      it('runs each migration once when eight stores open a new database at the same moment', async function () {
        const url = await postgres.cluster.newDatabaseUrl();

        const opened = await Promise.all(Array.from({ length: 8 }, () => open(url)));
        await Promise.all(opened.map((store, index) => store.appendToStream(newStreamId(), proposedEvents(1 + index))));

        const admin = await connect(url);
        const { rows } = await admin.query<{ version: number; name: string }>(
          'SELECT version, name FROM quanze_schema_migrations ORDER BY version',
        );
        expect(rows).to.deep.equal(POSTGRES_MIGRATIONS.map(({ version, name }) => ({ version, name })));
        expect(await opened[0]?.headPosition()).to.equal(36);
      });

      it('applies nothing again when a store reopens its database', async function () {
        const url = await postgres.cluster.newDatabaseUrl();
        await (await open(url)).close();
        const admin = await connect(url);
        const before = await admin.query('SELECT version, applied_at FROM quanze_schema_migrations ORDER BY version');

        await open(url);

        const after = await admin.query('SELECT version, applied_at FROM quanze_schema_migrations ORDER BY version');
        expect(after.rows).to.deep.equal(before.rows);
      });

      it('refuses to open a database migrated by a newer Quanze, naming both schema versions', async function () {
        const url = await postgres.cluster.newDatabaseUrl();
        await (await open(url)).close();
        const admin = await connect(url);
        await admin.query("INSERT INTO quanze_schema_migrations (version, name) VALUES (99, 'from the future')");

        await expect(openEventStore(url)).to.be.rejectedWith(StoreFailure, /schema version 99.*\(1\)/);
      });
    });

    describe('storage', function () {
      it('keeps each body as the exact JSON text it was given, key order and number spelling included', async function () {
        const url = await postgres.cluster.newDatabaseUrl();
        const store = await open(url);
        const data = { zebra: 1, apple: { tiny: 1e-7, b: true, a: null }, '10': 'ten', '9': 'nine', nul: 'a\u0000b' };
        const [event] = (await store.appendToStream(newStreamId(), [proposedEvent({ data })])).events;

        const admin = await connect(url);
        const { rows } = await admin.query<{ body: string }>('SELECT body::text AS body FROM quanze_events');
        const stored = JSON.parse(rows[0]?.body ?? 'null') as { data: unknown };
        const [read] = await collect(store.readAll());
        // jsonb would have sorted the keys by length and spelled 1e-7 as 0.0000001, and refused \u0000.
        expect(rows[0]?.body).to.include(JSON.stringify(data));
        expect(JSON.stringify(stored.data)).to.equal(JSON.stringify(event?.data));
        expect(JSON.stringify(read?.data)).to.equal(JSON.stringify(data));
      });

      it('writes quotes, backslashes and dollar signs in data as given, whatever the server’s string settings', async function () {
        const url = await postgres.cluster.newDatabaseUrl();
        const admin = await connect(url);
        // With standard_conforming_strings off, a backslash in a plain '…' literal is an escape: the store's literals must not care.
        await admin.query(`ALTER DATABASE "${new URL(url).pathname.slice(1)}" SET standard_conforming_strings = off`);
        const store = await open(url);
        // Stream ids are <category>-<key> and cannot hold a quote; the data can hold anything JSON can.
        const streamId = newStreamId();
        const data = { text: `it's \\ a $$ E'\\'' \\x27 ; DROP TABLE quanze_events; --`, nested: { quote: "'", backslash: '\\', both: "\\'" } };
        await store.appendToStream(streamId, [proposedEvent({ data })]);
        await store.appendToStream(streamId, [proposedEvent({ data: { again: "''" } })], { expectedVersion: 1 });
        const read = await collect(store.readStream(streamId));
        expect(read.map((event) => event.streamId)).to.deep.equal([streamId, streamId]);
        expect(read.map((event) => event.data)).to.deep.equal([data, { again: "''" }]);
        const { rows } = await admin.query<{ n: string }>('SELECT count(*) AS n FROM quanze_events');
        expect(rows[0]?.n).to.equal('2');
      });

      it('stamps recordedAt from the clock it is given, never going backwards along the log', async function () {
        const url = await postgres.cluster.newDatabaseUrl();
        let now = '';
        const store = await open(url, { clock: () => new Date(now) });
        const streamId = newStreamId();

        const recordedAt: string[] = [];
        const times = ['2017-03-01T08:00:00.000Z', '2017-02-01T08:00:00.000Z', '2017-03-02T09:30:00.123Z'];
        for (const [version, time] of times.entries()) {
          now = time;
          const result = await store.appendToStream(streamId, proposedEvents(1), { expectedVersion: version });
          recordedAt.push(...result.events.map((event) => event.recordedAt));
        }

        expect(recordedAt).to.deep.equal(['2017-03-01T08:00:00.000Z', '2017-03-01T08:00:00.000Z', '2017-03-02T09:30:00.123Z']);
        expect((await collect(store.readStream(streamId))).map((event) => event.recordedAt)).to.deep.equal(recordedAt);
      });

      it('borrows a pool it is given and leaves it open on close', async function () {
        const url = await postgres.cluster.newDatabaseUrl();
        const pool = new pg.Pool({ connectionString: url, max: 3 });
        try {
          const store = await createPostgresEventStore({ pool });
          await store.appendToStream(newStreamId(), proposedEvents(2));
          await store.close();

          const { rows } = await pool.query<{ count: string }>('SELECT count(*) FROM quanze_events');
          expect(Number(rows[0]?.count)).to.equal(2);
        } finally {
          await pool.end();
        }
      });
    });

    describe('backup and restore', function () {
      // Positions are data, not transaction ids: a logical restore into a new cluster, whose transaction ids start
      // again far below the old ones, changes neither the order of the log nor where the next append goes.
      it('continues the log after pg_dump and pg_restore into a new cluster, whose transaction ids are lower', async function () {
        this.timeout(60_000);
        const url = await postgres.cluster.newDatabaseUrl();
        const store = await open(url);
        const before: RecordedEvent[] = [];
        for (let append = 0; append < 20; append += 1) {
          before.push(...(await store.appendToStream(newStreamId(), proposedEvents(1 + (append % 3)))).events);
        }
        const source = await connect(url);
        // As a cluster that has lived longer than a new one: its transaction ids are well ahead.
        for (let burnt = 0; burnt < 500; burnt += 1) await source.query('SELECT pg_current_xact_id()');
        const { rows: sourceXid } = await source.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');
        const folder = await mkdtemp(join(tmpdir(), 'quanze-pg-dump-'));
        const restored = await startPostgresCluster(postgres.binaries);
        try {
          const dump = join(folder, 'quanze.dump');
          execFileSync(postgres.binaries.pgDump, ['--format=custom', `--file=${dump}`, `--dbname=${url}`]);
          const target = await restored.newDatabaseUrl('quanze_restored');
          execFileSync(postgres.binaries.pgRestore, ['--exit-on-error', `--dbname=${target}`, dump]);
          const targetClient = await connect(target);
          const { rows: targetXid } = await targetClient.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');

          const reopened = await open(target);
          const subscription = reopened.subscribeToAll();
          const after = await reopened.appendToStream(newStreamId(), proposedEvents(2));
          const delivered = await within(5_000, () => 'the restored log and the new events', () =>
            take(subscription[Symbol.asyncIterator](), before.length + 2),
          );
          await subscription.stop();

          expect(Number(targetXid[0]?.xid), 'transaction ids in the new cluster').to.be.below(Number(sourceXid[0]?.xid));
          expect(after.positions).to.deep.equal([before.length + 1, before.length + 2]);
          expect(delivered).to.deep.equal([...before, ...after.events]);
        } finally {
          await restored.stop();
          await rm(folder, { recursive: true, force: true });
        }
      });
    });

    describe('failures', function () {
      it('fails to open an unreachable server with StoreUnavailable', async function () {
        await expect(openEventStore('postgres://postgres@127.0.0.1:1/nothing')).to.be.rejectedWith(StoreUnavailable);
      });

      it('fails the appends of a transaction whose connection is lost with StoreUnavailable; their retry appends each once', async function () {
        const url = await postgres.cluster.newDatabaseUrl();
        const admin = await connect(url);
        let sabotage = true;
        const store = await open(url, {
          beforeCommit: async (client) => {
            if (!sabotage) return;
            sabotage = false;
            const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
            await admin.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
          },
        });
        const appends = [0, 1, 2].map(() => ({ streamId: newStreamId(), events: proposedEvents(2) }));

        const outcomes = await Promise.allSettled(
          appends.map(({ streamId, events }) => store.appendToStream(streamId, events, { expectedVersion: 'no_stream' })),
        );
        for (const outcome of outcomes) {
          expect(outcome.status).to.equal('rejected');
          expect((outcome as PromiseRejectedResult).reason).to.be.instanceOf(StoreUnavailable).with.property('retriable', true);
        }
        const retried: AppendResult[] = await Promise.all(
          appends.map(({ streamId, events }) => store.appendToStream(streamId, events, { expectedVersion: 'no_stream' })),
        );

        expect(retried.map((result) => result.idempotentReplay)).to.deep.equal([false, false, false]);
        expect(retried.flatMap((result) => result.positions).sort((x, y) => x - y)).to.deep.equal(range(1, 6));
        expect(await store.headPosition()).to.equal(6);
      });
    });

    describe('closing', function () {
      it('waits for the appends in flight, which commit before close() resolves', async function () {
        const url = await postgres.cluster.newDatabaseUrl();
        const store = await open(url, { beforeCommit: (client) => client.query('SELECT pg_sleep(0.2)') });
        const settled: string[] = [];

        const appending = Promise.all(
          [0, 1, 2].map(() => store.appendToStream(newStreamId(), proposedEvents(2), { expectedVersion: 'no_stream' })),
        ).then((results) => {
          settled.push('appends');
          return results;
        });
        await new Promise((resolve) => setTimeout(resolve, 50));
        await store.close().then(() => settled.push('close'));

        expect(settled).to.deep.equal(['appends', 'close']);
        const results = await appending;
        const reopened = await open(url);
        expect((await collect(reopened.readAll())).map((event) => event.eventId)).to.deep.equal(
          results.flatMap((result) => result.events.map((event) => event.eventId)),
        );
      });
    });
  });
});

async function take<T>(events: AsyncIterator<T>, count: number): Promise<T[]> {
  const taken: T[] = [];
  while (taken.length < count) {
    const next = await events.next();
    if (next.done === true) throw new Error(`the subscription ended after ${taken.length} of ${count} events`);
    taken.push(next.value);
  }
  return taken;
}

