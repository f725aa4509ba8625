import { parseCheckpoint, verifyCheckpoint, MalformedCheckpoint, type Checkpoint } from '../checkpoint.js';
import { EMPTY_ROOT, equalBytes, toBase64 } from '../hashing.js';
import { SignatureType, parseCosignerKey, parseVerifierKey, type NoteVerifier } from '../note-keys.js';
import { InvalidProof, verifyConsistency } from '../proofs.js';
import { InvalidNoteSignature, MalformedNote, UnverifiedNote, signNote } from '../signed-note.js';
import { MalformedAddCheckpoint, parseAddCheckpointBody } from './protocol.js';
import type { WitnessStateStore } from './state-store.js';

/** A log the witness follows: its origin line and the key(s) it signs checkpoints with (two while rotating). */
export interface WitnessedLogConfig {
  readonly origin: string;
  readonly verifierKeys: readonly string[];
}

/** Structured logging, pino-shaped: the fields first, then the message. */
export interface WitnessLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface WitnessConfig {
  /** The witness's own key, `PRIVATE+KEY+<name>+…` (Ed25519); it cosigns as `<name>` with key type 0x04. */
  readonly signerKey: string;
  readonly logs: readonly WitnessedLogConfig[];
  readonly store: WitnessStateStore;
  /** Read for each cosignature's timestamp and the time a checkpoint was recorded. */
  readonly clock: () => Date;
  readonly logger?: WitnessLogger;
}

export interface Witness {
  readonly name: string;
  /** What verifiers configure to check this witness's cosignatures: `<name>+<key ID>+base64(0x04 ‖ key)`. */
  readonly verifierKey: string;
  /**
   * C2SP tlog-witness add-checkpoint: checks the request body, records the checkpoint, and returns the
   * cosignature lines (each `— <name> <base64>\n`). Refuses with one of the `WitnessRefusal`s.
   */
  addCheckpoint(body: string): string;
}

/** The witness's configuration cannot work; it does not start. */
export class InvalidWitnessConfig extends Error {
  readonly code = 'witness.invalid-config';
  constructor(readonly reason: string) {
    super(`invalid witness configuration: ${reason}`);
    this.name = 'InvalidWitnessConfig';
  }
}

/** The checkpoint's origin is not a log this witness follows. */
export class UnknownLog extends Error {
  readonly code = 'witness.unknown-log';
  constructor(readonly origin: string) {
    super(`this witness does not follow the log ${JSON.stringify(origin)}`);
    this.name = 'UnknownLog';
  }
}

/** No signature of the log's configured key verifies (or one of them fails). */
export class CheckpointNotSigned extends Error {
  readonly code = 'witness.checkpoint-not-signed';
  constructor(
    readonly origin: string,
    readonly reason: string,
  ) {
    super(`the checkpoint of ${JSON.stringify(origin)} is not signed by its log: ${reason}`);
    this.name = 'CheckpointNotSigned';
  }
}

/** The client's old size is not the size this witness cosigned last: it answers with its own, to retry from. */
export class OldSizeMismatch extends Error {
  readonly code = 'witness.old-size-mismatch';
  constructor(
    readonly oldSize: number,
    readonly witnessSize: number,
  ) {
    super(`the old size ${oldSize} is not the size ${witnessSize} this witness cosigned last`);
    this.name = 'OldSizeMismatch';
  }
}

/** A checkpoint of the size the witness already cosigned, with another root: the log has forked. */
export class ConflictingCheckpoint extends Error {
  readonly code = 'witness.conflicting-checkpoint';
  constructor(
    readonly size: number,
    readonly witnessRoot: string,
    readonly submittedRoot: string,
  ) {
    super(`a checkpoint of size ${size} with root ${submittedRoot}, but this witness cosigned root ${witnessRoot} at that size`);
    this.name = 'ConflictingCheckpoint';
  }
}

/** The consistency proof does not show the checkpoint to extend the one the witness cosigned last. */
export class InconsistentCheckpoint extends Error {
  readonly code = 'witness.inconsistent-checkpoint';
  constructor(readonly reason: string) {
    super(`the checkpoint is not shown consistent with the one this witness cosigned last: ${reason}`);
    this.name = 'InconsistentCheckpoint';
  }
}

export type WitnessRefusal =
  | MalformedAddCheckpoint
  | UnknownLog
  | CheckpointNotSigned
  | OldSizeMismatch
  | ConflictingCheckpoint
  | InconsistentCheckpoint;

/** Each refusal's HTTP status, as C2SP tlog-witness prescribes; the compiler asks for a row when a refusal is added. */
export const WITNESS_REFUSAL_STATUS: Record<WitnessRefusal['code'], number> = {
  'witness.malformed-request': 400,
  'witness.unknown-log': 404,
  'witness.checkpoint-not-signed': 403,
  'witness.old-size-mismatch': 409,
  'witness.conflicting-checkpoint': 409,
  'witness.inconsistent-checkpoint': 422,
};

