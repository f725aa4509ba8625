import { chinaDateOf } from '@quanze/events';
import type { ReadModelSql, SqlDialect, SqlValue } from '../../read-model-store.js';
import { getUnit, organizationCache, personNow, prefetchPersons, prefetchUnits, tenuresOn, unitAnsweringToday, unitWithPredecessors } from '../organization/queries.js';
import type { OrganizationCache } from '../organization/queries.js';
import type { AnsweringToday, PersonNow, Tenure } from '../organization/queries.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, decodeCursor, encodeCursor } from './cursor.js';
import { CAREER_ROLES, PARTICIPANT_ROLES } from './describe.js';
import type { OutcomeKind, ParticipantRole, SubjectKind, SubjectRef, UnitRelation } from './describe.js';
import { marksOf } from './marks.js';
import type { Mark } from './marks.js';

// Pure queries over the activity and organisation read models. Every query reads a bounded number of rows through an
// index: a subject's steps, one person's range of participations, one unit's range of steps, a page of positions.

export type Facts = Readonly<Record<string, string | number | boolean | null>>;
export type DetailObject = Readonly<Record<string, unknown>>;

/** One step as the ledger recorded it. */
export interface StepRecord {
  readonly position: number;
  readonly eventId: string;
  readonly type: string;
  readonly subject: SubjectRef;
  readonly streamId: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  /** The China calendar day of `occurredAt`: the day posts held "then" are looked up for. */
  readonly occurredOn: string;
  /** The actor as recorded then: person, post and unit (轮岗 and reforms do not change it). */
  readonly recordedBy: { readonly personId: string; readonly postId: string | null; readonly unitId: string | null };
  readonly causationId: string | null;
  readonly inResponseTo: readonly string[];
  readonly facts: Facts;
}

export interface SubjectSummary extends SubjectRef {
  readonly label: string | null;
  readonly firstPosition: number;
  readonly lastPosition: number;
}

export interface OutcomeRecord {
  readonly position: number;
  readonly eventId: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly kind: OutcomeKind;
  readonly detail: DetailObject;
}

/** A post a person held when they took a step: as recorded for the actor, from their tenures for a person named. */
export interface PostThen {
  readonly postId: string | null;
  readonly postTitle: string | null;
  readonly unitId: string | null;
  /** The unit's name on that day. */
  readonly unitName: string | null;
  readonly source: 'recorded' | 'tenure';
}

export interface StepParticipant {
  readonly personId: string;
  readonly name: string | null;
  readonly role: ParticipantRole;
  readonly detail: DetailObject | null;
  readonly heldThen: readonly PostThen[];
}

export interface ChainStep extends StepRecord {
  readonly participants: readonly StepParticipant[];
  readonly marks: readonly Mark[];
}

export interface PersonSummary {
  readonly personId: string;
  readonly name: string | null;
  /** Where they are now: current posts, or retired (退休), or no post; lifelong answerability does not end there. */
  readonly now: PersonNow;
}

export interface UnitSummary {
  readonly unitId: string;
  /** The latest name, null for a unit the organisation chart does not know. */
  readonly name: string | null;
  /** How it belongs to the subject (lead, issuing, handling…), empty for a unit met only through a person's post. */
  readonly relations: readonly UnitRelation[];
  readonly answeringToday: Omit<AnsweringToday, 'unitId'>;
}

export interface ResponsibilityChain {
  readonly subject: SubjectSummary;
  readonly steps: readonly ChainStep[];
  readonly persons: readonly PersonSummary[];
  readonly units: readonly UnitSummary[];
  readonly outcomes: readonly OutcomeRecord[];
}

export class InvalidCursor extends Error {
  constructor(readonly cursor: string) {
    super('not a cursor of this query: pass the `next` of the previous page');
    this.name = 'InvalidCursor';
  }
}

// ── Rows ────────────────────────────────────────────────────────────────────────────────────────────────────────

interface StepRow {
  position: number;
  event_id: string;
  type: string;
  subject_kind: SubjectKind;
  subject_id: string;
  stream_id: string;
  occurred_at: string;
  recorded_at: string;
  actor_person_id: string;
  actor_post_id: string | null;
  actor_unit_id: string | null;
  causation_id: string | null;
  causes: string | null;
  facts: string;
}

const STEP_COLUMNS = `position, event_id, type, subject_kind, subject_id, stream_id, occurred_at, recorded_at,
  actor_person_id, actor_post_id, actor_unit_id, causation_id, causes, facts`;

function toStep(row: StepRow): StepRecord {
  return {
    position: row.position,
    eventId: row.event_id,
    type: row.type,
    subject: { kind: row.subject_kind, id: row.subject_id },
    streamId: row.stream_id,
    occurredAt: row.occurred_at,
    recordedAt: row.recorded_at,
    occurredOn: chinaDateOf(row.occurred_at),
    recordedBy: { personId: row.actor_person_id, postId: row.actor_post_id, unitId: row.actor_unit_id },
    causationId: row.causation_id,
    inResponseTo: row.causes === null ? [] : (JSON.parse(row.causes) as string[]),
    facts: JSON.parse(row.facts) as Facts,
  };
}

// ── Where the dialects differ ───────────────────────────────────────────────────────────────────────────────────

/** A statement that SQLite and PostgreSQL each need written their own way: `TEXT[q.dialect]`. */
type DialectSql = Readonly<Record<SqlDialect, string>>;

function inEachDialect(write: (dialect: SqlDialect) => string): DialectSql {
  return { sqlite: write('sqlite'), postgres: write('postgres') };
}

// A page's lists (positions, person ids, [kind, id] pairs…) are bound as one JSON array parameter. SQLite reads it
// with json_each; PostgreSQL with jsonb_array_elements, here given json_each's name and column so that the rest of a
// statement (`json_each.value ->> 0`: an element of a pair, as text in both) is written once.
/** The rows of a JSON array of arrays, each as `json_each.value`. */
const JSON_ROWS: DialectSql = {
  sqlite: `json_each(?)`,
  postgres: `jsonb_array_elements(CAST(? AS jsonb)) AS json_each(value)`,
};
/** The strings of a JSON array, as a subquery. */
const JSON_TEXTS: DialectSql = {
  sqlite: `SELECT value FROM json_each(?)`,
  postgres: `SELECT value FROM jsonb_array_elements_text(CAST(? AS jsonb))`,
};
/** The positions of a JSON array, as a subquery: json_each gives a JSON number as an integer, PostgreSQL as text. */
const JSON_POSITIONS: DialectSql = {
  sqlite: `SELECT value FROM json_each(?)`,
  postgres: `SELECT CAST(value AS BIGINT) FROM jsonb_array_elements_text(CAST(? AS jsonb))`,
};

