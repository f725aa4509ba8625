import { z } from 'zod';
import type { RecordedEvent } from '@quanze/events';
import type { EventStore } from '@quanze/eventstore';
import {
  MalformedCheckpoint,
  MalformedKey,
  MalformedNote,
  MalformedTlogProof,
  InvalidNoteSignature,
  InvalidProof,
  NotCanonicalJson,
  UnverifiedNote,
  QuorumNotMet,
  cosignedNote,
  eventLeafHash,
  formatTlogProof,
  parseTlogProof,
  storedInclusionProof,
  verifyCheckpoint,
  verifyCosigned,
  verifyTlogProof,
  type IntegrityStore,
  type NoteVerifier,
} from '@quanze/integrity';

export const CASE_BUNDLE_FORMAT = 'quanze.case-bundle';

const Iso = z.string().min(1);

/** An event exactly as the store recorded it: the twelve members its content hash covers. */
export const BundledEvent = z
  .object({
    type: z.string().min(1),
    streamId: z.string().min(1),
    streamVersion: z.number().int().min(1),
    position: z.number().int().min(1),
    occurredAt: Iso,
    recordedAt: Iso,
    actor: z.object({ personId: z.string(), postId: z.string().nullable(), unitId: z.string().nullable() }).strict(),
    eventId: z.string().min(1),
    causationId: z.string().nullable(),
    correlationId: z.string().nullable(),
    commandId: z.string().nullable(),
    data: z.unknown(),
  })
  .strict();

/**
 * A case for a court (移送): the case stream's events as recorded, each with its C2SP tlog-proof against one signed
 * checkpoint, that checkpoint and the verifier key — all a court needs to check, offline, that these are the events
 * the ledger recorded. The verifier key inside is a convenience: verify with the key the court obtained itself.
 */
export const CaseBundle = z
  .object({
    format: z.literal(CASE_BUNDLE_FORMAT),
    version: z.literal(1),
    caseId: z.string().min(1),
    streamId: z.string().min(1),
    exportedAt: Iso,
    origin: z.string().min(1).describe('the log the events are in'),
    verifierKey: z.string().min(1).describe('the key that signed the checkpoint (Go sumdb/note format)'),
    checkpoint: z
      .string()
      .min(1)
      .describe('the signed checkpoint (C2SP tlog-checkpoint) every proof leads to, with the witnesses’ cosignatures it had when exported'),
    events: z
      .array(z.object({ event: BundledEvent, proof: z.string().min(1).describe('c2sp.org/tlog-proof@v1') }).strict())
      .min(1),
  })
  .strict();
export type CaseBundle = z.infer<typeof CaseBundle>;

/** Why a case cannot be exported (yet). */
export class CannotExport extends Error {
  readonly code = 'cli.cannot-export';
  constructor(message: string) {
    super(message);
    this.name = 'CannotExport';
  }
}

export function caseStreamId(caseId: string): string {
  return `case-${caseId}`;
}

/**
 * The case's bundle against one signed checkpoint: by default the latest, which must cover the case's last event; or
 * the one of size `checkpointSize` (what a transfer names, so that a court asks for the case as it was transferred),
 * with the case's events up to that size. The proofs are read from the stored tree, and each is checked against the
 * checkpoint before it goes into the bundle. The checkpoint carries every witness cosignature gathered for it.
 */
export async function exportCase(options: {
  readonly caseId: string;
  readonly store: Pick<EventStore, 'readStream'>;
  readonly integrity: IntegrityStore;
  readonly verifiers: readonly NoteVerifier[];
  readonly checkpointSize?: number;
  readonly clock?: () => Date;
}): Promise<CaseBundle> {
  const streamId = caseStreamId(options.caseId);
  const recorded: RecordedEvent[] = [];
  for await (const event of options.store.readStream(streamId)) recorded.push(event);
  const last = recorded.at(-1);
  if (last === undefined) throw new CannotExport(`there is no case ${options.caseId} (no events in stream ${streamId})`);
  let checkpoint;
  let events = recorded;
  if (options.checkpointSize === undefined) {
    checkpoint = await options.integrity.latestCheckpoint();
    if (checkpoint === null || checkpoint.size < last.position) {
      throw new CannotExport(
        `the case's last event (position ${last.position}) is not in a signed checkpoint yet (the latest covers ${checkpoint?.size ?? 0}); the sealer signs one within QUANZE_SEAL_EVERY_MS`,
      );
    }
  } else {
    checkpoint = await options.integrity.checkpointOfSize(options.checkpointSize);
    if (checkpoint === null) throw new CannotExport(`there is no signed checkpoint of size ${options.checkpointSize}`);
    const size = checkpoint.size;
    events = recorded.filter((event) => event.position <= size);
    const first = recorded[0];
    if (events.length === 0 || first === undefined) {
      throw new CannotExport(`the checkpoint of size ${size} holds no event of case ${options.caseId} (its first is at position ${first?.position ?? '?'})`);
    }
  }
  const note = cosignedNote(checkpoint);
  const opened = verifyCheckpoint(note, options.verifiers);
  const signer = options.verifiers.find((key) => key.name === opened.checkpoint.origin && opened.note.verified.some((s) => s.keyId === key.keyId && s.name === key.name));
  if (signer === undefined) throw new CannotExport(`the checkpoint of size ${checkpoint.size} is not signed with a key named after its origin`);
  const bundled = [];
  for (const event of events) {
    const proof = await storedInclusionProof(options.integrity, event.position - 1, checkpoint.size);
    const text = formatTlogProof({ index: event.position - 1, proof, signedCheckpoint: note });
    verifyTlogProof(text, eventLeafHash(event), [signer], { origin: opened.checkpoint.origin });
    bundled.push({ event: BundledEvent.parse({ ...event }), proof: text });
  }
  return {
    format: CASE_BUNDLE_FORMAT,
    version: 1,
    caseId: options.caseId,
    streamId,
    exportedAt: (options.clock ?? (() => new Date()))().toISOString(),
    origin: opened.checkpoint.origin,
    verifierKey: signer.verifierKey,
    checkpoint: note,
    events: bundled,
  };
}

