import type { LedgerEvent } from '../../ledger-event.js';
import type { Projection } from '../../projection.js';
import type { ReadModelSql } from '../../read-model-store.js';
import type { TransferFacts, TransferHolder, TransferStage } from './facts.js';
import { emptyTransferFacts } from './facts.js';

/**
 * 移送案件收件箱: the transfers of suspected crimes (行政执法与刑事司法衔接, 国务院令第310号) by the authority that
 * received them. One row per transfer with its facts; one inbox row per authority (unit and kind) it reached —
 * the addressee, each authority it was forwarded to, and the procuratorate asked to supervise it; and the transfer's
 * own events, for the detail view.
 *
 * Tables:
 * - `transfers_case`: the handling unit of every case, for transfers reported before they are sent.
 * - `transfers_transfer`: stage, current holder, the position of its last event, and the facts as JSON.
 * - `transfers_inbox`: (unit, kind) → transfer, with how the unit came to hold it, its stage and the last event's
 *   position, indexed for "this unit's transfers (at this stage), latest activity first".
 * - `transfers_event`: every event of a transfer, in position order.
 */
export type InboxRelation =
  | 'addressee' // sent or forwarded to this authority, which holds it now
  | 'forwarded-on' // it passed through this authority, which forwarded it (第7条)
  | 'supervision'; // the procuratorate asked to supervise it (第9条)

const TABLES = ['transfers_case', 'transfers_transfer', 'transfers_inbox', 'transfers_event'] as const;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS transfers_case (
    case_id TEXT PRIMARY KEY,
    unit_id TEXT NOT NULL
  ) STRICT;
  CREATE TABLE IF NOT EXISTS transfers_transfer (
    case_id TEXT NOT NULL,
    transfer_id TEXT NOT NULL,
    stage TEXT NOT NULL,
    current_unit_id TEXT,
    current_kind TEXT,
    last_position INTEGER NOT NULL,
    last_event_type TEXT NOT NULL,
    last_event_at TEXT NOT NULL,
    facts TEXT NOT NULL,
    PRIMARY KEY (case_id, transfer_id)
  ) STRICT;
  CREATE TABLE IF NOT EXISTS transfers_inbox (
    unit_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    case_id TEXT NOT NULL,
    transfer_id TEXT NOT NULL,
    relation TEXT NOT NULL,
    stage TEXT NOT NULL,
    since_position INTEGER NOT NULL,
    last_position INTEGER NOT NULL,
    PRIMARY KEY (unit_id, kind, case_id, transfer_id)
  ) STRICT;
  CREATE INDEX IF NOT EXISTS transfers_inbox_by_unit ON transfers_inbox (unit_id, last_position);
  CREATE INDEX IF NOT EXISTS transfers_inbox_by_unit_stage ON transfers_inbox (unit_id, stage, last_position);
  CREATE INDEX IF NOT EXISTS transfers_inbox_by_transfer ON transfers_inbox (case_id, transfer_id);
  CREATE TABLE IF NOT EXISTS transfers_event (
    case_id TEXT NOT NULL,
    transfer_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    type TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (case_id, transfer_id, position)
  ) STRICT;
