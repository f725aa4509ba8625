import type { ReadModelDatabase } from '../../projection.js';
import { chinaDateOf } from '@quanze/events';
import { getUnit, personNow, tenuresOn, unitAnsweringToday, unitWithPredecessors } from '../organization/queries.js';
import type { AnsweringToday, PersonNow, Tenure } from '../organization/queries.js';
import { prepared } from '../organization/statement-cache.js';
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

const STEPS_AT_SQL = `SELECT ${STEP_COLUMNS} FROM activity_steps WHERE position IN (SELECT value FROM json_each(?)) ORDER BY position`;
const STEPS_OF_SUBJECT_SQL = `SELECT ${STEP_COLUMNS} FROM activity_steps WHERE subject_kind = ? AND subject_id = ? AND position <= ? ORDER BY position`;
const STEP_BY_EVENT_SQL = `SELECT ${STEP_COLUMNS} FROM activity_steps WHERE event_id = ?`;
const SUBJECT_SQL = `SELECT label, first_position,
  (SELECT max(position) FROM activity_steps s WHERE s.subject_kind = j.subject_kind AND s.subject_id = j.subject_id) AS last_position
  FROM activity_subjects j WHERE subject_kind = ? AND subject_id = ?`;
const OUTCOMES_SQL = `SELECT o.position, o.kind, o.detail, s.event_id, s.type, s.occurred_at
  FROM activity_outcomes o JOIN activity_steps s ON s.position = o.position
  WHERE o.subject_kind = ? AND o.subject_id = ? ORDER BY o.position`;
const PARTICIPANTS_AT_SQL = `SELECT position, participants FROM activity_steps WHERE position IN (SELECT value FROM json_each(?))`;

function stepsAt(db: ReadModelDatabase, positions: readonly number[]): StepRecord[] {
  if (positions.length === 0) return [];
  return prepared<[string], StepRow>(db, STEPS_AT_SQL).all(JSON.stringify(positions)).map(toStep);
}

/** Every step of a subject up to a position (all of them by default), in order. */
export function stepsOfSubject(db: ReadModelDatabase, subject: SubjectRef, upToPosition = Number.MAX_SAFE_INTEGER): StepRecord[] {
  return prepared<[string, string, number], StepRow>(db, STEPS_OF_SUBJECT_SQL).all(subject.kind, subject.id, upToPosition).map(toStep);
}

export function stepByEventId(db: ReadModelDatabase, eventId: string): StepRecord | null {
  const row = prepared<[string], StepRow>(db, STEP_BY_EVENT_SQL).get(eventId);
  return row === undefined ? null : toStep(row);
}

export function getSubject(db: ReadModelDatabase, subject: SubjectRef): SubjectSummary | null {
  const row = prepared<[string, string], { label: string | null; first_position: number; last_position: number }>(db, SUBJECT_SQL).get(
    subject.kind,
    subject.id,
  );
  return row === undefined
    ? null
    : { kind: subject.kind, id: subject.id, label: row.label, firstPosition: row.first_position, lastPosition: row.last_position };
}