/** Witnesses the verifier trusts (verifier keys of type 0x04) and how many of them must have cosigned. */
export interface WitnessRequirement {
  readonly witnesses: readonly string[];
  readonly quorum: number;
}

export type BundleVerdict =
  | {
      readonly valid: true;
      readonly events: number;
      readonly origin: string;
      readonly treeSize: number;
      readonly caseId: string;
      /** Trusted witnesses whose cosignature of the checkpoint verifies (only counted when witnesses were required). */
      readonly cosigners: number;
    }
  | { readonly valid: false; readonly reason: string };

function reasonOf(error: unknown): string {
  if (
    error instanceof InvalidProof ||
    error instanceof MalformedTlogProof ||
    error instanceof MalformedCheckpoint ||
    error instanceof MalformedKey ||
    error instanceof MalformedNote ||
    error instanceof InvalidNoteSignature ||
    error instanceof UnverifiedNote ||
    error instanceof NotCanonicalJson
  ) {
    return error.message;
  }
  throw error;
}

/**
 * Checks a bundle with nothing but the verifier key: the checkpoint's signature, then for each event its content hash
 * recomputed from the event itself and its proof against that checkpoint. Nothing the bundle says about itself (its
 * key, sizes, roots) is trusted.
 */
export function verifyBundle(json: unknown, verifier: NoteVerifier, required?: WitnessRequirement): BundleVerdict {
  const parsed = CaseBundle.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { valid: false, reason: `not a case bundle: ${issue === undefined ? 'invalid' : `${issue.path.join('.') || '(root)'}: ${issue.message}`}` };
  }
  const bundle = parsed.data;
  if (bundle.verifierKey !== verifier.verifierKey) {
    return { valid: false, reason: `the bundle names verifier key ${bundle.verifierKey}, not the key given (${verifier.verifierKey})` };
  }
  const origin = verifier.name;
  let treeSize: number;
  try {
    treeSize = verifyCheckpoint(bundle.checkpoint, [verifier], { origin }).checkpoint.size;
  } catch (error) {
    return { valid: false, reason: `the checkpoint: ${reasonOf(error)}` };
  }
  let cosigners = 0;
  if (required !== undefined) {
    try {
      cosigners = verifyCosigned(bundle.checkpoint, { logKey: verifier.verifierKey, witnesses: required.witnesses, quorum: required.quorum, origin }).cosigners.length;
    } catch (error) {
      if (error instanceof QuorumNotMet) {
        return {
          valid: false,
          reason: `the checkpoint is cosigned by ${error.cosigners.length} of the ${new Set(required.witnesses).size} trusted witnesses, and ${error.required} are required: no quorum vouches that the ledger showed this history to everyone`,
        };
      }
      throw error;
    }
  }
  for (const [i, { event, proof }] of bundle.events.entries()) {
    const which = `event ${i + 1} (position ${event.position}, ${event.type})`;
    if (event.streamId !== bundle.streamId) return { valid: false, reason: `${which} is of stream ${event.streamId}, not ${bundle.streamId}` };
    if (event.streamVersion !== i + 1) {
      return { valid: false, reason: `${which} has version ${event.streamVersion}, not ${i + 1}: the bundle leaves out or reorders events` };
    }
    try {
      const parsedProof = parseTlogProof(proof);
      if (parsedProof.signedCheckpoint !== bundle.checkpoint) return { valid: false, reason: `${which}: its proof leads to another checkpoint than the bundle's` };
      if (parsedProof.index !== event.position - 1) {
        return { valid: false, reason: `${which}: its proof is for leaf ${parsedProof.index}, not ${event.position - 1}` };
      }
      verifyTlogProof(proof, eventLeafHash(event), [verifier], { origin });
    } catch (error) {
      return { valid: false, reason: `${which}: ${reasonOf(error)} — the event is not as the ledger recorded it, or its proof was altered` };
    }
  }
  return { valid: true, events: bundle.events.length, origin, treeSize, caseId: bundle.caseId, cosigners };
}
