import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import type { RecordedEvent } from '@quanze/events';
import type { EventStore } from '@quanze/eventstore';
import { SQLITE_FILE_NAME, openEventStore } from '@quanze/eventstore';
import {
  INTEGRITY_FILE_NAME,
  MemoryTree,
  SealerThreadError,
  createSealer,
  createSealerThread,
  createSqliteIntegrityStore,
  eventLeafHash,
  generateNoteKey,
  ledgerLogConfig,
  openLedgerLog,
  parseSignerKey,
  parseVerifierKey,
  storedInclusionProof,
  storedRoot,
  verifyCheckpoint,
  verifyInclusion,
  type IntegrityStore,
  type SealerCatchUp,
  type StoredCheckpoint,
} from '@quanze/integrity';
import { newStreamId, proposedEvents } from '../../support/events.js';

const ORIGIN = 'quanze.thread-test/ledger';

async function allEvents(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of store.readAll()) events.push(event);
  return events;
}

describe('the sealer on a worker thread of its own (openLedgerLog, as npm start runs it)', function () {
  this.timeout(20_000);
  let folder: string;
  let store: EventStore;
  const key = generateNoteKey(ORIGIN);
  const verifier = parseVerifierKey(key.verifierKey);

  beforeEach(async function () {
    folder = await mkdtemp(join(tmpdir(), 'quanze-sealer-thread-'));
    await writeFile(join(folder, 'log.key'), `${key.signerKey}\n`, { mode: 0o600 });
    store = await openEventStore(`sqlite:${folder}`);
  });

  afterEach(async function () {
    await store.close();
    await rm(folder, { recursive: true, force: true });
  });

  const config = (env: NodeJS.ProcessEnv = {}) =>
    ledgerLogConfig({ dataFolder: folder, storeUrl: `sqlite:${folder}` }, { QUANZE_LOG_SIGNING_KEY_FILE: join(folder, 'log.key'), QUANZE_SEAL_EVERY_MS: '60000', ...env });

  it('seals what this thread appends on its own connection and signs checkpoints over the same tree as a recomputation', async function () {
    await store.appendToStream(newStreamId(), proposedEvents(5));
    const signed: StoredCheckpoint[] = [];
    const log = await openLedgerLog({ config: config({ QUANZE_SEAL_EVERY_EVENTS: '8' }), onCheckpoint: (checkpoint) => signed.push(checkpoint), pollIntervalMs: 10 });
    try {
      for (let round = 1; round <= 4; round += 1) {
        await store.appendToStream(newStreamId(), proposedEvents(3));
        await log.sealer.sealedThrough(5 + 3 * round);
      }
      expect(log.sealer.treeSize).to.equal(17);
      await log.sealer.checkpointNow(); // null when the checkpoint every 8 events already covered all 17
      const latest = await log.integrity.latestCheckpoint();
      const events = await allEvents(store);
      const recomputed = MemoryTree.of(events.map(eventLeafHash));
      expect(latest?.size).to.equal(17);
      expect(Buffer.from(latest?.rootHash ?? new Uint8Array()).toString('hex')).to.equal(Buffer.from(recomputed.root()).toString('hex'));
      expect(verifyCheckpoint(latest?.note ?? '', [verifier], { origin: ORIGIN }).checkpoint.size).to.equal(17);
      // Every checkpoint the thread signed reached this thread, the one every 8 events among them.
      expect(signed.map((checkpoint) => checkpoint.size)).to.deep.equal([8, 17]);
      // What the thread wrote, this thread's integrity store reads and proves.
      const proof = await storedInclusionProof(log.integrity, 10, 17);
      verifyInclusion(10, 17, eventLeafHash(events[10] as RecordedEvent), proof, recomputed.root());
    } finally {
      await log.close();
    }
  });

  it('writes and signs on close what it integrated, and a new thread resumes from there', async function () {
    const first = await openLedgerLog({ config: config(), pollIntervalMs: 10 });
    await store.appendToStream(newStreamId(), proposedEvents(4));
    await first.sealer.sealedThrough(4);
    await first.close();
    await store.appendToStream(newStreamId(), proposedEvents(2));
    const second = await openLedgerLog({ config: config(), pollIntervalMs: 10 });
    try {
      expect((await second.integrity.latestCheckpoint())?.size, 'signed by the first on close').to.equal(4);
      await second.sealer.sealedThrough(6);
      await second.sealer.checkpointNow();
      const latest = await second.integrity.latestCheckpoint();
      expect(latest?.size).to.equal(6);
      expect(Buffer.from(latest?.rootHash ?? new Uint8Array()).equals(Buffer.from(MemoryTree.of((await allEvents(store)).map(eventLeafHash)).root()))).to.equal(true);
    } finally {
      await second.close();
    }
  });

  it('reports a log with a gap as the sealer’s error, by its code, and seals nothing past it', async function () {
    await store.appendToStream(newStreamId(), proposedEvents(5));
    const raw = new Database(join(folder, SQLITE_FILE_NAME));
    raw.prepare('DELETE FROM events WHERE position = 3').run();
    raw.close();
    const errors: unknown[] = [];
    const log = await openLedgerLog({ config: config(), onError: (error) => errors.push(error), pollIntervalMs: 10 });
    try {
      while (errors.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(errors[0]).to.be.instanceOf(SealerThreadError).and.include({ code: 'integrity.log-not-contiguous' });
      expect((errors[0] as Error).message).to.contain('expected the event at position 3 and was given position 4');
      expect(log.sealer.treeSize).to.be.at.most(2);
    } finally {
      await log.close();
    }
  });

  it('fails to start, naming the cause, when its thread cannot open what it needs, and leaves no thread behind', async function () {
    const sealer = createSealerThread({
      settings: { storeUrl: `sqlite:${folder}`, dataFolder: folder, signingKeyFile: join(folder, 'no-such-key'), everyEvents: 10, everyMs: 1000, pollIntervalMs: 10 },
    });
    const failure = await sealer.start().then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).to.be.instanceOf(SealerThreadError).and.include({ code: 'ENOENT' });
    await sealer.stop();
    await expect(sealer.checkpointNow()).to.be.rejectedWith(/not running/);
  });
});

