import type { Spread, Verdict } from '../report.js';
import { rate, spread } from '../report.js';
import { SCENARIO_TITLES } from '../scenario.js';
import type { PgChildReport, PgSeriesId } from './scenario.js';

export interface PgSummary {
  /** events/s by series, then by scenario key (`readAll` or `readAll:without zod`). */
  readonly rates: Partial<Record<PgSeriesId, Record<string, Spread>>>;
  readonly labels: Partial<Record<PgSeriesId, Record<string, string>>>;
  readonly events: Partial<Record<PgSeriesId, Record<string, number>>>;
  readonly failures: Partial<Record<PgSeriesId, Record<string, number>>>;
  readonly peakRssMiB: Partial<Record<PgSeriesId, Spread>>;
  readonly libraries: Partial<Record<PgSeriesId, string>>;
  readonly notes: Partial<Record<PgSeriesId, readonly string[]>>;
  readonly passedChecks: number;
  readonly failedChecks: readonly string[];
}

export function summarisePg(runs: readonly (readonly PgChildReport[])[]): PgSummary {
  const rates: Partial<Record<PgSeriesId, Record<string, number[]>>> = {};
  const labels: Partial<Record<PgSeriesId, Record<string, string>>> = {};
  const events: Partial<Record<PgSeriesId, Record<string, number>>> = {};
  const failures: Partial<Record<PgSeriesId, Record<string, number>>> = {};
  const peaks: Partial<Record<PgSeriesId, number[]>> = {};
  const libraries: Partial<Record<PgSeriesId, string>> = {};
  const notes: Partial<Record<PgSeriesId, string[]>> = {};
  const failed = new Map<string, string[]>();
  let passedChecks = 0;
  runs.forEach((reports, runIndex) => {
    for (const report of reports) {
      const series = report.series;
      (peaks[series] ??= []).push(report.rss.peakMiB);
      libraries[series] ??= report.library;
      for (const note of report.notes) (notes[series] ??= []).push(runs.length > 1 ? `run ${runIndex + 1}: ${note}` : note);
      for (const measurement of report.measurements) {
        const key = measurement.variant === undefined ? measurement.scenario : `${measurement.scenario}:${measurement.variant}`;
        ((rates[series] ??= {})[key] ??= []).push(measurement.eventsPerSecond);
        (labels[series] ??= {})[key] = measurement.label;
        (events[series] ??= {})[key] = measurement.events;
        const seriesFailures = (failures[series] ??= {});
        seriesFailures[key] = (seriesFailures[key] ?? 0) + measurement.failures;
        for (const result of measurement.checks) {
          if (result.ok) {
            passedChecks += 1;
            continue;
          }
          const name = `${series} ${key}: ${result.name}`;
          failed.set(name, [...(failed.get(name) ?? []), `run ${runIndex + 1}: ${result.detail}`]);
        }
      }
    }
  });
  const spreads = <K extends string>(input: Partial<Record<K, number[]>>): Partial<Record<K, Spread>> =>
    Object.fromEntries(Object.entries<number[]>(input as Record<string, number[]>).map(([key, values]) => [key, spread(values)])) as Partial<
      Record<K, Spread>
    >;
  return {
    rates: Object.fromEntries(Object.entries(rates).map(([series, byKey]) => [series, spreads(byKey)])),
    labels,
    events,
    failures,
    peakRssMiB: spreads(peaks),
    libraries,
    notes,
    passedChecks,
    failedChecks: [...failed.entries()].map(([name, details]) => `${name} — failed in ${details.length}/${runs.length} runs (${details.join('; ')})`),
  };
}

const median = (summary: PgSummary, series: PgSeriesId, key: string) => summary.rates[series]?.[key]?.median;

