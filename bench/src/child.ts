/**
 * One peer's scenarios in a process of its own, so that its peak RSS is its own. Started by main.ts with
 * the config as its one argument (JSON); answers with one ChildReport over IPC.
 */
import { join } from 'node:path';
import type { Competitor } from './competitors/competitor.js';
import { createEmmettCompetitor, createEmmettHeldCompetitor } from './competitors/emmett.js';
import { createQuanzeCompetitor } from './competitors/quanze.js';
import { createRawSqliteCompetitor } from './competitors/raw-sqlite.js';
import { createEventFactory } from './sample-event.js';
import type { EventFactory } from './sample-event.js';
import type { ChildConfig, ChildReport, Measurement, ScenarioId, SeriesId } from './scenario.js';
import { peakRssMiB } from './scenario.js';
import { answerParent } from './child-process.js';

const FACTORIES: Record<SeriesId, (makeEvent: EventFactory) => Competitor> = {
  quanze: createQuanzeCompetitor,
  raw: createRawSqliteCompetitor,
  emmett: createEmmettCompetitor,
  'emmett-held': createEmmettHeldCompetitor,
};

async function runChild(config: ChildConfig): Promise<ChildReport> {
  const baselineMiB = peakRssMiB();
  const competitor = FACTORIES[config.series](createEventFactory(config.eventIds));
  const file = (name: string) => join(config.folder, `${config.series}-${name}.sqlite`);
  const peakAfterMiB: Partial<Record<ScenarioId, number>> = {};
  const measurements: Measurement[] = [];
  const progress = (text: string) => process.stderr.write(`  ${config.series}: ${text}\n`);

  const durability = await competitor.durability(file('durability'));
  await competitor.warmUp(file('warm-up'));

  const wanted = new Set(config.scenarios);
  const prefill = async (name: string) => {
    if (config.prefill === 0) return;
    progress(`prefilling ${name} with ${config.prefill} events (untimed)`);
    await competitor.prefill(file(name), config.prefill, config.batchSize);
  };
  if (wanted.has('sequential')) {
    await prefill('sequential');
    progress(`sequential, ${config.sequentialEvents} events`);
    measurements.push(await competitor.sequential(file('sequential'), config));
    peakAfterMiB.sequential = peakRssMiB();
  }
  if (wanted.has('concurrent')) {
    await prefill('concurrent');
    progress(`concurrent, ${config.appenders} × ${config.eventsPerAppender} events`);
    measurements.push(await competitor.concurrent(file('concurrent'), config));
    peakAfterMiB.concurrent = peakRssMiB();
  }
  if (wanted.has('batch') || wanted.has('readAll')) {
    progress(`batches of ${config.batchSize}, ${config.logEvents} events`);
    const batch = await competitor.batch(file('batch'), config);
    measurements.push(batch);
    peakAfterMiB.batch = peakRssMiB();
    if (wanted.has('readAll')) {
      progress(`read all, ${batch.events} events`);
      measurements.push(...(await competitor.readAll(file('batch'), config, batch.events)));
      peakAfterMiB.readAll = peakRssMiB();
    }
  }

  return {
    series: config.series,
    measurements,
    durability,
    notes: competitor.notes(),
    sqliteVersion: await competitor.sqliteVersion(),
    rss: { baselineMiB, peakMiB: peakRssMiB(), peakAfterMiB },
  };
}

answerParent('child.ts', runChild);
