import type { CaseDecidedV1, CaseDecisionChangedV1, CaseParty, DecisionMadeV1, DocumentIssuedV1, InspectionOutcome } from '@quanze/events';
import type { z } from 'zod';
import type { LedgerEvent } from '../../ledger-event.js';
import type { Projection } from '../../projection.js';
import { ReadMemory } from '../../read-memory.js';
import type { ReadModelSql, ReadModelStore } from '../../read-model-store.js';

/**
 * 公开: what the public may see, and nothing else — the list of normative documents with their validity (规范性文件
 * 目录), published enforcement results (行政执法公示, 双随机一公开) and published major decisions (决策公布).
 *
 * No personal data of citizens is ever written here: a party to a case appears by kind, and by name only when it
 * is an organisation; a natural person's or an individual business's name is not copied from the event, so no
 * query can leak it. Officials appear by unit, not by person (signers, officers, members and their opinions stay
 * in the internal views). Free texts written for the public (published summaries, titles) are shown as written.
 *
 * Tables:
 * - `public_unit`: unit names (public: the organisation chart), to name the issuing unit of a document as it was.
 * - `public_document`: every issued document with its number, dates and publications, abolition when abolished.
 * - `public_inspection`: the unit and matter of each inspection plan, for its published results.
 * - `public_enforcement_result`: one row per case and per inspected target, `visible` once published (and, for a
 *   case, until the publication is withdrawn), with the public view as JSON.
 * - `public_decision`: one row per major decision, `visible` once decided and published, the public view as JSON.
 */
const TABLES = ['public_unit', 'public_document', 'public_inspection', 'public_enforcement_result', 'public_decision'] as const;

async function setup(tx: ReadModelSql): Promise<void> {
  forgetResults(tx.store);
  await tx.exec(`
    CREATE TABLE IF NOT EXISTS public_unit (
      unit_id TEXT PRIMARY KEY,
      name TEXT NOT NULL
    ) STRICT;
    CREATE TABLE IF NOT EXISTS public_document (
      document_id TEXT PRIMARY KEY,
      authority_code TEXT NOT NULL,
      year INTEGER NOT NULL,
      serial INTEGER NOT NULL,
      number TEXT NOT NULL,
      title TEXT NOT NULL,
      issuing_unit_id TEXT NOT NULL,
      issuing_unit_name TEXT,
      issued_on TEXT NOT NULL,
      effective_from TEXT NOT NULL,
      valid_until TEXT,
      text_sha256 TEXT NOT NULL,
      publications TEXT NOT NULL,
      abolished_on TEXT,
      replaced_by_document_id TEXT
    ) STRICT;
    CREATE INDEX IF NOT EXISTS public_document_by_number ON public_document (authority_code, year, serial, document_id);
    CREATE TABLE IF NOT EXISTS public_inspection (
      inspection_id TEXT PRIMARY KEY,
      unit_id TEXT NOT NULL,
      matter_title TEXT NOT NULL
    ) STRICT;
    CREATE TABLE IF NOT EXISTS public_enforcement_result (
      result_id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      unit_id TEXT NOT NULL,
      visible INTEGER NOT NULL,
      published_on TEXT,
      view TEXT NOT NULL
    ) STRICT;
    CREATE INDEX IF NOT EXISTS public_enforcement_result_by_date ON public_enforcement_result (visible, published_on, result_id);
    CREATE INDEX IF NOT EXISTS public_enforcement_result_by_unit ON public_enforcement_result (unit_id, visible, published_on, result_id);
    CREATE INDEX IF NOT EXISTS public_enforcement_result_by_kind ON public_enforcement_result (kind, visible, published_on, result_id);
    CREATE TABLE IF NOT EXISTS public_decision (
      decision_id TEXT PRIMARY KEY,
      visible INTEGER NOT NULL,
      first_published_on TEXT,
      view TEXT NOT NULL
    ) STRICT;
    CREATE INDEX IF NOT EXISTS public_decision_by_date ON public_decision (visible, first_published_on, decision_id);
  `);
}

/** The party as 公示 shows it: its kind; an organisation's name; never a citizen's. */
export interface PublicParty {
  readonly kind: CaseParty['kind'];
  readonly name?: string;
}

export function publicPartyOf(party: CaseParty): PublicParty {
  const organisation = party.kind === 'legal-person' || party.kind === 'other-organization';
  return organisation && party.name !== null ? { kind: party.kind, name: party.name } : { kind: party.kind };
}

