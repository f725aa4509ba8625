import { z } from 'zod';
import { Id } from '@quanze/events';
import { PARTICIPANT_ROLES, personDossier } from '@quanze/projections';
import type { ParticipantRole } from '@quanze/projections';
import { SubjectNotFound, defineRoute, ok } from '@quanze/service-kit';
import type { RouteDefinition } from '@quanze/service-kit';
import { AfterParam, DOSSIER_READERS, FromParam, LimitParam, ToParam } from './activity-access.js';
import { ChainSchemas } from './chain-routes.js';
import { ConsistentFlag, awaitConsistency } from './consistency.js';
import type { AccountabilityDeps } from './deps.js';

const RoleParam = z.enum(PARTICIPANT_ROLES as unknown as [ParticipantRole, ...ParticipantRole[]]);

const DossierParams = z.object({ personId: Id }).strict();
const DossierQuery = z
  .object({
    from: FromParam,
    to: ToParam,
    roles: z
      .string()
      .max(1000)
      .transform((text) => text.split(','))
      .pipe(z.array(RoleParam).min(1))
      .optional()
      .describe('only these parts, comma-separated (proposed,reviewed,voted…); every act by default'),
    after: AfterParam,
    limit: LimitParam,
    consistent: ConsistentFlag,
  })
  .strict();

const Outcome = z.object({ position: z.number(), eventId: z.string(), type: z.string(), occurredAt: z.string(), kind: z.string(), detail: z.record(z.string(), z.unknown()) });

/** Query 2, 终身责任: a person's whole record, across every post and unit, with what became of each subject. */
export function createDossierRoutes(deps: AccountabilityDeps): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/dossiers/:personId',
      operationId: 'getPersonDossier',
      summary: 'A person’s lifelong dossier (终身责任): everything they proposed, reviewed, voted, decided, signed or handled',
      description:
        'Across every post and unit they held, each entry with the posts held then and what became of the subject later ' +
        '(revoked, suspended, evaluated, abolished, transfer returned or accepted…); the person’s tenures and where they are ' +
        'now (current posts or retired). Paged by `after`/`limit`; `from`/`to` bound when the steps occurred; `roles` ' +
        'filters the parts. Supervision only: a dossier is personal. Recorded as access.queried.v1.',
      kind: 'query',
      allow: DOSSIER_READERS,
      params: DossierParams,
      query: DossierQuery,
      response: z.object({
        person: z.object({
          personId: z.string(),
          name: z.string().nullable(),
          now: ChainSchemas.PersonNow,
          tenures: z.array(
            z.object({
              postId: z.string(),
              postTitle: z.string().nullable(),
              unitId: z.string(),
              unitNameThen: z.string().nullable(),
              fromOn: z.string(),
              toOn: z.string().nullable(),
              removalReason: z.string().nullable(),
              unitAnsweringToday: ChainSchemas.AnsweringToday,
            }),
          ),
        }),
        entries: z.array(
          z.object({
            position: z.number(),
            eventId: z.string(),
            type: z.string(),
            occurredAt: z.string(),
            recordedAt: z.string(),
            subject: z.object({ kind: z.string(), id: z.string(), label: z.string().nullable() }),
            roles: z.array(z.object({ role: z.string(), detail: z.record(z.string(), z.unknown()).nullable() })),
            heldThen: z.array(ChainSchemas.PostThen),
            laterOutcomes: z.array(Outcome),
            outcome: z.string().nullable(),
          }),
        ),
        next: z.string().nullable(),
      }),
      async handle({ params, query, caller }) {
        await deps.recordAccess(caller, { operationId: 'getPersonDossier', subject: `person-${params.personId}`, parameters: { ...query } });
        await awaitConsistency(deps, query.consistent);
        const dossier = await deps.readModels.read(async (q) => {
          const asked = await personDossier(q, params.personId, {
            from: query.from,
            to: query.to,
            roles: query.roles,
            after: query.after,
            limit: query.limit,
          });
          // 404 when the ledger never met the person — not when the filters left nothing: an outside expert who signed
          // an opinion holds no post, and a narrow time range may hold none of anyone's acts.
          const neverMet =
            asked.person.name === null &&
            asked.person.tenures.length === 0 &&
            asked.entries.length === 0 &&
            (await personDossier(q, params.personId, { limit: 1 })).entries.length === 0;
          if (neverMet) throw new SubjectNotFound(`person ${params.personId}`);
          return asked;
        });
        return ok(dossier);
      },
    }),
  ];
}