/** The units a subject belongs to, with how: lead, issuing, handling…, and `actor` for a unit whose member recorded a step. */
export function subjectUnits(db: ReadModelDatabase, subject: SubjectRef): { unitId: string; relation: UnitRelation }[] {
  return prepared<[string, string], { unit_id: string; relation: UnitRelation }>(
    db,
    `SELECT unit_id, relation FROM activity_subject_units WHERE subject_kind = ? AND subject_id = ? ORDER BY first_position, unit_id, relation`,
  )
    .all(subject.kind, subject.id)
    .map((row) => ({ unitId: row.unit_id, relation: row.relation }));
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

export function outcomesOf(db: ReadModelDatabase, subject: SubjectRef): OutcomeRecord[] {
  return prepared<[string, string], OutcomeRow>(db, OUTCOMES_SQL).all(subject.kind, subject.id).map(toOutcome);
}

// A page's subjects, units and persons are read in one statement each, keyed by a JSON array: a page of a hundred
// entries over a hundred subjects would otherwise run hundreds of statements, each with its own call into SQLite.

const subjectKey = (subject: SubjectRef): string => `${subject.kind}\u0000${subject.id}`;

/** Each subject once, as the JSON array of [kind, id] pairs the batch statements read. */
function subjectKeys(subjects: Iterable<SubjectRef>): string {
  const distinct = new Map<string, [SubjectKind, string]>();
  for (const subject of subjects) distinct.set(subjectKey(subject), [subject.kind, subject.id]);
  return JSON.stringify([...distinct.values()]);
}

const OUTCOMES_OF_SUBJECTS_SQL = `SELECT o.subject_kind, o.subject_id, o.position, o.kind, o.detail, s.event_id, s.type, s.occurred_at
  FROM json_each(?) JOIN activity_outcomes o ON o.subject_kind = json_each.value ->> 0 AND o.subject_id = json_each.value ->> 1 AND o.position > ?
  JOIN activity_steps s ON s.position = o.position ORDER BY o.position`;
const LABELS_SQL = `SELECT j.subject_kind, j.subject_id, j.label
  FROM json_each(?) JOIN activity_subjects j ON j.subject_kind = json_each.value ->> 0 AND j.subject_id = json_each.value ->> 1`;
// The same answer as unitNameOn for each (unit, day): the latest rename in effect by then, else the first name.
const NAMES_ON_SQL = `SELECT json_each.value ->> 0 AS unit_id, json_each.value ->> 1 AS day, coalesce(
    (SELECT n.name FROM organization_unit_names n WHERE n.unit_id = json_each.value ->> 0 AND n.from_on <= json_each.value ->> 1 ORDER BY n.from_on DESC, n.position DESC LIMIT 1),
    (SELECT n.name FROM organization_unit_names n WHERE n.unit_id = json_each.value ->> 0 ORDER BY n.position LIMIT 1)) AS name
  FROM json_each(?)`;
const POST_TITLES_SQL = `SELECT post_id, title FROM organization_posts WHERE post_id IN (SELECT value FROM json_each(?))`;
const PERSON_NAMES_SQL = `SELECT person_id, name FROM organization_persons WHERE person_id IN (SELECT value FROM json_each(?))`;
// As tenuresOf, for many persons: each person's tenures oldest first.
const TENURES_OF_PERSONS_SQL = `SELECT t.person_id, t.post_id, t.unit_id, t.from_on, t.to_on, t.removal_reason, p.title
  FROM organization_tenures t LEFT JOIN organization_posts p ON p.post_id = t.post_id
  WHERE t.person_id IN (SELECT value FROM json_each(?)) ORDER BY t.person_id, t.appointed_position`;

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
function outcomesOfSubjects(db: ReadModelDatabase, subjects: Iterable<SubjectRef>, afterPosition: number): Map<string, OutcomeRecord[]> {
  const bySubject = new Map<string, OutcomeRecord[]>();
  const rows = prepared<[string, number], OutcomeRow & { subject_kind: SubjectKind; subject_id: string }>(db, OUTCOMES_OF_SUBJECTS_SQL).all(
    subjectKeys(subjects),
    afterPosition,
  );
  for (const row of rows) {
    const key = subjectKey({ kind: row.subject_kind, id: row.subject_id });
    const list = bySubject.get(key) ?? [];
    list.push(toOutcome(row));
    bySubject.set(key, list);
  }
  return bySubject;
}

/** The labels of many subjects in one statement; a subject without one, or unknown, is absent. */
function labelsOf(db: ReadModelDatabase, subjects: Iterable<SubjectRef>): Map<string, string | null> {
  const rows = prepared<[string], { subject_kind: SubjectKind; subject_id: string; label: string | null }>(db, LABELS_SQL).all(subjectKeys(subjects));
  return new Map(rows.map((row) => [subjectKey({ kind: row.subject_kind, id: row.subject_id }), row.label]));
}

/** The names of many persons in one statement; a person the organisation chart does not know is absent. */
function personNames(db: ReadModelDatabase, personIds: Iterable<string>): Map<string, string> {
  const rows = prepared<[string], { person_id: string; name: string }>(db, PERSON_NAMES_SQL).all(JSON.stringify([...new Set(personIds)]));
  return new Map(rows.map((row) => [row.person_id, row.name]));
}

const ROLE_ORDER = new Map<string, number>(PARTICIPANT_ROLES.map((role, index) => [role, index]));

function participantsAt(db: ReadModelDatabase, positions: readonly number[]): Map<number, { personId: string; role: ParticipantRole; detail: DetailObject | null }[]> {
  const byPosition = new Map<number, { personId: string; role: ParticipantRole; detail: DetailObject | null }[]>();
  if (positions.length === 0) return byPosition;
  const rows = prepared<[string], { position: number; participants: string }>(db, PARTICIPANTS_AT_SQL).all(JSON.stringify(positions));
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

  constructor(private readonly db: ReadModelDatabase) {}

  /**
   * Reads at once what `person` and `heldThen` will be asked for these persons at these steps — their names and
   * tenures, the titles of the posts recorded, each unit's name on each day — in a few statements for the lot.
   */
  load<TStep extends StepTaken>(steps: readonly TStep[], personsAt: (step: TStep) => Iterable<string>): void {
    const persons = new Set<string>();
    for (const step of steps) for (const personId of personsAt(step)) persons.add(personId);
    this.loadPersons([...persons].filter((personId) => !this.tenures.has(personId)));
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
    this.loadNamesOn(days);
    this.loadTitles(posts);
  }

  /** As personName and tenuresOf for each person, in three statements for them all. */
  private loadPersons(personIds: readonly string[]): void {
    if (personIds.length === 0) return;
    const names = personNames(this.db, personIds);
    const rows = prepared<[string], TenureRow>(this.db, TENURES_OF_PERSONS_SQL).all(JSON.stringify(personIds));
    this.loadNamesOn(rows.map((row) => [row.unit_id, row.from_on]));
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
        unitNameThen: this.unitNameOn(row.unit_id, row.from_on),
        fromOn: row.from_on,
        toOn: row.to_on,
        removalReason: row.removal_reason,
      });
    }
  }

  private loadNamesOn(pairs: readonly (readonly [string, string])[]): void {
    const missing = new Map<string, readonly [string, string]>();
    for (const pair of pairs) {
      const key = `${pair[0]}\u0000${pair[1]}`;
      if (!this.namesOn.has(key)) missing.set(key, pair);
    }
    if (missing.size === 0) return;
    for (const key of missing.keys()) this.namesOn.set(key, null);
    const rows = prepared<[string], { unit_id: string; day: string; name: string | null }>(this.db, NAMES_ON_SQL).all(JSON.stringify([...missing.values()]));
    for (const row of rows) this.namesOn.set(`${row.unit_id}\u0000${row.day}`, row.name);
  }

  private loadTitles(postIds: readonly string[]): void {
    const missing = [...new Set(postIds)].filter((postId) => !this.titles.has(postId));
    if (missing.length === 0) return;
    for (const postId of missing) this.titles.set(postId, null);
    for (const row of prepared<[string], { post_id: string; title: string }>(this.db, POST_TITLES_SQL).all(JSON.stringify(missing))) {
      this.titles.set(row.post_id, row.title);
    }
  }

  person(personId: string): { name: string | null; tenures: Tenure[] } {
    if (!this.tenures.has(personId)) this.loadPersons([personId]);
    return { name: this.names.get(personId) ?? null, tenures: this.tenures.get(personId) ?? [] };
  }

  summary(personId: string): PersonSummary {
    const person = this.person(personId);
    return { personId, name: person.name, now: personNow(this.db, personId, person.tenures) };
  }

  unitNameOn(unitId: string, day: string): string | null {
    this.loadNamesOn([[unitId, day]]);
    return this.namesOn.get(`${unitId}\u0000${day}`) ?? null;
  }

  postTitle(postId: string): string | null {
    this.loadTitles([postId]);
    return this.titles.get(postId) ?? null;
  }

  unit(unitId: string, relations: readonly UnitRelation[] = []): UnitSummary {
    let unit = this.unitsToday.get(unitId);
    if (unit === undefined) {
      const { unitId: _unitId, ...answeringToday } = unitAnsweringToday(this.db, unitId);
      unit = { unitId, name: getUnit(this.db, unitId)?.name ?? null, relations: [], answeringToday };
    }
    const merged = [...new Set([...unit.relations, ...relations])];
    unit = { ...unit, relations: merged };
    this.unitsToday.set(unitId, unit);
    return unit;
  }

  /** The posts a person held when a step was taken: the actor's as recorded; a named person's from their tenures. */
  heldThen(personId: string, step: StepTaken): PostThen[] {
    if (personId === step.recordedBy.personId) {
      const { postId, unitId } = step.recordedBy;
      if (postId === null && unitId === null) return [];
      return [
        {
          postId,
          postTitle: postId === null ? null : this.postTitle(postId),
          unitId,
          unitName: unitId === null ? null : this.unitNameOn(unitId, step.occurredOn),
          source: 'recorded',
        },
      ];
    }
    return tenuresOn(this.person(personId).tenures, step.occurredOn).map((tenure) => ({
      postId: tenure.postId,
      postTitle: tenure.postTitle,
      unitId: tenure.unitId,
      unitName: this.unitNameOn(tenure.unitId, step.occurredOn),
      source: 'tenure',
    }));
  }

  units(): UnitSummary[] {
    return [...this.unitsToday.values()].sort((a, b) => (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0));
  }
}

