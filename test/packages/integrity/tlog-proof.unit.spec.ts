import { expect } from 'chai';
import type { RecordedEvent } from '@quanze/events';
import {
  InvalidProof,
  MalformedCheckpoint,
  MalformedTlogProof,
  MemoryTree,
  UnverifiedNote,
  eventLeafHash,
  formatTlogProof,
  generateNoteKey,
  inclusionProof,
  parseSignerKey,
  parseTlogProof,
  parseVerifierKey,
  sha256,
  signCheckpoint,
  toBase64,
  verifyTlogProof,
} from '@quanze/integrity';

const ORIGIN = 'ledger.example/quanze';

function eventAt(position: number): RecordedEvent {
  return {
    eventId: `0190a1b2-c3d4-7e5f-8a9b-${String(position).padStart(12, '0')}`,
    type: 'case.opened.v1',
    streamId: `case-${position}`,
    streamVersion: 1,
    position,
    occurredAt: '2026-11-25T08:00:00.000Z',
    recordedAt: '2026-11-25T08:00:00.000Z',
    actor: { personId: 'p-1', postId: null, unitId: null },
    causationId: null,
    correlationId: null,
    commandId: null,
    data: { position },
  };
}

describe('offline proofs (C2SP tlog-proof)', function () {
  const events = Array.from({ length: 13 }, (_, i) => eventAt(i + 1));
  const tree = MemoryTree.of(events.map(eventLeafHash));
  const log = generateNoteKey(ORIGIN);
  const verifier = parseVerifierKey(log.verifierKey);
  const signedCheckpoint = signCheckpoint({ origin: ORIGIN, size: tree.size, rootHash: tree.root() }, [parseSignerKey(log.signerKey)]);
  const event = events[4] as RecordedEvent;
  const proof = inclusionProof(tree, event.position - 1, tree.size);
  const text = formatTlogProof({ index: event.position - 1, proof, signedCheckpoint });

  it('are the header, the index, one hash per line, a blank line and the signed checkpoint', function () {
    expect(text).to.equal(['c2sp.org/tlog-proof@v1', 'index 4', ...proof.map(toBase64), '', signedCheckpoint].join('\n'));
    const extra = new TextEncoder().encode('case-7 transfer');
    expect(formatTlogProof({ index: 4, proof, signedCheckpoint, extra }).split('\n')[1]).to.equal(`extra ${toBase64(extra)}`);
  });

  it('read back what was written', function () {
    expect(parseTlogProof(text)).to.deep.equal({ index: 4, proof, signedCheckpoint });
    const extra = Uint8Array.of(1, 2, 3);
    expect(parseTlogProof(formatTlogProof({ index: 4, proof, signedCheckpoint, extra })).extra).to.deep.equal(extra);
  });

  it('read the example of the spec', function () {
    const example = [
      'c2sp.org/tlog-proof@v1',
      'extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ',
      'index 73894',
      'gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=',
      'B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=',
      'EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=',
      'RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=',
      'AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=',
      '',
      'example.com/fancylog',
      '109482',
      'sFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=',
      '',
      '— example.com/fancylog hI2DJw[...]1roloI=',
      '',
    ].join('\n');
    const parsed = parseTlogProof(example);
    expect(parsed.index).to.equal(73894);
    expect(parsed.proof).to.have.length(5);
    expect(new TextDecoder().decode(parsed.extra).startsWith('age-v1.2.1-darwin-arm64.tar.gz')).to.equal(true);
    expect(parsed.signedCheckpoint.startsWith('example.com/fancylog\n109482\n')).to.equal(true);
  });

  it('verify with nothing but the log’s verifier key and origin', function () {
    const verified = verifyTlogProof(text, eventLeafHash(event), [verifier], { origin: ORIGIN });
    expect(verified.index).to.equal(4);
    expect(verified.checkpoint.size).to.equal(13);
  });

  it('do not verify for another event, a changed event, another index or a missing hash', function () {
    expect(() => verifyTlogProof(text, eventLeafHash(events[5] as RecordedEvent), [verifier], { origin: ORIGIN })).to.throw(InvalidProof);
    const rewritten = { ...event, data: { position: 5, note: 'added later' } };
    expect(() => verifyTlogProof(text, eventLeafHash(rewritten), [verifier], { origin: ORIGIN })).to.throw(InvalidProof);
    expect(() => verifyTlogProof(text.replace('index 4', 'index 5'), eventLeafHash(event), [verifier], { origin: ORIGIN })).to.throw(InvalidProof);
    const shorter = formatTlogProof({ index: 4, proof: proof.slice(0, -1), signedCheckpoint });
    expect(() => verifyTlogProof(shorter, eventLeafHash(event), [verifier], { origin: ORIGIN })).to.throw(InvalidProof);
  });

  it('do not verify against a checkpoint another key signed, or of another log', function () {
    const impostor = parseSignerKey(generateNoteKey(ORIGIN).signerKey);
    const forged = signCheckpoint({ origin: ORIGIN, size: tree.size, rootHash: tree.root() }, [impostor]);
    const withForged = formatTlogProof({ index: 4, proof, signedCheckpoint: forged });
    expect(() => verifyTlogProof(withForged, eventLeafHash(event), [verifier], { origin: ORIGIN })).to.throw(UnverifiedNote);
    expect(() => verifyTlogProof(text, eventLeafHash(event), [verifier], { origin: 'other.example/log' })).to.throw(MalformedCheckpoint);
  });

  it('refuse malformed text, saying what is wrong (the cases of transparency-dev/merkle’s TestVerifyTLogProofErrors)', function () {
    const hash = toBase64(sha256());
    const bad: [string, string, string][] = [
      ['missing header', 'wrong-header\nindex 0\n\ncheckpoint\n', 'first line'],
      ['invalid extra data', 'c2sp.org/tlog-proof@v1\nextra !!notbase64!!\nindex 0\n\ncheckpoint\n', 'extra data'],
      ['missing index', 'c2sp.org/tlog-proof@v1\n\n\ncheckpoint\n', '"index <n>"'],
      ['index not a number', 'c2sp.org/tlog-proof@v1\nindex notanumber\n\ncheckpoint\n', '"index <n>"'],
      ['negative index', 'c2sp.org/tlog-proof@v1\nindex -5\n\ncheckpoint\n', '"index <n>"'],
      ['index with a leading zero', 'c2sp.org/tlog-proof@v1\nindex 05\n\ncheckpoint\n', '"index <n>"'],
      ['hash not base64', 'c2sp.org/tlog-proof@v1\nindex 0\n!!notbase64!!\n\ncheckpoint\n', 'proof line 0'],
      ['hash too long', `c2sp.org/tlog-proof@v1\nindex 0\n${toBase64(new Uint8Array(64))}\n\ncheckpoint\n`, 'proof line 0'],
      ['no blank line', `c2sp.org/tlog-proof@v1\nindex 0\n${hash}`, 'blank line'],
      ['no checkpoint', `c2sp.org/tlog-proof@v1\nindex 0\n${hash}\n\n`, 'checkpoint is missing'],
    ];
    for (const [what, proofText, reason] of bad) {
      expect(() => parseTlogProof(proofText), what).to.throw(MalformedTlogProof, reason);
    }
  });
});
