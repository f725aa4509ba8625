/**
 * The worker thread of `startSealerThread` (sealer-thread.ts): a `createSealer` with its own connections to the event
 * store and the integrity store, reporting to the thread that started it and answering its requests.
 */
import { readlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { getPriority, setPriority } from 'node:os';
import { join, resolve } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { SQLITE_FILE_NAME, openEventStore } from '@quanze/eventstore';
import { parseSignerKey } from './note-keys.js';
import { openIntegrityStore } from './open-integrity-store.js';
import { createSealer, type SealerCatchUp } from './sealer.js';
import { openParallelLeafReader } from './sqlite-leaves.js';
import { threadError, type SealerRequest, type SealerThreadReport, type SealerWorkerData } from './sealer-thread.js';

const port = parentPort;
if (port === null) throw new Error('sealer-worker runs as a worker thread');
const settings = workerData as SealerWorkerData;

/**
 * Appends are what people wait for; sealing can lag by a batch. On Linux a thread has a nice value of its own
 * (setpriority on its thread id, which /proc/thread-self names), so this thread — and the catch-up threads it starts,
 * which inherit it — yield a core to the appending thread and its garbage collector when both want it. Elsewhere the
 * thread keeps the process's priority.
 */
function yieldToAppends(): void {
  try {
    // /proc must be this process's own (not a host's mounted into a container): then the thread id is this thread's.
    if (readlinkSync('/proc/self') !== String(process.pid)) return;
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isSafeInteger(threadId) || threadId <= 0) return;
    // Relative to what the process was given (a unit's Nice=, a container's): never higher than it.
    setPriority(threadId, Math.min(19, getPriority(threadId) + SEALER_NICENESS));
  } catch {
    // Not Linux, or not allowed: the sealer runs at the process's priority.
  }
}
const SEALER_NICENESS = 10;
yieldToAppends();
const report = (message: SealerThreadReport) => {
  port.postMessage(message);
};

try {
  const signer = parseSignerKey((await readFile(settings.signingKeyFile, 'utf8')).trim());
  // It reads one page at a time: two connections of a PostgreSQL pool are plenty (an embedded store ignores it).
  const store = await openEventStore(settings.storeUrl, { pollIntervalMs: settings.pollIntervalMs, maxConnections: 2 });
  let integrity;
  try {
    integrity = await openIntegrityStore({ storeUrl: settings.storeUrl, dataFolder: settings.dataFolder });
  } catch (error) {
    // A pool left open would keep this thread, and the failed start's answer, waiting for its idle timeout.
    await store.close();
    throw error;
  }
  // An embedded store's file can be read by several threads at once: a long backlog is hashed on all the cores.
  const catchUp: SealerCatchUp | undefined = settings.storeUrl.startsWith('sqlite:')
    ? {
        headPosition: () => store.headPosition(),
        ...(settings.catchUpMinBacklog === undefined ? {} : { minBacklog: settings.catchUpMinBacklog }),
        open: () => openParallelLeafReader(join(resolve(settings.storeUrl.slice('sqlite:'.length)), SQLITE_FILE_NAME)),
      }
    : undefined;
  const closeAll = async () => {
    await integrity.close();
    await store.close();
  };
  const sealer = createSealer({
    store,
    integrity,
    signer,
    everyEvents: settings.everyEvents,
    everyMs: settings.everyMs,
    ...(catchUp === undefined ? {} : { catchUp }),
    onError: (error) => {
      report({ kind: 'error', error: threadError(error) });
    },
    onCheckpoint: (checkpoint) => {
      report({ kind: 'checkpoint', checkpoint });
    },
    onIntegrated: (treeSize) => {
      report({ kind: 'integrated', treeSize });
    },
  });
  try {
    await sealer.start();
  } catch (error) {
    await closeAll();
    throw error;
  }
  report({ kind: 'started', treeSize: sealer.treeSize });
  port.on('message', (request: SealerRequest) => {
    const answer = async () => {
      if (request.kind === 'checkpoint-now') return { kind: 'answer', id: request.id, checkpoint: await sealer.checkpointNow() } as const;
      await sealer.stop();
      await closeAll();
      return { kind: 'answer', id: request.id, checkpoint: null } as const;
    };
    answer().then(
      (answered) => {
        report(answered);
        if (request.kind === 'stop') port.close();
      },
      (error: unknown) => {
        report({ kind: 'refused', id: request.id, error: threadError(error) });
      },
    );
  });
} catch (error) {
  report({ kind: 'failed-to-start', error: threadError(error) });
  port.close();
}
