import { performance } from 'node:perf_hooks';
import type { EventStore } from '@quanze/eventstore';
import { loadActionPlanSeeds } from '../load.js';
import { readActionPlanSeeds } from '../seed-data.js';
import { dateOf, dayOf, firstDayOfYear, instantAt, isWeekend, weekdayOnOrAfter } from './calendar.js';
import { planCase } from './cases.js';
import type { CaseFlaw } from './cases.js';
import { City } from './city.js';
import { planDecision } from './decisions.js';
import type { DecisionFlaw } from './decisions.js';
import { cleanUpProcess, planDocument } from './documents.js';
import type { DocumentFlaw } from './documents.js';
import { EventIdFactory } from './event-ids.js';
import { ensureMarketEntities, planInspection } from './inspections.js';
import type { InspectionFlaw } from './inspections.js';
import { LedgerWriter } from './ledger-writer.js';
import { bootstrapCity, personnelProcess, reformsProcess } from './organization.js';
import type { FlagCode, PlantedFlag } from './planted.js';
import { FLAG_CODES, PlantedLog, WORKING_DAY_CALENDAR, WORKING_DAY_CODES } from './planted.js';
import { Random } from './random.js';
import { Registries } from './registries.js';
import type { Process } from './scheduler.js';
import { Scheduler } from './scheduler.js';
import { Timeline } from './timeline.js';
import type { Plan, World } from './world.js';
import { Budget, launch } from './world.js';

export interface SyntheticOptions {
  /** Events in the store when done, the action plan's seeds included. */
  readonly events: number;
  /** Same seed and options: byte-identical events, same ids. */
  readonly seed: number;
  /** First year of the history (1 January); default 2016, the plan's first year. */
  readonly startYear?: number;
  /** Length of the history in years; default 5 (the plan's 2016–2020). */
  readonly years?: number;
  /** Planted violations per flag code; default max(2, events / 100,000). */
  readonly violationsPerCode?: number;
  /** Events per group-committed append batch; default 2,000. */
  readonly batchSize?: number;
  readonly onProgress?: (progress: SyntheticProgress) => void;
  /** How often `onProgress` is called, in milliseconds of real time; default 2,000. */
  readonly progressIntervalMs?: number;
}

export interface SyntheticProgress {
  /** Events appended so far (the seeds included) and the target. */
  readonly events: number;
  readonly target: number;
  readonly elapsedSeconds: number;
  readonly eventsPerSecond: number;
  /** Seconds left at the current rate, null before there is a rate. */
  readonly etaSeconds: number | null;
  /** The simulated day being generated. */
  readonly simulatedDay: string;
}

export interface SyntheticReport {
  readonly generator: 'quanze-synthetic-city';
  readonly version: 1;
  readonly seed: number;
  readonly options: { readonly events: number; readonly startYear: number; readonly years: number; readonly violationsPerCode: number };
  /** The simulated period, both days included; flags are to be read as of `asOf`, its last day. */
  readonly period: { readonly from: string; readonly to: string };
  readonly asOf: string;
  /** Events in the store (the seeds included), of which the action plan's seeds, and of which top-up reports. */
  readonly events: number;
  readonly seedEvents: number;
  readonly topUpEvents: number;
  readonly streams: number;
  readonly eventsByType: Readonly<Record<string, number>>;
  /** SHA-256 over every generated event (stream, version, the proposed event): equal for equal seeds and options. */
  readonly digest: string;
  readonly subjects: Readonly<Record<string, number>>;
  readonly persons: number;
  readonly units: number;
  /** The numbering registers (三统一) and how many serials each gave. */
  readonly registers: Readonly<Record<string, number>>;
  readonly planted: {
    readonly total: number;
    readonly byCode: Readonly<Record<FlagCode, number>>;
    readonly flags: readonly PlantedFlag[];
  };
  readonly timing: { readonly seconds: number; readonly eventsPerSecond: number };
}

