import type { ChildReport, ScenarioId, SeriesId } from './scenario.js';
import { SCENARIO_TITLES, SCENARIOS, SERIES } from './scenario.js';

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly values: readonly number[];
}

export interface Summary {
  /** events/s by series, then by scenario key (`readAll` or `readAll:without zod`). */
  readonly rates: Partial<Record<SeriesId, Record<string, Spread>>>;
  readonly labels: Partial<Record<SeriesId, Record<string, string>>>;
  readonly events: Partial<Record<SeriesId, Record<string, number>>>;
  readonly peakRssMiB: Partial<Record<SeriesId, Spread>>;
  readonly baselineRssMiB: Partial<Record<SeriesId, Spread>>;
  readonly failedChecks: readonly string[];
  readonly passedChecks: number;
  readonly failures: Partial<Record<SeriesId, Record<string, number>>>;
  readonly durability: Partial<Record<SeriesId, readonly string[]>>;
  readonly sqliteVersions: Partial<Record<SeriesId, string>>;
  readonly notes: Partial<Record<SeriesId, readonly string[]>>;
}

export interface Verdict {
  readonly target: string;
  readonly status: 'PASS' | 'FAIL' | 'n/a';
  readonly detail: string;
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length === 0 ? Number.NaN : sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return { median, min: sorted[0] ?? Number.NaN, max: sorted.at(-1) ?? Number.NaN, values };
}

const keyOf = (scenario: ScenarioId, variant?: string) => (variant === undefined ? scenario : `${scenario}:${variant}`);

export function summarise(runs: readonly (readonly ChildReport[])[]): Summary {
  const rates: Partial<Record<SeriesId, Record<string, number[]>>> = {};
  const labels: Partial<Record<SeriesId, Record<string, string>>> = {};
  const events: Partial<Record<SeriesId, Record<string, number>>> = {};
  const failures: Partial<Record<SeriesId, Record<string, number>>> = {};
  const peaks: Partial<Record<SeriesId, number[]>> = {};
  const baselines: Partial<Record<SeriesId, number[]>> = {};
  const failed = new Map<string, string[]>();
  let passedChecks = 0;
  const durability: Partial<Record<SeriesId, readonly string[]>> = {};
  const sqliteVersions: Partial<Record<SeriesId, string>> = {};
  const notes: Partial<Record<SeriesId, Set<string>>> = {};

  runs.forEach((reports, runIndex) => {
    for (const report of reports) {
      const series = report.series;
      (peaks[series] ??= []).push(report.rss.peakMiB);
      (baselines[series] ??= []).push(report.rss.baselineMiB);
      durability[series] ??= report.durability;
      sqliteVersions[series] ??= report.sqliteVersion;
      const seriesNotes = (notes[series] ??= new Set());
      for (const note of report.notes) seriesNotes.add(runs.length > 1 ? `run ${runIndex + 1}: ${note}` : note);
      for (const measurement of report.measurements) {
        const key = keyOf(measurement.scenario, measurement.variant);
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
          const runsFailed = failed.get(name) ?? [];
          runsFailed.push(`run ${runIndex + 1}: ${result.detail}`);
          failed.set(name, runsFailed);
        }
      }
    }
  });

  const mapSpread = <T extends string>(input: Partial<Record<T, number[]>>) =>
    Object.fromEntries(Object.entries<number[]>(input as Record<string, number[]>).map(([key, values]) => [key, spread(values)])) as Partial<
      Record<T, Spread>
    >;

  return {
    rates: Object.fromEntries(Object.entries(rates).map(([series, byKey]) => [series, mapSpread(byKey)])),
    labels,
    events,
    peakRssMiB: mapSpread(peaks),
    baselineRssMiB: mapSpread(baselines),
    failedChecks: [...failed.entries()].map(([name, details]) => `${name} — failed in ${details.length}/${runs.length} runs (${details.join('; ')})`),
    passedChecks,
    failures,
    durability,
    sqliteVersions,
    notes: Object.fromEntries(Object.entries(notes).map(([series, set]) => [series, [...set]])),
  };
}

const median = (summary: Summary, series: SeriesId, key: string): number | undefined => summary.rates[series]?.[key]?.median;

