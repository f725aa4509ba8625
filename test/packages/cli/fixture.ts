import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openEventStore } from '@quanze/eventstore';
import { INTEGRITY_FILE_NAME, createSealer, createSqliteIntegrityStore, loadOrCreateLogKey, recordLogVerifierKey } from '@quanze/integrity';
import { newStreamId, proposedEvents } from '../../support/events.js';

export const ORIGIN = 'quanze.tamper-test/ledger';
export const CASE_ID = 'c0ffee00-0000-4000-8000-000000000001';

export interface SealedFolder {
  readonly folder: string;
  readonly verifierKey: string;
  /** Checkpoint sizes in the order they were signed. */
  readonly checkpointSizes: readonly number[];
}

/**
 * A real data folder as `npm start` leaves it: 40 events in events.sqlite (the case's five among them, at positions
 * 3, 9, 16, 22 and 28), sealed in integrity.sqlite with checkpoints at 10, 25 and 40, the log key in keys/.
 */
export async function sealedFolder(): Promise<SealedFolder> {
  const folder = await mkdtemp(join(tmpdir(), 'quanze-tamper-'));
  const store = await openEventStore(`sqlite:${folder}`);
  const integrity = createSqliteIntegrityStore({ path: join(folder, INTEGRITY_FILE_NAME) });
  const key = await loadOrCreateLogKey({ dataFolder: folder, origin: ORIGIN });
  await recordLogVerifierKey(folder, key.signer);
  const sealer = createSealer({ store, integrity, signer: key.signer, everyEvents: 1_000_000, everyMs: 60_000 });
  await sealer.start();
  let caseVersion = 0;
  for (let position = 1; position <= 40; position++) {
    if ([3, 9, 16, 22, 28].includes(position)) {
      await store.appendToStream(`case-${CASE_ID}`, proposedEvents(1, () => ({ step: caseVersion, note: `step ${caseVersion}` })), { expectedVersion: caseVersion });
      caseVersion += 1;
    } else {
      await store.appendToStream(newStreamId(), proposedEvents(1, () => ({ n: position, text: `event ${position}` })));
    }
    if ([10, 25, 40].includes(position)) {
      await sealer.sealedThrough(position);
      await sealer.checkpointNow();
    }
  }
  await sealer.stop();
  await store.close();
  await integrity.close();
  return { folder, verifierKey: key.signer.verifierKey, checkpointSizes: [10, 25, 40] };
}

/** A copy to tamper with, so that each test starts from the intact folder. */
export async function copyOf(original: SealedFolder): Promise<SealedFolder & { remove(): Promise<void> }> {
  const folder = await mkdtemp(join(tmpdir(), 'quanze-tamper-copy-'));
  await cp(original.folder, folder, { recursive: true });
  return { ...original, folder, remove: () => rm(folder, { recursive: true, force: true }) };
}

const BIN = fileURLToPath(new URL('../../../packages/cli/bin/quanze.js', import.meta.url));

/** `quanze …` as a real child process, the way a person runs it. */
export function quanze(args: readonly string[], cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // The test's own folders only, never a QUANZE_DATA or QUANZE_STORE_URL of the shell that runs the tests.
    const { QUANZE_DATA: _data, QUANZE_STORE_URL: _store, ...env } = process.env;
    execFile(process.execPath, [BIN, ...args], { cwd: cwd ?? process.cwd(), env }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}
