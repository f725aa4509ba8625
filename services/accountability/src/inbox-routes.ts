import { z } from 'zod';
import { Id } from '@quanze/events';
import type { CaseReceivingAuthority } from '@quanze/events';
import { getInboxTransfer, listTransferInbox } from '@quanze/projections';
import type { InboxOwner, TransferStage } from '@quanze/projections';
import { NotPermitted, SubjectNotFound, defineRoute, ok } from '@quanze/service-kit';
import type { Audience, Principal, RouteDefinition } from '@quanze/service-kit';
import { ConsistentFlag, awaitConsistency } from './consistency.js';
import type { AccountabilityDeps } from './deps.js';
import { PageLimit, PageSchema, cursorOf, pageOf } from './paging.js';

/** 法院、检察院、公安: each reads the transfers that reached its own unit, and only those. */
const JUDICIAL: readonly (Audience & CaseReceivingAuthority['kind'])[] = ['court', 'procuratorate', 'public-security'];

const STAGES = [
  'reported',
  'approved',
  'refused',
  'sent',
  'received',
  'forwarded',
  'accepted',
  'returned',
  'reconsideration-requested',
  'refusal-upheld',
  'supervision-requested',
] as const satisfies readonly TransferStage[];

/** Where the previous page ended, in the inbox as of its first page (InboxCursor). */
const InboxCursor = z
  .object({ asOf: z.number().int().nonnegative(), position: z.number().int().positive(), kind: z.enum(JUDICIAL) })
  .strict()
  .refine((cursor) => cursor.position <= cursor.asOf);

const InboxQuery = z
  .object({
    stage: z.enum(STAGES).optional().describe('only transfers at this stage now'),
    limit: PageLimit,
    cursor: cursorOf(InboxCursor).optional(),
    consistent: ConsistentFlag,
  })
  .strict();

const Authority = z.object({ unitId: z.string(), kind: z.enum(JUDICIAL) });

const InboxItemSchema = z.object({
  caseId: z.string(),
  transferId: z.string(),
  relation: z.enum(['addressee', 'forwarded-on', 'supervision']).describe('how this authority came to hold the transfer'),
  stage: z.enum(STAGES),
  currentAuthority: Authority.nullable().describe('the authority holding it now, after forwards'),
  sendingUnitId: z.string().nullable(),
  receivingAuthority: Authority.nullable(),
  suspectedOffence: z.string().nullable(),
  approvedBy: z.string().nullable(),
  approvedAt: z.string().nullable(),
  dispatchedAt: z.string().nullable(),
  materials: z.array(z.object({ kind: z.string(), title: z.string(), sha256: z.string() })),
  deadlines: z.array(
    z.object({ step: z.string(), article: z.string(), unitId: z.string().nullable(), from: z.string(), dueBy: z.string(), doneAt: z.string().nullable() }),
  ),
  lastEvent: z.object({ type: z.string(), occurredAt: z.string(), position: z.number() }),
  transferEvent: z
    .object({
      position: z.number().int().describe('the position of the case.transferred.v1 event (移送) in the ledger'),
      checkpointSize: z
        .number()
        .int()
        .nullable()
        .describe('the smallest signed checkpoint that covers it: `quanze export-case <caseId> --checkpoint-size <this>`; null until it is sealed'),
    })
    .nullable()
    .describe('where the transfer is in the tamper-evident log, for asking for the case bundle; null before it was sent'),
});

const TransferParams = z.object({ caseId: Id, transferId: Id });

/** The transfer's place in the tamper-evident log: its position, and the checkpoint a court asks for the bundle at. */
async function withTransferEvent<T extends { readonly transferPosition: number | null }>(
  deps: AccountabilityDeps,
  item: T,
): Promise<Omit<T, 'transferPosition'> & { transferEvent: { position: number; checkpointSize: number | null } | null }> {
  const { transferPosition, ...rest } = item;
  if (transferPosition === null) return { ...rest, transferEvent: null };
  const checkpoint = (await deps.integrity?.checkpointCovering(transferPosition)) ?? null;
  return { ...rest, transferEvent: { position: transferPosition, checkpointSize: checkpoint?.size ?? null } };
}
const DetailQuery = z.object({ consistent: ConsistentFlag }).strict();

