import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EventStore } from '@quanze/eventstore';
import { SQLITE_FILE_NAME, openEventStore } from '@quanze/eventstore';
import {
  INTEGRITY_FILE_NAME,
  LOG_SIGNING_KEY_FILE,
  openIntegrityStore,
  parseSignerKey,
  parseVerifierKey,
  readLogVerifierKeys,
  type IntegrityStore,
  type NoteVerifier,
} from '@quanze/integrity';
import { readFile } from 'node:fs/promises';

/** A usage or set-up problem: exit code 2, not a verdict about the ledger. */
export class UsageError extends Error {
  readonly code = 'cli.usage';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface Location {
  readonly dataFolder: string;
  readonly storeUrl: string;
}

/** As `npm start` finds them: `--data`, else QUANZE_DATA, else ./data; `--store`, else QUANZE_STORE_URL, else sqlite:<data>. */
export function locate(options: { data?: string | undefined; store?: string | undefined }, env: NodeJS.ProcessEnv, cwd: string): Location {
  const dataFolder = resolve(cwd, options.data ?? env.QUANZE_DATA ?? 'data');
  return { dataFolder, storeUrl: options.store ?? env.QUANZE_STORE_URL ?? `sqlite:${dataFolder}` };
}

/** Refuses a folder without a ledger: verifying an empty new folder would prove nothing. */
export function requireLedger(location: Location): void {
  if (location.storeUrl.startsWith('sqlite:')) {
    const file = join(resolve(location.storeUrl.slice('sqlite:'.length)), SQLITE_FILE_NAME);
    if (!existsSync(file)) throw new UsageError(`no event store at ${file}`);
  }
  if (/^postgres(ql)?:\/\//.test(location.storeUrl)) return;
  const integrityFile = join(location.dataFolder, INTEGRITY_FILE_NAME);
  if (!existsSync(integrityFile)) throw new UsageError(`no integrity store at ${integrityFile}: has the sealer (npm start) ever run on this data folder?`);
}

/** Opens what exists, never creates it. */
export async function openStores(location: Location): Promise<{ store: EventStore; integrity: IntegrityStore; close(): Promise<void> }> {
  requireLedger(location);
  const integrity = await openIntegrityStore({ storeUrl: location.storeUrl, dataFolder: location.dataFolder, readonly: true });
  let store: EventStore;
  try {
    store = await openEventStore(location.storeUrl);
  } catch (error) {
    await integrity.close();
    throw error;
  }
  return {
    store,
    integrity,
    async close() {
      await store.close();
      await integrity.close();
    },
  };
}

/**
 * The keys to trust: those given with `--key`, else the data folder's list of the log's verifier keys, else the one
 * of its signing key. Giving `--key` is what an auditor should do: a list in the data folder is only as safe as the
 * folder.
 */
export async function trustedKeys(given: readonly string[], location: Location, env: NodeJS.ProcessEnv): Promise<NoteVerifier[]> {
  if (given.length > 0) {
    return given.map((text) => {
      try {
        return parseVerifierKey(text);
      } catch (error) {
        throw new UsageError(`--key ${text}: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  }
  const listed = await readLogVerifierKeys(location.dataFolder);
  if (listed.length > 0) return listed;
  const signingKeyFile = env.QUANZE_LOG_SIGNING_KEY_FILE ?? join(location.dataFolder, LOG_SIGNING_KEY_FILE);
  if (existsSync(signingKeyFile)) return [parseVerifierKey(parseSignerKey((await readFile(signingKeyFile, 'utf8')).trim()).verifierKey)];
  throw new UsageError('no verifier key: give the log’s verifier key with --key (see GET /log/key or the npm start printout)');
}
