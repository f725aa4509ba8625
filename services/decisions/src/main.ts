import { runServices, runtimeConfig } from '@quanze/service-kit';
import { createDecisionsService } from './index.js';

/** This service alone, on the store of QUANZE_STORE_URL (default: ./data, shared with `npm start`), port 3002. */
await runServices(({ store }) => [createDecisionsService({ store })], { name: 'decisions', config: runtimeConfig(process.env, { port: 3002 }) });
