/**
 * One series of the read-model suite in a process of its own, so that its peak RSS is its own. Started by
 * read-models/main.ts with the config as its one argument (JSON); answers with one report over IPC.
 */
import { copyFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { accountabilityProjections, createAccountabilityService, openAccountabilityReadModels } from '@quanze/accountability';
import { openEventStore } from '@quanze/eventstore';
import {
  CAREER_ROLES,
  DEFAULT_PROJECTION_BATCH_SIZE,
  PARTICIPANT_ROLES,
  READ_MODELS_FILE_NAME,
  createProjectionRunner,
  encodeCursor,
  openPostgresReadModelStore,
  openSqliteReadModelStore,
} from '@quanze/projections';
import type { Projection, ReadModelStore } from '@quanze/projections';
import { formatProgress, generateSyntheticCity } from '@quanze/seeds';
import { createAccessRecorder, createApp, createPostHoldingCheck, createTokenIssuer, generateSigningKeys, listen } from '@quanze/service-kit';
import type {
  FloorConfig,
  GenerateConfig,
  GenerateReport,
  LatencyConfig,
  LatencyReport,
  QueryLatency,
  ReadModelChildConfig,
  ReadModelChildReport,
  ReadModelsAt,
  RebuildConfig,
  RebuildReport,
} from './series.js';
import { DOSSIER_ENTRIES, MIB, peakRssMiB } from './series.js';
import { answerParent } from '../child-process.js';

const progress = (text: string) => process.stderr.write(`    ${text}\n`);

async function generate(config: GenerateConfig, baselineMiB: number): Promise<GenerateReport> {
  const store = await openEventStore(`sqlite:${config.folder}`);
  try {
    const report = await generateSyntheticCity(store, {
      events: config.events,
      seed: config.seed,
      onProgress: (state) => {
        progress(formatProgress(state));
      },
    });
    return {
      series: 'generate',
      events: report.events,
      seconds: report.timing.seconds,
      digest: report.digest,
      planted: report.planted.total,
      rss: { baselineMiB, peakMiB: peakRssMiB() },
    };
  } finally {
    await store.close();
  }
}

function fileMiB(path: string): number {
  return [path, `${path}-wal`].reduce((total, file) => total + (existsSync(file) ? statSync(file).size : 0), 0) / MIB;
}

/** The wall and CPU seconds since `started` and `cpu` were taken: the timed part ends when this is called. */
function stopwatch(started: number, cpu: NodeJS.CpuUsage): { readonly seconds: number; readonly cpuSeconds: number } {
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { seconds, cpuSeconds: (used.user + used.system) / 1e6 };
}

/** The PostgreSQL database's size on disk, its tables and indexes (the server's WAL is not the database's). */
async function databaseMiB(readModels: ReadModelStore): Promise<number> {
  const size = await readModels.read((q) => q.get<{ bytes: number }>('SELECT pg_database_size(current_database()) AS bytes'));
  return (size?.bytes ?? Number.NaN) / MIB;
}

/** The read models `at` names: SQLite's file in the run's folder, or the run's PostgreSQL database. */
async function openReadModelsAt(at: ReadModelsAt, output: string): Promise<ReadModelStore> {
  return at.dialect === 'sqlite' ? openSqliteReadModelStore(join(output, READ_MODELS_FILE_NAME)) : openPostgresReadModelStore({ connectionString: at.url });
}

/** Every read model of the accountability service, from zero: `rebuild()` drops them and replays the whole log. */
/** The read models `--projections` names; `none` is a projection that applies nothing, to time the log alone. */
function projectionsOf(names: readonly string[] | undefined): readonly Projection[] {
  if (names === undefined) return accountabilityProjections;
  return names.map((name) => {
    if (name === 'none') return { name: 'none', version: 1, tables: [], setup: () => Promise.resolve(), apply: () => Promise.resolve() };
    const projection = accountabilityProjections.find((candidate) => candidate.name === name);
    if (projection === undefined) {
      throw new Error(`--projections: no read model ${name}; known: none, ${accountabilityProjections.map((known) => known.name).join(', ')}`);
    }
    return projection;
  });
}

/**
 * The log is the kept SQLite store whichever database the read models are rebuilt into, so that the two rebuilds
 * differ only in where they write.
 */
async function rebuild(config: RebuildConfig, baselineMiB: number): Promise<RebuildReport> {
  const store = await openEventStore(`sqlite:${config.history}`);
  try {
    const readModels = await openReadModelsAt(config.readModels, config.output);
    try {
      const head = await store.headPosition();
      const runner = createProjectionRunner({
        store,
        readModels,
        projections: projectionsOf(config.projections),
        ...(config.batchSize === undefined ? {} : { batchSize: config.batchSize }),
      });
      const started = performance.now();
      const cpu = process.cpuUsage();
      const reached = await runner.rebuild();
      const timed = stopwatch(started, cpu);
      if (reached !== head) throw new Error(`the rebuild reached position ${String(reached)}, the store's head is ${String(head)}`);
      return {
        series: 'rebuild',
        dialect: config.readModels.dialect,
        events: head,
        ...timed,
        eventsPerSecond: head / timed.seconds,
        outputMiB: config.readModels.dialect === 'sqlite' ? fileMiB(join(config.output, READ_MODELS_FILE_NAME)) : await databaseMiB(readModels),
        batchSize: config.batchSize ?? DEFAULT_PROJECTION_BATCH_SIZE,
        rss: { baselineMiB, peakMiB: peakRssMiB() },
      };
    } finally {
      // Closed, SQLite's WAL is checkpointed into the file: the latency series' first queries do not replay it.
      await readModels.close();
    }
  } finally {
    await store.close();
  }
}

interface StoredRow {
  readonly position: number;
  readonly event_id: string;
  readonly type: string;
  readonly stream_id: string;
  readonly body: string;
}

/**
 * The floor: the least a projection does for each event — read it from the store's file (its row and its JSON
 * body), and write one row for it — with nothing in between: no registry, no upcasting, no read model. The store's
 * table is read directly with its own SQL, in pages of the batch size; the read models' database settings
 * (`openSqliteReadModelStore`), one transaction per batch, synchronously: no port in between.
 */
function floor(config: FloorConfig, baselineMiB: number): RebuildReport {
  const source = new Database(join(config.history, 'events.sqlite'), { readonly: true });
  const path = join(config.output, 'floor.sqlite');
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('cache_size = -64000');
    const batchSize = config.batchSize ?? DEFAULT_PROJECTION_BATCH_SIZE;
    db.exec(
      `CREATE TABLE floor_events (position INTEGER PRIMARY KEY, event_id TEXT NOT NULL, type TEXT NOT NULL, stream_id TEXT NOT NULL,
        occurred_at TEXT NOT NULL, data TEXT NOT NULL) STRICT`,
    );
    const page = source.prepare<[number, number], StoredRow>(
      'SELECT position, event_id, type, stream_id, body FROM events WHERE position >= ? ORDER BY position LIMIT ?',
    );
    const insert = db.prepare('INSERT INTO floor_events (position, event_id, type, stream_id, occurred_at, data) VALUES (?, ?, ?, ?, ?, ?)');
    const write = db.transaction((rows: readonly StoredRow[]) => {
      for (const row of rows) {
        const body = JSON.parse(row.body) as { occurredAt: string; data: unknown };
        insert.run(row.position, row.event_id, row.type, row.stream_id, body.occurredAt, JSON.stringify(body.data));
      }
    });
    const started = performance.now();
    const cpu = process.cpuUsage();
    let events = 0;
    for (let from = 1; ; ) {
      const rows = page.all(from, batchSize);
      const last = rows.at(-1);
      if (last === undefined) break;
      write.immediate(rows);
      events += rows.length;
      from = last.position + 1;
    }
    const timed = stopwatch(started, cpu);
    return {
      series: 'floor',
      dialect: 'sqlite',
      events,
      ...timed,
      eventsPerSecond: events / timed.seconds,
      outputMiB: fileMiB(path),
      batchSize,
      rss: { baselineMiB, peakMiB: peakRssMiB() },
    };
  } finally {
    db.close();
    source.close();
  }
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? Number.NaN;
}

