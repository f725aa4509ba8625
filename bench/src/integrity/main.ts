/**
 * `npm run bench -- --suite integrity`: the tamper-evidence layer against the figures of issue 5 — sealing a kept
 * synthetic history from zero against the store's best append rate measured in the same run, inclusion and
 * consistency proofs at the full tree size (in process and over HTTP), `quanze verify` of the whole store, and
 * appends with and without a sealer following; with a floor (SHA-256 of the stored bytes, no canonical form).
 * Every series runs in a child process of its own, in a fresh temp folder per run; the order of the series rotates
 * between runs; medians are reported.
 */
import { fork } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateNoteKey } from '@quanze/integrity';
import { describeMachine, describeRevision } from '../machine.js';
import type { Machine } from '../machine.js';
import type { ChildConfig, ChildReport } from '../scenario.js';
import type { GenerateReport, ReadModelChildConfig } from '../read-models/series.js';
import type { IntegrityBenchOptions } from './options.js';
import { INTEGRITY_USAGE, parseIntegrityOptions } from './options.js';
import { integrityVerdicts, renderIntegrityTables, summariseIntegrity } from './report.js';
import type { IntegrityChildConfig, IntegrityChildReport, IntegritySeries, StoreBatchReport, ThroughputReport } from './series.js';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
const STORE_CHILD = fileURLToPath(new URL('../child.ts', import.meta.url));
const READ_MODEL_CHILD = fileURLToPath(new URL('../read-models/child.ts', import.meta.url));

type ChildAnswer<T> = { ok: true; report: T } | { ok: false; error: string };

function runChild<T>(script: string, name: string, config: unknown, profiles: string | undefined): Promise<T> {
  const profile = profiles === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${join(profiles, `integrity-${name}-${String(Date.now())}`)}`];
  return new Promise((resolve, reject) => {
    // process.execArgv carries tsx and the source condition to the child.
    const child = fork(script, [JSON.stringify(config)], { execArgv: [...process.execArgv, ...profile], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let answer: ChildAnswer<T> | undefined;
    child.on('message', (message) => {
      answer = message as ChildAnswer<T>;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (answer?.ok) resolve(answer.report);
      else if (answer !== undefined) reject(new Error(`${name} failed:\n${answer.error}`));
      else reject(new Error(`${name} exited (${signal ?? String(code)}) without a report`));
    });
  });
}

interface History {
  readonly events: number;
  readonly folder: string;
  readonly digest: string;
}

/** The read-model suite's kept history of this size and seed, generated the same way (its child) when missing. */
async function historyOf(options: IntegrityBenchOptions, profiles: string | undefined): Promise<History> {
  const folder = join(options.histories, `city-${String(options.events)}-seed${String(options.seed)}`);
  const summaryFile = join(folder, 'bench-history.json');
  if (existsSync(summaryFile)) {
    const kept = JSON.parse(readFileSync(summaryFile, 'utf8')) as History;
    process.stderr.write(`history of ${options.events.toLocaleString('en-US')} events: kept in ${folder}\n`);
    return { ...kept, folder };
  }
  mkdirSync(options.histories, { recursive: true });
  const partial = `${folder}.partial-${String(process.pid)}`;
  rmSync(partial, { recursive: true, force: true });
  process.stderr.write(`history of ${options.events.toLocaleString('en-US')} events: generating (seed ${String(options.seed)}) into ${folder}\n`);
  const config: ReadModelChildConfig = { series: 'generate', folder: partial, events: options.events, seed: options.seed };
  const report = await runChild<GenerateReport>(READ_MODEL_CHILD, 'generate', config, profiles);
  const history = { events: report.events, folder, digest: report.digest, planted: report.planted };
  writeFileSync(join(partial, 'bench-history.json'), `${JSON.stringify(history, null, 2)}\n`);
  rmSync(folder, { recursive: true, force: true });
  renameSync(partial, folder);
  return history;
}

interface Sealed {
  readonly folder: string;
  readonly digest: string;
  readonly signerKey: string;
  readonly verifierKey: string;
}

/**
 * The history's integrity.sqlite, sealed once and kept (beside nothing of the read-model suite's): what verify and the
 * proofs read. Made by the `seal` series itself, under a key of its own, renamed into place only once complete.
 */
async function sealedOf(history: History, options: IntegrityBenchOptions, profiles: string | undefined): Promise<Sealed> {
  const folder = join(options.sealed, `city-${String(history.events)}-seed${String(options.seed)}`);
  const summaryFile = join(folder, 'bench-sealed.json');
  if (existsSync(summaryFile)) {
    const kept = JSON.parse(readFileSync(summaryFile, 'utf8')) as Sealed;
    if (kept.digest === history.digest) {
      process.stderr.write(`sealed integrity store: kept in ${folder}\n`);
      return { ...kept, folder };
    }
  }
  mkdirSync(options.sealed, { recursive: true });
  const partial = `${folder}.partial-${String(process.pid)}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const key = generateNoteKey('bench.quanze.example/ledger');
  process.stderr.write(`sealed integrity store: sealing the history into ${folder} (untimed preparation)\n`);
  const config: IntegrityChildConfig = {
    series: 'seal',
    history: history.folder,
    sealed: partial,
    output: partial,
    signerKey: key.signerKey,
    verifierKey: key.verifierKey,
  };
  const report = await runChild<ThroughputReport>(CHILD, 'prepare', config, profiles);
  process.stderr.write(`  sealed in ${report.seconds.toFixed(0)} s\n`);
  const sealed: Sealed = { folder, digest: history.digest, signerKey: key.signerKey, verifierKey: key.verifierKey };
  writeFileSync(join(partial, 'bench-sealed.json'), `${JSON.stringify(sealed, null, 2)}\n`);
  rmSync(folder, { recursive: true, force: true });
  renameSync(partial, folder);
  return sealed;
}

