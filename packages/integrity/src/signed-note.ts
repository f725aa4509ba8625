import { fromBase64, toBase64 } from './hashing.js';
import { KeyName, cosignatureTimestamp, keyIdHex, SignatureType, type NoteSigner, type NoteVerifier } from './note-keys.js';

/** The note breaks C2SP signed-note's syntax; `reason` says where. */
export class MalformedNote extends Error {
  readonly code = 'integrity.malformed-note';
  constructor(readonly reason: string) {
    super(`malformed note: ${reason}`);
    this.name = 'MalformedNote';
  }
}

/** A known key's signature fails: the whole note is refused (signed-note § Signatures: SHOULD reject). */
export class InvalidNoteSignature extends Error {
  readonly code = 'integrity.invalid-note-signature';
  constructor(
    readonly keyName: string,
    readonly keyId: number,
  ) {
    super(`the signature of ${keyName}+${keyIdHex(keyId)} does not verify`);
    this.name = 'InvalidNoteSignature';
  }
}

/** No signature by a known key: the text must be ignored (signed-note: MUST reject). */
export class UnverifiedNote extends Error {
  readonly code = 'integrity.unverified-note';
  constructor(readonly unverified: readonly NoteSignature[]) {
    super(
      unverified.length === 0
        ? 'the note has no signature by a known key'
        : `the note has no signature by a known key (only by ${unverified.map((s) => `${s.name}+${keyIdHex(s.keyId)}`).join(', ')})`,
    );
    this.name = 'UnverifiedNote';
  }
}

/** Two configured verifiers share a name and key ID, so a signature could not be attributed. */
export class AmbiguousVerifiers extends Error {
  readonly code = 'integrity.ambiguous-verifiers';
  constructor(
    readonly keyName: string,
    readonly keyId: number,
  ) {
    super(`more than one verifier key is configured as ${keyName}+${keyIdHex(keyId)}`);
    this.name = 'AmbiguousVerifiers';
  }
}

/** One signature line: `— <name> base64(key ID ‖ signature)`. */
export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  /** The base64 text as it stands in the note (key ID and signature together). */
  readonly base64: string;
}

export interface VerifiedSignature extends NoteSignature {
  readonly type: SignatureType;
  /** For a cosignature (type 0x04): when the witness made it, in seconds since the Unix epoch. */
  readonly timestamp?: number;
}

export interface VerifiedNote {
  /** The signed text, ending in its newline; only this is to be trusted. */
  readonly text: string;
  readonly verified: readonly VerifiedSignature[];
  /** Signatures by keys not among the verifiers given: ignored, as the spec requires, but kept for the record. */
  readonly unverified: readonly NoteSignature[];
}

const SIGNATURE_PREFIX = '— ';
/** Go's sumdb/note stops at 100 signatures; the spec asks for at least 16. */
export const MAX_NOTE_SIGNATURES = 100;

/**
 * Signs `text` (which must end in a newline) with each signer, after any signatures it already carries
 * (`existing`, e.g. the log's own when a witness adds its cosignature); an existing signature by the same key is
 * replaced. The output is byte for byte what Go's note.Sign writes.
 */
export function signNote(text: string, signers: readonly NoteSigner[], existing: readonly NoteSignature[] = []): string {
  checkNoteText(text);
  if (!text.endsWith('\n')) throw new MalformedNote('the text must end with a newline');
  const replaced = new Set(signers.map((signer) => `${signer.name}+${signer.keyId}`));
  const lines: string[] = [];
  for (const signature of existing) {
    if (replaced.has(`${signature.name}+${signature.keyId}`)) continue;
    const raw = fromBase64(signature.base64);
    if (!KeyName.safeParse(signature.name).success || raw === undefined || raw.length < 5 || readKeyId(raw) !== signature.keyId) {
      throw new MalformedNote(`the existing signature of ${signature.name} is malformed`);
    }
    lines.push(`${SIGNATURE_PREFIX}${signature.name} ${signature.base64}\n`);
  }
  for (const signer of signers) {
    if (!KeyName.safeParse(signer.name).success) throw new MalformedNote(`the signer name ${JSON.stringify(signer.name)} is not a key name`);
    const signature = signer.sign(text);
    const raw = new Uint8Array(4 + signature.length);
    new DataView(raw.buffer).setUint32(0, signer.keyId);
    raw.set(signature, 4);
    lines.push(`${SIGNATURE_PREFIX}${signer.name} ${toBase64(raw)}\n`);
  }
  if (lines.length === 0) throw new MalformedNote('a note needs at least one signature');
  return `${text}\n${lines.join('')}`;
}

