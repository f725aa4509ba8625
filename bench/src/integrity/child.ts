/**
 * One series of the integrity suite in a process of its own, so that its peak RSS is its own. Started by
 * integrity/main.ts with the config as its one argument (JSON); answers with one report over IPC.
 */
import { hash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createLedgerLogService } from '@quanze/accountability';
import { run } from '@quanze/cli';
import { SQLITE_FILE_NAME, createSqliteEventStore, openEventStore } from '@quanze/eventstore';
import type { EventStore, ExpectedVersion } from '@quanze/eventstore';
import {
  DEFAULT_SEAL_EVERY_EVENTS,
  DEFAULT_SEAL_EVERY_MS,
  Frontier,
  INTEGRITY_FILE_NAME,
  createSealer,
  createSealerThread,
  createSqliteIntegrityStore,
  leafHash,
  parseSignerKey,
  parseVerifierKey,
  storedConsistencyProof,
  storedInclusionProof,
  storedRoot,
  verifyConsistency,
  verifyInclusion,
  verifyLog,
  type IntegrityStore,
  type Sealer,
} from '@quanze/integrity';
import { createApp, createTokenIssuer, generateSigningKeys, listen } from '@quanze/service-kit';
import { createEventFactory, newStreamId } from '../sample-event.js';
import type {
  AppendFigure,
  AppendsConfig,
  AppendsReport,
  IntegrityChildConfig,
  IntegrityChildReport,
  Latency,
  ProofsConfig,
  ProofsReport,
  ThroughputConfig,
  ThroughputReport,
} from './series.js';
import { peakRssMiB, percentile } from './series.js';
import { answerParent } from '../child-process.js';

const MIB = 1024 * 1024;
const progress = (text: string) => process.stderr.write(`    ${text}\n`);

function fileMiB(path: string): number {
  return [path, `${path}-wal`].reduce((total, file) => total + (existsSync(file) ? statSync(file).size : 0), 0) / MIB;
}

async function throughput(
  config: ThroughputConfig,
  baselineMiB: number,
  work: () => Promise<{ events: number; detail: string }>,
): Promise<ThroughputReport> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const { events, detail } = await work();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return {
    series: config.series,
    events,
    seconds,
    cpuSeconds: (used.user + used.system) / 1e6,
    eventsPerSecond: events / seconds,
    detail,
    rss: { baselineMiB, peakMiB: peakRssMiB() },
  };
}

/** Resolves once `position` is sealed; rejects on the sealer's first error instead of waiting for ever. */
function sealerOf(store: EventStore, integrity: IntegrityStore, signerKey: string): { sealer: Sealer; sealed(position: number): Promise<void> } {
  let failed: (error: unknown) => void = () => undefined;
  const failure = new Promise<never>((_, reject) => {
    failed = reject;
  });
  failure.catch(() => undefined);
  const sealer = createSealer({
    store,
    integrity,
    signer: parseSignerKey(signerKey),
    onError: (error) => {
      failed(error);
    },
  });
  return { sealer, sealed: (position) => Promise.race([sealer.sealedThrough(position), failure]) };
}

/** The sealer from zero over the kept history, to the last event sealed and the last checkpoint signed. */
async function seal(config: ThroughputConfig, baselineMiB: number): Promise<ThroughputReport> {
  const store = await openEventStore(`sqlite:${config.history}`);
  const path = join(config.output, INTEGRITY_FILE_NAME);
  const integrity = createSqliteIntegrityStore({ path });
  try {
    const head = await store.headPosition();
    const following = sealerOf(store, integrity, config.signerKey);
    return await throughput(config, baselineMiB, async () => {
      await following.sealer.start();
      await following.sealed(head);
      await following.sealer.stop();
      const latest = await integrity.latestCheckpoint();
      if (latest?.size !== head) throw new Error(`the last checkpoint is at ${String(latest?.size)}, the history has ${String(head)} events`);
      return { events: head, detail: `integrity.sqlite ${fileMiB(path).toFixed(0)} MiB; last checkpoint at ${String(latest.size)}` };
    });
  } finally {
    await integrity.close();
    await store.close();
  }
}

/** From zero as `openLedgerLog` seals: `createSealerThread`, whose sealer hashes the backlog on worker threads. */
async function sealOnThread(config: ThroughputConfig, baselineMiB: number): Promise<ThroughputReport> {
  const store = await openEventStore(`sqlite:${config.history}`);
  const path = join(config.output, INTEGRITY_FILE_NAME);
  try {
    const head = await store.headPosition();
    const following = await sealerThread(config.output, config.signerKey, `sqlite:${config.history}`);
    const report = await throughput(config, baselineMiB, async () => {
      await following.sealer.start();
      await following.sealed(head);
      await following.sealer.stop();
      return { events: head, detail: '' };
    });
    const integrity = createSqliteIntegrityStore({ path, readonly: true });
    try {
      const latest = await integrity.latestCheckpoint();
      if (latest?.size !== head) throw new Error(`the last checkpoint is at ${String(latest?.size)}, the history has ${String(head)} events`);
      return { ...report, detail: `integrity.sqlite ${fileMiB(path).toFixed(0)} MiB; last checkpoint at ${String(latest.size)}` };
    } finally {
      await integrity.close();
    }
  } finally {
    await store.close();
  }
}