function header(options: IntegrityBenchOptions, machine: Machine, history: History, sealed: Sealed): string {
  return [
    `Quanze integrity benchmark — ${new Date().toISOString()}`,
    `integrity: packages/integrity at ${describeRevision('packages/integrity')}`,
    `machine: ${String(machine.cpus)} CPUs (${machine.cpuModel}), ${String(machine.memoryGiB)} GiB, disk ${machine.disk}, node ${machine.node}, ${machine.platform}`,
    `history: the synthetic city of @quanze/seeds, ${history.events.toLocaleString('en-US')} events, seed ${String(options.seed)} (digest ${history.digest.slice(0, 12)}…), in ${history.folder}`,
    `sealed: ${sealed.folder} (kept; what verify and the proofs read)`,
    `proofs: ${String(options.proofs)} of each kind after ${String(options.warmUp)} untimed, random positions (seeded), one at a time`,
    `appends: ${String(options.singles)} sequential single appends, ${String(options.appenders)} × ${String(options.perAppender)} concurrent, ` +
      `${String(options.batchEvents)} in batches of ${String(options.batchSize)}; event ids ${options.eventIds === 'v7' ? 'UUIDv7 (as our services make them)' : 'random UUIDv4'}; without a sealer, with one (default settings) on the appending thread, and on its worker thread as npm start runs it`,
    `runs: ${String(options.runs)}, medians reported (min–max in brackets); the order of the series rotates between runs`,
  ].join('\n');
}

function configOf(series: IntegritySeries, options: IntegrityBenchOptions, history: History, sealed: Sealed, output: string): IntegrityChildConfig | ChildConfig {
  const base = { history: history.folder, sealed: sealed.folder, signerKey: sealed.signerKey, verifierKey: sealed.verifierKey, output };
  switch (series) {
    case 'seal':
    case 'seal-follow':
    case 'floor':
    case 'verify':
    case 'verify-port':
      return { series, ...base };
    case 'proofs':
      return { series, ...base, proofs: options.proofs, warmUp: options.warmUp, seed: options.seed };
    case 'appends':
    case 'appends-sealed':
    case 'appends-sealed-thread':
      return {
        series,
        output,
        signerKey: sealed.signerKey,
        singles: options.singles,
        appenders: options.appenders,
        perAppender: options.perAppender,
        batchEvents: options.batchEvents,
        batchSize: options.batchSize,
        eventIds: options.eventIds,
      };
    case 'store-batch':
      // The store suite's child and its batch scenario, exactly as `npm run bench` runs it.
      return {
        series: 'quanze',
        folder: output,
        sequentialEvents: 1,
        appenders: 1,
        eventsPerAppender: 1,
        batchSize: options.batchSize,
        logEvents: options.batchEvents,
        scenarios: ['batch'],
        eventIds: options.eventIds,
        prefill: 0,
      };
  }
}