/**
 * Opens a signed note the way C2SP signed-note and Go's note.Open do: the syntax is checked strictly, every
 * signature by a known key (same name and key ID) must verify, signatures by other keys are set aside, and at
 * least one known signature is required. Accepts the note as text or as its UTF-8 bytes (which must be valid).
 */
export function verifyNote(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): VerifiedNote {
  const message = typeof note === 'string' ? note : decodeUtf8(note);
  checkNoteText(message);
  const split = message.lastIndexOf('\n\n');
  if (split < 0) throw new MalformedNote('no blank line separates the text from the signatures');
  const text = message.slice(0, split + 1);
  let block = message.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n')) throw new MalformedNote('the signature lines must end with a newline');

  const verified: VerifiedSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seenKnown = new Set<string>();
  const seenUnknown = new Set<string>();
  let count = 0;
  while (block.length > 0) {
    const end = block.indexOf('\n');
    const line = block.slice(0, end);
    block = block.slice(end + 1);
    const signature = parseSignatureLine(line);
    if (++count > MAX_NOTE_SIGNATURES) throw new MalformedNote(`more than ${MAX_NOTE_SIGNATURES} signatures`);

    const candidates = verifiers.filter((v) => v.name === signature.name && v.keyId === signature.keyId);
    if (candidates.length > 1) throw new AmbiguousVerifiers(signature.name, signature.keyId);
    const verifier = candidates[0];
    if (verifier === undefined) {
      if (!seenUnknown.has(line)) unverified.push(signature);
      seenUnknown.add(line);
      continue;
    }
    // As Go does: a key's first signature is the one checked, repeats of it are dropped.
    const identity = `${signature.name}+${signature.keyId}`;
    if (seenKnown.has(identity)) continue;
    seenKnown.add(identity);
    const bytes = (fromBase64(signature.base64) as Uint8Array).subarray(4);
    if (!verifier.verify(text, bytes)) throw new InvalidNoteSignature(signature.name, signature.keyId);
    const timestamp = verifier.type === SignatureType.cosignatureV1 ? cosignatureTimestamp(bytes) : undefined;
    verified.push({ ...signature, type: verifier.type, ...(timestamp === undefined ? {} : { timestamp }) });
  }
  if (verified.length === 0) throw new UnverifiedNote(unverified);
  return { text, verified, unverified };
}

function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(SIGNATURE_PREFIX)) throw new MalformedNote(`a signature line must start with "— ": ${JSON.stringify(line)}`);
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  const name = space < 0 ? rest : rest.slice(0, space);
  const base64 = space < 0 ? '' : rest.slice(space + 1);
  if (!KeyName.safeParse(name).success) throw new MalformedNote(`the key name ${JSON.stringify(name)} is not a key name`);
  const raw = fromBase64(base64);
  if (raw === undefined || raw.length < 5) throw new MalformedNote(`the signature of ${name} is not base64 of a key ID and a signature`);
  return { name, keyId: readKeyId(raw), base64 };
}

function readKeyId(raw: Uint8Array): number {
  return new DataView(raw.buffer, raw.byteOffset, 4).getUint32(0);
}

/** signed-note § Format: valid UTF-8, and no ASCII control character but the newline. */
function checkNoteText(text: string): void {
  if (/\p{Surrogate}/u.test(text)) throw new MalformedNote('the note is not well-formed Unicode');
  const at = controlCharacterAt(text, { newlineAllowed: true });
  if (at >= 0) {
    throw new MalformedNote(`control character U+${text.charCodeAt(at).toString(16).padStart(4, '0').toUpperCase()} at ${at}`);
  }
}

/** Where the first character below U+0020 is (-1 if none). */
export function controlCharacterAt(text: string, { newlineAllowed }: { newlineAllowed: boolean }): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && !(newlineAllowed && code === 0x0a)) return i;
  }
  return -1;
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (error) {
    throw new MalformedNote(`the note is not valid UTF-8 (${error instanceof Error ? error.message : String(error)})`);
  }
}
