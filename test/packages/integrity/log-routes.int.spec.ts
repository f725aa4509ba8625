import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { RecordedEvent } from '@quanze/events';
import { createLedgerLogService } from '@quanze/accountability';
import {
  INTEGRITY_FILE_NAME,
  createSealer,
  createSqliteIntegrityStore,
  createWitness,
  openWitnessState,
  parseTlogProof,
  verifyCosigned,
  eventLeafHash,
  fromBase64,
  generateNoteKey,
  parseSignerKey,
  parseVerifierKey,
  verifyCheckpoint,
  verifyConsistency,
  verifyTlogProof,
  type IntegrityStore,
  type Sealer,
} from '@quanze/integrity';
import { newStreamId, proposedEvents } from '../../support/events.js';
import { startTestApp, type TestApp } from '../../support/http.js';

const ORIGIN = 'quanze.test/ledger';

interface CheckpointJson {
  size: number;
  rootHash: string;
  note: string;
  origin: string;
}

describe('the log’s HTTP routes (/log)', function () {
  const key = generateNoteKey(ORIGIN);
  const verifier = parseVerifierKey(key.verifierKey);
  let folder: string;
  let integrity: IntegrityStore;
  let app: TestApp;
  let sealer: Sealer;
  let events: RecordedEvent[];

  before(async function () {
    folder = await mkdtemp(join(tmpdir(), 'quanze-log-routes-'));
    integrity = createSqliteIntegrityStore({ path: join(folder, INTEGRITY_FILE_NAME) });
    app = await startTestApp([() => createLedgerLogService({ integrity, verifierKey: () => key.verifierKey, verifierKeys: () => [key.verifierKey] })]);
    sealer = createSealer({ store: app.store, integrity, signer: parseSignerKey(key.signerKey), everyEvents: 1_000_000, everyMs: 60_000 });
    await sealer.start();
  });

  after(async function () {
    await sealer.stop();
    await app.close();
    await integrity.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('answers 404 for the latest checkpoint before the sealer has signed one', async function () {
    const response = await app.request('GET', '/log/checkpoint');
    expect(response.status).to.equal(404);
    expect(response.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect((await app.request('GET', '/log/checkpoints/latest')).status).to.equal(404);
  });

  it('declares the checkpoint as text/plain and its JSON view as JSON in the OpenAPI document', async function () {
    const document = await app.request<{ paths: Record<string, { get?: { responses: Record<string, { content?: object }> } }> }>('GET', '/openapi.json');
    expect(Object.keys(document.body.paths['/log/checkpoint']?.get?.responses['200']?.content ?? {})).to.deep.equal(['text/plain']);
    expect(Object.keys(document.body.paths['/log/checkpoints/latest']?.get?.responses['200']?.content ?? {})).to.deep.equal(['application/json']);
  });

  describe('once events are sealed in two checkpoints', function () {
    before(async function () {
      await app.store.appendToStream(newStreamId(), proposedEvents(5));
      await sealer.sealedThrough(5);
      await sealer.checkpointNow();
      const appended = await app.store.appendToStream(newStreamId(), proposedEvents(6));
      await sealer.sealedThrough(11);
      await sealer.checkpointNow();
      events = [];
      for await (const event of app.store.readAll()) events.push(event);
      expect(appended.positions.at(-1)).to.equal(11);
    });

    it('serves the latest signed checkpoint to anyone, without a token, as the signed note in text/plain, verifiable with the verifier key', async function () {
      const response = await fetch(`${app.url}/log/checkpoint`);
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.equal('text/plain; charset=utf-8');
      const note = await response.text();
      const opened = verifyCheckpoint(note, [verifier], { origin: ORIGIN }).checkpoint;
      expect(opened.size).to.equal(11);
      const json = await app.request<CheckpointJson>('GET', '/log/checkpoints/latest');
      expect(json.body).to.include({ size: 11, origin: ORIGIN, note });
    });

    it('serves the checkpoint with the cosignatures gathered for it, in the text, the JSON and the tlog-proof', async function () {
      const witnessKey = generateNoteKey('witness.routes.example');
      const state = openWitnessState(join(folder, 'witness-state.json'));
      try {
        const witness = createWitness({ signerKey: witnessKey.signerKey, logs: [{ origin: ORIGIN, verifierKeys: [key.verifierKey] }], store: state, clock: () => new Date() });
        const latest = await integrity.latestCheckpoint();
        if (latest === null) throw new Error('no checkpoint');
        const lines = witness.addCheckpoint(`old 0\n\n${latest.note}`).trimEnd().split('\n');
        await integrity.addCosignatures(latest.id, witness.verifierKey, lines);
        const note = await (await fetch(`${app.url}/log/checkpoint`)).text();
        const policy = { logKey: key.verifierKey, witnesses: [witness.verifierKey], quorum: 1 };
        expect(verifyCosigned(note, policy).cosigners).to.have.length(1);
        const json = await app.request<CheckpointJson & { cosignatures: string[] }>('GET', '/log/checkpoints/latest');
        expect(json.body).to.include({ note });
        expect(json.body.cosignatures).to.deep.equal(lines);
        const proof = await app.request<{ tlogProof: string }>('GET', '/log/proofs/inclusion?position=3');
        expect(verifyCosigned(parseTlogProof(proof.body.tlogProof).signedCheckpoint, policy).checkpoint.size).to.equal(11);
      } finally {
        state.close();
      }
    });

    it('lists checkpoints newest first, a page at a time', async function () {
      const first = await app.request<{ items: CheckpointJson[]; next: number | null }>('GET', '/log/checkpoints?limit=1');
      expect(first.body.items.map((c) => c.size)).to.deep.equal([11]);
      const second = await app.request<{ items: CheckpointJson[]; next: number | null }>('GET', `/log/checkpoints?limit=1&before=${String(first.body.next)}`);
      expect(second.body.items.map((c) => c.size)).to.deep.equal([5]);
      const sized = await app.request<{ items: CheckpointJson[] }>('GET', '/log/checkpoints?maxSize=10');
      expect(sized.body.items.map((c) => c.size)).to.deep.equal([5]);
    });

    it('proves an event by id with a C2SP tlog-proof that verifies offline from the event itself', async function () {
      const event = events[3] as RecordedEvent;
      const response = await app.request<{ position: number; treeSize: number; tlogProof: string }>('GET', `/log/proofs/inclusion?eventId=${event.eventId}`);
      expect(response.status).to.equal(200);
      expect(response.body).to.include({ position: 4, treeSize: 11 });
      const verified = verifyTlogProof(response.body.tlogProof, eventLeafHash(event), [verifier], { origin: ORIGIN });
      expect(verified.index).to.equal(3);
    });

    it('proves an event by position in an earlier checkpoint’s tree', async function () {
      const response = await app.request<{ tlogProof: string; checkpoint: CheckpointJson }>('GET', '/log/proofs/inclusion?position=2&treeSize=5');
      expect(response.body.checkpoint.size).to.equal(5);
      verifyTlogProof(response.body.tlogProof, eventLeafHash(events[1] as RecordedEvent), [verifier], { origin: ORIGIN });
    });

    it('gives the hashes alone for a tree size no checkpoint has', async function () {
      const response = await app.request<{ proof: string[]; tlogProof: string | null; checkpoint: unknown }>('GET', '/log/proofs/inclusion?position=2&treeSize=7');
      expect(response.status).to.equal(200);
      expect(response.body.proof).to.have.length(3);
      expect(response.body).to.include({ tlogProof: null, checkpoint: null });
    });

    it('proves that the later checkpoint extends the earlier one', async function () {
      const checkpoints = (await app.request<{ items: CheckpointJson[] }>('GET', '/log/checkpoints')).body.items;
      const [later, earlier] = checkpoints.map((c) => verifyCheckpoint(c.note, [verifier]).checkpoint);
      const response = await app.request<{ proof: string[] }>('GET', '/log/proofs/consistency?from=5&to=11');
      expect(response.status).to.equal(200);
      const proof = response.body.proof.map((hash) => fromBase64(hash) ?? new Uint8Array());
      verifyConsistency(5, 11, earlier?.rootHash ?? new Uint8Array(), later?.rootHash ?? new Uint8Array(), proof);
      const toLatest = await app.request<{ to: number }>('GET', '/log/proofs/consistency?from=5');
      expect(toLatest.body.to).to.equal(11);
    });

    it('serves the verifier key and every earlier one', async function () {
      const response = await app.request('GET', '/log/key');
      expect(response.body).to.deep.equal({ verifierKey: key.verifierKey, origin: ORIGIN, keys: [key.verifierKey], witnesses: [], quorum: 0 });
    });

    it('tells operators, and only them, that a log without witnesses meets its quorum of none', async function () {
      expect((await app.request('GET', '/log/witnesses')).status).to.equal(401);
      expect((await app.request('GET', '/log/witnesses', { token: await app.token({ roles: ['analyst'] }) })).status).to.equal(403);
      const response = await app.request('GET', '/log/witnesses', { token: await app.token({ roles: ['supervision'] }) });
      expect(response.status).to.equal(200);
      expect(response.body).to.deep.equal({ quorum: 0, latestCheckpoint: { id: 2, size: 11, cosigners: 0, quorumMet: true }, witnesses: [] });
    });

    describe('refuses what it cannot prove, naming the field', function () {
      const cases: [string, number, string][] = [
        ['/log/proofs/inclusion?position=12&treeSize=11', 422, 'position'],
        ['/log/proofs/inclusion?position=1&treeSize=12', 422, 'treeSize'],
        ['/log/proofs/inclusion?position=1&eventId=0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', 400, 'eventId'],
        ['/log/proofs/inclusion', 400, 'eventId'],
        ['/log/proofs/inclusion?position=0', 400, 'position'],
        ['/log/proofs/inclusion?position=x', 400, 'position'],
        ['/log/proofs/consistency?from=9&to=5', 400, 'from'],
        ['/log/proofs/consistency?from=5&to=12', 422, 'to'],
        ['/log/proofs/consistency?from=12', 422, 'from'],
        ['/log/checkpoints?limit=0', 400, 'limit'],
      ];
      for (const [path, status, field] of cases) {
        it(`${path} → ${status} naming ${field}`, async function () {
          const response = await app.request<{ errors: { path: (string | number)[] }[] }>('GET', path);
          expect(response.status).to.equal(status);
          expect(response.headers.get('content-type')).to.match(/^application\/problem\+json/);
          expect(response.body.errors.map((error) => error.path)).to.deep.include(['query', field]);
        });
      }

      it('answers 404 for an event id the tree does not hold', async function () {
        const response = await app.request('GET', '/log/proofs/inclusion?eventId=0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b');
        expect(response.status).to.equal(404);
      });
    });
  });
});
