/**
 * The integrity suite's series, each run in a child process of its own (peak RSS is the child's):
 * - `seal`: the sealer as `openLedgerLog` runs it (createSealerThread, default settings: its own thread, a backlog
 *   hashed on worker threads) integrating a kept history from zero into a fresh integrity.sqlite, until the last
 *   event is sealed and the last checkpoint signed;
 * - `seal-follow`: the same with createSealer following the store on one thread, without the catch-up (the rate of
 *   the steady state, when the sealer follows appends as they come);
 * - `floor`: the least sealing or verifying can do — read every row with better-sqlite3 and take SHA-256 of its stored
 *   body bytes as the entry (no parsing, no canonical form), the leaf hash, the tree (Frontier), nothing stored;
 * - `verify`: `quanze verify` (run in process) on the kept history and its sealed integrity.sqlite;
 * - `verify-port`: verifyLog through the event store's port on one thread, as `quanze verify` did before;
 * - `proofs`: inclusion and consistency proofs at the full tree size, in process from integrity.sqlite and over
 *   HTTP (GET /log/proofs/inclusion, /log/proofs/consistency of the accountability service's log routes);
 * - `appends`, `appends-sealed`: the store suite's append scenarios (single appends one after another, 64
 *   concurrent appenders, batches of 1,000) on a fresh store, without and with a sealer following in the process;
 * - `appends-sealed-thread`: the same with the sealer on a worker thread of the process (createSealerThread, as openLedgerLog runs it);
 * - `store-batch`: the store suite's own child (bench/src/child.ts), quanze, batch appends only: the best append
 *   rate sealing must keep up with.
 */
import type { EventIdKind } from '../sample-event.js';

export const INTEGRITY_SERIES = ['seal', 'seal-follow', 'floor', 'verify', 'verify-port', 'proofs', 'appends', 'appends-sealed', 'appends-sealed-thread', 'store-batch'] as const;
export type IntegritySeries = (typeof INTEGRITY_SERIES)[number];

export interface Rss {
  /** After imports, before any database is opened. */
  readonly baselineMiB: number;
  /** Peak resident set (VmHWM) of the child, worker threads included. */
  readonly peakMiB: number;
}

export interface HistoryConfig {
  /** The kept history's folder (events.sqlite). */
  readonly history: string;
  /** The kept sealed folder: integrity.sqlite of the history, for verify and proofs. */
  readonly sealed: string;
  readonly verifierKey: string;
  readonly signerKey: string;
  /** A fresh temp folder for what the series writes. */
  readonly output: string;
}

export interface ThroughputConfig extends HistoryConfig {
  readonly series: 'seal' | 'seal-follow' | 'floor' | 'verify' | 'verify-port';
}

export interface ProofsConfig extends HistoryConfig {
  readonly series: 'proofs';
  readonly proofs: number;
  readonly warmUp: number;
  readonly seed: number;
}

export interface AppendsConfig {
  readonly series: AppendSeries;
  readonly output: string;
  readonly signerKey: string;
  readonly singles: number;
  readonly appenders: number;
  readonly perAppender: number;
  readonly batchEvents: number;
  readonly batchSize: number;
  readonly eventIds: EventIdKind;
}

export type IntegrityChildConfig = ThroughputConfig | ProofsConfig | AppendsConfig;

export interface ThroughputReport {
  readonly series: 'seal' | 'seal-follow' | 'floor' | 'verify' | 'verify-port';
  readonly events: number;
  readonly seconds: number;
  /** User and system CPU time of the child while timed, worker threads included. */
  readonly cpuSeconds: number;
  readonly eventsPerSecond: number;
  /** What the series found or wrote, e.g. the verify verdict's first line, the integrity file's size. */
  readonly detail: string;
  readonly rss: Rss;
}

export interface Latency {
  readonly what: 'inclusion' | 'consistency' | 'inclusion over HTTP' | 'consistency over HTTP';
  readonly count: number;
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Proofs that did not verify against the checkpoint's root (or answers other than 200). */
  readonly failures: number;
}

export interface ProofsReport {
  readonly series: 'proofs';
  readonly treeSize: number;
  readonly latencies: readonly Latency[];
  readonly rss: Rss;
}

export type AppendSeries = 'appends' | 'appends-sealed' | 'appends-sealed-thread';

export type AppendScenario = 'sequential' | 'concurrent' | 'batch';

export interface AppendFigure {
  readonly scenario: AppendScenario;
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** With a sealer: how long after the last append was acknowledged its event was sealed (untimed). */
  readonly sealLagSeconds: number | null;
}

export interface AppendsReport {
  readonly series: AppendSeries;
  readonly figures: readonly AppendFigure[];
  readonly rss: Rss;
}

export interface StoreBatchReport {
  readonly series: 'store-batch';
  readonly eventsPerSecond: number;
  readonly label: string;
  readonly rss: Rss;
}

export type IntegrityChildReport = ThroughputReport | ProofsReport | AppendsReport | StoreBatchReport;

/** Peak resident set size of this process in MiB (VmHWM). */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? Number.NaN;
}
