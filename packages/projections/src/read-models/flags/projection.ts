import { chinaDateOf } from '@quanze/events';
import type { LedgerEvent } from '../../ledger-event.js';
import type { Projection } from '../../projection.js';
import { ReadMemory } from '../../read-memory.js';
import type { ReadModelSql, ReadModelStore } from '../../read-model-store.js';
import type { FlagCode, FlagSeverity, FlagSubjectKind } from './catalogue.js';
import { WorkingDayCalendarOutOfRange, addDays, addWorkingDays, daysBetween, workingDayCalendarRange, workingDaysBetween } from './working-days.js';

/**
 * 预警 flags: the rules RULES.md marks "flag", raised from the events exactly as docs/FLAGS.md describes.
 *
 * Tables:
 * - `flags_flags`: one row per flag, and per pending deadline (a deadline flag whose clock runs). A row is listed as
 *   of `asOf` when `raised_on ≤ asOf`; a deadline met in time deletes its row. `raised_on` is null for a flag the
 *   working-day calendar could not judge (a day outside the library's range): `undetermined` says why.
 * - the projection's memory of the facts the rules need, each keyed by its subject: `flags_decisions`,
 *   `flags_decision_meetings`, `flags_decision_opinions`, `flags_documents`, `flags_document_numbers`,
 *   `flags_registers`, `flags_cases`, `flags_certificates`, `flags_transfers`, `flags_inspections`.
 */

/** Bumped when a rule changes; the calendar's last covered year is part of the version (docs/FLAGS.md). */
const RULES_VERSION = 1;

const TABLES = [
  'flags_flags',
  'flags_decisions',
  'flags_decision_meetings',
  'flags_decision_opinions',
  'flags_documents',
  'flags_document_numbers',
  'flags_registers',
  'flags_cases',
  'flags_certificates',
  'flags_transfers',
  'flags_inspections',
] as const;

/** An event as a flag names it. */
export interface FlagEventRef {
  readonly eventId: string;
  readonly type: string;
  readonly streamId: string;
  readonly position: number;
}

/**
 * The indexes of the queries (a day's, a unit's, a rule's flags, counts, the undetermined): `apply` finds flags by
 * id and by pending key only.
 */
const QUERY_INDEXES = [
  'CREATE INDEX IF NOT EXISTS flags_flags_by_day ON flags_flags (raised_on, flag_id)',
  'CREATE INDEX IF NOT EXISTS flags_flags_by_unit ON flags_flags (unit_id, raised_on, flag_id)',
  'CREATE INDEX IF NOT EXISTS flags_flags_by_code ON flags_flags (code, raised_on, flag_id)',
  'CREATE INDEX IF NOT EXISTS flags_flags_for_counts ON flags_flags (raised_on, code, unit_id)',
  'CREATE INDEX IF NOT EXISTS flags_flags_undetermined ON flags_flags (code, unit_id) WHERE raised_on IS NULL',
];

async function setup(tx: ReadModelSql): Promise<void> {
  forget(tx.store);
  await tx.exec(`
    CREATE TABLE IF NOT EXISTS flags_flags (
      flag_id TEXT PRIMARY KEY,
      code TEXT NOT NULL,
      severity TEXT NOT NULL,
      subject_kind TEXT NOT NULL,
      subject_id TEXT NOT NULL,
      unit_id TEXT,
      raised_on TEXT,
      due_on TEXT,
      due_at TEXT,
      ended_on TEXT,
      ended_by TEXT,
      pending_key TEXT,
      raised_by TEXT NOT NULL,
      details TEXT NOT NULL,
      undetermined TEXT
    ) STRICT;
    CREATE INDEX IF NOT EXISTS flags_flags_pending ON flags_flags (pending_key) WHERE pending_key IS NOT NULL;

    CREATE TABLE IF NOT EXISTS flags_decisions (
      decision_id TEXT PRIMARY KEY,
      lead_unit_id TEXT,
      organ_unit_id TEXT,
      review TEXT,
      review_conclusion TEXT,
      review_completed_on TEXT,
      risk_statement TEXT
    ) STRICT;
    CREATE TABLE IF NOT EXISTS flags_decision_meetings (
      decision_id TEXT NOT NULL,
      meeting_id TEXT NOT NULL,
      PRIMARY KEY (decision_id, meeting_id)
    ) STRICT;
    CREATE TABLE IF NOT EXISTS flags_decision_opinions (
      decision_id TEXT NOT NULL,
      meeting_id TEXT NOT NULL,
      member_person_id TEXT NOT NULL,
      opinion TEXT NOT NULL,
      event TEXT NOT NULL,
      position INTEGER NOT NULL,
      PRIMARY KEY (decision_id, meeting_id, member_person_id)
    ) STRICT;
    CREATE TABLE IF NOT EXISTS flags_documents (
      document_id TEXT PRIMARY KEY,
      issuing_unit_id TEXT
    ) STRICT;
    CREATE TABLE IF NOT EXISTS flags_document_numbers (
      formatted TEXT PRIMARY KEY,
      document_id TEXT NOT NULL,
      issued TEXT NOT NULL,
      effective_from TEXT NOT NULL,
      valid_until TEXT,
      abolished_on TEXT,
      abolished TEXT
    ) STRICT;
    CREATE INDEX IF NOT EXISTS flags_document_numbers_by_document ON flags_document_numbers (document_id);
    CREATE TABLE IF NOT EXISTS flags_registers (
      authority_code TEXT NOT NULL,
      year INTEGER NOT NULL,
      max_serial INTEGER NOT NULL,
      PRIMARY KEY (authority_code, year)
    ) STRICT;
    CREATE TABLE IF NOT EXISTS flags_cases (
      case_id TEXT PRIMARY KEY,
      unit_id TEXT,
      enforcement_kind TEXT,
      team TEXT NOT NULL,
      suspected TEXT,
      penalty TEXT,
      publication_standing INTEGER NOT NULL,
      police_answered INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE IF NOT EXISTS flags_certificates (
      person_id TEXT NOT NULL,
      certificate_id TEXT NOT NULL,
      valid_from TEXT NOT NULL,
      valid_until TEXT NOT NULL,
      issued TEXT NOT NULL,
      position INTEGER NOT NULL,
      revoked_on TEXT,
      revoked TEXT,
      PRIMARY KEY (person_id, certificate_id)
    ) STRICT;
    CREATE TABLE IF NOT EXISTS flags_transfers (
      case_id TEXT NOT NULL,
      transfer_id TEXT NOT NULL,
      approved INTEGER NOT NULL,
      PRIMARY KEY (case_id, transfer_id)
    ) STRICT;
    CREATE TABLE IF NOT EXISTS flags_inspections (
      inspection_id TEXT PRIMARY KEY,
      unit_id TEXT
    ) STRICT;
  `);
}

