import { runServices, runtimeConfig } from '@quanze/service-kit';
import { createDocumentsService } from './index.js';

/** This service alone, on the store of QUANZE_STORE_URL (default: ./data, shared with `npm start`), port 3003. */
await runServices(({ store }) => [createDocumentsService({ store })], { name: 'documents', config: runtimeConfig(process.env, { port: 3003 }) });
