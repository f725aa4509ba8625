import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

/** `--read-models`: which databases the read models are rebuilt into and queried on. */
export const READ_MODEL_DATABASES = ['sqlite', 'postgres', 'both'] as const;
export type ReadModelDatabases = (typeof READ_MODEL_DATABASES)[number];

export interface ReadModelBenchOptions {
  /** undefined: `both` when PostgreSQL's server binaries are installed, otherwise `sqlite` (main.ts decides). */
  readonly readModels: ReadModelDatabases | undefined;
  readonly runs: number;
  /** History sizes, ascending: each is generated once and rebuilt in every run; the largest is the one timed over HTTP. */
  readonly sizes: readonly number[];
  readonly seed: number;
  /** Events per transaction of the rebuild and of the floor; undefined: the runner's default. */
  readonly batchSize: number | undefined;
  /** Rebuild only these read models (`none`: read the log and apply nothing); undefined: every one. */
  readonly projections: readonly string[] | undefined;
  /** Timed requests per query, after `warmUp` untimed ones. */
  readonly requests: number;
  readonly warmUp: number;
  /** Where the generated histories are kept between runs of the bench. */
  readonly histories: string;
  readonly regenerate: boolean;
  readonly skipLatency: boolean;
  readonly dir: string;
  readonly json: string | undefined;
  readonly cpuProf: boolean;
  readonly keep: boolean;
}

export const READ_MODEL_USAGE = `npm run bench -- --suite read-models [options]

  --read-models sqlite|postgres|both
                           where the read models are rebuilt and queried: the embedded SQLite file, PostgreSQL (a
                           throwaway cluster the suite starts and stops, fsync and synchronous_commit on, a fresh
                           database per run; the log read is the kept SQLite history either way), or both side by side
                           (default both when PostgreSQL's server binaries are installed, otherwise sqlite). The
                           targets are judged on SQLite only; PostgreSQL gets figures and PostgreSQL/SQLite ratios
  --events N[,N…]          history sizes in events, each generated once by the synthetic city of @quanze/seeds and
                           rebuilt in every run (default 250000,500000,1000000); the largest is queried over HTTP
  --runs N                 repeat every series N times, report medians (default 3)
  --seed N                 the generator's seed (default 42)
  --batch-size N           events per transaction of the rebuild and of the floor (default: the runner's default)
  --projections A[,B…]     rebuild only these read models (organization, activity, flags, transfers, public, access;
                           none: read and validate the log, apply nothing): what each costs alone. No latency series
  --requests N             timed requests per query (default 1000), after --warm-up N untimed ones (default 100)
  --no-latency             rebuilds only: no HTTP queries
  --histories PATH         where generated histories are kept (default ${join(tmpdir(), 'quanze-bench-histories')})
  --regenerate             generate the histories again even when kept ones exist
  --quick                  1 run of a 20,000-event history, 200 requests: a smoke test, not figures
  --dir PATH               where the rebuilt SQLite read models go while a run lasts (default ${tmpdir()})
  --json PATH              where the JSON results go (default bench/results/read-models-<time>.json)
  --no-json                write no JSON
  --cpu-prof               profile each child: bench/results/profiles/<series>-<time>/ (see src/profile-summary.ts)
  --keep                   keep the rebuilt SQLite read models (PostgreSQL's go with the cluster at the end)
  --help`;

function whole(name: string, given: string, minimum: number): number {
  const value = Number(given);
  if (!Number.isSafeInteger(value) || value < minimum) throw new TypeError(`--${name} takes a whole number of at least ${String(minimum)}, not "${given}"`);
  return value;
}

export function parseReadModelOptions(argv: readonly string[], resultsFolder: string): ReadModelBenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      'read-models': { type: 'string' },
      events: { type: 'string' },
      runs: { type: 'string' },
      seed: { type: 'string', default: '42' },
      'batch-size': { type: 'string' },
      projections: { type: 'string' },
      requests: { type: 'string' },
      'warm-up': { type: 'string' },
      'no-latency': { type: 'boolean', default: false },
      histories: { type: 'string' },
      regenerate: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      dir: { type: 'string' },
      json: { type: 'string' },
      'no-json': { type: 'boolean', default: false },
      'cpu-prof': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const quick = values.quick;
  // The generator's smallest history is 5,000 events (MIN_EVENTS of @quanze/seeds).
  const sizes = (values.events ?? (quick ? '20000' : '250000,500000,1000000')).split(',').map((size) => whole('events', size.trim(), 5_000));
  const readModels = values['read-models'];
  if (readModels !== undefined && !(READ_MODEL_DATABASES as readonly string[]).includes(readModels)) {
    throw new TypeError(`--read-models takes ${READ_MODEL_DATABASES.join(', ')}, not "${readModels}"`);
  }
  return {
    readModels: readModels as ReadModelDatabases | undefined,
    runs: whole('runs', values.runs ?? (quick ? '1' : '3'), 1),
    sizes: [...new Set(sizes)].sort((a, b) => a - b),
    seed: whole('seed', values.seed, 0),
    batchSize: values['batch-size'] === undefined ? undefined : whole('batch-size', values['batch-size'], 1),
    projections: values.projections === undefined ? undefined : values.projections.split(',').map((name) => name.trim()),
    requests: whole('requests', values.requests ?? (quick ? '200' : '1000'), 1),
    warmUp: whole('warm-up', values['warm-up'] ?? (quick ? '20' : '100'), 0),
    histories: values.histories ?? join(tmpdir(), 'quanze-bench-histories'),
    regenerate: values.regenerate,
    skipLatency: values['no-latency'] || values.projections !== undefined,
    dir: values.dir ?? tmpdir(),
    json: values['no-json'] ? undefined : (values.json ?? `${resultsFolder}/read-models-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
    cpuProf: values['cpu-prof'],
    keep: values.keep,
  };
}
