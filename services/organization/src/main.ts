import { runServices, runtimeConfig } from '@quanze/service-kit';
import { createOrganizationService } from './index.js';

/** This service alone, on the store of QUANZE_STORE_URL (default: ./data, shared with `npm start`), port 3001. */
await runServices(({ store }) => [createOrganizationService({ store })], { name: 'organization', config: runtimeConfig(process.env, { port: 3001 }) });
