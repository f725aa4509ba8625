import { z } from 'zod';
import { CalendarDate, Id } from '@quanze/events';
import { FLAG_CODES, PROCURATORATE_FLAG_CODES, flagCounts, isFlagCursor, listFlags } from '@quanze/projections';
import type { FlagCode } from '@quanze/projections';
import { NotPermitted, chinaDateOf, defineRoute, hasRole, ok } from '@quanze/service-kit';
import type { Audience, Principal, RouteDefinition } from '@quanze/service-kit';
import type { AccountabilityDeps } from './deps.js';

/**
 * Query 5, 预警: the flags of docs/FLAGS.md, each with the events that raised it, and their counts over time.
 * Supervision (监察) and analysts see every flag; the procuratorate (检察院) the transfer flags and 以罚代刑, for
 * every unit (国务院令第310号 第14条: it supervises transfers and watches for cases kept back). Courts and public
 * security see none here: their transfers are in their inbox.
 */
const FLAG_READERS: readonly Audience[] = ['supervision', 'analyst', 'procuratorate'];

const FlagCodeParam = z.enum(FLAG_CODES as [FlagCode, ...FlagCode[]]);

const asOf = CalendarDate.optional().describe('the day "now" is (China calendar day); today when absent');
const from = CalendarDate.optional().describe('raised on or after this day');
const to = CalendarDate.optional().describe('raised on or before this day');

const ListFlagsQuery = z
  .object({
    asOf,
    unitId: Id.optional().describe('the unit responsible at the time'),
    code: FlagCodeParam.optional(),
    from,
    to,
    after: z.string().max(500).refine(isFlagCursor, 'not a cursor a flags page gave').optional().describe('the `next` of the previous page'),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

const FlagCountsQuery = z
  .object({
    asOf,
    by: z.enum(['unit', 'code']),
    interval: z.enum(['month', 'year']),
    from,
    to,
  })
  .strict();

const EventRef = z.object({ eventId: z.string(), type: z.string(), streamId: z.string(), position: z.number() });
const FlagBody = z.object({
  flagId: z.string(),
  code: FlagCodeParam,
  article: z.string(),
  severity: z.enum(['high', 'medium', 'low']),
  subject: z.object({ kind: z.enum(['decision', 'document', 'case', 'inspection', 'register']), id: z.string() }),
  unitId: z.string().nullable(),
  raisedOn: z.string(),
  status: z.enum(['raised', 'open', 'late']),
  due: z.union([z.object({ on: z.string() }), z.object({ at: z.string() })]).nullable(),
  endedOn: z.string().nullable(),
  raisedBy: z.array(EventRef),
  details: z.record(z.string(), z.unknown()),
});

/** A code outside what the caller's role may see (the procuratorate's). */
class FlagCodeNotPermitted extends NotPermitted {
  override readonly fieldsIn = 'query';
  constructor(code: FlagCode) {
    super(`the procuratorate sees the transfer and 以罚代刑 flags only, not ${code}`, [['code']], '行政执法机关移送涉嫌犯罪案件的规定 第14条');
  }
}

/** The codes the caller may see, or undefined for all of them. */
function visibleCodes(caller: Principal | null): readonly FlagCode[] | undefined {
  return hasRole(caller, 'supervision', 'analyst') ? undefined : PROCURATORATE_FLAG_CODES;
}

export function createFlagsRoutes(deps: AccountabilityDeps): RouteDefinition[] {
  const today = () => chinaDateOf(deps.clock().toISOString());
  return [
    defineRoute({
      method: 'get',
      path: '/flags',
      operationId: 'listFlags',
      summary: 'Flags (预警) standing as of a day, oldest first, each with the events that raised it',
      description: 'The catalogue, deadlines and what "as of" means: docs/FLAGS.md. Recorded as access.queried.v1.',
      kind: 'query',
      allow: FLAG_READERS,
      query: ListFlagsQuery,
      response: z.object({ asOf: z.string(), flags: z.array(FlagBody), next: z.string().nullable(), undetermined: z.number() }),
      async handle({ query, caller }) {
        const codes = visibleCodes(caller);
        if (query.code !== undefined && codes !== undefined && !codes.includes(query.code)) throw new FlagCodeNotPermitted(query.code);
        const day = query.asOf ?? today();
        await deps.recordAccess(caller, { operationId: 'listFlags', subject: null, parameters: { ...query, asOf: day } });
        const page = await deps.readModels.read((q) =>
          listFlags(q, {
            asOf: day,
            limit: query.limit,
            ...(query.unitId === undefined ? {} : { unitId: query.unitId }),
            ...(query.code === undefined ? {} : { code: query.code }),
            ...(codes === undefined ? {} : { codes }),
            ...(query.from === undefined ? {} : { from: query.from }),
            ...(query.to === undefined ? {} : { to: query.to }),
            ...(query.after === undefined ? {} : { after: query.after }),
          }),
        );
        return ok({ asOf: day, ...page });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/flags/counts',
      operationId: 'countFlags',
      summary: 'How many flags were raised per unit or per code, by month or year, as of a day',
      kind: 'query',
      allow: FLAG_READERS,
      query: FlagCountsQuery,
      response: z.object({
        asOf: z.string(),
        by: z.enum(['unit', 'code']),
        interval: z.enum(['month', 'year']),
        counts: z.array(z.object({ period: z.string(), key: z.string().nullable(), count: z.number() })),
      }),
      async handle({ query, caller }) {
        const codes = visibleCodes(caller);
        const day = query.asOf ?? today();
        await deps.recordAccess(caller, { operationId: 'countFlags', subject: null, parameters: { ...query, asOf: day } });
        const counts = await deps.readModels.read((q) =>
          flagCounts(q, {
            asOf: day,
            by: query.by,
            interval: query.interval,
            ...(codes === undefined ? {} : { codes }),
            ...(query.from === undefined ? {} : { from: query.from }),
            ...(query.to === undefined ? {} : { to: query.to }),
          }),
        );
        return ok({ asOf: day, by: query.by, interval: query.interval, counts });
      },
    }),
  ];
}
