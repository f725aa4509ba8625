import type { Measurement, ScenarioId } from '../scenario.js';

/**
 * Each series runs in a child process of its own, against databases of its own on one throwaway cluster:
 * - `quanze`: one `createPostgresEventStore` for all the clients, as one service process uses it (its appends go
 *   through one writer: group commit);
 * - `quanze-stores`: one store per client, as many processes would have (their appends meet at the append lock);
 * - `emmett`: Emmett's `getPostgreSQLEventStore` with a pool of as many connections as clients;
 * - `raw`: `pg` on a plain table with our table's keys, one INSERT per transaction (or 1,000 per statement).
 */
export const PG_SERIES = ['quanze', 'quanze-stores', 'emmett', 'raw'] as const;
export type PgSeriesId = (typeof PG_SERIES)[number];

/** `quanze-stores` only differs from `quanze` with several clients: it runs the concurrent scenario alone. */
export const PG_SCENARIOS: Record<PgSeriesId, readonly ScenarioId[]> = {
  quanze: ['sequential', 'concurrent', 'batch', 'readAll'],
  'quanze-stores': ['concurrent'],
  emmett: ['sequential', 'concurrent', 'batch', 'readAll'],
  raw: ['sequential', 'concurrent', 'batch', 'readAll'],
};

export interface PgChildConfig {
  readonly series: PgSeriesId;
  /** The cluster's `postgres` database, as superuser: the child makes (and drops) a database per scenario. */
  readonly adminUrl: string;
  /** Names the child's databases, unique per run and series. */
  readonly databasePrefix: string;
  readonly sequentialEvents: number;
  readonly clients: number;
  readonly eventsPerClient: number;
  readonly batchSize: number;
  readonly logEvents: number;
  /** Page size of Emmett's read-all (its processors' default is 100). */
  readonly emmettPageSize: number;
  readonly scenarios: readonly ScenarioId[];
}

export interface PgChildReport {
  readonly series: PgSeriesId;
  readonly measurements: readonly Measurement[];
  readonly notes: readonly string[];
  /** The peer's library and version, e.g. `@event-driven-io/emmett-postgresql 0.42.0`. */
  readonly library: string;
  readonly rss: { readonly baselineMiB: number; readonly peakMiB: number };
}

/** What one peer does; each scenario gets a fresh database, `readAll` reads the one `batch` wrote. */
export interface PgPeer {
  readonly library: string;
  warmUp(url: string): Promise<void>;
  sequential(url: string, config: PgChildConfig): Promise<Measurement>;
  /** Timed appends, then untimed: the log read back through the peer's own read-all, checked for every event once. */
  concurrent(url: string, config: PgChildConfig): Promise<Measurement>;
  batch(url: string, config: PgChildConfig): Promise<Measurement>;
  readAll(url: string, config: PgChildConfig, stored: number): Promise<Measurement[]>;
  close(): Promise<void>;
  notes(): string[];
}
