import { expect } from 'chai';
import {
  AmbiguousVerifiers,
  InvalidNoteSignature,
  MalformedKey,
  MalformedNote,
  SignatureType,
  UnverifiedNote,
  cosignatureTimestamp,
  cosignedMessage,
  fromBase64,
  generateNoteKey,
  keyId,
  keyIdHex,
  parseCosignerKey,
  parseSignerKey,
  parseVerifierKey,
  signNote,
  verifyNote,
} from '@quanze/integrity';

/**
 * Known answers from Go's golang.org/x/mod/sumdb/note (note_test.go: TestSign, TestOpen, TestNewVerifier,
 * TestNewSigner), https://go.googlesource.com/mod, BSD-3-Clause: the same key and text must give the same
 * signed note, byte for byte, and Go's signed notes must open here.
 */
const PETER_SIGNER = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER_VERIFIER = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const ENOCH_VERIFIER = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG = '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG = '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

const peter = parseVerifierKey(PETER_VERIFIER);
/** Peter's key with one byte too many, and the key ID that matches it. */
const LONG_KEY = 'ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWAA==';
const keyIdOfLongKey = keyId('PeterNeumann', SignatureType.ed25519, (fromBase64(LONG_KEY) as Uint8Array).subarray(1));
const enoch = parseVerifierKey(ENOCH_VERIFIER);

