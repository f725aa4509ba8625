import { z } from 'zod';
import {
  TLOG_PROOF_HEADER,
  cosignedNote,
  formatTlogProof,
  parseCheckpoint,
  storedConsistencyProof,
  storedInclusionProof,
  toBase64,
  type IntegrityStore,
  type StoredCheckpoint,
  type WitnessOverview,
} from '@quanze/integrity';
import { DomainError, SubjectNotFound, commonErrorStatuses, defineRoute, ok, text } from '@quanze/service-kit';
import type { Audience, ErrorStatuses, ServiceModule } from '@quanze/service-kit';

/** What the log's routes read: the integrity store the sealer writes, and the log's verifier keys. */
export interface LedgerLogDeps {
  readonly integrity: IntegrityStore;
  /** The key the log signs with now. */
  readonly verifierKey: () => string;
  /** Every key it has signed with, oldest first. */
  readonly verifierKeys: () => readonly string[];
  /** The witnesses the log submits its checkpoints to (their verifier keys) and the quorum it aims for; none by default. */
  readonly witnessPolicy?: () => { readonly witnesses: readonly string[]; readonly quorum: number };
  /** Each witness's last answer and whether the latest checkpoint carries the quorum (openLedgerLog's witnessStatus). */
  readonly witnessStatus?: () => Promise<WitnessOverview>;
}

/** A size or position the sealed tree does not reach (yet): the field is named, as for any bad input. */
export class BeyondSealedTree extends DomainError {
  readonly code = 'log.beyond-sealed-tree';
  override readonly fieldsIn = 'query';
  constructor(field: string, value: number, limit: number, what: string) {
    super(`${field} ${value} is beyond ${what} (${limit})`, [[field]]);
  }
}

export const logErrorStatuses: ErrorStatuses<BeyondSealedTree> = { 'log.beyond-sealed-tree': 422 };

const PUBLIC: readonly Audience[] = ['public'];
// Witness URLs and their errors describe the deployment: for those who run it and those who supervise it.
const OPERATORS: readonly Audience[] = ['admin', 'supervision'];

const Size = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const Position = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

const CheckpointBody = z.object({
  id: z.number().int(),
  origin: z.string(),
  size: z.number().int(),
  rootHash: z.string().describe('base64 of the 32-byte RFC 9162 root'),
  note: z
    .string()
    .describe('the C2SP tlog-checkpoint as a signed note, verbatim, with every witness cosignature gathered so far: verify it with the verifier key'),
  cosignatures: z.array(z.string()).describe('the witnesses’ cosignature lines on the note (C2SP tlog-cosignature), in the order they came'),
  createdAt: z.string(),
});

function checkpointBody(checkpoint: StoredCheckpoint): z.infer<typeof CheckpointBody> {
  return {
    id: checkpoint.id,
    origin: parseCheckpoint(checkpoint.note.slice(0, checkpoint.note.indexOf('\n\n') + 1)).origin,
    size: checkpoint.size,
    rootHash: toBase64(checkpoint.rootHash),
    note: cosignedNote(checkpoint),
    cosignatures: [...checkpoint.cosignatures],
    createdAt: checkpoint.createdAt,
  };
}

const CheckpointsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    before: z.coerce.number().int().min(1).optional().describe('the `next` of the previous page'),
    minSize: Size.optional(),
    maxSize: Size.optional(),
  })
  .strict();

const InclusionQuery = z
  .object({
    eventId: z.uuid().optional().describe('the event to prove; or its position'),
    position: Position.optional().describe('the event’s position in the log (its leaf index + 1)'),
    treeSize: Size.min(1).optional().describe('the tree to prove it in; the latest checkpoint’s when omitted'),
  })
  .strict()
  .superRefine((query, context) => {
    if ((query.eventId === undefined) === (query.position === undefined)) {
      context.addIssue({ code: 'custom', path: ['eventId'], message: 'give either eventId or position' });
    }
  });

const ConsistencyQuery = z
  .object({
    from: Size.describe('the earlier tree size'),
    to: Size.optional().describe('the later tree size; the latest checkpoint’s when omitted'),
  })
  .strict()
  .superRefine((query, context) => {
    if (query.to !== undefined && query.from > query.to) {
      context.addIssue({ code: 'custom', path: ['from'], message: `from (${query.from}) must not be larger than to (${query.to}): a log never shrinks` });
    }
  });

