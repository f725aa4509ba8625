import { rm } from 'node:fs/promises';
import { expect } from 'chai';
import {
  WitnessRefused,
  WitnessStale,
  WitnessUnavailable,
  addCosignatures,
  generateNoteKey,
  parseCosignerKey,
  submitToWitness,
  verifyCosigned,
} from '@quanze/integrity';
import { COSIGNED_AT, TestLog, clock, startTestWitness, tempFolder, type TestWitness } from './witness-fixtures.js';

const ORIGIN = 'ledger.example.gov.cn/quanze';

describe('submitting checkpoints to a witness (the sealer\'s client)', function () {
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

  function submit(oldSize: number, checkpointNote = log.checkpoint(), consistencyProof = oldSize === 0 ? [] : log.proof(oldSize)) {
    return submitToWitness({ url: witness.url, witnessKey: witness.witness.verifierKey, checkpointNote, oldSize, consistencyProof });
  }

  it('returns the verified cosignature lines, which make the checkpoint meet a quorum of one', async function () {
    const lines = await submit(0);
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/^— witness\.procuratorate\.example \S+$/);
    const cosigned = addCosignatures(log.checkpoint(), lines);
    const verified = verifyCosigned(cosigned, { logKey: log.key.verifierKey, witnesses: [witness.witness.verifierKey], quorum: 1 });
    expect(verified.checkpoint.size).to.equal(5);
    expect(verified.cosigners).to.deep.equal([{ verifierKey: witness.witness.verifierKey, timestamp: COSIGNED_AT.getTime() / 1000 }]);
    // Adding the same lines again changes nothing.
    expect(addCosignatures(cosigned, lines)).to.equal(cosigned);
  });

  it('says the witness is stale with its size, so the caller retries with a proof from there', async function () {
    await submit(0);
    log.grow(4);
    const stale = await rejection(submit(0));
    expect(stale).to.be.instanceOf(WitnessStale).and.include({ witnessSize: 5, retriable: true });
    expect(await submit((stale as WitnessStale).witnessSize)).to.have.length(1);
  });

  it('reports a refusal for good with the status and the witness\'s reason', async function () {
    await submit(0);
    log.grow(4);
    expect(await rejection(submit(5, log.checkpoint(), log.proof(4))))
      .to.be.instanceOf(WitnessRefused)
      .and.include({ status: 422, reasonCode: 'witness.inconsistent-checkpoint', retriable: false });
    const stranger = new TestLog('ledger.elsewhere.example/other').grow(1);
    expect(await rejection(submit(0, stranger.checkpoint())))
      .to.be.instanceOf(WitnessRefused)
      .and.include({ status: 404, reasonCode: 'witness.unknown-log' });
  });

  it('reports a witness that cannot be reached as unavailable (retriable)', async function () {
    await witness.close();
    const unreachable = submit(0);
    await expect(unreachable).to.be.rejectedWith(WitnessUnavailable);
    witness = await startTestWitness(folder, [{ origin: ORIGIN, verifierKeys: [log.key.verifierKey] }], witnessKey.signerKey);
  });

  it('refuses an answer whose cosignature does not verify with the witness key it was told', async function () {
    const other = generateNoteKey('witness.procuratorate.example');
    // The witness's answer is real; only the key the caller expects differs (a mix-up, or a witness replaced).
    const mixedUp = submitToWitness({
      url: witness.url,
      witnessKey: parseCosignerKey(other.signerKey, clock).verifierKey,
      checkpointNote: log.checkpoint(),
      oldSize: 0,
      consistencyProof: [],
    });
    await expect(mixedUp).to.be.rejectedWith(WitnessUnavailable, /no valid cosignature/);
  });

  it('refuses a 200 answer that is not cosignature lines (a witness gone wrong)', async function () {
    const garbled = submitToWitness({
      url: 'http://witness.invalid',
      witnessKey: witness.witness.verifierKey,
      checkpointNote: log.checkpoint(),
      oldSize: 0,
      consistencyProof: [],
      // A fake: the real witness cannot be made to answer 200 with anything but its cosignature.
      fetch: () => Promise.resolve(new Response('ok\n', { status: 200 })),
    });
    await expect(garbled).to.be.rejectedWith(WitnessUnavailable);
  });
});

/** What a promise was rejected with; a promise that resolves fails the test. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value: unknown) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}
