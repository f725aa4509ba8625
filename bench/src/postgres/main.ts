/**
 * `npm run bench -- --suite postgres`: our PostgreSQL event store against Emmett's PostgreSQL store and raw `pg`, on
 * a throwaway cluster this suite starts (fsync and synchronous_commit on) and removes. Each series runs in a child
 * process of its own, a database per scenario; the order of the series rotates from run to run; medians reported.
 */
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describeMachine, describeRevision } from '../machine.js';
import { sampleEventBytes } from '../sample-event.js';
import type { ScenarioId } from '../scenario.js';
import { findPostgresBinaries, startPostgresCluster } from './cluster.js';
import { ensureEmmettInstalled } from './emmett-module.js';
import { pgVerdicts, renderPgDetails, renderPgTable, summarisePg } from './report.js';
import type { PgChildConfig, PgChildReport, PgSeriesId } from './scenario.js';
import { PG_SCENARIOS, PG_SERIES } from './scenario.js';
import { withClient } from './sql.js';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

export const POSTGRES_USAGE = `npm run bench -- --suite postgres [options]

  --runs N            repeat every series N times, report medians (default 3)
  --clients N         concurrent clients (default 16); 1 client is the sequential scenario
  --singles N         single appends of the one client (default 1500)
  --per-client N      single appends per concurrent client (default 400)
  --events N          events written in batches and read back (default 20000)
  --batch-size N      events per batch (default 1000)
  --emmett-page N     page size of Emmett's read-all after the concurrent run (default 100, its processors' default)
  --only a,b          series to run: ${PG_SERIES.join(', ')} (default all)
  --quick             1 run, small sizes: a smoke test, not figures
  --json PATH         where the JSON results go (default bench/results/postgres-<time>.json, and .md)
  --no-json           write no JSON
  --help`;

interface PgOptions {
  readonly runs: number;
  readonly clients: number;
  readonly sequentialEvents: number;
  readonly eventsPerClient: number;
  readonly logEvents: number;
  readonly batchSize: number;
  readonly emmettPageSize: number;
  readonly series: readonly PgSeriesId[];
  readonly json: string | undefined;
}

