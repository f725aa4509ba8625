import { runServices, runtimeConfig } from '@quanze/service-kit';
import { createEnforcementService } from './index.js';

/** This service alone, on the store of QUANZE_STORE_URL (default: ./data, shared with `npm start`), port 3004. */
await runServices(({ store }) => [createEnforcementService({ store })], { name: 'enforcement', config: runtimeConfig(process.env, { port: 3004 }) });