describe('signed notes (C2SP signed-note, as Go’s sumdb/note)', function () {
  describe('keys', function () {
    it('derive Go’s verifier key from Go’s signer key', function () {
      const signer = parseSignerKey(PETER_SIGNER);
      expect(signer.verifierKey).to.equal(PETER_VERIFIER);
      expect(keyIdHex(signer.keyId)).to.equal('c74f20a3');
      expect(peter).to.include({ name: 'PeterNeumann', keyId: 0xc74f20a3, type: SignatureType.ed25519 });
    });

    it('accept a key whose base64 holds a "+" (transparency-dev/formats’ TEST key)', function () {
      expect(parseVerifierKey('TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6').name).to.equal('TEST');
    });

    it('read a witness key of type 0x04, whose key ID is computed with that type (transparency-dev/formats)', function () {
      const witness = parseVerifierKey('remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2');
      expect(witness).to.include({ name: 'remora.n621.de', keyId: 0xda77ade7, type: SignatureType.cosignatureV1 });
    });

    it('refuse every truncation and every one-character change of a verifier key (Go’s TestNewVerifier)', function () {
      for (const mangled of manglings(PETER_VERIFIER)) {
        expect(() => parseVerifierKey(mangled), mangled).to.throw(MalformedKey);
      }
      // A key of the wrong length and a key of an unknown type, each with a key ID that matches its bytes. (Go's
      // decoder takes the first despite the stray bits in its last character; ours refuses non-canonical base64.)
      expect(() => parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==')).to.throw(MalformedKey);
      expect(() => parseVerifierKey(`PeterNeumann+${keyIdHex(keyIdOfLongKey)}+${LONG_KEY}`)).to.throw(MalformedKey, '32 bytes');
      expect(() => parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).to.throw(MalformedKey, 'signature type 0x65');
    });

    it('refuse every truncation and every one-character change of a signer key (Go’s TestNewSigner)', function () {
      for (const mangled of manglings(PETER_SIGNER)) {
        expect(() => parseSignerKey(mangled), mangled).to.throw(MalformedKey);
      }
    });

    it('say what is wrong', function () {
      expect(() => parseVerifierKey('just-a-name')).to.throw(MalformedKey, 'a verifier key is <name>+<8 hex digits>+<base64 key>');
      expect(() => parseVerifierKey('two words+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).to.throw(MalformedKey, 'no spaces');
      expect(() => parseVerifierKey('PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).to.throw(MalformedKey, 'does not match');
      expect(() => generateNoteKey('has+plus')).to.throw(MalformedKey, 'no "+"');
    });

    it('generate key pairs that sign and verify, in the same encodings', function () {
      const { signerKey, verifierKey } = generateNoteKey('ledger.example/quanze');
      expect(signerKey).to.match(/^PRIVATE\+KEY\+ledger\.example\/quanze\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}$/);
      expect(verifierKey).to.match(/^ledger\.example\/quanze\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}$/);
      const note = signNote('hello\n', [parseSignerKey(signerKey)]);
      expect(verifyNote(note, [parseVerifierKey(verifierKey)]).text).to.equal('hello\n');
      expect(generateNoteKey('ledger.example/quanze').signerKey).not.to.equal(signerKey);
    });
  });

  describe('signing', function () {
    it('gives Go’s note byte for byte', function () {
      expect(signNote(TEXT, [parseSignerKey(PETER_SIGNER)])).to.equal(`${TEXT}\n${PETER_SIG}`);
    });

    it('replaces an earlier signature by the same key and keeps the others before the new ones', function () {
      const signer = parseSignerKey(PETER_SIGNER);
      const bad = { name: 'PeterNeumann', keyId: 0xc74f20a3, base64: 'x08goA==' };
      const other = { name: 'EnochRoot', keyId: 0xaf0cfe78, base64: ENOCH_SIG.slice('— EnochRoot '.length, -1) };
      expect(signNote(TEXT, [signer], [bad, other])).to.equal(`${TEXT}\n${ENOCH_SIG}${PETER_SIG}`);
    });

    it('refuses a text without its final newline, with a control character, or an existing signature that lies about its key', function () {
      const signer = parseSignerKey(PETER_SIGNER);
      expect(() => signNote('abc', [signer])).to.throw(MalformedNote, 'end with a newline');
      expect(() => signNote('a\tb\n', [signer])).to.throw(MalformedNote, 'U+0009');
      expect(() => signNote(TEXT, [signer], [{ name: 'EnochRoot', keyId: 1, base64: 'BADHASH=' }])).to.throw(MalformedNote);
      expect(() => signNote(TEXT, [])).to.throw(MalformedNote, 'at least one signature');
    });
  });

  describe('opening (Go’s TestOpen)', function () {
    const both = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;

    it('verifies the known key and sets the unknown one aside', function () {
      const note = verifyNote(both, [peter]);
      expect(note.text).to.equal(TEXT);
      expect(note.verified.map((s) => s.name)).to.deep.equal(['PeterNeumann']);
      expect(note.unverified.map((s) => [s.name, keyIdHex(s.keyId)])).to.deep.equal([['EnochRoot', 'af0cfe78']]);
    });

    it('verifies every known key', function () {
      expect(verifyNote(both, [peter, enoch]).verified.map((s) => s.name)).to.deep.equal(['PeterNeumann', 'EnochRoot']);
    });

    it('opens the note given as UTF-8 bytes', function () {
      expect(verifyNote(new TextEncoder().encode(both), [peter]).text).to.equal(TEXT);
    });

    it('refuses a note no known key signed', function () {
      expect(() => verifyNote(both, [])).to.throw(UnverifiedNote, 'PeterNeumann+c74f20a3, EnochRoot+af0cfe78');
    });

    it('ignores a key that shares only the name or only the key ID with a known one', function () {
      const sameNameOtherId = generateNoteKey('PeterNeumann');
      const note = signNote(TEXT, [parseSignerKey(sameNameOtherId.signerKey)]);
      expect(() => verifyNote(note, [peter])).to.throw(UnverifiedNote);
    });

    it('refuses the whole note when a known key’s signature fails', function () {
      const forged = `${TEXT}\n${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`;
      expect(() => verifyNote(forged, [peter])).to.throw(InvalidNoteSignature, 'PeterNeumann+c74f20a3');
      const otherText = `${TEXT.replace('answer', 'question')}\n${PETER_SIG}`;
      expect(() => verifyNote(otherText, [peter])).to.throw(InvalidNoteSignature);
    });

    it('drops repeated signatures, verified or not', function () {
      const enochForged = `${ENOCH_SIG.slice(0, 60)}ABCD${ENOCH_SIG.slice(60)}`;
      const note = verifyNote(`${TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}${enochForged}`, [peter]);
      expect(note.verified).to.have.length(1);
      expect(note.unverified).to.have.length(2);
    });

    it('refuses two configured verifiers with the same name and key ID, but only when one is needed', function () {
      expect(() => verifyNote(`${TEXT}\n${ENOCH_SIG}`, [enoch, peter, enoch])).to.throw(AmbiguousVerifiers);
      expect(verifyNote(`${TEXT}\n${PETER_SIG}`, [enoch, peter, enoch]).verified).to.have.length(1);
    });

    it('refuses more than 100 signatures', function () {
      expect(() => verifyNote(`${TEXT}\n${PETER_SIG.repeat(101)}`, [peter])).to.throw(MalformedNote, 'more than 100');
      expect(verifyNote(`${TEXT}\n${PETER_SIG.repeat(100)}`, [peter]).verified).to.have.length(1);
    });

    it('refuses malformed notes', function () {
      const malformed = [
        TEXT,
        `${TEXT}\n`,
        `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
        `\u0001${TEXT}\n${PETER_SIG}`,
        `${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
        `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
        `${TEXT}\n— PeterNeumann\n`,
        `${TEXT}\n— PeterNeumann AAAA\n`,
        `${TEXT}\n— PeterNeumann not base64!\n`,
        `${TEXT}\n- PeterNeumann ${PETER_SIG.slice('— PeterNeumann '.length)}`,
        `${TEXT}\r\n${PETER_SIG}`,
        `bad \ud800 text\n\n${PETER_SIG}`,
      ];
      for (const note of malformed) {
        expect(() => verifyNote(note, [peter]), JSON.stringify(note)).to.throw(MalformedNote);
      }
      expect(() => verifyNote(Uint8Array.of(0xff, ...new TextEncoder().encode(`${TEXT}\n${PETER_SIG}`)), [peter])).to.throw(
        MalformedNote,
        'not valid UTF-8',
      );
    });

    it('separates the text at the last blank line, so a text may hold blank lines of its own', function () {
      const signer = parseSignerKey(PETER_SIGNER);
      const text = 'first\n\nsecond\n\n';
      expect(verifyNote(signNote(text, [signer]), [peter]).text).to.equal(text);
    });
  });
});

describe('witness cosignatures (C2SP tlog-cosignature, Ed25519 v1)', function () {
  const checkpoint = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
  const log = generateNoteKey('example.com/behind-the-sofa');
  const witnessKey = generateNoteKey('witness.example.com/w1').signerKey;
  const at = new Date('2026-11-25T12:00:00.999Z');
  const witness = parseCosignerKey(witnessKey, () => at);
  const logVerifier = parseVerifierKey(log.verifierKey);

  it('sign the message the spec gives: header line, time line, then the checkpoint', function () {
    expect(new TextDecoder().decode(cosignedMessage(checkpoint, 1679315147))).to.equal(
      'cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n',
    );
  });

  it('read the timestamp of the spec’s example cosignature and of one made by Go (transparency-dev/formats’ TestCoSigV1Timestamp)', function () {
    const raw = fromBase64('ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==');
    expect(cosignatureTimestamp((raw as Uint8Array).subarray(4))).to.equal(1727964367);
    // The example cosignature of the spec itself carries the time of the spec's example message.
    const example = fromBase64('jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==');
    expect(cosignatureTimestamp((example as Uint8Array).subarray(4))).to.equal(1679315147);
    const plain = fromBase64('eQjRQm6eSKzFoiYalgwCPXu2y3ijtg68is9M46JKxuZB+dRfTmeQeDBoXnvxZx2ugnkyV+MUMLXpWs1hPb/W/4xkNQY=');
    expect(cosignatureTimestamp((plain as Uint8Array).subarray(4))).to.equal(undefined);
  });

  it('are added after the log’s signature and verified with the witness’s 0x04 key, giving the time', function () {
    const signed = signNote(checkpoint, [parseSignerKey(log.signerKey)]);
    const logSignatures = verifyNote(signed, [logVerifier]).verified;
    const cosigned = signNote(checkpoint, [witness], logSignatures);
    expect(cosigned.startsWith(signed)).to.equal(true);
    const witnessVerifier = parseVerifierKey(witness.verifierKey);
    expect(witnessVerifier.type).to.equal(SignatureType.cosignatureV1);
    const note = verifyNote(cosigned, [logVerifier, witnessVerifier]);
    expect(note.verified.map((s) => [s.name, s.timestamp])).to.deep.equal([
      ['example.com/behind-the-sofa', undefined],
      ['witness.example.com/w1', Math.floor(at.getTime() / 1000)],
    ]);
    // Timestamp (8) and signature (64) follow the key ID (4).
    expect(fromBase64(note.verified[1]?.base64 ?? '')).to.have.length(76);
  });

  it('are not mistaken for the same key’s plain signatures, nor the other way round', function () {
    const cosigned = signNote(checkpoint, [witness]);
    const plainVerifierOfWitness = parseVerifierKey(generateNoteKeyFrom(witnessKey));
    expect(() => verifyNote(cosigned, [plainVerifierOfWitness])).to.throw(UnverifiedNote);
  });

  it('fail when the time in them is changed', function () {
    const cosigned = signNote(checkpoint, [witness]);
    const [text, line = ''] = cosigned.split('\n— witness.example.com/w1 ');
    const raw = fromBase64(line.trim()) as Uint8Array;
    raw[11] = (raw[11] ?? 0) ^ 1;
    const tampered = `${text ?? ''}\n— witness.example.com/w1 ${Buffer.from(raw).toString('base64')}\n`;
    expect(() => verifyNote(tampered, [parseVerifierKey(witness.verifierKey)])).to.throw(InvalidNoteSignature);
  });
});

/** The plain (type 0x01) verifier key of a signer key. */
function generateNoteKeyFrom(signerKey: string): string {
  return parseSignerKey(signerKey).verifierKey;
}

/** Every proper substring and every one-character increment, as Go's tests mangle keys. */
function manglings(key: string): string[] {
  const out: string[] = [];
  for (let i = 0; i <= key.length; i++) {
    for (let j = i + 1; j <= key.length; j++) if (i !== 0 || j !== key.length) out.push(key.slice(i, j));
  }
  for (let i = 0; i < key.length; i++) out.push(key.slice(0, i) + String.fromCharCode(key.charCodeAt(i) + 1) + key.slice(i + 1));
  return out;
}
