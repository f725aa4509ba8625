import type { LedgerEvent } from '../../ledger-event.js';
import type { Projection } from '../../projection.js';

/**
 * The organisation chart over time (组织沿革): units with every name and 机关代字 they held and how they ended
 * (merged into or dissolved with a successor), posts with their titles, officials with every tenure (post, unit,
 * from, to, why they left) and their retirement. Built from services/organization's streams only; the `post-<id>`
 * occupancy register repeats what `person.appointed.v1` / `person.removed.v1` say and is not read.
 */
export const ORGANIZATION_TABLES = {
  units: 'organization_units',
  unitNames: 'organization_unit_names',
  posts: 'organization_posts',
  persons: 'organization_persons',
  tenures: 'organization_tenures',
} as const;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS organization_units (
  unit_id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  parent_unit_id TEXT,
  established_on TEXT NOT NULL,
  -- 'merged' | 'dissolved' | NULL while the unit exists
  ending TEXT,
  ended_on TEXT,
  successor_unit_id TEXT,
  registered_position INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS organization_units_by_successor ON organization_units (successor_unit_id);

-- One row per name a unit held: its registration and every rename, from the day it took effect.
CREATE TABLE IF NOT EXISTS organization_unit_names (
  unit_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  from_on TEXT NOT NULL,
  name TEXT NOT NULL,
  code TEXT,
  PRIMARY KEY (unit_id, position)
) STRICT, WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS organization_posts (
  post_id TEXT PRIMARY KEY,
  unit_id TEXT NOT NULL,
  title TEXT NOT NULL,
  established_position INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS organization_posts_by_unit ON organization_posts (unit_id);

CREATE TABLE IF NOT EXISTS organization_persons (
  person_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  registered_position INTEGER NOT NULL,
  retired_on TEXT,
  retired_position INTEGER
) STRICT, WITHOUT ROWID;

-- One row per appointment (任职), closed by the removal (免职, 轮岗, 退休…) that ends it. Never deleted.
CREATE TABLE IF NOT EXISTS organization_tenures (
  person_id TEXT NOT NULL,
  appointed_position INTEGER NOT NULL,
  post_id TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  from_on TEXT NOT NULL,
  to_on TEXT,
  removal_reason TEXT,
  removed_position INTEGER,
  PRIMARY KEY (person_id, appointed_position)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS organization_tenures_by_post ON organization_tenures (post_id, from_on);
CREATE INDEX IF NOT EXISTS organization_tenures_by_unit ON organization_tenures (unit_id, from_on);
`;

const ORGANIZATION_EVENT_TYPES = [
  'unit.registered.v1',
  'unit.renamed.v1',
  'unit.postEstablished.v1',
  'unit.merged.v1',
  'unit.dissolved.v1',
  'person.registered.v1',
  'person.appointed.v1',
  'person.removed.v1',
  'person.retired.v1',
] as const satisfies readonly LedgerEvent['type'][];

/** The events that change the chart; certificates, the post register and other domains' events change nothing in it. */
type OrganizationEvent = Extract<LedgerEvent, { type: (typeof ORGANIZATION_EVENT_TYPES)[number] }>;
const organizationEventTypes = new Set<string>(ORGANIZATION_EVENT_TYPES);

function isOrganizationEvent(event: LedgerEvent): event is OrganizationEvent {
  return organizationEventTypes.has(event.type);
}

// ON CONFLICT DO NOTHING: an event applied twice (never, by the runner's checkpoints) would change nothing.
const INSERT_UNIT = `INSERT INTO organization_units (unit_id, kind, parent_unit_id, established_on, registered_position) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT DO NOTHING`;
const INSERT_NAME = `INSERT INTO organization_unit_names (unit_id, position, from_on, name, code) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`;
// The first ending counts: a unit merged or dissolved is ended for good (the service refuses a second).
const END_UNIT = `UPDATE organization_units SET ending = ?, ended_on = ?, successor_unit_id = ? WHERE unit_id = ? AND ending IS NULL`;
const INSERT_POST = `INSERT INTO organization_posts (post_id, unit_id, title, established_position) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`;
const INSERT_PERSON = `INSERT INTO organization_persons (person_id, name, registered_position) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`;
const RETIRE_PERSON = `UPDATE organization_persons SET retired_on = ?, retired_position = ? WHERE person_id = ? AND retired_on IS NULL`;
const INSERT_TENURE = `INSERT INTO organization_tenures (person_id, appointed_position, post_id, unit_id, from_on) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT DO NOTHING`;
// A removal ends the person's open tenure of that post (there is at most one: the service refuses a second).
const CLOSE_TENURE = `UPDATE organization_tenures SET to_on = ?, removal_reason = ?, removed_position = ?
  WHERE person_id = ? AND post_id = ? AND to_on IS NULL`;

export const organizationProjection: Projection = {
  name: 'organization',
  version: 1,
  tables: Object.values(ORGANIZATION_TABLES),
  async setup(tx) {
    await tx.exec(SCHEMA);
  },
  async apply(tx, event: LedgerEvent) {
    if (!isOrganizationEvent(event)) return;
    switch (event.type) {
      case 'unit.registered.v1': {
        const { data } = event;
        await tx.run(INSERT_UNIT, [data.unitId, data.kind, data.parentUnitId, data.establishedOn, event.position]);
        await tx.run(INSERT_NAME, [data.unitId, event.position, data.establishedOn, data.name, data.code]);
        return;
      }
      case 'unit.renamed.v1':
        await tx.run(INSERT_NAME, [event.data.unitId, event.position, event.data.renamedOn, event.data.name, event.data.code]);
        return;
      case 'unit.postEstablished.v1':
        await tx.run(INSERT_POST, [event.data.postId, event.data.unitId, event.data.title, event.position]);
        return;
      case 'unit.merged.v1':
        await tx.run(END_UNIT, ['merged', event.data.mergedOn, event.data.successorUnitId, event.data.unitId]);
        return;
      case 'unit.dissolved.v1':
        await tx.run(END_UNIT, ['dissolved', event.data.dissolvedOn, event.data.successorUnitId, event.data.unitId]);
        return;
      case 'person.registered.v1':
        await tx.run(INSERT_PERSON, [event.data.personId, event.data.name, event.position]);
        return;
      case 'person.appointed.v1':
        await tx.run(INSERT_TENURE, [event.data.personId, event.position, event.data.postId, event.data.unitId, event.data.appointedOn]);
        return;
      case 'person.removed.v1':
        await tx.run(CLOSE_TENURE, [event.data.removedOn, event.data.reason, event.position, event.data.personId, event.data.postId]);
        return;
      case 'person.retired.v1':
        await tx.run(RETIRE_PERSON, [event.data.retiredOn, event.position, event.data.personId]);
        return;
    }
  },
};
