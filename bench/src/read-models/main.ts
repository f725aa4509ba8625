/**
 * `npm run bench -- --suite read-models`: every read model of the accountability service rebuilt from zero on
 * synthetic histories of growing size (events/s, peak RSS), against a raw floor; then the accountability queries over
 * real HTTP on the largest. Histories are generated once per size and seed and kept; every series runs in a child
 * process of its own, in a fresh temp folder per run; the order of the series rotates between runs; medians are
 * reported.
 */
import { fork } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine, describeRevision } from '../machine.js';
import type { Machine } from '../machine.js';
import type { ReadModelBenchOptions } from './options.js';
import { READ_MODEL_USAGE, parseReadModelOptions } from './options.js';
import { readModelVerdicts, renderReadModelTables, summariseReadModels } from './report.js';
import type { GenerateReport, LatencyReport, ReadModelChildConfig, ReadModelChildReport, RebuildReport } from './series.js';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

type ChildAnswer = { ok: true; report: ReadModelChildReport } | { ok: false; error: string };

function runChild(config: ReadModelChildConfig, profiles: string | undefined): Promise<ReadModelChildReport> {
  const profile = profiles === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${join(profiles, `${config.series}-${String(Date.now())}`)}`];
  return new Promise((resolve, reject) => {
    // process.execArgv carries tsx and the source condition to the child.
    const child = fork(CHILD, [JSON.stringify(config)], { execArgv: [...process.execArgv, ...profile], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let answer: ChildAnswer | undefined;
    child.on('message', (message) => {
      answer = message as ChildAnswer;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (answer?.ok) resolve(answer.report);
      else if (answer !== undefined) reject(new Error(`${config.series} failed:\n${answer.error}`));
      else reject(new Error(`${config.series} exited (${signal ?? String(code)}) without a report`));
    });
  });
}

interface History {
  readonly events: number;
  readonly folder: string;
  readonly digest: string;
  readonly planted: number;
}

/**
 * The history of `events` events for the seed: kept from an earlier run, or generated now (in a child) into a folder
 * renamed into place only once complete, so that an interrupted generation is never taken for a history.
 */
async function historyOf(events: number, options: ReadModelBenchOptions, profiles: string | undefined): Promise<History> {
  const folder = join(options.histories, `city-${String(events)}-seed${String(options.seed)}`);
  const summaryFile = join(folder, 'bench-history.json');
  if (options.regenerate) rmSync(folder, { recursive: true, force: true });
  if (existsSync(summaryFile)) {
    const kept = JSON.parse(readFileSync(summaryFile, 'utf8')) as History;
    process.stderr.write(`history of ${events.toLocaleString('en-US')} events: kept in ${folder}\n`);
    return { ...kept, folder };
  }
  mkdirSync(options.histories, { recursive: true });
  const partial = `${folder}.partial-${String(process.pid)}`;
  rmSync(partial, { recursive: true, force: true });
  process.stderr.write(`history of ${events.toLocaleString('en-US')} events: generating (seed ${String(options.seed)}) into ${folder}\n`);
  const report = (await runChild({ series: 'generate', folder: partial, events, seed: options.seed }, profiles)) as GenerateReport;
  const history: History = { events: report.events, folder, digest: report.digest, planted: report.planted };
  writeFileSync(join(partial, 'bench-history.json'), `${JSON.stringify(history, null, 2)}\n`);
  rmSync(folder, { recursive: true, force: true });
  renameSync(partial, folder);
  process.stderr.write(`  generated in ${report.seconds.toFixed(0)} s\n`);
  return history;
}

function header(options: ReadModelBenchOptions, machine: Machine, histories: readonly History[]): string {
  return [
    `Quanze read-model benchmark — ${new Date().toISOString()}`,
    `read models: packages/projections at ${describeRevision('packages/projections')}`,
    `machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, disk ${machine.disk}, node ${machine.node}, ${machine.platform}`,
    `histories: the synthetic city of @quanze/seeds, seed ${String(options.seed)}, kept in ${options.histories}:`,
    ...histories.map((history) => `  ${history.events.toLocaleString('en-US')} events (${String(history.planted)} planted violations, digest ${history.digest.slice(0, 12)}…)`),
    `rebuild: ${options.projections === undefined ? 'every read model of the accountability service' : `only ${options.projections.join(', ')}`} (runner.rebuild()), ${options.batchSize === undefined ? 'the runner’s default batch size' : `batches of ${String(options.batchSize)}`}; ` +
      `floor: raw better-sqlite3, read each event and insert one row, same batches`,
    options.skipLatency
      ? `latency: not measured (${options.projections === undefined ? '--no-latency' : '--projections'})`
      : `latency: the accountability service over HTTP on the largest history's rebuilt read models, ${String(options.requests)} requests per query after ${String(options.warmUp)} untimed, one at a time`,
    `runs: ${String(options.runs)}, medians reported (min–max in brackets); the order of the series rotates between runs`,
  ].join('\n');
}