/** A published enforcement decision (行政执法公示), as services/enforcement's publication view shows it. */
export interface PublicCaseResult {
  readonly kind: 'case';
  readonly caseId: string;
  readonly unitId: string;
  readonly enforcementKind: string;
  readonly party: PublicParty;
  readonly decision: {
    readonly decisionNumber: string;
    readonly outcome: CaseDecidedV1['outcome'];
    readonly penalties: CaseDecidedV1['penalties'];
    readonly legalBasis: CaseDecidedV1['legalBasis'];
    readonly decidedOn: string;
  } | null;
  readonly decisionChange: { readonly change: CaseDecisionChangedV1['change']; readonly by: CaseDecisionChangedV1['by']; readonly changedOn: string } | null;
  readonly publication: { readonly publishedOn: string; readonly channel: string; readonly reference: string; readonly summary: string } | null;
}

/** A published result of a random inspection (双随机一公开), per inspected market entity. */
export interface PublicInspectionResult {
  readonly kind: 'inspection';
  readonly inspectionId: string;
  readonly unitId: string;
  readonly matter: string;
  readonly targetId: string;
  readonly outcome: z.infer<typeof InspectionOutcome>;
  readonly inspectedOn: string;
  readonly concludedOn: string;
  readonly publications: readonly { readonly publishedOn: string; readonly channel: string; readonly reference: string }[];
}

export type PublicEnforcementResult = PublicCaseResult | PublicInspectionResult;

export type PublicDecisionStatus = 'in-force' | 'suspended' | 'revoked' | 'not-adopted' | 'deferred';

/** A published major decision (决策公布, 713号 第31条): the decision and its status; no opinions, no persons. */
export interface PublicDecision {
  readonly decisionId: string;
  readonly title: string;
  readonly decisionOrganUnitId: string | null;
  readonly leadUnitId: string | null;
  readonly cooperatingUnitIds: readonly string[];
  readonly status: PublicDecisionStatus | null;
  readonly decision: {
    readonly outcome: DecisionMadeV1['outcome'];
    readonly text: string;
    readonly decidedOn: string;
    readonly meetingKind: DecisionMadeV1['meeting']['kind'];
    readonly legalBasis: readonly string[];
  } | null;
  readonly publications: readonly { readonly channel: string; readonly reference: string; readonly publishedOn: string; readonly opinionAdoption: string }[];
  readonly statusChanges: readonly { readonly change: 'suspended' | 'resumed' | 'revoked'; readonly on: string }[];
}

/** A row of `public_enforcement_result` as the database has it, or will once the batch's writes are flushed. */
interface ResultRow {
  readonly kind: string;
  readonly unit_id: string;
  readonly visible: number;
  readonly published_on: string | null;
  readonly view: string;
}

/**
 * The results read or written, by id (null: no such row), as the database has them with the batch's writes
 * (read-memory.ts): most events of a case change its one result, which is read once and, within a batch, written
 * once, at its end (`flushResults`), in the order of first writes (`written`).
 */
const results = new ReadMemory<ResultRow | null>(2_000);
const writtenByStore = new WeakMap<ReadModelStore, Set<string>>();

const READ_RESULT = 'SELECT kind, unit_id, visible, published_on, view FROM public_enforcement_result WHERE result_id = ?';
// A row's kind and unit are those of its first write: the upsert leaves them as they are.
const UPSERT_RESULT = `INSERT INTO public_enforcement_result (result_id, kind, unit_id, visible, published_on, view) VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT (result_id) DO UPDATE SET visible = excluded.visible, published_on = excluded.published_on, view = excluded.view`;
const READ_DECISION = 'SELECT view FROM public_decision WHERE decision_id = ?';
const UPSERT_DECISION = `INSERT INTO public_decision (decision_id, visible, first_published_on, view) VALUES (?, ?, ?, ?)
  ON CONFLICT (decision_id) DO UPDATE SET visible = excluded.visible, first_published_on = excluded.first_published_on, view = excluded.view`;
