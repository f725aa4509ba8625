import { expect } from 'chai';
import { SubjectNotFound } from '@quanze/service-kit';
import { given } from '../../support/decider.js';
import {
  CollectiveUnitLimit,
  DateOutOfOrder,
  NothingRenamed,
  PostAlreadyEstablished,
  UnitAlreadyRegistered,
  UnitEnded,
  UnitNotInExistence,
  UnitNotRegistered,
  UnitRefersToItself,
} from '../../../services/organization/src/errors.js';
import { unitDecider } from '../../../services/organization/src/unit-decider.js';
import type { UnitCommand, UnitState } from '../../../services/organization/src/unit-decider.js';
import { REFORM, postEstablished, unitDissolved, unitMerged, unitOf, unitRegistered, unitRenamed } from './fixtures.js';

const government = unitOf(unitRegistered('gov', { name: '尚志市人民政府', code: '尚政', kind: 'government' }));

function register(overrides: Partial<Extract<UnitCommand, { type: 'RegisterUnit' }>> = {}): UnitCommand {
  return {
    type: 'RegisterUnit',
    unitId: 'amr',
    name: '尚志市市场监督管理局',
    code: '尚市监',
    kind: 'department',
    parentUnitId: 'gov',
    establishedOn: '2016-01-01',
    facts: { parent: government },
    ...overrides,
  };
}

function merge(successor: UnitState, overrides: Partial<Extract<UnitCommand, { type: 'MergeUnit' }>> = {}): UnitCommand {
  return { type: 'MergeUnit', unitId: 'aic', successorUnitId: 'amr', mergedOn: '2019-03-01', basis: REFORM, facts: { successor }, ...overrides };
}

function dissolve(successor: UnitState, overrides: Partial<Extract<UnitCommand, { type: 'DissolveUnit' }>> = {}): UnitCommand {
  return {
    type: 'DissolveUnit',
    unitId: 'aic',
    successorUnitId: successor?.unitId ?? null,
    dissolvedOn: '2019-03-01',
    basis: REFORM,
    facts: { successor },
    ...overrides,
  };
}

const rename = (overrides: Partial<Extract<UnitCommand, { type: 'RenameUnit' }>> = {}): UnitCommand => ({
  type: 'RenameUnit',
  unitId: 'aic',
  name: '尚志市工商行政管理和质量技术监督局',
  code: '尚工质',
  renamedOn: '2017-05-01',
  basis: REFORM,
  ...overrides,
});

const aic = unitRegistered('aic', { name: '尚志市工商行政管理局', code: '尚工商' });
const amr = unitOf(unitRegistered('amr', { name: '尚志市市场监督管理局', code: '尚市监', establishedOn: '2019-01-01' }));

