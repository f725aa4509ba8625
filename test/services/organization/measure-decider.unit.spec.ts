import { expect } from 'chai';
import { SubjectNotFound } from '@quanze/service-kit';
import { given } from '../../support/decider.js';
import {
  DateOutOfOrder,
  MeasureAlreadyDefined,
  NothingToSupersede,
  PersonNotRegistered,
  SupersessionReasonRequired,
  UnitListedTwice,
  UnitNotInExistence,
  UnitNotRegistered,
} from '../../../services/organization/src/errors.js';
import { assignmentInForce, measureDecider } from '../../../services/organization/src/measure-decider.js';
import type { MeasureCommand } from '../../../services/organization/src/measure-decider.js';
import type { UnitState } from '../../../services/organization/src/unit-decider.js';
import { PLAN, measureDefined, responsibilityAssigned, unitMerged, unitOf, unitRegistered } from './fixtures.js';

const office = unitOf(unitRegistered('office', { name: '市政府办公室' }));
const legal = unitOf(unitRegistered('legal', { name: '市政府法制办' }));
const departments = unitOf(unitRegistered('departments', { name: '市直各部门', kind: 'collective' }));
const amr = unitOf(unitRegistered('amr', { name: '市市场监督管理局', establishedOn: '2019-01-01' }));
const knownUnits = new Map<string, UnitState>([
  ['office', office],
  ['legal', legal],
  ['departments', departments],
  ['amr', amr],
]);
const defined = measureDefined('m-2-2');

type AssignResponsibility = Extract<MeasureCommand, { type: 'AssignResponsibility' }>;

function assign(overrides: Partial<AssignResponsibility> = {}): AssignResponsibility {
  return {
    type: 'AssignResponsibility',
    measureId: 'm-2-2',
    leadUnitIds: ['office', 'legal'],
    cooperatingUnitIds: ['departments'],
    responsiblePersonIds: [],
    source: { document: PLAN.title, clause: '(二)2' },
    effectiveFrom: '2016-06-01',
    reason: null,
    facts: { units: knownUnits, registeredPersonIds: new Set() },
    ...overrides,
  };
}

