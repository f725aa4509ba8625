import type { EventIdKind } from './sample-event.js';

/** The figures the issue asks for, (a) to (d); (e), peak RSS, comes with every child's report. */
export const SCENARIOS = ['sequential', 'concurrent', 'batch', 'readAll'] as const;
export type ScenarioId = (typeof SCENARIOS)[number];

export const SCENARIO_TITLES: Record<ScenarioId, string> = {
  sequential: '(a) sequential single appends',
  concurrent: '(b) concurrent single appends',
  batch: '(c) batch appends',
  readAll: '(d) full read in order',
};

/**
 * Each series runs in a child process of its own:
 * - `quanze`: our SQLite store, `createSqliteEventStore`;
 * - `raw`: better-sqlite3 on a plain table, the floor;
 * - `emmett`: Emmett's SQLite store as its docs show it, `getSQLiteEventStore` (opens the file around every call);
 * - `emmett-held`: Emmett's exported functions (`appendToStream`, `readMessagesBatch`) on one held connection.
 */
export const SERIES = ['quanze', 'raw', 'emmett', 'emmett-held'] as const;
export type SeriesId = (typeof SERIES)[number];

/** Appends per loop in the untimed check that an acknowledged append is visible to another connection. */
export const PROBE_APPENDS_PER_LOOP = 1;

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface Measurement {
  readonly scenario: ScenarioId;
  /** A variant of the scenario beside the main figure, e.g. our read-all without the zod validation. */
  readonly variant?: string;
  /** What exactly was timed, for the table's footnotes. */
  readonly label: string;
  /** Events acknowledged (appends) or delivered (reads) within the timed section. */
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** Appends that failed (rejected or answered "not appended"). */
  readonly failures: number;
  readonly checks: readonly Check[];
}

export interface ChildReport {
  readonly series: SeriesId;
  readonly measurements: readonly Measurement[];
  /** Settings as read back from the engine (or why they could not be), e.g. `synchronous=2 (FULL)`. */
  readonly durability: readonly string[];
  readonly notes: readonly string[];
  readonly sqliteVersion: string;
  readonly rss: {
    /** After imports, before any database is opened. */
    readonly baselineMiB: number;
    /** Peak resident set (VmHWM) of the whole child, all scenarios. */
    readonly peakMiB: number;
    /** The running peak after each scenario: where the memory went. */
    readonly peakAfterMiB: Partial<Record<ScenarioId, number>>;
  };
}

/** What the parent hands a child: the sizes and where to put the files. */
export interface ChildConfig {
  readonly series: SeriesId;
  readonly folder: string;
  readonly sequentialEvents: number;
  readonly appenders: number;
  readonly eventsPerAppender: number;
  readonly batchSize: number;
  readonly logEvents: number;
  /** The scenarios to run; `readAll` reads what `batch` wrote, so it runs `batch` too. */
  readonly scenarios: readonly ScenarioId[];
  readonly eventIds: EventIdKind;
  /** Events written (untimed, in batches) into the single-append scenarios' files first: a log that is not empty. */
  readonly prefill: number;
}

export async function timed(
  run: () => Promise<{ events: number; failures?: number }>,
): Promise<{ events: number; failures: number; seconds: number; eventsPerSecond: number }> {
  const started = performance.now();
  const { events, failures = 0 } = await run();
  const seconds = (performance.now() - started) / 1000;
  return { events, failures, seconds, eventsPerSecond: events / seconds };
}

/** Peak resident set size of this process in MiB (VmHWM; `maxRSS` is the same figure in KiB). */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Runs `loops` async loops at once and waits for all of them. */
export async function inParallel(loops: number, loop: (index: number) => Promise<void>): Promise<void> {
  await Promise.all(Array.from({ length: loops }, (_, index) => loop(index)));
}

export function check(name: string, ok: boolean, detail: string): Check {
  return { name, ok, detail };
}

/** Checks every read-all makes: every stored event delivered once, in strictly ascending position. */
export class OrderTracker {
  private last = 0;
  private count = 0;
  private outOfOrder = 0;

  see(position: number): void {
    this.count += 1;
    if (position <= this.last) this.outOfOrder += 1;
    this.last = position;
  }

  get delivered(): number {
    return this.count;
  }

  checks(stored: number): Check[] {
    return [
      check('every stored event delivered once', this.count === stored, `${this.count} delivered, ${stored} stored`),
      check('positions strictly ascending', this.outOfOrder === 0, `${this.outOfOrder} repeated or out of order`),
    ];
  }
}
