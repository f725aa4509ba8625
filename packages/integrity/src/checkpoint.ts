import { z } from 'zod';
import { HASH_SIZE, fromBase64, toBase64 } from './hashing.js';
import type { NoteSigner, NoteVerifier } from './note-keys.js';
import { controlCharacterAt, signNote, verifyNote, type VerifiedNote } from './signed-note.js';

/** A tree head as C2SP tlog-checkpoint states it: which log, how many leaves, and their root. */
export interface Checkpoint {
  /** The log's identity, e.g. `ledger.example.gov.cn/quanze`; the log's key name should be the same. */
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  /** Opaque further lines, none by default (the spec does not recommend them: monitors cannot audit them). */
  readonly extensions?: readonly string[];
}

export class MalformedCheckpoint extends Error {
  readonly code = 'integrity.malformed-checkpoint';
  constructor(readonly reason: string) {
    super(`malformed checkpoint: ${reason}`);
    this.name = 'MalformedCheckpoint';
  }
}

/** A checkpoint line: non-empty, and nothing a signed note forbids (no control characters, no lone surrogates). */
const Line = (what: string) =>
  z
    .string()
    .min(1, `the ${what} must not be empty`)
    .refine((line) => controlCharacterAt(line, { newlineAllowed: false }) < 0, `the ${what} must not contain a newline or control character`)
    .refine((line) => !/\p{Surrogate}/u.test(line), `the ${what} must be well-formed Unicode`);

const TreeSize = z
  .string()
  .regex(/^(?:0|[1-9][0-9]*)$/, 'the tree size is a decimal number without leading zeros')
  .transform(Number)
  .refine(Number.isSafeInteger, 'the tree size is larger than this implementation can count (2^53 - 1)');

const CheckpointInput = z.object({
  origin: Line('origin'),
  size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  rootHash: z.instanceof(Uint8Array).refine((hash) => hash.length === HASH_SIZE, `the root hash has ${HASH_SIZE} bytes`),
  extensions: z.array(Line('extension line')).optional(),
});

function fail(error: z.ZodError): never {
  throw new MalformedCheckpoint(error.issues.map((issue) => issue.message).join('; '));
}

/** The checkpoint's note text (tlog-checkpoint § Note text): origin, size, base64 root, extensions, each with "\n". */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const parsed = CheckpointInput.safeParse(checkpoint);
  if (!parsed.success) fail(parsed.error);
  const { origin, size, rootHash, extensions = [] } = parsed.data;
  return [origin, String(size), toBase64(rootHash), ...extensions].map((line) => `${line}\n`).join('');
}

/** Reads a checkpoint's note text strictly: three lines at least, a canonical size, a 32-byte standard-base64 root. */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new MalformedCheckpoint('the text must end with a newline');
  const [origin = '', sizeText = '', rootText = '', ...extensions] = text.slice(0, -1).split('\n');
  if (text.split('\n').length - 1 < 3) throw new MalformedCheckpoint('a checkpoint has at least three lines: origin, size and root hash');
  const originResult = Line('origin').safeParse(origin);
  if (!originResult.success) fail(originResult.error);
  const size = TreeSize.safeParse(sizeText);
  if (!size.success) fail(size.error);
  const rootHash = fromBase64(rootText);
  if (rootHash?.length !== HASH_SIZE) throw new MalformedCheckpoint(`the root hash is not standard base64 of ${HASH_SIZE} bytes`);
  const lines = z.array(Line('extension line')).safeParse(extensions);
  if (!lines.success) fail(lines.error);
  return { origin, size: size.data, rootHash, extensions };
}

/** Signs a checkpoint as a signed note (the log's key name should equal the origin). */
export function signCheckpoint(checkpoint: Checkpoint, signers: readonly NoteSigner[]): string {
  return signNote(formatCheckpoint(checkpoint), signers);
}

export interface VerifiedCheckpoint {
  readonly checkpoint: Checkpoint;
  readonly note: VerifiedNote;
}

/**
 * Opens a signed checkpoint: the note's signatures first (only a verified text is read at all), then its body.
 * With `origin`, a checkpoint of another log is refused even when a known key signed it.
 */
export function verifyCheckpoint(
  signedNote: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
  options: { origin?: string } = {},
): VerifiedCheckpoint {
  const note = verifyNote(signedNote, verifiers);
  const checkpoint = parseCheckpoint(note.text);
  if (options.origin !== undefined && checkpoint.origin !== options.origin) {
    throw new MalformedCheckpoint(`the checkpoint is of ${JSON.stringify(checkpoint.origin)}, not ${JSON.stringify(options.origin)}`);
  }
  return { checkpoint, note };
}