// ── What the projection remembers ────────────────────────────────────────────────────────────────────────────

/**
 * Rows of cases and officers' certificates, as the database has them (read-memory.ts; every write to those tables
 * goes through `changeCase` or forgets the person's certificates): each step of a case reads its row, and each
 * officer named reads their certificates.
 */
const caseMemory = new ReadMemory<CaseRow>(2_000);
const certificateMemory = new ReadMemory<readonly CertificateRow[]>(2_000);

function endBatch(tx: ReadModelSql): Promise<void> {
  caseMemory.endBatch(tx.store);
  certificateMemory.endBatch(tx.store);
  return Promise.resolve();
}

function forget(store: ReadModelStore): void {
  caseMemory.forget(store);
  certificateMemory.forget(store);
}

// ── Days ─────────────────────────────────────────────────────────────────────────────────────────────────────

function addHours(instant: string, hours: number): string {
  return new Date(Date.parse(instant) + hours * 60 * 60 * 1000).toISOString();
}

/** The first day on which an hour deadline has passed. */
function dayAfterInstant(instant: string): string {
  return chinaDateOf(new Date(Date.parse(instant) + 1).toISOString());
}

// ── Writing flags ────────────────────────────────────────────────────────────────────────────────────────────

function refOf(event: LedgerEvent): FlagEventRef {
  return { eventId: event.eventId, type: event.type, streamId: event.streamId, position: event.position };
}

function byPosition(refs: readonly (FlagEventRef | null)[]): FlagEventRef[] {
  const seen = new Set<string>();
  const unique: FlagEventRef[] = [];
  for (const ref of refs) {
    if (ref === null || seen.has(ref.eventId)) continue;
    seen.add(ref.eventId);
    unique.push(ref);
  }
  return unique.sort((a, b) => a.position - b.position);
}

function parseRef(json: string | null): FlagEventRef | null {
  return json === null ? null : (JSON.parse(json) as FlagEventRef);
}

interface FlagBase {
  readonly code: FlagCode;
  readonly severity: FlagSeverity;
  readonly subject: { readonly kind: FlagSubjectKind; readonly id: string };
  readonly unitId: string | null;
  /** `<code>:<first raising event id>[:<discriminator>]` (docs/FLAGS.md). */
  readonly discriminator?: string;
  readonly raisedBy: readonly (FlagEventRef | null)[];
  readonly details: Readonly<Record<string, unknown>>;
}

function flagIdOf(flag: FlagBase, first: FlagEventRef): string {
  return flag.discriminator === undefined ? `${flag.code}:${first.eventId}` : `${flag.code}:${first.eventId}:${flag.discriminator}`;
}

const INSERT_FLAG = `INSERT INTO flags_flags (flag_id, code, severity, subject_kind, subject_id, unit_id, raised_on, due_on, due_at,
  ended_on, ended_by, pending_key, raised_by, details, undetermined) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?, ?)`;

async function insertFlag(
  tx: ReadModelSql,
  flag: FlagBase,
  first: FlagEventRef,
  at: { raisedOn: string | null; dueOn: string | null; dueAt: string | null; pendingKey: string | null; undetermined: string | null },
): Promise<void> {
  await tx.run(INSERT_FLAG, [
    flagIdOf(flag, first),
    flag.code,
    flag.severity,
    flag.subject.kind,
    flag.subject.id,
    flag.unitId,
    at.raisedOn,
    at.dueOn,
    at.dueAt,
    at.pendingKey,
    JSON.stringify(byPosition(flag.raisedBy)),
    JSON.stringify(flag.details),
    at.undetermined,
  ]);
}

/** A flag judged on one event, standing from `raisedOn`. */
async function raise(tx: ReadModelSql, event: LedgerEvent, flag: FlagBase, raisedOn: string): Promise<void> {
  await insertFlag(tx, flag, refOf(event), { raisedOn, dueOn: null, dueAt: null, pendingKey: null, undetermined: null });
}

/** A flag the working-day calendar could not judge: kept, never listed, counted as undetermined. */
async function undetermined(
  tx: ReadModelSql,
  event: LedgerEvent,
  flag: FlagBase,
  error: WorkingDayCalendarOutOfRange,
  pendingKey: string | null = null,
): Promise<void> {
  await insertFlag(tx, flag, refOf(event), { raisedOn: null, dueOn: null, dueAt: null, pendingKey, undetermined: error.message });
}

function calendarJudgement<T>(judge: () => T): T | WorkingDayCalendarOutOfRange {
  try {
    return judge();
  } catch (error) {
    if (error instanceof WorkingDayCalendarOutOfRange) return error;
    throw error;
  }
}

type Due = { readonly on: string } | { readonly at: string };

/** A deadline starts: a pending flag, listed from the day after it passes unless ended in time. */
async function startDeadline(tx: ReadModelSql, event: LedgerEvent, flag: FlagBase, pendingKey: string, due: () => Due): Promise<void> {
  const judged = calendarJudgement(due);
  if (judged instanceof WorkingDayCalendarOutOfRange) {
    await undetermined(tx, event, flag, judged, pendingKey);
    return;
  }
  const raisedOn = 'on' in judged ? addDays(judged.on, 1) : dayAfterInstant(judged.at);
  await insertFlag(tx, flag, refOf(event), {
    raisedOn,
    dueOn: 'on' in judged ? judged.on : null,
    dueAt: 'at' in judged ? judged.at : null,
    pendingKey,
    undetermined: null,
  });
}

interface PendingRow {
  readonly flag_id: string;
  readonly due_on: string | null;
  readonly due_at: string | null;
  readonly undetermined: string | null;
}