export function verdicts(summary: Summary): Verdict[] {
  const verdict = (target: string, ours: number | undefined, peer: number | undefined, factor: number, strict = false): Verdict => {
    if (ours === undefined || peer === undefined) return { target, status: 'n/a', detail: 'a series was not run' };
    const ratio = ours / peer;
    const pass = strict ? ratio > factor : ratio >= factor;
    return {
      target,
      status: pass ? 'PASS' : 'FAIL',
      detail: `${ratio.toFixed(2)}× (ours ${rate(ours)}, peer ${rate(peer)}; needs ${strict ? '>' : '≥'} ${factor}×)`,
    };
  };
  return [
    verdict('(b) 64 concurrent single appends ≥ 5× raw autocommit', median(summary, 'quanze', 'concurrent'), median(summary, 'raw', 'concurrent'), 5),
    verdict(
      '(b) 64 concurrent single appends ≥ 20× Emmett single appends (its store as documented; the better of (a) and (b))',
      median(summary, 'quanze', 'concurrent'),
      best([median(summary, 'emmett', 'sequential'), median(summary, 'emmett', 'concurrent')]),
      20,
    ),
    verdict('(a) sequential single appends ≥ 0.8× raw autocommit', median(summary, 'quanze', 'sequential'), median(summary, 'raw', 'sequential'), 0.8),
    verdict('(c) batches of 1,000 ≥ 0.7× raw batched', median(summary, 'quanze', 'batch'), median(summary, 'raw', 'batch'), 0.7),
    verdict('(d) full read ≥ 0.5× raw scan + JSON.parse', median(summary, 'quanze', 'readAll'), median(summary, 'raw', 'readAll'), 0.5),
    verdict(
      '(d) full read faster than Emmett’s read-all (the faster of its two)',
      median(summary, 'quanze', 'readAll'),
      best([median(summary, 'emmett', 'readAll'), median(summary, 'emmett-held', 'readAll')]),
      1,
      true,
    ),
  ];
}

/** The best of the figures that were measured: targets are checked against the strongest showing of a peer. */
function best(values: readonly (number | undefined)[]): number | undefined {
  const measured = values.filter((value): value is number => value !== undefined);
  return measured.length === 0 ? undefined : Math.max(...measured);
}

export function rate(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '—';
  return `${Math.round(value).toLocaleString('en-US')}/s`;
}

const ratio = (ours: number | undefined, peer: number | undefined) =>
  ours === undefined || peer === undefined ? '—' : peer === 0 ? '∞ (peer 0)' : `${(ours / peer).toFixed(2)}×`;

interface Row {
  readonly title: string;
  readonly key: string;
}

const ROWS: readonly Row[] = [
  ...SCENARIOS.map((scenario) => ({ title: SCENARIO_TITLES[scenario], key: scenario })),
  { title: '(d′) ours without zod validation', key: 'readAll:without zod' },
];

/** The table: per scenario, the median events/s of every series (min–max of the runs), and ours over each peer. */
export function renderTable(summary: Summary, series: readonly SeriesId[], markdown: boolean): string {
  const peers = series.filter((id) => id !== 'quanze');
  const header = ['scenario', ...series, ...(series.includes('quanze') ? peers.map((peer) => `quanze/${peer}`) : [])];
  const cell = (id: SeriesId, key: string) => {
    const found = summary.rates[id]?.[key];
    if (found === undefined) return '—';
    return found.values.length > 1 ? `${rate(found.median)} (${rate(found.min).slice(0, -2)}–${rate(found.max)})` : rate(found.median);
  };
  const rows = ROWS.filter((row) => series.some((id) => summary.rates[id]?.[row.key] !== undefined)).map((row) => [
    row.title,
    ...series.map((id) => cell(id, row.key)),
    ...(series.includes('quanze')
      ? peers.map((peer) => ratio(median(summary, 'quanze', row.key), median(summary, peer, row.key.split(':')[0] ?? row.key)))
      : []),
  ]);
  const rss = summary.peakRssMiB;
  rows.push([
    '(e) peak RSS, MiB (baseline)',
    ...series.map((id) => {
      const peak = rss[id];
      const baseline = summary.baselineRssMiB[id];
      return peak === undefined ? '—' : `${peak.median.toFixed(0)} (${baseline?.median.toFixed(0) ?? '?'})`;
    }),
    ...(series.includes('quanze') ? peers.map((peer) => ratio(rss.quanze?.median, rss[peer]?.median)) : []),
  ]);
  return markdown ? markdownTable(header, rows) : textTable(header, rows);
}

function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((text, column) => (column === 0 ? text.padEnd(widths[column] ?? 0) : text.padStart(widths[column] ?? 0))).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, column) => (column === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

export function renderDetails(summary: Summary, series: readonly SeriesId[]): string {
  const lines: string[] = [];
  for (const id of SERIES.filter((known) => series.includes(known))) {
    lines.push(`${id} — SQLite ${summary.sqliteVersions[id] ?? '?'}; ${(summary.durability[id] ?? []).join('; ')}`);
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
