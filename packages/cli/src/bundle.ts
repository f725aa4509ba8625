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
  eventLeafHash,
  formatTlogProof,
  parseTlogProof,
  storedInclusionProof,
  verifyCheckpoint,
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
    checkpoint: z.string().min(1).describe('the signed checkpoint (C2SP tlog-checkpoint) every proof leads to'),
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
 * The case's bundle against the latest checkpoint, which must cover the case's last event; the proofs are read from
 * the stored tree, and each is checked against the checkpoint before it goes into the bundle.
 */
export async function exportCase(options: {
  readonly caseId: string;
  readonly store: Pick<EventStore, 'readStream'>;
  readonly integrity: IntegrityStore;
  readonly verifiers: readonly NoteVerifier[];
  readonly clock?: () => Date;
}): Promise<CaseBundle> {
  const streamId = caseStreamId(options.caseId);
  const events: RecordedEvent[] = [];
  for await (const event of options.store.readStream(streamId)) events.push(event);
  const last = events.at(-1);
  if (last === undefined) throw new CannotExport(`there is no case ${options.caseId} (no events in stream ${streamId})`);
  const checkpoint = await options.integrity.latestCheckpoint();
  if (checkpoint === null || checkpoint.size < last.position) {
    throw new CannotExport(
      `the case's last event (position ${last.position}) is not in a signed checkpoint yet (the latest covers ${checkpoint?.size ?? 0}); the sealer signs one within QUANZE_SEAL_EVERY_MS`,
    );
  }
  const opened = verifyCheckpoint(checkpoint.note, options.verifiers);
  const signer = options.verifiers.find((key) => key.name === opened.checkpoint.origin && opened.note.verified.some((s) => s.keyId === key.keyId && s.name === key.name));
  if (signer === undefined) throw new CannotExport('the latest checkpoint is not signed with a key named after its origin');
  const bundled = [];
  for (const event of events) {
    const proof = await storedInclusionProof(options.integrity, event.position - 1, checkpoint.size);
    const text = formatTlogProof({ index: event.position - 1, proof, signedCheckpoint: checkpoint.note });
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
    checkpoint: checkpoint.note,
    events: bundled,
  };
}

export type BundleVerdict =
  | { readonly valid: true; readonly events: number; readonly origin: string; readonly treeSize: number; readonly caseId: string }
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
export function verifyBundle(json: unknown, verifier: NoteVerifier): BundleVerdict {
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
  return { valid: true, events: bundle.events.length, origin, treeSize, caseId: bundle.caseId };
}