/**
 * The step a deadline waited for (or the end of the duty) happened: in time, the pending flag goes; late, it stays
 * with the day it ended and the event that ended it.
 */
async function endDeadlines(tx: ReadModelSql, pendingKey: string, event: LedgerEvent, when: { day: string; instant?: string }): Promise<void> {
  const rows = await tx.all<PendingRow>('SELECT flag_id, due_on, due_at, undetermined FROM flags_flags WHERE pending_key = ? ORDER BY flag_id', [pendingKey]);
  for (const row of rows) {
    const inTime =
      row.undetermined === null &&
      (row.due_on !== null ? when.day <= row.due_on : row.due_at !== null && Date.parse(when.instant ?? `${when.day}T00:00:00Z`) <= Date.parse(row.due_at));
    if (inTime) await tx.run('DELETE FROM flags_flags WHERE flag_id = ?', [row.flag_id]);
    else {
      await tx.run('UPDATE flags_flags SET ended_on = ?, ended_by = ?, pending_key = NULL WHERE flag_id = ?', [
        when.day,
        JSON.stringify(refOf(event)),
        row.flag_id,
      ]);
    }
  }
}

/** What an event does to the read model, by type; events of other types leave it as it is. */
type Handlers = { readonly [TType in LedgerEvent['type']]?: (tx: ReadModelSql, event: Extract<LedgerEvent, { type: TType }>) => Promise<void> };

// ── Decisions (重大行政决策, 国务院令第713号) ─────────────────────────────────────────────────────────────────

interface DecisionRow {
  readonly lead_unit_id: string | null;
  readonly organ_unit_id: string | null;
  readonly review: string | null;
  readonly review_conclusion: string | null;
  readonly review_completed_on: string | null;
  readonly risk_statement: string | null;
}

async function decisionOf(tx: ReadModelSql, decisionId: string): Promise<DecisionRow | undefined> {
  return tx.get<DecisionRow>(
    'SELECT lead_unit_id, organ_unit_id, review, review_conclusion, review_completed_on, risk_statement FROM flags_decisions WHERE decision_id = ?',
    [decisionId],
  );
}

async function ensureDecision(tx: ReadModelSql, decisionId: string): Promise<void> {
  await tx.run('INSERT INTO flags_decisions (decision_id) VALUES (?) ON CONFLICT (decision_id) DO NOTHING', [decisionId]);
}

async function checkDiscussion(tx: ReadModelSql, event: LedgerEvent, decisionId: string, heldOn: string, exploratoryReform: boolean): Promise<void> {
  const decision = await decisionOf(tx, decisionId);
  const conclusion = decision?.review_conclusion ?? null;
  const completedOn = decision?.review_completed_on ?? null;
  const passed = conclusion !== null && conclusion !== 'unlawful' && completedOn !== null && completedOn <= heldOn;
  if (passed) return;
  await raise(
    tx,
    event,
    {
      code: 'decision.discussion-without-passed-review',
      severity: exploratoryReform ? 'medium' : 'high',
      subject: { kind: 'decision', id: decisionId },
      unitId: decision?.organ_unit_id ?? event.actor.unitId,
      raisedBy: [refOf(event), parseRef(decision?.review ?? null), parseRef(decision?.risk_statement ?? null)],
      details: {
        variant: exploratoryReform ? 'exploratory-reform' : 'no-passed-review',
        heldOn,
        review: conclusion === null ? null : { conclusion, completedOn },
      },
    },
    heldOn,
  );
}

type MemberOpinion = 'for' | 'against' | 'abstain';
type Majority = 'for' | 'against' | 'divided';

/** As the decisions service counts it (majorityOf, differsFromMajority): more than half of the opinions given. */
function majorityOf(opinions: readonly MemberOpinion[]): Majority {
  const count = (opinion: MemberOpinion) => opinions.filter((given) => given === opinion).length;
  if (count('for') * 2 > opinions.length) return 'for';
  if (count('against') * 2 > opinions.length) return 'against';
  return 'divided';
}

function differsFromMajority(majority: Majority, outcome: string): boolean {
  switch (majority) {
    case 'divided':
      return false;
    case 'for':
      return outcome !== 'adopted' && outcome !== 'adopted-with-amendments';
    case 'against':
      return outcome !== 'not-adopted';
  }
}

