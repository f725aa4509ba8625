import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { CaseBundle, verifyBundle } from '@quanze/cli';
import { fromBase64, generateNoteKey, parseCheckpoint, parseSignerKey, parseVerifierKey, signCheckpoint, toBase64 } from '@quanze/integrity';
import { openEventStore } from '@quanze/eventstore';
import { CASE_ID, ORIGIN, quanze, sealedFolder, type SealedFolder } from './fixture.js';

/** A deep copy to tamper with. */
function copy(bundle: CaseBundle): CaseBundle {
  return structuredClone(bundle);
}

function replaceLine(text: string, lineIndex: number, replace: (line: string) => string): string {
  const lines = text.split('\n');
  lines[lineIndex] = replace(lines[lineIndex] ?? '');
  return lines.join('\n');
}

function flipFirstByte(base64: string): string {
  const bytes = fromBase64(base64) ?? new Uint8Array(32);
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  return toBase64(bytes);
}

describe('case bundles (quanze export-case, quanze verify-bundle)', function () {
  this.timeout(60_000);
  let sealed: SealedFolder;
  let bundleFile: string;
  let bundle: CaseBundle;

  before(async function () {
    sealed = await sealedFolder();
    bundleFile = join(sealed.folder, 'out', 'case.json');
    const exported = await quanze(['export-case', CASE_ID, '--data', sealed.folder, '--out', bundleFile]);
    expect(exported.code, exported.stderr).to.equal(0);
    bundle = CaseBundle.parse(JSON.parse(await readFile(bundleFile, 'utf8')));
  });

  after(async function () {
    await rm(sealed.folder, { recursive: true, force: true });
  });

  it('holds the case’s events as recorded, each with a C2SP tlog-proof against the latest checkpoint, and the key', async function () {
    expect(bundle).to.include({ format: 'quanze.case-bundle', version: 1, caseId: CASE_ID, origin: ORIGIN, verifierKey: sealed.verifierKey });
    expect(bundle.events.map((entry) => entry.event.position)).to.deep.equal([3, 9, 16, 22, 28]);
    expect(parseCheckpoint(bundle.checkpoint.slice(0, bundle.checkpoint.indexOf('\n\n') + 1)).size).to.equal(40);
    for (const entry of bundle.events) expect(entry.proof.split('\n')[0]).to.equal('c2sp.org/tlog-proof@v1');
    const store = await openEventStore(`sqlite:${sealed.folder}`);
    try {
      const recorded = [];
      for await (const event of store.readStream(`case-${CASE_ID}`)) recorded.push(event);
      expect(bundle.events.map((entry) => entry.event)).to.deep.equal(recorded);
    } finally {
      await store.close();
    }
  });

  it('verifies offline with only the verifier key (the real command, exit 0)', async function () {
    const result = await quanze(['verify-bundle', bundleFile, '--key', sealed.verifierKey]);
    expect(result.stdout).to.match(/^VALID: the 5 events of case /);
    expect(result.code).to.equal(0);
  });

  it('is rejected with its reason by the real command when an event’s data was changed (exit 1)', async function () {
    const tampered = copy(bundle);
    (tampered.events[1] as { event: { data: unknown } }).event.data = { step: 1, note: 'step 1 (amended)' };
    const file = join(sealed.folder, 'out', 'tampered.json');
    await writeFile(file, JSON.stringify(tampered));
    const result = await quanze(['verify-bundle', file, '--key', sealed.verifierKey]);
    expect(result.code).to.equal(1);
    expect(result.stdout).to.match(/^INVALID: event 2 \(position 9, test\.happened\.v1\): the proof does not verify/);
  });

  const tamperings: [string, (bundle: CaseBundle) => void, RegExp][] = [
    ['an event’s recorded time changed', (b) => void ((b.events[0] as { event: { recordedAt: string } }).event.recordedAt = '2020-01-01T00:00:00.000Z'), /^event 1 \(position 3, .*\): the proof does not verify/],
    ['an event’s actor changed', (b) => void ((b.events[4] as { event: { actor: { personId: string } } }).event.actor.personId = 'someone-else'), /^event 5 \(position 28, .*\): the proof does not verify/],
    ['a hash of a proof changed', (b) => {
      const entry = b.events[2] as { proof: string };
      entry.proof = replaceLine(entry.proof, 2, flipFirstByte);
    }, /^event 3 \(position 16, .*\): the proof does not verify/],
    ['a hash removed from a proof', (b) => {
      const entry = b.events[2] as { proof: string };
      const lines = entry.proof.split('\n');
      lines.splice(2, 1);
      entry.proof = lines.join('\n');
    }, /^event 3 \(position 16, .*\): the proof does not verify/],
    ['a proof’s index changed', (b) => {
      const entry = b.events[0] as { proof: string };
      entry.proof = replaceLine(entry.proof, 1, () => 'index 3');
    }, /^event 1 \(position 3, .*\): its proof is for leaf 3, not 2/],
    ['the checkpoint’s root changed', (b) => {
      b.checkpoint = replaceLine(b.checkpoint, 2, flipFirstByte);
      for (const entry of b.events) entry.proof = `${entry.proof.slice(0, entry.proof.indexOf('\n\n') + 2)}${b.checkpoint}`;
    }, /^the checkpoint: the signature of quanze\.tamper-test\/ledger\+[0-9a-f]{8} does not verify/],
    ['the checkpoint’s signature changed', (b) => {
      const lines = b.checkpoint.split('\n');
      const at = lines.findIndex((line) => line.startsWith('— '));
      const [dash, name, signature] = (lines[at] ?? '').split(' ');
      const bytes = fromBase64(signature ?? '') ?? new Uint8Array(68);
      bytes[10] = (bytes[10] ?? 0) ^ 1;
      lines[at] = `${dash ?? ''} ${name ?? ''} ${toBase64(bytes)}`;
      b.checkpoint = lines.join('\n');
    }, /^the checkpoint: the signature of quanze\.tamper-test\/ledger\+[0-9a-f]{8} does not verify/],
    ['the checkpoint re-signed with another key, which the bundle names', (b) => {
      const impostor = generateNoteKey(ORIGIN);
      const body = parseCheckpoint(b.checkpoint.slice(0, b.checkpoint.indexOf('\n\n') + 1));
      b.checkpoint = signCheckpoint(body, [parseSignerKey(impostor.signerKey)]);
      b.verifierKey = impostor.verifierKey;
    }, /^the bundle names verifier key .* not the key given/],
    ['the checkpoint re-signed with another key', (b) => {
      const impostor = generateNoteKey(ORIGIN);
      const body = parseCheckpoint(b.checkpoint.slice(0, b.checkpoint.indexOf('\n\n') + 1));
      b.checkpoint = signCheckpoint(body, [parseSignerKey(impostor.signerKey)]);
    }, /^the checkpoint: the note has no signature by a known key/],
    ['an event left out', (b) => void b.events.splice(1, 1), /^event 2 \(position 16, .*\) has version 3, not 2: the bundle leaves out or reorders events/],
    ['a format version it does not know', (b) => void ((b as { version: number }).version = 2), /^not a case bundle: version: /],
  ];

  for (const [what, tamper, reason] of tamperings) {
    it(`rejects a bundle with ${what}, naming why`, function () {
      const tampered = copy(bundle);
      tamper(tampered);
      const verdict = verifyBundle(tampered, parseVerifierKey(sealed.verifierKey));
      expect(verdict.valid).to.equal(false);
      expect(verdict.valid ? '' : verdict.reason).to.match(reason);
    });
  }

  it('is rejected when checked with another log’s key', function () {
    const verdict = verifyBundle(bundle, parseVerifierKey(generateNoteKey('quanze.other/ledger').verifierKey));
    expect(verdict.valid ? '' : verdict.reason).to.match(/^the bundle names verifier key/);
  });

  it('tells a usage error (no key) from an invalid bundle: exit 2', async function () {
    const result = await quanze(['verify-bundle', bundleFile]);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain('--key');
  });

  describe('export-case', function () {
    it('fails (exit 1) for a case the ledger does not hold', async function () {
      const result = await quanze(['export-case', 'no-such-case', '--data', sealed.folder]);
      expect(result.code).to.equal(1);
      expect(result.stderr).to.contain('there is no case no-such-case');
    });

    it('fails (exit 1) while the case’s last event is not in a signed checkpoint yet', async function () {
      const store = await openEventStore(`sqlite:${sealed.folder}`);
      try {
        await store.appendToStream(`case-${CASE_ID}`, [
          { eventId: crypto.randomUUID(), type: 'test.happened.v1', occurredAt: new Date().toISOString(), actor: { personId: 'p', postId: null, unitId: null }, causationId: null, correlationId: null, commandId: null, data: {} },
        ]);
      } finally {
        await store.close();
      }
      const result = await quanze(['export-case', CASE_ID, '--data', sealed.folder]);
      expect(result.code).to.equal(1);
      expect(result.stderr).to.match(/the case's last event \(position 41\) is not in a signed checkpoint yet \(the latest covers 40\)/);
    });
  });
});
