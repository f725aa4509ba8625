import type { RecordedEvent } from '@quanze/events';
import type { EventStore } from '@quanze/eventstore';
import { SubjectNotFound, chinaDateOf } from '@quanze/service-kit';
import type { OrganizationCommands } from './commands.js';
import { measureRegistry, unitRegistry } from './commands.js';
import type { Measure } from './measure-decider.js';
import { assignmentInForce, measureDecider } from './measure-decider.js';
import type { Certificate, Person } from './person-decider.js';
import { heldTenures, isCertificateValidOn } from './person-decider.js';
import type { Unit, UnitState } from './unit-decider.js';
import { unitDecider } from './unit-decider.js';

/** A measure's first sentence, which in the plan states what it is about (完善并落实依法决策机制。…): for lists. */
function headlineOf(text: string): string {
  const end = text.indexOf('。');
  const sentence = end === -1 ? text : text.slice(0, end);
  return sentence.length > 60 ? `${sentence.slice(0, 59)}…` : sentence;
}

/** The ledger's days are the city's days: a certificate valid "today" is valid on the calendar of China. */
export function todayInChina(now: Date): string {
  return chinaDateOf(now.toISOString());
}

/** A stream's events as a history: who recorded each (omitted for the public) and what it said. */
function historyOf(events: readonly RecordedEvent[], showActors: boolean) {
  return events.map((event) => ({
    type: event.type,
    streamVersion: event.streamVersion,
    position: event.position,
    occurredAt: event.occurredAt,
    recordedAt: event.recordedAt,
    ...(showActors ? { actor: event.actor } : {}),
    data: event.data,
  }));
}

export interface SuccessorStep {
  readonly unitId: string;
  readonly name: string;
  /** How the unit before it in the chain ended: merged into this one, or dissolved with this one as successor. */
  readonly via: 'merged' | 'dissolved';
  readonly on: string;
}

export interface ResponsibleToday {
  /** The units that took over, in order, ending with the one responsible today (if any). */
  readonly successorChain: readonly SuccessorStep[];
  /** Who answers today for what this unit answered for: itself when live, else the live end of its chain. */
  readonly responsibleToday: { readonly unitId: string; readonly name: string } | null;
  /** Why the chain stops short of a live unit, when it does. */
  readonly chainEnds: 'live' | 'dissolved-without-successor' | 'successor-not-registered' | 'loop';
}

/**
 * Follows mergers and dissolutions to the live successor: responsibility passes with reforms. Chains written by
 * the deciders cannot loop, but events can also come from imports; the walk stops at a unit it has seen.
 */
async function followSuccessors(unit: Unit, lookUp: (unitId: string) => Promise<UnitState>): Promise<ResponsibleToday> {
  const chain: SuccessorStep[] = [];
  const seen = new Set([unit.unitId]);
  let current = unit;
  while (current.ended !== null) {
    const { successorUnitId, how, on } = current.ended;
    if (successorUnitId === null) return { successorChain: chain, responsibleToday: null, chainEnds: 'dissolved-without-successor' };
    if (seen.has(successorUnitId)) return { successorChain: chain, responsibleToday: null, chainEnds: 'loop' };
    seen.add(successorUnitId);
    const next = await lookUp(successorUnitId);
    if (next === null) return { successorChain: chain, responsibleToday: null, chainEnds: 'successor-not-registered' };
    chain.push({ unitId: next.unitId, name: next.name, via: how, on });
    current = next;
  }
  return { successorChain: chain, responsibleToday: { unitId: current.unitId, name: current.name }, chainEnds: 'live' };
}

function unitView(unit: Unit) {
  return {
    unitId: unit.unitId,
    name: unit.name,
    code: unit.code,
    kind: unit.kind,
    parentUnitId: unit.parentUnitId,
    establishedOn: unit.establishedOn,
    status: unit.ended === null ? 'live' : unit.ended.how,
    ended: unit.ended,
    names: unit.names,
    posts: [...unit.posts].map(([postId, title]) => ({ postId, title })),
  };
}

function certificateView(certificate: Certificate, today: string) {
  return { ...certificate, validToday: isCertificateValidOn(certificate, today) };
}

/**
 * Folds every stream of one category found in the log. There are no read models yet (a later issue): lists scan
 * the whole log, which is fine for a city's organisation chart and will be replaced by a projection.
 */
async function foldCategory<TState>(
  store: EventStore,
  category: string,
  accepts: (type: string) => boolean,
  fold: (state: TState | undefined, event: RecordedEvent) => TState,
): Promise<Map<string, TState>> {
  const states = new Map<string, TState>();
  for await (const recorded of store.readAll()) {
    if (!recorded.streamId.startsWith(`${category}-`) || !accepts(recorded.type)) continue;
    states.set(recorded.streamId, fold(states.get(recorded.streamId), recorded));
  }
  return states;
}

