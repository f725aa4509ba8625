import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Emmett's PostgreSQL store lives in a folder of its own (emmett-postgresql/, its own package.json and lock): no
 * emmett-postgresql 0.38.5 exists, the closest release is 0.42.0, and its peer pins @event-driven-io/emmett 0.42.0
 * while the SQLite bench pins 0.38.5 — one npm tree cannot hold both. Typed here by what the bench calls, loaded at
 * run time, so that the bench type-checks without it installed.
 */
export const EMMETT_FOLDER = fileURLToPath(new URL('./emmett-postgresql/', import.meta.url));
const MANIFEST = `${EMMETT_FOLDER}package.json`;

export interface EmmettMessage {
  readonly type: string;
  readonly data: unknown;
  readonly metadata: { readonly messageId: string; readonly globalPosition: bigint; readonly [key: string]: unknown };
}

export interface EmmettPgStore {
  appendToStream(
    streamName: string,
    events: readonly { type: string; data: unknown; metadata: Record<string, unknown> }[],
    options?: { expectedStreamVersion?: bigint },
  ): Promise<{ nextExpectedStreamVersion: bigint }>;
  close(): Promise<void>;
}

export interface EmmettSqlExecutor {
  readonly execute: unknown;
  close(): Promise<void>;
}

export interface EmmettPgPool {
  connect(): Promise<{ release(): void }>;
  end(): Promise<void>;
}

export interface EmmettPostgres {
  readonly version: string;
  getPostgreSQLEventStore(connectionString: string, options?: { connectionOptions?: { pool: EmmettPgPool } }): EmmettPgStore;
  /** What its consumers' batch puller calls, `after` the last delivered global position. */
  readMessagesBatch(
    execute: unknown,
    options: { after: bigint; batchSize: number },
  ): Promise<{ currentGlobalPosition: bigint; messages: EmmettMessage[]; areMessagesLeft: boolean }>;
  /** dumbo, Emmett's SQL layer: the executor readMessagesBatch takes. */
  dumbo(options: { connectionString: string }): EmmettSqlExecutor;
  /** A pool of the `pg` Emmett itself loads (it checks `instanceof pg.Pool`). */
  newPool(options: { connectionString: string; max: number }): EmmettPgPool;
}

/** Installs the folder's locked tree (npm ci) when it is missing. */
export function ensureEmmettInstalled(log: (line: string) => void): void {
  if (existsSync(`${EMMETT_FOLDER}node_modules/@event-driven-io/emmett-postgresql/package.json`)) return;
  log(`installing Emmett's PostgreSQL store into ${EMMETT_FOLDER} (npm ci; its own tree, see emmett-module.ts)`);
  execFileSync('npm', ['ci', '--prefix', EMMETT_FOLDER, '--no-audit', '--no-fund'], { stdio: 'inherit' });
}

export function loadEmmettPostgres(): EmmettPostgres {
  const require = createRequire(MANIFEST);
  const emmett = require('@event-driven-io/emmett-postgresql') as Pick<EmmettPostgres, 'getPostgreSQLEventStore' | 'readMessagesBatch'>;
  const { dumbo } = require('@event-driven-io/dumbo') as Pick<EmmettPostgres, 'dumbo'>;
  const pg = require('pg') as { Pool: new (options: { connectionString: string; max: number }) => EmmettPgPool };
  const manifest = JSON.parse(
    readFileSync(`${EMMETT_FOLDER}node_modules/@event-driven-io/emmett-postgresql/package.json`, 'utf8'),
  ) as { version: string };
  return {
    version: manifest.version,
    getPostgreSQLEventStore: emmett.getPostgreSQLEventStore,
    readMessagesBatch: emmett.readMessagesBatch,
    dumbo,
    newPool: (options) => new pg.Pool(options),
  };
}