describe('units (机构)', () => {
  describe('when a unit is registered', () => {
    it('records it with its code, kind, parent and day of establishment', () => {
      given(unitDecider).when(register()).then([
        {
          type: 'unit.registered.v1',
          data: {
            unitId: 'amr',
            name: '尚志市市场监督管理局',
            code: '尚市监',
            kind: 'department',
            parentUnitId: 'gov',
            establishedOn: '2016-01-01',
          },
        },
      ]);
    });

    it('rejects registering the same unit twice', () => {
      given(unitDecider, [unitRegistered('amr')]).when(register()).thenThrows(UnitAlreadyRegistered, { unitId: 'amr' });
    });

    it('rejects an authority code (机关代字) for a collective designation such as 市直各部门', () => {
      given(unitDecider)
        .when(register({ name: '市直各部门', kind: 'collective', code: '市直' }))
        .thenThrows(CollectiveUnitLimit, { fields: [['code']] });
    });

    it('accepts a collective designation without a code', () => {
      given(unitDecider).when(register({ name: '各乡(镇)政府', kind: 'collective', code: null })).thenTypes('unit.registered.v1');
    });

    it('rejects a unit that is its own parent', () => {
      given(unitDecider)
        .when(register({ parentUnitId: 'amr', facts: { parent: null } }))
        .thenThrows(UnitRefersToItself, { fields: [['parentUnitId']] });
    });

    it('rejects a parent that was never registered', () => {
      given(unitDecider)
        .when(register({ parentUnitId: 'nowhere', facts: { parent: null } }))
        .thenThrows(UnitNotRegistered, { unitId: 'nowhere', fields: [['parentUnitId']] });
    });

    it('rejects a parent established after the unit', () => {
      given(unitDecider)
        .when(register({ establishedOn: '2015-12-31' }))
        .thenThrows(UnitNotInExistence, { unitId: 'gov', fields: [['parentUnitId']] });
    });

    it('rejects a parent merged on or before the day the unit was established', () => {
      const mergedParent = unitOf(unitRegistered('gov'), unitMerged('gov', 'gov-2', '2016-01-01'));
      given(unitDecider)
        .when(register({ facts: { parent: mergedParent } }))
        .thenThrows(UnitNotInExistence, { unitId: 'gov', fields: [['parentUnitId']] });
    });

    it('accepts a parent merged later, so that a history can be recorded after the reform', () => {
      const laterMergedParent = unitOf(unitRegistered('gov'), unitMerged('gov', 'gov-2', '2019-03-01'));
      given(unitDecider).when(register({ facts: { parent: laterMergedParent } })).thenTypes('unit.registered.v1');
    });
  });

  describe('when a unit is renamed (更名)', () => {
    it('records the new name and the code after the rename, with the reform document', () => {
      given(unitDecider, [aic]).when(rename()).then([
        {
          type: 'unit.renamed.v1',
          data: { unitId: 'aic', name: '尚志市工商行政管理和质量技术监督局', code: '尚工质', renamedOn: '2017-05-01', basis: REFORM },
        },
      ]);
    });

    it('accepts a rename that keeps the code', () => {
      given(unitDecider, [aic]).when(rename({ code: '尚工商' })).thenTypes('unit.renamed.v1');
    });

    it('rejects a rename that changes neither name nor code', () => {
      given(unitDecider, [aic]).when(rename({ name: '尚志市工商行政管理局', code: '尚工商' })).thenThrows(NothingRenamed);
    });

    it('rejects renaming a unit that was never registered', () => {
      given(unitDecider).when(rename()).thenThrows(SubjectNotFound);
    });

    it('rejects renaming a merged unit, naming its successor', () => {
      given(unitDecider, [aic, unitMerged('aic', 'amr')])
        .when(rename({ renamedOn: '2020-01-01' }))
        .thenThrows(UnitEnded, { ending: 'merged', successorUnitId: 'amr' });
    });

    it('rejects renaming a dissolved unit', () => {
      given(unitDecider, [aic, unitDissolved('aic', null)])
        .when(rename({ renamedOn: '2020-01-01' }))
        .thenThrows(UnitEnded, { ending: 'dissolved', successorUnitId: null });
    });

    it('rejects a rename dated before the unit was established', () => {
      given(unitDecider, [aic]).when(rename({ renamedOn: '2015-05-01' })).thenThrows(DateOutOfOrder, { fields: [['renamedOn']] });
    });

    it('rejects a rename dated before the previous rename', () => {
      given(unitDecider, [aic, unitRenamed('aic', '尚志市工商局', '2018-01-01')])
        .when(rename({ renamedOn: '2017-12-31' }))
        .thenThrows(DateOutOfOrder, { earliest: '2018-01-01' });
    });

    it('rejects a code for a collective designation', () => {
      given(unitDecider, [unitRegistered('aic', { kind: 'collective' })])
        .when(rename())
        .thenThrows(CollectiveUnitLimit, { fields: [['code']] });
    });
  });

  describe('when a post is established (职位设置)', () => {
    const establish: UnitCommand = { type: 'EstablishPost', unitId: 'aic', postId: 'post-director', title: '局长' };

    it('records the post', () => {
      given(unitDecider, [aic]).when(establish).then([
        { type: 'unit.postEstablished.v1', data: { unitId: 'aic', postId: 'post-director', title: '局长' } },
      ]);
    });

    it('rejects the same post twice', () => {
      given(unitDecider, [aic, postEstablished('aic', 'post-director')]).when(establish).thenThrows(PostAlreadyEstablished);
    });

    it('rejects a post in a merged unit', () => {
      given(unitDecider, [aic, unitMerged('aic', 'amr')]).when(establish).thenThrows(UnitEnded, { successorUnitId: 'amr' });
    });

    it('rejects a post in a collective designation, which has no staff of its own', () => {
      given(unitDecider, [unitRegistered('aic', { kind: 'collective' })]).when(establish).thenThrows(CollectiveUnitLimit);
    });

    it('rejects a post in a unit that was never registered', () => {
      given(unitDecider).when(establish).thenThrows(SubjectNotFound);
    });
  });

  describe('when a unit is merged into a successor (机构合并)', () => {
    it('records the merger with its reform document', () => {
      given(unitDecider, [aic]).when(merge(amr)).then([
        { type: 'unit.merged.v1', data: { unitId: 'aic', successorUnitId: 'amr', mergedOn: '2019-03-01', basis: REFORM } },
      ]);
    });

    it('rejects merging a unit into itself', () => {
      given(unitDecider, [aic])
        .when(merge(unitOf(aic), { successorUnitId: 'aic' }))
        .thenThrows(UnitRefersToItself, { fields: [['successorUnitId']] });
    });

    it('rejects a successor that was never registered', () => {
      given(unitDecider, [aic]).when(merge(null)).thenThrows(UnitNotRegistered, { unitId: 'amr', fields: [['successorUnitId']] });
    });

    it('rejects a successor that was itself merged, naming where it went', () => {
      const mergedSuccessor = unitOf(unitRegistered('amr'), unitMerged('amr', 'amr-2'));
      const error = given(unitDecider, [aic]).when(merge(mergedSuccessor)).thenThrows(UnitNotInExistence, { unitId: 'amr' });
      expect(error.message).to.include('amr-2');
    });

    it('rejects a successor that was dissolved', () => {
      const dissolvedSuccessor = unitOf(unitRegistered('amr'), unitDissolved('amr', null));
      given(unitDecider, [aic]).when(merge(dissolvedSuccessor)).thenThrows(UnitNotInExistence, { unitId: 'amr' });
    });

    it('rejects a merger that would close a loop: the successor was merged into this unit', () => {
      const successorMergedIntoUs = unitOf(unitRegistered('amr'), unitMerged('amr', 'aic', '2018-01-01'));
      given(unitDecider, [aic]).when(merge(successorMergedIntoUs)).thenThrows(UnitNotInExistence, { unitId: 'amr' });
    });

    it('rejects merging a unit that was already merged', () => {
      given(unitDecider, [aic, unitMerged('aic', 'amr')])
        .when(merge(amr, { mergedOn: '2020-01-01' }))
        .thenThrows(UnitEnded, { ending: 'merged' });
    });

    it('rejects merging a unit that was never registered', () => {
      given(unitDecider).when(merge(amr)).thenThrows(SubjectNotFound);
    });

    it('rejects a merger dated before the successor was established', () => {
      given(unitDecider, [aic]).when(merge(amr, { mergedOn: '2018-12-31' })).thenThrows(DateOutOfOrder, { fields: [['mergedOn']] });
    });

    it('rejects a merger dated before the unit’s last rename', () => {
      given(unitDecider, [aic, unitRenamed('aic', '尚志市工商局', '2019-06-01')])
        .when(merge(amr))
        .thenThrows(DateOutOfOrder, { earliest: '2019-06-01' });
    });
  });

  describe('when a unit is dissolved (机构撤销)', () => {
    it('records a dissolution without a successor', () => {
      given(unitDecider, [aic]).when(dissolve(null)).then([
        { type: 'unit.dissolved.v1', data: { unitId: 'aic', successorUnitId: null, dissolvedOn: '2019-03-01', basis: REFORM } },
      ]);
    });

    it('records a dissolution whose duties pass to a successor', () => {
      given(unitDecider, [aic]).when(dissolve(amr)).then([
        { type: 'unit.dissolved.v1', data: { unitId: 'aic', successorUnitId: 'amr', dissolvedOn: '2019-03-01', basis: REFORM } },
      ]);
    });

    it('rejects dissolving a unit twice', () => {
      given(unitDecider, [aic, unitDissolved('aic', null)]).when(dissolve(null)).thenThrows(UnitEnded, { ending: 'dissolved' });
    });

    it('rejects a unit as its own successor', () => {
      given(unitDecider, [aic]).when(dissolve(unitOf(aic), { successorUnitId: 'aic' })).thenThrows(UnitRefersToItself);
    });

    it('rejects a named successor that was never registered', () => {
      given(unitDecider, [aic]).when(dissolve(null, { successorUnitId: 'amr' })).thenThrows(UnitNotRegistered);
    });

    it('rejects a dissolution dated before the unit was established', () => {
      given(unitDecider, [aic]).when(dissolve(null, { dissolvedOn: '2015-01-01' })).thenThrows(DateOutOfOrder, { fields: [['dissolvedOn']] });
    });
  });

  describe('the state of a unit', () => {
    it('keeps every name it had, with the day each took effect', () => {
      const unit = unitOf(aic, unitRenamed('aic', '尚志市工商局', '2018-01-01', '尚工'));
      expect(unit.names.map(({ name, code, from }) => [name, code, from])).to.deep.equal([
        ['尚志市工商行政管理局', '尚工商', '2016-01-01'],
        ['尚志市工商局', '尚工', '2018-01-01'],
      ]);
    });
  });
});
