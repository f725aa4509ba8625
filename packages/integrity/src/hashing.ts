import { createHash, hash } from 'node:crypto';

/** Every hash of the log is SHA-256: 32 bytes. */
export const HASH_SIZE = 32;

/** MTH({}) = SHA-256 of the empty string (RFC 9162 §2.1.1): the root of the empty log. */
export const EMPTY_ROOT: Uint8Array = sha256();

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

export function sha256(...parts: readonly Uint8Array[]): Uint8Array {
  const digest = createHash('sha256');
  for (const part of parts) digest.update(part);
  return new Uint8Array(digest.digest());
}

/** SHA-256 of a string's UTF-8 bytes, in one call (`crypto.hash` encodes and hashes without a Hash object). */
export function sha256Text(text: string): Uint8Array {
  return asBytes(hash('sha256', text, 'buffer'));
}

/** RFC 9162 §2.1.1: a leaf's hash is SHA-256(0x00 ‖ entry); the prefix keeps leaves and nodes apart. */
export function leafHash(entry: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + entry.length);
  input[0] = LEAF_PREFIX[0] as number;
  input.set(entry, 1);
  return asBytes(hash('sha256', input, 'buffer'));
}

/** RFC 9162 §2.1.1: an interior node's hash is SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + left.length + right.length);
  input[0] = NODE_PREFIX[0] as number;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return asBytes(hash('sha256', input, 'buffer'));
}

/** A plain Uint8Array over a Buffer's bytes, no copy: hashes compare equal whichever function made them. */
function asBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * Standard base64 (RFC 4648 §4) with padding, decoded strictly: Node's decoder skips characters it does not know
 * and accepts missing padding, so a text is accepted only when encoding its bytes gives the same text back.
 */
export function fromBase64(text: string): Uint8Array | undefined {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? new Uint8Array(bytes) : undefined;
}
