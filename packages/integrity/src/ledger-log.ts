import { z } from 'zod';
import type { IntegrityStore, StoredCheckpoint } from './integrity-store.js';
import { loadOrCreateLogKey, recordLogVerifierKey } from './log-key.js';
import type { NoteSigner } from './note-keys.js';
import { DEFAULT_SEAL_EVERY_EVENTS, DEFAULT_SEAL_EVERY_MS, type Sealer } from './sealer.js';
import { createSealerThread } from './sealer-thread.js';
import { openIntegrityStore } from './open-integrity-store.js';
import { SignatureType, parseVerifierKey } from './note-keys.js';
import {
  createWitnessSubmitter,
  witnessOverview,
  type ConfiguredWitness,
  type WitnessOverview,
  type WitnessReport,
  type WitnessSubmitter,
} from './witness-submitter.js';

const Whole = (name: string) =>
  z
    .string()
    .regex(/^[1-9][0-9]*$/, `${name} must be a whole number ≥ 1`)
    .transform(Number)
    .refine(Number.isSafeInteger, `${name} is too large`);

/** One `<url>=<witness verifier key>`: the key has no `=` (33 bytes are base64 without padding), a URL may. */
const WitnessEntry = z.string().transform((entry, context): ConfiguredWitness => {
  const split = entry.lastIndexOf('=');
  const url = entry.slice(0, split).trim();
  const verifierKey = entry.slice(split + 1).trim();
  if (split < 0 || !/^https?:\/\/[^\s]+$/.test(url) || !URL.canParse(url)) {
    context.addIssue({ code: 'custom', message: `"${entry}" is not <http(s) url>=<witness verifier key>` });
    return z.NEVER;
  }
  try {
    if (parseVerifierKey(verifierKey).type !== SignatureType.cosignatureV1) {
      context.addIssue({ code: 'custom', message: `the key of ${url} is not a witness cosignature key (type 0x04)` });
      return z.NEVER;
    }
  } catch (error) {
    context.addIssue({ code: 'custom', message: `the key of ${url}: ${error instanceof Error ? error.message : String(error)}` });
    return z.NEVER;
  }
  return { url, verifierKey };
});

const LedgerLogEnv = z
  .object({
    QUANZE_LOG_SIGNING_KEY_FILE: z.string().min(1).optional(),
    QUANZE_LOG_ORIGIN: z.string().min(1).optional(),
    QUANZE_SEAL_EVERY_EVENTS: Whole('QUANZE_SEAL_EVERY_EVENTS').optional(),
    QUANZE_SEAL_EVERY_MS: Whole('QUANZE_SEAL_EVERY_MS').optional(),
    QUANZE_WITNESSES: z
      .string()
      .optional()
      .transform((text) => (text ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''))
      .pipe(z.array(WitnessEntry))
      .refine((witnesses) => new Set(witnesses.map((w) => w.verifierKey)).size === witnesses.length, 'a witness key is listed twice'),
    QUANZE_WITNESS_QUORUM: z
      .string()
      .regex(/^(0|[1-9][0-9]*)$/, 'QUANZE_WITNESS_QUORUM must be a whole number ≥ 0')
      .transform(Number)
      .optional(),
  })
  .superRefine((env, context) => {
    const quorum = env.QUANZE_WITNESS_QUORUM;
    if (quorum !== undefined && quorum > env.QUANZE_WITNESSES.length) {
      context.addIssue({
        code: 'custom',
        path: ['QUANZE_WITNESS_QUORUM'],
        message: `a quorum of ${quorum} cannot be met by the ${env.QUANZE_WITNESSES.length} witnesses of QUANZE_WITNESSES`,
      });
    }
  });

