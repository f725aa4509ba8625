import type { LedgerEvent } from '../../ledger-event.js';
import type { Projection } from '../../projection.js';
import type { ReadModelSql } from '../../read-model-store.js';
import { ReadMemory } from '../../read-memory.js';
import { RowBuffer } from '../../row-buffer.js';
import { describeStep, factsOf } from './describe.js';
import type { Participant, SubjectRef, UnitRelation } from './describe.js';

/**
 * The relations that put every step of a subject into a unit's timeline. Not `actor` (a unit that recorded one step
 * sees that step), and not `receiving` or `supervising`: a judicial authority sees the steps it took and the transfer
 * sent to it, never the rest of the agency's file.
 */
const OWNING: ReadonlySet<string> = new Set<UnitRelation>(['decision-organ', 'lead', 'cooperating', 'implementing', 'drafting', 'issuing', 'handling', 'inspecting', 'self']);

/**
 * Who did what to which subject (活动记录): one row per ledger event that is a step of a decision, document, case,
 * measure, inspection, unit or person, with the actor as recorded then; one row per person the step names, with the
 * part they played; the units each subject belongs to; and the subject's outcomes (revoked, abolished, returned…).
 * The read model behind the responsibility chain, the lifelong dossier (终身), the reverse trace (倒查) and timelines.
 *
 * It reads nothing but its own tables while applying, so that rebuilding it alone gives the same rows.
 */
export const ACTIVITY_TABLES = {
  steps: 'activity_steps',
  participants: 'activity_participants',
  unitSteps: 'activity_unit_steps',
  subjects: 'activity_subjects',
  subjectUnits: 'activity_subject_units',
  outcomes: 'activity_outcomes',
} as const;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS activity_steps (
  position INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL,
  type TEXT NOT NULL,
  subject_kind TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  stream_id TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  actor_person_id TEXT NOT NULL,
  actor_post_id TEXT,
  actor_unit_id TEXT,
  causation_id TEXT,
  -- JSON array of the event ids this step answers (inResponseTo), or NULL
  causes TEXT,
  -- JSON object: the data's scalars, free text replaced by true (see factsOf)
  facts TEXT NOT NULL,
  -- JSON array of [personId, role, detail or null]: the step's rows of activity_participants, read with the step
  participants TEXT NOT NULL
) STRICT;