export function createOrganizationQueries(deps: { store: EventStore; commands: OrganizationCommands; clock: () => Date }) {
  const { store, commands } = deps;

  async function requireUnit(unitId: string) {
    const loaded = await commands.units.load(`unit-${unitId}`);
    if (loaded.state === null) throw new SubjectNotFound(`unit ${unitId}`);
    return { unit: loaded.state, events: loaded.events };
  }

  async function responsibleFor(unitIds: readonly string[]) {
    return Promise.all(
      unitIds.map(async (unitId) => {
        const unit = await commands.loadUnit(unitId);
        if (unit === null) return { unitId, name: null, responsibleToday: null, successorChain: [], chainEnds: 'successor-not-registered' as const };
        return { unitId, name: unit.name, ...(await followSuccessors(unit, commands.loadUnit)) };
      }),
    );
  }

  function measureSummary(measure: Measure) {
    const inForce = assignmentInForce(measure);
    return {
      measureId: measure.measureId,
      plan: measure.plan,
      section: measure.section,
      sectionTitle: measure.sectionTitle,
      number: measure.number,
      headline: headlineOf(measure.text),
      leadUnitIds: inForce?.leadUnitIds ?? [],
      cooperatingUnitIds: inForce?.cooperatingUnitIds ?? [],
    };
  }

  return {
    async listUnits() {
      const states = await foldCategory<UnitState>(store, 'unit', (type) => unitRegistry.has(type), (state, recorded) =>
        unitDecider.evolve(state ?? unitDecider.initialState, unitRegistry.parse(recorded)),
      );
      const byId = new Map<string, Unit>();
      for (const unit of states.values()) if (unit !== null) byId.set(unit.unitId, unit);
      const lookUp = (unitId: string) => Promise.resolve(byId.get(unitId) ?? null);
      return Promise.all(
        [...byId.values()].map(async (unit) => {
          const { responsibleToday, chainEnds } = await followSuccessors(unit, lookUp);
          return { ...unitView(unit), responsibleToday, chainEnds };
        }),
      );
    },

    async getUnit(unitId: string, showActors: boolean) {
      const { unit, events } = await requireUnit(unitId);
      return { ...unitView(unit), ...(await followSuccessors(unit, commands.loadUnit)), history: historyOf(events, showActors) };
    },

    async getPerson(personId: string) {
      const loaded = await commands.persons.load(`person-${personId}`);
      const person: Person | null = loaded.state;
      if (person === null) throw new SubjectNotFound(`person ${personId}`);
      const today = todayInChina(deps.clock());
      const unitIds = [...new Set(person.tenures.map((tenure) => tenure.unitId))];
      const units = new Map(await Promise.all(unitIds.map(async (unitId) => [unitId, await commands.loadUnit(unitId)] as const)));
      const describe = (tenure: Person['tenures'][number]) => {
        const unit = units.get(tenure.unitId) ?? null;
        return { ...tenure, unitName: unit?.name ?? null, postTitle: unit?.posts.get(tenure.postId) ?? null };
      };
      return {
        personId: person.personId,
        name: person.name,
        status: person.retirement === null ? 'in-service' : 'retired',
        retirement: person.retirement,
        today,
        posts: heldTenures(person).map(describe),
        tenures: person.tenures.map(describe),
        certificates: person.certificates.map((certificate) => certificateView(certificate, today)),
        history: historyOf(loaded.events, true),
      };
    },

    async certificationsOn(personId: string, on: string | undefined) {
      const person = await commands.loadPerson(personId);
      if (person === null) throw new SubjectNotFound(`person ${personId}`);
      const day = on ?? todayInChina(deps.clock());
      return {
        personId: person.personId,
        on: day,
        certificates: person.certificates.filter((certificate) => isCertificateValidOn(certificate, day)),
      };
    },

    async listMeasures() {
      const states = await foldCategory<Measure | null>(store, 'measure', (type) => measureRegistry.has(type), (state, recorded) =>
        measureDecider.evolve(state ?? measureDecider.initialState, measureRegistry.parse(recorded)),
      );
      return [...states.values()].filter((measure) => measure !== null).map(measureSummary);
    },

    async getMeasure(measureId: string, showActors: boolean) {
      const loaded = await commands.measures.load(`measure-${measureId}`);
      const measure = loaded.state;
      if (measure === null) throw new SubjectNotFound(`measure ${measureId}`);
      const inForce = assignmentInForce(measure);
      return {
        measureId: measure.measureId,
        plan: measure.plan,
        section: measure.section,
        sectionTitle: measure.sectionTitle,
        number: measure.number,
        text: measure.text,
        assignments: measure.assignments,
        inForce:
          inForce === null
            ? null
            : {
                ...inForce,
                lead: await responsibleFor(inForce.leadUnitIds),
                cooperating: await responsibleFor(inForce.cooperatingUnitIds),
              },
        history: historyOf(loaded.events, showActors),
      };
    },
  };
}