/** Rows read raw, SHA-256 of the stored body bytes as the entry, the leaf, the tree: no parsing, nothing stored. */
async function floor(config: ThroughputConfig, baselineMiB: number): Promise<ThroughputReport> {
  const db = new Database(join(config.history, SQLITE_FILE_NAME), { readonly: true });
  try {
    const page = db.prepare<[number, number], [number, string]>('SELECT position, body FROM events WHERE position >= ? ORDER BY position LIMIT ?').raw();
    return await throughput(config, baselineMiB, () => {
      const frontier = Frontier.empty();
      for (let from = 1; ; ) {
        const rows = page.all(from, 4096);
        for (const [, body] of rows) frontier.append(leafHash(hash('sha256', body, 'buffer')));
        const last = rows.at(-1);
        if (last === undefined) break;
        from = last[0] + 1;
      }
      return Promise.resolve({ events: frontier.size, detail: `root ${Buffer.from(frontier.root()).toString('hex').slice(0, 12)}… (of the body bytes, not the content hashes)` });
    });
  } finally {
    db.close();
  }
}

/** `quanze verify` as an auditor runs it, with the key given; in this process, so that its RSS is measured. */
async function verifyCommand(config: ThroughputConfig, baselineMiB: number): Promise<ThroughputReport> {
  let stdout = '';
  const io = {
    stdout: { write: (text: string) => ((stdout += text), true) } as unknown as NodeJS.WritableStream,
    stderr: { write: (text: string) => ((stdout += text), true) } as unknown as NodeJS.WritableStream,
    env: {},
    cwd: process.cwd(),
  };
  return throughput(config, baselineMiB, async () => {
    const code = await run(['verify', '--data', config.sealed, '--store', `sqlite:${config.history}`, '--key', config.verifierKey, '--no-progress'], io);
    const events = /^INTACT: (\d+) events/.exec(stdout)?.[1];
    if (code !== 0 || events === undefined) throw new Error(`quanze verify exited ${String(code)}: ${stdout}`);
    return { events: Number(events), detail: stdout.trim().split('\n')[0] ?? '' };
  });
}

/** verifyLog through the event store's port (readAll), on this thread only. */
async function verifyPort(config: ThroughputConfig, baselineMiB: number): Promise<ThroughputReport> {
  const store = await openEventStore(`sqlite:${config.history}`);
  const integrity = createSqliteIntegrityStore({ path: join(config.sealed, INTEGRITY_FILE_NAME), readonly: true });
  try {
    return await throughput(config, baselineMiB, async () => {
      const verdict = await verifyLog({ store, integrity, verifiers: [parseVerifierKey(config.verifierKey)] });
      if (!verdict.intact) throw new Error(`verifyLog: ${JSON.stringify(verdict.problems.slice(0, 3))}`);
      return { events: verdict.eventsChecked, detail: `intact, ${String(verdict.checkpoints)} checkpoints` };
    });
  } finally {
    await integrity.close();
    await store.close();
  }
}

/** mulberry32: the same positions in every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function timeEach(what: Latency['what'], count: number, warmUp: number, one: (index: number) => Promise<boolean>): Promise<Latency> {
  const times: number[] = [];
  let failures = 0;
  for (let index = 0; index < warmUp + count; index++) {
    const started = performance.now();
    const good = await one(index);
    const elapsed = performance.now() - started;
    if (index >= warmUp) {
      times.push(elapsed);
      if (!good) failures += 1;
    }
  }
  const sorted = times.sort((a, b) => a - b);
  return { what, count, medianMs: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99), maxMs: sorted.at(-1) ?? Number.NaN, failures };
}

/**
 * Proofs at the full tree size for random positions: in process (what a route handler calls) and over HTTP (the
 * accountability service's log routes, one request at a time). Each proof is checked against the root of the
 * signed checkpoint — untimed in process, where checking would cost as much as reading.
 */
