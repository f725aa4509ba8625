import { verifyCheckpoint, type Checkpoint } from '../checkpoint.js';
import { fromBase64 } from '../hashing.js';
import { SignatureType, keyIdHex, parseVerifierKey, type NoteVerifier } from '../note-keys.js';
import { cosignatureTimestamp } from '../note-keys.js';
import { InvalidNoteSignature, MalformedNote, UnverifiedNote, verifyNote } from '../signed-note.js';
import { TLOG_SIZE_CONTENT_TYPE, formatAddCheckpointBody, parseTreeSize } from './protocol.js';

export interface SubmitToWitnessOptions {
  /** The witness's submission prefix, e.g. `https://witness.procuratorate.example/quanze`; `/add-checkpoint` is added. */
  readonly url: string;
  /** The witness's verifier key (type 0x04): only cosignatures that verify with it are returned. */
  readonly witnessKey: string;
  /** The checkpoint signed by the log (any cosignatures it already carries are sent along; the spec allows it). */
  readonly checkpointNote: string;
  /** The size of the checkpoint this witness cosigned last, as far as the caller knows; 0 when it never did. */
  readonly oldSize: number;
  /** Consistency proof from `oldSize` to the checkpoint's size (empty from 0). */
  readonly consistencyProof: readonly Uint8Array[];
  readonly fetch?: typeof fetch;
  readonly signal?: AbortSignal;
}

/**
 * The witness has cosigned a different size than the caller thought (409, `text/x.tlog.size`): ask again with a
 * consistency proof from `witnessSize`. Not a failure of either side; the usual state of a first contact.
 */
export class WitnessStale extends Error {
  readonly code = 'witness.stale';
  readonly retriable = true;
  constructor(
    readonly url: string,
    readonly witnessSize: number,
  ) {
    super(`the witness at ${url} has cosigned size ${witnessSize}: submit again from there`);
    this.name = 'WitnessStale';
  }
}

/**
 * The witness refused the checkpoint for good (400, 403, 404, 409 with another root, 422): retrying the same
 * request cannot help. A 409 or 422 from a witness that follows this log means it saw another history: alarm.
 */
export class WitnessRefused extends Error {
  readonly code = 'witness.refused';
  readonly retriable = false;
  constructor(
    readonly url: string,
    readonly status: number,
    /** The witness's reason code when it gave one (a Quanze witness does), e.g. `witness.conflicting-checkpoint`. */
    readonly reasonCode: string | undefined,
    readonly detail: string,
  ) {
    super(`the witness at ${url} refused the checkpoint (${status}${reasonCode === undefined ? '' : ` ${reasonCode}`}): ${detail}`);
    this.name = 'WitnessRefused';
  }
}

/** The witness could not be reached, failed (5xx), or said something this client cannot use: try later. */
export class WitnessUnavailable extends Error {
  readonly code = 'witness.unavailable';
  readonly retriable = true;
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`the witness at ${url} did not cosign: ${reason}`);
    this.name = 'WitnessUnavailable';
  }
}

/**
 * Submits a signed checkpoint to a witness (C2SP tlog-witness add-checkpoint) and returns its cosignature lines
 * (`— <name> <base64>`, without the newline), each verified with `witnessKey` against the checkpoint: lines of
 * other keys are dropped, as the spec requires, and an answer with no valid cosignature is refused. Add them to the
 * note with `addCosignatures`.
 */
