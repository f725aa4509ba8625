import { z } from 'zod';
import { reverseTrace } from '@quanze/projections';
import type { ReverseTrace } from '@quanze/projections';
import { SubjectNotFound, defineRoute, ok } from '@quanze/service-kit';
import type { Audience, RouteDefinition } from '@quanze/service-kit';
import { SubjectParams, subjectName, subjectOf } from './activity-access.js';
import { ChainSchemas } from './chain-routes.js';
import { ConsistentFlag, awaitConsistency } from './consistency.js';
import type { AccountabilityDeps } from './deps.js';
import { FindingParams, loadFinding } from './findings/routes.js';

/** 责任倒查 is the supervision bureau's (监察): it names every person who had a part. */
const TRACE_READERS: readonly Audience[] = ['supervision'];

const TraceQuery = z.object({ consistent: ConsistentFlag }).strict();
const EventParams = z.object({ eventId: z.uuid() }).strict();

const TraceResponse = z.object({
  from: z.object({ position: z.number(), eventId: z.string(), type: z.string(), subject: z.object({ kind: z.string(), id: z.string() }), subjectLabel: z.string().nullable() }).loose(),
  steps: z.array(ChainSchemas.ChainStep.extend({ via: z.array(z.enum(['outcome', 'causation', 'in-response-to', 'earlier-step'])) })),
  persons: z.array(
    z.object({
      personId: z.string(),
      name: z.string().nullable(),
      now: ChainSchemas.PersonNow,
      parts: z.array(
        z.object({
          position: z.number(),
          eventId: z.string(),
          type: z.string(),
          subject: z.object({ kind: z.string(), id: z.string() }),
          role: z.string(),
          detail: z.record(z.string(), z.unknown()).nullable(),
          heldThen: z.array(ChainSchemas.PostThen),
          marks: z.array(z.enum(['skipped', 'late', 'overridden'])),
        }),
      ),
    }),
  ),
  units: z.array(
    z.object({
      unitId: z.string(),
      name: z.string().nullable(),
      relations: z.array(z.string()),
      answeringToday: ChainSchemas.AnsweringToday,
      parts: z.array(z.object({ position: z.number(), type: z.string(), as: z.enum(['recorded-by-member', 'post-held']) })),
    }),
  ),
  summary: z.object({ steps: z.number(), skipped: z.number(), late: z.number(), overridden: z.number() }),
});

const DESCRIPTION =
  'Walks back from the outcome through its causation and `inResponseTo` links (transitively) and through every earlier ' +
  'step of its subject, to every person (with their part, the posts held then, and where they are now) and every unit ' +
  '(with the unit answering today); steps are marked skipped, late (calendar-day deadlines) or overridden (the head ' +
  'against the majority). Supervision only. Recorded as access.queried.v1.';

/** Query 3, 责任倒查: from a bad outcome back to everyone who had a part in it. */
export function createTraceRoutes(deps: AccountabilityDeps): RouteDefinition[] {
  const answer = (trace: ReverseTrace | null, what: string) => {
    if (trace === null) throw new SubjectNotFound(what);
    return ok(trace);
  };
  return [
    defineRoute({
      method: 'get',
      path: '/traces/events/:eventId',
      operationId: 'traceFromEvent',
      summary: 'Reverse trace (责任倒查) from an outcome event: a revocation, an abolition, a returned transfer…',
      description: DESCRIPTION,
      kind: 'query',
      allow: TRACE_READERS,
      params: EventParams,
      query: TraceQuery,
      response: TraceResponse,
      async handle({ params, query, caller }) {
        await deps.recordAccess(caller, { operationId: 'traceFromEvent', subject: `event-${params.eventId}`, parameters: { ...query } });
        await awaitConsistency(deps, query.consistent);
        return answer(await deps.readModels.read((q) => reverseTrace(q, { eventId: params.eventId })), `event ${params.eventId} (a step of a subject)`);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/traces/findings/:findingId',
      operationId: 'traceFromFinding',
      summary: 'Reverse trace (责任倒查) from an accountability finding (问责决定) back to the steps it found at fault',
      description: `${DESCRIPTION} Starts from the finding's finding.recorded.v1, withdrawn or not (a withdrawal does not erase what was traced).`,
      kind: 'query',
      allow: TRACE_READERS,
      params: FindingParams,
      query: TraceQuery,
      response: TraceResponse,
      async handle({ params, query, caller }) {
        await deps.recordAccess(caller, { operationId: 'traceFromFinding', subject: `finding-${params.findingId}`, parameters: { ...query } });
        const finding = await loadFinding(deps, params.findingId);
        // The finding is in the store; the read models may not hold it yet without `consistent=true`.
        await awaitConsistency(deps, query.consistent);
        return answer(
          await deps.readModels.read((q) => reverseTrace(q, { eventId: finding.recorded.eventId })),
          `finding ${params.findingId} (not yet in the read models: ask with consistent=true)`,
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/traces/:subjectKind/:subjectId',
      operationId: 'traceFromSubject',
      summary: 'Reverse trace (责任倒查) from a subject’s latest step',
      description: DESCRIPTION,
      kind: 'query',
      allow: TRACE_READERS,
      params: SubjectParams,
      query: TraceQuery,
      response: TraceResponse,
      async handle({ params, query, caller }) {
        const subject = subjectOf(params);
        await deps.recordAccess(caller, { operationId: 'traceFromSubject', subject: subjectName(subject), parameters: { ...query } });
        await awaitConsistency(deps, query.consistent);
        return answer(await deps.readModels.read((q) => reverseTrace(q, { subject })), subjectName(subject));
      },
    }),
  ];
}
