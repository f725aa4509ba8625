import type { EventStore } from '@quanze/eventstore';
import type { ServiceModule } from '@quanze/service-kit';
import { createOrganizationCommands } from './commands.js';
import { organizationErrorStatuses } from './errors.js';
import { createOrganizationQueries } from './queries.js';
import { organizationRoutes } from './routes.js';

/** Units and reforms, posts, officials, 执法证, and the action plan's measures with their responsible units. */
export function createOrganizationService(deps: { store: EventStore; clock?: () => Date }): ServiceModule {
  const commands = createOrganizationCommands(deps);
  const queries = createOrganizationQueries({ store: deps.store, commands, clock: deps.clock ?? (() => new Date()) });
  return {
    name: 'organization',
    description:
      'Units (机构) and their reforms, posts (职位), officials (公职人员) and their appointments and enforcement certificates ' +
      '(行政执法证), and the action plan’s measures (具体措施) with their responsible units (责任单位).',
    routes: organizationRoutes(commands, queries),
    errorStatuses: organizationErrorStatuses,
  };
}