export function pgVerdicts(summary: PgSummary, clients: number): Verdict[] {
  const verdict = (target: string, ours: number | undefined, peer: number | undefined, factor: number): Verdict => {
    if (ours === undefined || peer === undefined) return { target, status: 'n/a', detail: 'a series was not run' };
    const ratio = ours / peer;
    return {
      target,
      status: ratio >= factor ? 'PASS' : 'FAIL',
      detail: `${ratio.toFixed(2)}× (ours ${rate(ours)}, peer ${rate(peer)}; needs ≥ ${factor}×)`,
    };
  };
  const ours = median(summary, 'quanze', 'concurrent');
  const stores = median(summary, 'quanze-stores', 'concurrent');
  const emmett = median(summary, 'emmett', 'concurrent');
  const raw = median(summary, 'raw', 'concurrent');
  return [
    verdict(`${clients} concurrent single appends, one store (one process) ≥ 3× Emmett PostgreSQL, ${clients} clients`, ours, emmett, 3),
    verdict(`${clients} concurrent single appends, one store (one process) ≥ raw pg one INSERT per transaction, ${clients} connections`, ours, raw, 1),
    verdict(`${clients} concurrent single appends, a store per client (${clients} processes' worth) ≥ 3× Emmett PostgreSQL`, stores, emmett, 3),
    verdict(`${clients} concurrent single appends, a store per client (${clients} processes' worth) ≥ raw pg one INSERT per transaction`, stores, raw, 1),
  ];
}

const ratio = (ours: number | undefined, peer: number | undefined) => (ours === undefined || peer === undefined ? '—' : `${(ours / peer).toFixed(2)}×`);

export function renderPgTable(summary: PgSummary, series: readonly PgSeriesId[], clients: number, markdown: boolean): string {
  const ours = (['quanze', 'quanze-stores'] as const).filter((id) => series.includes(id));
  const peers = (['emmett', 'raw'] as const).filter((id) => series.includes(id));
  const pairs = ours.flatMap((mine) => peers.map((peer) => [mine, peer] as const));
  const header = ['scenario', ...series, ...pairs.map(([mine, peer]) => `${mine}/${peer}`)];
  const rows: { title: string; key: string }[] = [
    { title: '(a) single appends, 1 client', key: 'sequential' },
    { title: `(b) single appends, ${clients} concurrent clients`, key: 'concurrent' },
    { title: SCENARIO_TITLES.batch, key: 'batch' },
    { title: SCENARIO_TITLES.readAll, key: 'readAll' },
    { title: '(d′) ours without zod validation', key: 'readAll:without zod' },
  ];
  const cell = (id: PgSeriesId, key: string) => {
    const found = summary.rates[id]?.[key];
    if (found === undefined) return '—';
    return found.values.length > 1 ? `${rate(found.median)} (${rate(found.min).slice(0, -2)}–${rate(found.max)})` : rate(found.median);
  };
  const lines = rows
    .filter((row) => series.some((id) => summary.rates[id]?.[row.key] !== undefined))
    .map((row) => [
      row.title,
      ...series.map((id) => cell(id, row.key)),
      ...pairs.map(([mine, peer]) => ratio(median(summary, mine, row.key), median(summary, peer, row.key.split(':')[0] ?? row.key))),
    ]);
  lines.push([
    '(e) peak RSS of the child, MiB',
    ...series.map((id) => {
      const peak = summary.peakRssMiB[id];
      return peak === undefined ? '—' : peak.median.toFixed(0);
    }),
    ...pairs.map(([mine, peer]) => ratio(summary.peakRssMiB[mine]?.median, summary.peakRssMiB[peer]?.median)),
  ]);
  if (markdown) {
    const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
    return [line(header), line(header.map((_, column) => (column === 0 ? '---' : '---:'))), ...lines.map(line)].join('\n');
  }
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((text, column) => (column === 0 ? text.padEnd(widths[column] ?? 0) : text.padStart(widths[column] ?? 0))).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...lines.map(line)].join('\n');
}

export function renderPgDetails(summary: PgSummary, series: readonly PgSeriesId[]): string {
  const lines: string[] = [];
  for (const id of series) {
    lines.push(`${id} — ${summary.libraries[id] ?? '?'}`);
    for (const [key, label] of Object.entries(summary.labels[id] ?? {})) {
      const failures = summary.failures[id]?.[key] ?? 0;
      lines.push(
        `  ${key}: ${summary.events[id]?.[key]?.toLocaleString('en-US') ?? '?'} events — ${label}${failures > 0 ? ` [${failures} failed appends over all runs]` : ''}`,
      );
    }
    for (const note of summary.notes[id] ?? []) lines.push(`  note: ${note}`);
  }
  return lines.join('\n');
}