/** The caller's inbox: the token's unit, as each judicial kind the caller holds. A token without a unit has none. */
function ownerOf(caller: Principal | null): InboxOwner {
  if (caller?.unitId === null || caller?.unitId === undefined) {
    throw new NotPermitted('an inbox belongs to a court, procuratorate or public-security unit: the token names no unit');
  }
  return { unitId: caller.unitId, kinds: JUDICIAL.filter((kind) => caller.roles.includes(kind)) };
}

/**
 * 移送案件收件箱 (行政执法与刑事司法衔接, 国务院令第310号): each judicial authority sees the transfers that reached its
 * own unit — sent or forwarded to it, forwarded on by it, or put to it for supervision — with their stage, the
 * materials' hashes and the time limits of 310号. Another authority's transfer answers 404, exactly as one that does
 * not exist, so a court cannot learn what went to public security.
 */
export function createInboxRoutes(deps: AccountabilityDeps): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/inbox',
      operationId: 'listTransferInbox',
      summary: 'The transfers of suspected crimes that reached the caller’s authority (移送案件收件箱), latest activity first',
      description:
        'For court, procuratorate and public-security users: the transfers sent or forwarded to the token’s unit as one of the caller’s judicial kinds, forwarded on by it, or put to it for supervision (310号 第9条). Each with the sending unit, suspected offence, approval, dispatch, materials with SHA-256, stage, the 310号 time limits as dates, and the last event. ' +
        'Pages are stable: the pages after the first list the inbox as it stood when the first page was read, each transfer where its last event then put it, so a transfer answered while someone pages is neither repeated nor skipped; a transfer that arrived since is on a new first page. Items show each transfer as it is now. Recorded in the access audit (访问留痕).',
      kind: 'query',
      allow: JUDICIAL,
      query: InboxQuery,
      response: PageSchema(InboxItemSchema),
      async handle({ query, caller }) {
        const owner = ownerOf(caller);
        await deps.recordAccess(caller, {
          operationId: 'listTransferInbox',
          subject: null,
          parameters: { unitId: owner.unitId, stage: query.stage, limit: query.limit, cursor: query.cursor, consistent: query.consistent },
        });
        await awaitConsistency(deps, query.consistent);
        const page = await deps.readModels.read((q) => listTransferInbox(q, { ...owner, stage: query.stage, limit: query.limit, after: query.cursor ?? null }));
        // The checkpoints are the integrity store's, not the read models': looked up once the snapshot is let go.
        const items = [];
        for (const item of page.items) items.push(await withTransferEvent(deps, item));
        return ok(pageOf(items, page.next));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/inbox/:caseId/:transferId',
      operationId: 'getInboxTransfer',
      summary: 'One transfer of the caller’s inbox: facts, path through the authorities, time limits and every event',
      description:
        'A transfer that did not reach the caller’s unit as one of the caller’s judicial kinds answers 404, whether or not it exists. `transferEvent` names the position of the transfer in the tamper-evident log and the smallest signed checkpoint that covers it: ask for the case bundle at that checkpoint (`quanze export-case <caseId> --checkpoint-size <size>`). Recorded in the access audit with the case as subject.',
      kind: 'query',
      allow: JUDICIAL,
      params: TransferParams,
      query: DetailQuery,
      async handle({ params, query, caller }) {
        const owner = ownerOf(caller);
        await deps.recordAccess(caller, {
          operationId: 'getInboxTransfer',
          subject: `case-${params.caseId}`,
          parameters: { unitId: owner.unitId, transferId: params.transferId, consistent: query.consistent },
        });
        await awaitConsistency(deps, query.consistent);
        const transfer = await deps.readModels.read((q) => getInboxTransfer(q, owner, params.caseId, params.transferId));
        if (transfer === null) throw new SubjectNotFound(`transfer ${params.transferId} of case ${params.caseId}`);
        return ok(await withTransferEvent(deps, transfer));
      },
    }),
  ];
}
