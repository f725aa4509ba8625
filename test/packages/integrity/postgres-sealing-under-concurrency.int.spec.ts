import { expect } from 'chai';
import pg from 'pg';
import type { RecordedEvent } from '@quanze/events';
import { createPostgresEventStore } from '@quanze/eventstore';
import type { EventStore, PostgresEventStoreOptions } from '@quanze/eventstore';
import {
  InvalidProof,
  MemoryTree,
  createPostgresIntegrityStore,
  createSealer,
  eventLeafHash,
  generateNoteKey,
  parseSignerKey,
  parseVerifierKey,
  storedInclusionProof,
  storedRoot,
  toBase64,
  verifyCheckpoint,
  verifyInclusion,
  verifyLog,
} from '@quanze/integrity';
import type { IntegrityStore, StoredCheckpoint } from '@quanze/integrity';
import { newStreamId, proposedEvents } from '../../support/events.js';
import { usePostgresCluster } from '../../support/postgres.js';
import { collect, range, within } from '../../support/async.js';

const ORIGIN = 'quanze.test/sealing-under-concurrency';
const APPENDERS = 16;
const ROUNDS = 20;

// The proof of the gap-free order: what commits out of order must still be sealed in order, because a
// sealer that skipped or repeated a position would sign a tree that no one can recompute from the events.
describe('on a throwaway PostgreSQL cluster', function () {
  const postgres = usePostgresCluster();

  describe('the Merkle sealer following 16 concurrent appenders', function () {
    const stores = new Set<EventStore>();
    const integrities = new Set<IntegrityStore>();
    const key = generateNoteKey(ORIGIN);
    const signer = parseSignerKey(key.signerKey);
    const verifier = parseVerifierKey(key.verifierKey);

    async function open(url: string, options: Omit<PostgresEventStoreOptions, 'connectionString'> = {}): Promise<EventStore> {
      const store = await createPostgresEventStore({ connectionString: url, ...options });
      stores.add(store);
      return store;
    }

    afterEach(async function () {
      await Promise.allSettled([...stores].map((store) => store.close()));
      await Promise.allSettled([...integrities].map((integrity) => integrity.close()));
      stores.clear();
      integrities.clear();
    });

    it('seals every event once, in order, into the tree recomputed afterwards from the events, while a live subscriber sees each once, in order', async function () {
      this.timeout(30_000);
      const url = await postgres.cluster.newDatabaseUrl('sealing');
      // Each appender on a store (a pool) of its own, as separate processes would be, holding its transaction open a
      // random while after its insert: later numbers then try to commit before earlier ones.
      const pauseBeforeCommit = (client: pg.ClientBase) => client.query('SELECT pg_sleep($1)', [Math.random() * 0.003]);
      const appenders = await Promise.all(
        Array.from({ length: APPENDERS }, () => open(url, { maxConnections: 2, beforeCommit: pauseBeforeCommit })),
      );
      const watcher = await open(url, { pollIntervalMs: 5 });
      const sealerStore = await open(url, { pollIntervalMs: 5 });
      const integrity = await createPostgresIntegrityStore({ connectionString: url });
      integrities.add(integrity);

      const subscription = watcher.subscribeToAll({ batchSize: 7 });
      const delivered: RecordedEvent[] = [];
      const subscribing = (async () => {
        for await (const event of subscription) delivered.push(event);
      })();
      subscribing.catch(() => undefined); // awaited below; a failure must not be reported as unhandled meanwhile

      // Small batches and frequent checkpoints, so that the sealer writes and signs many times while appends race.
      const sealerErrors: unknown[] = [];
      const signedWhileAppending: StoredCheckpoint[] = [];
      const writing = { running: true };
      const sealer = createSealer({
        store: sealerStore,
        integrity,
        signer,
        everyEvents: 40,
        everyMs: 100,
        batchSize: 32,
        flushDelayMs: 5,
        onError: (error) => sealerErrors.push(error),
        onCheckpoint: (checkpoint) => {
          if (writing.running) signedWhileAppending.push(checkpoint);
        },
      });
      await sealer.start();

      const acknowledged: RecordedEvent[] = [];
      try {
        await Promise.all(
          appenders.map(async (store, writer) => {
            const streams = [newStreamId(`writer${writer}`), newStreamId(`writer${writer}`)];
            const versions = [0, 0];
            for (let round = 0; round < ROUNDS; round += 1) {
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

      const head = await watcher.headPosition();
      const total = APPENDERS * range(0, ROUNDS - 1).reduce((sum, round) => sum + 1 + (round % 3), 0);
      expect(head).to.equal(total);
      await within(10_000, () => `the sealer to integrate ${head} events (at ${sealer.treeSize})`, () => sealer.sealedThrough(head));
      // Null when a checkpoint over the whole tree was signed already, by size or by time: the latest is then it.
      await sealer.checkpointNow();
      const checkpoint = await integrity.latestCheckpoint();
      await within(10_000, () => `the subscriber to reach ${head} (at ${subscription.lastPosition})`, async () => {
        while (subscription.lastPosition < head) await new Promise((resolve) => setTimeout(resolve, 10));
      });
      await subscription.stop();
      await subscribing;
      await sealer.stop();

      // The subscriber: every position once, in order, each exactly the event its appender was told was stored.
      expect(delivered.map((event) => event.position), 'positions delivered live').to.deep.equal(range(1, total));
      const byId = new Map(delivered.map((event) => [event.eventId, event]));
      expect(byId.size, 'distinct events delivered').to.equal(total);
      for (const event of acknowledged) expect(byId.get(event.eventId), `acknowledged ${event.eventId}`).to.deep.equal(event);

      // The sealer: as many leaves as events, each event's id at its own position, nothing failed on the way.
      expect(sealerErrors, 'errors the sealer reported').to.deep.equal([]);
      expect(sealer.treeSize).to.equal(head);
      expect(await integrity.treeSize()).to.equal(head);
      const events = await collect(watcher.readAll());
      expect(events.map((event) => event.position)).to.deep.equal(range(1, total));
      const sealedPositions = await Promise.all(events.map((event) => integrity.positionOf(event.eventId)));
      expect(sealedPositions, 'the position the sealer stored for each event').to.deep.equal(range(1, total));
      expect(signedWhileAppending, 'checkpoints signed while the appenders ran').to.not.be.empty;

      // The signed tree is the one recomputed from the events as read back afterwards.
      if (checkpoint === null) throw new Error('no checkpoint is stored after checkpointNow');
      expect(checkpoint.size).to.equal(head);
      const opened = verifyCheckpoint(checkpoint.note, [verifier], { origin: ORIGIN }).checkpoint;
      expect(opened.size).to.equal(head);
      const recomputed = MemoryTree.of(events.map(eventLeafHash));
      expect(toBase64(opened.rootHash), 'the signed root against the recomputed one').to.equal(toBase64(recomputed.root()));
      expect(toBase64(await storedRoot(integrity, head)), 'the stored root').to.equal(toBase64(recomputed.root()));

      // A tree over the same events in another order is another tree: the comparison above could have failed.
      const swapped = [...events];
      [swapped[100], swapped[101]] = [swapped[101] as RecordedEvent, swapped[100] as RecordedEvent];
      expect(toBase64(MemoryTree.of(swapped.map(eventLeafHash)).root()), 'a root over two events swapped').to.not.equal(toBase64(opened.rootHash));

      // Stored inclusion proofs of the first, the last and a few random events lead to the signed root.
      const sampled = [0, total - 1, ...Array.from({ length: 6 }, () => Math.floor(Math.random() * total))];
      for (const index of sampled) {
        const proof = await storedInclusionProof(integrity, index, head);
        const leaf = eventLeafHash(events[index] as RecordedEvent);
        expect(() => {
          verifyInclusion(index, head, leaf, proof, opened.rootHash);
        }, `the inclusion proof of position ${index + 1}`).to.not.throw();
      }
      // …and only for the event at that position.
      const proofOfFirst = await storedInclusionProof(integrity, 0, head);
      expect(() => {
        verifyInclusion(0, head, eventLeafHash(events[1] as RecordedEvent), proofOfFirst, opened.rootHash);
      }, 'the first position\'s proof for the second event').to.throw(InvalidProof);

      // The auditor's walk over the whole log, every checkpoint signed on the way included, finds nothing wrong.
      const verdict = await verifyLog({ store: watcher, integrity, verifiers: [verifier] });
      expect(verdict.problems).to.deep.equal([]);
      expect(verdict).to.include({ intact: true, eventsChecked: head, treeSize: head, verifiedThrough: head, unsigned: 0 });
      expect(verdict.checkpoints).to.be.greaterThan(signedWhileAppending.length);

      // And it does say so when one sealed event is rewritten afterwards.
      const tampered = 1 + Math.floor(Math.random() * total);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`UPDATE quanze_events SET body = replace(body::text, '"n":', '"m":')::json WHERE position = $1`, [tampered]);
      } finally {
        await client.end();
      }
      const afterTampering = await verifyLog({ store: watcher, integrity, verifiers: [verifier] });
      expect(afterTampering.intact).to.equal(false);
      expect(afterTampering.problems[0]).to.include({ kind: 'event', position: tampered });
    });
  });
});

