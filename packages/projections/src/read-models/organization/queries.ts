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

/**
 * What one answer has read of the chart, by id — units (with their names) and persons' retirements — so that what it
 * asks again and again (each post's unit, a merged unit's successor, each person's status) is read once, and what
 * it will ask for many ids is read in one statement (`prefetchUnits`, `prefetchPersons`): on PostgreSQL each
 * statement is a round trip. Only for one snapshot (`ReadModelStore.read`): the chart changes between snapshots.
 */
export interface OrganizationCache {
  readonly units: Map<string, Promise<UnitRecord | null>>;
  readonly persons: Map<string, Promise<{ readonly retiredOn: string | null } | null>>;
}

export function organizationCache(): OrganizationCache {
  return { units: new Map(), persons: new Map() };
}

const JSON_TEXT_LIST = {
  sqlite: 'SELECT value FROM json_each(?)',
  postgres: 'SELECT value FROM jsonb_array_elements_text(CAST(? AS jsonb))',
} as const;
const UNIT_COLUMNS = 'unit_id, kind, parent_unit_id, established_on, ending, ended_on, successor_unit_id';
// The units asked for and every unit they passed to (merged or dissolved into), which `unitAnsweringToday` walks:
// one statement for the whole chain. UNION stops at a unit already found, so a loop ends too.
const unitsWithSuccessors = (list: string) => `WITH RECURSIVE passed(${UNIT_COLUMNS}) AS (
    SELECT ${UNIT_COLUMNS} FROM organization_units WHERE unit_id IN (${list})
    UNION
    SELECT ${UNIT_COLUMNS.split(', ').map((column) => `u.${column}`).join(', ')} FROM organization_units u JOIN passed p ON u.unit_id = p.successor_unit_id
  )
  SELECT ${UNIT_COLUMNS} FROM passed`;
const UNITS_SQL = { sqlite: unitsWithSuccessors(JSON_TEXT_LIST.sqlite), postgres: unitsWithSuccessors(JSON_TEXT_LIST.postgres) } as const;
const UNIT_NAMES_SQL = {
  sqlite: `SELECT unit_id, name, code, from_on FROM organization_unit_names WHERE unit_id IN (${JSON_TEXT_LIST.sqlite}) ORDER BY unit_id, position`,
  postgres: `SELECT unit_id, name, code, from_on FROM organization_unit_names WHERE unit_id IN (${JSON_TEXT_LIST.postgres}) ORDER BY unit_id, position`,
} as const;
const RETIREMENTS_SQL = {
  sqlite: `SELECT person_id, retired_on FROM organization_persons WHERE person_id IN (${JSON_TEXT_LIST.sqlite})`,
  postgres: `SELECT person_id, retired_on FROM organization_persons WHERE person_id IN (${JSON_TEXT_LIST.postgres})`,
} as const;

/** A cache entry loaded with others: handled here, so that one nobody asks for again never rejects unhandled. */
function entryOf<TValue>(loading: Promise<Map<string, TValue>>, id: string): Promise<TValue | null> {
  const entry = loading.then((found) => found.get(id) ?? null);
  entry.catch(() => undefined);
  return entry;
}

/** Reads the units not in the cache yet, with their names, in two statements. */
export async function prefetchUnits(q: ReadModelSql, unitIds: Iterable<string>, cache: OrganizationCache): Promise<void> {
  const missing = [...new Set(unitIds)].filter((unitId) => !cache.units.has(unitId));
  if (missing.length === 0) return;
  const loading = readUnits(q, missing);
  for (const unitId of missing) cache.units.set(unitId, entryOf(loading, unitId));
  // Their successors came with them.
  for (const [unitId, unit] of await loading) if (!cache.units.has(unitId)) cache.units.set(unitId, Promise.resolve(unit));
}

/** Reads the retirements of the persons not in the cache yet, in one statement. */
export async function prefetchPersons(q: ReadModelSql, personIds: Iterable<string>, cache: OrganizationCache): Promise<void> {
  const missing = [...new Set(personIds)].filter((personId) => !cache.persons.has(personId));
  if (missing.length === 0) return;
  const loading = q
    .all<{ person_id: string; retired_on: string | null }>(RETIREMENTS_SQL[q.dialect], [JSON.stringify(missing)])
    .then((rows) => new Map(rows.map((row) => [row.person_id, { retiredOn: row.retired_on }])));
  for (const personId of missing) cache.persons.set(personId, entryOf(loading, personId));
  await loading;
}