/** The store already holds events: the generator writes a whole history, into an empty store only. */
export class SyntheticStoreNotEmpty extends Error {
  override readonly name = 'SyntheticStoreNotEmpty';
  constructor(readonly head: number) {
    super(`the store already holds ${head} events: the synthetic city is generated into an empty store`);
  }
}

export class SyntheticOptionsInvalid extends Error {
  override readonly name = 'SyntheticOptionsInvalid';
}

/** A violation the options ask for could not be planted: the flags would not match the report. */
export class SyntheticPlantingFailed extends Error {
  override readonly name = 'SyntheticPlantingFailed';
}

/** The smallest history that holds the seeds, the organisation and a few of everything. */
export const MIN_EVENTS = 5_000;

/** Shares of the subjects' events, and the size of a subject before any is measured. */
const KINDS = {
  case: { share: 0.74, size: 12 },
  inspection: { share: 0.1, size: 8 },
  document: { share: 0.08, size: 13 },
  decision: { share: 0.08, size: 22 },
} as const;
type Kind = keyof typeof KINDS;

function validate(options: SyntheticOptions): Required<Pick<SyntheticOptions, 'startYear' | 'years' | 'violationsPerCode' | 'batchSize'>> {
  const startYear = options.startYear ?? 2016;
  const years = options.years ?? 5;
  const violationsPerCode = options.violationsPerCode ?? Math.max(2, Math.round(options.events / 100_000));
  const batchSize = options.batchSize ?? 2_000;
  if (!Number.isInteger(options.events) || options.events < MIN_EVENTS) throw new SyntheticOptionsInvalid(`events must be a whole number of at least ${MIN_EVENTS}`);
  if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > 0xffff_ffff) throw new SyntheticOptionsInvalid('seed must be a whole number from 0 to 4294967295');
  // The seeds' units are established on 2016-01-01: nothing of theirs can happen before.
  if (!Number.isInteger(startYear) || startYear < 2016 || startYear > 2100) throw new SyntheticOptionsInvalid('start-year must be 2016 or later (the seeds date their units from 2016-01-01)');
  if (!Number.isInteger(years) || years < 1 || years > 30) throw new SyntheticOptionsInvalid('years must be from 1 to 30');
  if (!Number.isInteger(violationsPerCode) || violationsPerCode < 0 || violationsPerCode > 10_000) throw new SyntheticOptionsInvalid('violations per code must be a whole number from 0');
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new SyntheticOptionsInvalid('batch size must be a positive whole number');
  return { startYear, years, violationsPerCode, batchSize };
}

interface Planting {
  day: number;
  readonly code: FlagCode;
  readonly variantIndex: number;
  attempts: number;
}

function planFor(world: World, kind: Kind, day: number): Plan | null {
  switch (kind) {
    case 'case':
      return planCase(world, day, null);
    case 'inspection':
      return planInspection(world, day, null);
    case 'document':
      return planDocument(world, day, null);
    case 'decision':
      return planDecision(world, day, null);
  }
}

function plantFor(world: World, planting: Planting, day: number): Plan | null {
  const { code, variantIndex } = planting;
  if (code.startsWith('decision.')) return planDecision(world, day, code as DecisionFlaw, variantIndex);
  if (code.startsWith('document.')) return planDocument(world, day, code as DocumentFlaw, variantIndex);
  if (code.startsWith('inspection.')) return planInspection(world, day, code as InspectionFlaw, variantIndex);
  return planCase(world, day, code as CaseFlaw, variantIndex);
}

