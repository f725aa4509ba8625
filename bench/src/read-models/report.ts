import type { SqlDialect } from '@quanze/projections';
import type { Spread, Verdict } from '../report.js';
import { rate, spread } from '../report.js';
import type { LatencyReport, QueryLatency, RebuildReport } from './series.js';
import { DOSSIER_ENTRIES } from './series.js';

/** The rebuild's target (the issue's): every read model rebuilt at this many events a second or more. */
export const REBUILD_TARGET = 50_000;
/** The dossier's target: its 99th percentile under this many milliseconds. */
export const DOSSIER_P99_TARGET_MS = 20;
/** Bounded RSS: the rebuild's peak grows by no more than this fraction from the smallest history to the largest. */
const RSS_GROWTH_ALLOWED = 0.25;

/** How the report names each database. */
export const DIALECT_NAMES: Readonly<Record<SqlDialect, string>> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

export interface SizeSummary {
  readonly events: number;
  /** The rebuild into each database; the targets judge SQLite's (the embedded default), PostgreSQL's has none. */
  readonly rebuild: Readonly<Record<SqlDialect, SeriesSummary | undefined>>;
  readonly floor: SeriesSummary | undefined;
}

export interface SeriesSummary {
  readonly eventsPerSecond: Spread;
  /** CPU seconds (all the child's threads) per second of wall time: under 1, the child waited for the CPU or the disk. */
  readonly cpuPerWall: Spread;
  readonly peakRssMiB: Spread;
  readonly baselineRssMiB: Spread;
  readonly outputMiB: Spread;
  readonly batchSize: number;
}

export interface QuerySummary {
  readonly query: QueryLatency['query'];
  readonly dialect: SqlDialect;
  readonly what: string;
  readonly requestsPerRun: number;
  readonly medianMs: Spread;
  readonly p99Ms: Spread;
  readonly maxMs: Spread;
  readonly failures: number;
}

export interface ReadModelSummary {
  /** The databases measured, in the order their rows are shown. */
  readonly dialects: readonly SqlDialect[];
  readonly sizes: readonly SizeSummary[];
  /** Each query on each database, a query's databases side by side. */
  readonly queries: readonly QuerySummary[];
  readonly latencyPeakRssMiB: Readonly<Record<SqlDialect, Spread | undefined>>;
}

function seriesSummary(reports: readonly RebuildReport[]): SeriesSummary | undefined {
  const first = reports[0];
  if (first === undefined) return undefined;
  return {
    eventsPerSecond: spread(reports.map((report) => report.eventsPerSecond)),
    cpuPerWall: spread(reports.map((report) => report.cpuSeconds / report.seconds)),
    peakRssMiB: spread(reports.map((report) => report.rss.peakMiB)),
    baselineRssMiB: spread(reports.map((report) => report.rss.baselineMiB)),
    outputMiB: spread(reports.map((report) => report.outputMiB)),
    batchSize: first.batchSize,
  };
}

export function summariseReadModels(
  sizes: readonly number[],
  dialects: readonly SqlDialect[],
  rebuilds: readonly RebuildReport[],
  latencies: readonly LatencyReport[],
): ReadModelSummary {
  type AskedOn = QueryLatency & { readonly dialect: SqlDialect };
  const order = (dialect: SqlDialect) => dialects.indexOf(dialect);
  // Each query's runs on each database; the queries in the order the service was asked, each one's databases in order.
  const queries = new Map<QueryLatency['query'], Map<SqlDialect, AskedOn[]>>();
  for (const report of [...latencies].sort((a, b) => order(a.dialect) - order(b.dialect))) {
    for (const query of report.queries) {
      const byDialect = queries.get(query.query) ?? new Map<SqlDialect, AskedOn[]>();
      byDialect.set(report.dialect, [...(byDialect.get(report.dialect) ?? []), { ...query, dialect: report.dialect }]);
      queries.set(query.query, byDialect);
    }
  }
  const rebuildOn = (dialect: SqlDialect, events: number) =>
    seriesSummary(rebuilds.filter((report) => report.series === 'rebuild' && report.dialect === dialect && report.events === events));
  const latencyRss = (dialect: SqlDialect) => {
    const reports = latencies.filter((report) => report.dialect === dialect);
    return reports.length === 0 ? undefined : spread(reports.map((report) => report.rss.peakMiB));
  };
  return {
    dialects,
    sizes: sizes.map((events) => ({
      events,
      rebuild: { sqlite: rebuildOn('sqlite', events), postgres: rebuildOn('postgres', events) },
      floor: seriesSummary(rebuilds.filter((report) => report.series === 'floor' && report.events === events)),
    })),
    queries: [...queries.values()].flatMap((byDialect) => [...byDialect.values()]).flatMap((runs): QuerySummary[] => {
      const first = runs[0];
      if (first === undefined) return [];
      return [
        {
          query: first.query,
          dialect: first.dialect,
          what: first.what,
          requestsPerRun: first.requests,
          medianMs: spread(runs.map((run) => run.medianMs)),
          p99Ms: spread(runs.map((run) => run.p99Ms)),
          maxMs: spread(runs.map((run) => run.maxMs)),
          failures: runs.reduce((total, run) => total + run.failures, 0),
        },
      ];
    }),
    latencyPeakRssMiB: { sqlite: latencyRss('sqlite'), postgres: latencyRss('postgres') },
  };
}