const decisionHandlers: Handlers = {
  'decision.proposed.v1': async (tx, event) => {
    await tx.run(
      `INSERT INTO flags_decisions (decision_id, lead_unit_id, organ_unit_id) VALUES (?, ?, ?)
       ON CONFLICT (decision_id) DO UPDATE SET lead_unit_id = excluded.lead_unit_id, organ_unit_id = excluded.organ_unit_id`,
      [event.data.decisionId, event.data.leadUnitId, event.data.decisionOrganUnitId],
    );
  },
  'decision.commentPeriodOpened.v1': async (tx, event) => {
    const { decisionId, openedOn, closesOn, shortPeriodReason } = event.data;
    const days = daysBetween(openedOn, closesOn);
    if (days >= 30 || shortPeriodReason !== null) return;
    await raise(
      tx,
      event,
      {
        code: 'decision.short-comment-period',
        severity: 'medium',
        subject: { kind: 'decision', id: decisionId },
        unitId: (await decisionOf(tx, decisionId))?.lead_unit_id ?? event.actor.unitId,
        raisedBy: [refOf(event)],
        details: { openedOn, closesOn, days },
      },
      openedOn,
    );
  },
  'decision.legalityReviewed.v1': async (tx, event) => {
    const { decisionId, startedOn, completedOn, conclusion } = event.data;
    await ensureDecision(tx, decisionId);
    await tx.run('UPDATE flags_decisions SET review = ?, review_conclusion = ?, review_completed_on = ? WHERE decision_id = ?', [
      JSON.stringify(refOf(event)),
      conclusion,
      completedOn,
      decisionId,
    ]);
    const flag: FlagBase = {
      code: 'decision.short-legality-review',
      severity: 'medium',
      subject: { kind: 'decision', id: decisionId },
      unitId: (await decisionOf(tx, decisionId))?.lead_unit_id ?? event.actor.unitId,
      raisedBy: [refOf(event)],
      details: { startedOn, completedOn },
    };
    const workingDays = calendarJudgement(() => workingDaysBetween(startedOn, completedOn));
    if (workingDays instanceof WorkingDayCalendarOutOfRange) await undetermined(tx, event, flag, workingDays);
    else if (workingDays < 7) await raise(tx, event, { ...flag, details: { ...flag.details, workingDays } }, completedOn);
  },
  'decision.legalRiskStated.v1': async (tx, event) => {
    await ensureDecision(tx, event.data.decisionId);
    await tx.run('UPDATE flags_decisions SET risk_statement = ? WHERE decision_id = ?', [JSON.stringify(refOf(event)), event.data.decisionId]);
  },
  'decision.collectiveDiscussionConvened.v1': async (tx, event) => {
    const { decisionId, meetingId, heldOn, legality } = event.data;
    await tx.run('INSERT INTO flags_decision_meetings (decision_id, meeting_id) VALUES (?, ?) ON CONFLICT DO NOTHING', [decisionId, meetingId]);
    await checkDiscussion(tx, event, decisionId, heldOn, legality.exploratoryReform !== null);
  },
  'decision.memberOpinionGiven.v1': async (tx, event) => {
    const { decisionId, meetingId, memberPersonId, opinion } = event.data;
    await tx.run(
      `INSERT INTO flags_decision_opinions (decision_id, meeting_id, member_person_id, opinion, event, position) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (decision_id, meeting_id, member_person_id) DO UPDATE SET opinion = excluded.opinion, event = excluded.event, position = excluded.position`,
      [decisionId, meetingId, memberPersonId, opinion, JSON.stringify(refOf(event)), event.position],
    );
  },
  'decision.made.v1': async (tx, event) => {
    const { decisionId, meeting, outcome, headReasons } = event.data;
    await ensureDecision(tx, decisionId);
    await tx.run('UPDATE flags_decisions SET lead_unit_id = coalesce(lead_unit_id, ?) WHERE decision_id = ?', [event.data.leadUnitId, decisionId]);
    const convened = await tx.get('SELECT 1 FROM flags_decision_meetings WHERE decision_id = ? AND meeting_id = ?', [decisionId, meeting.meetingId]);
    if (convened === undefined) await checkDiscussion(tx, event, decisionId, meeting.heldOn, false);
    const opinions = await tx.all<{ opinion: MemberOpinion; event: string }>(
      'SELECT opinion, event FROM flags_decision_opinions WHERE decision_id = ? AND meeting_id = ? ORDER BY position',
      [decisionId, meeting.meetingId],
    );
    const majority = majorityOf(opinions.map((row) => row.opinion));
    if (!differsFromMajority(majority, outcome) && !event.data.differsFromMajority) return;
    await raise(
      tx,
      event,
      {
        code: 'decision.head-overrode-majority',
        severity: headReasons === null ? 'high' : 'medium',
        subject: { kind: 'decision', id: decisionId },
        unitId: (await decisionOf(tx, decisionId))?.organ_unit_id ?? event.actor.unitId,
        raisedBy: [refOf(event), ...opinions.map((row) => parseRef(row.event))],
        details: { majority, outcome, headPersonId: event.data.headPersonId, headReasonsGiven: headReasons !== null },
      },
      meeting.heldOn,
    );
  },
};

// ── Normative documents (规范性文件) ──────────────────────────────────────────────────────────────────────────

async function noteIssuingUnit(tx: ReadModelSql, documentId: string, issuingUnitId: string): Promise<void> {
  await tx.run(
    `INSERT INTO flags_documents (document_id, issuing_unit_id) VALUES (?, ?)
     ON CONFLICT (document_id) DO UPDATE SET issuing_unit_id = coalesce(flags_documents.issuing_unit_id, excluded.issuing_unit_id)`,
    [documentId, issuingUnitId],
  );
}

async function issuingUnitOf(tx: ReadModelSql, documentId: string, event: LedgerEvent): Promise<string | null> {
  const row = await tx.get<{ issuing_unit_id: string | null }>('SELECT issuing_unit_id FROM flags_documents WHERE document_id = ?', [documentId]);
  return row?.issuing_unit_id ?? event.actor.unitId;
}

