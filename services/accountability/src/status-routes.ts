import { z } from 'zod';
import { DomainError, defineRoute, ok } from '@quanze/service-kit';
import type { Audience, ErrorStatuses, RouteDefinition } from '@quanze/service-kit';
import type { AccountabilityDeps } from './deps.js';

/** A rebuild names a read model this service does not run. */
export class UnknownReadModel extends DomainError {
  readonly code = 'readmodels.unknown';
  constructor(
    readonly names: readonly string[],
    index: number,
  ) {
    super(`no read model is named ${names.join(', ')}`, [['projections', index]]);
  }
}

/** A rebuild was asked while another one runs. */
export class RebuildInProgress extends DomainError {
  readonly code = 'readmodels.rebuild-in-progress';
  constructor() {
    super('a rebuild of the read models is running; ask again when it has finished');
  }
}

export const statusErrorStatuses: ErrorStatuses<UnknownReadModel | RebuildInProgress> = {
  'readmodels.unknown': 422,
  'readmodels.rebuild-in-progress': 409,
};

const RebuildBody = z
  .object({
    projections: z.array(z.string().min(1).max(100)).min(1).max(50).optional().describe('the read models to rebuild; all when omitted'),
  })
  .strict();

const NoQuery = z.object({}).strict();

/** The read models' health: how far behind the store each is; and their rebuild (drop, then replay the whole log). */
export function createStatusRoutes(deps: AccountabilityDeps): RouteDefinition[] {
  let rebuilding = false;
  return [
    defineRoute({
      method: 'get',
      path: '/read-models',
      operationId: 'getReadModelStatus',
      summary: 'Each read model’s checkpoint and lag behind the store, and whether the runner follows it live',
      kind: 'query',
      allow: ['admin', 'supervision'] satisfies Audience[],
      query: NoQuery,
      async handle({ caller }) {
        await deps.recordAccess(caller, { operationId: 'getReadModelStatus', subject: null, parameters: {} });
        return ok({ ...(await deps.runner.status()), rebuilding });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/read-models/rebuild',
      operationId: 'rebuildReadModels',
      summary: 'Drop read models (all, or those named) and replay the whole log into them; answers when done',
      description:
        'Appends nothing to the ledger. While it runs, queries of the read models being rebuilt see them partly filled; a second rebuild is refused (409).',
      // Not a command of the ledger: no event, no idempotency key; it answers the runner's status once done.
      kind: 'query',
      allow: ['admin'] satisfies Audience[],
      body: RebuildBody,
      async handle({ body }) {
        const known = (await deps.runner.status()).projections.map((projection) => projection.name);
        const asked = body.projections;
        const unknown = asked?.findIndex((name) => !known.includes(name)) ?? -1;
        if (asked !== undefined && unknown >= 0) throw new UnknownReadModel(asked.filter((name) => !known.includes(name)), unknown);
        if (rebuilding) throw new RebuildInProgress();
        rebuilding = true;
        try {
          const reached = await deps.runner.rebuild(asked);
          return ok({ rebuilt: asked ?? known, reached, status: await deps.runner.status() });
        } finally {
          rebuilding = false;
        }
      },
    }),
  ];
}
