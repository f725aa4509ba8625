/**
 * `npm run bench -- --suite read-models`: every read model of the accountability service rebuilt from zero on
 * synthetic histories of growing size (events/s, peak RSS), against a raw floor; then the accountability queries over
 * real HTTP on the largest. The read models live in SQLite (the embedded default) and, side by side in the same run,
 * in PostgreSQL: a throwaway cluster started for the suite, a fresh database per run. Histories are generated once
 * per size and seed and kept (the log is always that SQLite store: only the read models move); every series runs in
 * a child process of its own, in a fresh temp folder per run; the order of the series rotates between runs; medians
 * are reported.
 */
import { fork } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlDialect } from '@quanze/projections';
import { describeMachine, describeRevision } from '../machine.js';
import type { Machine } from '../machine.js';
import type { PostgresCluster } from '../postgres/cluster.js';
import { findPostgresBinaries, startPostgresCluster } from '../postgres/cluster.js';
import type { ReadModelBenchOptions } from './options.js';
import { READ_MODEL_USAGE, parseReadModelOptions } from './options.js';
import { DIALECT_NAMES, readModelVerdicts, renderReadModelTables, summariseReadModels } from './report.js';
import type { GenerateReport, LatencyReport, ReadModelChildConfig, ReadModelChildReport, ReadModelsAt, RebuildReport } from './series.js';

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

/**
 * The cluster's settings beyond cluster.ts's (fsync and synchronous_commit on): the PostgreSQL event-store suite's,
 * so that a rebuild of hundreds of MiB is not timed through a checkpoint forced every 1 GB of WAL.
 */
const CLUSTER_SETTINGS = ['shared_buffers = 256MB', 'max_wal_size = 4GB'];

/** The databases a run measures, and why PostgreSQL is not among them when it is not. */
interface Databases {
  readonly dialects: readonly SqlDialect[];
  readonly postgresNotMeasured: string | undefined;
}

/** `--read-models`, or by default both when PostgreSQL's server binaries are installed and SQLite alone otherwise. */
function databasesOf(options: ReadModelBenchOptions, binariesMissing: string | undefined): Databases {
  const asked = options.readModels;
  if (asked !== undefined && asked !== 'sqlite' && binariesMissing !== undefined) {
    throw new Error(`--read-models ${asked} needs a PostgreSQL server: ${binariesMissing}`);
  }
  const measured = asked ?? (binariesMissing === undefined ? 'both' : 'sqlite');
  return {
    dialects: measured === 'both' ? ['sqlite', 'postgres'] : [measured],
    postgresNotMeasured: measured !== 'sqlite' ? undefined : asked === 'sqlite' ? '--read-models sqlite' : binariesMissing,
  };
}

/** The server's version and the settings a reader of the figures must know, as the server reports them. */
async function describeServer(cluster: PostgresCluster): Promise<string> {
  const version = (await cluster.adminQuery<{ version: string }>('SELECT version() AS version'))[0]?.version ?? '?';
  const shown: string[] = [];
  for (const name of ['fsync', 'synchronous_commit', 'wal_sync_method', 'full_page_writes', 'shared_buffers', 'max_wal_size']) {
    shown.push(`${name}=${(await cluster.adminQuery<Record<string, string>>(`SHOW ${name}`))[0]?.[name] ?? '?'}`);
  }
  return `${version.split(',')[0] ?? version}, a throwaway cluster on 127.0.0.1:${String(cluster.port)} (TCP loopback): ${shown.join(', ')}`;
}

function header(options: ReadModelBenchOptions, machine: Machine, histories: readonly History[], databases: Databases, server: string | undefined): string {
  const names = databases.dialects.map((dialect) => DIALECT_NAMES[dialect]).join(' and ');
  return [
    `Quanze read-model benchmark — ${new Date().toISOString()}`,
    `read models: packages/projections at ${describeRevision('packages/projections')}`,
    `machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, disk ${machine.disk}, node ${machine.node}, ${machine.platform}`,
    `histories: the synthetic city of @quanze/seeds, seed ${String(options.seed)}, kept in ${options.histories}:`,
    ...histories.map((history) => `  ${history.events.toLocaleString('en-US')} events (${String(history.planted)} planted violations, digest ${history.digest.slice(0, 12)}…)`),
    `databases: ${names}${databases.dialects.length > 1 ? ', side by side' : ' alone'}; the log read is the kept SQLite history either way, only the read models move`,
    ...(databases.dialects.includes('sqlite') ? [`  SQLite: readmodels.sqlite in a fresh folder of ${options.dir} per run, WAL, synchronous=NORMAL`] : []),
    ...(server === undefined
      ? []
      : [
          `  PostgreSQL: ${server}`,
          `    a fresh database per run (schema quanze_read_models); its size is pg_database_size after the rebuild; CPU/wall and peak RSS are the child's, the server's processes are not in them`,
        ]),
    ...(databases.postgresNotMeasured === undefined ? [] : [`  PostgreSQL: not measured (${databases.postgresNotMeasured})`]),
    `rebuild: ${options.projections === undefined ? 'every read model of the accountability service' : `only ${options.projections.join(', ')}`} (runner.rebuild()), ${options.batchSize === undefined ? 'the runner’s default batch size' : `batches of ${String(options.batchSize)}`}; ` +
      `floor: raw better-sqlite3, read each event and insert one row, same batches`,
    options.skipLatency
      ? `latency: not measured (${options.projections === undefined ? '--no-latency' : '--projections'})`
      : `latency: the accountability service over HTTP on the largest history's rebuilt read models (on ${names}), ${String(options.requests)} requests per query after ${String(options.warmUp)} untimed, one at a time`,
    `runs: ${String(options.runs)}, medians reported (min–max in brackets); the order of the series rotates between runs`,
  ].join('\n');
}

