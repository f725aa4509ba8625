import type { ReadModelSql } from '../../read-model-store.js';

// Pure queries over the organisation read model. "Today" is what the ledger knows now: a unit merged is merged,
// whatever the day of the merger; a day, where a question is about a day, is a China calendar day (YYYY-MM-DD).

export interface UnitNameRecord {
  readonly name: string;
  /** 机关代字 with that name, or null. */
  readonly code: string | null;
  readonly fromOn: string;
}

export interface UnitEnding {
  readonly how: 'merged' | 'dissolved';
  readonly on: string;
  readonly successorUnitId: string | null;
}

export interface UnitRecord {
  readonly unitId: string;
  readonly kind: string;
  readonly parentUnitId: string | null;
  readonly establishedOn: string;
  /** The latest name and code. */
  readonly name: string;
  readonly code: string | null;
  /** Every name the unit held, oldest first. */
  readonly names: readonly UnitNameRecord[];
  readonly ending: UnitEnding | null;
}

export interface SuccessorStep {
  readonly unitId: string;
  readonly name: string;
  /** How the unit before it in the chain ended. */
  readonly via: 'merged' | 'dissolved';
  readonly on: string;
}

/** Who answers today for what a unit answered for (责任随机构改革转移), as services/organization words it. */
export interface AnsweringToday {
  readonly unitId: string;
  /** The units that took over, in order, ending with the one answering today (if any). */
  readonly successorChain: readonly SuccessorStep[];
  readonly responsibleToday: { readonly unitId: string; readonly name: string } | null;
  readonly chainEnds: 'live' | 'dissolved-without-successor' | 'successor-not-registered' | 'loop' | 'unit-not-registered';
}

export interface Tenure {
  readonly personId: string;
  readonly postId: string;
  /** 职位名称, null for a post the ledger never saw established. */
  readonly postTitle: string | null;
  readonly unitId: string;
  /** The unit's name on the first day of the tenure. */
  readonly unitNameThen: string | null;
  readonly fromOn: string;
  /** The day of the removal (the post is free from that day), null while held. */
  readonly toOn: string | null;
  readonly removalReason: string | null;
}

export interface PersonNow {
  /** `in-post`: holds at least one post; `retired` (退休); `no-post`: registered, holds nothing; `unknown`: not in the chart. */
  readonly status: 'in-post' | 'retired' | 'no-post' | 'unknown';
  readonly posts: readonly {
    readonly postId: string;
    readonly postTitle: string | null;
    readonly unitId: string;
    readonly unitName: string | null;
    readonly sinceOn: string;
    /**
     * Who answers today for the post's unit: itself while it lives; after a merger (which closes no tenure) or a
     * dissolution, the successor it passed to — so a post in a merged unit never reads as a live one.
     */
    readonly unitAnsweringToday: Omit<AnsweringToday, 'unitId'>;
  }[];
  readonly retiredOn: string | null;
}

export interface PersonRecord {
  readonly personId: string;
  /** null for a person the chart does not know (an outside expert, a made-up id). */
  readonly name: string | null;
  readonly tenures: readonly Tenure[];
  readonly now: PersonNow;
}

interface UnitRow {
  unit_id: string;
  kind: string;
  parent_unit_id: string | null;
  established_on: string;
  ending: 'merged' | 'dissolved' | null;
  ended_on: string | null;
  successor_unit_id: string | null;
}

interface NameRow {
  name: string;
  code: string | null;
  from_on: string;
}

interface TenureRow {
  person_id: string;
  post_id: string;
  unit_id: string;
  from_on: string;
  to_on: string | null;
  removal_reason: string | null;
  title: string | null;
}

export async function getUnit(q: ReadModelSql, unitId: string): Promise<UnitRecord | null> {
  const row = await q.get<UnitRow>(
    `SELECT unit_id, kind, parent_unit_id, established_on, ending, ended_on, successor_unit_id FROM organization_units WHERE unit_id = ?`,
    [unitId],
  );
  if (row === undefined) return null;
  const names = (await q.all<NameRow>(`SELECT name, code, from_on FROM organization_unit_names WHERE unit_id = ? ORDER BY position`, [unitId])).map(
    (name) => ({ name: name.name, code: name.code, fromOn: name.from_on }),
  );
  const latest = names.at(-1);
  return {
    unitId: row.unit_id,
    kind: row.kind,
    parentUnitId: row.parent_unit_id,
    establishedOn: row.established_on,
    name: latest?.name ?? row.unit_id,
    code: latest?.code ?? null,
    names,
    ending: row.ending === null || row.ended_on === null ? null : { how: row.ending, on: row.ended_on, successorUnitId: row.successor_unit_id },
  };
}

/** The unit's name and code on a day: the latest rename in effect by then (its first name before it existed). */
export async function unitNameOn(q: ReadModelSql, unitId: string, day: string): Promise<UnitNameRecord | null> {
  const row =
    (await q.get<NameRow>(
      `SELECT name, code, from_on FROM organization_unit_names WHERE unit_id = ? AND from_on <= ? ORDER BY from_on DESC, position DESC LIMIT 1`,
      [unitId, day],
    )) ?? (await q.get<NameRow>(`SELECT name, code, from_on FROM organization_unit_names WHERE unit_id = ? ORDER BY position LIMIT 1`, [unitId]));
  return row === undefined ? null : { name: row.name, code: row.code, fromOn: row.from_on };
}

/**
 * Follows mergers and dissolutions to the live successor. Chains written by services/organization cannot loop,
 * but events can also come from imports; the walk stops at a unit it has seen.
 */
