import type { EventStore } from '@quanze/eventstore';
import type { IntegrityStore } from '@quanze/integrity';
import type { AccountabilityReadModels } from '@quanze/accountability';
import { createAccessRecorder, createAccountabilityService } from '@quanze/accountability';
import { createDecisionsService } from '@quanze/decisions';
import { createDocumentsService } from '@quanze/documents';
import { createEnforcementService } from '@quanze/enforcement';
import { createOrganizationService } from '@quanze/organization';
import type { ServiceModule } from '@quanze/service-kit';

/** Every service, as one process mounts them: the domain services share the store, accountability its read models. */
export function createAllServices(deps: {
  store: EventStore;
  readModels: AccountabilityReadModels;
  /** The Merkle log's store: the inbox names the checkpoint that covers each transfer. */
  integrity?: Pick<IntegrityStore, 'checkpointCovering'>;
  clock?: () => Date;
}): readonly ServiceModule[] {
  const clock = deps.clock ?? (() => new Date());
  const domain = { store: deps.store, clock };
  return [
    createOrganizationService(domain),
    createDecisionsService(domain),
    createDocumentsService(domain),
    createEnforcementService(domain),
    createAccountabilityService({
      store: deps.store,
      readModels: deps.readModels.store,
      runner: deps.readModels.runner,
      clock,
      recordAccess: createAccessRecorder(deps.store, clock),
      integrity: deps.integrity,
    }),
  ];
}
