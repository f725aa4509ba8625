import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { IntegritySeries } from './series.js';
import { INTEGRITY_SERIES } from './series.js';
import type { EventIdKind } from '../sample-event.js';

export interface IntegrityBenchOptions {
  readonly runs: number;
  /** The size of the kept history sealed, verified and proved against. */
  readonly events: number;
  readonly seed: number;
  readonly series: readonly IntegritySeries[];
  readonly proofs: number;
  readonly warmUp: number;
  readonly singles: number;
  readonly appenders: number;
  readonly perAppender: number;
  readonly batchEvents: number;
  readonly batchSize: number;
  /** The kind of event ids appended: v7 as our services make them (newEventId), or random v4. */
  readonly eventIds: EventIdKind;
  readonly histories: string;
  /** Where the sealed integrity.sqlite of each history is kept between runs. */
  readonly sealed: string;
  readonly dir: string;
  readonly json: string | undefined;
  readonly cpuProf: boolean;
  readonly keep: boolean;
}

export const INTEGRITY_USAGE = `npm run bench -- --suite integrity [options]   sealing, proofs, quanze verify, appends with the sealer on

  --runs N            repeat every series N times, report medians (default 3)
  --events N          the kept synthetic history to seal, verify and prove against (default 1000000; generated once,
                      as the read-model suite does, and shared with it)
  --seed N            the history's seed (default 42)
  --only a,b          series to run: ${INTEGRITY_SERIES.join(', ')} (default all)
  --proofs N          timed proofs of each kind, after 100 untimed (default 1000)
  --singles N         sequential single appends (default 3000)
  --appenders N       concurrent appenders (default 64)
  --per-appender N    single appends per concurrent appender (default 50)
  --append-events N   events appended in batches (default 100000)
  --batch-size N      events per batch append (default 1000)
  --event-ids v7|v4   the appended events' ids: time-ordered UUIDv7 as our services make them (default), or random v4
                      (what the store suite gives every peer; random keys cost the integrity store's id index more)
  --quick             1 run, a 20,000-event history, small sizes: a smoke test, not figures
  --histories PATH    where histories are kept (default ${join(tmpdir(), 'quanze-bench-histories')})
  --sealed PATH       where their sealed integrity stores are kept (default ${join(tmpdir(), 'quanze-bench-sealed')})
  --dir PATH          where the temporary folders go (default ${tmpdir()})
  --json PATH         where the JSON results go (default bench/results/integrity-<time>.json)
  --no-json           write no JSON
  --cpu-prof          profile each child: bench/results/profiles/<series>-<time>/ (see src/profile-summary.ts)
  --keep              keep the temporary folders
  --help`;

export function parseIntegrityOptions(argv: readonly string[], resultsFolder: string): IntegrityBenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      runs: { type: 'string' },
      events: { type: 'string' },
      seed: { type: 'string' },
      only: { type: 'string' },
      proofs: { type: 'string' },
      singles: { type: 'string' },
      appenders: { type: 'string' },
      'per-appender': { type: 'string' },
      'append-events': { type: 'string' },
      'batch-size': { type: 'string' },
      'event-ids': { type: 'string' },
      quick: { type: 'boolean', default: false },
      histories: { type: 'string' },
      sealed: { type: 'string' },
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
  const count = (name: string, given: string | undefined, fallback: number, quickFallback: number): number => {
    if (given === undefined) return quick ? quickFallback : fallback;
    const value = Number(given);
    if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`--${name} takes a whole number above 0, not "${given}"`);
    return value;
  };
  const series = values.only === undefined ? [...INTEGRITY_SERIES] : values.only.split(',').map((name) => name.trim());
  for (const name of series) {
    if (!(INTEGRITY_SERIES as readonly string[]).includes(name)) throw new TypeError(`--only: unknown series "${name}" (${INTEGRITY_SERIES.join(', ')})`);
  }
  const eventIds = values['event-ids'] ?? 'v7';
  if (eventIds !== 'v4' && eventIds !== 'v7') throw new TypeError(`--event-ids takes v7 or v4, not "${eventIds}"`);
  return {
    runs: count('runs', values.runs, 3, 1),
    events: count('events', values.events, 1_000_000, 20_000),
    seed: count('seed', values.seed, 42, 42),
    series: series as IntegritySeries[],
    proofs: count('proofs', values.proofs, 1000, 200),
    warmUp: 100,
    singles: count('singles', values.singles, 3000, 300),
    appenders: count('appenders', values.appenders, 64, 64),
    perAppender: count('per-appender', values['per-appender'], 50, 5),
    batchEvents: count('append-events', values['append-events'], 100_000, 10_000),
    batchSize: count('batch-size', values['batch-size'], 1000, 1000),
    eventIds,
    histories: values.histories ?? join(tmpdir(), 'quanze-bench-histories'),
    sealed: values.sealed ?? join(tmpdir(), 'quanze-bench-sealed'),
    dir: values.dir ?? tmpdir(),
    json: values['no-json'] ? undefined : (values.json ?? `${resultsFolder}/integrity-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
    cpuProf: values['cpu-prof'],
    keep: values.keep,
  };
}
