import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { EventStore } from '@quanze/eventstore';
import { openEventStore } from '@quanze/eventstore';
import {
  INTEGRITY_FILE_NAME,
  QuorumNotMet,
  cosignedNote,
  createSealer,
  createWitness,
  openWitnessState,
  startWitnessServer,
  createSqliteIntegrityStore,
  createWitnessSubmitter,
  generateNoteKey,
  ledgerLogConfig,
  logWitnessReport,
  openLedgerLog,
  parseCosignerKey,
  parseSignerKey,
  submitToWitness,
  verifyCosigned,
  witnessOverview,
  type IntegrityStore,
  type Sealer,
  type StoredCheckpoint,
  type WitnessReport,
  type WitnessSubmitter,
} from '@quanze/integrity';
import { newStreamId, proposedEvents } from '../../support/events.js';
import { TestLog, startTestWitness, tempFolder, type TestWitness } from './witness-fixtures.js';

const ORIGIN = 'quanze.witnessed/ledger';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, what: string, ms = 5_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the sealer’s witnesses, on real witness servers on 127.0.0.1', function () {
  this.timeout(20_000);
  const logKey = generateNoteKey(ORIGIN);
  const witnessKeys = { a: generateNoteKey('witness-a.example'), b: generateNoteKey('witness-b.example'), c: generateNoteKey('witness-c.example') };
  let folder: string;
  let store: EventStore;
  let integrity: IntegrityStore;
  let sealer: Sealer;
  let submitter: WitnessSubmitter | null;
  let started: TestWitness[];
  let reports: WitnessReport[];

  beforeEach(async function () {
    folder = await mkdtemp(join(tmpdir(), 'quanze-witnessed-'));
    store = await openEventStore(`sqlite:${folder}`);
    integrity = createSqliteIntegrityStore({ path: join(folder, INTEGRITY_FILE_NAME) });
    sealer = createSealer({ store, integrity, signer: parseSignerKey(logKey.signerKey), everyEvents: 1_000, everyMs: 60_000 });
    await sealer.start();
    submitter = null;
    appended = 0;
    started = [];
    reports = [];
  });

  afterEach(async function () {
    await submitter?.stop();
    await sealer.stop();
    for (const witness of started) await witness.close();
    await store.close();
    await integrity.close();
    await rm(folder, { recursive: true, force: true });
  });

  async function witness(signerKey: string, port = 0): Promise<TestWitness> {
    const logs = [{ origin: ORIGIN, verifierKeys: [logKey.verifierKey] }];
    const running = port === 0 ? await startTestWitness(await tempFolder(), logs, signerKey) : await startOn(port, signerKey, logs);
    started.push(running);
    return running;
  }

  async function startOn(port: number, signerKey: string, logs: { origin: string; verifierKeys: string[] }[]): Promise<TestWitness> {
    const statePath = join(await tempFolder(), 'witness-state.json');
    const state = openWitnessState(statePath);
    const created = createWitness({ signerKey, logs, store: state, clock: () => new Date() });
    const server = await startWitnessServer(created, { host: '127.0.0.1', port });
    return {
      url: server.url,
      witness: created,
      store: state,
      statePath,
      async close() {
        await server.close();
        state.close();
      },
    };
  }

  let appended = 0;
  async function seal(events: number): Promise<StoredCheckpoint> {
    for (let i = 0; i < events; i++) await store.appendToStream(newStreamId(), proposedEvents(1));
    appended += events;
    await sealer.sealedThrough(appended);
    const checkpoint = await sealer.checkpointNow();
    if (checkpoint === null) throw new Error('nothing to sign');
    submitter?.checkpointAdded();
    return checkpoint;
  }

  const latestCarries = (count: number) => (checkpoint: StoredCheckpoint | null) => (checkpoint?.cosignatures.length ?? 0) >= count;

  it('submits each new checkpoint to every witness from the size it answers, keeps the cosignatures, and catches up a witness that was down', async function () {
    const a = await witness(witnessKeys.a.signerKey);
    const portOfB = await freePort();
    const urlOfB = `http://127.0.0.1:${portOfB}`;
    const verifierKeyOfB = cosignerVerifierKey(witnessKeys.b.signerKey);

    // Witness a already cosigned size 5 (another process of this log submitted it): the store does not know.
    const first = await seal(5);
    await submitToWitness({ url: a.url, witnessKey: a.witness.verifierKey, checkpointNote: first.note, oldSize: 0, consistencyProof: [] });

    submitter = createWitnessSubmitter({
      integrity,
      witnesses: [
        { url: a.url, verifierKey: a.witness.verifierKey },
        { url: urlOfB, verifierKey: verifierKeyOfB },
      ],
      quorum: 2,
      minRetryMs: 50,
      maxRetryMs: 200,
      onReport: (report) => reports.push(report),
    });
    submitter.start();
    const second = await seal(7);
    const cosignedByA = await eventually(() => integrity.latestCheckpoint(), latestCarries(1), 'witness a to cosign size 12');
    expect(cosignedByA?.id).to.equal(second.id);
    const policy = { logKey: logKey.verifierKey, witnesses: [a.witness.verifierKey, verifierKeyOfB] };
    expect(verifyCosigned(cosignedNote(second.id === cosignedByA?.id ? cosignedByA : second), { ...policy, quorum: 1 }).cosigners).to.have.length(1);
    expect(() => verifyCosigned(cosignedNote(cosignedByA ?? second), { ...policy, quorum: 2 })).to.throw(QuorumNotMet);
    expect(a.store.get(ORIGIN)?.size).to.equal(12);
    // Its 409 with size 5 was followed by a proof from 5, not reported as a failure.
    expect(reports.filter((r) => r.kind === 'failed' && r.url === a.url)).to.deep.equal([]);

    // b is down: sealing goes on, and a cosigns the next checkpoint meanwhile.
    await eventually(() => Promise.resolve(reports.filter((r) => r.kind === 'failed' && r.url === urlOfB)), (failed) => failed.length >= 2, 'b to fail twice');
    expect(reports.find((r) => r.kind === 'failed' && r.url === urlOfB)).to.include({ refused: false });
    const whileDown = submitter.status();
    expect(whileDown.map((status) => [status.url, status.state])).to.deep.equal([
      [a.url, 'cosigned'],
      [urlOfB, 'unreachable'],
    ]);
    expect(whileDown[0]?.lastCosigned).to.include({ size: 12 });
    expect(whileDown[1]?.lastCosigned).to.equal(null);
    expect(whileDown[1]?.lastFailure).to.include({ refused: false });
    expect(whileDown[1]?.lastFailure?.size).to.be.oneOf([5, 12]);
    expect(Date.parse(whileDown[1]?.lastFailure?.retryAt ?? '')).to.be.greaterThan(Date.parse(whileDown[1]?.lastFailure?.at ?? ''));
    const overviewWhileDown = await witnessOverview({ integrity, witnesses: [{ url: a.url, verifierKey: a.witness.verifierKey }, { url: urlOfB, verifierKey: verifierKeyOfB }], quorum: 2, statuses: whileDown });
    expect(overviewWhileDown.latestCheckpoint).to.deep.include({ size: 12, cosigners: 1, quorumMet: false });
    const third = await seal(3);
    const thirdByA = await eventually(() => integrity.latestCheckpoint(), latestCarries(1), 'witness a to cosign size 15');
    expect(thirdByA?.id).to.equal(third.id);

    // b comes up on its port: it is given the latest checkpoint, from size 0.
    const b = await startOn(portOfB, witnessKeys.b.signerKey, [{ origin: ORIGIN, verifierKeys: [logKey.verifierKey] }]);
    started.push(b);
    const both = await eventually(() => integrity.latestCheckpoint(), latestCarries(2), 'witness b to cosign size 15');
    expect(both?.size).to.equal(15);
    expect(verifyCosigned(cosignedNote(both ?? third), { ...policy, quorum: 2 }).cosigners.map((c) => c.verifierKey)).to.have.members(policy.witnesses);
    expect(await integrity.lastCosignedSize(verifierKeyOfB)).to.equal(15);
    expect(reports.filter((r) => r.kind === 'cosigned' && r.url === urlOfB).at(-1)).to.include({ size: 15, cosigners: 2, quorum: 2 });
    expect(submitter.status().map((status) => [status.state, status.lastCosigned?.size])).to.deep.equal([
      ['cosigned', 15],
      ['cosigned', 15],
    ]);
    // An earlier checkpoint keeps what it was given: a's cosignature only.
    expect((await integrity.checkpointOfSize(12))?.cosignatures).to.have.length(1);
  });

  it('is refused by a witness that was shown a fork of the same size, reports it as a refusal, and keeps no cosignature of it', async function () {
    const c = await witness(witnessKeys.c.signerKey);
    // Someone showed c another history of this log, signed with its key: 12 other leaves.
    const fork = new TestLog(ORIGIN, 'fork', logKey).grow(12);
    await submitToWitness({ url: c.url, witnessKey: c.witness.verifierKey, checkpointNote: fork.checkpoint(), oldSize: 0, consistencyProof: [] });

    submitter = createWitnessSubmitter({
      integrity,
      witnesses: [{ url: c.url, verifierKey: c.witness.verifierKey }],
      quorum: 1,
      minRetryMs: 50,
      maxRetryMs: 100,
      onReport: (report) => reports.push(report),
    });
    submitter.start();
    const ours = await seal(12);
    const refusal = await eventually(() => Promise.resolve(reports.find((r) => r.kind === 'failed')), (r) => r !== undefined, 'the refusal');
    expect(refusal).to.include({ kind: 'failed', refused: true, size: 12, checkpointId: ours.id });
    expect(refusal?.kind === 'failed' ? refusal.error.message : '').to.contain('witness.conflicting-checkpoint');
    expect((await integrity.latestCheckpoint())?.cosignatures).to.deep.equal([]);
    expect(c.store.get(ORIGIN)?.size).to.equal(12);
    const [status] = submitter.status();
    expect(status?.state).to.equal('refused');
    expect(status?.lastFailure?.message).to.contain('witness.conflicting-checkpoint');
  });
});