const InclusionBody = z.object({
  position: z.number().int(),
  index: z.number().int().describe('the leaf index: position − 1'),
  treeSize: z.number().int(),
  proof: z.array(z.string()).describe('base64 hashes from the leaf’s sibling upward (RFC 9162 §2.1.3)'),
  checkpoint: CheckpointBody.nullable().describe('a signed checkpoint of exactly treeSize, when one was made'),
  tlogProof: z.string().nullable().describe(`${TLOG_PROOF_HEADER} text, checkable offline with the verifier key, when a checkpoint of treeSize exists`),
});

const ConsistencyBody = z.object({
  from: z.number().int(),
  to: z.number().int(),
  proof: z.array(z.string()).describe('base64 hashes (RFC 9162 §2.1.4)'),
});

/**
 * 账本完整性: the tamper-evident log, open to anyone — a proof shows only hashes, and a checkpoint only a size and
 * a root, so nobody learns an event's content from them; what they prove is that the ledger was not rewritten.
 * Sizes and roots must be taken from a signed checkpoint, never from these answers alone (docs/INTEGRITY.md).
 */
export function createLedgerLogService(deps: LedgerLogDeps): ServiceModule {
  const { integrity } = deps;

  async function latest(): Promise<StoredCheckpoint> {
    const checkpoint = await integrity.latestCheckpoint();
    if (checkpoint === null) throw new SubjectNotFound('a signed checkpoint (the sealer has not signed one yet)');
    return checkpoint;
  }

  async function withinTree(field: string, size: number): Promise<void> {
    const treeSize = await integrity.treeSize();
    if (size > treeSize) throw new BeyondSealedTree(field, size, treeSize, 'the sealed tree');
  }

  return {
    name: 'log',
    description: '账本完整性: signed checkpoints of the Merkle log over every event, inclusion and consistency proofs, the verifier key',
    errorStatuses: { ...commonErrorStatuses, ...logErrorStatuses },
    routes: [
      defineRoute({
        method: 'get',
        path: '/log/checkpoint',
        operationId: 'getLatestCheckpoint',
        summary: 'The latest signed checkpoint as C2SP clients read it: the signed note, as text, with its cosignatures',
        description:
          'The C2SP tlog-checkpoint in a signed note, signed by the log and cosigned by every witness that has cosigned it so far (C2SP tlog-cosignature). The same as JSON, with the size and root apart: /log/checkpoints/latest.',
        kind: 'query',
        allow: PUBLIC,
        textResponse: { description: 'the signed note (origin, size, root, a blank line, the log’s signature and the witnesses’ cosignatures)' },
        async handle() {
          return text(cosignedNote(await latest()));
        },
      }),
      defineRoute({
        method: 'get',
        path: '/log/checkpoints/latest',
        operationId: 'getLatestCheckpointJson',
        summary: 'The latest signed checkpoint as JSON: id, origin, size, root, the cosigned note and its cosignature lines',
        kind: 'query',
        allow: PUBLIC,
        response: CheckpointBody,
        async handle() {
          return ok(checkpointBody(await latest()));
        },
      }),
      defineRoute({
        method: 'get',
        path: '/log/checkpoints',
        operationId: 'listCheckpoints',
        summary: 'Signed checkpoints, newest first',
        kind: 'query',
        allow: PUBLIC,
        query: CheckpointsQuery,
        response: z.object({ items: z.array(CheckpointBody), next: z.number().int().nullable() }),
        async handle({ query }) {
          const items = await integrity.checkpoints({
            limit: query.limit,
            ...(query.before === undefined ? {} : { beforeId: query.before }),
            ...(query.minSize === undefined ? {} : { minSize: query.minSize }),
            ...(query.maxSize === undefined ? {} : { maxSize: query.maxSize }),
          });
          const last = items.at(-1);
          return ok({ items: items.map(checkpointBody), next: items.length === query.limit && last !== undefined ? last.id : null });
        },
      }),
      defineRoute({
        method: 'get',
        path: '/log/proofs/inclusion',
        operationId: 'getInclusionProof',
        summary: 'An event’s inclusion proof in a tree (by event id or position), as hashes and as a C2SP tlog-proof',
        kind: 'query',
        allow: PUBLIC,
        query: InclusionQuery,
        response: InclusionBody,
        async handle({ query }) {
          let position = query.position;
          if (query.eventId !== undefined) {
            position = (await integrity.positionOf(query.eventId)) ?? undefined;
            if (position === undefined) throw new SubjectNotFound(`event ${query.eventId} in the sealed tree`);
          }
          if (position === undefined) throw new TypeError('the query schema requires eventId or position');
          let treeSize = query.treeSize;
          let checkpoint: StoredCheckpoint | null;
          if (treeSize === undefined) {
            checkpoint = await latest();
            treeSize = checkpoint.size;
          } else {
            await withinTree('treeSize', treeSize);
            checkpoint = await integrity.checkpointOfSize(treeSize);
          }
          if (position > treeSize) throw new BeyondSealedTree('position', position, treeSize, 'the tree size');
          const proof = await storedInclusionProof(integrity, position - 1, treeSize);
          return ok({
            position,
            index: position - 1,
            treeSize,
            proof: proof.map(toBase64),
            checkpoint: checkpoint === null ? null : checkpointBody(checkpoint),
            tlogProof: checkpoint === null ? null : formatTlogProof({ index: position - 1, proof, signedCheckpoint: cosignedNote(checkpoint) }),
          });
        },
      }),
      defineRoute({
        method: 'get',
        path: '/log/proofs/consistency',
        operationId: 'getConsistencyProof',
        summary: 'That the tree of `to` leaves extends the tree of `from` leaves (RFC 9162 §2.1.4)',
        kind: 'query',
        allow: PUBLIC,
        query: ConsistencyQuery,
        response: ConsistencyBody,
        async handle({ query }) {
          const to = query.to ?? (await latest()).size;
          if (query.from > to) throw new BeyondSealedTree('from', query.from, to, 'the latest checkpoint’s size');
          await withinTree('to', to);
          const proof = await storedConsistencyProof(integrity, query.from, to);
          return ok({ from: query.from, to, proof: proof.map(toBase64) });
        },
      }),
      defineRoute({
        method: 'get',
        path: '/log/key',
        operationId: 'getLogVerifierKey',
        summary: 'The verifier key of the log’s checkpoints (Go sumdb/note format), every earlier one, and its witnesses',
        kind: 'query',
        allow: PUBLIC,
        response: z.object({
          verifierKey: z.string(),
          origin: z.string(),
          keys: z.array(z.string()),
          witnesses: z.array(z.string()).describe('verifier keys (type 0x04) of the witnesses the log submits its checkpoints to'),
          quorum: z.number().int().describe('how many of them the log aims to have cosign each checkpoint'),
        }),
        handle() {
          const verifierKey = deps.verifierKey();
          const policy = deps.witnessPolicy?.() ?? { witnesses: [], quorum: 0 };
          return Promise.resolve(
            ok({
              verifierKey,
              origin: verifierKey.slice(0, verifierKey.indexOf('+')),
              keys: [...deps.verifierKeys()],
              witnesses: [...policy.witnesses],
              quorum: policy.quorum,
            }),
          );
        },
      }),
      defineRoute({
        method: 'get',
        path: '/log/witnesses',
        operationId: 'getLogWitnessStatus',
        summary: 'Whether the latest checkpoint carries the witness quorum, and each witness’s last answer (a refusal is evidence of a split view)',
        kind: 'query',
        allow: OPERATORS,
        response: z.object({
          quorum: z.number().int(),
          latestCheckpoint: z
            .object({ id: z.number().int(), size: z.number().int(), cosigners: z.number().int(), quorumMet: z.boolean() })
            .nullable(),
          witnesses: z.array(
            z.object({
              url: z.string(),
              verifierKey: z.string(),
              state: z.enum(['waiting', 'cosigned', 'unreachable', 'refused']),
              lastCosigned: z.object({ checkpointId: z.number().int(), size: z.number().int(), at: z.string() }).nullable(),
              lastFailure: z
                .object({
                  checkpointId: z.number().int(),
                  size: z.number().int(),
                  at: z.string(),
                  refused: z.boolean(),
                  message: z.string(),
                  retryAt: z.string(),
                })
                .nullable(),
            }),
          ),
        }),
        async handle() {
          if (deps.witnessStatus !== undefined) return ok(await deps.witnessStatus());
          const checkpoint = await integrity.latestCheckpoint();
          return ok({
            quorum: 0,
            latestCheckpoint: checkpoint === null ? null : { id: checkpoint.id, size: checkpoint.size, cosigners: 0, quorumMet: true },
            witnesses: [],
          });
        },
      }),
    ],
  };
}
