import type { EventStore } from '@quanze/eventstore';
import type { ServiceModule } from '@quanze/service-kit';
import { caseErrorStatuses, createCaseRoutes } from './case-routes.js';
import { createInspectionRoutes, inspectionErrorStatuses } from './inspection-routes.js';

// The case commands without HTTP: the Kafka relay turns a judicial authority's receipts into the same commands.
export { createCaseCommands } from './case-commands.js';
export type { CaseCommands, CaseRequest } from './case-commands.js';

/**
 * 行政执法: enforcement cases from 立案 to 结案 with their transfer to judicial authorities (行政执法与刑事司法衔接),
 * and random inspections (双随机一公开). Rules and endpoints: docs/ENFORCEMENT.md and docs/INSPECTIONS.md.
 */
export function createEnforcementService(deps: { store: EventStore; clock?: () => Date }): ServiceModule {
  return {
    name: 'enforcement',
    description: '行政执法: cases, transfers of suspected crimes to judicial authorities, random inspections (双随机一公开)',
    routes: [...createCaseRoutes(deps), ...createInspectionRoutes(deps)],
    errorStatuses: { ...caseErrorStatuses, ...inspectionErrorStatuses },
  };
}