function markedSteps(db: ReadModelDatabase, lookups: Lookups, steps: readonly StepRecord[], earlierOf: (step: StepRecord) => readonly StepRecord[]): ChainStep[] {
  const participants = participantsAt(
    db,
    steps.map((step) => step.position),
  );
  lookups.load(steps, (step) => (participants.get(step.position) ?? []).map((participant) => participant.personId));
  return steps.map((step) => ({
    ...step,
    participants: (participants.get(step.position) ?? []).map((participant) => {
      const heldThen = lookups.heldThen(participant.personId, step);
      for (const post of heldThen) if (post.unitId !== null) lookups.unit(post.unitId);
      return { ...participant, name: lookups.person(participant.personId).name, heldThen };
    }),
    marks: marksOf(step, earlierOf(step)),
  }));
}

/** The steps before a step of the same subject, without going through the list again for each step. */
function earlierWithin(steps: readonly StepRecord[]): (step: StepRecord) => readonly StepRecord[] {
  const index = new Map(steps.map((step, at) => [step.position, at]));
  return (step) => steps.slice(0, index.get(step.position) ?? steps.filter((earlier) => earlier.position < step.position).length);
}

function personsOf(lookups: Lookups, steps: readonly ChainStep[]): PersonSummary[] {
  const ids = new Set<string>();
  for (const step of steps) for (const participant of step.participants) ids.add(participant.personId);
  return [...ids].sort().map((personId) => lookups.summary(personId));
}

