import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { openEventStore } from '@quanze/eventstore';
import { formatProgress, generateSyntheticCity, syntheticReportPath } from '@quanze/seeds';

// npm run seed:synthetic -- --events 1000000 --seed 42 [--store sqlite:./data-synthetic] [--start-year 2016] [--years 5]
//   [--violations <per code>] [--batch <events>]
// Progress goes to stderr; the report (JSON) is written next to the store and printed on stdout. See docs/SYNTHETIC.md.

const USAGE = 'usage: npm run seed:synthetic -- --events <n> --seed <n> [--store sqlite:<folder>] [--start-year <year>] [--years <n>] [--violations <n>] [--batch <n>]';

function integer(name: string, value: string | undefined, fallback?: number): number {
  if (value === undefined) {
    if (fallback !== undefined) return fallback;
    throw new TypeError(`--${name} is required\n${USAGE}`);
  }
  if (!/^\d+$/.test(value)) throw new TypeError(`--${name} must be a whole number, not "${value}"\n${USAGE}`);
  return Number(value);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string' },
      seed: { type: 'string' },
      store: { type: 'string', default: 'sqlite:./data-synthetic' },
      'start-year': { type: 'string' },
      years: { type: 'string' },
      violations: { type: 'string' },
      batch: { type: 'string' },
    },
    strict: true,
  });
  const storeUrl = values.store;
  const store = await openEventStore(storeUrl);
  try {
    const report = await generateSyntheticCity(store, {
      events: integer('events', values.events),
      seed: integer('seed', values.seed),
      startYear: integer('start-year', values['start-year'], 2016),
      years: integer('years', values.years, 5),
      ...(values.violations === undefined ? {} : { violationsPerCode: integer('violations', values.violations) }),
      ...(values.batch === undefined ? {} : { batchSize: integer('batch', values.batch) }),
      onProgress: (progress) => process.stderr.write(`${formatProgress(progress)}\n`),
    });
    const path = syntheticReportPath(storeUrl);
    mkdirSync(dirname(path), { recursive: true });
    const json = `${JSON.stringify(report, null, 2)}\n`;
    writeFileSync(path, json);
    process.stderr.write(`synthetic: ${report.events.toLocaleString('en-US')} events, ${report.planted.total} planted flags; report: ${path}\n`);
    process.stdout.write(json);
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
