import { expect } from 'chai';
import {
  activityProjection,
  createProjectionRunner,
  getPerson,
  getUnit,
  organizationProjection,
  tenuresOf,
  tenuresOn,
  unitAnsweringToday,
  unitNameOn,
  unitWithPredecessors,
} from '@quanze/projections';
import type { ReadModelSql, ReadModelStore } from '@quanze/projections';
import { describeOnEachReadModelStore, statementwise } from '../../../../support/read-models.js';
import { recordCityHistory, startCity } from '../activity/city-history.js';
import type { CityHistory } from '../activity/city-history.js';

describeOnEachReadModelStore('the organisation read model (组织沿革)', (target) => {
  let city: CityHistory;
  let readModels: ReadModelStore;
  let db: ReadModelSql;

  before(async () => {
    const { app, setNow } = await startCity();
    city = await recordCityHistory(app, setNow);
    readModels = await target.open();
    db = statementwise(readModels);
    await createProjectionRunner({ store: app.store, readModels, projections: [organizationProjection, activityProjection] }).catchUp();
  });
  after(async () => {
    await readModels.close();
    await city.app.close();
  });

  describe('a unit merged twice', () => {
    it('follows the chain of successors to the unit answering today', async () => {
      const { legalOffice, justice, governance } = city.units;
      expect((await unitAnsweringToday(db, legalOffice))).to.deep.equal({
        unitId: legalOffice,
        successorChain: [
          { unitId: justice, name: '尚志市司法局', via: 'merged', on: '2019-03-01' },
          { unitId: governance, name: '尚志市社会治理局', via: 'merged', on: '2022-01-01' },
        ],
        responsibleToday: { unitId: governance, name: '尚志市社会治理局' },
        chainEnds: 'live',
      });
      expect((await unitAnsweringToday(db, governance))).to.deep.include({ successorChain: [], responsibleToday: { unitId: governance, name: '尚志市社会治理局' } });
    });

    it('keeps every name with the day it took effect, and how the unit ended', async () => {
      const unit = (await getUnit(db, city.units.legalOffice));
      expect(unit).to.deep.include({
        kind: 'department',
        name: '尚志市政府法制办',
        code: '尚法',
        names: [
          { name: '尚志市人民政府法制办公室', code: '尚法', fromOn: '2016-01-01' },
          { name: '尚志市政府法制办', code: '尚法', fromOn: '2018-01-01' },
        ],
        ending: { how: 'merged', on: '2019-03-01', successorUnitId: city.units.justice },
      });
      expect((await unitNameOn(db, city.units.legalOffice, '2017-04-10'))?.name).to.equal('尚志市人民政府法制办公室');
      expect((await unitNameOn(db, city.units.legalOffice, '2018-04-12'))?.name).to.equal('尚志市政府法制办');
    });

    it('answers for its predecessors: the successor’s lineage holds both merged units', async () => {
      expect((await unitWithPredecessors(db, city.units.governance)).sort()).to.deep.equal([city.units.governance, city.units.justice, city.units.legalOffice].sort());
      expect((await unitWithPredecessors(db, city.units.development))).to.deep.equal([city.units.development]);
    });

    it('says why a chain stops short of a live unit', async () => {
      expect((await unitAnsweringToday(db, 'unit-nobody-knows'))).to.deep.include({ responsibleToday: null, chainEnds: 'unit-not-registered' });
    });
  });

  describe('a person rotated across three units and retired', () => {
    it('keeps every tenure, with the post’s title, the unit’s name then and why it ended', async () => {
      const { rotating } = city.persons;
      const { development, legalOffice, government } = city.units;
      expect((await tenuresOf(db, rotating)).map(({ postTitle, unitId, unitNameThen, fromOn, toOn, removalReason }) => ({ postTitle, unitId, unitNameThen, fromOn, toOn, removalReason }))).to.deep.equal([
        { postTitle: '局长', unitId: development, unitNameThen: '尚志市发展和改革局', fromOn: '2016-01-01', toOn: '2017-09-01', removalReason: 'rotation' },
        { postTitle: '审查员(二)', unitId: legalOffice, unitNameThen: '尚志市人民政府法制办公室', fromOn: '2017-09-01', toOn: '2019-02-28', removalReason: 'rotation' },
        { postTitle: '副市长(四)', unitId: government, unitNameThen: '尚志市人民政府', fromOn: '2019-03-01', toOn: '2023-01-01', removalReason: 'retirement' },
      ]);
    });

    it('says where they are now: retired, holding nothing', async () => {
      expect((await getPerson(db, city.persons.rotating))).to.deep.include({ name: '王建国', now: { status: 'retired', posts: [], retiredOn: '2023-01-01' } });
    });

    it('finds the post held on a day, the hand-over day being the successor’s', async () => {
      const tenures = (await tenuresOf(db, city.persons.rotating));
      expect(tenuresOn(tenures, '2017-08-31').map((tenure) => tenure.postTitle)).to.deep.equal(['局长']);
      expect(tenuresOn(tenures, '2017-09-01').map((tenure) => tenure.postTitle)).to.deep.equal(['审查员(二)']);
      expect(tenuresOn(tenures, '2023-01-01')).to.deep.equal([]);
    });

    it('shows a person still in post with the unit’s name today, and a person the chart does not know as unknown', async () => {
      expect((await getPerson(db, city.persons.successorDirector)).now).to.deep.include({
        status: 'in-post',
        posts: [
          {
            postId: (await tenuresOf(db, city.persons.successorDirector))[0]?.postId,
            postTitle: '局长',
            unitId: city.units.development,
            unitName: '尚志市发展和改革局',
            sinceOn: '2017-09-01',
            unitAnsweringToday: {
              successorChain: [],
              responsibleToday: { unitId: city.units.development, name: '尚志市发展和改革局' },
              chainEnds: 'live',
            },
          },
        ],
      });
      expect((await getPerson(db, city.evaluator))).to.deep.include({ name: null, now: { status: 'unknown', posts: [], retiredOn: null } });
    });
  });
});