function parsePgOptions(argv: readonly string[], resultsDir: string): PgOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      runs: { type: 'string' },
      clients: { type: 'string' },
      singles: { type: 'string' },
      'per-client': { type: 'string' },
      events: { type: 'string' },
      'batch-size': { type: 'string' },
      'emmett-page': { type: 'string' },
      only: { type: 'string' },
      quick: { type: 'boolean', default: false },
      json: { type: 'string' },
      'no-json': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const count = (name: string, given: string | undefined, fallback: number): number => {
    if (given === undefined) return fallback;
    const value = Number(given);
    if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`--${name} takes a whole number, 1 or more, not "${given}"`);
    return value;
  };
  const quick = values.quick;
  const series = (values.only?.split(',') ?? [...PG_SERIES]).map((name) => {
    if (!(PG_SERIES as readonly string[]).includes(name)) throw new TypeError(`--only takes ${PG_SERIES.join(', ')}, not "${name}"`);
    return name as PgSeriesId;
  });
  return {
    runs: count('runs', values.runs, quick ? 1 : 3),
    clients: count('clients', values.clients, 16),
    sequentialEvents: count('singles', values.singles, quick ? 200 : 1500),
    eventsPerClient: count('per-client', values['per-client'], quick ? 40 : 400),
    logEvents: count('events', values.events, quick ? 3000 : 20_000),
    batchSize: count('batch-size', values['batch-size'], 1000),
    emmettPageSize: count('emmett-page', values['emmett-page'], 100),
    series,
    json: values['no-json'] ? undefined : (values.json ?? join(resultsDir, `postgres-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)),
  };
}

type ChildAnswer = { ok: true; report: PgChildReport } | { ok: false; error: string };

function runSeries(config: PgChildConfig): Promise<PgChildReport> {
  return new Promise((resolve, reject) => {
    // process.execArgv carries tsx and the source condition to the child.
    const child = fork(CHILD, [JSON.stringify(config)], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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

/** The settings a reader must know, as the server reports them. */
async function serverSettings(adminUrl: string): Promise<string[]> {
  return withClient(adminUrl, async (client) => {
    const version = (await client.query<{ v: string }>('SELECT version() AS v')).rows[0]?.v ?? '?';
    const shown: string[] = [];
    for (const name of ['fsync', 'synchronous_commit', 'wal_sync_method', 'full_page_writes', 'commit_delay', 'shared_buffers', 'max_wal_size']) {
      const value = (await client.query<Record<string, string>>(`SHOW ${name}`)).rows[0]?.[name] ?? '?';
      shown.push(`${name}=${value}`);
    }
    return [version.split(',')[0] ?? version, shown.join(', ')];
  });
}

export async function runPostgresSuite(argv: readonly string[], resultsDir: string): Promise<void> {
  const options = parsePgOptions(argv, resultsDir);
  if (options === 'help') {
    process.stdout.write(`${POSTGRES_USAGE}\n`);
    return;
  }
  const binaries = findPostgresBinaries();
  if (typeof binaries === 'string') throw new Error(`the PostgreSQL suite needs a server: ${binaries}`);
  if (options.series.includes('emmett')) ensureEmmettInstalled((line) => process.stderr.write(`${line}\n`));
  // The data folder is under the OS temp folder, on the disk the machine line names.
  const cluster = await startPostgresCluster(binaries, ['shared_buffers = 256MB', 'max_wal_size = 4GB']);
  try {
    const adminUrl = `postgres://postgres@127.0.0.1:${cluster.port}/postgres`;
    const machine = describeMachine(tmpdir());
    const [serverVersion, settings] = await serverSettings(adminUrl);
    const bytes = sampleEventBytes();
    const header = [
      `Quanze PostgreSQL event store benchmark — ${new Date().toISOString()}`,
      `store: packages/eventstore at ${describeRevision()}`,
      `machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, disk ${machine.disk}, node ${machine.node}, ${machine.platform}`,
      `server: ${serverVersion}, a throwaway cluster on 127.0.0.1:${cluster.port} (TCP loopback), durable commits: ${settings}`,
      `events: ${bytes.envelope} bytes of JSON each (payload ${bytes.data}), random (UUIDv4) event ids`,
      `sizes: ${options.sequentialEvents} single appends by 1 client; ${options.clients} clients × ${options.eventsPerClient} single appends; ` +
        `${options.logEvents} in batches of ${options.batchSize} (then read back)`,
      `runs: ${options.runs}, medians reported; series order rotates between runs; each series a child process, each scenario a fresh database`,
      `load average (1, 5, 15 min) before the first series: ${describeLoad()}, on ${machine.cpus} CPUs`,
    ].join('\n');
    process.stdout.write(`${header}\n\n`);

    const runs: PgChildReport[][] = [];
    for (let run = 0; run < options.runs; run += 1) {
      const order = options.series.map((_, index) => options.series[(index + run) % options.series.length] as PgSeriesId);
      process.stderr.write(`run ${run + 1}/${options.runs}: ${order.join(', ')}\n`);
      const reports: PgChildReport[] = [];
      for (const series of order) {
        const started = performance.now();
        const config: PgChildConfig = {
          series,
          adminUrl,
          databasePrefix: `bench_r${run + 1}_${series.replace(/-/g, '_')}`,
          sequentialEvents: options.sequentialEvents,
          clients: options.clients,
          eventsPerClient: options.eventsPerClient,
          batchSize: options.batchSize,
          logEvents: options.logEvents,
          emmettPageSize: options.emmettPageSize,
          scenarios: PG_SCENARIOS[series] satisfies readonly ScenarioId[],
        };
        reports.push(await runSeries(config));
        process.stderr.write(`  ${series}: done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
      }
      runs.push(reports);
    }

    const summary = summarisePg(runs);
    const results = pgVerdicts(summary, options.clients);
    process.stdout.write(`events/s, median of ${options.runs} run(s) (min–max)\n\n${renderPgTable(summary, options.series, options.clients, false)}\n\n`);
    process.stdout.write(`targets:\n${results.map((v) => `  ${v.status.padEnd(4)}  ${v.target}: ${v.detail}`).join('\n')}\n\n`);
    process.stdout.write(
      summary.failedChecks.length === 0
        ? `checks: all ${summary.passedChecks} passed\n\n`
        : `checks: ${summary.passedChecks} passed, these failed:\n${summary.failedChecks.map((line) => `  ✗ ${line}`).join('\n')}\n\n`,
    );
    process.stdout.write(`${renderPgDetails(summary, options.series)}\n\nload average (1, 5, 15 min) at the end, this run included: ${describeLoad()}\n`);

    if (options.json !== undefined) {
      mkdirSync(dirname(options.json), { recursive: true });
      const markdown = [
        header,
        '',
        renderPgTable(summary, options.series, options.clients, true),
        '',
        ...results.map((v) => `- **${v.status}** ${v.target}: ${v.detail}`),
        '',
        ...summary.failedChecks.map((line) => `- ✗ ${line}`),
        '',
        renderPgDetails(summary, options.series),
        '',
        `load average (1, 5, 15 min) at the end, this run included: ${describeLoad()}`,
        '',
      ].join('\n');
      writeFileSync(options.json, JSON.stringify({ machine, server: { serverVersion, settings }, options, summary, verdicts: results, runs }, null, 2));
      writeFileSync(options.json.replace(/\.json$/, '.md'), markdown);
      process.stdout.write(`\nresults: ${options.json} (and .md)\n`);
    }
  } finally {
    await cluster.stop();
  }
}

/** The 1-, 5- and 15-minute load averages: whether the run had the machine to itself. */
function describeLoad(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');
}