const documentHandlers: Handlers = {
  'document.drafted.v1': async (tx, event) => {
    await noteIssuingUnit(tx, event.data.documentId, event.data.issuingUnitId);
  },
  'document.commentSolicited.v1': async (tx, event) => {
    const { documentId, openedOn, closesOn, affectsBusiness, shortPeriodReason } = event.data;
    const days = daysBetween(openedOn, closesOn);
    if (!affectsBusiness || days >= 30 || shortPeriodReason !== null) return;
    await raise(
      tx,
      event,
      {
        code: 'document.short-comment-period',
        severity: 'medium',
        subject: { kind: 'document', id: documentId },
        unitId: await issuingUnitOf(tx, documentId, event),
        raisedBy: [refOf(event)],
        details: { openedOn, closesOn, days },
      },
      openedOn,
    );
  },
  'document.legalityReviewed.v1': async (tx, event) => {
    const { documentId, submittedOn, completedOn } = event.data;
    const flag: FlagBase = {
      code: 'document.legality-review-outside-window',
      severity: 'medium',
      subject: { kind: 'document', id: documentId },
      unitId: await issuingUnitOf(tx, documentId, event),
      raisedBy: [refOf(event)],
      details: { submittedOn, completedOn },
    };
    const workingDays = calendarJudgement(() => workingDaysBetween(submittedOn, completedOn));
    if (workingDays instanceof WorkingDayCalendarOutOfRange) await undetermined(tx, event, flag, workingDays);
    else if (workingDays < 5 || workingDays > 15) {
      await raise(tx, event, { ...flag, details: { ...flag.details, workingDays, variant: workingDays < 5 ? 'short' : 'long' } }, completedOn);
    }
  },
  'document.numberAssigned.v1': async (tx, event) => {
    const { documentId, issuingUnitId, number, assignedOn } = event.data;
    await noteIssuingUnit(tx, documentId, issuingUnitId);
    const register = await tx.get<{ max_serial: number }>('SELECT max_serial FROM flags_registers WHERE authority_code = ? AND year = ?', [
      number.authorityCode,
      number.year,
    ]);
    const max = register?.max_serial ?? 0;
    if (number.serial > max + 1) {
      const missingSerials = Array.from({ length: number.serial - max - 1 }, (_, index) => max + 1 + index);
      await raise(
        tx,
        event,
        {
          code: 'document.numbering-gap',
          severity: 'high',
          subject: { kind: 'register', id: `${number.authorityCode}-${String(number.year)}` },
          unitId: issuingUnitId,
          raisedBy: [refOf(event)],
          details: { documentId, number: number.formatted, missingSerials },
        },
        assignedOn,
      );
    }
    // The register was read just above, in this transaction: the larger serial is known here, and one statement
    // serves both databases (SQLite's scalar max() is PostgreSQL's greatest()).
    await tx.run(
      `INSERT INTO flags_registers (authority_code, year, max_serial) VALUES (?, ?, ?)
       ON CONFLICT (authority_code, year) DO UPDATE SET max_serial = excluded.max_serial`,
      [number.authorityCode, number.year, Math.max(max, number.serial)],
    );
  },
  'document.registered.v1': async (tx, event) => {
    await noteIssuingUnit(tx, event.data.documentId, event.data.issuingUnitId);
  },
  'document.issued.v1': async (tx, event) => {
    const { documentId, issuingUnitId, number, issuedOn, effectiveFrom, validUntil } = event.data;
    await noteIssuingUnit(tx, documentId, issuingUnitId);
    await tx.run(
      `INSERT INTO flags_document_numbers (formatted, document_id, issued, effective_from, valid_until) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (formatted) DO NOTHING`,
      [number.formatted, documentId, JSON.stringify(refOf(event)), effectiveFrom, validUntil],
    );
    await startDeadline(
      tx,
      event,
      {
        code: 'document.filing-late',
        severity: 'medium',
        subject: { kind: 'document', id: documentId },
        unitId: await issuingUnitOf(tx, documentId, event),
        raisedBy: [refOf(event)],
        details: { number: number.formatted, issuedOn },
      },
      `filing:${documentId}`,
      () => ({ on: addDays(issuedOn, 30) }),
    );
  },
  'document.filed.v1': async (tx, event) => {
    await endDeadlines(tx, `filing:${event.data.documentId}`, event, { day: event.data.filedOn });
  },
  'document.abolished.v1': async (tx, event) => {
    await tx.run('UPDATE flags_document_numbers SET abolished_on = ?, abolished = ? WHERE document_id = ? AND abolished_on IS NULL', [
      event.data.abolishedOn,
      JSON.stringify(refOf(event)),
      event.data.documentId,
    ]);
  },
};

// ── Enforcement cases (行政处罚法, 国务院令第310号) ────────────────────────────────────────────────────────────

interface TeamMember {
  readonly personId: string;
  readonly certificateId: string;
}

interface CaseRow {
  readonly unit_id: string | null;
  readonly enforcement_kind: string | null;
  readonly team: string;
  readonly suspected: string | null;
  readonly penalty: string | null;
  readonly publication_standing: number;
  readonly police_answered: number;
}

const NEW_CASE: CaseRow = { unit_id: null, enforcement_kind: null, team: '[]', suspected: null, penalty: null, publication_standing: 0, police_answered: 0 };

/**
 * The case's row, created empty for a case whose opening was not recorded (imported histories). A snapshot, like
 * a row read from the database: a later change gives the case a new object and leaves this one as it was.
 */
async function ensureCase(tx: ReadModelSql, caseId: string): Promise<CaseRow> {
  const remembered = caseMemory.get(tx.store, caseId);
  if (remembered !== undefined) return remembered;
  let row = await tx.get<CaseRow>(
    'SELECT unit_id, enforcement_kind, team, suspected, penalty, publication_standing, police_answered FROM flags_cases WHERE case_id = ?',
    [caseId],
  );
  if (row === undefined) {
    await tx.run(`INSERT INTO flags_cases (case_id, team, publication_standing, police_answered) VALUES (?, '[]', 0, 0)`, [caseId]);
    row = NEW_CASE;
  }
  caseMemory.set(tx.store, caseId, row);
  return row;
}

/** A change just written to an existing case's row, made to what is remembered of it too. */
function changeCase(tx: ReadModelSql, caseId: string, change: Partial<CaseRow>): void {
  const remembered = caseMemory.get(tx.store, caseId);
  if (remembered !== undefined) caseMemory.set(tx.store, caseId, { ...remembered, ...change });
}

async function setCase(tx: ReadModelSql, caseId: string, column: 'team' | 'suspected' | 'penalty', value: string | null): Promise<void> {
  await tx.run(`UPDATE flags_cases SET ${column} = ? WHERE case_id = ?`, [value, caseId]);
  changeCase(tx, caseId, { [column]: value });
}

async function setCaseNumber(tx: ReadModelSql, caseId: string, column: 'publication_standing' | 'police_answered', value: number): Promise<void> {
  await tx.run(`UPDATE flags_cases SET ${column} = ? WHERE case_id = ?`, [value, caseId]);
  changeCase(tx, caseId, { [column]: value });
}

interface CertificateRow {
  readonly certificate_id: string;
  readonly valid_from: string;
  readonly valid_until: string;
  readonly issued: string;
  readonly position: number;
  readonly revoked_on: string | null;
  readonly revoked: string | null;
}

type CertificateProblem = 'no-such-certificate' | 'not-yet-valid' | 'expired' | 'revoked';

function problemOf(certificate: CertificateRow, day: string): CertificateProblem | null {
  if (day < certificate.valid_from) return 'not-yet-valid';
  if (day > certificate.valid_until) return 'expired';
  if (certificate.revoked_on !== null && certificate.revoked_on <= day) return 'revoked';
  return null;
}

/** Every certificate of the person, in the order they were issued. */
async function certificatesOf(tx: ReadModelSql, personId: string): Promise<readonly CertificateRow[]> {
  let held = certificateMemory.get(tx.store, personId);
  if (held === undefined) {
    held = await tx.all<CertificateRow>(
      'SELECT certificate_id, valid_from, valid_until, issued, position, revoked_on, revoked FROM flags_certificates WHERE person_id = ? ORDER BY position',
      [personId],
    );
    certificateMemory.set(tx.store, personId, held);
  }
  return held;
}

