import type { ServiceModule } from '@quanze/service-kit';
import { createAuditRoutes } from './audit-routes.js';
import { createChainRoutes } from './chain-routes.js';
import type { AccountabilityDeps } from './deps.js';
import { createDossierRoutes } from './dossier-routes.js';
import { findingErrorStatuses } from './findings/errors.js';
import { createFindingRoutes } from './findings/routes.js';
import { createFlagsRoutes } from './flags-routes.js';
import { createInboxRoutes } from './inbox-routes.js';
export { BeyondSealedTree, createLedgerLogService, logErrorStatuses } from './log-routes.js';
export type { LedgerLogDeps } from './log-routes.js';
import { createPublicRoutes } from './public-routes.js';
import { createStatusRoutes, statusErrorStatuses } from './status-routes.js';
import { createTimelineRoutes } from './timeline-routes.js';
import { createTraceRoutes } from './trace-routes.js';

export type { AccountabilityDeps } from './deps.js';
export { AUDITED_ROLES, accessStreamOf, createAccessRecorder, isAudited, recordableParameters } from './access-audit.js';
export { accountabilityProjections, openAccountabilityReadModels } from './read-models.js';
export type { AccountabilityReadModels } from './read-models.js';
export { CONSISTENCY_TIMEOUT_MS, ReadModelsBehind } from './consistency.js';
export { RebuildInProgress, UnknownReadModel } from './status-routes.js';
export { findingDecider, findingStreamId } from './findings/decider.js';
export type { FindingCommand, FindingEvent, FindingState, RecordFinding, WithdrawFinding } from './findings/decider.js';
export * from './findings/errors.js';

/**
 * 问责查询: the accountability queries over the read models — responsibility chains, lifelong dossiers, reverse
 * traces, timelines, flags, transfer inboxes, public views, the access audit and the read models' status — and
 * supervision's own act, the accountability finding (问责决定). Every query of supervision, judicial and analyst
 * users is recorded before it is answered (`recordAccess`). Rules and endpoints: docs/ACCOUNTABILITY.md.
 */
export function createAccountabilityService(deps: AccountabilityDeps): ServiceModule {
  return {
    name: 'accountability',
    description:
      '问责: findings (问责决定) and the queries — responsibility chains, lifelong dossiers (终身), reverse traces (责任倒查), timelines, flags, transfer inboxes, public views, the access audit (访问留痕) and the read models’ status',
    routes: [
      ...createChainRoutes(deps),
      ...createDossierRoutes(deps),
      ...createTraceRoutes(deps),
      ...createTimelineRoutes(deps),
      ...createFlagsRoutes(deps),
      ...createInboxRoutes(deps),
      ...createPublicRoutes(deps),
      ...createAuditRoutes(deps),
      ...createStatusRoutes(deps),
      ...createFindingRoutes(deps),
    ],
    errorStatuses: { ...statusErrorStatuses, ...findingErrorStatuses },
    recordsOwnAccess: true,
  };
}