/** One series of a run: a rebuild into one database (then, on the largest history, the queries on it), or the floor. */
type Job = { readonly history: History } & ({ readonly series: 'rebuild'; readonly dialect: SqlDialect } | { readonly series: 'floor' });

const jobName = (job: Job) => `${job.series === 'rebuild' ? `rebuild on ${DIALECT_NAMES[job.dialect]}` : 'floor'} ${job.history.events.toLocaleString('en-US')}`;

/**
 * Stops the cluster once, whoever asks first: the end of the suite, its failure, or Ctrl-C (the server runs apart
 * from this process and would outlive it, with its folder).
 */
function stopOnce(cluster: PostgresCluster): { stop(): Promise<void> } {
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= cluster.stop());
  const interrupted = (signal: NodeJS.Signals) => {
    process.stderr.write(`${signal}: stopping the PostgreSQL cluster\n`);
    void stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  return {
    stop() {
      process.removeListener('SIGINT', interrupted);
      process.removeListener('SIGTERM', interrupted);
      return stop();
    },
  };
}

export async function runReadModelSuite(argv: readonly string[], resultsFolder: string): Promise<void> {
  const options = parseReadModelOptions(argv, resultsFolder);
  if (options === 'help') {
    process.stdout.write(`${READ_MODEL_USAGE}\n`);
    return;
  }
  const binaries = findPostgresBinaries();
  const databases = databasesOf(options, typeof binaries === 'string' ? binaries : undefined);
  const profiles = options.cpuProf ? join(resultsFolder, 'profiles') : undefined;
  const machine = describeMachine(options.dir);
  const histories: History[] = [];
  for (const size of options.sizes) histories.push(await historyOf(size, options, profiles));

  // One cluster for the whole suite (its data folder under the OS temp folder), started once the histories exist.
  const cluster = databases.dialects.includes('postgres') && typeof binaries !== 'string' ? await startPostgresCluster(binaries, CLUSTER_SETTINGS) : undefined;
  const stopping = cluster === undefined ? undefined : stopOnce(cluster);
  try {
    const server = cluster === undefined ? undefined : await describeServer(cluster);
    process.stdout.write(`${header(options, machine, histories, databases, server)}\n\n`);
    const { rebuilds, latencies } = await runSeries(options, histories, databases.dialects, cluster, profiles);
    report(options, machine, histories, databases, server, rebuilds, latencies);
  } finally {
    await stopping?.stop();
  }
}