/** Why the person held no valid certificate that day (the one named, or any of theirs), or null when they did. */
async function certificateProblem(
  tx: ReadModelSql,
  personId: string,
  certificateId: string | null,
  day: string,
): Promise<{ problem: CertificateProblem; certificateId: string | null; refs: (FlagEventRef | null)[] } | null> {
  const held = await certificatesOf(tx, personId);
  const certificates = certificateId === null ? held : held.filter((certificate) => certificate.certificate_id === certificateId);
  if (certificates.some((certificate) => problemOf(certificate, day) === null)) return null;
  const latest = certificates.at(-1);
  if (latest === undefined) return { problem: 'no-such-certificate', certificateId, refs: [] };
  const problem = problemOf(latest, day) ?? 'no-such-certificate';
  return {
    problem,
    certificateId: latest.certificate_id,
    refs: [parseRef(latest.issued), problem === 'revoked' ? parseRef(latest.revoked) : null],
  };
}

async function checkOfficers(
  tx: ReadModelSql,
  event: LedgerEvent,
  caseId: string,
  personIds: readonly string[],
  day: string,
  team: readonly TeamMember[],
): Promise<void> {
  const unitId = (await ensureCase(tx, caseId)).unit_id ?? event.actor.unitId;
  for (const personId of new Set(personIds)) {
    const named = team.find((member) => member.personId === personId)?.certificateId ?? null;
    const found = await certificateProblem(tx, personId, named, day);
    if (found === null) continue;
    await raise(
      tx,
      event,
      {
        code: 'case.officer-not-certified',
        severity: 'high',
        subject: { kind: 'case', id: caseId },
        unitId,
        discriminator: personId,
        raisedBy: [refOf(event), ...found.refs],
        details: { personId, certificateId: found.certificateId, problem: found.problem, day },
      },
      day,
    );
  }
}

function teamOf(row: CaseRow): TeamMember[] {
  return JSON.parse(row.team) as TeamMember[];
}

type CitedBasis = readonly ({ readonly kind: 'document'; readonly documentNumber: string } | { readonly kind: string })[];

interface NumberRow {
  readonly issued: string;
  readonly effective_from: string;
  readonly valid_until: string | null;
  readonly abolished_on: string | null;
  readonly abolished: string | null;
}

async function checkCitations(tx: ReadModelSql, event: LedgerEvent, caseId: string, legalBasis: CitedBasis, day: string): Promise<void> {
  const numbers = new Set<string>();
  for (const entry of legalBasis) if ('documentNumber' in entry) numbers.add(entry.documentNumber);
  if (numbers.size === 0) return;
  const unitId = (await ensureCase(tx, caseId)).unit_id ?? event.actor.unitId;
  for (const cited of numbers) {
    const document = await tx.get<NumberRow>(
      'SELECT issued, effective_from, valid_until, abolished_on, abolished FROM flags_document_numbers WHERE formatted = ?',
      [cited],
    );
    let reason: 'not-issued' | 'not-yet-effective' | 'abolished' | 'expired' | null = null;
    if (document === undefined) reason = 'not-issued';
    else if (day < document.effective_from) reason = 'not-yet-effective';
    else if (document.abolished_on !== null && document.abolished_on <= day) reason = 'abolished';
    else if (document.valid_until !== null && day > document.valid_until) reason = 'expired';
    if (reason === null) continue;
    await raise(
      tx,
      event,
      {
        code: 'case.cites-invalid-document',
        severity: 'high',
        subject: { kind: 'case', id: caseId },
        unitId,
        discriminator: cited,
        raisedBy: [refOf(event), parseRef(document?.issued ?? null), reason === 'abolished' ? parseRef(document?.abolished ?? null) : null],
        details: { documentNumber: cited, reason, day },
      },
      day,
    );
  }
}

async function caseFlag(
  tx: ReadModelSql,
  event: LedgerEvent,
  caseId: string,
  code: FlagCode,
  details: Record<string, unknown>,
  unitId?: string | null,
): Promise<FlagBase> {
  return {
    code,
    severity: code === 'case.publication-late' ? 'low' : 'medium',
    subject: { kind: 'case', id: caseId },
    unitId: unitId === undefined ? ((await ensureCase(tx, caseId)).unit_id ?? event.actor.unitId) : unitId,
    raisedBy: [refOf(event)],
    details,
  };
}

/** 立案 or 不予立案 (310号 第8条): the receiving authority answered the transfer. */
async function answeredByAuthority(
  tx: ReadModelSql,
  event: Extract<LedgerEvent, { type: 'case.transferAccepted.v1' | 'case.transferReturned.v1' }>,
  instant: string,
): Promise<void> {
  const { caseId, transferId, unitId } = event.data;
  const when = { day: chinaDateOf(instant), instant };
  await ensureCase(tx, caseId);
  await endDeadlines(tx, `receipt:${caseId}:${transferId}`, event, when);
  await endDeadlines(tx, `police:${caseId}:${transferId}:${unitId}`, event, when);
  await setCaseNumber(tx, caseId, 'police_answered', 1);
}