export async function unitAnsweringToday(q: ReadModelSql, unitId: string): Promise<AnsweringToday> {
  let current = await getUnit(q, unitId);
  if (current === null) return { unitId, successorChain: [], responsibleToday: null, chainEnds: 'unit-not-registered' };
  const chain: SuccessorStep[] = [];
  const seen = new Set([unitId]);
  while (current.ending !== null) {
    const { successorUnitId, how, on } = current.ending;
    if (successorUnitId === null) return { unitId, successorChain: chain, responsibleToday: null, chainEnds: 'dissolved-without-successor' };
    if (seen.has(successorUnitId)) return { unitId, successorChain: chain, responsibleToday: null, chainEnds: 'loop' };
    seen.add(successorUnitId);
    const next = await getUnit(q, successorUnitId);
    if (next === null) return { unitId, successorChain: chain, responsibleToday: null, chainEnds: 'successor-not-registered' };
    chain.push({ unitId: next.unitId, name: next.name, via: how, on });
    current = next;
  }
  return { unitId, successorChain: chain, responsibleToday: { unitId: current.unitId, name: current.name }, chainEnds: 'live' };
}

/** The unit and every unit merged or dissolved into it, directly or through others: whose records it answers for today. */
export async function unitWithPredecessors(q: ReadModelSql, unitId: string): Promise<string[]> {
  // Seeded from the table rather than the parameter, a predecessor's successor standing in for a unit never
  // registered: the recursion's column then has the table's type (and, on PostgreSQL, its collation) in both terms.
  const rows = await q.all<{ unit_id: string }>(
    `WITH RECURSIVE lineage(unit_id) AS (
       SELECT unit_id FROM organization_units WHERE unit_id = ?
       UNION
       SELECT successor_unit_id FROM organization_units WHERE successor_unit_id = ?
       UNION
       SELECT u.unit_id FROM organization_units u JOIN lineage l ON u.successor_unit_id = l.unit_id
     )
     SELECT unit_id FROM lineage`,
    [unitId, unitId],
  );
  const lineage = rows.map((row) => row.unit_id);
  return lineage.includes(unitId) ? lineage : [unitId, ...lineage];
}

function tenureRows(q: ReadModelSql, personId: string): Promise<TenureRow[]> {
  return q.all<TenureRow>(
    `SELECT t.person_id, t.post_id, t.unit_id, t.from_on, t.to_on, t.removal_reason, p.title
     FROM organization_tenures t LEFT JOIN organization_posts p ON p.post_id = t.post_id
     WHERE t.person_id = ? ORDER BY t.appointed_position`,
    [personId],
  );
}

/** Every tenure of a person, oldest first, with the post's title and the unit's name when the tenure began. */
export async function tenuresOf(q: ReadModelSql, personId: string): Promise<Tenure[]> {
  const tenures: Tenure[] = [];
  for (const row of await tenureRows(q, personId)) {
    tenures.push({
      personId: row.person_id,
      postId: row.post_id,
      postTitle: row.title,
      unitId: row.unit_id,
      unitNameThen: (await unitNameOn(q, row.unit_id, row.from_on))?.name ?? null,
      fromOn: row.from_on,
      toOn: row.to_on,
      removalReason: row.removal_reason,
    });
  }
  return tenures;
}

/** The tenures that covered a day: appointed on or before it, not yet removed on it (a hand-over day is the successor's). */
export function tenuresOn(tenures: readonly Tenure[], day: string): Tenure[] {
  return tenures.filter((tenure) => tenure.fromOn <= day && (tenure.toOn === null || tenure.toOn > day));
}

export async function personNow(q: ReadModelSql, personId: string, known?: readonly Tenure[]): Promise<PersonNow> {
  const tenures = known ?? (await tenuresOf(q, personId));
  const person = await q.get<{ retired_on: string | null }>(`SELECT retired_on FROM organization_persons WHERE person_id = ?`, [personId]);
  const posts: PersonNow['posts'][number][] = [];
  for (const tenure of tenures) {
    if (tenure.toOn !== null) continue;
    const unit = await getUnit(q, tenure.unitId);
    const { unitId: _unitId, ...answering } = await unitAnsweringToday(q, tenure.unitId);
    posts.push({
      postId: tenure.postId,
      postTitle: tenure.postTitle,
      unitId: tenure.unitId,
      unitName: unit?.name ?? null,
      sinceOn: tenure.fromOn,
      unitAnsweringToday: answering,
    });
  }
  const retiredOn = person?.retired_on ?? null;
  let status: PersonNow['status'] = 'no-post';
  if (person === undefined && tenures.length === 0) status = 'unknown';
  else if (posts.length > 0) status = 'in-post';
  else if (retiredOn !== null) status = 'retired';
  return { status, posts, retiredOn };
}

export async function personName(q: ReadModelSql, personId: string): Promise<string | null> {
  return (await q.get<{ name: string }>(`SELECT name FROM organization_persons WHERE person_id = ?`, [personId]))?.name ?? null;
}

export async function getPerson(q: ReadModelSql, personId: string): Promise<PersonRecord> {
  const tenures = await tenuresOf(q, personId);
  return { personId, name: await personName(q, personId), tenures, now: await personNow(q, personId, tenures) };
}

export async function postTitle(q: ReadModelSql, postId: string): Promise<string | null> {
  return (await q.get<{ title: string }>(`SELECT title FROM organization_posts WHERE post_id = ?`, [postId]))?.title ?? null;
}
