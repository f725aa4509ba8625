import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { RecordedEvent } from '@quanze/events';
import type { EventStore } from '@quanze/eventstore';
import { openEventStore } from '@quanze/eventstore';
import {
  ConcurrentSealer,
  INTEGRITY_FILE_NAME,
  LOG_SIGNING_KEY_FILE,
  MemoryTree,
  TreeSizeBeyondLog,
  createSealer,
  createSqliteIntegrityStore,
  eventLeafHash,
  generateNoteKey,
  inclusionProof,
  loadOrCreateLogKey,
  parseSignerKey,
  parseVerifierKey,
  readLogVerifierKeys,
  recordLogVerifierKey,
  storedConsistencyProof,
  storedInclusionProof,
  storedRoot,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
  type IntegrityStore,
} from '@quanze/integrity';
import { newStreamId, proposedEvents } from '../../support/events.js';

const ORIGIN = 'quanze.test/ledger';

async function allEvents(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of store.readAll()) events.push(event);
  return events;
}

describe('the sealer on a real SQLite data folder', function () {
  let folder: string;
  let store: EventStore;
  let integrity: IntegrityStore;
  const key = generateNoteKey(ORIGIN);
  const signer = parseSignerKey(key.signerKey);
  const verifier = parseVerifierKey(key.verifierKey);

  beforeEach(async function () {
    folder = await mkdtemp(join(tmpdir(), 'quanze-sealer-'));
    store = await openEventStore(`sqlite:${folder}`);
    integrity = createSqliteIntegrityStore({ path: join(folder, INTEGRITY_FILE_NAME) });
  });

  afterEach(async function () {
    await store.close();
    await integrity.close();
    await rm(folder, { recursive: true, force: true });
  });

  async function append(count: number): Promise<void> {
    await store.appendToStream(newStreamId(), proposedEvents(count));
  }

  describe('when events are appended while it follows', function () {
    it('stores the tree of every event and signs a checkpoint over it that verifies with the verifier key', async function () {
      const sealer = createSealer({ store, integrity, signer, everyEvents: 1_000_000, everyMs: 60_000 });
      await sealer.start();
      await append(5);
      await append(8);
      await sealer.sealedThrough(13);
      const checkpoint = await sealer.checkpointNow();
      await sealer.stop();

      const events = await allEvents(store);
      const reference = MemoryTree.of(events.map(eventLeafHash));
      expect(checkpoint?.size).to.equal(13);
      const opened = verifyCheckpoint(checkpoint?.note ?? '', [verifier], { origin: ORIGIN }).checkpoint;
      expect(opened.size).to.equal(13);
      expect(opened.rootHash).to.deep.equal(reference.root());
      expect(await storedRoot(integrity, 13)).to.deep.equal(reference.root());
      expect(await integrity.positionOf(events[6]?.eventId ?? '')).to.equal(7);
    });

    it('serves inclusion and consistency proofs from stored nodes that verify against the signed roots', async function () {
      const sealer = createSealer({ store, integrity, signer, everyEvents: 7, everyMs: 60_000, batchSize: 3 });
      await sealer.start();
      for (let i = 0; i < 10; i++) await append(3);
      await sealer.sealedThrough(30);
      await sealer.stop();
      const events = await allEvents(store);
      const reference = MemoryTree.of(events.map(eventLeafHash));
      const checkpoints = await integrity.checkpoints({ limit: 100 });
      expect(checkpoints.map((c) => c.size).at(0)).to.equal(30);
      const sizes = checkpoints.map((c) => c.size).reverse();
      for (let i = 1; i < sizes.length; i++) expect((sizes[i] ?? 0) - (sizes[i - 1] ?? 0)).to.be.at.least(1);

      for (const size of [1, 7, 13, 30]) {
        for (const index of [0, Math.floor(size / 2), size - 1]) {
          const proof = await storedInclusionProof(integrity, index, size);
          expect(proof).to.deep.equal(inclusionProof(reference, index, size));
          verifyInclusion(index, size, eventLeafHash(events[index] as RecordedEvent), proof, await storedRoot(integrity, size));
        }
      }
      const proof = await storedConsistencyProof(integrity, 11, 30);
      verifyConsistency(11, 30, await storedRoot(integrity, 11), await storedRoot(integrity, 30), proof);
      await expect(storedInclusionProof(integrity, 0, 31)).to.be.rejectedWith(TreeSizeBeyondLog);
      await expect(storedConsistencyProof(integrity, 3, 31)).to.be.rejectedWith(TreeSizeBeyondLog);
    });

    it('signs a checkpoint within everyMs of the first unsigned event, without being asked', async function () {
      const sealer = createSealer({ store, integrity, signer, everyEvents: 1_000_000, everyMs: 30, flushDelayMs: 5 });
      await sealer.start();
      await append(2);
      await sealer.sealedThrough(2);
      for (let waited = 0; waited < 2000 && (await integrity.latestCheckpoint()) === null; waited += 10) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await sealer.stop();
      expect((await integrity.latestCheckpoint())?.size).to.equal(2);
    });
  });

  describe('when it restarts', function () {
    it('resumes from the stored nodes and signs a tree a crash left unsigned, losing nothing', async function () {
      await append(6);
      // A crash between the nodes and the checkpoint: the nodes of 6 leaves stored, no checkpoint.
      const first = createSealer({ store, integrity, signer, everyEvents: 1_000_000, everyMs: 60_000 });
      await first.start();
      await first.sealedThrough(6);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await integrity.latestCheckpoint()).to.equal(null);
      expect(await integrity.treeSize()).to.equal(6);
      // Abandoned without stop(), as a crash would.

      const second = createSealer({ store, integrity, signer, everyEvents: 1_000_000, everyMs: 60_000 });
      await second.start();
      expect((await integrity.latestCheckpoint())?.size).to.equal(6);
      await first.stop().catch(() => undefined);
      await append(4);
      await second.sealedThrough(10);
      await second.stop();
      const reference = MemoryTree.of((await allEvents(store)).map(eventLeafHash));
      const latest = await integrity.latestCheckpoint();
      expect(latest?.size).to.equal(10);
      expect(latest?.rootHash).to.deep.equal(reference.root());
    });

    it('signs the same tree again with a new key of the same origin after a rotation; the old checkpoint keeps verifying with the old key', async function () {
      await append(3);
      const old = createSealer({ store, integrity, signer, everyEvents: 1, everyMs: 60_000 });
      await old.start();
      await old.sealedThrough(3);
      await old.stop();
      const next = generateNoteKey(ORIGIN);
      const rotated = createSealer({ store, integrity, signer: parseSignerKey(next.signerKey), everyEvents: 1, everyMs: 60_000 });
      await rotated.start();
      await rotated.stop();
      const [latest, previous] = await integrity.checkpoints({ limit: 2 });
      expect(latest?.size).to.equal(3);
      expect(verifyCheckpoint(latest?.note ?? '', [parseVerifierKey(next.verifierKey)], { origin: ORIGIN }).checkpoint.size).to.equal(3);
      expect(() => verifyCheckpoint(latest?.note ?? '', [verifier])).to.throw();
      expect(verifyCheckpoint(previous?.note ?? '', [verifier]).checkpoint.rootHash).to.deep.equal(latest?.rootHash);
    });
  });

  describe('the integrity store', function () {
    it('refuses a batch that does not continue the stored tree (two sealers on one log)', async function () {
      await integrity.integrate({ from: 0, size: 1, nodes: [{ level: 0, index: 0, hash: new Uint8Array(32) }], eventIds: ['a'] });
      await expect(
        integrity.integrate({ from: 0, size: 1, nodes: [{ level: 0, index: 0, hash: new Uint8Array(32) }], eventIds: ['b'] }),
      ).to.be.rejectedWith(ConcurrentSealer);
      expect(await integrity.treeSize()).to.equal(1);
      expect(await integrity.positionOf('b')).to.equal(null);
    });
  });

  describe('the log key', function () {
    it('is generated once into keys/ with mode 0600, never overwritten, and its verifier key is listed', async function () {
      const created = await loadOrCreateLogKey({ dataFolder: folder, origin: ORIGIN });
      const again = await loadOrCreateLogKey({ dataFolder: folder, origin: 'other/origin' });
      expect(created.created).to.equal(true);
      expect(again.created).to.equal(false);
      expect(again.signer.verifierKey).to.equal(created.signer.verifierKey);
      expect(created.signer.name).to.equal(ORIGIN);
      expect((await stat(join(folder, LOG_SIGNING_KEY_FILE))).mode & 0o777).to.equal(0o600);
      expect(await readFile(join(folder, LOG_SIGNING_KEY_FILE), 'utf8')).to.match(/^PRIVATE\+KEY\+quanze\.test\/ledger\+/);

      await recordLogVerifierKey(folder, created.signer);
      await recordLogVerifierKey(folder, created.signer);
      await recordLogVerifierKey(folder, signer);
      expect((await readLogVerifierKeys(folder)).map((k) => k.verifierKey)).to.deep.equal([created.signer.verifierKey, signer.verifierKey]);
    });

    it('generates a random origin quanze.<id>/ledger when none is configured', async function () {
      const created = await loadOrCreateLogKey({ dataFolder: folder });
      expect(created.signer.name).to.match(/^quanze\.[0-9a-f]{8}\/ledger$/);
    });
  });
});