async function runSeries(series: IntegritySeries, config: IntegrityChildConfig | ChildConfig, profiles: string | undefined): Promise<IntegrityChildReport> {
  if (series !== 'store-batch') return runChild<IntegrityChildReport>(CHILD, series, config, profiles);
  const report = await runChild<ChildReport>(STORE_CHILD, series, config, profiles);
  const batch = report.measurements.find((measurement) => measurement.scenario === 'batch');
  if (batch === undefined) throw new Error('the store suite’s child reported no batch scenario');
  const failed = batch.checks.filter((check) => !check.ok);
  if (failed.length > 0) throw new Error(`the store suite’s batch checks failed: ${failed.map((check) => `${check.name}: ${check.detail}`).join('; ')}`);
  const result: StoreBatchReport = { series: 'store-batch', eventsPerSecond: batch.eventsPerSecond, label: batch.label, rss: report.rss };
  return result;
}

function describeReport(report: IntegrityChildReport): string {
  switch (report.series) {
    case 'proofs':
      return report.latencies.map((latency) => `${latency.what} median ${latency.medianMs.toFixed(3)} ms, p99 ${latency.p99Ms.toFixed(3)} ms`).join('; ');
    case 'appends':
    case 'appends-sealed':
    case 'appends-sealed-thread':
      return report.figures.map((figure) => `${figure.scenario} ${Math.round(figure.eventsPerSecond).toLocaleString('en-US')}/s`).join(', ');
    case 'store-batch':
      return `${Math.round(report.eventsPerSecond).toLocaleString('en-US')} events/s`;
    case 'seal':
    case 'seal-follow':
    case 'floor':
    case 'verify':
    case 'verify-port':
      return `${Math.round(report.eventsPerSecond).toLocaleString('en-US')} events/s, peak RSS ${report.rss.peakMiB.toFixed(0)} MiB — ${report.detail}`;
  }
}

export async function runIntegritySuite(argv: readonly string[], resultsFolder: string): Promise<void> {
  const options = parseIntegrityOptions(argv, resultsFolder);
  if (options === 'help') {
    process.stdout.write(`${INTEGRITY_USAGE}\n`);
    return;
  }
  const profiles = options.cpuProf ? join(resultsFolder, 'profiles') : undefined;
  const machine = describeMachine(options.dir);
  const history = await historyOf(options, profiles);
  const sealed = await sealedOf(history, options, profiles);
  process.stdout.write(`${header(options, machine, history, sealed)}\n\n`);

  const reports: IntegrityChildReport[] = [];
  for (let run = 0; run < options.runs; run += 1) {
    const order = options.series.map((_, index) => options.series[(index + run) % options.series.length] as IntegritySeries);
    process.stderr.write(`run ${String(run + 1)}/${String(options.runs)}: ${order.join(', ')}\n`);
    for (const series of order) {
      const output = mkdtempSync(join(options.dir, `quanze-bench-integrity-${series}-`));
      try {
        const started = performance.now();
        const report = await runSeries(series, configOf(series, options, history, sealed, output), profiles);
        reports.push(report);
        process.stderr.write(`  ${series}: ${describeReport(report)} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
      } finally {
        if (!options.keep) rmSync(output, { recursive: true, force: true });
      }
    }
  }

  const summary = summariseIntegrity(reports);
  const verdicts = integrityVerdicts(summary, history.events);
  process.stdout.write(`${renderIntegrityTables(summary, options.runs, false)}\n\n`);
  process.stdout.write(`targets:\n${verdicts.map((v) => `  ${v.status.padEnd(4)}  ${v.target}: ${v.detail}`).join('\n')}\n`);
  if (options.json !== undefined) {
    mkdirSync(dirname(options.json), { recursive: true });
    const markdown = `${renderIntegrityTables(summary, options.runs, true)}\n\n${verdicts.map((v) => `- **${v.status}** ${v.target}: ${v.detail}`).join('\n')}\n`;
    writeFileSync(options.json, JSON.stringify({ machine, options, history, sealed: { folder: sealed.folder, verifierKey: sealed.verifierKey }, summary, verdicts, reports }, null, 2));
    writeFileSync(options.json.replace(/\.json$/, '.md'), markdown);
    process.stdout.write(`\nresults: ${options.json} (and .md)\n`);
  }
}
