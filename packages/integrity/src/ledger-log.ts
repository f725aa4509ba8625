import { z } from 'zod';
import type { EventStore } from '@quanze/eventstore';
import type { IntegrityStore, StoredCheckpoint } from './integrity-store.js';
import { loadOrCreateLogKey, recordLogVerifierKey } from './log-key.js';
import type { NoteSigner } from './note-keys.js';
import { DEFAULT_SEAL_EVERY_EVENTS, DEFAULT_SEAL_EVERY_MS, createSealer, type Sealer } from './sealer.js';
import { openIntegrityStore } from './open-integrity-store.js';

const Whole = (name: string) =>
  z
    .string()
    .regex(/^[1-9][0-9]*$/, `${name} must be a whole number ≥ 1`)
    .transform(Number)
    .refine(Number.isSafeInteger, `${name} is too large`);

const LedgerLogEnv = z.object({
  QUANZE_LOG_SIGNING_KEY_FILE: z.string().min(1).optional(),
  QUANZE_LOG_ORIGIN: z.string().min(1).optional(),
  QUANZE_SEAL_EVERY_EVENTS: Whole('QUANZE_SEAL_EVERY_EVENTS').optional(),
  QUANZE_SEAL_EVERY_MS: Whole('QUANZE_SEAL_EVERY_MS').optional(),
});

/** How a process keeps the tamper-evident log; every field has a default for `npm start`. */
export interface LedgerLogConfig {
  readonly dataFolder: string;
  /** The event store's URL: a PostgreSQL event log keeps its integrity tables in the same database. */
  readonly storeUrl: string;
  /** `QUANZE_LOG_SIGNING_KEY_FILE`: the log's signer key; else `keys/log-signing-key.txt`, generated on first start. */
  readonly signingKeyFile: string | null;
  /** `QUANZE_LOG_ORIGIN`: the origin of a key generated on first start (`quanze.<id>/ledger` when absent). */
  readonly origin: string | null;
  readonly everyEvents: number;
  readonly everyMs: number;
}

export function ledgerLogConfig(
  { dataFolder, storeUrl }: { readonly dataFolder: string; readonly storeUrl: string },
  env: NodeJS.ProcessEnv = process.env,
): LedgerLogConfig {
  const parsed = LedgerLogEnv.safeParse(env);
  if (!parsed.success) {
    throw new TypeError(`invalid ledger log configuration: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  }
  return {
    dataFolder,
    storeUrl,
    signingKeyFile: parsed.data.QUANZE_LOG_SIGNING_KEY_FILE ?? null,
    origin: parsed.data.QUANZE_LOG_ORIGIN ?? null,
    everyEvents: parsed.data.QUANZE_SEAL_EVERY_EVENTS ?? DEFAULT_SEAL_EVERY_EVENTS,
    everyMs: parsed.data.QUANZE_SEAL_EVERY_MS ?? DEFAULT_SEAL_EVERY_MS,
  };
}

/** A process's tamper-evident log: the integrity store, the sealer following the event store, and the keys. */
export interface LedgerLog {
  readonly integrity: IntegrityStore;
  readonly sealer: Sealer;
  readonly signer: NoteSigner;
  /** The current verifier key: what anyone checks this log's checkpoints with. */
  readonly verifierKey: string;
  /** Every verifier key the log has had, oldest first (old checkpoints verify with old keys). */
  readonly verifierKeys: readonly string[];
  readonly keyCreated: boolean;
  readonly keyFile: string;
  /** Stops the sealer (writing and signing what it integrated) and closes the integrity store. */
  close(): Promise<void>;
}

/**
 * Opens the integrity store beside the event store (`integrity.sqlite` in the data folder, or the PostgreSQL
 * database of the events), loads or generates the log key (always in the data folder or the configured file), and
 * starts the sealer.
 */
export async function openLedgerLog(options: {
  readonly store: Pick<EventStore, 'subscribeToAll'>;
  readonly config: LedgerLogConfig;
  readonly onError?: (error: unknown) => void;
  readonly onCheckpoint?: (checkpoint: StoredCheckpoint) => void;
}): Promise<LedgerLog> {
  const { config } = options;
  const key = await loadOrCreateLogKey({ dataFolder: config.dataFolder, configuredFile: config.signingKeyFile, origin: config.origin });
  const verifierKeys = (await recordLogVerifierKey(config.dataFolder, key.signer)).map((verifier) => verifier.verifierKey);
  const integrity = await openIntegrityStore({ storeUrl: config.storeUrl, dataFolder: config.dataFolder });
  const sealer = createSealer({
    store: options.store,
    integrity,
    signer: key.signer,
    everyEvents: config.everyEvents,
    everyMs: config.everyMs,
    ...(options.onError === undefined ? {} : { onError: options.onError }),
    ...(options.onCheckpoint === undefined ? {} : { onCheckpoint: options.onCheckpoint }),
  });
  try {
    await sealer.start();
  } catch (error) {
    await integrity.close();
    throw error;
  }
  let closing: Promise<void> | null = null;
  return {
    integrity,
    sealer,
    signer: key.signer,
    verifierKey: key.signer.verifierKey,
    verifierKeys,
    keyCreated: key.created,
    keyFile: key.file,
    close() {
      closing ??= sealer.stop().finally(() => integrity.close());
      return closing;
    },
  };
}
