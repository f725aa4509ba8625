import { expect } from 'chai';
import type { RecordedEvent } from '@quanze/events';
import type { EventStore } from '@quanze/eventstore';
import {
  ConcurrentSealer,
  MemoryTree,
  TreeSizeBeyondLog,
  cosignedNote,
  createSealer,
  eventLeafHash,
  generateNoteKey,
  inclusionProof,
  parseSignerKey,
  parseVerifierKey,
  storedConsistencyProof,
  storedInclusionProof,
  storedRoot,
  verifyLog,
  type IntegrityStore,
} from '@quanze/integrity';
import { newStreamId, proposedEvents } from '../../support/events.js';

export interface IntegrityFixture {
  /** A fresh, empty event store and the integrity store beside it. */
  open(): Promise<{ store: EventStore; integrity: IntegrityStore; tamperWithBody(position: number): Promise<void> }>;
  /** Called after each test. */
  cleanup(): Promise<void>;
}

/** What every integrity store adapter must do; each adapter has one thin spec that calls this. */
export function integrityStoreContract(name: string, fixture: IntegrityFixture): void {
  describe(`the ${name} integrity store (contract)`, function () {
    const key = generateNoteKey('quanze.contract/ledger');
    const signer = parseSignerKey(key.signerKey);
    const verifier = parseVerifierKey(key.verifierKey);
    let opened: Awaited<ReturnType<IntegrityFixture['open']>>;

    beforeEach(async function () {
      opened = await fixture.open();
    });

    afterEach(async function () {
      await opened.store.close();
      await opened.integrity.close();
      await fixture.cleanup();
    });

    it('starts empty: size 0, no checkpoint, no position', async function () {
      expect(await opened.integrity.treeSize()).to.equal(0);
      expect(await opened.integrity.latestCheckpoint()).to.equal(null);
      expect(await opened.integrity.positionOf('nothing')).to.equal(null);
      expect(await opened.integrity.nodes([])).to.deep.equal([]);
    });

    it('stores a batch of nodes, the size and the positions together, and refuses one that does not continue the tree', async function () {
      const leaf = new Uint8Array(32).fill(1);
      await opened.integrity.integrate({ from: 0, size: 1, nodes: [{ level: 0, index: 0, hash: leaf }], eventIds: ['e-1'] });
      await expect(
        opened.integrity.integrate({ from: 0, size: 1, nodes: [{ level: 0, index: 0, hash: leaf }], eventIds: ['e-2'] }),
      ).to.be.rejectedWith(ConcurrentSealer);
      expect(await opened.integrity.treeSize()).to.equal(1);
      expect(await opened.integrity.positionOf('e-1')).to.equal(1);
      expect(await opened.integrity.positionOf('e-2')).to.equal(null);
      expect(await opened.integrity.nodes([{ level: 0, index: 0 }])).to.deep.equal([leaf]);
      expect(await opened.integrity.nodeRange(0, 0, 5)).to.deep.equal([{ index: 0, hash: leaf }]);
      expect(await opened.integrity.nodeRange(1, 0, 5)).to.deep.equal([]);
    });

    it('keeps checkpoints newest first, by size, a page at a time', async function () {
      for (const size of [1, 2, 2, 5]) {
        await opened.integrity.addCheckpoint({ size, rootHash: new Uint8Array(32).fill(size), note: `note ${size}`, createdAt: '2026-11-25T10:00:00.000Z' });
      }
      const all = await opened.integrity.checkpoints({ limit: 10 });
      expect(all.map((c) => c.size)).to.deep.equal([5, 2, 2, 1]);
      const page = await opened.integrity.checkpoints({ limit: 2, beforeId: all[1]?.id ?? 0 });
      expect(page.map((c) => c.size)).to.deep.equal([2, 1]);
      expect((await opened.integrity.checkpoints({ limit: 10, minSize: 2, maxSize: 4 })).map((c) => c.size)).to.deep.equal([2, 2]);
      expect((await opened.integrity.checkpointOfSize(2))?.id).to.equal(all[1]?.id);
      expect((await opened.integrity.latestCheckpoint())?.rootHash).to.deep.equal(new Uint8Array(32).fill(5));
    });

    it('finds the smallest checkpoint that covers a position, the newest of that size', async function () {
      const made = [];
      for (const size of [3, 7, 7, 12]) {
        made.push(await opened.integrity.addCheckpoint({ size, rootHash: new Uint8Array(32).fill(size), note: `note ${size}`, createdAt: '2026-11-25T10:00:00.000Z' }));
      }
      expect((await opened.integrity.checkpointCovering(1))?.size).to.equal(3);
      expect((await opened.integrity.checkpointCovering(3))?.size).to.equal(3);
      expect((await opened.integrity.checkpointCovering(4))?.id).to.equal(made[2]?.id);
      expect((await opened.integrity.checkpointCovering(12))?.size).to.equal(12);
      expect(await opened.integrity.checkpointCovering(13)).to.equal(null);
    });

    it('keeps witnesses’ cosignature lines with their checkpoint, each once and in order, and knows the size each witness last cosigned', async function () {
      const first = await opened.integrity.addCheckpoint({ size: 4, rootHash: new Uint8Array(32).fill(4), note: 'note 4\n\n— log sig\n', createdAt: '2026-11-25T10:00:00.000Z' });
      const second = await opened.integrity.addCheckpoint({ size: 9, rootHash: new Uint8Array(32).fill(9), note: 'note 9\n\n— log sig\n', createdAt: '2026-11-25T10:00:10.000Z' });
      expect(first.cosignatures).to.deep.equal([]);
      await opened.integrity.addCosignatures(first.id, 'witness-a+1+key', ['— witness-a AAA']);
      await opened.integrity.addCosignatures(second.id, 'witness-b+2+key', ['— witness-b BBB', '— witness-b BB2']);
      await opened.integrity.addCosignatures(second.id, 'witness-a+1+key', ['— witness-a CCC']);
      await opened.integrity.addCosignatures(second.id, 'witness-b+2+key', ['— witness-b BBB']);
      const latest = await opened.integrity.latestCheckpoint();
      expect(latest?.cosignatures).to.deep.equal(['— witness-b BBB', '— witness-b BB2', '— witness-a CCC']);
      expect(cosignedNote(latest ?? second)).to.equal('note 9\n\n— log sig\n— witness-b BBB\n— witness-b BB2\n— witness-a CCC\n');
      expect((await opened.integrity.checkpointOfSize(4))?.cosignatures).to.deep.equal(['— witness-a AAA']);
      expect((await opened.integrity.checkpoints({ limit: 5 })).map((c) => c.cosignatures.length)).to.deep.equal([3, 1]);
      expect((await opened.integrity.checkpointCovering(5))?.cosignatures).to.have.length(3);
      expect(await opened.integrity.lastCosignedSize('witness-a+1+key')).to.equal(9);
      expect(await opened.integrity.lastCosignedSize('witness-c+3+key')).to.equal(0);
      await expect(opened.integrity.addCosignatures(second.id + 100, 'witness-a+1+key', ['— witness-a DDD'])).to.be.rejectedWith(RangeError);
    });

    it('grows under the sealer into the tree of the log, whose proofs verify and which verifyLog finds intact', async function () {
      const sealer = createSealer({ store: opened.store, integrity: opened.integrity, signer, everyEvents: 9, everyMs: 60_000, batchSize: 4 });
      await sealer.start();
      for (let i = 0; i < 6; i++) await opened.store.appendToStream(newStreamId(), proposedEvents(5));
      await sealer.sealedThrough(30);
      await sealer.stop();
      const events: RecordedEvent[] = [];
      for await (const event of opened.store.readAll()) events.push(event);
      const reference = MemoryTree.of(events.map(eventLeafHash));
      expect(await storedRoot(opened.integrity, 30)).to.deep.equal(reference.root());
      expect(await storedInclusionProof(opened.integrity, 17, 29)).to.deep.equal(inclusionProof(reference, 17, 29));
      expect((await storedConsistencyProof(opened.integrity, 9, 30)).length).to.be.greaterThan(0);
      await expect(storedRoot(opened.integrity, 31)).to.be.rejectedWith(TreeSizeBeyondLog);
      expect((await opened.integrity.latestCheckpoint())?.size).to.equal(30);

      const intact = await verifyLog({ store: opened.store, integrity: opened.integrity, verifiers: [verifier] });
      expect(intact.problems).to.deep.equal([]);
      expect(intact.verifiedThrough).to.equal(30);

      await opened.tamperWithBody(13);
      const tampered = await verifyLog({ store: opened.store, integrity: opened.integrity, verifiers: [verifier] });
      expect(tampered.intact).to.equal(false);
      expect(tampered.problems[0]).to.include({ kind: 'event', position: 13 });
    });
  });
}