const caseHandlers: Handlers = {
  'case.opened.v1': async (tx, event) => {
    const { caseId, unitId, enforcementKind, openedOn, legalBasis } = event.data;
    const opened = await ensureCase(tx, caseId);
    await tx.run('UPDATE flags_cases SET unit_id = coalesce(unit_id, ?), enforcement_kind = coalesce(enforcement_kind, ?) WHERE case_id = ?', [
      unitId,
      enforcementKind,
      caseId,
    ]);
    changeCase(tx, caseId, { unit_id: opened.unit_id ?? unitId, enforcement_kind: opened.enforcement_kind ?? enforcementKind });
    await checkCitations(tx, event, caseId, legalBasis, openedOn);
    const overdue = await caseFlag(tx, event, caseId, 'case.decision-overdue', { openedOn });
    await startDeadline(tx, event, overdue, `decision:${caseId}`, () => ({ on: addDays(openedOn, 90) }));
  },
  'case.officersAssigned.v1': async (tx, event) => {
    const { caseId, officers, assignedOn } = event.data;
    await ensureCase(tx, caseId);
    const team = officers.map((officer) => ({ personId: officer.personId, certificateId: officer.certificateId }));
    await setCase(tx, caseId, 'team', JSON.stringify(team));
    await checkOfficers(tx, event, caseId, team.map((member) => member.personId), assignedOn, team);
  },
  'case.evidenceRecorded.v1': async (tx, event) => {
    const { caseId, collectedBy, recordedOn } = event.data;
    await checkOfficers(tx, event, caseId, [collectedBy], recordedOn, teamOf(await ensureCase(tx, caseId)));
  },
  'case.decided.v1': async (tx, event) => {
    const { caseId, decidedOn, legalBasis, outcome } = event.data;
    const row = await ensureCase(tx, caseId);
    await endDeadlines(tx, `decision:${caseId}`, event, { day: decidedOn });
    await checkCitations(tx, event, caseId, legalBasis, decidedOn);
    const team = teamOf(row);
    await checkOfficers(tx, event, caseId, team.map((member) => member.personId), decidedOn, team);
    await setCase(tx, caseId, 'penalty', outcome === 'penalty' ? JSON.stringify(refOf(event)) : null);
    const penaltyKind = row.enforcement_kind === null ? outcome === 'penalty' : row.enforcement_kind === 'penalty';
    const workingDays = penaltyKind ? 7 : 20;
    await startDeadline(
      tx,
      event,
      await caseFlag(tx, event, caseId, 'case.publication-late', { decidedOn, workingDays }),
      `publication:${caseId}`,
      () => ({ on: addWorkingDays(decidedOn, workingDays) }),
    );
  },
  'case.published.v1': async (tx, event) => {
    await ensureCase(tx, event.data.caseId);
    await endDeadlines(tx, `publication:${event.data.caseId}`, event, { day: event.data.publishedOn });
    await setCaseNumber(tx, event.data.caseId, 'publication_standing', 1);
  },
  'case.decisionChanged.v1': async (tx, event) => {
    const { caseId, change, changedOn, wasPublished } = event.data;
    const row = await ensureCase(tx, caseId);
    if (change === 'revoked' || change === 'annulled') {
      await endDeadlines(tx, `publication:${caseId}`, event, { day: changedOn });
      await setCase(tx, caseId, 'penalty', null);
    }
    if (wasPublished || row.publication_standing === 1) {
      await startDeadline(
        tx,
        event,
        await caseFlag(tx, event, caseId, 'case.withdrawal-late', { change, changedOn }),
        `withdrawal:${caseId}`,
        () => ({ on: addDays(changedOn, 3) }),
      );
    }
  },
  'case.publicationWithdrawn.v1': async (tx, event) => {
    await ensureCase(tx, event.data.caseId);
    await endDeadlines(tx, `withdrawal:${event.data.caseId}`, event, { day: event.data.withdrawnOn });
    await setCaseNumber(tx, event.data.caseId, 'publication_standing', 0);
  },
  'case.crimeSuspected.v1': async (tx, event) => {
    const row = await ensureCase(tx, event.data.caseId);
    if (row.suspected === null) await setCase(tx, event.data.caseId, 'suspected', JSON.stringify(refOf(event)));
  },
  'case.closed.v1': async (tx, event) => {
    const { caseId, closedOn, suspectedCrime, penaltyImposed } = event.data;
    await ensureCase(tx, caseId);
    await endDeadlines(tx, `decision:${caseId}`, event, { day: closedOn });
    const row = await ensureCase(tx, caseId);
    const suspected = suspectedCrime || row.suspected !== null;
    const penalty = penaltyImposed || row.penalty !== null;
    if (!suspected || !penalty || row.police_answered === 1) return;
    await raise(
      tx,
      event,
      {
        code: 'case.penalty-instead-of-transfer',
        severity: 'high',
        subject: { kind: 'case', id: caseId },
        unitId: row.unit_id ?? event.actor.unitId,
        raisedBy: [refOf(event), parseRef(row.suspected), parseRef(row.penalty)],
        details: { closedOn, disposition: event.data.disposition, transferOutcome: event.data.transferOutcome },
      },
      closedOn,
    );
  },
  'case.transferReported.v1': async (tx, event) => {
    const { caseId, transferId, reportingOfficerIds, reportedAt } = event.data;
    const day = chinaDateOf(reportedAt);
    const row = await ensureCase(tx, caseId);
    await endDeadlines(tx, `decision:${caseId}`, event, { day, instant: reportedAt });
    if (row.suspected === null) await setCase(tx, caseId, 'suspected', JSON.stringify(refOf(event)));
    await checkOfficers(tx, event, caseId, reportingOfficerIds, day, teamOf(row));
    await startDeadline(
      tx,
      event,
      await caseFlag(tx, event, caseId, 'case.transfer-approval-late', { transferId, reportedAt }),
      `approval:${caseId}:${transferId}`,
      () => ({ on: addDays(day, 3) }),
    );
  },
  'case.transferApproved.v1': async (tx, event) => {
    const { caseId, transferId, approvedAt } = event.data;
    await ensureCase(tx, caseId);
    await endDeadlines(tx, `approval:${caseId}:${transferId}`, event, { day: chinaDateOf(approvedAt), instant: approvedAt });
    await tx.run(
      'INSERT INTO flags_transfers (case_id, transfer_id, approved) VALUES (?, ?, 1) ON CONFLICT (case_id, transfer_id) DO UPDATE SET approved = 1',
      [caseId, transferId],
    );
    await startDeadline(
      tx,
      event,
      await caseFlag(tx, event, caseId, 'case.transfer-dispatch-late', { transferId, approvedAt }),
      `dispatch:${caseId}:${transferId}`,
      () => ({ at: addHours(approvedAt, 24) }),
    );
  },
  'case.transferRefused.v1': async (tx, event) => {
    const { caseId, transferId, refusedAt } = event.data;
    await endDeadlines(tx, `approval:${caseId}:${transferId}`, event, { day: chinaDateOf(refusedAt), instant: refusedAt });
  },
  'case.transferred.v1': async (tx, event) => {
    const { caseId, transferId, approvedAt, receivingAuthority } = event.data;
    await ensureCase(tx, caseId);
    await endDeadlines(tx, `approval:${caseId}:${transferId}`, event, { day: chinaDateOf(approvedAt), instant: approvedAt });
    const dispatchKey = `dispatch:${caseId}:${transferId}`;
    const approval = await tx.get<{ approved: number }>('SELECT approved FROM flags_transfers WHERE case_id = ? AND transfer_id = ?', [caseId, transferId]);
    if (approval?.approved !== 1) {
      // A transfer imported without its approval: the clock starts and stops on this one event.
      await startDeadline(
        tx,
        event,
        await caseFlag(tx, event, caseId, 'case.transfer-dispatch-late', { transferId, approvedAt }),
        dispatchKey,
        () => ({ at: addHours(approvedAt, 24) }),
      );
    }
    await endDeadlines(tx, dispatchKey, event, { day: chinaDateOf(event.occurredAt), instant: event.occurredAt });
    await startDeadline(
      tx,
      event,
      await caseFlag(tx, event, caseId, 'case.transfer-receipt-late', { transferId, sentAt: event.occurredAt }, receivingAuthority.unitId),
      `receipt:${caseId}:${transferId}`,
      () => ({ at: addHours(event.occurredAt, 24) }),
    );
  },
  'case.transferReceived.v1': async (tx, event) => {
    const { caseId, transferId, unitId, receivedAt } = event.data;
    await ensureCase(tx, caseId);
    await endDeadlines(tx, `receipt:${caseId}:${transferId}`, event, { day: chinaDateOf(receivedAt), instant: receivedAt });
    await startDeadline(
      tx,
      event,
      await caseFlag(tx, event, caseId, 'case.police-decision-late', { transferId, receivedAt }, unitId),
      `police:${caseId}:${transferId}:${unitId}`,
      () => ({ on: addDays(chinaDateOf(receivedAt), 3) }),
    );
  },
  'case.transferForwarded.v1': async (tx, event) => {
    const { caseId, transferId, fromUnitId, forwardedAt } = event.data;
    const when = { day: chinaDateOf(forwardedAt), instant: forwardedAt };
    await endDeadlines(tx, `receipt:${caseId}:${transferId}`, event, when);
    await endDeadlines(tx, `police:${caseId}:${transferId}:${fromUnitId}`, event, when);
  },
  'case.transferAccepted.v1': async (tx, event) => {
    await answeredByAuthority(tx, event, event.data.acceptedAt);
  },
  'case.transferReturned.v1': async (tx, event) => {
    await answeredByAuthority(tx, event, event.data.returnedAt);
  },
};