// ── 1. Responsibility chain (责任链) ─────────────────────────────────────────────────────────────────────────────

/**
 * Every step of a subject in order: who recorded it (in the post and unit recorded then), every person it names
 * with their part and the posts they held that day, the marks of the step; every unit the subject belongs to and
 * every unit met on the way, each with the unit answering for it today; every person with where they are now.
 */
export function responsibilityChain(db: ReadModelDatabase, subject: SubjectRef): ResponsibilityChain | null {
  const summary = getSubject(db, subject);
  if (summary === null) return null;
  const lookups = new Lookups(db);
  const relations = new Map<string, UnitRelation[]>();
  for (const { unitId, relation } of subjectUnits(db, subject)) relations.set(unitId, [...(relations.get(unitId) ?? []), relation]);
  for (const [unitId, unitRelations] of relations) lookups.unit(unitId, unitRelations);
  const steps = stepsOfSubject(db, subject);
  const chain = markedSteps(db, lookups, steps, earlierWithin(steps));
  return { subject: summary, steps: chain, persons: personsOf(lookups, chain), units: lookups.units(), outcomes: outcomesOf(db, subject) };
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

/** A page of the person's participations, each with the columns of its step the dossier shows: one statement. */
function dossierPageQuery(personId: string, options: DossierOptions): { sql: string; parameters: (string | number)[] } {
  const clauses = ['activity_participants.person_id = ?', 'activity_participants.position > ?', `activity_participants.subject_kind NOT IN ('unit', 'person')`];
  const parameters: (string | number)[] = [personId, afterPosition(options.after)];
  if (options.from !== undefined) {
    clauses.push('activity_participants.occurred_at >= ?');
    parameters.push(options.from);
  }
  if (options.to !== undefined) {
    clauses.push('activity_participants.occurred_at < ?');
    parameters.push(options.to);
  }
  clauses.push('activity_participants.role IN (SELECT value FROM json_each(?))');
  parameters.push(JSON.stringify(options.roles ?? ACT_ROLES));
  parameters.push(pageSize(options.limit));
  return {
    sql: `SELECT activity_participants.position, activity_participants.subject_kind, activity_participants.subject_id,
        json_group_array(json_object('role', activity_participants.role, 'detail', json(activity_participants.detail))) AS roles,
        s.event_id, s.type, s.occurred_at, s.recorded_at, s.actor_person_id, s.actor_post_id, s.actor_unit_id
      FROM activity_participants JOIN activity_steps s ON s.position = activity_participants.position
      WHERE ${clauses.join(' AND ')}
      GROUP BY activity_participants.position ORDER BY activity_participants.position LIMIT ?`,
    parameters,
  };
}

/**
 * Everything a person proposed, reviewed, voted, decided, signed or handled, across every post and unit they held,
 * with what became of each subject later (终身责任追究). Paged by position; filtered by when it occurred and by part.
 */
export function personDossier(db: ReadModelDatabase, personId: string, options: DossierOptions = {}): PersonDossier {
  const lookups = new Lookups(db);
  const { sql, parameters } = dossierPageQuery(personId, options);
  const limit = pageSize(options.limit);
  const rows = prepared<(string | number)[], DossierRow>(db, sql).all(...parameters);
  const acts = rows.map((row) => ({
    row,
    step: {
      recordedBy: { personId: row.actor_person_id, postId: row.actor_post_id, unitId: row.actor_unit_id },
      occurredOn: chinaDateOf(row.occurred_at),
    } satisfies StepTaken,
  }));
  lookups.load(
    acts.map((act) => act.step),
    () => [personId],
  );
  const { name, tenures } = lookups.person(personId);
  const subjects = rows.map((row): SubjectRef => ({ kind: row.subject_kind, id: row.subject_id }));
  // Only outcomes after an entry are shown with it: none before the page's first.
  const outcomes = outcomesOfSubjects(db, subjects, rows[0]?.position ?? 0);
  const labels = labelsOf(db, subjects);
  const entries = acts.map(({ row, step }): DossierEntry => {
    const subject: SubjectRef = { kind: row.subject_kind, id: row.subject_id };
    const key = subjectKey(subject);
    const later = (outcomes.get(key) ?? []).filter((outcome) => outcome.position > row.position);
    const roles = (JSON.parse(row.roles) as { role: ParticipantRole; detail: DetailObject | null }[]).sort(
      (a, b) => (ROLE_ORDER.get(a.role) ?? 0) - (ROLE_ORDER.get(b.role) ?? 0),
    );
    return {
      position: row.position,
      eventId: row.event_id,
      type: row.type,
      occurredAt: row.occurred_at,
      recordedAt: row.recorded_at,
      subject: { ...subject, label: labels.get(key) ?? null },
      roles,
      heldThen: lookups.heldThen(personId, step),
      laterOutcomes: later,
      outcome: later.at(-1)?.kind ?? null,
    };
  });
  const last = rows.at(-1);
  return {
    person: {
      personId,
      name,
      now: personNow(db, personId, tenures),
      tenures: tenures.map((tenure) => ({ ...tenure, unitAnsweringToday: lookups.unit(tenure.unitId).answeringToday })),
    },
    entries,
    next: rows.length === limit && last !== undefined ? encodeCursor(last.position) : null,
  };
}

/**
 * The query plans of a dossier page's statements (EXPLAIN QUERY PLAN details): a dossier must search its tables
 * through their keys, never scan them, whatever the size of the ledger.
 */
export function explainPersonDossier(db: ReadModelDatabase, personId: string, options: DossierOptions = {}): string[] {
  const explain = (sql: string, parameters: readonly unknown[]) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters) as { detail: string }[]).map((row) => row.detail);
  const { sql, parameters } = dossierPageQuery(personId, options);
  return [
    ...explain(sql, parameters),
    ...explain(OUTCOMES_OF_SUBJECTS_SQL, ['[["decision","x"]]', 0]),
    ...explain(LABELS_SQL, ['[["decision","x"]]']),
    ...explain(PERSON_NAMES_SQL, [JSON.stringify([personId])]),
    ...explain(TENURES_OF_PERSONS_SQL, [JSON.stringify([personId])]),
    ...explain(NAMES_ON_SQL, ['[["u","2020-01-01"]]']),
    ...explain(POST_TITLES_SQL, ['["x"]']),
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
export function reverseTrace(db: ReadModelDatabase, start: TraceStart): ReverseTrace | null {
  let from: StepRecord | null;
  if ('eventId' in start) from = stepByEventId(db, start.eventId);
  else {
    const summary = getSubject(db, start.subject);
    from = summary === null ? null : (stepsAt(db, [summary.lastPosition])[0] ?? null);
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
      const cause = stepByEventId(db, eventId);
      if (cause === null) continue;
      reach(cause, how);
      if (visited.has(eventId)) continue;
      visited.add(eventId);
      queue.push(cause);
    }
  }
  const subjectSteps = new Map<string, { steps: StepRecord[]; earlier: (step: StepRecord) => readonly StepRecord[] }>();
  const subjectOf = (subject: SubjectRef) => {
    const key = `${subject.kind}\u0000${subject.id}`;
    let loaded = subjectSteps.get(key);
    if (loaded === undefined) {
      const steps = stepsOfSubject(db, subject);
      loaded = { steps, earlier: earlierWithin(steps) };
      subjectSteps.set(key, loaded);
    }
    return loaded;
  };
  const stepsOf = (subject: SubjectRef): StepRecord[] => subjectOf(subject).steps;
  for (const step of stepsOf(from.subject)) if (step.position < from.position) reach(step, 'earlier-step');

  const lookups = new Lookups(db);
  const relations = new Map<string, UnitRelation[]>();
  for (const { unitId, relation } of subjectUnits(db, from.subject)) relations.set(unitId, [...(relations.get(unitId) ?? []), relation]);
  for (const [unitId, unitRelations] of relations) lookups.unit(unitId, unitRelations);

  const ordered = [...found.values()].sort((a, b) => a.position - b.position);
  const marked = markedSteps(db, lookups, ordered, (step) => subjectOf(step.subject).earlier(step));
  const steps: TraceStep[] = marked.map((step) => ({ ...step, via: [...(via.get(step.position) ?? [])].sort() }));

  const parts = new Map<string, TracePart[]>();
  const unitParts = new Map<string, TraceUnit['parts'][number][]>();
  const addUnitPart = (unitId: string, part: TraceUnit['parts'][number]) => {
    const list = unitParts.get(unitId) ?? [];
    if (!list.some((existing) => existing.position === part.position && existing.as === part.as)) list.push(part);
    unitParts.set(unitId, list);
  };
  for (const step of steps) {
    if (step.recordedBy.unitId !== null) {
      lookups.unit(step.recordedBy.unitId);
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
  const persons = [...parts.keys()].sort().map((personId) => ({ ...lookups.summary(personId), parts: parts.get(personId) ?? [] }));
  const units = lookups.units().map((unit) => ({ ...unit, parts: unitParts.get(unit.unitId) ?? [] }));
  const count = (kind: Mark['kind']) => steps.reduce((total, step) => total + step.marks.filter((mark) => mark.kind === kind).length, 0);
  return {
    from: { ...from, subjectLabel: getSubject(db, from.subject)?.label ?? null },
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

/**
 * The last step recorded by an instant, by binary search over positions: recordedAt never goes backwards along the
 * log (docs/EVENT-STORE.md), so about twenty lookups of the primary key answer it, and no index on recordedAt is kept.
 */
function knownUpTo(db: ReadModelDatabase, asKnownAt: string | undefined): number | null {
  if (asKnownAt === undefined) return null;
  const firstFrom = prepared<[number], { position: number; recorded_at: string }>(
    db,
    `SELECT position, recorded_at FROM activity_steps WHERE position >= ? ORDER BY position LIMIT 1`,
  );
  const last = prepared<[], { position: number | null }>(db, `SELECT max(position) AS position FROM activity_steps`).get()?.position ?? 0;
  let known = 0;
  let low = 1;
  let high = last;
  while (low <= high) {
    const middle = Math.floor((low + high) / 2);
    const row = firstFrom.get(middle);
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

function timeClauses(options: TimelineOptions, parameters: (string | number)[]): string {
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
export function timeline(db: ReadModelDatabase, scope: TimelineScope, options: TimelineOptions = {}): Timeline {
  const limit = pageSize(options.limit);
  const after = afterPosition(options.after);
  const bound = knownUpTo(db, options.asKnownAt);
  const upTo = bound ?? Number.MAX_SAFE_INTEGER;
  let positions: number[];
  let units: string[] | undefined;
  if ('city' in scope) {
    const parameters: (string | number)[] = [after, upTo];
    const time = timeClauses(options, parameters);
    parameters.push(limit);
    positions = prepared<(string | number)[], { position: number }>(
      db,
      `SELECT position FROM activity_steps WHERE position > ? AND position <= ?${time} ORDER BY position LIMIT ?`,
    )
      .all(...parameters)
      .map((row) => row.position);
  } else if ('subject' in scope) {
    const parameters: (string | number)[] = [scope.subject.kind, scope.subject.id, after, upTo];
    const time = timeClauses(options, parameters);
    parameters.push(limit);
    positions = prepared<(string | number)[], { position: number }>(
      db,
      `SELECT position FROM activity_steps WHERE subject_kind = ? AND subject_id = ? AND position > ? AND position <= ?${time} ORDER BY position LIMIT ?`,
    )
      .all(...parameters)
      .map((row) => row.position);
  } else if ('personId' in scope) {
    const parameters: (string | number)[] = [scope.personId, after, upTo];
    const time = timeClauses(options, parameters);
    parameters.push(limit);
    positions = prepared<(string | number)[], { position: number }>(
      db,
      `SELECT position FROM activity_participants WHERE person_id = ? AND position > ? AND position <= ?${time} GROUP BY position ORDER BY position LIMIT ?`,
    )
      .all(...parameters)
      .map((row) => row.position);
  } else {
    units = unitWithPredecessors(db, scope.unitId).sort();
    // One bounded range per unit of the lineage, merged: never more than `limit` rows read from each.
    const parameters: (string | number)[] = [];
    const parts = units.map((unitId) => {
      parameters.push(unitId, after, upTo);
      const time = timeClauses(options, parameters);
      parameters.push(limit);
      return `SELECT position FROM (SELECT position FROM activity_unit_steps WHERE unit_id = ? AND position > ? AND position <= ?${time} ORDER BY position LIMIT ?)`;
    });
    parameters.push(limit);
    positions = prepared<(string | number)[], { position: number }>(db, `${parts.join(' UNION ')} ORDER BY position LIMIT ?`)
      .all(...parameters)
      .map((row) => row.position);
  }

  const steps = stepsAt(db, positions);
  const participants = participantsAt(db, positions);
  const names = personNames(db, [...participants.values()].flatMap((list) => list.map((participant) => participant.personId)));
  const labels = labelsOf(
    db,
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
export function subjectBelongsToUnit(db: ReadModelDatabase, subject: SubjectRef, unitId: string): boolean {
  const lineage = new Set(unitWithPredecessors(db, unitId));
  const links = subjectUnits(db, subject);
  // A case transferred to a judicial authority (or one it was asked to supervise) is not that authority's case: it
  // reads what was sent through its inbox, and recording the receipt does not make the agency's file its own.
  const outside = new Set(links.filter((link) => link.relation === 'receiving' || link.relation === 'supervising').map((link) => link.unitId));
  return links.some(
    (link) => lineage.has(link.unitId) && link.relation !== 'receiving' && link.relation !== 'supervising' && !(link.relation === 'actor' && outside.has(link.unitId)),
  );
}
