import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { CaseBundle } from '@quanze/cli';
import { INTEGRITY_FILE_NAME, createSqliteIntegrityStore, createWitness, generateNoteKey, openWitnessState, parseCheckpoint } from '@quanze/integrity';
import { CASE_ID, ORIGIN, quanze, sealedFolder, type SealedFolder } from './fixture.js';

const sizeOf = (note: string) => parseCheckpoint(note.slice(0, note.indexOf('\n\n') + 1)).size;

describe('requiring a quorum of witnesses (quanze verify, export-case and verify-bundle with --witness and --quorum)', function () {
  this.timeout(90_000);
  let sealed: SealedFolder;
  /** cosigned the latest checkpoint */
  let present: string;
  /** trusted, but never cosigned */
  let absent: string;

  before(async function () {
    sealed = await sealedFolder();
    const integrity = createSqliteIntegrityStore({ path: join(sealed.folder, INTEGRITY_FILE_NAME) });
    const state = openWitnessState(join(sealed.folder, 'witness-state.json'));
    try {
      const witness = createWitness({
        signerKey: generateNoteKey('witness-a.example').signerKey,
        logs: [{ origin: ORIGIN, verifierKeys: [sealed.verifierKey] }],
        store: state,
        clock: () => new Date(),
      });
      const latest = await integrity.latestCheckpoint();
      if (latest === null) throw new Error('no checkpoint');
      await integrity.addCosignatures(latest.id, witness.verifierKey, witness.addCheckpoint(`old 0\n\n${latest.note}`).trimEnd().split('\n'));
      present = witness.verifierKey;
    } finally {
      state.close();
      await integrity.close();
    }
    const other = openWitnessState(join(sealed.folder, 'other-state.json'));
    try {
      absent = createWitness({ signerKey: generateNoteKey('witness-b.example').signerKey, logs: [], store: other, clock: () => new Date() }).verifierKey;
    } finally {
      other.close();
    }
  });

  after(async function () {
    await rm(sealed.folder, { recursive: true, force: true });
  });

  it('verify: intact and witnessed when the latest checkpoint carries the quorum', async function () {
    const result = await quanze(['verify', '--data', sealed.folder, '--no-progress', '--witness', present, '--witness', absent, '--quorum', '1']);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/^INTACT: .*; the latest checkpoint #3 \(size 40\) is cosigned by 1 of the trusted witnesses \(quorum 1\)\.\n$/);
  });

  it('verify: refuses, with the count, when fewer trusted witnesses cosigned than required (exit 1)', async function () {
    const result = await quanze(['verify', '--data', sealed.folder, '--no-progress', '--witness', present, '--witness', absent]);
    expect(result.code).to.equal(1);
    expect(result.stdout).to.match(/^NOT WITNESSED: the latest checkpoint #3 \(size 40\) is cosigned by 1 of the 2 trusted witnesses, and 2 are required\./);
  });

  it('refuses a witness key that is not a cosignature key, a quorum above the witnesses, and a quorum without witnesses (exit 2)', async function () {
    const logKey = await quanze(['verify', '--data', sealed.folder, '--witness', sealed.verifierKey]);
    expect(logKey.code).to.equal(2);
    expect(logKey.stderr).to.contain('not a witness key');
    const tooMany = await quanze(['verify-bundle', 'x.json', '--key', sealed.verifierKey, '--witness', present, '--quorum', '2']);
    expect(tooMany.code).to.equal(2);
    expect(tooMany.stderr).to.contain('--quorum must be a whole number from 0 to the 1 witnesses given, not 2');
    const alone = await quanze(['verify', '--data', sealed.folder, '--quorum', '1']);
    expect(alone.code).to.equal(2);
    expect(alone.stderr).to.contain('--quorum needs the witnesses it counts');
  });

  describe('a bundle', function () {
    let file: string;
    let bundle: CaseBundle;

    before(async function () {
      file = join(sealed.folder, 'out', 'witnessed.json');
      const exported = await quanze(['export-case', CASE_ID, '--data', sealed.folder, '--out', file]);
      expect(exported.code, exported.stderr).to.equal(0);
      bundle = CaseBundle.parse(JSON.parse(await readFile(file, 'utf8')));
    });

    it('carries the checkpoint with its cosignatures, in the bundle and in every proof', function () {
      expect(bundle.checkpoint).to.contain('— witness-a.example ');
      for (const entry of bundle.events) expect(entry.proof.endsWith(bundle.checkpoint)).to.equal(true);
    });

    it('verifies with the quorum met', async function () {
      const result = await quanze(['verify-bundle', file, '--key', sealed.verifierKey, '--witness', present]);
      expect(result.code, result.stdout).to.equal(0);
      expect(result.stdout).to.match(/^VALID: .*cosigned by 1 of the trusted witnesses \(quorum 1\)\)\.\n$/);
    });

    it('is refused when the quorum is not met, saying how many cosigned (exit 1)', async function () {
      const result = await quanze(['verify-bundle', file, '--key', sealed.verifierKey, '--witness', present, '--witness', absent, '--quorum', '2']);
      expect(result.code).to.equal(1);
      expect(result.stdout).to.match(/^INVALID: the checkpoint is cosigned by 1 of the 2 trusted witnesses, and 2 are required/);
    });
  });

  describe('export-case --checkpoint-size (the checkpoint a transfer names)', function () {
    it('exports the case as it stood in that checkpoint: its events up to that size, proved against it', async function () {
      const file = join(sealed.folder, 'out', 'at-25.json');
      const exported = await quanze(['export-case', CASE_ID, '--data', sealed.folder, '--checkpoint-size', '25', '--out', file]);
      expect(exported.code, exported.stderr).to.equal(0);
      const atTransfer = CaseBundle.parse(JSON.parse(await readFile(file, 'utf8')));
      expect(sizeOf(atTransfer.checkpoint)).to.equal(25);
      expect(atTransfer.events.map((entry) => entry.event.position)).to.deep.equal([3, 9, 16, 22]);
      const verified = await quanze(['verify-bundle', file, '--key', sealed.verifierKey]);
      expect(verified.stdout).to.match(/^VALID: the 4 events of case .* \(checkpoint of 25 events/);
    });

    it('refuses a size no checkpoint has (exit 1) and one that is not a size (exit 2)', async function () {
      const missing = await quanze(['export-case', CASE_ID, '--data', sealed.folder, '--checkpoint-size', '24']);
      expect(missing.code).to.equal(1);
      expect(missing.stderr).to.contain('there is no signed checkpoint of size 24');
      const notASize = await quanze(['export-case', CASE_ID, '--data', sealed.folder, '--checkpoint-size', '0']);
      expect(notASize.code).to.equal(2);
      expect(notASize.stderr).to.contain('--checkpoint-size must be a whole number ≥ 1');
    });
  });
});