export async function submitToWitness(options: SubmitToWitnessOptions): Promise<string[]> {
  const witness = parseVerifierKey(options.witnessKey);
  if (witness.type !== SignatureType.cosignatureV1) throw new WitnessUnavailable(options.url, 'the witness key is not a cosignature key (type 0x04)');
  const text = noteText(options.checkpointNote);
  const body = formatAddCheckpointBody({
    oldSize: options.oldSize,
    consistencyProof: options.consistencyProof,
    checkpointNote: options.checkpointNote,
  });
  const endpoint = `${options.url.replace(/\/+$/, '')}/add-checkpoint`;
  const fetchImpl = options.fetch ?? fetch;
  let response: Response;
  let answer: string;
  try {
    response = await fetchImpl(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      body,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    answer = await response.text();
  } catch (error) {
    throw new WitnessUnavailable(options.url, error instanceof Error ? error.message : String(error));
  }

  if (response.status === 409 && mediaType(response) === TLOG_SIZE_CONTENT_TYPE) {
    const size = answer.endsWith('\n') ? parseTreeSize(answer.slice(0, -1)) : undefined;
    if (size === undefined) throw new WitnessUnavailable(options.url, `a 409 whose body is not a tree size: ${JSON.stringify(answer.slice(0, 40))}`);
    throw new WitnessStale(options.url, size);
  }
  if (response.status >= 400 && response.status < 500) {
    const { code, detail } = problemOf(answer);
    throw new WitnessRefused(options.url, response.status, code, detail);
  }
  if (response.status !== 200) throw new WitnessUnavailable(options.url, `HTTP ${response.status}`);
  return verifiedLines(options.url, text, answer, witness);
}

/** The note with the cosignature lines added after its signatures (a line it already has is not repeated). */
export function addCosignatures(checkpointNote: string, lines: readonly string[]): string {
  const present = new Set(checkpointNote.slice(noteText(checkpointNote).length + 1).split('\n'));
  const added = lines.filter((line, i) => !present.has(line) && lines.indexOf(line) === i);
  return `${checkpointNote}${added.map((line) => `${line}\n`).join('')}`;
}

function verifiedLines(url: string, text: string, answer: string, witness: NoteVerifier): string[] {
  if (answer === '' || !answer.endsWith('\n')) throw new WitnessUnavailable(url, 'the answer is not signature lines ending in a newline');
  try {
    const note = verifyNote(`${text}\n${answer}`, [witness]);
    return note.verified.map((signature) => `— ${signature.name} ${signature.base64}`);
  } catch (error) {
    if (error instanceof MalformedNote || error instanceof UnverifiedNote || error instanceof InvalidNoteSignature) {
      throw new WitnessUnavailable(url, `the answer holds no valid cosignature by ${witness.verifierKey}: ${error.message}`);
    }
    throw error;
  }
}

function noteText(note: string): string {
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new MalformedNote('no blank line separates the text from the signatures');
  return note.slice(0, split + 1);
}

function mediaType(response: Response): string {
  return (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function problemOf(answer: string): { code: string | undefined; detail: string } {
  try {
    const parsed: unknown = JSON.parse(answer);
    if (typeof parsed === 'object' && parsed !== null) {
      const { code, detail, title } = parsed as Record<string, unknown>;
      const text = typeof detail === 'string' ? detail : typeof title === 'string' ? title : answer;
      return { code: typeof code === 'string' ? code : undefined, detail: text };
    }
  } catch {
    // Another witness implementation may answer in plain text: its words are the detail.
  }
  return { code: undefined, detail: answer.trim().slice(0, 500) };
}

// ---------------------------------------------------------------------------------------------------------------

export interface CosignaturePolicy {
  /** The log's verifier key(s) (type 0x01); at least one must have signed the checkpoint. */
  readonly logKey: string | readonly string[];
  /** Verifier keys (type 0x04) of the witnesses this verifier trusts. */
  readonly witnesses: readonly string[];
  /** How many distinct trusted witnesses must have cosigned this very checkpoint. */
  readonly quorum: number;
  /** The log's origin, when it differs from its key name (by default the log key's name is required). */
  readonly origin?: string;
}

export interface Cosigner {
  readonly verifierKey: string;
  /** When it cosigned, seconds since the Unix epoch. */
  readonly timestamp: number;
}

export interface CosignedCheckpoint {
  readonly checkpoint: Checkpoint;
  /** The trusted witnesses whose cosignature verifies, one entry per witness. */
  readonly cosigners: readonly Cosigner[];
}

/** Fewer trusted witnesses cosigned the checkpoint than the verifier requires. */
export class QuorumNotMet extends Error {
  readonly code = 'witness.quorum-not-met';
  constructor(
    readonly required: number,
    readonly cosigners: readonly Cosigner[],
  ) {
    super(`${cosigners.length} of the trusted witnesses cosigned the checkpoint, ${required} are required`);
    this.name = 'QuorumNotMet';
  }
}

/** The policy itself cannot be met or is not one (a witness key of the wrong type, a quorum above the witnesses). */
export class InvalidCosignaturePolicy extends Error {
  readonly code = 'witness.invalid-policy';
  constructor(readonly reason: string) {
    super(`invalid cosignature policy: ${reason}`);
    this.name = 'InvalidCosignaturePolicy';
  }
}

/**
 * Opens a checkpoint that must be signed by its log and cosigned by at least `quorum` distinct trusted witnesses.
 * A witness counts once however many of its lines the note carries, and only if a line of it verifies over this
 * checkpoint's text (a cosignature copied from another checkpoint does not). The log's signature follows
 * `verifyCheckpoint` (a failing signature of the log's key refuses the note); cosignatures that fail are merely
 * not counted, so one bad witness cannot make a checkpoint unusable for others.
 */
export function verifyCosigned(note: string | Uint8Array, policy: CosignaturePolicy): CosignedCheckpoint {
  const logKeys = typeof policy.logKey === 'string' ? [policy.logKey] : policy.logKey;
  const logVerifiers = logKeys.map(parseVerifierKey);
  if (logVerifiers.length === 0 || logVerifiers.some((v) => v.type !== SignatureType.ed25519)) {
    throw new InvalidCosignaturePolicy('a log key is an Ed25519 note key (type 0x01)');
  }
  const witnesses: NoteVerifier[] = [];
  for (const key of policy.witnesses) {
    const witness = parseVerifierKey(key);
    if (witness.type !== SignatureType.cosignatureV1) {
      throw new InvalidCosignaturePolicy(`${witness.name}+${keyIdHex(witness.keyId)} is not a witness key (type 0x04)`);
    }
    if (!witnesses.some((known) => known.verifierKey === witness.verifierKey)) witnesses.push(witness);
  }
  if (!Number.isSafeInteger(policy.quorum) || policy.quorum < 0 || policy.quorum > witnesses.length) {
    throw new InvalidCosignaturePolicy(`a quorum is a whole number from 0 to the ${witnesses.length} distinct witnesses, not ${policy.quorum}`);
  }

  const origin = policy.origin ?? logVerifiers[0]?.name;
  const opened = verifyCheckpoint(note, logVerifiers, origin === undefined ? {} : { origin });
  const text = opened.note.text;
  const cosigners: Cosigner[] = [];
  for (const witness of witnesses) {
    for (const signature of opened.note.unverified) {
      if (signature.name !== witness.name || signature.keyId !== witness.keyId) continue;
      const bytes = (fromBase64(signature.base64) as Uint8Array).subarray(4);
      const timestamp = cosignatureTimestamp(bytes);
      if (timestamp === undefined || !witness.verify(text, bytes)) continue;
      cosigners.push({ verifierKey: witness.verifierKey, timestamp });
      break;
    }
  }
  if (cosigners.length < policy.quorum) throw new QuorumNotMet(policy.quorum, cosigners);
  return { checkpoint: opened.checkpoint, cosigners };
}
