import { fileURLToPath } from 'node:url';
import type { AccountabilityReadModels } from '@quanze/accountability';
import { createLedgerLogService, openAccountabilityReadModels } from '@quanze/accountability';
import type { LedgerLog } from '@quanze/integrity';
import { ledgerLogConfig, logWitnessReport, openLedgerLog } from '@quanze/integrity';
import { redactStoreUrl } from '@quanze/eventstore';
import { createRelayStatusService } from '@quanze/relay';
import type { Relay } from '@quanze/relay';
import { loadActionPlanSeeds } from '@quanze/seeds';
import { runServices, runtimeConfig } from '@quanze/service-kit';
import { createAllServices } from './services.js';
import { startRelayFromEnv } from './relay.js';

/**
 * `npm start`: every service in one process on the embedded store (SQLite in ./data unless QUANZE_STORE_URL or
 * QUANZE_DATA say otherwise), the action plan seeded on first start, the sealer signing checkpoints of the
 * tamper-evident log (docs/INTEGRITY.md), a development admin token printed.
 */
const config = runtimeConfig();
const logConfig = ledgerLogConfig(config);
let readModels: AccountabilityReadModels | null = null;
// Filled in by beforeListen; an object, so that its type survives the callbacks that assign it.
const opened: { ledgerLog: LedgerLog | null } = { ledgerLog: null };
// The Kafka relay, when QUANZE_KAFKA_BROKERS is set (docs/RELAY.md); without it transfers are read from the inbox API.
const relayed: { relay: Relay | null } = { relay: null };
const system = await runServices(
  ({ store }) => {
    const log = opened.ledgerLog;
    if (readModels === null || log === null) throw new Error('the read models and the log open before the services are created');
    return [
      ...createAllServices({ store, readModels, integrity: log.integrity }),
      createLedgerLogService({
        integrity: log.integrity,
        verifierKey: () => log.verifierKey,
        verifierKeys: () => log.verifierKeys,
        witnessPolicy: () => log.witnessPolicy,
        witnessStatus: () => log.witnessStatus(),
      }),
      // GET /relay: { enabled: false } without Kafka. Not part of readiness: transfers wait in the outbox (docs/RELAY.md).
      createRelayStatusService(() => relayed.relay),
    ];
  },
  {
    name: 'quanze',
    config,
    site: fileURLToPath(new URL('../web', import.meta.url)),
    async beforeListen({ store, logger }) {
      // The sealer follows the log in the background: appends never wait for it.
      const ledgerLog = await openLedgerLog({
        config: logConfig,
        onError: (error) => {
          logger.error({ err: error }, 'the sealer stopped following the ledger; retrying');
        },
        onWitness: logWitnessReport(logger),
      });
      opened.ledgerLog = ledgerLog;
      if (ledgerLog.keyCreated) logger.warn({ file: ledgerLog.keyFile }, 'generated the log signing key; keep it secret and publish the verifier key');
      const seeded = await loadActionPlanSeeds(store);
      logger.info(seeded, seeded.alreadyLoaded ? 'seed data already in the ledger' : 'seeded the action plan');
      // Caught up before the server listens, so the first query already sees the whole ledger.
      readModels = await openAccountabilityReadModels({
        store,
        where: config.readModelsUrl,
        onError: (error) => {
          logger.error({ err: error }, 'read models stopped following the ledger; retrying');
        },
      });
      relayed.relay = await startRelayFromEnv({
        store,
        dataFolder: config.dataFolder,
        storeUrl: config.storeUrl,
        logger,
        checkpointSize: async () => (await ledgerLog.integrity.latestCheckpoint())?.size ?? null,
      });
    },
    onStop: async () => {
      await relayed.relay?.stop();
      await readModels?.close();
      await opened.ledgerLog?.close();
    },
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
      `  log verifier key ${opened.ledgerLog?.verifierKey ?? '?'}   (quanze verify, ${system.url}/log/checkpoint)`,
      '',
      'Development admin token (30 days; admin, supervision, analyst):',
      adminToken,
      '',
      'Tokens for other roles: npm run token -- --roles clerk --person <personId> --unit <unitId> [--post <postId>]',
      '',
    ].join('\n'),
  );
}
