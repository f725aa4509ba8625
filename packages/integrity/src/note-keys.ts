import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { fromBase64, sha256, toBase64 } from './hashing.js';

/**
 * Signature type bytes of C2SP signed-note (§ Signature types). Only the two Ed25519 ones are spoken here:
 * plain note signatures (the log's) and timestamped cosignatures (a witness's, C2SP tlog-cosignature).
 */
export const SignatureType = { ed25519: 0x01, cosignatureV1: 0x04 } as const;
export type SignatureType = (typeof SignatureType)[keyof typeof SignatureType];

export class MalformedKey extends Error {
  readonly code = 'integrity.malformed-key';
  constructor(readonly reason: string) {
    super(`not a usable note key: ${reason}`);
    this.name = 'MalformedKey';
  }
}

/**
 * A key name (signed-note § Format): non-empty, no Unicode white space, no "+". Go's sumdb/note tests
 * unicode.IsSpace, which is exactly the White_Space property.
 */
export const KeyName = z
  .string()
  .min(1, 'a key name must not be empty')
  .refine((name) => !/[\p{White_Space}+]/u.test(name), 'a key name must contain no spaces and no "+"')
  .refine((name) => !/\p{Surrogate}/u.test(name), 'a key name must be well-formed Unicode');

// Go parses the key ID with strconv.ParseUint(…, 16, 32) after checking for 8 characters, so either case is a key
// ID; we always write lowercase.
const VerifierKeyPattern = /^([^+]*)\+([0-9a-fA-F]{8})\+([\s\S]*)$/;
const SignerKeyPattern = /^PRIVATE\+KEY\+([^+]*)\+([0-9a-fA-F]{8})\+([\s\S]*)$/;
const VerifierKeyText = z.string().regex(VerifierKeyPattern, 'a verifier key is <name>+<8 hex digits>+<base64 key>');
const SignerKeyText = z.string().regex(SignerKeyPattern, 'a signer key is PRIVATE+KEY+<name>+<8 hex digits>+<base64 key>');

/** Checks what comes in from outside (configuration, files, requests) and names what is wrong. */
function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new MalformedKey(result.error.issues.map((issue) => issue.message).join('; '));
  return result.data;
}

/** signed-note: key ID = the first four bytes, big-endian, of SHA-256(name ‖ 0x0A ‖ type ‖ public key). */
export function keyId(name: string, type: SignatureType, publicKey: Uint8Array): number {
  const digest = sha256(new TextEncoder().encode(`${name}\n`), Uint8Array.of(type), publicKey);
  return new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0);
}

export function keyIdHex(id: number): string {
  return id.toString(16).padStart(8, '0');
}

/** What checks signatures of one key: the log's public key, or a witness's. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  readonly type: SignatureType;
  readonly publicKey: Uint8Array;
  /** The verifier key text, `<name>+<key ID>+base64(type ‖ public key)`. */
  readonly verifierKey: string;
  /** Checks the signature bytes after the key ID against the note text. */
  verify(text: string, signature: Uint8Array): boolean;
}

/** What signs with one key. */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  readonly type: SignatureType;
  readonly verifierKey: string;
  /** The signature bytes that follow the key ID, over the note text. */
  sign(text: string): Uint8Array;
}

/**
 * A new Ed25519 key for a log, in Go's sumdb/note encodings: the signer key
 * `PRIVATE+KEY+<name>+<key ID>+base64(0x01 ‖ 32-byte seed)`, kept secret, and the verifier key
 * `<name>+<key ID>+base64(0x01 ‖ 32-byte public key)`, given to everyone who checks checkpoints.
 */
export function generateNoteKey(name: string): { signerKey: string; verifierKey: string } {
  parseOrThrow(KeyName, name);
  const { privateKey } = generateKeyPairSync('ed25519');
  const seed = seedOf(privateKey);
  const signerKey = formatSignerKey(name, seed);
  return { signerKey, verifierKey: parseSignerKey(signerKey).verifierKey };
}

export function formatSignerKey(name: string, seed: Uint8Array): string {
  parseOrThrow(KeyName, name);
  if (seed.length !== 32) throw new MalformedKey(`an Ed25519 seed has 32 bytes, not ${seed.length}`);
  const publicKey = publicKeyOf(privateKeyFromSeed(seed));
  const id = keyId(name, SignatureType.ed25519, publicKey);
  return `PRIVATE+KEY+${name}+${keyIdHex(id)}+${toBase64(Uint8Array.of(SignatureType.ed25519, ...seed))}`;
}

export function formatVerifierKey(name: string, type: SignatureType, publicKey: Uint8Array): string {
  parseOrThrow(KeyName, name);
  if (publicKey.length !== 32) throw new MalformedKey(`an Ed25519 public key has 32 bytes, not ${publicKey.length}`);
  return `${name}+${keyIdHex(keyId(name, type, publicKey))}+${toBase64(Uint8Array.of(type, ...publicKey))}`;
}