async function proofs(config: ProofsConfig, baselineMiB: number): Promise<ProofsReport> {
  const integrity = createSqliteIntegrityStore({ path: join(config.sealed, INTEGRITY_FILE_NAME), readonly: true });
  // The log routes read only the integrity store; the app's event store is an empty one of its own.
  const appStore = createSqliteEventStore({ path: join(config.output, SQLITE_FILE_NAME) });
  try {
    const latest = await integrity.latestCheckpoint();
    if (latest === null) throw new Error('the sealed folder has no checkpoint');
    const size = latest.size;
    const random = seeded(config.seed);
    const total = config.warmUp + config.proofs;
    const indexes = Array.from({ length: total }, () => Math.floor(random() * size));
    const firsts = Array.from({ length: total }, () => 1 + Math.floor(random() * (size - 1)));
    const leaves = await integrity.nodes(indexes.map((index) => ({ level: 0, index })));
    const leafOf = new Map(indexes.map((index, i) => [index, leaves[i] as Uint8Array]));
    const firstRoots = new Map<number, Uint8Array>();
    const rootAt = async (treeSize: number): Promise<Uint8Array> => {
      const known = firstRoots.get(treeSize);
      if (known !== undefined) return known;
      const root = await storedRoot(integrity, treeSize);
      firstRoots.set(treeSize, root);
      return root;
    };
    const inclusionChecked = (index: number, proof: Uint8Array[]) => {
      try {
        verifyInclusion(index, size, leafOf.get(index) ?? new Uint8Array(32), proof, latest.rootHash);
        return true;
      } catch {
        return false;
      }
    };
    const latencies: Latency[] = [];
    const inclusionProofs: Uint8Array[][] = [];
    latencies.push(
      await timeEach('inclusion', config.proofs, config.warmUp, async (i) => {
        inclusionProofs[i] = await storedInclusionProof(integrity, indexes[i] as number, size);
        return true;
      }),
    );
    const consistencyProofs: Uint8Array[][] = [];
    latencies.push(
      await timeEach('consistency', config.proofs, config.warmUp, async (i) => {
        consistencyProofs[i] = await storedConsistencyProof(integrity, firsts[i] as number, size);
        return true;
      }),
    );
    // Checked after timing: each proof against the signed root.
    let bad = 0;
    for (let i = config.warmUp; i < total; i++) {
      if (!inclusionChecked(indexes[i] as number, inclusionProofs[i] ?? [])) bad += 1;
    }
    let badConsistency = 0;
    for (let i = config.warmUp; i < Math.min(total, config.warmUp + 50); i++) {
      const first = firsts[i] as number;
      try {
        verifyConsistency(first, size, await rootAt(first), latest.rootHash, consistencyProofs[i] ?? []);
      } catch {
        badConsistency += 1;
      }
    }
    latencies[0] = { ...(latencies[0] as Latency), failures: bad };
    latencies[1] = { ...(latencies[1] as Latency), failures: badConsistency };

    const tokens = createTokenIssuer(await generateSigningKeys());
    const app = createApp({
      services: [createLedgerLogService({ integrity, verifierKey: () => config.verifierKey, verifierKeys: () => [config.verifierKey] })],
      store: appStore,
      tokens,
    });
    const server = await listen(app);
    try {
      latencies.push(
        await timeEach('inclusion over HTTP', config.proofs, config.warmUp, async (i) => {
          const index = indexes[i] as number;
          const response = await fetch(`${server.url}/log/proofs/inclusion?position=${String(index + 1)}`);
          const body = (await response.json()) as { proof?: string[] };
          if (response.status !== 200 || body.proof === undefined) return false;
          return inclusionChecked(index, body.proof.map((text) => new Uint8Array(Buffer.from(text, 'base64'))));
        }),
      );
      latencies.push(
        await timeEach('consistency over HTTP', config.proofs, config.warmUp, async (i) => {
          const response = await fetch(`${server.url}/log/proofs/consistency?from=${String(firsts[i])}&to=${String(size)}`);
          await response.arrayBuffer();
          return response.status === 200;
        }),
      );
    } finally {
      await server.close();
    }
    return { series: 'proofs', treeSize: size, latencies, rss: { baselineMiB, peakMiB: peakRssMiB() } };
  } finally {
    await appStore.close();
    await integrity.close();
  }
}

/** The sealer as `openLedgerLog` runs it: on a worker thread with connections of its own (`createSealerThread`). */
async function sealerThread(folder: string, signerKey: string, storeUrl = `sqlite:${folder}`) {
  const signingKeyFile = join(folder, 'log-signing-key.txt');
  await writeFile(signingKeyFile, `${signerKey}\n`, { mode: 0o600 });
  let failed: (error: unknown) => void = () => undefined;
  const failure = new Promise<never>((_, reject) => {
    failed = reject;
  });
  failure.catch(() => undefined);
  const sealer = createSealerThread({
    settings: { storeUrl, dataFolder: folder, signingKeyFile, everyEvents: DEFAULT_SEAL_EVERY_EVENTS, everyMs: DEFAULT_SEAL_EVERY_MS, pollIntervalMs: 100 },
    onError: (error) => {
      failed(error);
    },
  });
  return { sealer, sealed: (position: number) => Promise.race([sealer.sealedThrough(position), failure]) };
}

