import { HASH_SIZE, fromBase64, toBase64 } from './hashing.js';
import type { NoteVerifier } from './note-keys.js';
import { verifyCheckpoint, type VerifiedCheckpoint } from './checkpoint.js';
import { verifyInclusion } from './proofs.js';

/** C2SP tlog-proof's first line, which also names the version of the format. */
export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';

export class MalformedTlogProof extends Error {
  readonly code = 'integrity.malformed-tlog-proof';
  constructor(readonly reason: string) {
    super(`malformed tlog-proof: ${reason}`);
    this.name = 'MalformedTlogProof';
  }
}

/**
 * An offline-verifiable proof that one entry is in a log (C2SP tlog-proof): its index, its inclusion proof, and
 * the signed checkpoint (with any witness cosignatures) the proof leads to.
 */
export interface TlogProof {
  readonly index: number;
  readonly proof: readonly Uint8Array[];
  /** The signed note of the checkpoint, verbatim. */
  readonly signedCheckpoint: string;
  /** Opaque, unauthenticated data for the application; never to be trusted for what it says. */
  readonly extra?: Uint8Array;
}

/**
 * `c2sp.org/tlog-proof@v1`, an optional `extra <base64>` line, `index <n>`, one base64 hash per line from the
 * leaf's sibling upward, a blank line, then the signed checkpoint as it was signed.
 */
export function formatTlogProof({ index, proof, signedCheckpoint, extra }: TlogProof): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new MalformedTlogProof(`the index must be a whole number, got ${String(index)}`);
  proof.forEach((hash, i) => {
    if (hash.length !== HASH_SIZE) throw new MalformedTlogProof(`proof hash ${i} has ${hash.length} bytes, not ${HASH_SIZE}`);
  });
  if (extra?.length === 0) throw new MalformedTlogProof('extra data, when given, must not be empty');
  const lines = [
    TLOG_PROOF_HEADER,
    ...(extra === undefined ? [] : [`extra ${toBase64(extra)}`]),
    `index ${index}`,
    ...proof.map(toBase64),
    '',
  ];
  return `${lines.join('\n')}\n${signedCheckpoint}`;
}

/** Reads a tlog-proof strictly; the checkpoint is returned as text, still to be verified. */
export function parseTlogProof(text: string): TlogProof {
  const lines = text.split('\n');
  let at = 0;
  const next = (): string | undefined => lines[at++];
  if (next() !== TLOG_PROOF_HEADER) throw new MalformedTlogProof(`the first line must be ${TLOG_PROOF_HEADER}`);
  let line = next();
  let extra: Uint8Array | undefined;
  if (line?.startsWith('extra ')) {
    extra = fromBase64(line.slice('extra '.length));
    if (extra === undefined || extra.length === 0) throw new MalformedTlogProof('the extra data is not standard base64 of at least one byte');
    line = next();
  }
  const index = /^index (0|[1-9][0-9]*)$/.exec(line ?? '')?.[1];
  if (index === undefined || !Number.isSafeInteger(Number(index))) {
    throw new MalformedTlogProof('an "index <n>" line must follow, n a decimal number without leading zeros up to 2^53 - 1');
  }
  const proof: Uint8Array[] = [];
  for (line = next(); line !== undefined && line !== ''; line = next()) {
    const hash = fromBase64(line);
    if (hash?.length !== HASH_SIZE) throw new MalformedTlogProof(`proof line ${proof.length} is not standard base64 of ${HASH_SIZE} bytes`);
    proof.push(hash);
  }
  if (line === undefined) throw new MalformedTlogProof('a blank line must separate the proof from the checkpoint');
  const signedCheckpoint = lines.slice(at).join('\n');
  if (signedCheckpoint.length === 0) throw new MalformedTlogProof('the signed checkpoint is missing');
  return { index: Number(index), proof, signedCheckpoint, ...(extra === undefined ? {} : { extra }) };
}

/**
 * Checks a tlog-proof for the entry whose leaf hash is `leafHash`, trusting nothing in it but what the given keys
 * signed: the checkpoint must be of `origin` and signed by one of `verifiers`, and the inclusion proof must lead
 * from the leaf at the stated index to that checkpoint's root at that checkpoint's size.
 */
export function verifyTlogProof(
  text: string,
  leafHash: Uint8Array,
  verifiers: readonly NoteVerifier[],
  options: { origin: string },
): VerifiedCheckpoint & { index: number; extra?: Uint8Array } {
  const parsed = parseTlogProof(text);
  const verified = verifyCheckpoint(parsed.signedCheckpoint, verifiers, { origin: options.origin });
  verifyInclusion(parsed.index, verified.checkpoint.size, leafHash, parsed.proof, verified.checkpoint.rootHash);
  return { ...verified, index: parsed.index, ...(parsed.extra === undefined ? {} : { extra: parsed.extra }) };
}