const READ_UNIT_NAME = 'SELECT name FROM public_unit WHERE unit_id = ?';
const UPSERT_UNIT_NAME = 'INSERT INTO public_unit (unit_id, name) VALUES (?, ?) ON CONFLICT (unit_id) DO UPDATE SET name = excluded.name';
// A document issued again has its issue's fields replaced; an abolition already recorded stays.
const UPSERT_DOCUMENT = `INSERT INTO public_document (document_id, authority_code, year, serial, number, title, issuing_unit_id, issuing_unit_name,
    issued_on, effective_from, valid_until, text_sha256, publications, abolished_on, replaced_by_document_id)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)
  ON CONFLICT (document_id) DO UPDATE SET authority_code = excluded.authority_code, year = excluded.year, serial = excluded.serial,
    number = excluded.number, title = excluded.title, issuing_unit_id = excluded.issuing_unit_id, issuing_unit_name = excluded.issuing_unit_name,
    issued_on = excluded.issued_on, effective_from = excluded.effective_from, valid_until = excluded.valid_until,
    text_sha256 = excluded.text_sha256, publications = excluded.publications`;
const ABOLISH_DOCUMENT = 'UPDATE public_document SET abolished_on = ?, replaced_by_document_id = ? WHERE document_id = ?';
const UPSERT_INSPECTION = `INSERT INTO public_inspection (inspection_id, unit_id, matter_title) VALUES (?, ?, ?)
  ON CONFLICT (inspection_id) DO UPDATE SET unit_id = excluded.unit_id, matter_title = excluded.matter_title`;
const READ_INSPECTION = 'SELECT unit_id, matter_title FROM public_inspection WHERE inspection_id = ?';

async function readResult(tx: ReadModelSql, resultId: string): Promise<ResultRow | null> {
  const remembered = results.get(tx.store, resultId);
  if (remembered !== undefined) return remembered;
  const row = (await tx.get<ResultRow>(READ_RESULT, [resultId])) ?? null;
  results.set(tx.store, resultId, row);
  return row;
}

async function flushResults(tx: ReadModelSql): Promise<void> {
  const written = writtenByStore.get(tx.store);
  writtenByStore.delete(tx.store);
  if (written !== undefined) {
    for (const resultId of written) {
      const row = results.get(tx.store, resultId);
      if (row !== undefined && row !== null) await tx.run(UPSERT_RESULT, [resultId, row.kind, row.unit_id, row.visible, row.published_on, row.view]);
    }
  }
  results.endBatch(tx.store);
}

function forgetResults(store: ReadModelStore): void {
  writtenByStore.delete(store);
  results.forget(store);
}

async function readInspectionResult(tx: ReadModelSql, resultId: string): Promise<PublicInspectionResult | null> {
  const row = await readResult(tx, resultId);
  return row === null ? null : (JSON.parse(row.view) as PublicInspectionResult);
}

async function readDecision(tx: ReadModelSql, decisionId: string): Promise<PublicDecision | null> {
  const row = await tx.get<{ view: string }>(READ_DECISION, [decisionId]);
  return row === undefined ? null : (JSON.parse(row.view) as PublicDecision);
}

/** Held until the end of the batch (`flushResults`). */
function writeResult(store: ReadModelStore, resultId: string, view: PublicEnforcementResult, visible: boolean, publishedOn: string | null): void {
  let written = writtenByStore.get(store);
  if (written === undefined) {
    written = new Set();
    writtenByStore.set(store, written);
  }
  written.add(resultId);
  const before = results.get(store, resultId);
  results.set(store, resultId, {
    // Kept only for a row that does not exist yet: the first write's kind and unit are the row's.
    kind: before?.kind ?? view.kind,
    unit_id: before?.unit_id ?? view.unitId,
    visible: visible ? 1 : 0,
    published_on: publishedOn,
    view: JSON.stringify(view),
  });
}

async function updateCase(
  tx: ReadModelSql,
  caseId: string,
  change: (view: PublicCaseResult) => PublicCaseResult,
  visibility?: 'publish' | 'withdraw',
): Promise<void> {
  const resultId = `case:${caseId}`;
  const row = await readResult(tx, resultId);
  // A case step without its opening (a history cut short) has nothing public to attach to.
  if (row === null) return;
  const view = change(JSON.parse(row.view) as PublicCaseResult);
  const visible = visibility === undefined ? row.visible === 1 : visibility === 'publish';
  writeResult(tx.store, resultId, view, visible, visibility === 'publish' ? (view.publication?.publishedOn ?? null) : row.published_on);
}

