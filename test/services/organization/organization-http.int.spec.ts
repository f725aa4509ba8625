import { expect } from 'chai';
import { createOrganizationService } from '../../../services/organization/src/index.js';
import { authorizationMatrix, expectMatrixMatchesAllow, startTestApp } from '../../support/http.js';
import type { TestApp, TestResponse } from '../../support/http.js';

// 2020-06-01 in Beijing: "today" for certificates.
const now = new Date('2020-06-01T02:00:00.000Z');
const REFORM = '尚志市机构改革方案';

interface Problem {
  status: number;
  code: string;
  article?: string;
  errors?: { path: (string | number)[]; message: string }[];
}
interface Outcome {
  streamId: string;
  replayed: boolean;
  events: { type: string }[];
  subject?: Record<string, string>;
}

describe('the organization service over HTTP', () => {
  let app: TestApp;
  let admin: string;
  let reviewer: string;
  let clerk: string;

  before(async () => {
    app = await startTestApp([createOrganizationService], { clock: () => now });
    admin = await app.token({ roles: ['admin'] });
    reviewer = await app.token({ roles: ['legal-reviewer'] });
    clerk = await app.token({ roles: ['clerk'] });
  });
  after(async () => {
    await app.close();
  });

  async function post(path: string, body: unknown, token = admin, headers: Record<string, string> = {}): Promise<TestResponse> {
    return app.request('post', path, { token, body, headers });
  }
  async function created(path: string, body: unknown, token = admin): Promise<Outcome> {
    const response = await post(path, body, token);
    expect(response.status, JSON.stringify(response.body)).to.equal(201);
    return response.body as unknown as Outcome;
  }
  function expectProblem(response: TestResponse, status: number, code: string, path?: (string | number)[]): Problem {
    const problem = response.body as unknown as Problem;
    expect(response.status, JSON.stringify(problem)).to.equal(status);
    expect(problem.code).to.equal(code);
    if (path !== undefined) expect(problem.errors?.map((error) => error.path)).to.deep.include(path);
    return problem;
  }
  async function newUnit(name: string, extra: Record<string, unknown> = {}): Promise<string> {
    const outcome = await created('/units', { name, kind: 'department', establishedOn: '2016-01-01', ...extra });
    const unitId = outcome.subject?.unitId;
    if (unitId === undefined) throw new Error('no unit id');
    return unitId;
  }
  async function newPost(unitId: string, title: string): Promise<string> {
    const postId = (await created(`/units/${unitId}/posts`, { title })).subject?.postId;
    if (postId === undefined) throw new Error('no post id');
    return postId;
  }
  async function newPerson(name: string): Promise<string> {
    const personId = (await created('/persons', { name })).subject?.personId;
    if (personId === undefined) throw new Error('no person id');
    return personId;
  }

  it('answers every route as its `allow` list says, for every role and without a token', async () => {
    const [service] = app.services;
    if (service === undefined) throw new Error('no service');
    expectMatrixMatchesAllow(await authorizationMatrix(app, service));
  });

  describe('units', () => {
    it('registers a unit and shows it, publicly, with its history', async () => {
      const government = await newUnit('尚志市人民政府', { kind: 'government', code: '尚政' });
      const unitId = await newUnit('尚志市政府法制办公室', { code: '尚法', parentUnitId: government });
      const response = await app.request('get', `/units/${unitId}`);
      expect(response.status).to.equal(200);
      expect(response.body).to.deep.include({
        unitId,
        name: '尚志市政府法制办公室',
        code: '尚法',
        parentUnitId: government,
        status: 'live',
        responsibleToday: { unitId, name: '尚志市政府法制办公室' },
        chainEnds: 'live',
      });
      const history = response.body.history as { type: string; actor?: unknown }[];
      expect(history.map((event) => event.type)).to.deep.equal(['unit.registered.v1']);
      expect(history[0]).not.to.have.property('actor');
    });

    it('shows who recorded each step to a caller with a token', async () => {
      const unitId = await newUnit('尚志市审计局');
      const response = await app.request('get', `/units/${unitId}`, { token: clerk });
      expect((response.body.history as { actor: unknown }[])[0]?.actor).to.deep.equal({ personId: 'person-test', postId: 'post-test', unitId: 'unit-test' });
    });

    it('refuses unknown fields, wrong types and missing fields with their paths', async () => {
      expectProblem(await post('/units', { name: '某局', kind: 'department', establishedOn: '2016-01-01', extra: 1 }), 400, 'validation.failed', ['body']);
      expectProblem(await post('/units', { name: '某局', kind: 'department', establishedOn: 20160101 }), 400, 'validation.failed', ['body', 'establishedOn']);
      expectProblem(await post('/units', { kind: 'department', establishedOn: '2016-01-01' }), 400, 'validation.failed', ['body', 'name']);
      expectProblem(await post('/units', { name: '某局', kind: 'bureau', establishedOn: '2016-01-01' }), 400, 'validation.failed', ['body', 'kind']);
      expectProblem(await post('/units', { name: '某局', kind: 'department', code: 'ABC', establishedOn: '2016-01-01' }), 400, 'validation.failed', ['body', 'code']);
    });

    it('refuses a parent that was never registered', async () => {
      const response = await post('/units', { name: '某局', kind: 'department', establishedOn: '2016-01-01', parentUnitId: 'nowhere' });
      expectProblem(response, 422, 'organization.unit-not-registered', ['body', 'parentUnitId']);
    });

    it('refuses a code for a collective designation (市直各部门)', async () => {
      const response = await post('/units', { name: '市直各部门', kind: 'collective', code: '市直', establishedOn: '2016-01-01' });
      expectProblem(response, 422, 'organization.collective-unit', ['body', 'code']);
    });

    it('answers 404 for a unit that does not exist', async () => {
      expectProblem(await app.request('get', '/units/nowhere'), 404, 'subject.not-found');
      expectProblem(await post('/units/nowhere/renames', { name: '某局', code: null, renamedOn: '2017-01-01', basis: REFORM }), 404, 'subject.not-found');
    });

    it('renames a unit and keeps its earlier names', async () => {
      const unitId = await newUnit('尚志市工商行政管理局', { code: '尚工商' });
      await created(`/units/${unitId}/renames`, { name: '尚志市工商局', code: '尚工', renamedOn: '2017-05-01', basis: REFORM });
      const unit = (await app.request('get', `/units/${unitId}`)).body;
      expect(unit).to.deep.include({ name: '尚志市工商局', code: '尚工' });
      expect((unit.names as { name: string }[]).map((naming) => naming.name)).to.deep.equal(['尚志市工商行政管理局', '尚志市工商局']);
      expectProblem(await post(`/units/${unitId}/renames`, { name: '尚志市工商局', code: '尚工', renamedOn: '2017-06-01', basis: REFORM }), 422, 'organization.nothing-renamed');
      expectProblem(await post(`/units/${unitId}/renames`, { name: '尚志市工商局二', code: null, renamedOn: '2017-04-30', basis: REFORM }), 422, 'organization.date-out-of-order', ['body', 'renamedOn']);
    });

    it('establishes posts and lists them on the unit', async () => {
      const unitId = await newUnit('尚志市环保局');
      const postId = await newPost(unitId, '局长');
      const unit = (await app.request('get', `/units/${unitId}`)).body;
      expect(unit.posts).to.deep.equal([{ postId, title: '局长' }]);
      expectProblem(await post(`/units/${unitId}/posts`, { title: '' }), 400, 'validation.failed', ['body', 'title']);
    });

    it('follows mergers to the unit responsible today, and refuses new steps in a merged unit', async () => {
      const quality = await newUnit('尚志市质量技术监督局');
      const commerce = await newUnit('尚志市工商行政管理局');
      const market = await newUnit('尚志市市场监督管理局', { establishedOn: '2019-01-01' });
      await created(`/units/${quality}/mergers`, { successorUnitId: commerce, mergedOn: '2018-01-01', basis: REFORM });
      await created(`/units/${commerce}/mergers`, { successorUnitId: market, mergedOn: '2019-03-01', basis: REFORM });

      const unit = (await app.request('get', `/units/${quality}`)).body;
      expect(unit).to.deep.include({ status: 'merged', responsibleToday: { unitId: market, name: '尚志市市场监督管理局' }, chainEnds: 'live' });
      expect(unit.successorChain).to.deep.equal([
        { unitId: commerce, name: '尚志市工商行政管理局', via: 'merged', on: '2018-01-01' },
        { unitId: market, name: '尚志市市场监督管理局', via: 'merged', on: '2019-03-01' },
      ]);

      expectProblem(await post(`/units/${commerce}/posts`, { title: '局长' }), 409, 'organization.unit-ended');
      expectProblem(await post(`/units/${market}/mergers`, { successorUnitId: commerce, mergedOn: '2020-01-01', basis: REFORM }), 422, 'organization.unit-not-in-existence', ['body', 'successorUnitId']);
      expectProblem(await post(`/units/${market}/mergers`, { successorUnitId: market, mergedOn: '2020-01-01', basis: REFORM }), 422, 'organization.unit-refers-to-itself', ['body', 'successorUnitId']);
      expectProblem(await post(`/units/${market}/mergers`, { successorUnitId: 'nowhere', mergedOn: '2020-01-01', basis: REFORM }), 422, 'organization.unit-not-registered');
      expectProblem(await post(`/units/${market}/mergers`, { mergedOn: '2020-01-01', basis: REFORM }), 400, 'validation.failed', ['body', 'successorUnitId']);
    });

    it('dissolves a unit, with or without a successor', async () => {
      const bureau = await newUnit('尚志市商务办');
      const successor = await newUnit('尚志市商务局');
      const orphan = await newUnit('尚志市粮食局');
      await created(`/units/${bureau}/dissolutions`, { successorUnitId: successor, dissolvedOn: '2019-03-01', basis: REFORM });
      await created(`/units/${orphan}/dissolutions`, { dissolvedOn: '2019-03-01', basis: REFORM });
      expect((await app.request('get', `/units/${bureau}`)).body).to.deep.include({ status: 'dissolved', responsibleToday: { unitId: successor, name: '尚志市商务局' } });
      expect((await app.request('get', `/units/${orphan}`)).body).to.deep.include({ status: 'dissolved', responsibleToday: null, chainEnds: 'dissolved-without-successor' });
      expectProblem(await post(`/units/${orphan}/dissolutions`, { dissolvedOn: '2019-04-01', basis: REFORM }), 409, 'organization.unit-ended');
    });

    it('lists every unit with its status', async () => {
      const unitId = await newUnit('尚志市统计局');
      const response = await app.request('get', '/units');
      expect(response.status).to.equal(200);
      const units = response.body.units as { unitId: string; status: string }[];
      expect(units.find((unit) => unit.unitId === unitId)).to.deep.include({ status: 'live' });
      expectProblem(await app.request('get', '/units?kind=department'), 400, 'validation.failed');
    });

    it('registers a unit once per Idempotency-Key', async () => {
      const body = { name: '尚志市信访局', kind: 'department', establishedOn: '2016-01-01' };
      const first = await post('/units', body, admin, { 'Idempotency-Key': 'unit-xinfang-1' });
      const again = await post('/units', body, admin, { 'Idempotency-Key': 'unit-xinfang-1' });
      expect(first.status).to.equal(201);
      expect(again.status).to.equal(200);
      expect(again.body).to.deep.include({ replayed: true, subject: first.body.subject });
    });
  });

  describe('persons', () => {
    let unitId: string;
    let director: string;
    let legalOffice: string;

    before(async () => {
      unitId = await newUnit('尚志市林业局');
      director = await newPost(unitId, '局长');
      legalOffice = await newUnit('尚志市政府法制办');
    });

    it('appoints, rotates and retires, and shows the whole record', async () => {
      const zhang = await newPerson('张三');
      const li = await newPerson('李四');
      await created(`/persons/${zhang}/appointments`, { postId: director, unitId, appointedOn: '2017-01-01', basis: '尚组任〔2017〕1号' });
      expectProblem(
        await post(`/persons/${li}/appointments`, { postId: director, unitId, appointedOn: '2017-02-01', basis: '尚组任〔2017〕2号' }),
        409,
        'organization.post-held-by-another',
        ['body', 'postId'],
      );
      expectProblem(
        await post(`/persons/${zhang}/appointments`, { postId: director, unitId, appointedOn: '2017-02-01', basis: '尚组任〔2017〕2号' }),
        409,
        'organization.post-already-held',
      );
      await created(`/persons/${zhang}/removals`, { postId: director, removedOn: '2018-06-30', reason: 'rotation', basis: '尚组任〔2018〕7号' });
      expectProblem(
        await post(`/persons/${li}/appointments`, { postId: director, unitId, appointedOn: '2018-06-29', basis: '尚组任〔2018〕8号' }),
        422,
        'organization.date-out-of-order',
        ['body', 'appointedOn'],
      );
      await created(`/persons/${li}/appointments`, { postId: director, unitId, appointedOn: '2018-06-30', basis: '尚组任〔2018〕8号' });
      await created(`/persons/${zhang}/certifications`, { scope: '林业', issuingUnitId: legalOffice, validFrom: '2017-01-01', validUntil: '2022-12-31' });

      const retirement = await created(`/persons/${zhang}/retirement`, { retiredOn: '2019-12-31', basis: '退休审批表' });
      expect(retirement.events.map((event) => event.type)).to.deep.equal(['person.certificationRevoked.v1', 'person.retired.v1']);

      const person = (await app.request('get', `/persons/${zhang}`, { token: clerk })).body;
      expect(person).to.deep.include({ name: '张三', status: 'retired', posts: [], today: '2020-06-01' });
      expect(person.tenures).to.have.length(1);
      expect((person.tenures as { unitName: string; postTitle: string }[])[0]).to.deep.include({ unitName: '尚志市林业局', postTitle: '局长' });
      expect((person.certificates as { validToday: boolean }[])[0]?.validToday).to.equal(false);

      const successor = (await app.request('get', `/persons/${li}`, { token: clerk })).body;
      expect((successor.posts as { postId: string }[]).map((held) => held.postId)).to.deep.equal([director]);

      expectProblem(
        await post(`/persons/${zhang}/appointments`, { postId: director, unitId, appointedOn: '2020-01-01', basis: '返聘' }),
        409,
        'organization.person-retired',
      );
    });

    it('refuses removal from a post not held, and bad reasons', async () => {
      const wang = await newPerson('王五');
      expectProblem(await post(`/persons/${wang}/removals`, { postId: director, removedOn: '2018-01-01', reason: 'rotation', basis: 'x' }), 409, 'organization.post-not-held');
      expectProblem(await post(`/persons/${wang}/removals`, { postId: director, removedOn: '2018-01-01', reason: 'fired', basis: 'x' }), 400, 'validation.failed', ['body', 'reason']);
    });

    it('refuses an appointment to a post of another unit or of an unknown unit', async () => {
      const zhao = await newPerson('赵六');
      const otherUnit = await newUnit('尚志市水务局');
      expectProblem(await post(`/persons/${zhao}/appointments`, { postId: director, unitId: otherUnit, appointedOn: '2018-01-01', basis: 'x' }), 422, 'organization.post-not-in-unit', ['body', 'postId']);
      expectProblem(await post(`/persons/${zhao}/appointments`, { postId: director, unitId: 'nowhere', appointedOn: '2018-01-01', basis: 'x' }), 422, 'organization.unit-not-registered', ['body', 'unitId']);
    });

    it('answers 404 for a person who does not exist', async () => {
      expectProblem(await app.request('get', '/persons/nobody', { token: clerk }), 404, 'subject.not-found');
      expectProblem(await post('/persons/nobody/retirement', { retiredOn: '2020-01-01', basis: 'x' }), 404, 'subject.not-found');
    });

    describe('enforcement certificates (行政执法证)', () => {
      let officer: string;
      let certificateId: string;

      before(async () => {
        officer = await newPerson('钱七');
        const outcome = await created(
          `/persons/${officer}/certifications`,
          { scope: '林业', issuingUnitId: legalOffice, validFrom: '2017-01-01', validUntil: '2021-12-31', number: '23010017001' },
        );
        certificateId = outcome.subject?.certificateId ?? '';
      });

      it('lists the certificates valid on a day, today by default', async () => {
        const today = await app.request('get', `/persons/${officer}/certifications`, { token: clerk });
        expect(today.body).to.deep.include({ personId: officer, on: '2020-06-01' });
        expect((today.body.certificates as { certificateId: string }[]).map((certificate) => certificate.certificateId)).to.deep.equal([certificateId]);
        const later = await app.request('get', `/persons/${officer}/certifications?on=2022-01-01`, { token: clerk });
        expect(later.body.certificates).to.deep.equal([]);
        expectProblem(await app.request('get', `/persons/${officer}/certifications?on=2022-13-01`, { token: clerk }), 400, 'validation.failed', ['query', 'on']);
      });

      it('refuses a validity that ends before it begins, naming the article', async () => {
        const problem = expectProblem(
          await post(`/persons/${officer}/certifications`, { scope: '林业', issuingUnitId: legalOffice, validFrom: '2017-01-01', validUntil: '2016-12-31' }),
          422,
          'organization.certificate-validity-inverted',
          ['body', 'validUntil'],
        );
        expect(problem.article).to.equal('行政处罚法 第42条');
      });

      it('refuses an issuing unit that was never registered', async () => {
        expectProblem(
          await post(`/persons/${officer}/certifications`, { scope: '林业', issuingUnitId: 'nowhere', validFrom: '2017-01-01', validUntil: '2018-12-31' }),
          422,
          'organization.unit-not-registered',
          ['body', 'issuingUnitId'],
        );
      });

      it('revokes a certificate once, and not an unknown one', async () => {
        const path = `/persons/${officer}/certifications/${certificateId}/revocations`;
        await created(path, { revokedOn: '2020-05-01', reason: '违法执法' });
        expectProblem(await post(path, { revokedOn: '2020-05-02', reason: '违法执法' }), 409, 'organization.certificate-already-revoked');
        expectProblem(await post(`/persons/${officer}/certifications/unknown/revocations`, { revokedOn: '2020-05-02', reason: 'x' }, reviewer), 404, 'subject.not-found');
        const today = await app.request('get', `/persons/${officer}/certifications`, { token: clerk });
        expect(today.body.certificates).to.deep.equal([]);
        const before = await app.request('get', `/persons/${officer}/certifications?on=2020-04-30`, { token: clerk });
        expect(before.body.certificates).to.have.length(1);
      });
    });
  });

  describe('measures of the action plan', () => {
    const plan = { title: '尚志市法治政府建设行动方案(2016-2020年)', issuedBy: '尚志市人民政府' };
    const measure = { plan, section: '(二)', sectionTitle: '完善依法行政制度体系', number: 2, text: '落实规范性文件三统一制度…' };

    it('defines a measure, assigns and reassigns its units, and shows who answers today after a merger', async () => {
      const office = await newUnit('市政府办公室');
      const legal = await newUnit('市政府法制办');
      const justice = await newUnit('市司法局');
      const measureId = (await created('/measures', measure)).subject?.measureId ?? '';

      expectProblem(
        await post(`/measures/${measureId}/responsibilities`, { leadUnitIds: ['nowhere'], source: { document: plan.title, clause: '(二)2' }, effectiveFrom: '2016-06-01' }),
        422,
        'organization.unit-not-registered',
        ['body', 'leadUnitIds', 0],
      );
      expectProblem(
        await post(`/measures/${measureId}/responsibilities`, { leadUnitIds: [office], cooperatingUnitIds: [office], source: { document: plan.title, clause: '(二)2' }, effectiveFrom: '2016-06-01' }),
        422,
        'organization.unit-listed-twice',
      );
      expectProblem(
        await post(`/measures/${measureId}/responsibilities`, { leadUnitIds: [], source: { document: plan.title, clause: '(二)2' }, effectiveFrom: '2016-06-01' }),
        400,
        'validation.failed',
        ['body', 'leadUnitIds'],
      );
      await created(`/measures/${measureId}/responsibilities`, {
        leadUnitIds: [office, legal],
        source: { document: plan.title, clause: '(二)2' },
        effectiveFrom: '2016-06-01',
      });
      expectProblem(
        await post(`/measures/${measureId}/responsibilities`, { leadUnitIds: [office], source: { document: plan.title, clause: '(二)2' }, effectiveFrom: '2017-01-01' }),
        422,
        'organization.supersession-reason-required',
        ['body', 'reason'],
      );
      const reassigned = await created(`/measures/${measureId}/responsibilities`, {
        leadUnitIds: [office, legal],
        cooperatingUnitIds: [justice],
        source: { document: '尚政办发〔2017〕5号', clause: '二' },
        effectiveFrom: '2017-01-01',
        reason: '增加配合单位',
      });
      expect(reassigned.events.map((event) => event.type)).to.deep.equal(['measure.responsibilitySuperseded.v1', 'responsibility.assigned.v1']);

      await created(`/units/${legal}/mergers`, { successorUnitId: justice, mergedOn: '2019-03-01', basis: REFORM });

      const shown = (await app.request('get', `/measures/${measureId}`)).body;
      expect(shown).to.deep.include({ measureId, section: '(二)', number: 2 });
      expect(shown.assignments).to.have.length(2);
      const inForce = shown.inForce as { lead: { unitId: string; responsibleToday: { unitId: string } | null }[] };
      expect(inForce.lead.map((unit) => [unit.unitId, unit.responsibleToday?.unitId])).to.deep.equal([
        [office, office],
        [legal, justice],
      ]);
      expect((shown.history as object[])[0]).not.to.have.property('actor');

      const listed = (await app.request('get', '/measures')).body.measures as { measureId: string; leadUnitIds: string[] }[];
      expect(listed.find((item) => item.measureId === measureId)?.leadUnitIds).to.deep.equal([office, legal]);
    });

    it('refuses a measure that is not numbered with a positive whole number', async () => {
      expectProblem(await post('/measures', { ...measure, number: 0 }), 400, 'validation.failed', ['body', 'number']);
      expectProblem(await post('/measures', { ...measure, plan: { title: plan.title, extra: true } }), 400, 'validation.failed', ['body', 'plan']);
    });

    it('answers 404 for a measure that does not exist', async () => {
      expectProblem(await app.request('get', '/measures/nowhere'), 404, 'subject.not-found');
      expectProblem(
        await post('/measures/nowhere/responsibilities', { leadUnitIds: ['x'], source: { document: 'x', clause: 'y' }, effectiveFrom: '2016-06-01' }),
        404,
        'subject.not-found',
      );
    });
  });
});
