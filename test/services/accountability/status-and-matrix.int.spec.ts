import { expect } from 'chai';
import { accountabilityProjections } from '@quanze/accountability';
import { dumpDigest } from '@quanze/projections';
import type { RunnerStatus } from '@quanze/projections';
import { authorizationMatrix, expectMatrixMatchesAllow } from '../../support/http.js';
import { created, domainServices, get, organization, startAccountabilityApp } from './queries-support.js';
import type { AccountabilityTestApp, Problem } from './queries-support.js';

describe('the accountability service', () => {
  describe('authorisation', () => {
    let city: AccountabilityTestApp;
    before(async () => {
      city = await startAccountabilityApp([]);
    });
    after(async () => {
      await city.close();
    });

    it('lets every role reach exactly the routes it is allowed, on every accountability route', async () => {
      const rows = await authorizationMatrix(city.app, city.service);
      expect(rows).to.have.length(city.service.routes.length * 10);
      expectMatrixMatchesAllow(rows);
    });

    it('describes every route in the OpenAPI document', async () => {
      const openApi = await get<{ paths: Record<string, unknown> }>(city.app, '/openapi.json', null);
      for (const route of city.service.routes) expect(openApi.body.paths).to.have.property(route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}'));
    });
  });

  describe('the read models’ status and rebuild', () => {
    let city: AccountabilityTestApp;
    let admin = '';
    before(async () => {
      city = await startAccountabilityApp(domainServices, { clock: () => new Date('2026-03-02T01:00:00.000Z') });
      admin = await city.app.token({ roles: ['admin'], personId: 'person-admin', postId: null, unitId: null });
      const org = organization(city.app, admin);
      await org.unit('尚志市公安局', 'public-security');
      await org.officer('赵执法', await org.unit('尚志市司法局', 'department'));
      const clerk = await city.app.token({ roles: ['clerk'], personId: 'person-clerk', unitId: 'unit-scj' });
      await created(city.app, '/cases', clerk, {
        title: '销售不合格产品案',
        enforcementKind: 'penalty',
        major: false,
        party: { kind: 'natural-person', name: '王小明' },
        legalBasis: [{ kind: 'law', title: '中华人民共和国产品质量法', article: '第49条' }],
      });
      await city.settle();
    });
    after(async () => {
      await city.close();
    });

    it('shows each read model’s checkpoint and lag to admin and supervision', async () => {
      const supervision = await city.app.token({ roles: ['supervision'], personId: 'person-jw', unitId: 'unit-jw' });
      await city.settle();
      const response = await get<RunnerStatus & { rebuilding: boolean }>(city.app, '/read-models', supervision);
      expect(response.status).to.equal(200);
      expect(response.body).to.include({ running: true, failure: null, rebuilding: false });
      expect(response.body.projections.map((projection) => projection.name)).to.deep.equal(accountabilityProjections.map((projection) => projection.name));
      // Supervision's own read was recorded before the answer: the read models may be one event behind it.
      for (const projection of response.body.projections) expect(projection.lag, projection.name).to.be.at.most(1);
    });

    it('rebuilds all read models, or those named, to the same content', async () => {
      await city.settle();
      const digest = () => city.readModels.store.read((q) => dumpDigest(q, accountabilityProjections));
      const before = await digest();
      const all = await city.app.request<{ rebuilt: string[]; reached: number; status: RunnerStatus }>('post', '/read-models/rebuild', { token: admin, body: {} });
      expect(all.status, JSON.stringify(all.body)).to.equal(200);
      expect(all.body.rebuilt).to.deep.equal(accountabilityProjections.map((projection) => projection.name));
      expect(all.body.status.running).to.equal(true);
      expect(await digest()).to.equal(before);

      const some = await city.app.request<{ rebuilt: string[] }>('post', '/read-models/rebuild', { token: admin, body: { projections: ['public'] } });
      expect(some.body.rebuilt).to.deep.equal(['public']);
      expect(await digest()).to.equal(before);
    });

    it('names a read model it does not run (422) and an unknown field (400)', async () => {
      const unknown = await city.app.request<Problem>('post', '/read-models/rebuild', { token: admin, body: { projections: ['public', 'nonesuch'] } });
      expect(unknown.status).to.equal(422);
      expect(unknown.body.code).to.equal('readmodels.unknown');
      expect(unknown.body.errors?.[0]?.path).to.deep.equal(['body', 'projections', 1]);
      const field = await city.app.request<Problem>('post', '/read-models/rebuild', { token: admin, body: { all: true } });
      expect(field.status).to.equal(400);
    });
  });
});