// ── Reading steps ───────────────────────────────────────────────────────────────────────────────────────────────

const STEPS_AT_SQL = inEachDialect((dialect) => `SELECT ${STEP_COLUMNS} FROM activity_steps WHERE position IN (${JSON_POSITIONS[dialect]}) ORDER BY position`);
const STEPS_OF_SUBJECT_SQL = `SELECT ${STEP_COLUMNS} FROM activity_steps WHERE subject_kind = ? AND subject_id = ? AND position <= ? ORDER BY position`;
const STEP_BY_EVENT_SQL = `SELECT ${STEP_COLUMNS} FROM activity_steps WHERE event_id = ?`;
const SUBJECT_SQL = `SELECT label, first_position,
  (SELECT max(position) FROM activity_steps s WHERE s.subject_kind = j.subject_kind AND s.subject_id = j.subject_id) AS last_position
  FROM activity_subjects j WHERE subject_kind = ? AND subject_id = ?`;
const SUBJECT_UNITS_SQL = `SELECT unit_id, relation FROM activity_subject_units WHERE subject_kind = ? AND subject_id = ?
  ORDER BY first_position, unit_id, relation`;
const OUTCOMES_SQL = `SELECT o.position, o.kind, o.detail, s.event_id, s.type, s.occurred_at
  FROM activity_outcomes o JOIN activity_steps s ON s.position = o.position
  WHERE o.subject_kind = ? AND o.subject_id = ? ORDER BY o.position`;
const PARTICIPANTS_AT_SQL = inEachDialect((dialect) => `SELECT position, participants FROM activity_steps WHERE position IN (${JSON_POSITIONS[dialect]})`);

async function stepsAt(q: ReadModelSql, positions: readonly number[]): Promise<StepRecord[]> {
  if (positions.length === 0) return [];
  return (await q.all<StepRow>(STEPS_AT_SQL[q.dialect], [JSON.stringify(positions)])).map(toStep);
}

/** Every step of a subject up to a position (all of them by default), in order. */
export async function stepsOfSubject(q: ReadModelSql, subject: SubjectRef, upToPosition = Number.MAX_SAFE_INTEGER): Promise<StepRecord[]> {
  return (await q.all<StepRow>(STEPS_OF_SUBJECT_SQL, [subject.kind, subject.id, upToPosition])).map(toStep);
}

export async function stepByEventId(q: ReadModelSql, eventId: string): Promise<StepRecord | null> {
  const row = await q.get<StepRow>(STEP_BY_EVENT_SQL, [eventId]);
  return row === undefined ? null : toStep(row);
}

export async function getSubject(q: ReadModelSql, subject: SubjectRef): Promise<SubjectSummary | null> {
  const row = await q.get<{ label: string | null; first_position: number; last_position: number }>(SUBJECT_SQL, [subject.kind, subject.id]);
  return row === undefined
    ? null
    : { kind: subject.kind, id: subject.id, label: row.label, firstPosition: row.first_position, lastPosition: row.last_position };
}

/** The units a subject belongs to, with how: lead, issuing, handling…, and `actor` for a unit whose member recorded a step. */
export async function subjectUnits(q: ReadModelSql, subject: SubjectRef): Promise<{ unitId: string; relation: UnitRelation }[]> {
  const rows = await q.all<{ unit_id: string; relation: UnitRelation }>(SUBJECT_UNITS_SQL, [subject.kind, subject.id]);
  return rows.map((row) => ({ unitId: row.unit_id, relation: row.relation }));
}

interface OutcomeRow {
  position: number;
  kind: OutcomeKind;
  detail: string;
  event_id: string;
  type: string;
  occurred_at: string;
}

function toOutcome(row: OutcomeRow): OutcomeRecord {
  return {
    position: row.position,
    eventId: row.event_id,
    type: row.type,
    occurredAt: row.occurred_at,
    kind: row.kind,
    detail: JSON.parse(row.detail) as DetailObject,
  };
}

export async function outcomesOf(q: ReadModelSql, subject: SubjectRef): Promise<OutcomeRecord[]> {
  return (await q.all<OutcomeRow>(OUTCOMES_SQL, [subject.kind, subject.id])).map(toOutcome);
}

// A page's subjects, units and persons are read in one statement each, keyed by a JSON array: a page of a hundred
// entries over a hundred subjects would otherwise run hundreds of statements, each a round trip of its own.

const subjectKey = (subject: SubjectRef): string => `${subject.kind}\u0000${subject.id}`;

/** Each subject once, as the JSON array of [kind, id] pairs the batch statements read. */
function subjectKeys(subjects: Iterable<SubjectRef>): string {
  const distinct = new Map<string, [SubjectKind, string]>();
  for (const subject of subjects) distinct.set(subjectKey(subject), [subject.kind, subject.id]);
  return JSON.stringify([...distinct.values()]);
}

const OUTCOMES_OF_SUBJECTS_SQL = inEachDialect(
  (dialect) => `SELECT o.subject_kind, o.subject_id, o.position, o.kind, o.detail, s.event_id, s.type, s.occurred_at
  FROM ${JSON_ROWS[dialect]} JOIN activity_outcomes o ON o.subject_kind = json_each.value ->> 0 AND o.subject_id = json_each.value ->> 1 AND o.position > ?
  JOIN activity_steps s ON s.position = o.position ORDER BY o.position`,
);
const LABELS_SQL = inEachDialect(
  (dialect) => `SELECT j.subject_kind, j.subject_id, j.label
  FROM ${JSON_ROWS[dialect]} JOIN activity_subjects j ON j.subject_kind = json_each.value ->> 0 AND j.subject_id = json_each.value ->> 1`,
);
// The same answer as unitNameOn for each (unit, day): the latest rename in effect by then, else the first name.
const NAMES_ON_SQL = inEachDialect(
  (dialect) => `SELECT json_each.value ->> 0 AS unit_id, json_each.value ->> 1 AS day, coalesce(
    (SELECT n.name FROM organization_unit_names n WHERE n.unit_id = json_each.value ->> 0 AND n.from_on <= json_each.value ->> 1 ORDER BY n.from_on DESC, n.position DESC LIMIT 1),
    (SELECT n.name FROM organization_unit_names n WHERE n.unit_id = json_each.value ->> 0 ORDER BY n.position LIMIT 1)) AS name
  FROM ${JSON_ROWS[dialect]}`,
);
const POST_TITLES_SQL = inEachDialect((dialect) => `SELECT post_id, title FROM organization_posts WHERE post_id IN (${JSON_TEXTS[dialect]})`);
const PERSON_NAMES_SQL = inEachDialect((dialect) => `SELECT person_id, name FROM organization_persons WHERE person_id IN (${JSON_TEXTS[dialect]})`);
// As tenuresOf, for many persons: each person's tenures oldest first.
const TENURES_OF_PERSONS_SQL = inEachDialect(
  (dialect) => `SELECT t.person_id, t.post_id, t.unit_id, t.from_on, t.to_on, t.removal_reason, p.title
  FROM organization_tenures t LEFT JOIN organization_posts p ON p.post_id = t.post_id
  WHERE t.person_id IN (${JSON_TEXTS[dialect]}) ORDER BY t.person_id, t.appointed_position`,
);