describe('the sealer through a long backlog (catch-up)', function () {
  // Its last spec starts three threads that each load TypeScript through tsx: slow on a loaded two-core machine.
  this.timeout(90_000);
  let folder: string;
  let store: EventStore;
  const key = generateNoteKey(ORIGIN);

  beforeEach(async function () {
    folder = await mkdtemp(join(tmpdir(), 'quanze-sealer-catch-up-'));
    store = await openEventStore(`sqlite:${folder}`);
  });

  afterEach(async function () {
    await store.close();
    await rm(folder, { recursive: true, force: true });
  });

  /** A catch-up reader over the store's own events, recording the pages asked; `shortAt` ends a page early there. */
  function recordingCatchUp(minBacklog: number, shortAt?: number): { catchUp: SealerCatchUp; asked: [number, number][]; opened: number[] } {
    const asked: [number, number][] = [];
    const opened: number[] = [];
    return {
      asked,
      opened,
      catchUp: {
        headPosition: () => store.headPosition(),
        minBacklog,
        pageSize: 8,
        pagesAhead: 3,
        open() {
          opened.push(asked.length);
          return {
            async read(from, count) {
              asked.push([from, count]);
              const events: RecordedEvent[] = [];
              for await (const event of store.readAll({ fromPosition: from, limit: count })) {
                if (event.position === shortAt) break;
                events.push(event);
              }
              const leaves = new Uint8Array(events.length * 32);
              events.forEach((event, index) => { leaves.set(eventLeafHash(event), index * 32); });
              return { leaves, count: events.length, eventIds: events.map((event) => event.eventId) };
            },
            close: () => Promise.resolve(),
          };
        },
      },
    };
  }

  it('integrates whole pages of leaves hashed elsewhere while the log is far ahead, then follows by subscription', async function () {
    for (let i = 0; i < 8; i++) await store.appendToStream(newStreamId(), proposedEvents(5));
    const integrity = createSqliteIntegrityStore({ path: join(folder, INTEGRITY_FILE_NAME) });
    const recorded = recordingCatchUp(10);
    const sealer = createSealer({ store, integrity, signer: parseSignerKey(key.signerKey), catchUp: recorded.catchUp, batchSize: 5 });
    try {
      await sealer.start();
      await sealer.sealedThrough(40);
      expect(recorded.asked).to.deep.equal([[1, 8], [9, 8], [17, 8], [25, 8], [33, 8]]);
      await store.appendToStream(newStreamId(), proposedEvents(3));
      await sealer.sealedThrough(43);
      expect(recorded.asked, 'three events behind: followed, not caught up').to.have.length(5);
      await sealer.checkpointNow();
      const events = await allEvents(store);
      expect(Buffer.from(await storedRoot(integrity, 43)).equals(Buffer.from(MemoryTree.of(events.map(eventLeafHash)).root()))).to.equal(true);
      expect(await integrity.positionOf((events[20] as RecordedEvent).eventId)).to.equal(21);
    } finally {
      await sealer.stop();
      await integrity.close();
    }
  });

  it('stops catching up at a page that comes back short, and the subscription takes it from there', async function () {
    for (let i = 0; i < 6; i++) await store.appendToStream(newStreamId(), proposedEvents(5));
    const integrity = createSqliteIntegrityStore({ path: join(folder, INTEGRITY_FILE_NAME) });
    const recorded = recordingCatchUp(10, 20);
    const sealer = createSealer({ store, integrity, signer: parseSignerKey(key.signerKey), catchUp: recorded.catchUp });
    try {
      await sealer.start();
      await sealer.sealedThrough(30);
      // Pages 1–8, 9–16, 17–24 (short: 17–19); the one asked ahead (25–30) is dropped; 20 onwards by subscription.
      expect(recorded.asked.slice(0, 3)).to.deep.equal([[1, 8], [9, 8], [17, 8]]);
      const events = await allEvents(store);
      expect(Buffer.from(await storedRoot(integrity, 30)).equals(Buffer.from(MemoryTree.of(events.map(eventLeafHash)).root()))).to.equal(true);
    } finally {
      await sealer.stop();
      await integrity.close();
    }
  });

  it('stops during a catch-up without going on to follow, keeping what it integrated', async function () {
    for (let i = 0; i < 6; i++) await store.appendToStream(newStreamId(), proposedEvents(5));
    const integrity = createSqliteIntegrityStore({ path: join(folder, INTEGRITY_FILE_NAME) });
    const recorded = recordingCatchUp(10);
    const slow: SealerCatchUp = {
      ...recorded.catchUp,
      open() {
        const reader = recorded.catchUp.open();
        return { ...reader, read: async (from, count, treeSize) => (await new Promise((resolve) => setTimeout(resolve, 50)), reader.read(from, count, treeSize)) };
      },
    };
    const sealer = createSealer({ store, integrity, signer: parseSignerKey(key.signerKey), catchUp: slow, batchSize: 4 });
    try {
      await sealer.start();
      await sealer.sealedThrough(8);
      await sealer.stop();
      const stoppedAt = sealer.treeSize;
      expect(stoppedAt).to.be.within(8, 29);
      await store.appendToStream(newStreamId(), proposedEvents(2));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(sealer.treeSize, 'nothing sealed after stop').to.equal(stoppedAt);
      expect((await integrity.latestCheckpoint())?.size, 'signed on the way out').to.equal(stoppedAt);
    } finally {
      await integrity.close();
    }
  });

  it('falls back to the subscription when the catch-up cannot work, without trying it again on every retry', async function () {
    for (let i = 0; i < 6; i++) await store.appendToStream(newStreamId(), proposedEvents(5));
    const integrity = createSqliteIntegrityStore({ path: join(folder, INTEGRITY_FILE_NAME) });
    let opened = 0;
    const errors: unknown[] = [];
    const broken: SealerCatchUp = {
      headPosition: () => store.headPosition(),
      minBacklog: 10,
      open() {
        opened += 1;
        throw new Error('no threads to be had');
      },
    };
    const sealer = createSealer({ store, integrity, signer: parseSignerKey(key.signerKey), catchUp: broken, retryMs: 10, onError: (error) => errors.push(error) });
    try {
      await sealer.start();
      await sealer.sealedThrough(30);
      expect(errors.map((error) => (error as Error).message)).to.deep.equal(['no threads to be had']);
      expect(opened).to.equal(1);
      const events = await allEvents(store);
      expect(Buffer.from(await storedRoot(integrity, 30)).equals(Buffer.from(MemoryTree.of(events.map(eventLeafHash)).root()))).to.equal(true);
    } finally {
      await sealer.stop();
      await integrity.close();
    }
  });

  it('on its thread, hashes a backlog of an embedded store on worker threads and signs the same tree', async function () {
    for (let i = 0; i < 20; i++) await store.appendToStream(newStreamId(), proposedEvents(100));
    await writeFile(join(folder, 'log.key'), `${key.signerKey}\n`, { mode: 0o600 });
    const sealer = createSealerThread({
      settings: { storeUrl: `sqlite:${folder}`, dataFolder: folder, signingKeyFile: join(folder, 'log.key'), everyEvents: 1_000, everyMs: 60_000, pollIntervalMs: 10, catchUpMinBacklog: 500 },
    });
    await sealer.start();
    try {
      await sealer.sealedThrough(2_000);
      await sealer.checkpointNow();
    } finally {
      await sealer.stop();
    }
    const integrity = createSqliteIntegrityStore({ path: join(folder, INTEGRITY_FILE_NAME) });
    try {
      const events = await allEvents(store);
      const latest = await integrity.latestCheckpoint();
      expect(latest?.size).to.equal(2_000);
      expect(Buffer.from(latest?.rootHash ?? new Uint8Array()).equals(Buffer.from(MemoryTree.of(events.map(eventLeafHash)).root()))).to.equal(true);
      expect(await integrity.positionOf((events[1_345] as RecordedEvent).eventId)).to.equal(1_346);
    } finally {
      await integrity.close();
    }
  });
});