async function applyDocument(tx: ReadModelSql, issued: DocumentIssuedV1): Promise<void> {
  const unit = await tx.get<{ name: string }>(READ_UNIT_NAME, [issued.issuingUnitId]);
  await tx.run(UPSERT_DOCUMENT, [
    issued.documentId,
    issued.number.authorityCode,
    issued.number.year,
    issued.number.serial,
    issued.number.formatted,
    issued.title,
    issued.issuingUnitId,
    unit?.name ?? null,
    issued.issuedOn,
    issued.effectiveFrom,
    issued.validUntil,
    issued.textSha256,
    JSON.stringify(issued.publications.map(({ channel, reference }) => ({ channel, reference }))),
  ]);
}

const emptyDecision = (decisionId: string): PublicDecision => ({
  decisionId,
  title: '',
  decisionOrganUnitId: null,
  leadUnitId: null,
  cooperatingUnitIds: [],
  status: null,
  decision: null,
  publications: [],
  statusChanges: [],
});

async function updateDecision(tx: ReadModelSql, decisionId: string, change: (view: PublicDecision) => PublicDecision): Promise<void> {
  const view = change((await readDecision(tx, decisionId)) ?? emptyDecision(decisionId));
  const visible = view.decision !== null && view.publications.length > 0;
  await tx.run(UPSERT_DECISION, [decisionId, visible ? 1 : 0, view.publications[0]?.publishedOn ?? null, JSON.stringify(view)]);
}

function statusAfter(outcome: DecisionMadeV1['outcome']): PublicDecisionStatus {
  switch (outcome) {
    case 'adopted':
    case 'adopted-with-amendments':
      return 'in-force';
    case 'not-adopted':
      return 'not-adopted';
    case 'deferred':
      return 'deferred';
  }
}

type Handlers = {
  readonly [TType in LedgerEvent['type']]?: (tx: ReadModelSql, event: Extract<LedgerEvent, { type: TType }>) => Promise<void>;
};

async function recordUnitName(tx: ReadModelSql, unitId: string, name: string): Promise<void> {
  await tx.run(UPSERT_UNIT_NAME, [unitId, name]);
}

