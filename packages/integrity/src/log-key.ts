import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { generateNoteKey, parseSignerKey, parseVerifierKey, type NoteSigner, type NoteVerifier } from './note-keys.js';

/** In the data folder: the log's secret signer key, and every verifier key it has had (one per line, oldest first). */
export const LOG_SIGNING_KEY_FILE = join('keys', 'log-signing-key.txt');
export const LOG_VERIFIER_KEYS_FILE = join('keys', 'log-verifier-keys.txt');

/** A default origin unique to a data folder, for logs whose operator named none: `quanze.<8 hex>/ledger`. */
export function defaultLogOrigin(): string {
  return `quanze.${randomBytes(4).toString('hex')}/ledger`;
}

export interface LogKey {
  readonly signer: NoteSigner;
  /** The file the signer key was read from. */
  readonly file: string;
  /** True when this call generated the key. */
  readonly created: boolean;
}

/**
 * The log's signing key: the file `QUANZE_LOG_SIGNING_KEY_FILE` names (`configuredFile`), or `keys/log-signing-key.txt`
 * in the data folder, generated there on first start (mode 0600, never overwritten: `wx` lets two processes starting
 * at once agree on one key). The key's name is the log's origin.
 */
export async function loadOrCreateLogKey(options: {
  readonly dataFolder: string;
  readonly configuredFile?: string | null;
  /** The origin of a generated key; a random `quanze.<id>/ledger` when absent. */
  readonly origin?: string | null;
}): Promise<LogKey> {
  if (options.configuredFile != null) {
    return { signer: parseSignerKey((await readFile(options.configuredFile, 'utf8')).trim()), file: options.configuredFile, created: false };
  }
  const file = join(options.dataFolder, LOG_SIGNING_KEY_FILE);
  try {
    return { signer: parseSignerKey((await readFile(file, 'utf8')).trim()), file, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { signerKey } = generateNoteKey(options.origin ?? defaultLogOrigin());
  await mkdir(dirname(file), { recursive: true });
  try {
    await writeFile(file, `${signerKey}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return { signer: parseSignerKey((await readFile(file, 'utf8')).trim()), file, created: false };
    }
    throw error;
  }
  return { signer: parseSignerKey(signerKey), file, created: true };
}

/** The verifier keys the log has had, oldest first, from `keys/log-verifier-keys.txt` (none when it is missing). */
export async function readLogVerifierKeys(dataFolder: string): Promise<NoteVerifier[]> {
  let text: string;
  try {
    text = await readFile(join(dataFolder, LOG_VERIFIER_KEYS_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map(parseVerifierKey);
}

/**
 * Adds the signer's verifier key to `keys/log-verifier-keys.txt` unless it is listed: after a rotation, the file
 * lists the old keys (which old checkpoints verify with) and the new one. Returns every listed key.
 */
export async function recordLogVerifierKey(dataFolder: string, signer: NoteSigner): Promise<NoteVerifier[]> {
  const known = await readLogVerifierKeys(dataFolder);
  if (known.some((key) => key.verifierKey === signer.verifierKey)) return known;
  const file = join(dataFolder, LOG_VERIFIER_KEYS_FILE);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${signer.verifierKey}\n`, { flag: 'a', mode: 0o644 });
  return [...known, parseVerifierKey(signer.verifierKey)];
}
