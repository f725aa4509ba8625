import { Worker } from 'node:worker_threads';

/**
 * Starts a sibling module of this package as a worker thread. Built, the sibling is a .js file; run from source it
 * is a .ts file, which Node 20 does not load in a worker through the hooks of `--import tsx` (they do not reach a
 * worker's entry), so tsx's own API imports it there.
 */
export function startModuleWorker(name: 'sqlite-leaf-worker' | 'sealer-worker', workerData: unknown): Worker {
  // A pathname, not the URL: imported through tsx's API (in a worker), the URL carries a query of its own.
  if (!new URL(import.meta.url).pathname.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, import.meta.url), { workerData });
  const entry = new URL(`./${name}.ts`, import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((api) => api.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(code, { eval: true, workerData });
}