interface TenureRow {
  person_id: string;
  post_id: string;
  unit_id: string;
  from_on: string;
  to_on: string | null;
  removal_reason: string | null;
  title: string | null;
}

/** The outcomes of many subjects after a position, in one statement; each subject's in position order, or absent. */
async function outcomesOfSubjects(q: ReadModelSql, subjects: Iterable<SubjectRef>, afterPosition: number): Promise<Map<string, OutcomeRecord[]>> {
  const bySubject = new Map<string, OutcomeRecord[]>();
  const rows = await q.all<OutcomeRow & { subject_kind: SubjectKind; subject_id: string }>(OUTCOMES_OF_SUBJECTS_SQL[q.dialect], [
    subjectKeys(subjects),
    afterPosition,
  ]);
  for (const row of rows) {
    const key = subjectKey({ kind: row.subject_kind, id: row.subject_id });
    const list = bySubject.get(key) ?? [];
    list.push(toOutcome(row));
    bySubject.set(key, list);
  }
  return bySubject;
}

/** The labels of many subjects in one statement; a subject without one, or unknown, is absent. */
async function labelsOf(q: ReadModelSql, subjects: Iterable<SubjectRef>): Promise<Map<string, string | null>> {
  const rows = await q.all<{ subject_kind: SubjectKind; subject_id: string; label: string | null }>(LABELS_SQL[q.dialect], [subjectKeys(subjects)]);
  return new Map(rows.map((row) => [subjectKey({ kind: row.subject_kind, id: row.subject_id }), row.label]));
}

/** The names of many persons in one statement; a person the organisation chart does not know is absent. */
async function personNames(q: ReadModelSql, personIds: Iterable<string>): Promise<Map<string, string>> {
  const rows = await q.all<{ person_id: string; name: string }>(PERSON_NAMES_SQL[q.dialect], [JSON.stringify([...new Set(personIds)])]);
  return new Map(rows.map((row) => [row.person_id, row.name]));
}

const ROLE_ORDER = new Map<string, number>(PARTICIPANT_ROLES.map((role, index) => [role, index]));

async function participantsAt(
  q: ReadModelSql,
  positions: readonly number[],
): Promise<Map<number, { personId: string; role: ParticipantRole; detail: DetailObject | null }[]>> {
  const byPosition = new Map<number, { personId: string; role: ParticipantRole; detail: DetailObject | null }[]>();
  if (positions.length === 0) return byPosition;
  const rows = await q.all<{ position: number; participants: string }>(PARTICIPANTS_AT_SQL[q.dialect], [JSON.stringify(positions)]);
  for (const row of rows) {
    const list = (JSON.parse(row.participants) as [string, ParticipantRole, DetailObject | null][]).map(([personId, role, detail]) => ({ personId, role, detail }));
    list.sort((a, b) => (ROLE_ORDER.get(a.role) ?? 0) - (ROLE_ORDER.get(b.role) ?? 0) || (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0));
    byPosition.set(row.position, list);
  }
  return byPosition;
}

// ── Who was who, then and now: looked up once per query ─────────────────────────────────────────────────────────

/** What the posts held at a step are found from: who recorded it, as what, and on which day. */
type StepTaken = Pick<StepRecord, 'recordedBy' | 'occurredOn'>;

class Lookups {
  private readonly names = new Map<string, string | null>();
  private readonly tenures = new Map<string, Tenure[]>();
  private readonly unitsToday = new Map<string, UnitSummary>();
  private readonly namesOn = new Map<string, string | null>();
  private readonly titles = new Map<string, string | null>();
  private readonly chart: OrganizationCache = organizationCache();

  constructor(private readonly q: ReadModelSql) {}

  /**
   * Reads at once what `person` and `heldThen` will be asked for these persons at these steps — their names and
   * tenures, the titles of the posts recorded, each unit's name on each day — in a few statements for the lot.
   */
  async load<TStep extends StepTaken>(steps: readonly TStep[], personsAt: (step: TStep) => Iterable<string>): Promise<void> {
    const persons = new Set<string>();
    for (const step of steps) for (const personId of personsAt(step)) persons.add(personId);
    await this.loadPersons([...persons].filter((personId) => !this.tenures.has(personId)));
    const days: [string, string][] = [];
    const posts: string[] = [];
    for (const step of steps) {
      for (const personId of personsAt(step)) {
        if (personId === step.recordedBy.personId) {
          if (step.recordedBy.unitId !== null) days.push([step.recordedBy.unitId, step.occurredOn]);
          if (step.recordedBy.postId !== null) posts.push(step.recordedBy.postId);
        } else {
          for (const tenure of tenuresOn(this.tenures.get(personId) ?? [], step.occurredOn)) days.push([tenure.unitId, step.occurredOn]);
        }
      }
    }
    await this.loadNamesOn(days);
    await this.loadTitles(posts);
  }

  /** As personName and tenuresOf for each person, in three statements for them all. */
  private async loadPersons(personIds: readonly string[]): Promise<void> {
    if (personIds.length === 0) return;
    const names = await personNames(this.q, personIds);
    const rows = await this.q.all<TenureRow>(TENURES_OF_PERSONS_SQL[this.q.dialect], [JSON.stringify(personIds)]);
    await this.loadNamesOn(rows.map((row) => [row.unit_id, row.from_on]));
    // What `now` will ask of them: their retirements, the units of the posts they hold.
    await prefetchPersons(this.q, personIds, this.chart);
    await prefetchUnits(
      this.q,
      rows.filter((row) => row.to_on === null).map((row) => row.unit_id),
      this.chart,
    );
    for (const personId of personIds) {
      this.names.set(personId, names.get(personId) ?? null);
      this.tenures.set(personId, []);
    }
    for (const row of rows) {
      this.tenures.get(row.person_id)?.push({
        personId: row.person_id,
        postId: row.post_id,
        postTitle: row.title,
        unitId: row.unit_id,
        unitNameThen: this.namesOn.get(`${row.unit_id}\u0000${row.from_on}`) ?? null,
        fromOn: row.from_on,
        toOn: row.to_on,
        removalReason: row.removal_reason,
      });
    }
  }

