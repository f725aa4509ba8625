import { z } from 'zod';
import { factsOf, responsibilityChain } from '@quanze/projections';
import { SubjectNotFound, defineRoute, hasRole, ok } from '@quanze/service-kit';
import type { RouteDefinition } from '@quanze/service-kit';
import { CHAIN_READERS, SubjectParams, assertSubjectVisible, partsVisibleTo, subjectName, subjectOf } from './activity-access.js';
import { ConsistentFlag, awaitConsistency } from './consistency.js';
import type { AccountabilityDeps } from './deps.js';

const ChainQuery = z.object({ consistent: ConsistentFlag }).strict();

const PostThen = z.object({
  postId: z.string().nullable(),
  postTitle: z.string().nullable(),
  unitId: z.string().nullable(),
  unitName: z.string().nullable(),
  source: z.enum(['recorded', 'tenure']),
});
const Mark = z.object({ kind: z.enum(['skipped', 'late', 'overridden']), rule: z.string(), article: z.string(), detail: z.record(z.string(), z.unknown()) });
const ChainStep = z.object({
  position: z.number(),
  eventId: z.string(),
  type: z.string(),
  subject: z.object({ kind: z.string(), id: z.string() }),
  occurredAt: z.string(),
  recordedAt: z.string(),
  occurredOn: z.string(),
  recordedBy: z.object({ personId: z.string(), postId: z.string().nullable(), unitId: z.string().nullable() }),
  causationId: z.string().nullable(),
  inResponseTo: z.array(z.string()),
  facts: z.record(z.string(), z.unknown()),
  participants: z.array(
    z.object({ personId: z.string(), name: z.string().nullable(), role: z.string(), detail: z.record(z.string(), z.unknown()).nullable(), heldThen: z.array(PostThen) }),
  ),
  marks: z.array(Mark),
});
const AnsweringToday = z.object({
  successorChain: z.array(z.object({ unitId: z.string(), name: z.string(), via: z.enum(['merged', 'dissolved']), on: z.string() })),
  responsibleToday: z.object({ unitId: z.string(), name: z.string() }).nullable(),
  chainEnds: z.string(),
});
const PersonNow = z.object({
  status: z.enum(['in-post', 'retired', 'no-post', 'unknown']),
  posts: z.array(
    z.object({
      postId: z.string(),
      postTitle: z.string().nullable(),
      unitId: z.string(),
      unitName: z.string().nullable(),
      sinceOn: z.string(),
      unitAnsweringToday: AnsweringToday,
    }),
  ),
  retiredOn: z.string().nullable(),
});

/** The OpenAPI shapes shared by the chain and the trace. */
export const ChainSchemas = { PostThen, Mark, ChainStep, PersonNow, AnsweringToday };

/** Query 1, 责任链: every step of a decision, document, case, measure or inspection, and who answers for it today. */
export function createChainRoutes(deps: AccountabilityDeps): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/chains/:subjectKind/:subjectId',
      operationId: 'getResponsibilityChain',
      summary: 'The responsibility chain (责任链) of a subject: every step, who did it in which post and unit then, where they are now',
      description:
        'Each step with the person who recorded it (post and unit as recorded then) and every person it names with their part ' +
        'and the posts they held that day; each unit with the unit answering for it today (after mergers); each person with ' +
        'their current posts or retirement; the subject’s outcomes; marks (skipped, late, overridden). Heads, legal reviewers ' +
        'and clerks read their own unit’s subjects only. Recorded as access.queried.v1 for supervision and analysts.',
      kind: 'query',
      allow: CHAIN_READERS,
      params: SubjectParams,
      query: ChainQuery,
      response: z.object({
        subject: z.object({ kind: z.string(), id: z.string(), label: z.string().nullable(), firstPosition: z.number(), lastPosition: z.number() }),
        steps: z.array(ChainStep),
        persons: z.array(z.object({ personId: z.string(), name: z.string().nullable(), now: PersonNow })),
        units: z.array(z.object({ unitId: z.string(), name: z.string().nullable(), relations: z.array(z.string()), answeringToday: AnsweringToday })),
        outcomes: z.array(z.object({ position: z.number(), eventId: z.string(), type: z.string(), occurredAt: z.string(), kind: z.string(), detail: z.record(z.string(), z.unknown()) })),
      }),
      async handle({ params, query, caller }) {
        const subject = subjectOf(params);
        await deps.recordAccess(caller, { operationId: 'getResponsibilityChain', subject: subjectName(subject), parameters: { ...query } });
        await awaitConsistency(deps, query.consistent);
        const chain = await deps.readModels.read(async (q) => {
          const found = await responsibilityChain(q, subject);
          if (found === null) throw new SubjectNotFound(subjectName(subject));
          await assertSubjectVisible(q, caller, subject);
          return found;
        });
        // Reasons, conclusions and findings are free text that may name a suspect or a citizen: supervision reads them
        // here; everyone else reads the facts (ids, dates, kinds) with the text marked as given.
        if (hasRole(caller, 'supervision')) return ok(chain);
        const steps = chain.steps.map((step) => ({
          ...step,
          participants: partsVisibleTo(caller, step.participants).map((participant) => ({
            ...participant,
            detail: participant.detail === null ? null : factsOf(participant.detail),
          })),
        }));
        // A person named only in a part the caller does not see is not listed either.
        const named = new Set(steps.flatMap((step) => [step.recordedBy.personId, ...step.participants.map((participant) => participant.personId)]));
        return ok({
          ...chain,
          outcomes: chain.outcomes.map((outcome) => ({ ...outcome, detail: factsOf(outcome.detail) })),
          steps,
          persons: chain.persons.filter((person) => named.has(person.personId)),
        });
      },
    }),
  ];
}
