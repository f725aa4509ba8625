/**
 * A sealer on a worker thread of its own (series `appends-sealed-thread`): the same createSealer, with its own
 * connections to the store's file and to integrity.sqlite, woken by the store's poll since the appends are made on
 * another connection. Messages: `{ sealedThrough: n }` answers `{ sealed: n }`; `{ stop: true }` answers `{ stopped: true }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createSqliteEventStore } from '@quanze/eventstore';
import { createSealer, createSqliteIntegrityStore, parseSignerKey } from '@quanze/integrity';

const { storePath, integrityPath, signerKey } = workerData as { storePath: string; integrityPath: string; signerKey: string };
const port = parentPort;
if (port === null) throw new Error('sealer-thread runs as a worker thread');
const store = createSqliteEventStore({ path: storePath, pollIntervalMs: 50 });
const integrity = createSqliteIntegrityStore({ path: integrityPath });
const sealer = createSealer({
  store,
  integrity,
  signer: parseSignerKey(signerKey),
  onError: (error) => {
    port.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  },
});
await sealer.start();
port.postMessage({ started: true });
port.on('message', (message: { sealedThrough?: number; stop?: boolean }) => {
  if (message.sealedThrough !== undefined) {
    const position = message.sealedThrough;
    void sealer.sealedThrough(position).then(() => {
      port.postMessage({ sealed: position });
    });
  }
  if (message.stop === true) {
    void sealer
      .stop()
      .then(() => integrity.close())
      .then(() => store.close())
      .then(() => {
        port.postMessage({ stopped: true });
      });
  }
});