  private async loadNamesOn(pairs: readonly (readonly [string, string])[]): Promise<void> {
    const missing = new Map<string, readonly [string, string]>();
    for (const pair of pairs) {
      const key = `${pair[0]}\u0000${pair[1]}`;
      if (!this.namesOn.has(key)) missing.set(key, pair);
    }
    if (missing.size === 0) return;
    for (const key of missing.keys()) this.namesOn.set(key, null);
    const rows = await this.q.all<{ unit_id: string; day: string; name: string | null }>(NAMES_ON_SQL[this.q.dialect], [JSON.stringify([...missing.values()])]);
    for (const row of rows) this.namesOn.set(`${row.unit_id}\u0000${row.day}`, row.name);
  }

  private async loadTitles(postIds: readonly string[]): Promise<void> {
    const missing = [...new Set(postIds)].filter((postId) => !this.titles.has(postId));
    if (missing.length === 0) return;
    for (const postId of missing) this.titles.set(postId, null);
    for (const row of await this.q.all<{ post_id: string; title: string }>(POST_TITLES_SQL[this.q.dialect], [JSON.stringify(missing)])) {
      this.titles.set(row.post_id, row.title);
    }
  }

  async person(personId: string): Promise<{ name: string | null; tenures: Tenure[] }> {
    if (!this.tenures.has(personId)) await this.loadPersons([personId]);
    return { name: this.names.get(personId) ?? null, tenures: this.tenures.get(personId) ?? [] };
  }

  async summary(personId: string): Promise<PersonSummary> {
    const person = await this.person(personId);
    return { personId, name: person.name, now: await this.now(personId, person.tenures) };
  }

  /** personNow, with the units read once for the whole answer. */
  now(personId: string, tenures: readonly Tenure[]): Promise<PersonNow> {
    return personNow(this.q, personId, tenures, this.chart);
  }

  async unitNameOn(unitId: string, day: string): Promise<string | null> {
    await this.loadNamesOn([[unitId, day]]);
    return this.namesOn.get(`${unitId}\u0000${day}`) ?? null;
  }

  async postTitle(postId: string): Promise<string | null> {
    await this.loadTitles([postId]);
    return this.titles.get(postId) ?? null;
  }

  /** Reads these units (and those they passed to) at once, before `unit` is asked for each. */
  async preloadUnits(unitIds: Iterable<string>): Promise<void> {
    await prefetchUnits(this.q, unitIds, this.chart);
  }

  async unit(unitId: string, relations: readonly UnitRelation[] = []): Promise<UnitSummary> {
    let unit = this.unitsToday.get(unitId);
    if (unit === undefined) {
      const { unitId: _unitId, ...answeringToday } = await unitAnsweringToday(this.q, unitId, this.chart);
      unit = { unitId, name: (await getUnit(this.q, unitId, this.chart))?.name ?? null, relations: [], answeringToday };
    }
    const merged = [...new Set([...unit.relations, ...relations])];
    unit = { ...unit, relations: merged };
    this.unitsToday.set(unitId, unit);
    return unit;
  }

  /** The posts a person held when a step was taken: the actor's as recorded; a named person's from their tenures. */
  async heldThen(personId: string, step: StepTaken): Promise<PostThen[]> {
    if (personId === step.recordedBy.personId) {
      const { postId, unitId } = step.recordedBy;
      if (postId === null && unitId === null) return [];
      return [
        {
          postId,
          postTitle: postId === null ? null : await this.postTitle(postId),
          unitId,
          unitName: unitId === null ? null : await this.unitNameOn(unitId, step.occurredOn),
          source: 'recorded',
        },
      ];
    }
    const posts: PostThen[] = [];
    for (const tenure of tenuresOn((await this.person(personId)).tenures, step.occurredOn)) {
      posts.push({
        postId: tenure.postId,
        postTitle: tenure.postTitle,
        unitId: tenure.unitId,
        unitName: await this.unitNameOn(tenure.unitId, step.occurredOn),
        source: 'tenure',
      });
    }
    return posts;
  }

  units(): UnitSummary[] {
    return [...this.unitsToday.values()].sort((a, b) => (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0));
  }
}

async function markedSteps(
  q: ReadModelSql,
  lookups: Lookups,
  steps: readonly StepRecord[],
  earlierOf: (step: StepRecord) => readonly StepRecord[],
): Promise<ChainStep[]> {
  const participants = await participantsAt(
    q,
    steps.map((step) => step.position),
  );
  await lookups.load(steps, (step) => (participants.get(step.position) ?? []).map((participant) => participant.personId));
  const marked: ChainStep[] = [];
  const heldByStep = new Map<number, Map<string, PostThen[]>>();
  const unitsHeld: string[] = [];
  for (const step of steps) {
    const held = new Map<string, PostThen[]>();
    for (const participant of participants.get(step.position) ?? []) {
      const heldThen = await lookups.heldThen(participant.personId, step);
      held.set(participant.personId, heldThen);
      for (const post of heldThen) if (post.unitId !== null) unitsHeld.push(post.unitId);
    }
    heldByStep.set(step.position, held);
  }
  await lookups.preloadUnits(unitsHeld);
  for (const step of steps) {
    const named: StepParticipant[] = [];
    for (const participant of participants.get(step.position) ?? []) {
      const heldThen = heldByStep.get(step.position)?.get(participant.personId) ?? (await lookups.heldThen(participant.personId, step));
      for (const post of heldThen) if (post.unitId !== null) await lookups.unit(post.unitId);
      named.push({ ...participant, name: (await lookups.person(participant.personId)).name, heldThen });
    }
    marked.push({ ...step, participants: named, marks: marksOf(step, earlierOf(step)) });
  }
  return marked;
}

/** The steps before a step of the same subject, without going through the list again for each step. */
function earlierWithin(steps: readonly StepRecord[]): (step: StepRecord) => readonly StepRecord[] {
  const index = new Map(steps.map((step, at) => [step.position, at]));
  return (step) => steps.slice(0, index.get(step.position) ?? steps.filter((earlier) => earlier.position < step.position).length);
}

async function personsOf(lookups: Lookups, steps: readonly ChainStep[]): Promise<PersonSummary[]> {
  const ids = new Set<string>();
  for (const step of steps) for (const participant of step.participants) ids.add(participant.personId);
  const persons: PersonSummary[] = [];
  for (const personId of [...ids].sort()) persons.push(await lookups.summary(personId));
  return persons;
}

// ── 1. Responsibility chain (责任链) ─────────────────────────────────────────────────────────────────────────────

/**
 * Every step of a subject in order: who recorded it (in the post and unit recorded then), every person it names
 * with their part and the posts they held that day, the marks of the step; every unit the subject belongs to and
 * every unit met on the way, each with the unit answering for it today; every person with where they are now.
 */