/** The entries of the dossier's person, as the latency child wrote them in `what`. */
function dossierEntries(query: QuerySummary): number | undefined {
  const match = /: (\d+) entries/.exec(query.what);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/**
 * The targets, judged on SQLite (the embedded default) alone: PostgreSQL's figures are reported beside them, unjudged.
 * `only`: the read models rebuilt, when not every one (`--projections`): the rebuild target is then not judged.
 */
export function readModelVerdicts(summary: ReadModelSummary, only?: readonly string[]): Verdict[] {
  const verdicts: Verdict[] = [];
  const largest = summary.sizes.at(-1);
  const smallest = summary.sizes[0];
  const rebuild = largest?.rebuild.sqlite;
  if (largest === undefined || rebuild === undefined) {
    verdicts.push({ target: `rebuild ≥ ${rate(REBUILD_TARGET)}`, status: 'n/a', detail: 'not run' });
  } else if (only !== undefined) {
    verdicts.push({ target: `rebuild ≥ ${rate(REBUILD_TARGET)}`, status: 'n/a', detail: `${rate(rebuild.eventsPerSecond.median)} rebuilding only ${only.join(', ')}` });
  } else {
    const median = rebuild.eventsPerSecond.median;
    const floor = largest.floor?.eventsPerSecond.median;
    verdicts.push({
      target: `rebuild of every read model ≥ ${rate(REBUILD_TARGET)} on ${largest.events.toLocaleString('en-US')} events`,
      status: largest.events < 1_000_000 ? 'n/a' : median >= REBUILD_TARGET ? 'PASS' : 'FAIL',
      detail:
        `${rate(median)} (${(median / REBUILD_TARGET).toFixed(2)}× the target` +
        (floor === undefined ? '' : `; ${(median / floor).toFixed(2)}× the floor's ${rate(floor)}`) +
        ')' +
        (largest.events < 1_000_000 ? '; the target is set on at least 1,000,000 events' : ''),
    });
  }
  const smallestRebuild = smallest?.rebuild.sqlite;
  if (smallest !== undefined && largest !== undefined && smallest !== largest && smallestRebuild !== undefined && rebuild !== undefined) {
    const growth = rebuild.peakRssMiB.median / smallestRebuild.peakRssMiB.median - 1;
    verdicts.push({
      target: `peak RSS of the rebuild bounded: ≤ ${String(RSS_GROWTH_ALLOWED * 100)} % more on ${(largest.events / smallest.events).toFixed(0)}× the history`,
      status: growth <= RSS_GROWTH_ALLOWED ? 'PASS' : 'FAIL',
      detail: summary.sizes
        .map((size) => `${size.events.toLocaleString('en-US')}: ${size.rebuild.sqlite?.peakRssMiB.median.toFixed(0) ?? '?'} MiB`)
        .join(', ')
        .concat(` (${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(0)} %)`),
    });
  }
  const dossier = summary.queries.find((query) => query.query === 'dossier' && query.dialect === 'sqlite');
  if (dossier === undefined) verdicts.push({ target: `dossier p99 < ${String(DOSSIER_P99_TARGET_MS)} ms`, status: 'n/a', detail: 'not run' });
  else {
    const entries = dossierEntries(dossier) ?? 0;
    const p99 = dossier.p99Ms.median;
    verdicts.push({
      target: `dossier of a person with ≥ ${DOSSIER_ENTRIES.toLocaleString('en-US')} entries: p99 < ${String(DOSSIER_P99_TARGET_MS)} ms`,
      status: entries < DOSSIER_ENTRIES ? 'n/a' : p99 < DOSSIER_P99_TARGET_MS && dossier.failures === 0 ? 'PASS' : 'FAIL',
      detail: `p99 ${p99.toFixed(1)} ms, median ${dossier.medianMs.median.toFixed(1)} ms (${dossier.what})${dossier.failures > 0 ? `; ${String(dossier.failures)} failed requests` : ''}`,
    });
  }
  return verdicts;
}

const ms = (value: Spread, runs: number) =>
  runs > 1 ? `${value.median.toFixed(1)} (${value.min.toFixed(1)}–${value.max.toFixed(1)})` : value.median.toFixed(1);
const rates = (value: Spread | undefined) =>
  value === undefined ? '—' : value.values.length > 1 ? `${rate(value.median)} (${rate(value.min).slice(0, -2)}–${rate(value.max)})` : rate(value.median);
const mib = (value: Spread | undefined) => (value === undefined ? '—' : value.median.toFixed(0));
/** `of` over `to`, medians: PostgreSQL's figure over SQLite's. */
const ratio = (of: Spread | undefined, to: Spread | undefined) => (of === undefined || to === undefined ? '—' : `${(of.median / to.median).toFixed(2)}×`);

/** The columns left-aligned besides the first: words, not figures. */
const WORDS = new Set(['read models', 'what']);

/**
 * The rebuild, a row per history and database (SQLite's first), and the queries, a row per query and database;
 * with both databases measured, PostgreSQL's rows carry its figure over SQLite's (events/s: above 1× is faster;
 * milliseconds: above 1× is slower). The floor is SQLite's, shown once per history.
 */
export function renderReadModelTables(summary: ReadModelSummary, runs: number, markdown: boolean): string {
  const both = summary.dialects.includes('sqlite') && summary.dialects.includes('postgres');
  const rebuildHeader = [
    'history (events)',
    'read models',
    'rebuild, events/s',
    ...(both ? ['PostgreSQL/SQLite'] : []),
    'floor, events/s',
    'rebuild/floor',
    'rebuild CPU/wall',
    'peak RSS MiB rebuild (baseline)',
    'peak RSS MiB floor',
    'read models MiB',
  ];
  const rebuildRows = summary.sizes.flatMap((size) =>
    summary.dialects.map((dialect, index) => {
      const rebuild = size.rebuild[dialect];
      const first = index === 0;
      return [
        first ? size.events.toLocaleString('en-US') : '',
        DIALECT_NAMES[dialect],
        rates(rebuild?.eventsPerSecond),
        ...(both ? [dialect === 'postgres' ? ratio(rebuild?.eventsPerSecond, size.rebuild.sqlite?.eventsPerSecond) : ''] : []),
        first ? rates(size.floor?.eventsPerSecond) : '',
        ratio(rebuild?.eventsPerSecond, size.floor?.eventsPerSecond),
        rebuild === undefined ? '—' : rebuild.cpuPerWall.median.toFixed(2),
        `${mib(rebuild?.peakRssMiB)} (${mib(rebuild?.baselineRssMiB)})`,
        first ? mib(size.floor?.peakRssMiB) : '',
        mib(rebuild?.outputMiB),
      ];
    }),
  );
  const latencyHeader = ['query', 'read models', 'median ms', 'p99 ms', 'max ms', ...(both ? ['median PostgreSQL/SQLite', 'p99 PostgreSQL/SQLite'] : []), 'what'];
  const latencyRows = summary.queries.map((query) => {
    const onSqlite = summary.queries.find((other) => other.query === query.query && other.dialect === 'sqlite');
    const sameAsked = query.dialect !== 'sqlite' && onSqlite?.what === query.what;
    const failed = query.failures > 0 ? `; ${String(query.failures)} failed requests` : '';
    return [
      query.query,
      DIALECT_NAMES[query.dialect],
      ms(query.medianMs, runs),
      ms(query.p99Ms, runs),
      ms(query.maxMs, runs),
      ...(both && query.dialect === 'postgres' ? [ratio(query.medianMs, onSqlite?.medianMs), ratio(query.p99Ms, onSqlite?.p99Ms)] : both ? ['', ''] : []),
      `${sameAsked ? 'the same' : query.what}${failed}`,
    ];
  });
  const table = markdown ? markdownTable : textTable;
  return [table(rebuildHeader, rebuildRows), ...(latencyRows.length === 0 ? [] : ['', table(latencyHeader, latencyRows)])].join('\n');
}

function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((text, column) => (column === 0 || WORDS.has(header[column] ?? '') ? text.padEnd(widths[column] ?? 0) : text.padStart(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((title, column) => (column === 0 || WORDS.has(title) ? '---' : '---:'))), ...rows.map(line)].join('\n');
}
