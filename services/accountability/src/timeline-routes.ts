import { z } from 'zod';
import { Id } from '@quanze/events';
import { getSubject, timeline } from '@quanze/projections';
import type { Timeline, TimelineOptions } from '@quanze/projections';
import { NotPermitted, SubjectNotFound, defineRoute, hasRole, ok } from '@quanze/service-kit';
import type { Audience, Principal, RouteDefinition } from '@quanze/service-kit';
import {
  AfterParam,
  CHAIN_READERS,
  FromParam,
  LimitParam,
  QueryInstant,
  TimelineSubjectKind,
  ToParam,
  assertSubjectVisible,
  assertUnitVisible,
  partsVisibleTo,
  subjectName,
} from './activity-access.js';
import { ConsistentFlag, awaitConsistency } from './consistency.js';
import type { AccountabilityDeps } from './deps.js';

/** The whole city: supervision and analysts. */
const CITY_READERS: readonly Audience[] = ['supervision', 'analyst'];
/** A person's timeline is their dossier without the outcomes: personal, so supervision's only. */
const PERSON_READERS: readonly Audience[] = ['supervision'];

const TimelineQuery = z
  .object({
    from: FromParam,
    to: ToParam,
    asKnownAt: QueryInstant.optional().describe('only what the ledger had recorded by this instant (recordedAt ≤ it): the timeline as known then'),
    after: AfterParam,
    limit: LimitParam,
    consistent: ConsistentFlag,
  })
  .strict();
type TimelineQuery = z.output<typeof TimelineQuery>;

const TimelineResponse = z.object({
  entries: z.array(
    z.object({
      position: z.number(),
      eventId: z.string(),
      type: z.string(),
      subject: z.object({ kind: z.string(), id: z.string(), label: z.string().nullable() }),
      occurredAt: z.string(),
      recordedAt: z.string(),
      recordedBy: z.object({ personId: z.string(), postId: z.string().nullable(), unitId: z.string().nullable() }),
      participants: z.array(z.object({ personId: z.string(), name: z.string().nullable(), role: z.string(), detail: z.record(z.string(), z.unknown()).nullable() })),
      facts: z.record(z.string(), z.unknown()),
    }),
  ),
  next: z.string().nullable(),
  knownUpToPosition: z.number().nullable(),
  units: z.array(z.string()).optional(),
});

function optionsOf(query: TimelineQuery): TimelineOptions {
  return { from: query.from, to: query.to, asKnownAt: query.asKnownAt, after: query.after, limit: query.limit };
}

/** The timeline without the parts the caller may not see (activity-access.ts). */
function visibleTo(caller: Principal | null, page: Timeline): Timeline {
  return { ...page, entries: page.entries.map((entry) => ({ ...entry, participants: partsVisibleTo(caller, entry.participants) })) };
}

const PAGING =
  'Steps in the order the ledger recorded them (position), a page at a time: pass `next` back as `after`. `from`/`to` ' +
  'bound when the steps occurred; `asKnownAt` shows only what had been recorded by then. Recorded as access.queried.v1 ' +
  'for supervision and analysts.';

/** Query 4: timelines of a subject, a unit, a person or the whole city, over a time range, "as known at" a moment. */
export function createTimelineRoutes(deps: AccountabilityDeps): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/timelines/city',
      operationId: 'getCityTimeline',
      summary: 'The whole city’s timeline: every step of every subject',
      description: PAGING,
      kind: 'query',
      allow: CITY_READERS,
      query: TimelineQuery,
      response: TimelineResponse,
      async handle({ query, caller }) {
        await deps.recordAccess(caller, { operationId: 'getCityTimeline', subject: null, parameters: { ...query } });
        await awaitConsistency(deps, query.consistent);
        return ok(visibleTo(caller, await deps.readModels.read((q) => timeline(q, { city: true }, optionsOf(query)))));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/timelines/units/:unitId',
      operationId: 'getUnitTimeline',
      summary: 'A unit’s timeline: its members’ steps and the steps of its subjects, with those of the units merged into it',
      description: `${PAGING} Heads, legal reviewers and clerks read their own unit’s (and its predecessors’).`,
      kind: 'query',
      allow: CHAIN_READERS,
      params: z.object({ unitId: Id }).strict(),
      query: TimelineQuery,
      response: TimelineResponse,
      async handle({ params, query, caller }) {
        await deps.recordAccess(caller, { operationId: 'getUnitTimeline', subject: `unit-${params.unitId}`, parameters: { ...query } });
        await awaitConsistency(deps, query.consistent);
        const page = await deps.readModels.read(async (q) => {
          await assertUnitVisible(q, caller, params.unitId);
          return timeline(q, { unitId: params.unitId }, optionsOf(query));
        });
        return ok(visibleTo(caller, page));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/timelines/persons/:personId',
      operationId: 'getPersonTimeline',
      summary: 'A person’s timeline: every step that names them, their career included',
      description: `${PAGING} Supervision only: it is personal, like the dossier.`,
      kind: 'query',
      allow: PERSON_READERS,
      params: z.object({ personId: Id }).strict(),
      query: TimelineQuery,
      response: TimelineResponse,
      async handle({ params, query, caller }) {
        await deps.recordAccess(caller, { operationId: 'getPersonTimeline', subject: `person-${params.personId}`, parameters: { ...query } });
        await awaitConsistency(deps, query.consistent);
        return ok(visibleTo(caller, await deps.readModels.read((q) => timeline(q, { personId: params.personId }, optionsOf(query)))));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/timelines/subjects/:subjectKind/:subjectId',
      operationId: 'getSubjectTimeline',
      summary: 'A subject’s timeline: a decision, document, case, measure, inspection, unit or person',
      description: `${PAGING} Heads, legal reviewers and clerks read their own unit’s subjects only; a person’s, supervision only.`,
      kind: 'query',
      allow: CHAIN_READERS,
      params: z.object({ subjectKind: TimelineSubjectKind, subjectId: Id }).strict(),
      query: TimelineQuery,
      response: TimelineResponse,
      async handle({ params, query, caller }) {
        const subject = { kind: params.subjectKind, id: params.subjectId };
        await deps.recordAccess(caller, { operationId: 'getSubjectTimeline', subject: subjectName(subject), parameters: { ...query } });
        // A person's record as a subject is their career: personal, like the dossier — supervision only, whatever the route.
        if (subject.kind === 'person' && !hasRole(caller, 'supervision')) {
          throw new NotPermitted('a person’s timeline is personal, like their dossier: supervision only');
        }
        await awaitConsistency(deps, query.consistent);
        const page = await deps.readModels.read(async (q) => {
          if ((await getSubject(q, subject)) === null) throw new SubjectNotFound(subjectName(subject));
          await assertSubjectVisible(q, caller, subject);
          return timeline(q, { subject }, optionsOf(query));
        });
        return ok(visibleTo(caller, page));
      },
    }),
  ];
}