export async function responsibilityChain(q: ReadModelSql, subject: SubjectRef): Promise<ResponsibilityChain | null> {
  const summary = await getSubject(q, subject);
  if (summary === null) return null;
  const lookups = new Lookups(q);
  const relations = new Map<string, UnitRelation[]>();
  for (const { unitId, relation } of await subjectUnits(q, subject)) relations.set(unitId, [...(relations.get(unitId) ?? []), relation]);
  await lookups.preloadUnits(relations.keys());
  for (const [unitId, unitRelations] of relations) await lookups.unit(unitId, unitRelations);
  const steps = await stepsOfSubject(q, subject);
  const chain = await markedSteps(q, lookups, steps, earlierWithin(steps));
  return { subject: summary, steps: chain, persons: await personsOf(lookups, chain), units: lookups.units(), outcomes: await outcomesOf(q, subject) };
}

// ── 2. Person dossier (终身责任) ─────────────────────────────────────────────────────────────────────────────────

export interface DossierOptions {
  /** Steps that occurred at or after this instant. */
  readonly from?: string | undefined;
  /** Steps that occurred before this instant. */
  readonly to?: string | undefined;
  /** Only these parts; every part but the person's own career by default. */
  readonly roles?: readonly ParticipantRole[] | undefined;
  readonly after?: string | undefined;
  readonly limit?: number | undefined;
}

export interface DossierEntry {
  readonly position: number;
  readonly eventId: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly subject: { readonly kind: SubjectKind; readonly id: string; readonly label: string | null };
  readonly roles: readonly { readonly role: ParticipantRole; readonly detail: DetailObject | null }[];
  /** The posts the person held then: as recorded when they recorded the step, else from their tenures that day. */
  readonly heldThen: readonly PostThen[];
  /** What became of the subject afterwards: revoked, suspended, evaluated, abolished, returned… */
  readonly laterOutcomes: readonly OutcomeRecord[];
  /** The kind of the latest of them, or null. */
  readonly outcome: OutcomeKind | null;
}

export interface PersonDossier {
  readonly person: {
    readonly personId: string;
    readonly name: string | null;
    readonly now: PersonNow;
    readonly tenures: readonly (Tenure & { readonly unitAnsweringToday: UnitSummary['answeringToday'] })[];
  };
  readonly entries: readonly DossierEntry[];
  /** The cursor of the next page, null on the last. */
  readonly next: string | null;
}

const ACT_ROLES: readonly ParticipantRole[] = PARTICIPANT_ROLES.filter((role) => !CAREER_ROLES.includes(role));

function pageSize(limit: number | undefined): number {
  const size = limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) throw new RangeError(`limit is 1 to ${String(MAX_PAGE_SIZE)}`);
  return size;
}

function afterPosition(after: string | undefined): number {
  if (after === undefined) return 0;
  const position = decodeCursor(after);
  if (position === null) throw new InvalidCursor(after);
  return position;
}

interface DossierRow {
  position: number;
  subject_kind: SubjectKind;
  subject_id: string;
  roles: string;
  event_id: string;
  type: string;
  occurred_at: string;
  recorded_at: string;
  actor_person_id: string;
  actor_post_id: string | null;
  actor_unit_id: string | null;
}

/**
 * A person's participations in a step, one row per step: the parts played as one JSON array, and the columns of the
 * step the dossier shows. SQLite takes the step's columns as they are in the group of one participation position;
 * PostgreSQL wants them grouped, and takes those of the step through its key (`s.position`).
 */
const DOSSIER_ROLES: DialectSql = {
  sqlite: `json_group_array(json_object('role', activity_participants.role, 'detail', json(activity_participants.detail)))`,
  // As text, as SQLite answers it: the entry's roles are parsed in one place whichever database answered.
  postgres: `CAST(json_agg(json_build_object('role', activity_participants.role, 'detail', CAST(activity_participants.detail AS json))) AS TEXT)`,
};
const DOSSIER_GROUP_BY: DialectSql = {
  sqlite: `activity_participants.position`,
  postgres: `activity_participants.position, activity_participants.subject_kind, activity_participants.subject_id, s.position`,
};

/** A page of the person's participations, each with the columns of its step the dossier shows: one statement. */
function dossierPageQuery(dialect: SqlDialect, personId: string, options: DossierOptions): { sql: string; parameters: SqlValue[] } {
  const clauses = ['activity_participants.person_id = ?', 'activity_participants.position > ?', `activity_participants.subject_kind NOT IN ('unit', 'person')`];
  const parameters: SqlValue[] = [personId, afterPosition(options.after)];
  if (options.from !== undefined) {
    clauses.push('activity_participants.occurred_at >= ?');
    parameters.push(options.from);
  }
  if (options.to !== undefined) {
    clauses.push('activity_participants.occurred_at < ?');
    parameters.push(options.to);
  }
  clauses.push(`activity_participants.role IN (${JSON_TEXTS[dialect]})`);
  parameters.push(JSON.stringify(options.roles ?? ACT_ROLES));
  parameters.push(pageSize(options.limit));
  return {
    sql: `SELECT activity_participants.position, activity_participants.subject_kind, activity_participants.subject_id,
        ${DOSSIER_ROLES[dialect]} AS roles,
        s.event_id, s.type, s.occurred_at, s.recorded_at, s.actor_person_id, s.actor_post_id, s.actor_unit_id
      FROM activity_participants JOIN activity_steps s ON s.position = activity_participants.position
      WHERE ${clauses.join(' AND ')}
      GROUP BY ${DOSSIER_GROUP_BY[dialect]} ORDER BY activity_participants.position LIMIT ?`,
    parameters,
  };
}

/**
 * Everything a person proposed, reviewed, voted, decided, signed or handled, across every post and unit they held,
 * with what became of each subject later (终身责任追究). Paged by position; filtered by when it occurred and by part.
 */