/** Spreads each code's plants over the period, inside the working-day calendar for the codes that need it. */
function plantingSchedule(startDay: number, endDay: number, perCode: number): Planting[] {
  const plantings: Planting[] = [];
  for (const code of FLAG_CODES) {
    let from = startDay + 60;
    let to = endDay - 240;
    if (WORKING_DAY_CODES.includes(code)) {
      from = Math.max(from, dayOf(WORKING_DAY_CALENDAR.first));
      to = Math.min(to, dayOf(WORKING_DAY_CALENDAR.last) - 240);
    }
    if (perCode > 0 && to < from) {
      throw new SyntheticPlantingFailed(`${code}: the history (${dateOf(startDay)} – ${dateOf(endDay)}) leaves no room to plant it${WORKING_DAY_CODES.includes(code) ? ` inside the working-day calendar (${WORKING_DAY_CALENDAR.first} – ${WORKING_DAY_CALENDAR.last})` : ''}`);
    }
    for (let i = 0; i < perCode; i += 1) {
      plantings.push({ day: weekdayOnOrAfter(from + Math.floor(((i + 0.5) * (to - from)) / perCode)), code, variantIndex: i, attempts: 0 });
    }
  }
  return plantings.sort((a, b) => a.day - b.day || FLAG_CODES.indexOf(a.code) - FLAG_CODES.indexOf(b.code));
}

/**
 * Generates a plausible city over `years` from `startYear` on top of the action plan's seeds, with a known number of
 * planted violations of every flag code of docs/FLAGS.md, and appends it to an empty store through the EventStore
 * API. See docs/SYNTHETIC.md.
 */