export async function runReadModelSuite(argv: readonly string[], resultsFolder: string): Promise<void> {
  const options = parseReadModelOptions(argv, resultsFolder);
  if (options === 'help') {
    process.stdout.write(`${READ_MODEL_USAGE}\n`);
    return;
  }
  const profiles = options.cpuProf ? join(resultsFolder, 'profiles') : undefined;
  const machine = describeMachine(options.dir);
  const histories: History[] = [];
  for (const size of options.sizes) histories.push(await historyOf(size, options, profiles));
  process.stdout.write(`${header(options, machine, histories)}\n\n`);

  const largest = histories.at(-1);
  const jobs = histories.flatMap((history) => (['rebuild', 'floor'] as const).map((series) => ({ history, series })));
  const rebuilds: RebuildReport[] = [];
  const latencies: LatencyReport[] = [];
  for (let run = 0; run < options.runs; run += 1) {
    const order = jobs.map((_, index) => jobs[(index + run) % jobs.length] ?? jobs[0]).filter((job) => job !== undefined);
    process.stderr.write(`run ${String(run + 1)}/${String(options.runs)}: ${order.map((job) => `${job.series} ${job.history.events.toLocaleString('en-US')}`).join(', ')}\n`);
    for (const { history, series } of order) {
      const output = mkdtempSync(join(options.dir, `quanze-bench-${series}-${String(history.events)}-`));
      try {
        const started = performance.now();
        const report = (await runChild({ series, history: history.folder, output, batchSize: options.batchSize, projections: options.projections }, profiles)) as RebuildReport;
        rebuilds.push(report);
        process.stderr.write(
          `  ${series} ${history.events.toLocaleString('en-US')}: ${Math.round(report.eventsPerSecond).toLocaleString('en-US')} events/s, ` +
            `peak RSS ${report.rss.peakMiB.toFixed(0)} MiB (${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
        );
        if (series === 'rebuild' && history === largest && !options.skipLatency) {
          const latency = (await runChild({ series: 'latency', history: history.folder, output, requests: options.requests, warmUp: options.warmUp }, profiles)) as LatencyReport;
          latencies.push(latency);
          for (const query of latency.queries) {
            process.stderr.write(`  ${query.query}: median ${query.medianMs.toFixed(1)} ms, p99 ${query.p99Ms.toFixed(1)} ms — ${query.what}\n`);
          }
        }
      } finally {
        if (!options.keep) rmSync(output, { recursive: true, force: true });
      }
    }
  }

  const summary = summariseReadModels(
    histories.map((history) => history.events),
    rebuilds,
    latencies,
  );
  const verdicts = readModelVerdicts(summary, options.projections);
  process.stdout.write(`${renderReadModelTables(summary, options.runs, false)}\n\n`);
  process.stdout.write(`targets:\n${verdicts.map((v) => `  ${v.status.padEnd(4)}  ${v.target}: ${v.detail}`).join('\n')}\n`);
  if (summary.latencyPeakRssMiB !== undefined) process.stdout.write(`\nlatency child's peak RSS: ${summary.latencyPeakRssMiB.median.toFixed(0)} MiB\n`);

  if (options.json !== undefined) {
    mkdirSync(dirname(options.json), { recursive: true });
    const markdown = `${renderReadModelTables(summary, options.runs, true)}\n\n${verdicts.map((v) => `- **${v.status}** ${v.target}: ${v.detail}`).join('\n')}\n`;
    writeFileSync(options.json, JSON.stringify({ machine, options, histories, summary, verdicts, rebuilds, latencies }, null, 2));
    writeFileSync(options.json.replace(/\.json$/, '.md'), markdown);
    process.stdout.write(`\nresults: ${options.json} (and .md)\n`);
  }
}