/** Reads a verifier key of type 0x01 (a log) or 0x04 (a witness), checking its key ID against its name and key. */
export function parseVerifierKey(text: string): NoteVerifier {
  const [, name = '', idHex = '', key64 = ''] = parseOrThrow(VerifierKeyText, text).match(VerifierKeyPattern) ?? [];
  parseOrThrow(KeyName, name);
  const key = fromBase64(key64);
  if (key === undefined || key.length === 0) throw new MalformedKey('the key is not standard padded base64');
  const type = key[0];
  const publicKey = key.subarray(1);
  if (type !== SignatureType.ed25519 && type !== SignatureType.cosignatureV1) {
    throw new MalformedKey(`signature type 0x${(type ?? 0).toString(16).padStart(2, '0')} is not one this ledger verifies`);
  }
  if (publicKey.length !== 32) throw new MalformedKey(`an Ed25519 public key has 32 bytes, not ${publicKey.length}`);
  const id = keyId(name, type, publicKey);
  if (id !== Number.parseInt(idHex, 16)) throw new MalformedKey(`the key ID ${idHex} does not match the name and key`);
  const keyObject = publicKeyFromBytes(publicKey);
  return {
    name,
    keyId: id,
    type,
    publicKey,
    verifierKey: formatVerifierKey(name, type, publicKey),
    verify:
      type === SignatureType.ed25519
        ? (noteText, signature) => verify(null, new TextEncoder().encode(noteText), keyObject, signature)
        : (noteText, signature) => verifyTimestamped(noteText, signature, keyObject),
  };
}

/** Reads a log's signer key (type 0x01); the key ID must match the public key derived from the seed. */
export function parseSignerKey(text: string): NoteSigner {
  const { name, seed } = readSignerKey(text);
  const privateKey = privateKeyFromSeed(seed);
  const publicKey = publicKeyOf(privateKey);
  return {
    name,
    keyId: keyId(name, SignatureType.ed25519, publicKey),
    type: SignatureType.ed25519,
    verifierKey: formatVerifierKey(name, SignatureType.ed25519, publicKey),
    sign: (noteText) => new Uint8Array(sign(null, new TextEncoder().encode(noteText), privateKey)),
  };
}

/**
 * A witness's cosigner (C2SP tlog-cosignature, Ed25519 v1) from an ordinary signer key, as Go's
 * transparency-dev/formats does: the same seed, but key ID and verifier key use type 0x04, and each signature
 * carries the time it was made, read from `clock` (seconds since the Unix epoch, rounded down).
 */
export function parseCosignerKey(text: string, clock: () => Date): NoteSigner {
  const { name, seed } = readSignerKey(text);
  const privateKey = privateKeyFromSeed(seed);
  const publicKey = publicKeyOf(privateKey);
  return {
    name,
    keyId: keyId(name, SignatureType.cosignatureV1, publicKey),
    type: SignatureType.cosignatureV1,
    verifierKey: formatVerifierKey(name, SignatureType.cosignatureV1, publicKey),
    sign(noteText) {
      const timestamp = Math.floor(clock().getTime() / 1000);
      if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new MalformedKey(`the clock gave an unusable time ${timestamp}`);
      const signature = sign(null, cosignedMessage(noteText, timestamp), privateKey);
      const out = new Uint8Array(8 + signature.length);
      new DataView(out.buffer).setBigUint64(0, BigInt(timestamp));
      out.set(signature, 8);
      return out;
    },
  };
}

/** The timestamp of a v1 cosignature's bytes (after the key ID), in seconds since the Unix epoch. */
export function cosignatureTimestamp(signature: Uint8Array): number | undefined {
  if (signature.length !== 8 + 64) return undefined;
  const timestamp = new DataView(signature.buffer, signature.byteOffset, 8).getBigUint64(0);
  // u64 on the wire, at most 2^63 - 1 by the spec, and a JavaScript number here: anything past 2^53 is refused.
  return timestamp <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(timestamp) : undefined;
}

/** tlog-cosignature § Ed25519 signed message: "cosignature/v1\ntime <t>\n" then the checkpoint's note text. */
export function cosignedMessage(noteText: string, timestamp: number): Uint8Array {
  return new TextEncoder().encode(`cosignature/v1\ntime ${timestamp}\n${noteText}`);
}

function verifyTimestamped(noteText: string, signature: Uint8Array, key: KeyObject): boolean {
  const timestamp = cosignatureTimestamp(signature);
  if (timestamp === undefined) return false;
  return verify(null, cosignedMessage(noteText, timestamp), key, signature.subarray(8));
}

function readSignerKey(text: string): { name: string; seed: Uint8Array } {
  const [, name = '', idHex = '', key64 = ''] = parseOrThrow(SignerKeyText, text).match(SignerKeyPattern) ?? [];
  parseOrThrow(KeyName, name);
  const key = fromBase64(key64);
  if (key === undefined || key.length === 0) throw new MalformedKey('the key is not standard padded base64');
  if (key[0] !== SignatureType.ed25519) throw new MalformedKey('a signer key must be an Ed25519 key (type 0x01)');
  const seed = key.subarray(1);
  if (seed.length !== 32) throw new MalformedKey(`an Ed25519 seed has 32 bytes, not ${seed.length}`);
  const publicKey = publicKeyOf(privateKeyFromSeed(seed));
  if (keyId(name, SignatureType.ed25519, publicKey) !== Number.parseInt(idHex, 16)) {
    throw new MalformedKey(`the key ID ${idHex} does not match the name and key`);
  }
  return { name, seed };
}

// DER headers of PKCS #8 and SPKI for Ed25519 (RFC 8410): Node's crypto takes raw keys only wrapped in them.
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

function privateKeyFromSeed(seed: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' });
}

function publicKeyFromBytes(publicKey: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519, publicKey]), format: 'der', type: 'spki' });
}

function publicKeyOf(privateKey: KeyObject): Uint8Array {
  return new Uint8Array(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519.length));
}

function seedOf(privateKey: KeyObject): Uint8Array {
  return new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_ED25519.length));
}