describe('openLedgerLog with QUANZE_WITNESSES (as npm start runs it)', function () {
  this.timeout(20_000);

  it('submits the checkpoints it signs to the configured witness, names the policy, and stops cleanly', async function () {
    const folder = await mkdtemp(join(tmpdir(), 'quanze-ledger-log-witness-'));
    const logKey = generateNoteKey('quanze.npm-start/ledger');
    await writeFile(join(folder, 'log.key'), `${logKey.signerKey}\n`, { mode: 0o600 });
    const witnessed = await startTestWitness(await tempFolder(), [{ origin: 'quanze.npm-start/ledger', verifierKeys: [logKey.verifierKey] }], generateNoteKey('witness.npm-start.example').signerKey);
    const store = await openEventStore(`sqlite:${folder}`);
    const logged: { level: string; message: string }[] = [];
    const record = (level: string) => (_fields: Record<string, unknown>, message: string) => logged.push({ level, message });
    const config = ledgerLogConfig(
      { dataFolder: folder, storeUrl: `sqlite:${folder}` },
      { QUANZE_LOG_SIGNING_KEY_FILE: join(folder, 'log.key'), QUANZE_WITNESSES: `${witnessed.url}=${witnessed.witness.verifierKey}`, QUANZE_SEAL_EVERY_MS: '60000' },
    );
    const log = await openLedgerLog({ config, onWitness: logWitnessReport({ info: record('info'), warn: record('warn'), error: record('error') }) });
    try {
      expect(log.witnessPolicy).to.deep.equal({ witnesses: [witnessed.witness.verifierKey], quorum: 1 });
      await store.appendToStream(newStreamId(), proposedEvents(3));
      await log.sealer.sealedThrough(3);
      await log.sealer.checkpointNow();
      const cosigned = await eventually(() => log.integrity.latestCheckpoint(), (c) => (c?.cosignatures.length ?? 0) === 1, 'the cosignature');
      expect(verifyCosigned(cosignedNote(cosigned ?? { note: '', cosignatures: [] }), { logKey: logKey.verifierKey, witnesses: [witnessed.witness.verifierKey], quorum: 1 }).checkpoint.size).to.equal(3);
      await eventually(() => Promise.resolve(logged), (lines) => lines.length > 0, 'the log line');
      expect(logged[0]).to.deep.equal({ level: 'info', message: 'a witness cosigned the checkpoint; the quorum is met' });
      const overview = await log.witnessStatus();
      expect(overview.latestCheckpoint).to.deep.include({ size: 3, cosigners: 1, quorumMet: true });
      expect(overview.witnesses.map((witness) => [witness.url, witness.state])).to.deep.equal([[witnessed.url, 'cosigned']]);
    } finally {
      await log.close();
      await store.close();
      await witnessed.close();
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('the witness configuration of the log (QUANZE_WITNESSES, QUANZE_WITNESS_QUORUM)', function () {
  const folder = { dataFolder: '/tmp/unused', storeUrl: 'sqlite:/tmp/unused' };
  const a = 'witness-a.example+0a1b2c3d+BKcE1OJg6uJUtLvYSJO6WKSfKZhJb9PoJE7c+2yXz+fW';

  it('has no witnesses and a quorum of 0 by default', function () {
    expect(ledgerLogConfig(folder, {})).to.include({ witnessQuorum: 0 });
    expect(ledgerLogConfig(folder, {}).witnesses).to.deep.equal([]);
  });

  it('refuses an entry that is not <url>=<key>, naming the variable', function () {
    expect(() => ledgerLogConfig(folder, { QUANZE_WITNESSES: 'witness-a.example' })).to.throw(TypeError, /QUANZE_WITNESSES\.0: .* is not <http\(s\) url>=<witness verifier key>/);
    expect(() => ledgerLogConfig(folder, { QUANZE_WITNESSES: `http://127.0.0.1:7380=${a}` })).to.throw(TypeError, /QUANZE_WITNESSES\.0: the key of http:\/\/127\.0\.0\.1:7380/);
  });

  it('reads every witness, a majority quorum by default, and refuses a quorum the witnesses cannot meet', function () {
    const keys = [generateNoteKey('w1.example'), generateNoteKey('w2.example'), generateNoteKey('w3.example')];
    // A cosigner's verifier key: the same seed as type 0x04 (what `quanze witness` prints).
    const cosignerKeys = keys.map((key) => cosignerVerifierKey(key.signerKey));
    const env = { QUANZE_WITNESSES: cosignerKeys.map((key, i) => `http://127.0.0.1:${7380 + i}/a=b=${key}`).join(', ') };
    const config = ledgerLogConfig(folder, env);
    expect(config.witnesses.map((w) => w.url)).to.deep.equal(['http://127.0.0.1:7380/a=b', 'http://127.0.0.1:7381/a=b', 'http://127.0.0.1:7382/a=b']);
    expect(config.witnessQuorum).to.equal(2);
    expect(ledgerLogConfig(folder, { ...env, QUANZE_WITNESS_QUORUM: '3' }).witnessQuorum).to.equal(3);
    expect(() => ledgerLogConfig(folder, { ...env, QUANZE_WITNESS_QUORUM: '4' })).to.throw(TypeError, /QUANZE_WITNESS_QUORUM: a quorum of 4 cannot be met by the 3 witnesses/);
    expect(() => ledgerLogConfig(folder, { ...env, QUANZE_WITNESS_QUORUM: 'two' })).to.throw(TypeError, /QUANZE_WITNESS_QUORUM: .*whole number/);
    expect(() => ledgerLogConfig(folder, { QUANZE_WITNESSES: `${env.QUANZE_WITNESSES},http://other:1=${cosignerKeys[0] ?? ''}` })).to.throw(
      TypeError,
      /QUANZE_WITNESSES: a witness key is listed twice/,
    );
  });
});

function cosignerVerifierKey(signerKey: string): string {
  return parseCosignerKey(signerKey, () => new Date()).verifierKey;
}