export async function personDossier(q: ReadModelSql, personId: string, options: DossierOptions = {}): Promise<PersonDossier> {
  const lookups = new Lookups(q);
  const { sql, parameters } = dossierPageQuery(q.dialect, personId, options);
  const limit = pageSize(options.limit);
  const rows = await q.all<DossierRow>(sql, parameters);
  const acts = rows.map((row) => ({
    row,
    step: {
      recordedBy: { personId: row.actor_person_id, postId: row.actor_post_id, unitId: row.actor_unit_id },
      occurredOn: chinaDateOf(row.occurred_at),
    } satisfies StepTaken,
  }));
  await lookups.load(
    acts.map((act) => act.step),
    () => [personId],
  );
  const { name, tenures } = await lookups.person(personId);
  const subjects = rows.map((row): SubjectRef => ({ kind: row.subject_kind, id: row.subject_id }));
  // Only outcomes after an entry are shown with it: none before the page's first.
  const outcomes = await outcomesOfSubjects(q, subjects, rows[0]?.position ?? 0);
  const labels = await labelsOf(q, subjects);
  const entries: DossierEntry[] = [];
  for (const { row, step } of acts) {
    const subject: SubjectRef = { kind: row.subject_kind, id: row.subject_id };
    const key = subjectKey(subject);
    const later = (outcomes.get(key) ?? []).filter((outcome) => outcome.position > row.position);
    const roles = (JSON.parse(row.roles) as { role: ParticipantRole; detail: DetailObject | null }[]).sort(
      (a, b) => (ROLE_ORDER.get(a.role) ?? 0) - (ROLE_ORDER.get(b.role) ?? 0),
    );
    entries.push({
      position: row.position,
      eventId: row.event_id,
      type: row.type,
      occurredAt: row.occurred_at,
      recordedAt: row.recorded_at,
      subject: { ...subject, label: labels.get(key) ?? null },
      roles,
      heldThen: await lookups.heldThen(personId, step),
      laterOutcomes: later,
      outcome: later.at(-1)?.kind ?? null,
    });
  }
  const withAnswering: PersonDossier['person']['tenures'][number][] = [];
  await lookups.preloadUnits(tenures.map((tenure) => tenure.unitId));
  for (const tenure of tenures) withAnswering.push({ ...tenure, unitAnsweringToday: (await lookups.unit(tenure.unitId)).answeringToday });
  const last = rows.at(-1);
  return {
    person: { personId, name, now: await lookups.now(personId, tenures), tenures: withAnswering },
    entries,
    next: rows.length === limit && last !== undefined ? encodeCursor(last.position) : null,
  };
}

/** A node of a PostgreSQL plan (EXPLAIN (FORMAT JSON)): the fields `planNodes` reads. */
interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Function Name'?: string;
  readonly 'Index Name'?: string;
  readonly 'Index Cond'?: string;
  readonly Plans?: readonly PlanNode[];
}

/**
 * A PostgreSQL plan as lines like its text form, without costs, one per node, depth first: `Index Scan using
 * activity_participants_by_person on activity_participants ((person_id = 'x'::text) AND ("position" > 0))`,
 * `Seq Scan on organization_posts`, `Function Scan on jsonb_array_elements_text`.
 */
function planNodes(node: PlanNode): string[] {
  const using = node['Index Name'] === undefined ? '' : ` using ${node['Index Name']}`;
  const on = node['Relation Name'] ?? node['Function Name'];
  const condition = node['Index Cond'] === undefined ? '' : ` ${node['Index Cond']}`;
  const line = `${node['Node Type']}${using}${on === undefined ? '' : ` on ${on}`}${condition}`;
  return [line, ...(node.Plans ?? []).flatMap(planNodes)];
}

const PLAN_AS_FOR_A_LARGE_LEDGER = `SELECT set_config('enable_seqscan', 'off', true), set_config('enable_hashjoin', 'off', true),
  set_config('enable_mergejoin', 'off', true)`;

/**
 * The query plans of a dossier page's statements — SQLite's EXPLAIN QUERY PLAN details, PostgreSQL's plan nodes
 * (`planNodes`) —: a dossier must search its tables through their keys, never scan them, whatever the size of the ledger.
 *
 * PostgreSQL weighs a plan by the tables' sizes: it rightly scans a table of a few pages, or hashes it whole for a
 * join, rather than search it, which says nothing of a ledger's worth of rows. So that the plan shows whether a key
 * serves every read, it is planned as for large tables, for the rest of the transaction: no sequential scan, no hash
 * or merge join unless nothing else can answer (`enable_seqscan = off`…, which still scans where no key serves). Call
 * it in a session of its own: `store.read((q) => explainPersonDossier(q, …))`.
 */
export async function explainPersonDossier(q: ReadModelSql, personId: string, options: DossierOptions = {}): Promise<string[]> {
  if (q.dialect === 'postgres') await q.get(PLAN_AS_FOR_A_LARGE_LEDGER);
  const explain = async (sql: string, parameters: SqlValue[]): Promise<string[]> => {
    if (q.dialect === 'sqlite') return (await q.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, parameters)).map((row) => row.detail);
    const rows = await q.all<{ 'QUERY PLAN': string | readonly { Plan: PlanNode }[] }>(`EXPLAIN (FORMAT JSON) ${sql}`, parameters);
    const plan = rows[0]?.['QUERY PLAN'];
    const parsed = typeof plan === 'string' ? (JSON.parse(plan) as readonly { Plan: PlanNode }[]) : (plan ?? []);
    return parsed.flatMap((statement) => planNodes(statement.Plan));
  };
  const { sql, parameters } = dossierPageQuery(q.dialect, personId, options);
  return [
    ...(await explain(sql, parameters)),
    ...(await explain(OUTCOMES_OF_SUBJECTS_SQL[q.dialect], ['[["decision","x"]]', 0])),
    ...(await explain(LABELS_SQL[q.dialect], ['[["decision","x"]]'])),
    ...(await explain(PERSON_NAMES_SQL[q.dialect], [JSON.stringify([personId])])),
    ...(await explain(TENURES_OF_PERSONS_SQL[q.dialect], [JSON.stringify([personId])])),
    ...(await explain(NAMES_ON_SQL[q.dialect], ['[["u","2020-01-01"]]'])),
    ...(await explain(POST_TITLES_SQL[q.dialect], ['["x"]'])),
  ];
}

// ── 3. Reverse trace (责任倒查) ──────────────────────────────────────────────────────────────────────────────────

export type TraceStart = { readonly eventId: string } | { readonly subject: SubjectRef };

/** Why a step is in a trace: the outcome itself, an event it was caused by or answers, or an earlier step of the subject. */
export type TraceVia = 'outcome' | 'causation' | 'in-response-to' | 'earlier-step';

export interface TraceStep extends ChainStep {
  readonly via: readonly TraceVia[];
}

export interface TracePart {
  readonly position: number;
  readonly eventId: string;
  readonly type: string;
  readonly subject: SubjectRef;
  readonly role: ParticipantRole;
  readonly detail: DetailObject | null;
  readonly heldThen: readonly PostThen[];
  /** The marks of the step the part was played in. */
  readonly marks: readonly Mark['kind'][];
}

export interface TracePerson extends PersonSummary {
  readonly parts: readonly TracePart[];
}

export interface TraceUnit extends UnitSummary {
  readonly parts: readonly {
    readonly position: number;
    readonly type: string;
    /** `recorded-by-member`: a member recorded the step; `post-held`: a person named in it held a post of the unit. */
    readonly as: 'recorded-by-member' | 'post-held';
  }[];
}

