/**
 * `npm run bench`: the store suite, below, unless `--suite read-models` asks for the read models' (read-models/main.ts) or
 * `--suite integrity` for the tamper-evidence layer's (integrity/main.ts).
 *
 * The store suite: our SQLite event store against Emmett's SQLite store and a raw better-sqlite3 floor, same
 * machine, same events, synchronous=FULL everywhere. Each series runs in a child process of its own (peak RSS),
 * in a fresh temp folder per run; the order of the series rotates from run to run; medians are reported.
 */
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Machine } from './machine.js';
import { describeMachine, describeRevision } from './machine.js';
import type { BenchOptions } from './options.js';
import { USAGE, parseOptions } from './options.js';
import { runPostgresSuite } from './postgres/main.js';
import { runIntegritySuite } from './integrity/main.js';
import { runReadModelSuite } from './read-models/main.js';
import { renderDetails, renderTable, summarise, verdicts } from './report.js';
import { sampleEventBytes } from './sample-event.js';
import type { ChildConfig, ChildReport, SeriesId } from './scenario.js';

const BENCH_ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(BENCH_ROOT, 'results');
const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

type ChildAnswer = { ok: true; report: ChildReport } | { ok: false; error: string };

function runSeries(config: ChildConfig, options: BenchOptions): Promise<ChildReport> {
  // One folder per child: node writes a profile per thread (tsx's loader runs in a worker); the main thread's is the big one.
  const profile = options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${join(RESULTS, 'profiles', `${config.series}-${Date.now()}`)}`] : [];
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
      else reject(new Error(`${config.series} exited (${signal ?? code}) without a report`));
    });
  });
}

function configFor(series: SeriesId, folder: string, options: BenchOptions): ChildConfig {
  const sizes = series === 'emmett' || series === 'emmett-held' ? options.emmettSizes : options.sizes;
  return { series, folder, appenders: options.appenders, batchSize: options.batchSize, scenarios: options.scenarios, eventIds: options.eventIds, prefill: options.prefill, ...sizes };
}

function header(options: BenchOptions, machine: Machine): string {
  const bytes = sampleEventBytes();
  const { sizes, emmettSizes } = options;
  return [
    `Quanze event store benchmark — ${new Date().toISOString()}`,
    `store: packages/eventstore at ${describeRevision()}`,
    `machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, disk ${machine.disk}, node ${machine.node}, ${machine.platform}`,
    `events: ${bytes.envelope} bytes of JSON each (payload ${bytes.data}), ${options.eventIds === 'v4' ? 'random (UUIDv4)' : 'time-ordered (UUIDv7)'} event ids; temp folders under ${options.dir}`,
    `sizes: ours and raw: ${sizes.sequentialEvents} sequential, ${options.appenders} × ${sizes.eventsPerAppender} concurrent, ` +
      `${sizes.logEvents} in batches of ${options.batchSize} (then read back)`,
    `       Emmett: ${emmettSizes.sequentialEvents} sequential, ${options.appenders} × ${emmettSizes.eventsPerAppender} concurrent ` +
      `(fewer: it opens the file around every call), ${emmettSizes.logEvents} in batches`,
    ...(options.prefill > 0 ? [`prefill: the single-append scenarios start on a log of ${options.prefill} events`] : []),
    `runs: ${options.runs}, medians reported; series order rotates between runs`,
  ].join('\n');
}

const SUITES = ['store', 'read-models', 'postgres', 'integrity'] as const;
type Suite = (typeof SUITES)[number];

/**
 * `--suite store` (the default: this file), `read-models` (read-models/main.ts), `postgres` (postgres/main.ts) or
 * `integrity` (integrity/main.ts), and the suite's own options.
 */
function suiteOf(argv: readonly string[]): { suite: Suite; rest: string[] } {
  const rest: string[] = [];
  let suite = 'store';
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] ?? '';
    if (argument === '--suite') {
      suite = argv[index + 1] ?? '';
      index += 1;
    } else if (argument.startsWith('--suite=')) suite = argument.slice('--suite='.length);
    else rest.push(argument);
  }
  const known = SUITES.find((name) => name === suite);
  if (known === undefined) throw new TypeError(`--suite takes store (the default), ${SUITES.slice(1).join(' or ')}, not "${suite}"`);
  return { suite: known, rest };
}

async function main(): Promise<void> {
  const { suite, rest } = suiteOf(process.argv.slice(2));
  if (suite === 'read-models') {
    await runReadModelSuite(rest, RESULTS);
    return;
  }
  if (suite === 'integrity') {
    await runIntegritySuite(rest, RESULTS);
    return;
  }
  if (suite === 'postgres') {
    await runPostgresSuite(rest, RESULTS);
    return;
  }
  const options = parseOptions(rest, RESULTS);
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const machine = describeMachine(options.dir);
  process.stdout.write(`${header(options, machine)}\n\n`);

  const runs: ChildReport[][] = [];
  for (let run = 0; run < options.runs; run += 1) {
    const order = options.series.map((_, index) => options.series[(index + run) % options.series.length] as SeriesId);
    process.stderr.write(`run ${run + 1}/${options.runs}: ${order.join(', ')}\n`);
    const reports: ChildReport[] = [];
    for (const series of order) {
      const folder = mkdtempSync(join(options.dir, `quanze-bench-${series}-`));
      try {
        const started = performance.now();
        reports.push(await runSeries(configFor(series, folder, options), options));
        process.stderr.write(`  ${series}: done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
      } finally {
        if (!options.keep) rmSync(folder, { recursive: true, force: true });
      }
    }
    runs.push(reports);
  }

  const summary = summarise(runs);
  const results = verdicts(summary);
  const table = renderTable(summary, options.series, false);
  process.stdout.write(`events/s, median of ${options.runs} run(s) (min–max)\n\n${table}\n\n`);
  process.stdout.write(`targets (ours = quanze):\n${results.map((v) => `  ${v.status.padEnd(4)}  ${v.target}: ${v.detail}`).join('\n')}\n\n`);
  process.stdout.write(
    summary.failedChecks.length === 0
      ? `integrity checks: all ${summary.passedChecks} passed\n\n`
      : `integrity checks: ${summary.passedChecks} passed, these failed:\n${summary.failedChecks.map((line) => `  ✗ ${line}`).join('\n')}\n\n`,
  );
  process.stdout.write(`${renderDetails(summary, options.series)}\n`);

  if (options.json !== undefined) {
    mkdirSync(dirname(options.json), { recursive: true });
    const markdown = `${renderTable(summary, options.series, true)}\n\n${results.map((v) => `- **${v.status}** ${v.target}: ${v.detail}`).join('\n')}\n`;
    writeFileSync(options.json, JSON.stringify({ machine, options, eventBytes: sampleEventBytes(), summary, verdicts: results, runs }, null, 2));
    writeFileSync(options.json.replace(/\.json$/, '.md'), markdown);
    process.stdout.write(`\nresults: ${options.json} (and .md)\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
