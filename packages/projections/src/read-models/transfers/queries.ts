import type { Actor, CaseReceivingAuthority, CaseTransferredV1 } from '@quanze/events';
import type { ReadModelSql } from '../../read-model-store.js';
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
  /** The `next` of the previous page; none for the first page. */
  readonly after?: InboxCursor | null | undefined;
}

/**
 * Where a page ended, in the inbox as it stood when the first page was read. The inbox is ordered by each
 * transfer's latest activity, which moves: a transfer answered between two pages would jump to the top and be
 * skipped. So the pages after the first list the inbox as of the first page — every transfer at the place it had
 * then — and a transfer that reached the inbox since is on the next first page.
 */
export interface InboxCursor {
  /** The inbox's latest position when its first page was read. */
  readonly asOf: number;
  /** The last item's place: the position of its last event as of `asOf`, and the kind it was received as. */
  readonly position: number;
  readonly kind: CaseReceivingAuthority['kind'];
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
  /**
   * The position of the transfer's `case.transferred.v1` (移送) in the ledger, null before it was sent: with the
   * smallest signed checkpoint that covers it, what a court names to ask for the case's bundle. (The event cannot
   * hold its own position; the read model adds it.)
   */
  readonly transferPosition: number | null;
}

export interface InboxPage {
  readonly items: readonly InboxItem[];
  /** The `after` of the next page; null on the last page. */
  readonly next: InboxCursor | null;
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
  readonly kind: CaseReceivingAuthority['kind'];
  readonly relation: InboxRelation;
  readonly stage: TransferStage;
  readonly current_unit_id: string | null;
  readonly current_kind: CaseReceivingAuthority['kind'] | null;
  readonly last_position: number;
  readonly last_event_type: string;
  readonly last_event_at: string;
  readonly facts: string;
  readonly transfer_position: number | null;
}