describe('measures of the action plan (具体措施)', () => {
  describe('when a measure is defined', () => {
    const define: MeasureCommand = {
      type: 'DefineMeasure',
      measureId: 'm-2-2',
      plan: PLAN,
      section: '(二)',
      sectionTitle: '完善依法行政制度体系,提高政府规范性文件质量',
      number: 2,
      text: '落实黑龙江省人民政府办公厅关于实行规范性文件三统一制度的通知…',
    };

    it('records the plan, the section and the measure’s number and text', () => {
      given(measureDecider).when(define).then([defined]);
    });

    it('records who issued the plan when it is given', () => {
      const [event] = given(measureDecider).when({ ...define, plan: { ...PLAN, issuedBy: '尚志市人民政府' } }).thenTypes('measure.defined.v1');
      expect(event?.data).to.deep.include({ plan: { title: PLAN.title, issuedBy: '尚志市人民政府' } });
    });

    it('rejects defining the same measure twice', () => {
      given(measureDecider, [defined]).when(define).thenThrows(MeasureAlreadyDefined);
    });
  });

  describe('when responsibility is assigned (责任单位)', () => {
    it('records the lead and cooperating units with the clause they come from', () => {
      given(measureDecider, [defined]).when(assign()).then([responsibilityAssigned('m-2-2', ['office', 'legal'], ['departments'])]);
    });

    it('rejects a measure that was never defined', () => {
      given(measureDecider).when(assign()).thenThrows(SubjectNotFound);
    });

    it('rejects a lead unit that was never registered, pointing at it', () => {
      given(measureDecider, [defined])
        .when(assign({ leadUnitIds: ['office', 'nowhere'] }))
        .thenThrows(UnitNotRegistered, { unitId: 'nowhere', fields: [['leadUnitIds', 1]] });
    });

    it('rejects a cooperating unit that was never registered', () => {
      given(measureDecider, [defined])
        .when(assign({ cooperatingUnitIds: ['nowhere'] }))
        .thenThrows(UnitNotRegistered, { fields: [['cooperatingUnitIds', 0]] });
    });

    it('rejects a unit that is both lead and cooperating', () => {
      given(measureDecider, [defined])
        .when(assign({ cooperatingUnitIds: ['legal'] }))
        .thenThrows(UnitListedTwice, { fields: [['cooperatingUnitIds', 0]] });
    });

    it('rejects a unit named twice as lead', () => {
      given(measureDecider, [defined])
        .when(assign({ leadUnitIds: ['office', 'office'] }))
        .thenThrows(UnitListedTwice, { fields: [['leadUnitIds', 1]] });
    });

    it('rejects a unit established after the assignment takes effect', () => {
      given(measureDecider, [defined])
        .when(assign({ leadUnitIds: ['amr'] }))
        .thenThrows(UnitNotInExistence, { unitId: 'amr', fields: [['leadUnitIds', 0]] });
    });

    it('rejects a unit merged by the day the assignment takes effect, naming its successor', () => {
      const merged = unitOf(unitRegistered('aic'), unitMerged('aic', 'amr', '2019-03-01'));
      const error = given(measureDecider, [defined])
        .when(assign({ leadUnitIds: ['aic'], cooperatingUnitIds: [], effectiveFrom: '2019-03-01', facts: { units: new Map([['aic', merged]]), registeredPersonIds: new Set() } }))
        .thenThrows(UnitNotInExistence, { unitId: 'aic' });
      expect(error.message).to.include('amr');
    });

    it('accepts a unit merged after the assignment took effect: the record is of its day', () => {
      const merged = unitOf(unitRegistered('aic'), unitMerged('aic', 'amr', '2019-03-01'));
      given(measureDecider, [defined])
        .when(assign({ leadUnitIds: ['aic'], cooperatingUnitIds: [], facts: { units: new Map([['aic', merged]]), registeredPersonIds: new Set() } }))
        .thenTypes('responsibility.assigned.v1');
    });

    it('rejects a responsible person who was never registered', () => {
      given(measureDecider, [defined])
        .when(assign({ responsiblePersonIds: ['zhang', 'li'], facts: { units: knownUnits, registeredPersonIds: new Set(['zhang']) } }))
        .thenThrows(PersonNotRegistered, { personId: 'li', fields: [['responsiblePersonIds', 1]] });
    });

    it('rejects a reason when there is no earlier assignment to replace', () => {
      given(measureDecider, [defined]).when(assign({ reason: '机构改革' })).thenThrows(NothingToSupersede, { fields: [['reason']] });
    });
  });

  describe('when a measure already has responsible units', () => {
    const assigned = [defined, responsibilityAssigned('m-2-2', ['office', 'legal'], ['departments'])];
    const reassign = assign({ leadUnitIds: ['office'], cooperatingUnitIds: ['legal', 'departments'], effectiveFrom: '2019-03-01' });

    it('rejects a new assignment without a reason', () => {
      given(measureDecider, assigned).when(reassign).thenThrows(SupersessionReasonRequired, { fields: [['reason']] });
    });

    it('records why the earlier assignment ends, then the assignment that replaces it', () => {
      given(measureDecider, assigned)
        .when({ ...reassign, reason: '机构改革: 法制办并入司法局' })
        .then([
          {
            type: 'measure.responsibilitySuperseded.v1',
            data: { measureId: 'm-2-2', reason: '机构改革: 法制办并入司法局', supersededEffectiveFrom: '2016-06-01' },
          },
          responsibilityAssigned('m-2-2', ['office'], ['legal', 'departments'], '2019-03-01'),
        ]);
    });

    it('keeps both assignments, the later in force and the earlier marked with the reason', () => {
      const command = { ...reassign, reason: '机构改革' };
      const events = given(measureDecider, assigned).when(command).thenTypes('measure.responsibilitySuperseded.v1', 'responsibility.assigned.v1');
      const measure = given(measureDecider, [...assigned, ...events]).state;
      expect(measure?.assignments.map((assignment) => assignment.superseded)).to.deep.equal([{ reason: '机构改革' }, null]);
      expect(measure === null ? null : assignmentInForce(measure)?.effectiveFrom).to.equal('2019-03-01');
    });

    it('rejects a replacement that takes effect before the assignment it replaces', () => {
      given(measureDecider, assigned)
        .when({ ...reassign, reason: '更正', effectiveFrom: '2016-05-31' })
        .thenThrows(DateOutOfOrder, { fields: [['effectiveFrom']], earliest: '2016-06-01' });
    });
  });
});