async function runSeries(
  options: ReadModelBenchOptions,
  histories: readonly History[],
  dialects: readonly SqlDialect[],
  cluster: PostgresCluster | undefined,
  profiles: string | undefined,
): Promise<{ rebuilds: RebuildReport[]; latencies: LatencyReport[] }> {
  const largest = histories.at(-1);
  const jobs = histories.flatMap((history): Job[] => [...dialects.map((dialect): Job => ({ history, series: 'rebuild', dialect })), { history, series: 'floor' }]);
  const rebuilds: RebuildReport[] = [];
  const latencies: LatencyReport[] = [];
  for (let run = 0; run < options.runs; run += 1) {
    const order = jobs.map((_, index) => jobs[(index + run) % jobs.length] ?? jobs[0]).filter((job) => job !== undefined);
    process.stderr.write(`run ${String(run + 1)}/${String(options.runs)}: ${order.map(jobName).join(', ')}\n`);
    for (const job of order) {
      const { history } = job;
      const output = mkdtempSync(join(options.dir, `quanze-bench-${job.series === 'rebuild' ? `rebuild-${job.dialect}` : 'floor'}-${String(history.events)}-`));
      let database: string | undefined;
      try {
        let readModels: ReadModelsAt = { dialect: 'sqlite' };
        if (job.series === 'rebuild' && job.dialect === 'postgres') {
          if (cluster === undefined) throw new Error('a PostgreSQL rebuild without the suite’s cluster');
          database = await cluster.newDatabaseUrl('bench_read_models');
          readModels = { dialect: 'postgres', url: database };
        }
        const config: ReadModelChildConfig =
          job.series === 'floor'
            ? { series: 'floor', history: history.folder, output, batchSize: options.batchSize }
            : { series: 'rebuild', history: history.folder, output, readModels, batchSize: options.batchSize, projections: options.projections };
        const started = performance.now();
        const report = (await runChild(config, profiles)) as RebuildReport;
        rebuilds.push(report);
        process.stderr.write(
          `  ${jobName(job)}: ${Math.round(report.eventsPerSecond).toLocaleString('en-US')} events/s, ` +
            `peak RSS ${report.rss.peakMiB.toFixed(0)} MiB, ${job.series === 'floor' ? 'table' : 'read models'} ${report.outputMiB.toFixed(0)} MiB ` +
            `(${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
        );
        if (job.series === 'rebuild' && history === largest && !options.skipLatency) {
          const latency = (await runChild({ series: 'latency', history: history.folder, output, readModels, requests: options.requests, warmUp: options.warmUp }, profiles)) as LatencyReport;
          latencies.push(latency);
          for (const query of latency.queries) {
            process.stderr.write(
              `  ${query.query} on ${DIALECT_NAMES[latency.dialect]}: median ${query.medianMs.toFixed(1)} ms, p99 ${query.p99Ms.toFixed(1)} ms` +
                `${query.failures > 0 ? `, ${String(query.failures)} failed` : ''} — ${query.what}\n`,
            );
          }
        }
      } finally {
        if (!options.keep) rmSync(output, { recursive: true, force: true });
        // Dropped whatever --keep says: the cluster and its folder go at the end of the suite anyway.
        if (cluster !== undefined && database !== undefined) await dropDatabase(cluster, database);
      }
    }
  }
  return { rebuilds, latencies };
}

/** Frees the run's disk for the next; a failure to is told, not thrown over the run's own outcome. */
async function dropDatabase(cluster: PostgresCluster, url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  try {
    // FORCE: a child that failed may have left its connections to be closed by the server.
    await cluster.adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } catch (error) {
    process.stderr.write(`  could not drop database ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}

function report(
  options: ReadModelBenchOptions,
  machine: Machine,
  histories: readonly History[],
  databases: Databases,
  server: string | undefined,
  rebuilds: readonly RebuildReport[],
  latencies: readonly LatencyReport[],
): void {
  const summary = summariseReadModels(
    histories.map((history) => history.events),
    databases.dialects,
    rebuilds,
    latencies,
  );
  const verdicts = readModelVerdicts(summary, options.projections);
  const targets = databases.dialects.includes('postgres')
    ? 'targets (judged on SQLite, the embedded default; PostgreSQL has figures and ratios only)'
    : 'targets';
  process.stdout.write(`${renderReadModelTables(summary, options.runs, false)}\n\n`);
  process.stdout.write(`${targets}:\n${verdicts.map((v) => `  ${v.status.padEnd(4)}  ${v.target}: ${v.detail}`).join('\n')}\n`);
  const latencyRss = databases.dialects.flatMap((dialect) => {
    const peak = summary.latencyPeakRssMiB[dialect];
    return peak === undefined ? [] : [`${DIALECT_NAMES[dialect]} ${peak.median.toFixed(0)} MiB`];
  });
  if (latencyRss.length > 0) process.stdout.write(`\nlatency child's peak RSS: ${latencyRss.join(', ')}\n`);

  if (options.json !== undefined) {
    mkdirSync(dirname(options.json), { recursive: true });
    // SQLite alone, the Markdown is as it was before PostgreSQL was measured: tables, then the verdicts.
    const markdownTargets = databases.dialects.includes('postgres') ? `${targets}:\n\n` : '';
    const markdown = `${renderReadModelTables(summary, options.runs, true)}\n\n${markdownTargets}${verdicts.map((v) => `- **${v.status}** ${v.target}: ${v.detail}`).join('\n')}\n`;
    writeFileSync(
      options.json,
      JSON.stringify({ machine, options, databases: { ...databases, postgresServer: server }, histories, summary, verdicts, rebuilds, latencies }, null, 2),
    );
    writeFileSync(options.json.replace(/\.json$/, '.md'), markdown);
    process.stdout.write(`\nresults: ${options.json} (and .md)\n`);
  }
}
