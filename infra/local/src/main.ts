import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AccountabilityReadModels } from '@quanze/accountability';
import { openAccountabilityReadModels } from '@quanze/accountability';
import { redactStoreUrl } from '@quanze/eventstore';
import { READ_MODELS_FILE_NAME } from '@quanze/projections';
import { loadActionPlanSeeds } from '@quanze/seeds';
import { runServices, runtimeConfig } from '@quanze/service-kit';
import { createAllServices } from './services.js';

/**
 * `npm start`: every service in one process on the embedded store (SQLite in ./data unless QUANZE_STORE_URL or
 * QUANZE_DATA say otherwise), the action plan seeded on first start, a development admin token printed.
 */
const config = runtimeConfig();
let readModels: AccountabilityReadModels | null = null;
const system = await runServices(
  ({ store }) => {
    if (readModels === null) throw new Error('the read models open before the services are created');
    return createAllServices({ store, readModels });
  },
  {
    name: 'quanze',
    config,
    site: fileURLToPath(new URL('../web', import.meta.url)),
    async beforeListen({ store, logger }) {
      const seeded = await loadActionPlanSeeds(store);
      logger.info(seeded, seeded.alreadyLoaded ? 'seed data already in the ledger' : 'seeded the action plan');
      // Caught up before the server listens, so the first query already sees the whole ledger.
      readModels = await openAccountabilityReadModels({
        store,
        path: join(config.dataFolder, READ_MODELS_FILE_NAME),
        onError: (error) => {
          logger.error({ err: error }, 'read models stopped following the ledger; retrying');
        },
      });
    },
    onStop: () => readModels?.close() ?? Promise.resolve(),
    readiness: () => readModels?.notReady() ?? Promise.resolve('the read models are not open'),
  },
);

if (system.tokens.issue === undefined) {
  process.stdout.write(`\nQuanze is running at ${system.url} (tokens verified with ${config.verificationKeyFile ?? '?'})\n`);
} else {
  const adminToken = await system.tokens.issue(
    { personId: 'dev-admin', postId: null, unitId: null, roles: ['admin', 'supervision', 'analyst'] },
    { expiresIn: '30d' },
  );
  process.stdout.write(
    [
      '',
      `Quanze (权责) is running on ${redactStoreUrl(config.storeUrl)}`,
      `  web UI           ${system.url}/`,
      `  API explorer     ${system.url}/docs`,
      `  OpenAPI          ${system.url}/openapi.json`,
      `  health           ${system.url}/healthz   ${system.url}/readyz`,
      '',
      'Development admin token (30 days; admin, supervision, analyst):',
      adminToken,
      '',
      'Tokens for other roles: npm run token -- --roles clerk --person <personId> --unit <unitId> [--post <postId>]',
      '',
    ].join('\n'),
  );
}
