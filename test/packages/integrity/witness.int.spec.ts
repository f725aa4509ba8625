import { mkdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { expect } from 'chai';
import {
  WitnessStateLocked,
  createWitness,
  generateNoteKey,
  openWitnessState,
  parseVerifierKey,
  toBase64,
  verifyNote,
} from '@quanze/integrity';
import { COSIGNED_AT, TestLog, addCheckpointBody, clock, post, startTestWitness, tempFolder, type TestWitness } from './witness-fixtures.js';

const ORIGIN = 'ledger.example.gov.cn/quanze';

function noteText(note: string): string {
  return note.slice(0, note.lastIndexOf('\n\n') + 1);
}

describe('the witness (C2SP tlog-witness add-checkpoint over HTTP)', function () {
  const witnessKey = generateNoteKey('witness.procuratorate.example');
  let folder: string;
  let log: TestLog;
  let witness: TestWitness;

  beforeEach(async function () {
    folder = await tempFolder();
    log = new TestLog(ORIGIN).grow(5);
    witness = await startTestWitness(folder, [{ origin: ORIGIN, verifierKeys: [log.key.verifierKey] }], witnessKey.signerKey);
  });

  afterEach(async function () {
    await witness.close();
    await rm(folder, { recursive: true, force: true });
  });

  async function submit(oldSize: number, proof: readonly Uint8Array[], note: string) {
    return post(witness.url, addCheckpointBody(oldSize, proof, note));
  }

  /** The witness's record, as its state file holds it (what a restart would read). */
  function recorded(): { size: number; root: string } | undefined {
    const state = witness.store.get(ORIGIN);
    return state === undefined ? undefined : { size: state.size, root: toBase64(state.rootHash) };
  }

  async function stateBytes(): Promise<string> {
    return readFile(witness.statePath, 'utf8');
  }

  describe('when a log submits its first checkpoint with old 0', function () {
    it('cosigns it with a timestamped cosignature that verifies with the witness key, and records it', async function () {
      const note = log.checkpoint();
      const answer = await submit(0, [], note);
      expect(answer.status).to.equal(200);
      expect(answer.text).to.match(/^— witness\.procuratorate\.example [A-Za-z0-9+/=]+\n$/);
      const witnessVerifier = parseVerifierKey(witness.witness.verifierKey);
      expect(witnessVerifier.type).to.equal(0x04);
      const cosigned = verifyNote(`${noteText(note)}\n${answer.text}`, [witnessVerifier]);
      expect(cosigned.verified).to.have.length(1);
      expect(cosigned.verified[0]?.timestamp).to.equal(COSIGNED_AT.getTime() / 1000);
      expect(recorded()).to.deep.equal({ size: 5, root: toBase64(log.tree.root()) });
    });

    it('cosigns the empty log (size 0, the root of nothing)', async function () {
      const empty = new TestLog(ORIGIN, 'main', log.key);
      expect((await submit(0, [], empty.checkpoint())).status).to.equal(200);
      expect(recorded()?.size).to.equal(0);
    });
  });

  describe('when the log grows', function () {
    beforeEach(async function () {
      expect((await submit(0, [], log.checkpoint())).status).to.equal(200);
    });

    it('cosigns a checkpoint shown consistent with the last one it cosigned', async function () {
      log.grow(8);
      const answer = await submit(5, log.proof(5), log.checkpoint());
      expect(answer.status).to.equal(200);
      verifyNote(`${noteText(log.checkpoint())}\n${answer.text}`, [parseVerifierKey(witness.witness.verifierKey)]);
      expect(recorded()).to.deep.equal({ size: 13, root: toBase64(log.tree.root()) });
    });

    it('cosigns the same checkpoint again (old size = size, same root, empty proof) without changing its record', async function () {
      const answer = await submit(5, [], log.checkpoint());
      expect(answer.status).to.equal(200);
      expect(recorded()?.size).to.equal(5);
    });

    it('answers a stale old size with 409 and its own size as text/x.tlog.size, and changes nothing', async function () {
      log.grow(3);
      const before = await stateBytes();
      for (const oldSize of [0, 3, 6]) {
        const answer = await submit(oldSize, oldSize === 0 ? [] : log.proof(oldSize), log.checkpoint());
        expect(answer, `old ${oldSize}`).to.deep.include({ status: 409, contentType: 'text/x.tlog.size', text: '5\n' });
      }
      expect(await stateBytes()).to.equal(before);
    });

    it('refuses a consistency proof that does not verify with 422, and changes nothing', async function () {
      log.grow(8);
      const proof = log.proof(5);
      const flipped = proof.map((hash, i) => (i === 1 ? Uint8Array.from(hash, (byte, j) => (j === 0 ? byte ^ 1 : byte)) : hash));
      const before = await stateBytes();
      for (const [what, bad] of [
        ['a changed hash', flipped],
        ['a missing hash', proof.slice(0, -1)],
        ['an extra hash', [...proof, proof[0] as Uint8Array]],
        ['reordered hashes', [...proof].reverse()],
        ['no proof', []],
        ['a proof from another size', log.proof(4)],
      ] as const) {
        const answer = await submit(5, bad, log.checkpoint());
        expect(answer.status, what).to.equal(422);
        expect(JSON.parse(answer.text)).to.include({ code: 'witness.inconsistent-checkpoint' });
      }
      expect(await stateBytes()).to.equal(before);
    });
  });

  describe('when the log shows a split view', function () {
    let fork: TestLog;

    beforeEach(async function () {
      log.grow(3);
      expect((await submit(0, [], log.checkpoint())).status).to.equal(200);
      fork = log.fork().grow(8);
    });

    it('refuses another root at the size it cosigned (409, not the size answer), and keeps its record', async function () {
      const before = await stateBytes();
      const answer = await submit(8, [], fork.checkpoint(8));
      expect(answer.status).to.equal(409);
      expect(answer.contentType).to.equal('application/problem+json');
      expect(JSON.parse(answer.text)).to.include({ code: 'witness.conflicting-checkpoint' });
      expect(await stateBytes()).to.equal(before);
    });

    it('refuses a larger checkpoint of the other history: no proof links it to what it cosigned', async function () {
      fork.grow(4);
      const before = await stateBytes();
      // The fork's own proof from 8, and the honest log's proof grafted onto it: neither leads to the cosigned root.
      expect((await submit(8, fork.proof(8), fork.checkpoint())).status).to.equal(422);
      log.grow(4);
      expect((await submit(8, log.proof(8), fork.checkpoint())).status).to.equal(422);
      expect(await stateBytes()).to.equal(before);
    });

    it('refuses a rollback to a smaller size: 400 when the old size is its own, 409 with its size otherwise', async function () {
      const before = await stateBytes();
      const rollback = await submit(8, [], log.checkpoint(6));
      expect(rollback.status).to.equal(400);
      expect(JSON.parse(rollback.text)).to.include({ code: 'witness.malformed-request' });
      expect(await submit(6, [], log.checkpoint(6))).to.deep.include({ status: 409, text: '8\n' });
      expect(await submit(0, [], fork.checkpoint(6))).to.deep.include({ status: 409, text: '8\n' });
      expect(await stateBytes()).to.equal(before);
    });
  });

  describe('when the checkpoint is not one it may cosign', function () {
    it('answers 404 for a log it does not follow', async function () {
      const stranger = new TestLog('ledger.elsewhere.example/other').grow(2);
      const answer = await submit(0, [], stranger.checkpoint());
      expect(answer.status).to.equal(404);
      expect(JSON.parse(answer.text)).to.include({ code: 'witness.unknown-log' });
      expect(witness.store.get('ledger.elsewhere.example/other')).to.equal(undefined);
    });

    it('answers 403 for a checkpoint of a known origin signed by another key, or whose signature fails', async function () {
      const impostor = generateNoteKey(ORIGIN);
      const forged = await submit(0, [], log.checkpoint(5, impostor.signerKey));
      expect(forged.status).to.equal(403);
      expect(JSON.parse(forged.text)).to.include({ code: 'witness.checkpoint-not-signed' });

      // The log's own key line, over a text it did not sign (the size changed after signing).
      const tampered = log.checkpoint().replace(`${ORIGIN}\n5\n`, `${ORIGIN}\n4\n`);
      expect((await submit(0, [], tampered)).status).to.equal(403);
      expect(recorded()).to.equal(undefined);
    });
  });

  describe('when the body is not an add-checkpoint request', function () {
    it('answers 400 naming what is wrong, and never records anything', async function () {
      const note = log.checkpoint();
      const hash = toBase64(new Uint8Array(32));
      const cases: [string, string | Uint8Array][] = [
        ['an empty body', ''],
        ['no old line', `${hash}\n\n${note}`],
        ['an old size with a leading zero', `old 05\n\n${note}`],
        ['a negative old size', `old -1\n\n${note}`],
        ['an old size past 2^53 - 1', `old 9007199254740992\n\n${note}`],
        ['two spaces after old', `old  0\n\n${note}`],
        ['a proof line that is not base64', `old 0\nnot base64!\n\n${note}`],
        ['a proof line of 31 bytes', `old 0\n${toBase64(new Uint8Array(31))}\n\n${note}`],
        ['64 proof lines', `old 0\n${`${hash}\n`.repeat(64)}\n${note}`],
        ['no empty line before the checkpoint', `old 0\n${note}`],
        ['nothing after the empty line', 'old 0\n\n'],
        ['a checkpoint without signatures', `old 0\n\n${noteText(note)}`],
        ['a checkpoint whose size is not a number', `old 0\n\n${note.replace('\n5\n', '\nfive\n')}`],
        ['carriage returns', addCheckpointBody(0, [], note).replaceAll('\n', '\r\n')],
        ['bytes that are not UTF-8', Uint8Array.from([...new TextEncoder().encode('old 0\n\n'), 0xff, 0xfe, 0x0a])],
        ['an old size larger than the checkpoint', addCheckpointBody(6, [], note)],
      ];
      for (const [what, body] of cases) {
        const answer = await post(witness.url, body);
        expect(answer.status, what).to.equal(400);
        expect(answer.contentType, what).to.equal('application/problem+json');
        const problem = JSON.parse(answer.text) as { code: string; detail: string };
        expect(problem.code, what).to.equal('witness.malformed-request');
        expect(problem.detail, what).to.be.a('string').and.not.equal('');
      }
      expect(recorded()).to.equal(undefined);
    });

    it('answers 413 for a body above its limit, 405 for another method, 404 for another path', async function () {
      expect((await post(witness.url, `old 0\n\n${'x'.repeat(70_000)}`)).status).to.equal(413);
      expect((await post(witness.url, '', '/add-checkpoint', 'GET')).status).to.equal(405);
      expect((await post(witness.url, addCheckpointBody(0, [], log.checkpoint()), '/witness/add-checkpoint')).status).to.equal(404);
      expect(recorded()).to.equal(undefined);
    });

    it('stops reading a streamed body at its limit and still answers 413', async function () {
      const { port } = new URL(witness.url);
      const status = await new Promise<number>((resolve, reject) => {
        const request = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/add-checkpoint' }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        request.on('error', reject);
        // No Content-Length: chunked, as a client that streams would send it.
        for (let i = 0; i < 20; i++) request.write('x'.repeat(8192));
        request.end();
      });
      expect(status).to.equal(413);
      expect((await submit(0, [], log.checkpoint())).status).to.equal(200);
    });
  });

  describe('its state', function () {
    it('survives a restart: the restarted witness continues from the size it cosigned', async function () {
      expect((await submit(0, [], log.checkpoint())).status).to.equal(200);
      await witness.close();
      witness = await startTestWitness(folder, [{ origin: ORIGIN, verifierKeys: [log.key.verifierKey] }], witnessKey.signerKey);
      log.grow(2);
      expect(await submit(0, [], log.checkpoint())).to.deep.include({ status: 409, text: '5\n' });
      expect((await submit(5, log.proof(5), log.checkpoint())).status).to.equal(200);
      expect(recorded()?.size).to.equal(7);
    });

    it('is unchanged, and nothing is cosigned, when writing the new state fails after the checks passed', async function () {
      expect((await submit(0, [], log.checkpoint())).status).to.equal(200);
      const before = await stateBytes();
      // A folder where the next state file is written: the write fails for real (EISDIR) after every check passed.
      await mkdir(`${witness.statePath}.next`);
      log.grow(4);
      const failed = await submit(5, log.proof(5), log.checkpoint());
      expect(failed.status).to.equal(500);
      expect(failed.text).to.not.include('—');
      expect(await stateBytes()).to.equal(before);
      expect(recorded()?.size).to.equal(5);

      await rmdir(`${witness.statePath}.next`);
      expect((await submit(5, log.proof(5), log.checkpoint())).status).to.equal(200);
      expect(recorded()?.size).to.equal(9);
    });

    it('ignores a half-written next state a crash left behind', async function () {
      expect((await submit(0, [], log.checkpoint())).status).to.equal(200);
      await witness.close();
      await writeFile(`${witness.statePath}.next`, '{"format":"quanze-witness-sta');
      witness = await startTestWitness(folder, [{ origin: ORIGIN, verifierKeys: [log.key.verifierKey] }], witnessKey.signerKey);
      expect(recorded()?.size).to.equal(5);
      log.grow(1);
      expect((await submit(5, log.proof(5), log.checkpoint())).status).to.equal(200);
    });

    it('refuses to start on a state file it cannot read, rather than forget what it cosigned', async function () {
      expect((await submit(0, [], log.checkpoint())).status).to.equal(200);
      await witness.close();
      await writeFile(witness.statePath, '{"format":"quanze-witness-state/1","logs":{"x":{"size":-1}}}');
      expect(() => openWitnessState(witness.statePath)).to.throw(/cannot be read/);
      await writeFile(witness.statePath, 'not json');
      expect(() => openWitnessState(witness.statePath)).to.throw(/cannot be read/);
      await rm(witness.statePath);
      witness = await startTestWitness(folder, [{ origin: ORIGIN, verifierKeys: [log.key.verifierKey] }], witnessKey.signerKey);
    });

    it('is held by one witness at a time', function () {
      expect(() => openWitnessState(witness.statePath)).to.throw(WitnessStateLocked);
    });

    it('serialises concurrent submissions of the same origin: one growth is accepted, the rest see its size', async function () {
      expect((await submit(0, [], log.checkpoint())).status).to.equal(200);
      log.grow(6);
      // Two growths from 5, each valid against the state it was made for: accepting both would roll one back.
      const toEight = addCheckpointBody(5, log.proof(5, 8), log.checkpoint(8));
      const toEleven = addCheckpointBody(5, log.proof(5, 11), log.checkpoint(11));
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => post(witness.url, i % 2 === 0 ? toEight : toEleven)));
      const accepted = answers.filter((answer) => answer.status === 200);
      expect(accepted).to.have.length(1);
      const size = recorded()?.size;
      expect(size).to.be.oneOf([8, 11]);
      for (const answer of answers.filter((a) => a.status !== 200)) {
        expect(answer).to.deep.include({ status: 409, text: `${String(size)}\n` });
      }
    });
  });

  describe('its configuration', function () {
    it('follows a log through a key rotation: either configured key is enough', function () {
      const rotated = generateNoteKey(ORIGIN);
      expect(() =>
        createWitness({
          signerKey: witnessKey.signerKey,
          logs: [{ origin: ORIGIN, verifierKeys: [log.key.verifierKey, rotated.verifierKey, log.key.verifierKey] }],
          store: witness.store,
          clock,
        }),
      ).to.not.throw();
      expect(() =>
        createWitness({ signerKey: witnessKey.signerKey, logs: [{ origin: ORIGIN, verifierKeys: [] }], store: witness.store, clock }),
      ).to.throw(/no verifier key/);
    });
  });
});