export function isWitnessRefusal(error: unknown): error is WitnessRefusal {
  return (
    error instanceof MalformedAddCheckpoint ||
    error instanceof UnknownLog ||
    error instanceof CheckpointNotSigned ||
    error instanceof OldSizeMismatch ||
    error instanceof ConflictingCheckpoint ||
    error instanceof InconsistentCheckpoint
  );
}

/**
 * A witness over its state store. It cosigns a checkpoint only when the log's key signed it and it extends, by a
 * verified consistency proof, the last checkpoint this witness cosigned for that origin; the new state is durable
 * before the cosignature exists. So every checkpoint it ever cosigned for a log lies on one append-only history.
 */
export function createWitness(config: WitnessConfig): Witness {
  const cosigner = parseCosignerKey(config.signerKey, config.clock);
  const logs = new Map<string, NoteVerifier[]>();
  for (const log of config.logs) {
    if (log.verifierKeys.length === 0) throw new InvalidWitnessConfig(`no verifier key is configured for ${log.origin}`);
    const verifiers = logs.get(log.origin) ?? [];
    for (const key of log.verifierKeys) {
      const verifier = parseVerifierKey(key);
      if (verifier.type !== SignatureType.ed25519) throw new InvalidWitnessConfig(`the key of ${log.origin} is not a log's key (type 0x01)`);
      // The same key given twice is one key; two keys sharing name and key ID could not be told apart.
      if (verifiers.some((known) => known.verifierKey === verifier.verifierKey)) continue;
      if (verifiers.some((known) => known.name === verifier.name && known.keyId === verifier.keyId)) {
        throw new InvalidWitnessConfig(`two keys of ${log.origin} share the name ${verifier.name} and key ID`);
      }
      verifiers.push(verifier);
    }
    logs.set(log.origin, verifiers);
  }

  return {
    name: cosigner.name,
    verifierKey: cosigner.verifierKey,
    addCheckpoint(body) {
      const request = parseAddCheckpointBody(body);
      const split = request.checkpointNote.lastIndexOf('\n\n');
      if (split < 0) throw new MalformedAddCheckpoint('the checkpoint has no blank line before its signatures');
      // The origin is read before any signature is checked only to choose the keys that check them.
      const origin = readOrigin(request.checkpointNote.slice(0, split + 1));
      const verifiers = logs.get(origin);
      if (verifiers === undefined) throw new UnknownLog(origin);
      const { checkpoint, text } = openCheckpoint(request.checkpointNote, verifiers, origin);
      if (request.oldSize > checkpoint.size) {
        throw new MalformedAddCheckpoint(`the old size ${request.oldSize} is larger than the checkpoint's size ${checkpoint.size}`);
      }

      try {
        config.store.update(origin, (current) => {
          const size = current?.size ?? 0;
          const root = current?.rootHash ?? EMPTY_ROOT;
          if (request.oldSize !== size) throw new OldSizeMismatch(request.oldSize, size);
          if (checkpoint.size === size && !equalBytes(checkpoint.rootHash, root)) {
            throw new ConflictingCheckpoint(size, toBase64(root), toBase64(checkpoint.rootHash));
          }
          try {
            verifyConsistency(size, checkpoint.size, root, checkpoint.rootHash, request.consistencyProof);
          } catch (error) {
            if (error instanceof InvalidProof) throw new InconsistentCheckpoint(error.message);
            throw error;
          }
          return { size: checkpoint.size, rootHash: checkpoint.rootHash, checkpointNote: request.checkpointNote, cosignedAt: config.clock().toISOString() };
        });
      } catch (error) {
        // A log's signed checkpoint that contradicts what this witness cosigned is evidence of misbehaviour: kept.
        if (error instanceof ConflictingCheckpoint || error instanceof InconsistentCheckpoint) {
          config.logger?.warn({ origin, code: error.code, reason: error.message, checkpointNote: request.checkpointNote }, 'refused a signed checkpoint that does not extend the cosigned one');
        }
        throw error;
      }
      config.logger?.info({ origin, size: checkpoint.size, oldSize: request.oldSize }, 'cosigned a checkpoint');
      return signNote(text, [cosigner]).slice(text.length + 1);
    },
  };
}

function readOrigin(text: string): string {
  try {
    return parseCheckpoint(text).origin;
  } catch (error) {
    if (error instanceof MalformedCheckpoint) throw new MalformedAddCheckpoint(error.message);
    throw error;
  }
}

function openCheckpoint(note: string, verifiers: readonly NoteVerifier[], origin: string): { checkpoint: Checkpoint; text: string } {
  try {
    const opened = verifyCheckpoint(note, verifiers, { origin });
    return { checkpoint: opened.checkpoint, text: opened.note.text };
  } catch (error) {
    if (error instanceof MalformedNote || error instanceof MalformedCheckpoint) throw new MalformedAddCheckpoint(error.message);
    if (error instanceof UnverifiedNote || error instanceof InvalidNoteSignature) throw new CheckpointNotSigned(origin, error.message);
    throw error;
  }
}