export interface ReverseTrace {
  readonly from: StepRecord & { readonly subjectLabel: string | null };
  readonly steps: readonly TraceStep[];
  readonly persons: readonly TracePerson[];
  readonly units: readonly TraceUnit[];
  readonly summary: { readonly steps: number; readonly skipped: number; readonly late: number; readonly overridden: number };
}

/** Guards a walk over a corrupt or enormous causation graph. */
const MAX_TRACE_STEPS = 20_000;

/**
 * From an outcome (a revocation, an abolition, a returned transfer…; or a subject's latest step) back to every step
 * that led to it — the outcome's causation and `inResponseTo` links, followed transitively, and every earlier step
 * of its subject — and so to every person and unit with their part, each step marked skipped, late or overridden.
 */
export async function reverseTrace(q: ReadModelSql, start: TraceStart): Promise<ReverseTrace | null> {
  let from: StepRecord | null;
  if ('eventId' in start) from = await stepByEventId(q, start.eventId);
  else {
    const summary = await getSubject(q, start.subject);
    from = summary === null ? null : ((await stepsAt(q, [summary.lastPosition]))[0] ?? null);
  }
  if (from === null) return null;

  const via = new Map<number, Set<TraceVia>>();
  const found = new Map<number, StepRecord>();
  const reach = (step: StepRecord, how: TraceVia) => {
    const reasons = via.get(step.position) ?? new Set<TraceVia>();
    reasons.add(how);
    via.set(step.position, reasons);
    found.set(step.position, step);
  };
  reach(from, 'outcome');
  const queue: StepRecord[] = [from];
  const visited = new Set<string>([from.eventId]);
  while (queue.length > 0 && found.size < MAX_TRACE_STEPS) {
    const step = queue.shift();
    if (step === undefined) break;
    const links: [string, TraceVia][] = [
      ...(step.causationId === null ? [] : [[step.causationId, 'causation'] as [string, TraceVia]]),
      ...step.inResponseTo.map((eventId): [string, TraceVia] => [eventId, 'in-response-to']),
    ];
    for (const [eventId, how] of links) {
      const cause = await stepByEventId(q, eventId);
      if (cause === null) continue;
      reach(cause, how);
      if (visited.has(eventId)) continue;
      visited.add(eventId);
      queue.push(cause);
    }
  }
  const subjectSteps = new Map<string, { steps: StepRecord[]; earlier: (step: StepRecord) => readonly StepRecord[] }>();
  const loadSubject = async (subject: SubjectRef) => {
    const key = subjectKey(subject);
    let loaded = subjectSteps.get(key);
    if (loaded === undefined) {
      const steps = await stepsOfSubject(q, subject);
      loaded = { steps, earlier: earlierWithin(steps) };
      subjectSteps.set(key, loaded);
    }
    return loaded;
  };
  for (const step of (await loadSubject(from.subject)).steps) if (step.position < from.position) reach(step, 'earlier-step');

  const lookups = new Lookups(q);
  const relations = new Map<string, UnitRelation[]>();
  for (const { unitId, relation } of await subjectUnits(q, from.subject)) relations.set(unitId, [...(relations.get(unitId) ?? []), relation]);
  await lookups.preloadUnits(relations.keys());
  for (const [unitId, unitRelations] of relations) await lookups.unit(unitId, unitRelations);

  const ordered = [...found.values()].sort((a, b) => a.position - b.position);
  // Marks compare a step with the earlier steps of its subject: every subject met is read before marking.
  for (const step of ordered) await loadSubject(step.subject);
  const marked = await markedSteps(q, lookups, ordered, (step) => subjectSteps.get(subjectKey(step.subject))?.earlier(step) ?? []);
  const steps: TraceStep[] = marked.map((step) => ({ ...step, via: [...(via.get(step.position) ?? [])].sort() }));

  const parts = new Map<string, TracePart[]>();
  const unitParts = new Map<string, TraceUnit['parts'][number][]>();
  const addUnitPart = (unitId: string, part: TraceUnit['parts'][number]) => {
    const list = unitParts.get(unitId) ?? [];
    if (!list.some((existing) => existing.position === part.position && existing.as === part.as)) list.push(part);
    unitParts.set(unitId, list);
  };
  await lookups.preloadUnits(steps.flatMap((step) => (step.recordedBy.unitId === null ? [] : [step.recordedBy.unitId])));
  for (const step of steps) {
    if (step.recordedBy.unitId !== null) {
      await lookups.unit(step.recordedBy.unitId);
      addUnitPart(step.recordedBy.unitId, { position: step.position, type: step.type, as: 'recorded-by-member' });
    }
    for (const participant of step.participants) {
      const list = parts.get(participant.personId) ?? [];
      list.push({
        position: step.position,
        eventId: step.eventId,
        type: step.type,
        subject: step.subject,
        role: participant.role,
        detail: participant.detail,
        heldThen: participant.heldThen,
        marks: step.marks.map((mark) => mark.kind),
      });
      parts.set(participant.personId, list);
      for (const post of participant.heldThen) {
        if (post.unitId !== null && post.source === 'tenure') addUnitPart(post.unitId, { position: step.position, type: step.type, as: 'post-held' });
      }
    }
  }
  const persons: TracePerson[] = [];
  for (const personId of [...parts.keys()].sort()) persons.push({ ...(await lookups.summary(personId)), parts: parts.get(personId) ?? [] });
  const units = lookups.units().map((unit) => ({ ...unit, parts: unitParts.get(unit.unitId) ?? [] }));
  const count = (kind: Mark['kind']) => steps.reduce((total, step) => total + step.marks.filter((mark) => mark.kind === kind).length, 0);
  return {
    from: { ...from, subjectLabel: (await getSubject(q, from.subject))?.label ?? null },
    steps,
    persons,
    units,
    summary: { steps: steps.length, skipped: count('skipped'), late: count('late'), overridden: count('overridden') },
  };
}

// ── 4. Timelines ────────────────────────────────────────────────────────────────────────────────────────────────

export type TimelineScope =
  | { readonly subject: SubjectRef }
  | { readonly unitId: string }
  | { readonly personId: string }
  | { readonly city: true };

export interface TimelineOptions {
  /** Steps that occurred at or after this instant. */
  readonly from?: string | undefined;
  /** Steps that occurred before this instant. */
  readonly to?: string | undefined;
  /** Only what the ledger had recorded by this instant (recordedAt ≤ it): the timeline as it was known then. */
  readonly asKnownAt?: string | undefined;
  readonly after?: string | undefined;
  readonly limit?: number | undefined;
}