/** A majority of the witnesses unless told otherwise: with more than half, two forks cannot both meet it. */
export function defaultWitnessQuorum(witnesses: number): number {
  return witnesses === 0 ? 0 : Math.floor(witnesses / 2) + 1;
}

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
  /** `QUANZE_WITNESSES`: the witnesses every checkpoint is submitted to (none by default). */
  readonly witnesses: readonly ConfiguredWitness[];
  /** `QUANZE_WITNESS_QUORUM`: how many of them a checkpoint should carry; a majority by default. */
  readonly witnessQuorum: number;
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
    witnesses: parsed.data.QUANZE_WITNESSES,
    witnessQuorum: parsed.data.QUANZE_WITNESS_QUORUM ?? defaultWitnessQuorum(parsed.data.QUANZE_WITNESSES.length),
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
  /** The witnesses' verifier keys and the quorum a checkpoint should carry (what verifiers are told to require). */
  readonly witnessPolicy: { readonly witnesses: readonly string[]; readonly quorum: number };
  /** Whether the latest checkpoint carries the quorum, and each witness's last answer (a refusal is evidence). */
  witnessStatus(): Promise<WitnessOverview>;
  /** Stops the sealer (writing and signing what it integrated) and closes the integrity store. */
  close(): Promise<void>;
}

/**
 * Opens the integrity store beside the event store (`integrity.sqlite` in the data folder, or the PostgreSQL
 * database of the events), loads or generates the log key (always in the data folder or the configured file), and
 * starts the sealer on a worker thread of its own, which follows the store `config.storeUrl` names through
 * connections of its own (so appends never wait for the hashing).
 */
export async function openLedgerLog(options: {
  readonly config: LedgerLogConfig;
  readonly onError?: (error: unknown) => void;
  readonly onCheckpoint?: (checkpoint: StoredCheckpoint) => void;
  /** Each witness's cosignature or failure (a witness down is retried with backoff; it never blocks sealing). */
  readonly onWitness?: (report: WitnessReport) => void;
  /** How often the sealer's thread looks for new events in an embedded store (its appends cannot wake it). */
  readonly pollIntervalMs?: number;
}): Promise<LedgerLog> {
  const { config } = options;
  const key = await loadOrCreateLogKey({ dataFolder: config.dataFolder, configuredFile: config.signingKeyFile, origin: config.origin });
  const verifierKeys = (await recordLogVerifierKey(config.dataFolder, key.signer)).map((verifier) => verifier.verifierKey);
  const integrity = await openIntegrityStore({ storeUrl: config.storeUrl, dataFolder: config.dataFolder });
  const witnessing: WitnessSubmitter | null =
    config.witnesses.length === 0
      ? null
      : createWitnessSubmitter({
          integrity,
          witnesses: config.witnesses,
          quorum: config.witnessQuorum,
          ...(options.onWitness === undefined ? {} : { onReport: options.onWitness }),
        });
  const sealer = createSealerThread({
    settings: {
      storeUrl: config.storeUrl,
      dataFolder: config.dataFolder,
      signingKeyFile: key.file,
      everyEvents: config.everyEvents,
      everyMs: config.everyMs,
      pollIntervalMs: options.pollIntervalMs ?? 100,
    },
    ...(options.onError === undefined ? {} : { onError: options.onError }),
    onCheckpoint: (checkpoint) => {
      witnessing?.checkpointAdded();
      options.onCheckpoint?.(checkpoint);
    },
    // A thread that died after signing and before reporting it: the witnesses look at the latest checkpoint again.
    onStarted: () => {
      witnessing?.checkpointAdded();
    },
  });
  try {
    await sealer.start();
  } catch (error) {
    await integrity.close();
    throw error;
  }
  witnessing?.start();
  let closing: Promise<void> | null = null;
  return {
    integrity,
    sealer,
    signer: key.signer,
    verifierKey: key.signer.verifierKey,
    verifierKeys,
    keyCreated: key.created,
    keyFile: key.file,
    witnessPolicy: { witnesses: config.witnesses.map((witness) => witness.verifierKey), quorum: config.witnessQuorum },
    witnessStatus: () =>
      witnessOverview({ integrity, witnesses: config.witnesses, quorum: config.witnessQuorum, statuses: witnessing?.status() ?? [] }),
    close() {
      // The last checkpoint the sealer signs on its way out is submitted on the next start.
      closing ??= (witnessing?.stop() ?? Promise.resolve()).then(() => sealer.stop()).finally(() => integrity.close());
      return closing;
    },
  };
}