// ── Persons' certificates and random inspections ────────────────────────────────────────────────────────────

const otherHandlers: Handlers = {
  'person.certified.v1': async (tx, event) => {
    const { personId, certificateId, validFrom, validUntil } = event.data;
    await tx.run(
      `INSERT INTO flags_certificates (person_id, certificate_id, valid_from, valid_until, issued, position) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (person_id, certificate_id) DO UPDATE SET valid_from = excluded.valid_from, valid_until = excluded.valid_until,
         issued = excluded.issued, position = excluded.position`,
      [personId, certificateId, validFrom, validUntil, JSON.stringify(refOf(event)), event.position],
    );
    certificateMemory.delete(tx.store, personId);
  },
  'person.certificationRevoked.v1': async (tx, event) => {
    await tx.run('UPDATE flags_certificates SET revoked_on = ?, revoked = ? WHERE person_id = ? AND certificate_id = ? AND revoked_on IS NULL', [
      event.data.revokedOn,
      JSON.stringify(refOf(event)),
      event.data.personId,
      event.data.certificateId,
    ]);
    certificateMemory.delete(tx.store, event.data.personId);
  },
  'inspection.planned.v1': async (tx, event) => {
    await tx.run('INSERT INTO flags_inspections (inspection_id, unit_id) VALUES (?, ?) ON CONFLICT (inspection_id) DO NOTHING', [
      event.data.inspectionId,
      event.data.inspectingUnitId,
    ]);
  },
  'inspection.resultsRecorded.v1': async (tx, event) => {
    const { inspectionId, targetId, inspectorIds, inspectedOn, concludedOn } = event.data;
    const row = await tx.get<{ unit_id: string | null }>('SELECT unit_id FROM flags_inspections WHERE inspection_id = ?', [inspectionId]);
    const unitId = row?.unit_id ?? event.actor.unitId;
    const subject = { kind: 'inspection', id: inspectionId } as const;
    for (const personId of new Set(inspectorIds)) {
      const found = await certificateProblem(tx, personId, null, inspectedOn);
      if (found === null) continue;
      await raise(
        tx,
        event,
        {
          code: 'inspection.inspector-not-certified',
          severity: 'high',
          subject,
          unitId,
          discriminator: personId,
          raisedBy: [refOf(event), ...found.refs],
          details: { personId, targetId, certificateId: found.certificateId, problem: found.problem, day: inspectedOn },
        },
        inspectedOn,
      );
    }
    await startDeadline(
      tx,
      event,
      { code: 'inspection.results-publication-late', severity: 'low', subject, unitId, raisedBy: [refOf(event)], details: { targetId, concludedOn } },
      `inspection-publication:${inspectionId}:${targetId}`,
      () => ({ on: addWorkingDays(concludedOn, 20) }),
    );
  },
  'inspection.resultsPublished.v1': async (tx, event) => {
    for (const targetId of new Set(event.data.targetIds)) {
      await endDeadlines(tx, `inspection-publication:${event.data.inspectionId}:${targetId}`, event, { day: event.data.publishedOn });
    }
  },
};

const handlers: Handlers = { ...decisionHandlers, ...documentHandlers, ...caseHandlers, ...otherHandlers };

async function apply(tx: ReadModelSql, event: LedgerEvent): Promise<void> {
  const handler = handlers[event.type] as ((tx: ReadModelSql, event: LedgerEvent) => Promise<void>) | undefined;
  await handler?.(tx, event);
}

/** The flags read model; its version follows the rules and the working-day calendar's coverage. */
export function createFlagsProjection(): Projection {
  const lastCoveredYear = Number(workingDayCalendarRange().last.slice(0, 4));
  return {
    name: 'flags',
    version: RULES_VERSION * 10_000 + lastCoveredYear,
    tables: TABLES,
    setup,
    queryIndexes: QUERY_INDEXES,
    apply,
    endBatch,
    forget,
  };
}

export const flagsProjection: Projection = createFlagsProjection();
