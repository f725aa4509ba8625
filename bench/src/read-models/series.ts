import type { SqlDialect } from '@quanze/projections';

/**
 * The read-model suite's series, each run in a child process of its own (peak RSS is the child's):
 * - `generate`: the synthetic city of @quanze/seeds, written once per size into a kept store;
 * - `rebuild`: every read model of the accountability service rebuilt from zero by the projection runner, into a
 *   SQLite file or a PostgreSQL database (the log read is the kept SQLite store either way);
 * - `floor`: raw better-sqlite3 reading every event of the same store file and inserting one row per event into one
 *   table, in transactions of the same size: the least any projection must do;
 * - `latency`: the accountability service over real HTTP on the rebuilt read models.
 */
export type ReadModelSeries = 'generate' | 'rebuild' | 'floor' | 'latency';

/** The read models' database of a rebuild and of the latency series after it. */
export type ReadModelsAt =
  /** `readmodels.sqlite` in the run's output folder. */
  | { readonly dialect: 'sqlite' }
  /** A fresh database of the suite's cluster, made for the run (schema `quanze_read_models`, the default). */
  | { readonly dialect: 'postgres'; readonly url: string };

export interface GenerateConfig {
  readonly series: 'generate';
  /** The store's folder, written from empty. */
  readonly folder: string;
  readonly events: number;
  readonly seed: number;
}

export interface RebuildConfig {
  readonly series: 'rebuild';
  /** The kept history's folder (its store, read only in effect). */
  readonly history: string;
  /** The run's folder: where SQLite read models are written. */
  readonly output: string;
  readonly readModels: ReadModelsAt;
  readonly batchSize: number | undefined;
  /** The read models to rebuild (`none`: none, the log read alone); undefined: every one. */
  readonly projections: readonly string[] | undefined;
}

export interface FloorConfig {
  readonly series: 'floor';
  readonly history: string;
  /** Where the floor's table is written. */
  readonly output: string;
  readonly batchSize: number | undefined;
}

export interface LatencyConfig {
  readonly series: 'latency';
  readonly history: string;
  /** The rebuild's folder (its SQLite read models, if there); the store is copied there, for the service appends what it is asked. */
  readonly output: string;
  /** The read models the rebuild wrote. */
  readonly readModels: ReadModelsAt;
  readonly requests: number;
  readonly warmUp: number;
}

export type ReadModelChildConfig = GenerateConfig | RebuildConfig | FloorConfig | LatencyConfig;

export interface Rss {
  /** After imports, before any database is opened. */
  readonly baselineMiB: number;
  /** Peak resident set (VmHWM) of the child; a PostgreSQL server's memory is not in it. */
  readonly peakMiB: number;
}

export interface GenerateReport {
  readonly series: 'generate';
  readonly events: number;
  readonly seconds: number;
  readonly digest: string;
  readonly planted: number;
  readonly rss: Rss;
}

export interface RebuildReport {
  readonly series: 'rebuild' | 'floor';
  /** Where it wrote: the floor always writes SQLite. */
  readonly dialect: SqlDialect;
  readonly events: number;
  readonly seconds: number;
  /**
   * User and system CPU time of the child while timed (a busy neighbour shows as seconds above it). On PostgreSQL
   * the server's processes do much of the work: their CPU time is not in this figure.
   */
  readonly cpuSeconds: number;
  readonly eventsPerSecond: number;
  /** When done: SQLite's database file and its WAL; PostgreSQL's `pg_database_size` (an empty database's ~7 MiB included). */
  readonly outputMiB: number;
  readonly batchSize: number;
  readonly rss: Rss;
}

export interface QueryLatency {
  /** `dossier`: of the person with the fewest entries from DOSSIER_ENTRIES up (the target's); `busiest dossier`: the most. */
  readonly query: 'dossier' | 'busiest dossier' | 'chain' | 'timeline';
  /** What was asked, for the report: the person and their entries, the subject and its steps, the pages. */
  readonly what: string;
  readonly requests: number;
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Answers other than 200. */
  readonly failures: number;
}

export interface LatencyReport {
  readonly series: 'latency';
  readonly dialect: SqlDialect;
  readonly queries: readonly QueryLatency[];
  readonly rss: Rss;
}

export type ReadModelChildReport = GenerateReport | RebuildReport | LatencyReport;

/** Peak resident set size of this process in MiB (VmHWM; `maxRSS` is the same figure in KiB). */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export const MIB = 1024 * 1024;

/** The dossier's target is set for a person with this many entries. */
export const DOSSIER_ENTRIES = 1_000;
