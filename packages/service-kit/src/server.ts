import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { pino } from 'pino';
import type { EventStore } from '@quanze/eventstore';
import { openEventStore, redactStoreUrl } from '@quanze/eventstore';
import { createApp } from './app.js';
import type { QuanzeApp } from './app.js';
import { createTokenIssuer, createTokenVerifier, loadOrCreateSigningKeys, readSigningKeys, readVerificationKey } from './auth.js';
import type { TokenIssuer, TokenVerifier } from './auth.js';
import { createAccessRecorder } from './access-audit.js';
import { createPostHoldingCheck } from './post-holding.js';
import type { ServiceModule } from './route.js';

export interface RunningServer {
  readonly url: string;
  readonly server: Server;
  /**
   * Stops taking requests, lets the ones in flight finish (their appends with them), then closes idle
   * connections. Resolves when the last response was sent.
   */
  close(): Promise<void>;
}

export async function listen(app: QuanzeApp, options: { port?: number; host?: string } = {}): Promise<RunningServer> {
  const server = createServer(app.express);
  // Slow-loris and stuck clients must not keep a shutdown waiting for ever.
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${String(address.port)}`,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        app.drain();
        server.close((error) => {
          if (error === undefined) resolve();
          else reject(error);
        });
        server.closeIdleConnections();
      }),
  };
}

/** Where a process finds its store and keys: environment variables, each with a default for `npm start`. */
export interface RuntimeConfig {
  readonly storeUrl: string;
  /**
   * Where the read models live (`QUANZE_READ_MODELS_URL`): `sqlite:<folder>` (its readmodels.sqlite) or a PostgreSQL
   * URL. By default the store's PostgreSQL database when the store is one (schema quanze_read_models), otherwise the
   * data folder.
   */
  readonly readModelsUrl: string;
  readonly dataFolder: string;
  readonly port: number;
  readonly host: string;
  /** A private Ed25519 JWK: this process may issue tokens. */
  readonly signingKeyFile: string | null;
  /** A public JWK: this process only verifies tokens. */
  readonly verificationKeyFile: string | null;
  readonly logLevel: string;
}

export function runtimeConfig(env: NodeJS.ProcessEnv = process.env, defaults: { port?: number } = {}): RuntimeConfig {
  // `npm run start -w services/decisions` runs in the service's folder; INIT_CWD is where the user typed it, so
  // every service started from the repository shares ./data with `npm start`.
  const dataFolder = env.QUANZE_DATA ?? join(env.INIT_CWD ?? process.cwd(), 'data');
  const storeUrl = env.QUANZE_STORE_URL ?? `sqlite:${dataFolder}`;
  return {
    storeUrl,
    readModelsUrl: env.QUANZE_READ_MODELS_URL ?? (/^postgres(ql)?:\/\//.test(storeUrl) ? storeUrl : `sqlite:${dataFolder}`),
    dataFolder,
    port: env.PORT === undefined ? (defaults.port ?? 3000) : Number(env.PORT),
    host: env.HOST ?? '127.0.0.1',
    signingKeyFile: env.QUANZE_SIGNING_KEY_FILE ?? null,
    verificationKeyFile: env.QUANZE_VERIFICATION_KEY_FILE ?? null,
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}

/**
 * The tokens of a process: a configured verification key (verify only), a configured signing key, or — the
 * development default — a key generated into the data folder on first start.
 */
export async function loadTokens(config: RuntimeConfig, logger: Logger): Promise<TokenVerifier & Partial<TokenIssuer>> {
  if (config.verificationKeyFile !== null) return createTokenVerifier(await readVerificationKey(config.verificationKeyFile));
  if (config.signingKeyFile !== null) return createTokenIssuer(await readSigningKeys(config.signingKeyFile));
  const file = join(config.dataFolder, 'keys', 'development-signing-key.jwk.json');
  const keys = await loadOrCreateSigningKeys(file);
  if (keys.created) logger.warn({ file }, 'generated a development signing key; set QUANZE_SIGNING_KEY_FILE in production');
  return createTokenIssuer(keys);
}

export interface ServiceProcess {
  readonly url: string;
  readonly store: EventStore;
  readonly tokens: TokenVerifier & Partial<TokenIssuer>;
  readonly logger: Logger;
  stop(): Promise<void>;
}

/**
 * Runs services in this process until SIGINT or SIGTERM: the server drains (in-flight commands finish and
 * their appends commit), then the store closes. A second signal exits at once.
 */
export async function runServices(
  createServices: (deps: { store: EventStore }) => readonly ServiceModule[],
  options: {
    config?: RuntimeConfig;
    name: string;
    site?: string;
    /** Runs once the server has drained and before the store closes: release what `beforeListen` opened. */
    onStop?: () => Promise<void>;
    /** Why the process is not ready beyond the store, or null: `/readyz` answers 503 with it. */
    readiness?: () => Promise<string | null>;
    beforeListen?: (process: Omit<ServiceProcess, 'url' | 'stop'>) => Promise<void>;
  },
): Promise<ServiceProcess> {
  const config = options.config ?? runtimeConfig();
  const logger = pino({ name: options.name, level: config.logLevel });
  const store = await openEventStore(config.storeUrl);
  const tokens = await loadTokens(config, logger);
  await options.beforeListen?.({ store, tokens, logger });
  const app = createApp({
    services: createServices({ store }),
    store,
    tokens,
    logger,
    checkActor: createPostHoldingCheck(store),
    recordAccess: createAccessRecorder(store),
    info: { title: `Quanze — ${options.name}`, version: '0.1.0' },
    ...(options.site === undefined ? {} : { site: options.site }),
    ...(options.readiness === undefined ? {} : { readiness: options.readiness }),
  });
  const server = await listen(app, { port: config.port, host: config.host });
  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      logger.info('draining');
      await server.close();
      await options.onStop?.();
      await store.close();
      logger.info('stopped');
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping !== null) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  logger.info({ url: server.url, store: redactStoreUrl(config.storeUrl) }, 'listening');
  return { url: server.url, store, tokens, logger, stop };
}
