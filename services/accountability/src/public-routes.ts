import { z } from 'zod';
import { CalendarDate, Id } from '@quanze/events';
import { countPublicDocuments, listPublicDecisions, listPublicDocuments, listPublicEnforcementResults } from '@quanze/projections';
import { chinaDateOf, defineRoute, ok } from '@quanze/service-kit';
import type { Audience, RouteDefinition } from '@quanze/service-kit';
import { ConsistentFlag, awaitConsistency } from './consistency.js';
import type { AccountabilityDeps } from './deps.js';
import { PageLimit, cursorOf, pageOf } from './paging.js';

const PUBLIC: readonly Audience[] = ['public'];

const DocumentsQuery = z
  .object({
    on: CalendarDate.optional().describe('YYYY-MM-DD; today in China when omitted'),
    limit: PageLimit,
    cursor: cursorOf(z.tuple([z.string(), z.number().int(), z.number().int(), z.string()])).optional(),
    consistent: ConsistentFlag,
  })
  .strict();

const PublishedCursor = cursorOf(z.tuple([CalendarDate, z.string()]));

const EnforcementResultsQuery = z
  .object({
    unitId: Id.optional().describe('only the results of this unit'),
    kind: z.enum(['case', 'inspection']).optional().describe('case: 行政执法决定公示; inspection: 双随机抽查结果公示'),
    limit: PageLimit,
    cursor: PublishedCursor.optional(),
    consistent: ConsistentFlag,
  })
  .strict();

const DecisionsQuery = z.object({ limit: PageLimit, cursor: PublishedCursor.optional(), consistent: ConsistentFlag }).strict();

/**
 * 公开: what anyone may read without a token — the normative documents valid on a day, published enforcement
 * results and published major decisions. No personal data of citizens: the read model never holds a natural
 * person's or an individual business's name, and shows officials by unit, not by person.
 */
export function createPublicRoutes(deps: AccountabilityDeps): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/public/documents',
      operationId: 'listPublicValidDocuments',
      summary: 'Normative documents valid on a day (现行有效规范性文件目录), by number',
      description:
        'Issued, in effect (effectiveFrom ≤ on), not past the last valid day and not abolished on or before `on` (today in China when omitted). Each with number, title, issuing unit, dates, text hash and publications.',
      kind: 'query',
      allow: PUBLIC,
      query: DocumentsQuery,
      async handle({ query, caller }) {
        const on = query.on ?? chinaDateOf(deps.clock().toISOString());
        await deps.recordAccess(caller, { operationId: 'listPublicValidDocuments', subject: null, parameters: { on, limit: query.limit, cursor: query.cursor } });
        await awaitConsistency(deps, query.consistent);
        // The page and the total from one snapshot, so that they agree.
        const { page, total } = await deps.readModels.read(async (q) => ({
          page: await listPublicDocuments(q, { on, limit: query.limit, after: query.cursor ?? null }),
          total: await countPublicDocuments(q, on),
        }));
        return ok({ on, total, ...pageOf(page.items, page.next) });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/public/enforcement-results',
      operationId: 'listPublicEnforcementResults',
      summary: 'Published enforcement decisions (行政执法公示) and random-inspection results (双随机一公开), latest first',
      description:
        'A case appears once its decision is published and until the publication is withdrawn, with the party by kind — by name only when it is an organisation, never a citizen’s name. An inspection result appears per inspected entity once published.',
      kind: 'query',
      allow: PUBLIC,
      query: EnforcementResultsQuery,
      async handle({ query, caller }) {
        await deps.recordAccess(caller, {
          operationId: 'listPublicEnforcementResults',
          subject: null,
          parameters: { unitId: query.unitId, kind: query.kind, limit: query.limit, cursor: query.cursor },
        });
        await awaitConsistency(deps, query.consistent);
        const page = await deps.readModels.read((q) =>
          listPublicEnforcementResults(q, { unitId: query.unitId, kind: query.kind, limit: query.limit, before: query.cursor ?? null }),
        );
        return ok(pageOf(page.items, page.next));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/public/decisions',
      operationId: 'listPublicDecisions',
      summary: 'Published major administrative decisions (决策公布, 713号 第31条), latest first',
      description: 'The decision, its basis, its publications and its status (suspended, resumed, revoked); no member opinions, no persons.',
      kind: 'query',
      allow: PUBLIC,
      query: DecisionsQuery,
      async handle({ query, caller }) {
        await deps.recordAccess(caller, { operationId: 'listPublicDecisions', subject: null, parameters: { limit: query.limit, cursor: query.cursor } });
        await awaitConsistency(deps, query.consistent);
        const page = await deps.readModels.read((q) => listPublicDecisions(q, { limit: query.limit, before: query.cursor ?? null }));
        return ok(pageOf(page.items, page.next));
      },
    }),
  ];
}