export async function getUnit(q: ReadModelSql, unitId: string, cache?: OrganizationCache): Promise<UnitRecord | null> {
  if (cache === undefined) return (await readUnits(q, [unitId])).get(unitId) ?? null;
  await prefetchUnits(q, [unitId], cache);
  return (await cache.units.get(unitId)) ?? null;
}

/** The units, and the units they passed to, with their names: two statements. */
async function readUnits(q: ReadModelSql, unitIds: readonly string[]): Promise<Map<string, UnitRecord>> {
  const rows = await q.all<UnitRow>(UNITS_SQL[q.dialect], [JSON.stringify(unitIds)]);
  const units = new Map<string, UnitRecord>();
  if (rows.length === 0) return units;
  const names = new Map<string, UnitNameRecord[]>();
  for (const name of await q.all<NameRow & { unit_id: string }>(UNIT_NAMES_SQL[q.dialect], [JSON.stringify(rows.map((row) => row.unit_id))])) {
    let ofUnit = names.get(name.unit_id);
    if (ofUnit === undefined) {
      ofUnit = [];
      names.set(name.unit_id, ofUnit);
    }
    ofUnit.push({ name: name.name, code: name.code, fromOn: name.from_on });
  }
  for (const row of rows) {
    const ofUnit = names.get(row.unit_id) ?? [];
    const latest = ofUnit.at(-1);
    units.set(row.unit_id, {
      unitId: row.unit_id,
      kind: row.kind,
      parentUnitId: row.parent_unit_id,
      establishedOn: row.established_on,
      name: latest?.name ?? row.unit_id,
      code: latest?.code ?? null,
      names: ofUnit,
      ending: row.ending === null || row.ended_on === null ? null : { how: row.ending, on: row.ended_on, successorUnitId: row.successor_unit_id },
    });
  }
  return units;
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
export async function unitAnsweringToday(q: ReadModelSql, unitId: string, cache?: OrganizationCache): Promise<AnsweringToday> {
  let current = await getUnit(q, unitId, cache);
  if (current === null) return { unitId, successorChain: [], responsibleToday: null, chainEnds: 'unit-not-registered' };
  const chain: SuccessorStep[] = [];
  const seen = new Set([unitId]);
  while (current.ending !== null) {
    const { successorUnitId, how, on } = current.ending;
    if (successorUnitId === null) return { unitId, successorChain: chain, responsibleToday: null, chainEnds: 'dissolved-without-successor' };
    if (seen.has(successorUnitId)) return { unitId, successorChain: chain, responsibleToday: null, chainEnds: 'loop' };
    seen.add(successorUnitId);
    const next = await getUnit(q, successorUnitId, cache);
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

export async function personNow(q: ReadModelSql, personId: string, known?: readonly Tenure[], cache: OrganizationCache = organizationCache()): Promise<PersonNow> {
  const tenures = known ?? (await tenuresOf(q, personId));
  await prefetchPersons(q, [personId], cache);
  const person = await cache.persons.get(personId);
  // The units of the posts held, in two statements for them all.
  await prefetchUnits(
    q,
    tenures.filter((tenure) => tenure.toOn === null).map((tenure) => tenure.unitId),
    cache,
  );
  const posts: PersonNow['posts'][number][] = [];
  for (const tenure of tenures) {
    if (tenure.toOn !== null) continue;
    const unit = await getUnit(q, tenure.unitId, cache);
    const { unitId: _unitId, ...answering } = await unitAnsweringToday(q, tenure.unitId, cache);
    posts.push({
      postId: tenure.postId,
      postTitle: tenure.postTitle,
      unitId: tenure.unitId,
      unitName: unit?.name ?? null,
      sinceOn: tenure.fromOn,
      unitAnsweringToday: answering,
    });
  }
  const retiredOn = person?.retiredOn ?? null;
  let status: PersonNow['status'] = 'no-post';
  if ((person ?? null) === null && tenures.length === 0) status = 'unknown';
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
