/**
 * One peer's PostgreSQL scenarios in a process of its own, so that its peak RSS is its own. Started by main.ts with
 * the config as its one argument (JSON); answers with one PgChildReport over IPC. Every scenario gets a database of
 * its own, dropped after.
 */
import { createEventFactory } from '../sample-event.js';
import type { Measurement } from '../scenario.js';
import { peakRssMiB } from '../scenario.js';
import { createEmmettPeer } from './emmett.js';
import { createQuanzePeer } from './quanze.js';
import { createRawPgPeer } from './raw.js';
import type { PgChildConfig, PgChildReport, PgPeer, PgSeriesId } from './scenario.js';
import { databaseUrl, withClient } from './sql.js';
import { answerParent } from '../child-process.js';

function peerFor(series: PgSeriesId): PgPeer {
  const makeEvent = createEventFactory('v4');
  switch (series) {
    case 'quanze':
      return createQuanzePeer(makeEvent, false);
    case 'quanze-stores':
      return createQuanzePeer(makeEvent, true);
    case 'emmett':
      return createEmmettPeer(makeEvent);
    case 'raw':
      return createRawPgPeer(makeEvent);
  }
}

async function runChild(config: PgChildConfig): Promise<PgChildReport> {
  const baselineMiB = peakRssMiB();
  const peer = peerFor(config.series);
  const made: string[] = [];
  const database = async (name: string) => {
    const full = `${config.databasePrefix}_${name}`;
    await withClient(config.adminUrl, (client) => client.query(`CREATE DATABASE "${full}" TEMPLATE template0 ENCODING 'UTF8'`));
    made.push(full);
    return databaseUrl(config.adminUrl, full);
  };
  const progress = (text: string) => process.stderr.write(`  ${config.series}: ${text}\n`);
  const measurements: Measurement[] = [];
  try {
    await peer.warmUp(await database('warm_up'));
    const wanted = new Set(config.scenarios);
    if (wanted.has('sequential')) {
      progress(`sequential, ${config.sequentialEvents} events`);
      measurements.push(await peer.sequential(await database('sequential'), config));
    }
    if (wanted.has('concurrent')) {
      progress(`concurrent, ${config.clients} × ${config.eventsPerClient} events`);
      measurements.push(await peer.concurrent(await database('concurrent'), config));
    }
    if (wanted.has('batch') || wanted.has('readAll')) {
      progress(`batches of ${config.batchSize}, ${config.logEvents} events`);
      const url = await database('batch');
      const batch = await peer.batch(url, config);
      measurements.push(batch);
      if (wanted.has('readAll')) {
        progress(`read all, ${batch.events} events`);
        measurements.push(...(await peer.readAll(url, config, batch.events)));
      }
    }
    await peer.close();
  } finally {
    await withClient(config.adminUrl, async (client) => {
      for (const name of made) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    });
  }
  return { series: config.series, measurements, notes: peer.notes(), library: peer.library, rss: { baselineMiB, peakMiB: peakRssMiB() } };
}

answerParent('postgres/child.ts', runChild);
