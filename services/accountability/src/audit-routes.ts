import { z } from 'zod';
import { CalendarDate, Id, Instant } from '@quanze/events';
import { listAccessRecords } from '@quanze/projections';
import { defineRoute, ok } from '@quanze/service-kit';
import type { Audience, RouteDefinition } from '@quanze/service-kit';
import { ConsistentFlag, awaitConsistency } from './consistency.js';
import type { AccountabilityDeps } from './deps.js';
import { PageLimit, cursorOf, pageOf } from './paging.js';

const SUPERVISION: readonly Audience[] = ['supervision'];

/** The first instant of a China calendar day (UTC+8, no daylight saving since 1991). */
function chinaDayStart(date: string, plusDays = 0): string {
  return new Date(Date.parse(`${date}T00:00:00.000+08:00`) + plusDays * 24 * 60 * 60 * 1000).toISOString();
}

/** A bound of the time range: an ISO instant (any offset), or a China calendar day (from its start; `to` includes it). */
const Bound = (edge: 'from' | 'to') =>
  z
    .union([z.iso.datetime({ offset: true }), CalendarDate])
    .transform((value) => (value.length === 10 ? chinaDayStart(value, edge === 'to' ? 1 : 0) : new Date(value).toISOString()))
    .describe(edge === 'from' ? 'an instant (inclusive) or a China day (from its start)' : 'an instant (exclusive) or a China day (included)');

const AuditQuery = z
  .object({
    personId: Id.optional().describe('who asked'),
    unitId: Id.optional().describe('the unit they asked from'),
    operation: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,99}$/).optional().describe('the operationId asked, e.g. getInboxTransfer'),
    subject: z.string().min(1).max(300).optional().describe('what was looked at, e.g. case-<id>'),
    from: Bound('from').optional(),
    to: Bound('to').optional(),
    limit: PageLimit,
    cursor: cursorOf(z.tuple([Instant, z.number().int().positive()])).optional(),
    consistent: ConsistentFlag,
  })
  .strict();

/**
 * 访问留痕: the record of every query supervision, judicial and analyst users made, for supervision to read. Reading
 * it is a query like the others, so it is recorded too — before it is answered.
 */
export function createAuditRoutes(deps: AccountabilityDeps): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/access-audit',
      operationId: 'listAccessAudit',
      summary: 'Who queried what, when (访问留痕): the recorded queries of supervision, judicial and analyst users, latest first',
      description:
        'Filters combine: person, unit, operation, subject, and a time range (`from` inclusive, `to` exclusive; a YYYY-MM-DD day counts in China time, `to` including it). This query is itself recorded.',
      kind: 'query',
      allow: SUPERVISION,
      query: AuditQuery,
      async handle({ query, caller }) {
        await deps.recordAccess(caller, {
          operationId: 'listAccessAudit',
          subject: query.personId === undefined ? null : `person-${query.personId}`,
          parameters: {
            personId: query.personId,
            unitId: query.unitId,
            operation: query.operation,
            subject: query.subject,
            from: query.from,
            to: query.to,
            limit: query.limit,
            cursor: query.cursor,
          },
        });
        await awaitConsistency(deps, query.consistent);
        const page = await deps.readModels.read((q) =>
          listAccessRecords(q, {
            personId: query.personId,
            unitId: query.unitId,
            operationId: query.operation,
            subject: query.subject,
            from: query.from,
            to: query.to,
            limit: query.limit,
            before: query.cursor ?? null,
          }),
        );
        return ok(pageOf(page.items, page.next));
      },
    }),
  ];
}