`;

interface TransferRow {
  readonly stage: TransferStage;
  readonly facts: string;
}

type TransferEvent = Extract<LedgerEvent, { data: { caseId: string; transferId: string } }>;

const TRANSFER_EVENT_TYPES: ReadonlySet<string> = new Set<TransferEvent['type']>([
  'case.transferReported.v1',
  'case.transferApproved.v1',
  'case.transferRefused.v1',
  'case.transferred.v1',
  'case.transferReceived.v1',
  'case.transferForwarded.v1',
  'case.transferAccepted.v1',
  'case.transferReturned.v1',
  'case.reconsiderationRequested.v1',
  'case.reconsiderationAnswered.v1',
  'case.supervisionRequested.v1',
  'case.seizedItemsHandedOver.v1',
]);

function isTransferEvent(event: LedgerEvent): event is TransferEvent {
  return TRANSFER_EVENT_TYPES.has(event.type);
}

/** Replaces the last holder of the path (the authority holding the transfer now). */
function withLastHolder(facts: TransferFacts, change: (holder: TransferHolder) => TransferHolder): TransferFacts {
  const last = facts.path.at(-1);
  if (last === undefined) return facts;
  return { ...facts, path: [...facts.path.slice(0, -1), change(last)] };
}

function newHolder(unitId: string, kind: TransferHolder['kind'], sentAt: string): TransferHolder {
  return { unitId, kind, sentAt, receivedAt: null, receivedBy: null, receiptNumber: null, forwardedAt: null, forwardedBy: null, forwardReasons: null };
}

/** The new facts and stage after one event; the stage stays where the event does not move it. */
function evolve(facts: TransferFacts, stage: TransferStage, event: TransferEvent): { facts: TransferFacts; stage: TransferStage } {
  switch (event.type) {
    case 'case.transferReported.v1': {
      const { receivingAuthority, suspectedOffence, reportingOfficerIds, reportedAt } = event.data;
      return { facts: { ...facts, receivingAuthority, suspectedOffence, reportingOfficerIds, reportedAt }, stage: 'reported' };
    }
    case 'case.transferApproved.v1':
      return { facts: { ...facts, approvedBy: event.data.approvedBy, approvedAt: event.data.approvedAt }, stage: 'approved' };
    case 'case.transferRefused.v1': {
      const { refusedBy, refusedAt, reasons } = event.data;
      return { facts: { ...facts, refusal: { refusedBy, refusedAt, reasons } }, stage: 'refused' };
    }
    case 'case.transferred.v1': {
      const data = event.data;
      return {
        facts: {
          ...facts,
          fromUnitId: data.fromUnitId,
          receivingAuthority: data.receivingAuthority,
          suspectedOffence: data.suspectedOffence,
          reportingOfficerIds: data.reportingOfficerIds,
          approvedBy: data.approvedBy,
          approvedAt: data.approvedAt,
          dispatchedAt: event.occurredAt,
          materials: data.materials,
          path: [newHolder(data.receivingAuthority.unitId, data.receivingAuthority.kind, event.occurredAt)],
        },
        stage: 'sent',
      };
    }
    case 'case.transferReceived.v1': {
      const { receivedAt, receivedBy, receiptNumber } = event.data;
      return { facts: withLastHolder(facts, (holder) => ({ ...holder, receivedAt, receivedBy, receiptNumber })), stage: 'received' };
    }
    case 'case.transferForwarded.v1': {
      const { to, forwardedAt, forwardedBy, reasons } = event.data;
      const forwarded = withLastHolder(facts, (holder) => ({ ...holder, forwardedAt, forwardedBy, forwardReasons: reasons }));
      return { facts: { ...forwarded, path: [...forwarded.path, newHolder(to.unitId, to.kind, forwardedAt)] }, stage: 'forwarded' };
    }
    case 'case.transferAccepted.v1': {
      const { unitId, acceptedBy, criminalCaseNumber, acceptedAt } = event.data;
      return { facts: { ...facts, acceptedAt, acceptance: { unitId, acceptedBy, criminalCaseNumber } }, stage: 'accepted' };
    }
    case 'case.transferReturned.v1': {
      const { unitId, returnedBy, reasons, returnedAt } = event.data;
      return { facts: { ...facts, returnedAt, return: { unitId, returnedBy, reasons } }, stage: 'returned' };
    }
    case 'case.reconsiderationRequested.v1':
      return {
        facts: { ...facts, reconsideration: { requestedAt: event.data.requestedAt, reasons: event.data.reasons, answer: null } },
        stage: 'reconsideration-requested',
      };
    case 'case.reconsiderationAnswered.v1': {
      const { answeredAt, answeredBy, outcome, reasons } = event.data;
      const requested = facts.reconsideration ?? { requestedAt: answeredAt, reasons: '' };
      return {
        facts: { ...facts, reconsideration: { requestedAt: requested.requestedAt, reasons: requested.reasons, answer: { answeredAt, answeredBy, outcome, reasons } } },
        stage: outcome === 'case-opened' ? 'accepted' : 'refusal-upheld',
      };
    }
    case 'case.supervisionRequested.v1': {
      const { requestedAt, procuratorateUnitId, reasons } = event.data;
      return { facts: { ...facts, supervision: { requestedAt, procuratorateUnitId, reasons } }, stage: 'supervision-requested' };
    }
    case 'case.seizedItemsHandedOver.v1': {
      const { handedOverOn, receivedBy, inventorySha256 } = event.data;
      return { facts: { ...facts, seizedItems: { handedOverOn, receivedBy, inventorySha256 } }, stage };
    }
  }
}

/** Which inbox rows an event adds: the authority it reaches, if it reaches one. */
function reached(event: TransferEvent): { unitId: string; kind: string; relation: InboxRelation } | null {
  if (event.type === 'case.transferred.v1') return { ...event.data.receivingAuthority, relation: 'addressee' };
  if (event.type === 'case.transferForwarded.v1') return { ...event.data.to, relation: 'addressee' };
  if (event.type === 'case.supervisionRequested.v1') return { unitId: event.data.procuratorateUnitId, kind: 'procuratorate', relation: 'supervision' };
  return null;
}

const UPSERT_CASE = 'INSERT INTO transfers_case (case_id, unit_id) VALUES (?, ?) ON CONFLICT (case_id) DO UPDATE SET unit_id = excluded.unit_id';
const SELECT_TRANSFER = 'SELECT stage, facts FROM transfers_transfer WHERE case_id = ? AND transfer_id = ?';
const SELECT_CASE_UNIT = 'SELECT unit_id FROM transfers_case WHERE case_id = ?';
const UPSERT_TRANSFER = `INSERT INTO transfers_transfer (case_id, transfer_id, stage, current_unit_id, current_kind, last_position, last_event_type, last_event_at, facts)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (case_id, transfer_id) DO UPDATE SET stage = excluded.stage, current_unit_id = excluded.current_unit_id,
    current_kind = excluded.current_kind, last_position = excluded.last_position, last_event_type = excluded.last_event_type,
    last_event_at = excluded.last_event_at, facts = excluded.facts`;
const INSERT_EVENT = 'INSERT INTO transfers_event (case_id, transfer_id, position, type, occurred_at, recorded_at, actor, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)';
const FORWARDED_ON = `UPDATE transfers_inbox SET relation = 'forwarded-on' WHERE case_id = ? AND transfer_id = ? AND unit_id = ? AND relation = 'addressee'`;
// A unit reached twice keeps one row: sent or forwarded to it again, it is the addressee; asked to supervise a
// transfer it already holds, it keeps its relation.
const REACH_INBOX = `INSERT INTO transfers_inbox (unit_id, kind, case_id, transfer_id, relation, stage, since_position, last_position) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (unit_id, kind, case_id, transfer_id) DO UPDATE SET
    relation = CASE WHEN excluded.relation = 'addressee' THEN 'addressee' ELSE transfers_inbox.relation END`;
const UPDATE_INBOX = 'UPDATE transfers_inbox SET stage = ?, last_position = ? WHERE case_id = ? AND transfer_id = ?';

async function apply(tx: ReadModelSql, event: LedgerEvent): Promise<void> {
  if (event.type === 'case.opened.v1') {
    await tx.run(UPSERT_CASE, [event.data.caseId, event.data.unitId]);
    return;
  }
  if (!isTransferEvent(event)) return;
  const { caseId, transferId } = event.data;
  const row = await tx.get<TransferRow>(SELECT_TRANSFER, [caseId, transferId]);
  let before: TransferFacts;
  if (row === undefined) {
    const unit = await tx.get<{ unit_id: string }>(SELECT_CASE_UNIT, [caseId]);
    before = emptyTransferFacts(caseId, transferId, unit?.unit_id ?? null);
  } else {
    before = JSON.parse(row.facts) as TransferFacts;
  }
  const { facts, stage } = evolve(before, row?.stage ?? 'reported', event);
  const holder = facts.path.at(-1);
  await tx.run(UPSERT_TRANSFER, [
    caseId,
    transferId,
    stage,
    holder?.unitId ?? null,
    holder?.kind ?? null,
    event.position,
    event.type,
    event.occurredAt,
    JSON.stringify(facts),
  ]);

  const { caseId: _caseId, transferId: _transferId, ...data } = event.data;
  await tx.run(INSERT_EVENT, [caseId, transferId, event.position, event.type, event.occurredAt, event.recordedAt, JSON.stringify(event.actor), JSON.stringify(data)]);

  if (event.type === 'case.transferForwarded.v1') await tx.run(FORWARDED_ON, [caseId, transferId, event.data.fromUnitId]);
  const authority = reached(event);
  if (authority !== null) {
    await tx.run(REACH_INBOX, [authority.unitId, authority.kind, caseId, transferId, authority.relation, stage, event.position, event.position]);
  }
  // Stage and last position are copied to every inbox row of the transfer, so that a unit's inbox is listed, and
  // filtered by stage, from its own index.
  await tx.run(UPDATE_INBOX, [stage, event.position, caseId, transferId]);
}

export const transfersProjection: Projection = {
  name: 'transfers',
  version: 1,
  tables: TABLES,
  async setup(tx) {
    await tx.exec(SCHEMA);
  },
  apply,
};
