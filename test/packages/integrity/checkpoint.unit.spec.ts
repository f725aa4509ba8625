import { expect } from 'chai';
import type { RecordedEvent } from '@quanze/events';
import {
  InvalidNoteSignature,
  InvalidProof,
  MalformedCheckpoint,
  MemoryTree,
  UnverifiedNote,
  eventLeafHash,
  formatCheckpoint,
  fromBase64,
  generateNoteKey,
  inclusionProof,
  parseCheckpoint,
  parseSignerKey,
  parseVerifierKey,
  signCheckpoint,
  toBase64,
  verifyCheckpoint,
  verifyInclusion,
} from '@quanze/integrity';

// The example of C2SP tlog-checkpoint.
const ORIGIN = 'example.com/behind-the-sofa';
const ROOT = fromBase64('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=') as Uint8Array;
const BODY = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';

describe('checkpoints (C2SP tlog-checkpoint)', function () {
  describe('the note text', function () {
    it('is origin, size and base64 root hash, one per line', function () {
      expect(formatCheckpoint({ origin: ORIGIN, size: 20852163, rootHash: ROOT })).to.equal(BODY);
    });

    it('reads back what it wrote, extension lines included', function () {
      const checkpoint = { origin: ORIGIN, size: 0, rootHash: ROOT, extensions: ['sealed 2026-11-25T12:00:00Z', '第二行'] };
      const text = formatCheckpoint(checkpoint);
      expect(text).to.equal(`${ORIGIN}\n0\n${toBase64(ROOT)}\nsealed 2026-11-25T12:00:00Z\n第二行\n`);
      expect(parseCheckpoint(text)).to.deep.equal(checkpoint);
    });

    it('refuses what it could not write back the same', function () {
      const bad: [string, string][] = [
        ['too few lines', 'Head\n9944\n'],
        ['an empty origin', `\n9944\n${toBase64(ROOT)}\n`],
        ['no final newline', `${ORIGIN}\n123\n${toBase64(ROOT)}`],
        ['a size that is not a number', `${ORIGIN}\nbananas\n${toBase64(ROOT)}\n`],
        ['a negative size', `${ORIGIN}\n-34\n${toBase64(ROOT)}\n`],
        ['a size with a leading zero', `${ORIGIN}\n0123\n${toBase64(ROOT)}\n`],
        ['a size with a sign', `${ORIGIN}\n+123\n${toBase64(ROOT)}\n`],
        ['a size past 2^53 - 1', `${ORIGIN}\n3438945738945739845734895735\n${toBase64(ROOT)}\n`],
        ['a root that is not base64', `${ORIGIN}\n123\nThisIsn'tBase64\n`],
        ['a root that is not 32 bytes', `${ORIGIN}\n123\nYmFuYW5hcw==\n`],
        ['a root in unpadded base64', `${ORIGIN}\n123\n${toBase64(ROOT).replace('=', '')}\n`],
        ['an empty extension line', `${BODY}\n`],
        ['a control character', `${ORIGIN}\n123\n${toBase64(ROOT)}\na\tb\n`],
      ];
      for (const [what, text] of bad) expect(() => parseCheckpoint(text), what).to.throw(MalformedCheckpoint);
    });

    it('refuses to write a line that would break the note', function () {
      expect(() => formatCheckpoint({ origin: 'two\nlines', size: 1, rootHash: ROOT })).to.throw(MalformedCheckpoint, 'origin');
      expect(() => formatCheckpoint({ origin: ORIGIN, size: -1, rootHash: ROOT })).to.throw(MalformedCheckpoint);
      expect(() => formatCheckpoint({ origin: ORIGIN, size: 1, rootHash: new Uint8Array(31) })).to.throw(MalformedCheckpoint, '32 bytes');
      expect(() => formatCheckpoint({ origin: ORIGIN, size: 1, rootHash: ROOT, extensions: [''] })).to.throw(MalformedCheckpoint, 'extension line');
    });
  });

  describe('signed', function () {
    const log = generateNoteKey(ORIGIN);
    const signer = parseSignerKey(log.signerKey);
    const verifier = parseVerifierKey(log.verifierKey);
    const signed = signCheckpoint({ origin: ORIGIN, size: 20852163, rootHash: ROOT }, [signer]);

    it('open with the log’s verifier key alone', function () {
      const { checkpoint, note } = verifyCheckpoint(signed, [verifier], { origin: ORIGIN });
      expect(checkpoint.size).to.equal(20852163);
      expect(checkpoint.rootHash).to.deep.equal(ROOT);
      expect(note.verified.map((s) => s.name)).to.deep.equal([ORIGIN]);
    });

    it('refuse a checkpoint signed by another key, even under the log’s name', function () {
      const impostor = parseSignerKey(generateNoteKey(ORIGIN).signerKey);
      const forged = signCheckpoint({ origin: ORIGIN, size: 20852164, rootHash: ROOT }, [impostor]);
      expect(() => verifyCheckpoint(forged, [verifier])).to.throw(UnverifiedNote);
    });

    it('refuse a checkpoint whose size or root was changed after signing', function () {
      expect(() => verifyCheckpoint(signed.replace('20852163', '20852162'), [verifier])).to.throw(InvalidNoteSignature);
      expect(() => verifyCheckpoint(signed.replace('CsUY', 'CsUZ'), [verifier])).to.throw(InvalidNoteSignature);
    });

    it('refuse a checkpoint of another log when the origin is required', function () {
      const other = parseSignerKey(generateNoteKey('other.example/log').signerKey);
      const foreign = signCheckpoint({ origin: 'other.example/log', size: 1, rootHash: ROOT }, [other]);
      expect(() => verifyCheckpoint(foreign, [parseVerifierKey(other.verifierKey)], { origin: ORIGIN })).to.throw(MalformedCheckpoint, 'not');
    });
  });

  describe('signed by another implementation', function () {
    // The checksum database of the Go toolchain signs its tree heads as tlog checkpoints in signed notes. The key is
    // the one the go command ships (golang/go, src/cmd/go/internal/modfetch/key.go); the checkpoints are
    // sum.golang.org /lookup answers as published in public write-ups.
    const sumdb = parseVerifierKey('sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8');
    const published: [number, string][] = [
      [
        15368405,
        'go.sum database tree\n15368405\n/g9am3I6YWNKaZX/jkne1fqd9zEyjss+JXyPXG0WfkY=\n\n' +
          '— sum.golang.org Az3grqJGUaSGukG9p8nI2vKgiFn7qGHxn0W+mrwyI6Gz3F0t1J3LzmWk/p96Ybf295EjwdSwlzgijq5WA9d1Ded7owM=\n',
      ],
      [
        59045944,
        'go.sum database tree\n59045944\nLE6Lx+GNVyuFBv/jKcFIiPkG1WC7DHwG0clpfN/TBlA=\n\n' +
          '— sum.golang.org Az3grk9ctaTv+CITXOwxCEHU3APAw5X7Ck14+fvFlh0GCktwX15+XPzy//GgL2G50ZgY05e8eXFTWcvW6pN5tozsLQQ=\n',
      ],
    ];

    for (const [size, note] of published) {
      it(`open: Go's checksum database at ${size} entries`, function () {
        expect(verifyCheckpoint(note, [sumdb], { origin: 'go.sum database tree' }).checkpoint.size).to.equal(size);
        expect(() => verifyCheckpoint(note.replace(String(size), String(size + 1)), [sumdb])).to.throw(InvalidNoteSignature);
      });
    }
  });

  describe('with the events of a ledger', function () {
    const events: RecordedEvent[] = Array.from({ length: 11 }, (_, i) => ({
      eventId: `0190a1b2-c3d4-7e5f-8a9b-${String(i).padStart(12, '0')}`,
      type: 'case.opened.v1',
      streamId: `case-${i % 3}`,
      streamVersion: Math.floor(i / 3) + 1,
      position: i + 1,
      occurredAt: '2026-11-25T08:00:00.000Z',
      recordedAt: `2026-11-25T08:00:${String(i).padStart(2, '0')}.000Z`,
      actor: { personId: 'p-1', postId: null, unitId: null },
      causationId: null,
      correlationId: null,
      commandId: null,
      data: { n: i },
    }));
    const tree = MemoryTree.of(events.map(eventLeafHash));
    const log = generateNoteKey('ledger.example/quanze');
    const note = signCheckpoint({ origin: 'ledger.example/quanze', size: tree.size, rootHash: tree.root() }, [parseSignerKey(log.signerKey)]);

    it('prove an event was recorded exactly so, with nothing but the verifier key and the signed checkpoint', function () {
      const { checkpoint } = verifyCheckpoint(note, [parseVerifierKey(log.verifierKey)], { origin: 'ledger.example/quanze' });
      const event = events[6] as RecordedEvent;
      const proof = inclusionProof(tree, event.position - 1, checkpoint.size);
      expect(() => {
        verifyInclusion(event.position - 1, checkpoint.size, eventLeafHash(event), proof, checkpoint.rootHash);
      }).not.to.throw();
      const rewritten = { ...event, recordedAt: '2026-11-25T08:00:07.000Z' };
      expect(() => {
        verifyInclusion(event.position - 1, checkpoint.size, eventLeafHash(rewritten), proof, checkpoint.rootHash);
      }).to.throw(InvalidProof);
    });
  });
});
