import type { LedgerLog } from '@quanze/integrity';
import { ledgerLogConfig, logWitnessReport, openLedgerLog } from '@quanze/integrity';
import { runServices, runtimeConfig } from '@quanze/service-kit';
import { createAccessRecorder } from './access-audit.js';
import { createAccountabilityService } from './index.js';
import { createLedgerLogService } from './log-routes.js';
import { openAccountabilityReadModels } from './read-models.js';
import type { AccountabilityReadModels } from './read-models.js';

/**
 * This service alone, on the store of QUANZE_STORE_URL (default: ./data, shared with `npm start`), port 3005, with
 * its read models where QUANZE_READ_MODELS_URL says (default: <data>/readmodels.sqlite, or the store's PostgreSQL
 * database): caught up before the server listens, then followed live; and the
 * sealer of the tamper-evident log with its routes under /log.
 */
const config = runtimeConfig(process.env, { port: 3005 });
let readModels: AccountabilityReadModels | null = null;
let ledgerLog: LedgerLog | null = null;
await runServices(
  ({ store }) => {
    if (readModels === null || ledgerLog === null) throw new Error('the read models and the log open before the services are created');
    const clock = () => new Date();
    const log = ledgerLog;
    return [
      createAccountabilityService({
        store,
        readModels: readModels.store,
        runner: readModels.runner,
        clock,
        recordAccess: createAccessRecorder(store, clock),
        integrity: log.integrity,
      }),
      createLedgerLogService({
        integrity: log.integrity,
        verifierKey: () => log.verifierKey,
        verifierKeys: () => log.verifierKeys,
        witnessPolicy: () => log.witnessPolicy,
        witnessStatus: () => log.witnessStatus(),
      }),
    ];
  },
  {
    name: 'accountability',
    config,
    async beforeListen({ store, logger }) {
      // The sealer of the tamper-evident log, here when this service runs alone (one sealer per data folder).
      ledgerLog = await openLedgerLog({
        config: ledgerLogConfig(config),
        onError: (error) => {
          logger.error({ err: error }, 'the sealer stopped following the ledger; retrying');
        },
        onWitness: logWitnessReport(logger),
      });
      logger.info({ verifierKey: ledgerLog.verifierKey }, 'sealing the ledger');
      readModels = await openAccountabilityReadModels({
        store,
        where: config.readModelsUrl,
        onError: (error) => {
          logger.error({ err: error }, 'read models stopped following the ledger; retrying');
        },
      });
      const status = await readModels.runner.status();
      logger.info({ readModels: readModels.store.location, headPosition: status.headPosition }, 'read models caught up');
    },
    // Stop following the store before it closes; a lost last batch would be replayed from its checkpoint anyway.
    onStop: async () => {
      await readModels?.close();
      await ledgerLog?.close();
    },
    readiness: () => readModels?.notReady() ?? Promise.resolve('the read models are not open'),
  },
);
