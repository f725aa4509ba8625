import type { Actor, CaseReceivingAuthority, CaseTransferredV1 } from '@quanze/events';
import type { ReadModelDatabase } from '../../projection.js';
import { cachedStatement } from './cached-statement.js';
import { transferDeadlines } from './deadlines.js';
import type { TransferDeadline } from './deadlines.js';
import type { TransferFacts, TransferStage } from './facts.js';
import type { InboxRelation } from './projection.js';

/** The authority whose inbox is read: its unit, and the judicial kinds the caller acts in there. */
export interface InboxOwner {
  readonly unitId: string;
  readonly kinds: readonly CaseReceivingAuthority['kind'][];
}

export interface InboxQuery extends InboxOwner {
  readonly stage?: TransferStage | undefined;
  readonly limit: number;
  /** The `lastEvent.position` of the last item of the previous page: the page goes on below it. */
  readonly before?: number | null | undefined;
}

/** One transfer as its receiving authority's inbox lists it. */
export interface InboxItem {
  readonly caseId: string;
  readonly transferId: string;
  /** How this authority came to hold it. */
  readonly relation: InboxRelation;
  readonly stage: TransferStage;
  /** The authority that holds it now (after forwards). */
  readonly currentAuthority: CaseReceivingAuthority | null;
  /** 移送机关 */
  readonly sendingUnitId: string | null;
  readonly receivingAuthority: CaseReceivingAuthority | null;
  readonly suspectedOffence: string | null;
  readonly approvedBy: string | null;
  readonly approvedAt: string | null;
  readonly dispatchedAt: string | null;
  /** 第6条: the materials sent, each fixed by its SHA-256. */
  readonly materials: CaseTransferredV1['materials'];
  /** The time limits of 310号 that have started, as dates (whether they were kept is for the flags). */
  readonly deadlines: readonly TransferDeadline[];
  readonly lastEvent: { readonly type: string; readonly occurredAt: string; readonly position: number };
}

export interface InboxPage {
  readonly items: readonly InboxItem[];
  /** The `before` of the next page; null on the last page. */
  readonly nextBefore: number | null;
}

export interface TransferEventEntry {
  readonly position: number;
  readonly type: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  /** Who recorded it, with post and unit as they were. */
  readonly recordedBy: Actor;
  /** The event's data without `caseId` and `transferId`. */
  readonly data: Readonly<Record<string, unknown>>;
}

export interface InboxTransferDetail extends InboxItem {
  readonly facts: TransferFacts;
  /** Every event of the transfer, in the order the ledger recorded them. */
  readonly events: readonly TransferEventEntry[];
}

interface InboxRow {
  readonly case_id: string;
  readonly transfer_id: string;
  readonly relation: InboxRelation;
  readonly stage: TransferStage;
  readonly current_unit_id: string | null;
  readonly current_kind: CaseReceivingAuthority['kind'] | null;
  readonly last_position: number;
  readonly last_event_type: string;
  readonly last_event_at: string;
  readonly facts: string;
}

/** The inbox rows with their transfers; `index` names the inbox index to walk, where the planner must not guess. */
function selectInbox(index: 'transfers_inbox_by_unit' | 'transfers_inbox_by_unit_stage' | null): string {
  return `SELECT i.case_id, i.transfer_id, i.relation, t.stage, t.current_unit_id, t.current_kind, t.last_position,
    t.last_event_type, t.last_event_at, t.facts
    FROM transfers_inbox i ${index === null ? '' : `INDEXED BY ${index}`}
    JOIN transfers_transfer t ON t.case_id = i.case_id AND t.transfer_id = i.transfer_id`;
}

function kindPlaceholders(kinds: readonly string[]): string {
  return kinds.map(() => '?').join(', ');
}

function itemOf(row: InboxRow): InboxItem & { readonly facts: TransferFacts } {
  const facts = JSON.parse(row.facts) as TransferFacts;
  return {
    caseId: row.case_id,
    transferId: row.transfer_id,
    relation: row.relation,
    stage: row.stage,
    currentAuthority: row.current_unit_id === null || row.current_kind === null ? null : { unitId: row.current_unit_id, kind: row.current_kind },
    sendingUnitId: facts.fromUnitId,
    receivingAuthority: facts.receivingAuthority,
    suspectedOffence: facts.suspectedOffence,
    approvedBy: facts.approvedBy,
    approvedAt: facts.approvedAt,
    dispatchedAt: facts.dispatchedAt,
    materials: facts.materials,
    deadlines: transferDeadlines(facts),
    lastEvent: { type: row.last_event_type, occurredAt: row.last_event_at, position: row.last_position },
    facts,
  };
}

/**
 * The transfers an authority received (移送案件收件箱), latest activity first: sent or forwarded to it, forwarded on
 * by it, or put to it for supervision. Only transfers that reached this unit *as one of the given kinds*: a
 * court's inbox never holds what went to public security, even in the same unit id.
 */
export function listTransferInbox(db: ReadModelDatabase, query: InboxQuery): InboxPage {
  if (query.kinds.length === 0) return { items: [], nextBefore: null };
  const conditions = [`i.unit_id = ?`, `i.kind IN (${kindPlaceholders(query.kinds)})`, 'i.last_position < ?'];
  const parameters: (string | number)[] = [query.unitId, ...query.kinds, query.before ?? Number.MAX_SAFE_INTEGER];
  if (query.stage !== undefined) {
    conditions.push('i.stage = ?');
    parameters.push(query.stage);
  }
  const index = query.stage === undefined ? 'transfers_inbox_by_unit' : 'transfers_inbox_by_unit_stage';
  const rows = cachedStatement<(string | number)[], InboxRow>(
    db,
    `${selectInbox(index)} WHERE ${conditions.join(' AND ')} ORDER BY i.last_position DESC LIMIT ?`,
  ).all(...parameters, query.limit + 1);
  const page = rows.slice(0, query.limit).map((row) => {
    const { facts: _facts, ...item } = itemOf(row);
    return item;
  });
  return { items: page, nextBefore: rows.length > query.limit ? (page.at(-1)?.lastEvent.position ?? null) : null };
}

/** One transfer of the authority's inbox with its facts and events; null when it is not in that inbox. */
export function getInboxTransfer(db: ReadModelDatabase, owner: InboxOwner, caseId: string, transferId: string): InboxTransferDetail | null {
  if (owner.kinds.length === 0) return null;
  const row = cachedStatement<string[], InboxRow>(
    db,
    `${selectInbox(null)} WHERE i.unit_id = ? AND i.kind IN (${kindPlaceholders(owner.kinds)}) AND i.case_id = ? AND i.transfer_id = ? LIMIT 1`,
  ).get(owner.unitId, ...owner.kinds, caseId, transferId);
  if (row === undefined) return null;
  const events = cachedStatement<[string, string], { position: number; type: string; occurred_at: string; recorded_at: string; actor: string; data: string }>(
    db,
    'SELECT position, type, occurred_at, recorded_at, actor, data FROM transfers_event WHERE case_id = ? AND transfer_id = ? ORDER BY position',
  )
    .all(caseId, transferId)
    .map((event) => ({
      position: event.position,
      type: event.type,
      occurredAt: event.occurred_at,
      recordedAt: event.recorded_at,
      recordedBy: JSON.parse(event.actor) as Actor,
      data: JSON.parse(event.data) as Record<string, unknown>,
    }));
  return { ...itemOf(row), events };
}
