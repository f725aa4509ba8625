import type { EventStore } from '@quanze/eventstore';
import { createDecisionsService } from '@quanze/decisions';
import { createDocumentsService } from '@quanze/documents';
import { createEnforcementService } from '@quanze/enforcement';
import { createOrganizationService } from '@quanze/organization';
import type { ServiceModule } from '@quanze/service-kit';

/** Every domain service, as one process mounts them: they share the store and nothing else. */
export function createAllServices(deps: { store: EventStore; clock?: () => Date }): readonly ServiceModule[] {
  return [createOrganizationService(deps), createDecisionsService(deps), createDocumentsService(deps), createEnforcementService(deps)];
}
