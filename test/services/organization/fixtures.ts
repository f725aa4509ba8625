import { fold } from '@quanze/service-kit';
import type { MeasureEvent } from '../../../services/organization/src/measure-decider.js';
import type { PersonEvent } from '../../../services/organization/src/person-decider.js';
import type { Unit, UnitEvent } from '../../../services/organization/src/unit-decider.js';
import { unitDecider } from '../../../services/organization/src/unit-decider.js';

/** The 2018–2019 reform (机构改革) that merged 市工商局 and others into 市市场监督管理局, as test data. */
export const REFORM = '尚志市机构改革方案 (尚发〔2019〕1号)';

type UnitRegistered = Extract<UnitEvent, { type: 'unit.registered.v1' }>['data'];

export function unitRegistered(unitId: string, overrides: Partial<UnitRegistered> = {}): UnitEvent {
  return {
    type: 'unit.registered.v1',
    data: {
      unitId,
      name: `单位 ${unitId}`,
      code: null,
      kind: 'department',
      parentUnitId: null,
      establishedOn: '2016-01-01',
      ...overrides,
    },
  };
}

export function unitRenamed(unitId: string, name: string, renamedOn: string, code: string | null = null): UnitEvent {
  return { type: 'unit.renamed.v1', data: { unitId, name, code, renamedOn, basis: REFORM } };
}

export function postEstablished(unitId: string, postId: string, title = '局长'): UnitEvent {
  return { type: 'unit.postEstablished.v1', data: { unitId, postId, title } };
}

export function unitMerged(unitId: string, successorUnitId: string, mergedOn = '2019-03-01'): UnitEvent {
  return { type: 'unit.merged.v1', data: { unitId, successorUnitId, mergedOn, basis: REFORM } };
}

export function unitDissolved(unitId: string, successorUnitId: string | null, dissolvedOn = '2019-03-01'): UnitEvent {
  return { type: 'unit.dissolved.v1', data: { unitId, successorUnitId, dissolvedOn, basis: REFORM } };
}

/** A unit's state as its stream tells it: what a handler passes to a decider as facts. */
export function unitOf(...events: UnitEvent[]): Unit {
  const state = fold(unitDecider, events);
  if (state === null) throw new Error('the events register no unit');
  return state;
}

export function personRegistered(personId: string, name = '张三'): PersonEvent {
  return { type: 'person.registered.v1', data: { personId, name } };
}

export function personAppointed(personId: string, postId: string, unitId: string, appointedOn = '2017-01-01'): PersonEvent {
  return { type: 'person.appointed.v1', data: { personId, postId, unitId, appointedOn, basis: '尚组任〔2017〕1号' } };
}

export function personRemoved(personId: string, postId: string, unitId: string, removedOn = '2018-06-30'): PersonEvent {
  return {
    type: 'person.removed.v1',
    data: { personId, postId, unitId, removedOn, reason: 'rotation', basis: '尚组任〔2018〕7号' },
  };
}

export function personCertified(
  personId: string,
  certificateId: string,
  validFrom = '2017-01-01',
  validUntil = '2021-12-31',
): PersonEvent {
  return {
    type: 'person.certified.v1',
    data: { personId, certificateId, scope: '市场监管', issuingUnitId: 'unit-legal', validFrom, validUntil },
  };
}

export function certificationRevoked(personId: string, certificateId: string, revokedOn = '2018-01-01'): PersonEvent {
  return { type: 'person.certificationRevoked.v1', data: { personId, certificateId, revokedOn, reason: '违法执法' } };
}

export const PLAN = { title: '尚志市法治政府建设行动方案(2016-2020年)', issuedBy: null } as const;

export function measureDefined(measureId: string): MeasureEvent {
  return {
    type: 'measure.defined.v1',
    data: {
      measureId,
      plan: { title: PLAN.title },
      section: '(二)',
      sectionTitle: '完善依法行政制度体系,提高政府规范性文件质量',
      number: 2,
      text: '落实黑龙江省人民政府办公厅关于实行规范性文件三统一制度的通知…',
    },
  };
}

export function responsibilityAssigned(
  measureId: string,
  leadUnitIds: string[],
  cooperatingUnitIds: string[] = [],
  effectiveFrom = '2016-06-01',
): MeasureEvent {
  return {
    type: 'responsibility.assigned.v1',
    data: {
      subject: { kind: 'measure', id: measureId },
      leadUnitIds,
      cooperatingUnitIds,
      responsiblePersonIds: [],
      source: { document: PLAN.title, clause: '(二)2' },
      effectiveFrom,
    },
  };
}