describe('the sealer when the integrity store fails to store a batch', function () {
  this.timeout(20_000);
  let folder: string;
  let store: EventStore;
  const key = generateNoteKey(ORIGIN);

  beforeEach(async function () {
    folder = await mkdtemp(join(tmpdir(), 'quanze-sealer-failing-'));
    store = await openEventStore(`sqlite:${folder}`);
  });

  afterEach(async function () {
    await store.close();
    await rm(folder, { recursive: true, force: true });
  });

  /** The SQLite integrity store, whose next `failures` integrate calls fail without storing anything. */
  function failingIntegrity(failures: { count: number }): IntegrityStore {
    const real = createSqliteIntegrityStore({ path: join(folder, INTEGRITY_FILE_NAME) });
    return {
      ...real,
      integrate(batch) {
        if (failures.count > 0) {
          failures.count -= 1;
          return Promise.reject(new Error('the disk said no'));
        }
        return real.integrate(batch);
      },
    };
  }

  /** Every checkpoint signed so far states the root a recomputation from the log gives at its size. */
  async function everyCheckpointTrue(integrity: IntegrityStore): Promise<number[]> {
    const leaves = (await allEvents(store)).map(eventLeafHash);
    const checkpoints = await integrity.checkpoints({ limit: 100 });
    for (const checkpoint of checkpoints) {
      const expected = MemoryTree.of(leaves.slice(0, checkpoint.size)).root();
      expect(Buffer.from(checkpoint.rootHash).toString('hex'), `the checkpoint of size ${checkpoint.size}`).to.equal(Buffer.from(expected).toString('hex'));
    }
    return checkpoints.map((checkpoint) => checkpoint.size);
  }

  it('while following: reads back what is stored after the failed batch, and seals the same tree as a recomputation', async function () {
    const failures = { count: 1 };
    const integrity = failingIntegrity(failures);
    const errors: unknown[] = [];
    const sealer = createSealer({ store, integrity, signer: parseSignerKey(key.signerKey), retryMs: 10, batchSize: 2, onError: (error) => errors.push(error) });
    try {
      await sealer.start();
      await store.appendToStream(newStreamId(), proposedEvents(5));
      await sealer.sealedThrough(5);
      await sealer.checkpointNow();
      expect(await everyCheckpointTrue(integrity)).to.include(5);
      expect(errors.map((error) => (error as Error).message)).to.include('the disk said no');
    } finally {
      await sealer.stop();
      await integrity.close();
    }
  });

  it('when asked for a checkpoint: refuses to sign over the tree in memory until it has read back what is stored', async function () {
    const failures = { count: 0 };
    const integrity = failingIntegrity(failures);
    // Nothing is written but by checkpointNow: a large batch, a long flush delay.
    const sealer = createSealer({ store, integrity, signer: parseSignerKey(key.signerKey), retryMs: 10, batchSize: 1_000, flushDelayMs: 60_000 });
    try {
      await sealer.start();
      await store.appendToStream(newStreamId(), proposedEvents(1));
      while ((await sealer.checkpointNow()) === null) await new Promise((resolve) => setTimeout(resolve, 10));
      await store.appendToStream(newStreamId(), proposedEvents(4));
      failures.count = 1;
      // Asked until the four events are in memory: that write fails, and the call with it.
      let refusal: unknown = null;
      for (let tries = 0; refusal === null && tries < 500; tries++) {
        refusal = await sealer.checkpointNow().then(
          () => null,
          (error: unknown) => error,
        );
        if (refusal === null) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect((refusal as Error | null)?.message).to.equal('the disk said no');
      let latest: StoredCheckpoint | null = null;
      for (let tries = 0; latest?.size !== 5 && tries < 500; tries++) {
        latest = await sealer.checkpointNow().catch(() => null);
        if (latest?.size !== 5) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(latest?.size).to.equal(5);
      expect(await everyCheckpointTrue(integrity)).to.deep.equal([5, 1]);
    } finally {
      await sealer.stop();
      await integrity.close();
    }
  });
});

describe('stopping the sealer thread', function () {
  this.timeout(20_000);

  it('rejects what waits for positions it did not seal, and a second stop is the first', async function () {
    const folder = await mkdtemp(join(tmpdir(), 'quanze-sealer-stop-'));
    const key = generateNoteKey(ORIGIN);
    await writeFile(join(folder, 'log.key'), `${key.signerKey}\n`, { mode: 0o600 });
    const sealer = createSealerThread({
      settings: { storeUrl: `sqlite:${folder}`, dataFolder: folder, signingKeyFile: join(folder, 'log.key'), everyEvents: 10, everyMs: 60_000, pollIntervalMs: 10 },
    });
    try {
      await sealer.start();
      const waiting = sealer.sealedThrough(5);
      const first = sealer.stop();
      const second = sealer.stop();
      expect(second).to.equal(first);
      await first;
      await expect(waiting).to.be.rejectedWith('the sealer was stopped at 0, before position 5');
      await expect(sealer.sealedThrough(1)).to.be.rejectedWith('before position 1');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
