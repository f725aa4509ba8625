import { expect } from 'chai';
import {
  InvalidCosignaturePolicy,
  InvalidNoteSignature,
  MalformedCheckpoint,
  QuorumNotMet,
  UnverifiedNote,
  generateNoteKey,
  parseCosignerKey,
  parseSignerKey,
  signNote,
  verifyCosigned,
  type NoteSigner,
} from '@quanze/integrity';
import { TestLog } from './witness-fixtures.js';

const ORIGIN = 'ledger.example.gov.cn/quanze';

interface TestWitnessKey {
  readonly signerKey: string;
  readonly cosigner: NoteSigner;
  readonly verifierKey: string;
}

function witnessKey(name: string): TestWitnessKey {
  return cosigningAt(generateNoteKey(name).signerKey, 1_790_000_000);
}

/** The same witness, cosigning at another time (seconds since the epoch). */
function cosigningAt(signerKey: string, seconds: number): TestWitnessKey {
  const cosigner = parseCosignerKey(signerKey, () => new Date(seconds * 1000));
  return { signerKey, cosigner, verifierKey: cosigner.verifierKey };
}

/** Just the cosignature line a witness adds to `note` (what add-checkpoint answers), without its newline. */
function cosignatureLine(note: string, witness: TestWitnessKey): string {
  const text = note.slice(0, note.lastIndexOf('\n\n') + 1);
  return signNote(text, [witness.cosigner]).slice(text.length + 1, -1);
}

function withLines(note: string, lines: readonly string[]): string {
  return `${note}${lines.map((line) => `${line}\n`).join('')}`;
}

describe('verifying a cosigned checkpoint against a quorum of witnesses', function () {
  const log = new TestLog(ORIGIN).grow(7);
  const note = log.checkpoint();
  const [court, procuratorate, auditor] = [witnessKey('witness.court.example'), witnessKey('witness.procuratorate.example'), witnessKey('witness.audit.example')];
  const trusted = [court.verifierKey, procuratorate.verifierKey, auditor.verifierKey];
  const policy = (quorum: number, witnesses = trusted) => ({ logKey: log.key.verifierKey, witnesses, quorum });

  it('accepts 2 of 3 trusted witnesses when the quorum is 2, and names them with their times', function () {
    const cosigned = withLines(note, [cosignatureLine(note, court), cosignatureLine(note, auditor)]);
    const verified = verifyCosigned(cosigned, policy(2));
    expect(verified.checkpoint).to.include({ origin: ORIGIN, size: 7 });
    expect(verified.cosigners).to.deep.equal([
      { verifierKey: court.verifierKey, timestamp: 1_790_000_000 },
      { verifierKey: auditor.verifierKey, timestamp: 1_790_000_000 },
    ]);
  });

  it('refuses 1 of 3 when the quorum is 2, saying how many it found', function () {
    const cosigned = withLines(note, [cosignatureLine(note, procuratorate)]);
    expect(() => verifyCosigned(cosigned, policy(2))).to.throw(QuorumNotMet, '1 of the trusted witnesses cosigned the checkpoint, 2 are required');
    expect(verifyCosigned(cosigned, policy(1)).cosigners).to.have.length(1);
  });

  it('counts a witness once, however often its cosignature appears or its key is configured', function () {
    const line = cosignatureLine(note, court);
    const later = cosignatureLine(note, cosigningAt(court.signerKey, 1_790_000_100));
    expect(later).to.not.equal(line);
    const repeated = withLines(note, [line, line, later]);
    expect(() => verifyCosigned(repeated, policy(2))).to.throw(QuorumNotMet);
    expect(verifyCosigned(repeated, policy(1, [court.verifierKey, court.verifierKey, auditor.verifierKey])).cosigners).to.have.length(1);
    // Configured twice, a witness is still one: a quorum of 2 over [court, court] can never be met.
    expect(() => verifyCosigned(repeated, policy(2, [court.verifierKey, court.verifierKey]))).to.throw(InvalidCosignaturePolicy);
  });

  it('does not count a cosignature made for another checkpoint, nor one by a witness it does not trust', function () {
    const earlier = log.checkpoint(6);
    const copied = cosignatureLine(earlier, procuratorate);
    const stranger = witnessKey('witness.stranger.example');
    const cosigned = withLines(note, [cosignatureLine(note, court), copied, cosignatureLine(note, stranger)]);
    expect(() => verifyCosigned(cosigned, policy(2))).to.throw(QuorumNotMet);
    expect(verifyCosigned(cosigned, policy(1)).cosigners.map((c) => c.verifierKey)).to.deep.equal([court.verifierKey]);
  });

  it('requires the log\'s own signature: cosignatures alone, or another key\'s, are not a checkpoint', function () {
    const cosignedOnly = `${note.slice(0, note.lastIndexOf('\n\n') + 2)}${cosignatureLine(note, court)}\n${cosignatureLine(note, auditor)}\n`;
    expect(() => verifyCosigned(cosignedOnly, policy(2))).to.throw(UnverifiedNote);
    const forged = log.checkpoint(7, generateNoteKey(ORIGIN).signerKey);
    expect(() => verifyCosigned(withLines(forged, [cosignatureLine(forged, court)]), policy(1))).to.throw(UnverifiedNote);
    const tampered = withLines(note, [cosignatureLine(note, court)]).replace(`${ORIGIN}\n7\n`, `${ORIGIN}\n8\n`);
    expect(() => verifyCosigned(tampered, policy(1))).to.throw(InvalidNoteSignature);
  });

  it('requires the checkpoint to be of the log\'s origin (by default its key name)', function () {
    const other = new TestLog('ledger.example.gov.cn/other').grow(2);
    const key = parseSignerKey(log.key.signerKey);
    const otherOrigin = signNote(other.checkpoint().slice(0, other.checkpoint().lastIndexOf('\n\n') + 1), [key]);
    expect(() => verifyCosigned(withLines(otherOrigin, [cosignatureLine(otherOrigin, court)]), policy(1))).to.throw(MalformedCheckpoint);
    expect(verifyCosigned(withLines(otherOrigin, [cosignatureLine(otherOrigin, court)]), { ...policy(1), origin: 'ledger.example.gov.cn/other' }).checkpoint.size).to.equal(2);
  });

  it('refuses a policy that is not one: a log key as a witness, a quorum above the witnesses or not a whole number', function () {
    expect(() => verifyCosigned(note, policy(1, [log.key.verifierKey]))).to.throw(InvalidCosignaturePolicy, /not a witness key/);
    expect(() => verifyCosigned(note, { ...policy(1), logKey: court.verifierKey })).to.throw(InvalidCosignaturePolicy);
    expect(() => verifyCosigned(note, policy(4))).to.throw(InvalidCosignaturePolicy);
    expect(() => verifyCosigned(note, policy(1.5))).to.throw(InvalidCosignaturePolicy);
    expect(() => verifyCosigned(note, policy(-1))).to.throw(InvalidCosignaturePolicy);
    expect(verifyCosigned(note, policy(0)).cosigners).to.deep.equal([]);
  });
});
