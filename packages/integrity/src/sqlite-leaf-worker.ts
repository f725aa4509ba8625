/** A worker thread of `openParallelLeafReader`: answers `{ from, count }` with that page's leaves (sqlite-leaves.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { openRowLeafReader } from './sqlite-leaves.js';

const { file, integrityFile } = workerData as { file: string; integrityFile: string | undefined };
const reader = openRowLeafReader(file, integrityFile);
const port = parentPort;
if (port === null) throw new Error('sqlite-leaf-worker runs as a worker thread');
port.on('message', ({ from, count, treeSize }: { from: number; count: number; treeSize: number }) => {
  const page = reader.read(from, count, treeSize);
  port.postMessage(page, [page.leaves.buffer as ArrayBuffer]);
});
