import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import type { EventIdKind } from './sample-event.js';
import type { ScenarioId, SeriesId } from './scenario.js';
import { SCENARIOS, SERIES } from './scenario.js';

export interface SeriesSizes {
  readonly sequentialEvents: number;
  readonly eventsPerAppender: number;
  readonly logEvents: number;
}

export interface BenchOptions {
  readonly runs: number;
  readonly appenders: number;
  readonly batchSize: number;
  /** Ours and raw better-sqlite3. */
  readonly sizes: SeriesSizes;
  /** Emmett opens the file around every append (~400 appends/s here): fewer single appends, said in the report. */
  readonly emmettSizes: SeriesSizes;
  readonly series: readonly SeriesId[];
  readonly scenarios: readonly ScenarioId[];
  /** Random (v4, default) or time-ordered (v7) event ids. */
  readonly eventIds: EventIdKind;
  /** Events written into the single-append scenarios' files before they are timed. */
  readonly prefill: number;
  readonly dir: string;
  /** Where the JSON results go; undefined: not written. */
  readonly json: string | undefined;
  readonly cpuProf: boolean;
  readonly keep: boolean;
}

export const USAGE = `npm run bench -- [options]                  the event store suite (the default)
npm run bench -- --suite read-models [options]    the read models: rebuild and queries (--suite read-models --help)
npm run bench -- --suite integrity [options]      the Merkle log: sealing, proofs, quanze verify, appends while sealing
npm run bench -- --suite postgres [options]       the PostgreSQL store against Emmett's and raw pg

  --runs N                 repeat every series N times, report medians (default 3)
  --events N               events in the log written by batch appends and read back (default 100000)
  --batch-size N           events per batch append (default 1000)
  --singles N              sequential single appends, ours and raw (default 3000)
  --appenders N            concurrent appenders (default 64)
  --per-appender N         single appends per concurrent appender, ours and raw (default 50)
  --emmett-singles N       sequential single appends, Emmett (default 400)
  --emmett-per-appender N  single appends per concurrent appender, Emmett (default 2)
  --emmett-events N        events in Emmett's batch-written log (default: --events)
  --only a,b               series to run: ${SERIES.join(', ')} (default all)
  --scenarios a,b          scenarios to run: ${SCENARIOS.join(', ')} (default all; readAll runs batch too)
  --prefill N              write N events (untimed, in batches) before the single-append scenarios (default 0)
  --event-ids v4|v7        random (default) or time-ordered event ids: a store with a unique index on them cares
  --quick                  1 run, small sizes: a smoke test, not figures
  --dir PATH               where the temporary database folders go (default ${tmpdir()})
  --json PATH              where the JSON results go (default bench/results/bench-<time>.json)
  --no-json                write no JSON
  --cpu-prof               profile each child: bench/results/profiles/<series>-<time>/ (see src/profile-summary.ts)
  --keep                   keep the database files
  --help`;

function prefillCount(given: string): number {
  const value = Number(given);
  if (!Number.isSafeInteger(value) || value < 0) throw new TypeError(`--prefill takes a whole number, 0 or more, not "${given}"`);
  return value;
}

export function parseOptions(argv: readonly string[], resultsFolder: string): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      runs: { type: 'string' },
      events: { type: 'string' },
      'batch-size': { type: 'string' },
      singles: { type: 'string' },
      appenders: { type: 'string' },
      'per-appender': { type: 'string' },
      'emmett-singles': { type: 'string' },
      'emmett-per-appender': { type: 'string' },
      'emmett-events': { type: 'string' },
      only: { type: 'string' },
      scenarios: { type: 'string' },
      'event-ids': { type: 'string', default: 'v4' },
      prefill: { type: 'string', default: '0' },
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
  const count = (name: string, given: string | undefined, fallback: number, quickFallback: number): number => {
    if (given === undefined) return quick ? quickFallback : fallback;
    const value = Number(given);
    if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`--${name} takes a whole number above 0, not "${given}"`);
    return value;
  };
  const events = count('events', values.events, 100_000, 10_000);
  const series = values.only === undefined ? [...SERIES] : values.only.split(',').map((name) => name.trim());
  for (const name of series) {
    if (!(SERIES as readonly string[]).includes(name)) throw new TypeError(`--only: unknown series "${name}" (${SERIES.join(', ')})`);
  }
  const scenarios = values.scenarios === undefined ? [...SCENARIOS] : values.scenarios.split(',').map((name) => name.trim());
  for (const name of scenarios) {
    if (!(SCENARIOS as readonly string[]).includes(name)) {
      throw new TypeError(`--scenarios: unknown scenario "${name}" (${SCENARIOS.join(', ')})`);
    }
  }
  const eventIds = values['event-ids'];
  if (eventIds !== 'v4' && eventIds !== 'v7') throw new TypeError(`--event-ids takes v4 or v7, not "${eventIds}"`);
  return {
    runs: count('runs', values.runs, 3, 1),
    appenders: count('appenders', values.appenders, 64, 64),
    batchSize: count('batch-size', values['batch-size'], 1000, 1000),
    sizes: {
      sequentialEvents: count('singles', values.singles, 3000, 300),
      eventsPerAppender: count('per-appender', values['per-appender'], 50, 5),
      logEvents: events,
    },
    emmettSizes: {
      sequentialEvents: count('emmett-singles', values['emmett-singles'], 400, 100),
      eventsPerAppender: count('emmett-per-appender', values['emmett-per-appender'], 2, 1),
      logEvents: count('emmett-events', values['emmett-events'], events, events),
    },
    series: series as SeriesId[],
    scenarios: scenarios as ScenarioId[],
    eventIds,
    prefill: prefillCount(values.prefill),
    dir: values.dir ?? tmpdir(),
    json: values['no-json'] ? undefined : (values.json ?? `${resultsFolder}/bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
    cpuProf: values['cpu-prof'],
    keep: values.keep,
  };
}
