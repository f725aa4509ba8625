import type { EventStore } from '@quanze/eventstore';
import type { ServiceModule } from '@quanze/service-kit';
import { createDocumentsHandlers } from './commands.js';
import { documentsErrorStatuses } from './errors.js';
import { documentRoutes } from './routes.js';

/** 规范性文件: drafting to abolition, unified registration and gap-free numbering, the list of valid documents. */
export function createDocumentsService(deps: { store: EventStore; clock?: () => Date }): ServiceModule {
  return {
    name: 'documents',
    description:
      'Normative documents (规范性文件): drafting, comment, legality review, collective discussion, unified registration ' +
      'and gap-free numbering (三统一), issue and publication, filing, evaluation, clean-up, abolition; the list of valid documents.',
    routes: documentRoutes(createDocumentsHandlers(deps)),
    errorStatuses: documentsErrorStatuses,
  };
}
