import { join } from 'node:path';
import { READ_MODELS_FILE_NAME } from '@quanze/projections';
import { runServices, runtimeConfig } from '@quanze/service-kit';
import { createAccessRecorder } from './access-audit.js';
import { createAccountabilityService } from './index.js';
import { openAccountabilityReadModels } from './read-models.js';
import type { AccountabilityReadModels } from './read-models.js';

/**
 * This service alone, on the store of QUANZE_STORE_URL (default: ./data, shared with `npm start`), port 3005, with
 * its read models in <data>/readmodels.sqlite: caught up before the server listens, then followed live.
 */
const config = runtimeConfig(process.env, { port: 3005 });
let readModels: AccountabilityReadModels | null = null;
await runServices(
  ({ store }) => {
    if (readModels === null) throw new Error('the read models open before the services are created');
    const clock = () => new Date();
    return [createAccountabilityService({ store, db: readModels.db, runner: readModels.runner, clock, recordAccess: createAccessRecorder(store, clock) })];
  },
  {
    name: 'accountability',
    config,
    async beforeListen({ store, logger }) {
      const path = join(config.dataFolder, READ_MODELS_FILE_NAME);
      readModels = await openAccountabilityReadModels({
        store,
        path,
        onError: (error) => {
          logger.error({ err: error }, 'read models stopped following the ledger; retrying');
        },
      });
      const status = await readModels.runner.status();
      logger.info({ path, headPosition: status.headPosition }, 'read models caught up');
    },
    // Stop following the store before it closes; a lost last batch would be replayed from its checkpoint anyway.
    onStop: () => readModels?.close() ?? Promise.resolve(),
    readiness: () => readModels?.notReady() ?? Promise.resolve('the read models are not open'),
  },
);