/**
 * One scenario of the store suite's shapes on a fresh store: without a sealer, with one following in this thread, or
 * with one on a worker thread.
 */
async function appendScenario(
  config: AppendsConfig,
  scenario: AppendFigure['scenario'],
  append: (store: EventStore) => Promise<number>,
  stem: string = scenario,
): Promise<AppendFigure> {
  const folder = join(config.output, stem);
  await mkdir(folder, { recursive: true });
  const store = createSqliteEventStore({ path: join(folder, SQLITE_FILE_NAME) });
  const integrity = config.series === 'appends-sealed' ? createSqliteIntegrityStore({ path: join(folder, INTEGRITY_FILE_NAME) }) : null;
  const inThread = integrity === null ? null : sealerOf(store, integrity, config.signerKey);
  const onThread = config.series === 'appends-sealed-thread' ? await sealerThread(folder, config.signerKey) : null;
  try {
    await inThread?.sealer.start();
    await onThread?.sealer.start();
    const started = performance.now();
    const events = await append(store);
    const seconds = (performance.now() - started) / 1000;
    let sealLagSeconds: number | null = null;
    if (inThread !== null || onThread !== null) {
      const head = await store.headPosition();
      const waited = performance.now();
      await inThread?.sealed(head);
      await onThread?.sealed(head);
      sealLagSeconds = (performance.now() - waited) / 1000;
      await inThread?.sealer.stop();
      await onThread?.sealer.stop();
    }
    return { scenario, events, seconds, eventsPerSecond: events / seconds, sealLagSeconds };
  } finally {
    await integrity?.close();
    await store.close();
  }
}

async function appends(config: AppendsConfig, baselineMiB: number): Promise<AppendsReport> {
  const makeEvent = createEventFactory(config.eventIds);
  const single = async (store: EventStore, streamId: string, count: number) => {
    let expected: ExpectedVersion = 'no_stream';
    for (let i = 0; i < count; i += 1) expected = (await store.appendToStream(streamId, [makeEvent(i)], { expectedVersion: expected })).nextExpectedVersion;
  };
  const batches = async (store: EventStore, events: number) => {
    for (let written = 0; written < events; written += config.batchSize) {
      const batch = Array.from({ length: Math.min(config.batchSize, events - written) }, (_, i) => makeEvent(written + i));
      await store.appendToStream(newStreamId(), batch, { expectedVersion: 'no_stream' });
    }
    return events;
  };
  // Untimed, as the store suite does: loading and JIT are not what is measured.
  progress(`${config.series}: warm-up`);
  await appendScenario(
    config,
    'sequential',
    async (store) => {
      await single(store, newStreamId(), 100);
      return batches(store, 2_000);
    },
    'warm-up',
  );
  const figures: AppendFigure[] = [];
  progress(`${config.series}: ${String(config.singles)} sequential single appends`);
  figures.push(
    await appendScenario(config, 'sequential', async (store) => {
      await single(store, newStreamId(), config.singles);
      return config.singles;
    }),
  );
  progress(`${config.series}: ${String(config.appenders)} × ${String(config.perAppender)} concurrent single appends`);
  figures.push(
    await appendScenario(config, 'concurrent', async (store) => {
      await Promise.all(Array.from({ length: config.appenders }, () => single(store, newStreamId(), config.perAppender)));
      return config.appenders * config.perAppender;
    }),
  );
  progress(`${config.series}: ${String(config.batchEvents)} events in batches of ${String(config.batchSize)}`);
  figures.push(await appendScenario(config, 'batch', (store) => batches(store, config.batchEvents)));
  return { series: config.series, figures, rss: { baselineMiB, peakMiB: peakRssMiB() } };
}

async function runChild(config: IntegrityChildConfig): Promise<IntegrityChildReport> {
  const baselineMiB = peakRssMiB();
  switch (config.series) {
    case 'seal':
      return sealOnThread(config, baselineMiB);
    case 'seal-follow':
      return seal(config, baselineMiB);
    case 'floor':
      return floor(config, baselineMiB);
    case 'verify':
      return verifyCommand(config, baselineMiB);
    case 'verify-port':
      return verifyPort(config, baselineMiB);
    case 'proofs':
      return proofs(config, baselineMiB);
    case 'appends':
    case 'appends-sealed':
    case 'appends-sealed-thread':
      return appends(config, baselineMiB);
  }
}

answerParent('integrity/child.ts', runChild);