/**
 * Times `requests` GETs after `warmUp` untimed ones, one at a time (latency, not throughput), cycling through the
 * paths: the time from sending the request to having read the whole answer, as a client sees it.
 */
async function timeRequests(
  query: QueryLatency['query'],
  what: string,
  paths: readonly string[],
  base: string,
  token: string,
  counts: { readonly requests: number; readonly warmUp: number },
): Promise<QueryLatency> {
  const headers = { authorization: `Bearer ${token}` };
  let failures = 0;
  const times: number[] = [];
  for (let index = 0; index < counts.warmUp + counts.requests; index += 1) {
    const path = paths[index % paths.length] ?? '/';
    const started = performance.now();
    const response = await fetch(`${base}${path}`, { headers });
    await response.arrayBuffer();
    const elapsed = performance.now() - started;
    if (response.status !== 200) failures += 1;
    if (index >= counts.warmUp) times.push(elapsed);
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { query, what, requests: times.length, medianMs: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99), maxMs: sorted.at(-1) ?? Number.NaN, failures };
}

const ACT_ROLES = PARTICIPANT_ROLES.filter((role) => !CAREER_ROLES.includes(role));

/**
 * Each person's acts (a dossier's entries: steps of decisions, documents, cases, measures and inspections in a part
 * other than their own career), fewest first. The roles are bound one by one (`IN (?, ?, …)`): one text for both
 * databases, where a JSON array would need SQLite's `json_each` or PostgreSQL's `jsonb_array_elements_text`.
 */