-- One row per person named in a step and part played, in log order (appended at the end, whatever the ledger's size);
-- a person's rows are found through the index. A step's participants are also kept on the step itself, so that
-- chains and timelines read them without this table.
CREATE TABLE IF NOT EXISTS activity_participants (
  position INTEGER NOT NULL,
  person_id TEXT NOT NULL,
  role TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  subject_kind TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  detail TEXT
) STRICT;

-- The steps each unit sees in its timeline: its members' steps, and the steps of the subjects it belongs to.
CREATE TABLE IF NOT EXISTS activity_unit_steps (
  unit_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  occurred_at TEXT NOT NULL,
  PRIMARY KEY (unit_id, position)
) STRICT, WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS activity_subjects (
  subject_kind TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  label TEXT,
  first_position INTEGER NOT NULL,
  PRIMARY KEY (subject_kind, subject_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS activity_subject_units (
  subject_kind TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  relation TEXT NOT NULL,
  first_position INTEGER NOT NULL,
  PRIMARY KEY (subject_kind, subject_id, unit_id, relation)
) STRICT, WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS activity_outcomes (
  subject_kind TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  kind TEXT NOT NULL,
  detail TEXT NOT NULL,
  PRIMARY KEY (subject_kind, subject_id, position)
) STRICT, WITHOUT ROWID;
`;

/** The indexes of the queries (a step by event id, a subject's steps, a person's dossier): `apply` reads none. */
const QUERY_INDEXES = [
  'CREATE UNIQUE INDEX IF NOT EXISTS activity_steps_by_event ON activity_steps (event_id)',
  'CREATE INDEX IF NOT EXISTS activity_steps_by_subject ON activity_steps (subject_kind, subject_id, position)',
  'CREATE UNIQUE INDEX IF NOT EXISTS activity_participants_by_person ON activity_participants (person_id, position, role)',
];

const LABEL_SUBJECT = `UPDATE activity_subjects SET label = ? WHERE subject_kind = ? AND subject_id = ?`;
// The subject's units, then one row of NULLs when the subject is known.
const SUBJECT_LOOKUP = `SELECT unit_id, relation FROM activity_subject_units WHERE subject_kind = ? AND subject_id = ?
  UNION ALL SELECT NULL, NULL FROM activity_subjects WHERE subject_kind = ? AND subject_id = ?`;

// Rows held back and written together (row-buffer.ts). `apply` never reads the steps, participants, unit steps and
// outcomes; it reads a subject's rows through the batch's memory of it (`subjectState`), which holds its new rows.
const steps = new RowBuffer(
  `INSERT INTO activity_steps (position, event_id, type, subject_kind, subject_id, stream_id, occurred_at, recorded_at,
     actor_person_id, actor_post_id, actor_unit_id, causation_id, causes, facts, participants)`,
  15,
);
const participantRows = new RowBuffer(
  'INSERT INTO activity_participants (position, person_id, role, occurred_at, subject_kind, subject_id, detail)',
  7,
);
const unitSteps = new RowBuffer('INSERT INTO activity_unit_steps (unit_id, position, occurred_at)', 3, 2);
const outcomes = new RowBuffer('INSERT INTO activity_outcomes (subject_kind, subject_id, position, kind, detail)', 5, 3);
const subjectRows = new RowBuffer('INSERT INTO activity_subjects (subject_kind, subject_id, label, first_position)', 4, 2);
const subjectUnitRows = new RowBuffer('INSERT INTO activity_subject_units (subject_kind, subject_id, unit_id, relation, first_position)', 5, 4);
const buffers = [steps, participantRows, unitSteps, outcomes, subjectRows, subjectUnitRows];

/** A subject as its rows say: the unit links it has (`<unit>\0<relation>`), and the units whose timelines see all its steps. */
interface SubjectState {
  readonly links: Set<string>;
  readonly ownUnits: string[];
  /** The subject's row when this batch holds it back (a new subject), so that a new label still reaches it. */
  readonly heldRow: unknown[] | null;
}

const LABEL = 2;

async function relabel(tx: ReadModelSql, subject: SubjectRef, state: SubjectState, label: string): Promise<void> {
  if (state.heldRow === null) await tx.run(LABEL_SUBJECT, [label, subject.kind, subject.id]);
  else state.heldRow[LABEL] = label;
}

/**
 * The subjects' units as the database holds them with the batch's own writes (read-memory.ts): each step of a subject
 * needs them, and a subject's steps come over weeks or months, so the most recently active are remembered.
 */
const subjects = new ReadMemory<SubjectState>(2_000);

async function subjectState(tx: ReadModelSql, subject: SubjectRef, label: string | null, position: number): Promise<SubjectState> {
  const key = `${subject.kind}\u0000${subject.id}`;
  const cached = subjects.get(tx.store, key);
  if (cached !== undefined) {
    if (label !== null) await relabel(tx, subject, cached, label);
    return cached;
  }
  let known = false;
  const links = new Set<string>();
  const ownUnits: string[] = [];
  const rows = await tx.all<{ unit_id: string | null; relation: string | null }>(SUBJECT_LOOKUP, [subject.kind, subject.id, subject.kind, subject.id]);
  for (const row of rows) {
    if (row.unit_id === null || row.relation === null) {
      known = true;
      continue;
    }
    links.add(`${row.unit_id}\u0000${row.relation}`);
    if (OWNING.has(row.relation)) ownUnits.push(row.unit_id);
  }
  const state: SubjectState = { links, ownUnits, heldRow: known ? null : await subjectRows.add(tx, subject.kind, subject.id, label, position) };
  if (known && label !== null) await relabel(tx, subject, state, label);
  subjects.set(tx.store, key, state);
  return state;
}


const RECORDED: Participant['role'] = 'recorded';

export const activityProjection: Projection = {
  name: 'activity',
  version: 2,
  tables: Object.values(ACTIVITY_TABLES),
  async setup(tx) {
    subjects.forget(tx.store);
    for (const buffer of buffers) buffer.clear(tx.store);
    await tx.exec(SCHEMA);
  },
  queryIndexes: QUERY_INDEXES,
  async apply(tx, event: LedgerEvent) {
    const description = describeStep(event);
    if (description === null) return;
    const { subject } = description;
    const { actor, position, occurredAt } = event;

    // A person named twice in one part (two lines of one list) is one participation; the first detail is kept.
    const named: Participant[] = [{ personId: actor.personId, role: RECORDED, detail: null }];
    for (const participant of description.participants) {
      if (!named.some((kept) => kept.personId === participant.personId && kept.role === participant.role)) named.push(participant);
    }
    await steps.add(
      tx,
      position,
      event.eventId,
      event.type,
      subject.kind,
      subject.id,
      event.streamId,
      occurredAt,
      event.recordedAt,
      actor.personId,
      actor.postId,
      actor.unitId,
      event.causationId,
      description.causes.length === 0 ? null : JSON.stringify(description.causes),
      JSON.stringify(factsOf(event.data)),
      JSON.stringify(named.map((participant) => [participant.personId, participant.role, participant.detail])),
    );
    // What is known of the subject: whether it exists, and the units it belongs to. A step writes to the subject's
    // rows only what is new (most steps write nothing there).
    const state = await subjectState(tx, subject, description.label, position);
    const newLinks = actor.unitId === null ? description.subjectUnits : [...description.subjectUnits, { unitId: actor.unitId, relation: 'actor' as const }];
    for (const link of newLinks) {
      const key = `${link.unitId}\u0000${link.relation}`;
      if (state.links.has(key)) continue;
      state.links.add(key);
      await subjectUnitRows.add(tx, subject.kind, subject.id, link.unitId, link.relation, position);
      if (OWNING.has(link.relation)) state.ownUnits.push(link.unitId);
    }

    for (const participant of named) {
      await participantRows.add(
        tx,
        position,
        participant.personId,
        participant.role,
        occurredAt,
        subject.kind,
        subject.id,
        participant.detail === null ? null : JSON.stringify(participant.detail),
      );
    }

    // The step is in the timeline of the actor's unit, of every unit it names and of every unit the subject belongs to.
    const seen: string[] = [];
    const addUnitStep = async (unitId: string) => {
      if (seen.includes(unitId)) return;
      seen.push(unitId);
      await unitSteps.add(tx, unitId, position, occurredAt);
    };
    if (actor.unitId !== null) await addUnitStep(actor.unitId);
    for (const unitId of description.stepUnits) await addUnitStep(unitId);
    for (const unitId of state.ownUnits) await addUnitStep(unitId);

    if (description.outcome !== null) {
      await outcomes.add(tx, subject.kind, subject.id, position, description.outcome.kind, JSON.stringify(description.outcome.detail));
    }
  },
  async endBatch(tx) {
    for (const buffer of buffers) await buffer.flush(tx);
    // The subjects' rows the batch held back are written now: a new label goes to the table from here on.
    subjects.endBatch(tx.store, (state) => (state.heldRow === null ? state : { ...state, heldRow: null }));
  },
  forget(store) {
    subjects.forget(store);
    for (const buffer of buffers) buffer.clear(store);
  },
};