/** The inbox rows with their transfers; `index` names the inbox index to walk, where the planner must not guess. */
function selectInbox(index: 'transfers_inbox_by_unit' | 'transfers_inbox_by_unit_stage' | null, extraColumns = ''): string {
  return `SELECT i.case_id, i.transfer_id, i.kind, i.relation, t.stage, t.current_unit_id, t.current_kind, t.last_position,
    t.last_event_type, t.last_event_at, t.facts,
    (SELECT min(e.position) FROM transfers_event e
      WHERE e.case_id = i.case_id AND e.transfer_id = i.transfer_id AND e.type = 'case.transferred.v1') AS transfer_position${extraColumns}
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
    transferPosition: row.transfer_position,
    facts,
  };
}

/** A row's place in the inbox as of the first page: its last event's position then, and its kind for a tie. */
interface Placed {
  readonly row: InboxRow;
  readonly position: number;
}

const byPlaceDescending = (a: Placed, b: Placed): number => b.position - a.position || (a.row.kind < b.row.kind ? 1 : a.row.kind > b.row.kind ? -1 : 0);

// The SQL is the same on both databases: PostgreSQL's store drops `INDEXED BY`, and the columns paged and sorted on
// (last_position, kind) are never NULL, their text compared by code point in both (BINARY, COLLATE "C").

/** The inbox's latest position now: where the pages after the first stand. */
const INBOX_HEAD = 'SELECT max(last_position) AS position FROM transfers_inbox INDEXED BY transfers_inbox_by_unit WHERE unit_id = ?';

const TRANSFER_EVENTS = 'SELECT position, type, occurred_at, recorded_at, actor, data FROM transfers_event WHERE case_id = ? AND transfer_id = ? ORDER BY position';

interface EventRow {
  readonly position: number;
  readonly type: string;
  readonly occurred_at: string;
  readonly recorded_at: string;
  readonly actor: string;
  readonly data: string;
}

/**
 * The transfers an authority received (移送案件收件箱), latest activity first: sent or forwarded to it, forwarded on
 * by it, or put to it for supervision. Only transfers that reached this unit *as one of the given kinds*: a
 * court's inbox never holds what went to public security, even in the same unit id.
 *
 * The first page is the inbox now; the pages after it are the inbox as it stood then (see InboxCursor), read as
 * two ranges of the unit's index: the rows unchanged since, below the cursor, and the few rows changed since, each
 * put back at the position of its last event by then. Items always show the transfer as it is now.
 */
export async function listTransferInbox(q: ReadModelSql, query: InboxQuery): Promise<InboxPage> {
  if (query.kinds.length === 0) return { items: [], next: null };
  const after = query.after ?? null;
  const asOf = after?.asOf ?? (await q.get<{ position: number | null }>(INBOX_HEAD, [query.unitId]))?.position ?? 0;
  const index = query.stage === undefined ? 'transfers_inbox_by_unit' : 'transfers_inbox_by_unit_stage';
  const owner = [`i.unit_id = ?`, `i.kind IN (${kindPlaceholders(query.kinds)})`, ...(query.stage === undefined ? [] : ['i.stage = ?'])];
  const ownerParameters: string[] = [query.unitId, ...query.kinds, ...(query.stage === undefined ? [] : [query.stage])];

  // Unchanged since the first page (any row, on the first page): below the cursor by its last position.
  const unchanged = (
    await q.all<InboxRow>(
      `${selectInbox(index)} WHERE ${[...owner, 'i.last_position <= ?', '(i.last_position < ? OR i.kind < ?)'].join(' AND ')}
       ORDER BY i.last_position DESC, i.kind DESC LIMIT ?`,
      [...ownerParameters, after?.position ?? asOf, after?.position ?? Number.MAX_SAFE_INTEGER, after?.kind ?? '', query.limit + 1],
    )
  ).map((row): Placed => ({ row, position: row.last_position }));

  // Changed since the first page, and in the inbox by then: at the position of their last event as of then.
  const changed =
    after === null
      ? []
      : (
          await q.all<InboxRow & { readonly position_then: number }>(
            `SELECT * FROM (${selectInbox(
              index,
              `, (SELECT max(e.position) FROM transfers_event e WHERE e.case_id = i.case_id AND e.transfer_id = i.transfer_id AND e.position <= ?)
                 AS position_then`,
            )}
             WHERE ${[...owner, 'i.last_position > ?', 'i.since_position <= ?'].join(' AND ')}) AS inbox_then
             WHERE position_then < ? OR (position_then = ? AND kind < ?)`,
            [after.asOf, ...ownerParameters, after.asOf, after.asOf, after.position, after.position, after.kind],
          )
        ).map((row): Placed => ({ row, position: row.position_then }));

  const placed = [...unchanged, ...changed].sort(byPlaceDescending).slice(0, query.limit + 1);
  const page = placed.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map(({ row }) => {
      const { facts: _facts, ...item } = itemOf(row);
      return item;
    }),
    next: placed.length > query.limit && last !== undefined ? { asOf, position: last.position, kind: last.row.kind } : null,
  };
}

/** One transfer of the authority's inbox with its facts and events; null when it is not in that inbox. */
export async function getInboxTransfer(q: ReadModelSql, owner: InboxOwner, caseId: string, transferId: string): Promise<InboxTransferDetail | null> {
  if (owner.kinds.length === 0) return null;
  const row = await q.get<InboxRow>(
    `${selectInbox(null)} WHERE i.unit_id = ? AND i.kind IN (${kindPlaceholders(owner.kinds)}) AND i.case_id = ? AND i.transfer_id = ? LIMIT 1`,
    [owner.unitId, ...owner.kinds, caseId, transferId],
  );
  if (row === undefined) return null;
  const events = (await q.all<EventRow>(TRANSFER_EVENTS, [caseId, transferId])).map(
    (event): TransferEventEntry => ({
      position: event.position,
      type: event.type,
      occurredAt: event.occurred_at,
      recordedAt: event.recorded_at,
      recordedBy: JSON.parse(event.actor) as Actor,
      data: JSON.parse(event.data) as Record<string, unknown>,
    }),
  );
  return { ...itemOf(row), events };
}