/** What each event the public views need does to them; every other event leaves them as they are. */
const handlers: Handlers = {
  'unit.registered.v1': async (tx, event) => {
    await recordUnitName(tx, event.data.unitId, event.data.name);
  },
  'unit.renamed.v1': async (tx, event) => {
    await recordUnitName(tx, event.data.unitId, event.data.name);
  },

  // ── 规范性文件 ──
  'document.issued.v1': async (tx, event) => {
    await applyDocument(tx, event.data);
  },
  'document.abolished.v1': async (tx, event) => {
    await tx.run(ABOLISH_DOCUMENT, [event.data.abolishedOn, event.data.replacedByDocumentId, event.data.documentId]);
  },

  // ── 行政执法公示 ──
  'case.opened.v1': (tx, event) => {
    const { caseId, unitId, enforcementKind, party } = event.data;
    const view: PublicCaseResult = {
      kind: 'case',
      caseId,
      unitId,
      enforcementKind,
      party: publicPartyOf(party),
      decision: null,
      decisionChange: null,
      publication: null,
    };
    writeResult(tx.store, `case:${caseId}`, view, false, null);
    return Promise.resolve();
  },
  'case.decided.v1': async (tx, event) => {
    const { decisionNumber, outcome, penalties, legalBasis, decidedOn } = event.data;
    await updateCase(tx, event.data.caseId, (view) => ({ ...view, decision: { decisionNumber, outcome, penalties, legalBasis, decidedOn } }));
  },
  'case.published.v1': async (tx, event) => {
    const { publishedOn, channel, reference, summary } = event.data;
    await updateCase(tx, event.data.caseId, (view) => ({ ...view, publication: { publishedOn, channel, reference, summary } }), 'publish');
  },
  'case.decisionChanged.v1': async (tx, event) => {
    const { change, by, changedOn } = event.data;
    await updateCase(tx, event.data.caseId, (view) => ({ ...view, decisionChange: { change, by, changedOn } }));
  },
  'case.publicationWithdrawn.v1': async (tx, event) => {
    await updateCase(tx, event.data.caseId, (view) => view, 'withdraw');
  },

  // ── 双随机一公开 ──
  'inspection.planned.v1': async (tx, event) => {
    await tx.run(UPSERT_INSPECTION, [event.data.inspectionId, event.data.inspectingUnitId, event.data.matter.title]);
  },
  'inspection.resultsRecorded.v1': async (tx, event) => {
    const { inspectionId, targetId, outcome, inspectedOn, concludedOn } = event.data;
    const plan = await tx.get<{ unit_id: string; matter_title: string }>(READ_INSPECTION, [inspectionId]);
    if (plan === undefined) return;
    const resultId = `inspection:${inspectionId}:${targetId}`;
    const earlier = await readInspectionResult(tx, resultId);
    const view: PublicInspectionResult = {
      kind: 'inspection',
      inspectionId,
      unitId: plan.unit_id,
      matter: plan.matter_title,
      targetId,
      outcome,
      inspectedOn,
      concludedOn,
      publications: earlier?.publications ?? [],
    };
    writeResult(tx.store, resultId, view, view.publications.length > 0, view.publications[0]?.publishedOn ?? null);
  },
  'inspection.resultsPublished.v1': async (tx, event) => {
    const { inspectionId, targetIds, channel, reference, publishedOn } = event.data;
    for (const targetId of targetIds) {
      const resultId = `inspection:${inspectionId}:${targetId}`;
      const earlier = await readInspectionResult(tx, resultId);
      if (earlier === null) continue;
      const view: PublicInspectionResult = { ...earlier, publications: [...earlier.publications, { publishedOn, channel, reference }] };
      writeResult(tx.store, resultId, view, true, view.publications[0]?.publishedOn ?? null);
    }
  },

  // ── 决策公布 ──
  'decision.proposed.v1': async (tx, event) => {
    const { decisionId, title, decisionOrganUnitId, leadUnitId, cooperatingUnitIds } = event.data;
    await updateDecision(tx, decisionId, (view) => ({ ...view, title, decisionOrganUnitId, leadUnitId, cooperatingUnitIds }));
  },
  'decision.made.v1': async (tx, event) => {
    const { decisionId, title, leadUnitId, cooperatingUnitIds, outcome, summary, meeting, legalBasis } = event.data;
    await updateDecision(tx, decisionId, (view) => ({
      ...view,
      // The proposal's title is the matter's name; a decision recorded without a proposal brings its own.
      title: view.title === '' ? title : view.title,
      leadUnitId: view.leadUnitId ?? leadUnitId,
      cooperatingUnitIds: view.leadUnitId === null ? cooperatingUnitIds : view.cooperatingUnitIds,
      status: statusAfter(outcome),
      decision: { outcome, text: summary, decidedOn: meeting.heldOn, meetingKind: meeting.kind, legalBasis },
    }));
  },
  'decision.published.v1': async (tx, event) => {
    const { channel, reference, publishedOn, opinionAdoption } = event.data;
    await updateDecision(tx, event.data.decisionId, (view) => ({
      ...view,
      publications: [...view.publications, { channel, reference, publishedOn, opinionAdoption }],
    }));
  },
  'decision.suspended.v1': async (tx, event) => {
    await updateDecision(tx, event.data.decisionId, (view) => ({
      ...view,
      status: 'suspended',
      statusChanges: [...view.statusChanges, { change: 'suspended', on: event.data.suspendedOn }],
    }));
  },
  'decision.resumed.v1': async (tx, event) => {
    await updateDecision(tx, event.data.decisionId, (view) => ({
      ...view,
      status: 'in-force',
      statusChanges: [...view.statusChanges, { change: 'resumed', on: event.data.resumedOn }],
    }));
  },
  'decision.revoked.v1': async (tx, event) => {
    await updateDecision(tx, event.data.decisionId, (view) => ({
      ...view,
      status: 'revoked',
      statusChanges: [...view.statusChanges, { change: 'revoked', on: event.data.revokedOn }],
    }));
  },
};

async function apply(tx: ReadModelSql, event: LedgerEvent): Promise<void> {
  // The map is keyed by type, so the handler found takes exactly this event's type.
  const handler = handlers[event.type] as ((tx: ReadModelSql, event: LedgerEvent) => Promise<void>) | undefined;
  await handler?.(tx, event);
}

export const publicViewsProjection: Projection = {
  name: 'public',
  version: 1,
  tables: TABLES,
  setup,
  apply,
  endBatch: flushResults,
  forget: forgetResults,
};
