/** A worker thread of `openParallelLeafReader`: answers `{ from, count }` with that page's leaves (sqlite-leaves.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { openRowLeafReader } from './sqlite-leaves.js';

const { file } = workerData as { file: string };
const reader = openRowLeafReader(file);
const port = parentPort;
if (port === null) throw new Error('sqlite-leaf-worker runs as a worker thread');
port.on('message', ({ from, count }: { from: number; count: number }) => {
  const page = reader.read(from, count);
  port.postMessage(page, [page.leaves.buffer as ArrayBuffer]);
});