export async function generateSyntheticCity(store: EventStore, options: SyntheticOptions): Promise<SyntheticReport> {
  const settings = validate(options);
  const head = await store.headPosition();
  if (head !== 0) throw new SyntheticStoreNotEmpty(head);
  const clockStart = performance.now();
  const startDay = firstDayOfYear(settings.startYear);
  const endDay = firstDayOfYear(settings.startYear + settings.years) - 1;

  // The action plan's units and measures, dated the first morning.
  const seeds = await readActionPlanSeeds();
  const loaded = await loadActionPlanSeeds(store, { now: new Date(instantAt(startDay, 7 * 60 + 59)) });
  const random = new Random(options.seed);
  const writer = new LedgerWriter(store, new EventIdFactory(options.seed), settings.batchSize);
  for (const unit of seeds.units) writer.knowStream(`unit-${unit.id}`, 1);
  for (const measure of seeds.measures) writer.knowStream(`measure-${measure.id}`, 2);
  const budget = new Budget(options.events - loaded.events);
  const world: World = {
    random,
    writer,
    city: new City(random, writer),
    scheduler: new Scheduler(),
    budget,
    registries: new Registries(),
    planted: new PlantedLog(),
    startDay,
    endDay,
  };
  const yearsSpan = (endDay - startDay + 1) / 365.25;
  const casesPerYear = (budget.target * KINDS.case.share) / KINDS.case.size / yearsSpan;
  bootstrapCity(world, seeds.units, {
    casesPerYear,
    transfersPerYear: casesPerYear * 0.04,
    subjectsPerYear: (budget.target * (KINDS.document.share / KINDS.document.size + KINDS.decision.share / KINDS.decision.size)) / yearsSpan,
  });
  ensureMarketEntities(world, Math.min(20_000, Math.max(300, Math.round(budget.target / 150))));
  const bootstrapEvents = writer.emitted;

  const plantings = plantingSchedule(startDay, endDay, settings.violationsPerCode);
  const sizes = new Map<Kind, { steps: number; plans: number }>();
  const meanSize = (kind: Kind): number => {
    const measured = sizes.get(kind);
    return measured === undefined || measured.plans < 20 ? KINDS[kind].size : measured.steps / measured.plans;
  };
  let topUp = 0;

  // The organisation's own events (retirements, rotations, certificates, reforms) still to come, with a margin.
  const organisationReserve = (day: number): number => {
    const elapsed = Math.max(1, day - startDay);
    const organisational = writer.emitted - budget.subjectEvents - bootstrapEvents;
    const estimate = world.city.persons.size * 0.0015 + 0.2;
    const rate = elapsed < 180 ? Math.max(estimate, organisational / elapsed) : organisational / elapsed;
    return Math.ceil(rate * (endDay - day) * 1.4) + 40;
  };

  function* dispatcher(): Process {
    let remainingWeekdays = 0;
    for (let day = startDay + 1; day <= endDay; day += 1) if (!isWeekend(day)) remainingWeekdays += 1;
    for (let day = startDay + 1; day <= endDay; day += 1) {
      if (isWeekend(day)) continue;
      yield instantAt(day, 7 * 60);
      // Plants due today; one that cannot be placed today (no free officer, no document of the kind) tries again.
      while (plantings.length > 0 && (plantings[0]?.day ?? Infinity) <= day) {
        const planting = plantings.shift() as Planting;
        const plan = plantFor(world, planting, day);
        if (plan !== null) {
          launch(world, plan);
        } else {
          planting.attempts += 1;
          if (planting.attempts > 40) throw new SyntheticPlantingFailed(`could not plant ${planting.code} (variant ${planting.variantIndex}) from ${dateOf(planting.day - 40)} on`);
          planting.day = day + 1;
          plantings.push(planting);
          plantings.sort((a, b) => a.day - b.day || FLAG_CODES.indexOf(a.code) - FLAG_CODES.indexOf(b.code));
          break;
        }
      }
      const available = budget.target - writer.emitted - budget.outstanding - organisationReserve(day);
      const perDay = Math.max(0, available / Math.max(1, remainingWeekdays));
      remainingWeekdays -= 1;
      let unplaced = 0;
      for (const kind of Object.keys(KINDS) as Kind[]) {
        const size = meanSize(kind);
        const starts = random.poisson((perDay * KINDS[kind].share) / size);
        for (let i = 0; i < starts; i += 1) {
          const plan = planFor(world, kind, day);
          if (plan === null) {
            unplaced += size;
            continue;
          }
          const measured = sizes.get(kind) ?? { steps: 0, plans: 0 };
          measured.steps += plan.timeline.steps.length;
          measured.plans += 1;
          sizes.set(kind, measured);
          launch(world, plan);
        }
      }
      // What could not be started near the end (nothing fits any more) becomes implementation reports spread over
      // the last weeks, instead of a pile on the last day.
      if (day > endDay - 150) {
        const reports = Math.min(Math.floor(unplaced), Math.max(0, budget.target - writer.emitted - budget.outstanding - organisationReserve(day)));
        for (let i = 0; i < reports; i += 1) {
          const plan = planReport(world, day);
          if (plan === null) break;
          launch(world, plan);
        }
      }
    }
  }

  function* topUpProcess(): Process {
    let instant = instantAt(endDay, 22 * 60);
    yield instant;
    const missing = budget.target - writer.emitted - budget.outstanding;
    const spacing = Math.max(1, Math.floor((100 * 60_000) / Math.max(1, missing)));
    for (let i = 0; i < missing; i += 1) {
      instant += spacing;
      if (i % 500 === 499) yield instant;
      const before = writer.emitted;
      emitReport(world, endDay, instant);
      topUp += writer.emitted - before;
    }
  }

  world.scheduler.spawn(personnelProcess(world), instantAt(startDay + 1, 0));
  world.scheduler.spawn(reformsProcess(world, settings.startYear), instantAt(startDay + 1, 0));
  world.scheduler.spawn(cleanUpProcess(world), instantAt(startDay + 1, 0));
  world.scheduler.spawn(dispatcher(), instantAt(startDay + 1, 0));
  world.scheduler.spawn(topUpProcess(), instantAt(endDay, 22 * 60));

  const interval = options.progressIntervalMs ?? 2_000;
  let lastProgress = clockStart;
  let steps = 0;
  const progress = (): void => {
    const elapsedSeconds = (performance.now() - clockStart) / 1000;
    const events = loaded.events + writer.appended;
    const eventsPerSecond = elapsedSeconds > 0 ? writer.appended / elapsedSeconds : 0;
    options.onProgress?.({
      events,
      target: options.events,
      elapsedSeconds,
      eventsPerSecond,
      etaSeconds: eventsPerSecond > 0 ? Math.max(0, (options.events - events) / eventsPerSecond) : null,
      simulatedDay: dateOf(Math.floor((world.scheduler.now + 8 * 3_600_000) / 86_400_000)),
    });
  };
  while (world.scheduler.step()) {
    steps += 1;
    if (writer.pendingCount >= settings.batchSize) await writer.flush();
    if (options.onProgress !== undefined && (steps & 1023) === 0 && performance.now() - lastProgress >= interval) {
      lastProgress = performance.now();
      progress();
    }
  }
  await writer.flush();
  if (options.onProgress !== undefined) progress();
  if (plantings.length > 0) throw new SyntheticPlantingFailed(`${plantings.length} violations were never planted (first: ${plantings[0]?.code ?? '?'})`);

  const seconds = (performance.now() - clockStart) / 1000;
  const eventsByType = Object.fromEntries([...writer.countsByType.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  // The seeds' events, counted by type too: the report covers the whole store.
  for (const [type, count] of [
    ['unit.registered.v1', seeds.units.length],
    ['measure.defined.v1', seeds.measures.length],
    ['responsibility.assigned.v1', seeds.measures.length],
  ] as const) {
    eventsByType[type] = (eventsByType[type] ?? 0) + count;
  }
  const sortedEventsByType = Object.fromEntries(Object.entries(eventsByType).sort(([a], [b]) => (a < b ? -1 : 1)));
  const total = loaded.events + writer.emitted;
  return {
    generator: 'quanze-synthetic-city',
    version: 1,
    seed: options.seed,
    options: { events: options.events, startYear: settings.startYear, years: settings.years, violationsPerCode: settings.violationsPerCode },
    period: { from: dateOf(startDay), to: dateOf(endDay) },
    asOf: dateOf(endDay),
    events: total,
    seedEvents: loaded.events,
    topUpEvents: topUp,
    streams: writer.streamCount,
    eventsByType: sortedEventsByType,
    digest: writer.digest(),
    subjects: {
      cases: world.registries.started('case'),
      inspections: world.registries.started('inspection'),
      documents: world.registries.started('document'),
      decisions: world.registries.started('decision'),
    },
    persons: world.city.persons.size,
    units: world.city.units.size,
    registers: world.registries.registerSizes(),
    planted: { total: world.planted.flags.length, byCode: world.planted.countsByCode(), flags: world.planted.flags },
    timing: { seconds, eventsPerSecond: seconds > 0 ? writer.emitted / seconds : 0 },
  };
}

/** A decision in force, free of its own plan, to report on; or null. */
function reportableDecision(world: World, day: number): { decisionId: string; unitId: string } | null {
  const { registries, random } = world;
  for (let attempt = 0; attempt < 10 && registries.decisions.length > 0; attempt += 1) {
    const decision = random.pick(registries.decisions);
    if (decision.inForce && decision.freeFrom <= day) return { decisionId: decision.decisionId, unitId: random.pick([decision.leadUnitId, ...decision.cooperatingUnitIds]) };
  }
  return null;
}

/**
 * One implementation report (决策执行情况报告) on a decision in force: what fills the history to its exact size, as
 * no flag reads it. With no decision in force yet (tiny histories), a post of a department is established instead.
 */
function emitReport(world: World, day: number, instant: number): void {
  const { city } = world;
  const decision = reportableDecision(world, day);
  if (decision === null) {
    city.establishPost(instant, 'sz-zhengfu-bangongshi', '科员(编外)', 'clerk');
    return;
  }
  const clerk = city.holder(decision.unitId, 'clerk');
  world.writer.emit(
    `decision-${decision.decisionId}`,
    'decision.implementationReported.v1',
    {
      decisionId: decision.decisionId,
      reportingUnitId: decision.unitId,
      responsiblePersonId: city.head(decision.unitId).person.personId,
      reportedOn: dateOf(day),
      progress: '各项措施按计划推进',
      problems: null,
    },
    city.actorOf(clerk),
    instant,
  );
}

function planReport(world: World, day: number): Plan | null {
  if (reportableDecision(world, day) === null) return null;
  const t = new Timeline(world.random, day);
  t.onDay(day, (instant) => {
    emitReport(world, day, instant);
  });
  return { kind: 'follow-up', timeline: t };
}