const PERSONS_BY_ENTRIES = `SELECT person_id, count(DISTINCT position) AS entries FROM activity_participants
  WHERE subject_kind NOT IN ('unit', 'person') AND role IN (${ACT_ROLES.map(() => '?').join(', ')})
  GROUP BY person_id ORDER BY entries, person_id`;

/** The busiest subject with a chain: the most steps. */
const BUSIEST_SUBJECT = `SELECT subject_kind, subject_id, count(*) AS steps FROM activity_steps
  WHERE subject_kind IN ('decision', 'document', 'case', 'measure', 'inspection')
  GROUP BY subject_kind, subject_id ORDER BY steps DESC, subject_kind, subject_id LIMIT 1`;

/**
 * The accountability service as `npm start` runs it — createApp with tokens, the access recorder, the post-holding
 * check — on the rebuilt read models, over HTTP on 127.0.0.1. Every query is a supervisor's, so every one is also
 * recorded as `access.queried.v1` (an append to the store) before it is answered: that is part of what is timed.
 */
async function latency(config: LatencyConfig, baselineMiB: number): Promise<LatencyReport> {
  // The service appends the queries it answers: the kept history stays as generated.
  copyFileSync(join(config.history, 'events.sqlite'), join(config.output, 'events.sqlite'));
  const store = await openEventStore(`sqlite:${config.output}`);
  const readModels = await openAccountabilityReadModels({
    store,
    where: config.readModels.dialect === 'sqlite' ? join(config.output, READ_MODELS_FILE_NAME) : config.readModels.url,
  });
  try {
    const tokens = createTokenIssuer(await generateSigningKeys());
    const clock = () => new Date();
    const service = createAccountabilityService({
      store,
      readModels: readModels.store,
      runner: readModels.runner,
      clock,
      recordAccess: createAccessRecorder(store, clock),
    });
    const app = createApp({
      services: [service],
      store,
      tokens,
      checkActor: createPostHoldingCheck(store),
      recordAccess: createAccessRecorder(store),
    });
    const server = await listen(app);
    try {
      const token = await tokens.issue({ personId: 'bench-supervisor', postId: null, unitId: null, roles: ['supervision'] });
      const read = readModels.store.read.bind(readModels.store);

      // The person nearest above the target's 1,000 entries, and the busiest: the same on both databases.
      const persons = await read((q) => q.all<{ person_id: string; entries: number }>(PERSONS_BY_ENTRIES, ACT_ROLES));
      const busiest = persons.at(-1);
      if (busiest === undefined) throw new Error('the read models name no person');
      const thousand = persons.find((person) => person.entries >= DOSSIER_ENTRIES) ?? busiest;
      // Every page of a dossier (the default page size), walked once to find the cursors.
      const dossierPages = async (personId: string): Promise<{ paths: string[]; entries: number }> => {
        const paths: string[] = [];
        let entries = 0;
        for (let after: string | null = null; ; ) {
          const path = `/dossiers/${personId}${after === null ? '' : `?after=${after}`}`;
          const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
          if (response.status !== 200) throw new Error(`GET ${path}: ${String(response.status)} ${await response.text()}`);
          const page = (await response.json()) as { entries: unknown[]; next: string | null };
          paths.push(path);
          entries += page.entries.length;
          if (page.next === null) return { paths, entries };
          after = page.next;
        }
      };
      const dossier = await dossierPages(thousand.person_id);
      const busiestDossier = await dossierPages(busiest.person_id);

      const subject = await read((q) => q.get<{ subject_kind: string; subject_id: string; steps: number }>(BUSIEST_SUBJECT));
      if (subject === undefined) throw new Error('the read models hold no subject');

      // A hundred pages of the city's timeline, spread evenly over the log.
      const head = await store.headPosition();
      const timelinePaths = Array.from({ length: 100 }, (_, index) => {
        const after = Math.floor((head * index) / 100);
        return after === 0 ? '/timelines/city' : `/timelines/city?after=${encodeCursor(after)}`;
      });

      const counts = { requests: config.requests, warmUp: config.warmUp };
      const queries = [
        await timeRequests(
          'dossier',
          `person ${thousand.person_id}: ${String(dossier.entries)} entries in ${String(dossier.paths.length)} pages, each page in turn`,
          dossier.paths,
          server.url,
          token,
          counts,
        ),
        await timeRequests(
          'busiest dossier',
          `person ${busiest.person_id}: ${String(busiestDossier.entries)} entries in ${String(busiestDossier.paths.length)} pages, each page in turn`,
          busiestDossier.paths,
          server.url,
          token,
          counts,
        ),
        await timeRequests(
          'chain',
          `${subject.subject_kind} ${subject.subject_id}: ${String(subject.steps)} steps`,
          [`/chains/${subject.subject_kind}/${subject.subject_id}`],
          server.url,
          token,
          counts,
        ),
        await timeRequests('timeline', `city, default page, 100 pages spread over the log in turn`, timelinePaths, server.url, token, counts),
      ];
      return { series: 'latency', dialect: config.readModels.dialect, queries, rss: { baselineMiB, peakMiB: peakRssMiB() } };
    } finally {
      await server.close();
    }
  } finally {
    await readModels.close();
    await store.close();
  }
}

async function runChild(config: ReadModelChildConfig): Promise<ReadModelChildReport> {
  const baselineMiB = peakRssMiB();
  switch (config.series) {
    case 'generate':
      return generate(config, baselineMiB);
    case 'rebuild':
      return rebuild(config, baselineMiB);
    case 'floor':
      return floor(config, baselineMiB);
    case 'latency':
      return latency(config, baselineMiB);
  }
}

answerParent('read-models/child.ts', runChild);