export interface TimelineEntry {
  readonly position: number;
  readonly eventId: string;
  readonly type: string;
  readonly subject: { readonly kind: SubjectKind; readonly id: string; readonly label: string | null };
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly recordedBy: StepRecord['recordedBy'];
  readonly participants: readonly { readonly personId: string; readonly name: string | null; readonly role: ParticipantRole; readonly detail: DetailObject | null }[];
  readonly facts: Facts;
}

export interface Timeline {
  readonly entries: readonly TimelineEntry[];
  readonly next: string | null;
  /** The last position recorded by `asKnownAt` (null without it): later positions are not part of this timeline. */
  readonly knownUpToPosition: number | null;
  /** For a unit: the units whose steps it includes — itself and every unit merged or dissolved into it. */
  readonly units?: readonly string[];
}

const LAST_POSITION_SQL = `SELECT max(position) AS position FROM activity_steps`;
const FIRST_STEP_FROM_SQL = `SELECT position, recorded_at FROM activity_steps WHERE position >= ? ORDER BY position LIMIT 1`;

/**
 * The last step recorded by an instant, by binary search over positions: recordedAt never goes backwards along the
 * log (docs/EVENT-STORE.md), so about twenty lookups of the primary key answer it, and no index on recordedAt is kept.
 */
async function knownUpTo(q: ReadModelSql, asKnownAt: string | undefined): Promise<number | null> {
  if (asKnownAt === undefined) return null;
  const last = (await q.get<{ position: number | null }>(LAST_POSITION_SQL))?.position ?? 0;
  let known = 0;
  let low = 1;
  let high = last;
  while (low <= high) {
    const middle = Math.floor((low + high) / 2);
    const row = await q.get<{ position: number; recorded_at: string }>(FIRST_STEP_FROM_SQL, [middle]);
    if (row === undefined || row.position > high) {
      high = middle - 1;
    } else if (row.recorded_at <= asKnownAt) {
      known = row.position;
      low = row.position + 1;
    } else {
      high = middle - 1;
    }
  }
  return known;
}

function timeClauses(options: TimelineOptions, parameters: SqlValue[]): string {
  let clauses = '';
  if (options.from !== undefined) {
    clauses += ' AND occurred_at >= ?';
    parameters.push(options.from);
  }
  if (options.to !== undefined) {
    clauses += ' AND occurred_at < ?';
    parameters.push(options.to);
  }
  return clauses;
}

/**
 * A subject's, a unit's (with its predecessors), a person's or the whole city's steps in position order, optionally
 * within a time range of when they occurred and "as known at" a moment, a page at a time.
 */
export async function timeline(q: ReadModelSql, scope: TimelineScope, options: TimelineOptions = {}): Promise<Timeline> {
  const limit = pageSize(options.limit);
  const after = afterPosition(options.after);
  const bound = await knownUpTo(q, options.asKnownAt);
  const upTo = bound ?? Number.MAX_SAFE_INTEGER;
  let sql: string;
  let parameters: SqlValue[];
  let units: string[] | undefined;
  if ('city' in scope) {
    parameters = [after, upTo];
    const time = timeClauses(options, parameters);
    parameters.push(limit);
    sql = `SELECT position FROM activity_steps WHERE position > ? AND position <= ?${time} ORDER BY position LIMIT ?`;
  } else if ('subject' in scope) {
    parameters = [scope.subject.kind, scope.subject.id, after, upTo];
    const time = timeClauses(options, parameters);
    parameters.push(limit);
    sql = `SELECT position FROM activity_steps WHERE subject_kind = ? AND subject_id = ? AND position > ? AND position <= ?${time} ORDER BY position LIMIT ?`;
  } else if ('personId' in scope) {
    parameters = [scope.personId, after, upTo];
    const time = timeClauses(options, parameters);
    parameters.push(limit);
    sql = `SELECT position FROM activity_participants WHERE person_id = ? AND position > ? AND position <= ?${time} GROUP BY position ORDER BY position LIMIT ?`;
  } else {
    units = (await unitWithPredecessors(q, scope.unitId)).sort();
    // One bounded range per unit of the lineage, merged: never more than `limit` rows read from each. (A subquery in
    // FROM is named: PostgreSQL before 16 requires it.)
    const unitParameters: SqlValue[] = [];
    const parts = units.map((unitId) => {
      unitParameters.push(unitId, after, upTo);
      const time = timeClauses(options, unitParameters);
      unitParameters.push(limit);
      return `SELECT position FROM (SELECT position FROM activity_unit_steps WHERE unit_id = ? AND position > ? AND position <= ?${time} ORDER BY position LIMIT ?) AS unit_range`;
    });
    unitParameters.push(limit);
    parameters = unitParameters;
    sql = `${parts.join(' UNION ')} ORDER BY position LIMIT ?`;
  }
  const positions = (await q.all<{ position: number }>(sql, parameters)).map((row) => row.position);

  const steps = await stepsAt(q, positions);
  const participants = await participantsAt(q, positions);
  const names = await personNames(q, [...participants.values()].flatMap((list) => list.map((participant) => participant.personId)));
  const labels = await labelsOf(
    q,
    steps.map((step) => step.subject),
  );
  const entries = steps.map(
    (step): TimelineEntry => ({
      position: step.position,
      eventId: step.eventId,
      type: step.type,
      subject: { ...step.subject, label: labels.get(subjectKey(step.subject)) ?? null },
      occurredAt: step.occurredAt,
      recordedAt: step.recordedAt,
      recordedBy: step.recordedBy,
      participants: (participants.get(step.position) ?? []).map((participant) => ({ ...participant, name: names.get(participant.personId) ?? null })),
      facts: step.facts,
    }),
  );
  const last = positions.at(-1);
  return {
    entries,
    next: positions.length === limit && last !== undefined ? encodeCursor(last) : null,
    knownUpToPosition: bound,
    ...(units === undefined ? {} : { units }),
  };
}

/**
 * Whether a unit may see a subject as its own: the unit, or a unit merged or dissolved into it, belongs to the
 * subject (handles, owns, issues, receives it) or recorded one of its steps.
 */
export async function subjectBelongsToUnit(q: ReadModelSql, subject: SubjectRef, unitId: string): Promise<boolean> {
  const lineage = new Set(await unitWithPredecessors(q, unitId));
  const links = await subjectUnits(q, subject);
  // A case transferred to a judicial authority (or one it was asked to supervise) is not that authority's case: it
  // reads what was sent through its inbox, and recording the receipt does not make the agency's file its own.
  const outside = new Set(links.filter((link) => link.relation === 'receiving' || link.relation === 'supervising').map((link) => link.unitId));
  return links.some(
    (link) => lineage.has(link.unitId) && link.relation !== 'receiving' && link.relation !== 'supervising' && !(link.relation === 'actor' && outside.has(link.unitId)),
  );
}
