import { expect } from 'chai';
import { createOrganizationService } from '../../../services/organization/src/index.js';
import { startTestApp } from '../../support/http.js';
import type { TestApp, TestResponse } from '../../support/http.js';

// 2020-06-01 in Beijing: "today" for a legal reviewer's certificates.
const now = new Date('2020-06-01T02:00:00.000Z');
const TODAY = '2020-06-01';

/**
 * 执法证 are recorded in the issuing unit's name. With real units, posts and reviewers who hold them (the actor
 * check is on), a legal reviewer of another unit is refused, as are backdating and certifying oneself.
 */
describe('who may record enforcement certificates (行政执法证), over HTTP with real reviewers', () => {
  let app: TestApp;
  let admin: string;
  let legalOffice: string;
  let environment: string;
  let qian: string; // 法制办 reviewer
  let legalReviewer: string;
  let envReviewer: string;
  let officer: string;

  async function created(path: string, body: unknown, token = admin): Promise<Record<string, string>> {
    const response = await app.request('post', path, { token, body });
    expect(response.status, JSON.stringify(response.body)).to.equal(201);
    return response.body.subject as Record<string, string>;
  }
  function expectProblem(response: TestResponse, status: number, code: string, path?: (string | number)[]): void {
    expect(response.status, JSON.stringify(response.body)).to.equal(status);
    expect(response.body.code).to.equal(code);
    if (path !== undefined) expect((response.body.errors as { path: unknown }[]).map((error) => error.path)).to.deep.include(path);
  }
  /** Runs the refused request and checks that the log did not move. */
  async function refusedWithoutTrace(request: () => Promise<TestResponse>): Promise<TestResponse> {
    const head = await app.store.headPosition();
    const response = await request();
    expect(await app.store.headPosition(), 'events appended by a refused command').to.equal(head);
    return response;
  }
  async function reviewerOf(name: string, unitId: string): Promise<{ personId: string; token: string }> {
    const personId = (await created('/persons', { name })).personId ?? '';
    const postId = (await created(`/units/${unitId}/posts`, { title: '法制审核科科长' })).postId ?? '';
    await created(`/persons/${personId}/appointments`, { postId, unitId, appointedOn: '2019-01-01', basis: '尚组任〔2019〕3号' });
    return { personId, token: await app.token({ roles: ['legal-reviewer'], personId, postId, unitId }) };
  }
  const certificate = (issuingUnitId: string, validFrom = TODAY) => ({ scope: '市场监管', issuingUnitId, validFrom, validUntil: '2023-06-01' });

  before(async () => {
    app = await startTestApp([createOrganizationService], { clock: () => now, checkPostHolding: true });
    admin = await app.token({ roles: ['admin'], personId: 'admin-1', postId: null, unitId: null });
    legalOffice = (await created('/units', { name: '尚志市政府法制办公室', kind: 'department', establishedOn: '2016-01-01' })).unitId ?? '';
    environment = (await created('/units', { name: '尚志市环境保护局', kind: 'department', establishedOn: '2016-01-01' })).unitId ?? '';
    const legal = await reviewerOf('钱审核', legalOffice);
    qian = legal.personId;
    legalReviewer = legal.token;
    envReviewer = (await reviewerOf('孙审核', environment)).token;
    officer = (await created('/persons', { name: '吴执法' })).personId ?? '';
  });
  after(async () => {
    await app.close();
  });

  it('lets a legal reviewer record and revoke a certificate of their own unit, from today on', async () => {
    const { certificateId } = await created(`/persons/${officer}/certifications`, certificate(legalOffice), legalReviewer);
    await created(`/persons/${officer}/certifications/${certificateId}/revocations`, { revokedOn: TODAY, reason: '调离执法岗位' }, legalReviewer);
    const { certificateId: own } = await created(`/persons/${officer}/certifications`, certificate(environment), envReviewer);
    expect(own).to.be.a('string');
  });

  it('refuses a 环保局 reviewer issuing certificates in the 法制办’s name, backdated or not, and appends nothing', async () => {
    const person = async () => (await app.request('get', `/persons/${officer}`, { token: admin })).body.certificates as { issuingUnitId: string }[];
    const before = await person();
    expectProblem(
      await refusedWithoutTrace(() => app.request('post', `/persons/${officer}/certifications`, { token: envReviewer, body: certificate(legalOffice) })),
      403,
      'organization.not-of-issuing-unit',
      ['body', 'issuingUnitId'],
    );
    expectProblem(
      await refusedWithoutTrace(() => app.request('post', `/persons/${officer}/certifications`, { token: envReviewer, body: certificate(legalOffice, '2017-01-01') })),
      403,
      'organization.not-of-issuing-unit',
    );
    expect(await person()).to.deep.equal(before);
  });

  it('refuses a 环保局 reviewer revoking the 法制办’s certificate, and appends nothing', async () => {
    const { certificateId } = await created(`/persons/${officer}/certifications`, certificate(legalOffice), legalReviewer);
    const path = `/persons/${officer}/certifications/${certificateId}/revocations`;
    expectProblem(await refusedWithoutTrace(() => app.request('post', path, { token: envReviewer, body: { revokedOn: TODAY, reason: '违法执法' } })), 403, 'organization.not-of-issuing-unit');
  });

  it('refuses a reviewer’s backdated certificate or revocation: history is recorded by an administrator', async () => {
    expectProblem(
      await refusedWithoutTrace(() => app.request('post', `/persons/${officer}/certifications`, { token: legalReviewer, body: certificate(legalOffice, '2020-05-31') })),
      422,
      'organization.backdated-by-reviewer',
      ['body', 'validFrom'],
    );
    const { certificateId } = await created(`/persons/${officer}/certifications`, certificate(legalOffice), legalReviewer);
    const path = `/persons/${officer}/certifications/${certificateId}/revocations`;
    expectProblem(
      await refusedWithoutTrace(() => app.request('post', path, { token: legalReviewer, body: { revokedOn: '2020-05-31', reason: '违法执法' } })),
      422,
      'organization.backdated-by-reviewer',
      ['body', 'revokedOn'],
    );
    // An administrator migrating the paper register records the history, dates and all.
    await created(`/persons/${officer}/certifications`, certificate(legalOffice, '2017-01-01'));
  });

  it('refuses anyone certifying themself, a reviewer of the issuing unit or an administrator', async () => {
    expectProblem(
      await refusedWithoutTrace(() => app.request('post', `/persons/${qian}/certifications`, { token: legalReviewer, body: certificate(legalOffice) })),
      403,
      'organization.own-certificate',
    );
    const adminPerson = (await created('/persons', { name: '管理员' })).personId ?? '';
    const adminAsPerson = await app.token({ roles: ['admin'], personId: adminPerson, postId: null, unitId: null });
    expectProblem(
      await refusedWithoutTrace(() => app.request('post', `/persons/${adminPerson}/certifications`, { token: adminAsPerson, body: certificate(legalOffice) })),
      403,
      'organization.own-certificate',
    );
  });
});
