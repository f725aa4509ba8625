import { expect } from 'chai';
import type { EventStore } from '@quanze/eventstore';
import type { ServiceModule } from '@quanze/service-kit';
import { proposedEvent } from '../../support/events.js';
import { authorizationMatrix, expectMatrixMatchesAllow, startTestApp } from '../../support/http.js';
import type { TestApp, TestResponse } from '../../support/http.js';
import { createEnforcementService } from '../../../services/enforcement/src/index.js';
import { caseErrorStatuses, createCaseRoutes } from '../../../services/enforcement/src/case-routes.js';

// 尚志市市场监督管理局 (UNIT) handles the cases; 尚志市公安局 (POLICE) and two courts receive transfers.
const UNIT = 'unit-scjgj';
const OTHER_UNIT = 'unit-hbj';
const POLICE = 'unit-gaj';
const OTHER_POLICE = 'unit-gaj-yabuli';
const COURT = 'unit-fy';
const OTHER_COURT = 'unit-fy-zhongji';
const PROCURATORATE = 'unit-jcy';

const hash = (character: string) => character.repeat(64);

interface Problem {
  code: string;
  status: number;
  article?: string;
  errors?: { path: (string | number)[]; message: string }[];
}

interface Created {
  subject?: Record<string, string>;
  events: { type: string }[];
}

// The case routes alone, for the authorisation matrix: the inspection routes have their own.
function createCaseService(deps: { store: EventStore; clock?: () => Date }): ServiceModule {
  return { name: 'cases', description: '行政执法案件', routes: createCaseRoutes(deps), errorStatuses: caseErrorStatuses };
}

async function append(store: EventStore, streamId: string, type: string, data: unknown): Promise<void> {
  await store.appendToStream(streamId, [proposedEvent({ type, data })], { expectedVersion: 'any' });
}

async function registerUnit(store: EventStore, unitId: string, kind: string): Promise<void> {
  await append(store, `unit-${unitId}`, 'unit.registered.v1', {
    unitId,
    name: unitId,
    code: null,
    kind,
    parentUnitId: null,
    establishedOn: '2019-03-01',
  });
}

async function registerOfficer(store: EventStore, personId: string, validUntil = '2028-12-31'): Promise<void> {
  await append(store, `person-${personId}`, 'person.registered.v1', { personId, name: personId });
  await append(store, `person-${personId}`, 'person.certified.v1', {
    personId,
    certificateId: `cert-${personId}`,
    scope: '市场监管',
    issuingUnitId: 'unit-fzb',
    validFrom: '2024-01-01',
    validUntil,
  });
}

const openBody = {
  title: '某某商贸有限公司销售不合格产品案',
  enforcementKind: 'penalty',
  major: false,
  party: { kind: 'legal-person', name: '尚志市某某商贸有限公司' },
  legalBasis: [
    { kind: 'law', title: '中华人民共和国产品质量法', article: '第49条' },
    { kind: 'document', documentNumber: '尚政规〔2017〕3号' },
  ],
};
const officersBody = {
  officers: [
    { personId: 'person-a', certificateId: 'cert-person-a' },
    { personId: 'person-b', certificateId: 'cert-person-b' },
  ],
};
const decisionBody = {
  outcome: 'penalty',
  penalties: [{ kind: 'fine', amountFen: 2_000_000 }],
  legalBasis: [{ kind: 'law', title: '中华人民共和国产品质量法', article: '第49条' }],
  decisionNumber: '尚市监处字〔2026〕17号',
  decisionTextSha256: hash('d'),
};
const materials = [
  { kind: 'transfer-letter', title: '涉嫌犯罪案件移送书', sha256: hash('1') },
  { kind: 'investigation-report', title: '涉嫌犯罪案件情况的调查报告', sha256: hash('2') },
  { kind: 'seized-items-inventory', title: '涉案物品清单', sha256: hash('3') },
];

describe('the case routes (行政执法)', () => {
  let app: TestApp;
  let now: Date;
  const tokens: Record<string, string> = {};

  function token(name: string): string {
    const value = tokens[name];
    if (value === undefined) throw new Error(`no token ${name}`);
    return value;
  }

  async function call<TBody = Record<string, unknown>>(method: string, path: string, as: string | null, body?: unknown): Promise<TestResponse<TBody>> {
    return app.request<TBody>(method, path, { token: as === null ? null : token(as), ...(body === undefined ? {} : { body }) });
  }

  function expectCreated(response: TestResponse): Created {
    expect(response.status, JSON.stringify(response.body)).to.equal(201);
    return response.body as unknown as Created;
  }

  async function openCase(body: unknown = openBody): Promise<string> {
    const created = expectCreated(await call('post', '/cases', 'clerk', body));
    const caseId = created.subject?.caseId;
    if (caseId === undefined) throw new Error('no caseId');
    return caseId;
  }

  async function investigatedCase(body: unknown = openBody): Promise<string> {
    const caseId = await openCase(body);
    expectCreated(await call('post', `/cases/${caseId}/officers`, 'clerk', officersBody));
    return caseId;
  }

  /** A case with a transfer sent to `authority`; returns both ids. */
  async function transferredCase(authority: { unitId: string; kind: string }): Promise<{ caseId: string; transferId: string }> {
    const caseId = await investigatedCase();
    const reported = expectCreated(
      await call('post', `/cases/${caseId}/transfers`, 'clerk', {
        receivingAuthority: authority,
        suspectedOffence: '销售伪劣产品罪',
        reportingOfficerIds: ['person-a', 'person-b'],
      }),
    );
    const transferId = reported.subject?.transferId;
    if (transferId === undefined) throw new Error('no transferId');
    expectCreated(await call('post', `/cases/${caseId}/transfers/${transferId}/approval`, 'head', {}));
    expectCreated(await call('post', `/cases/${caseId}/transfers/${transferId}/dispatch`, 'clerk', { materials }));
    return { caseId, transferId };
  }

  beforeEach(async () => {
    // 2026-03-02, 09:00 in 尚志.
    now = new Date('2026-03-02T01:00:00.000Z');
    app = await startTestApp([createEnforcementService], { clock: () => now });
    await registerUnit(app.store, POLICE, 'public-security');
    await registerUnit(app.store, OTHER_POLICE, 'public-security');
    await registerUnit(app.store, COURT, 'court');
    await registerUnit(app.store, OTHER_COURT, 'court');
    await registerUnit(app.store, PROCURATORATE, 'procuratorate');
    await registerOfficer(app.store, 'person-a');
    await registerOfficer(app.store, 'person-b');
    await registerOfficer(app.store, 'person-expired', '2026-03-01');
    const principals = {
      clerk: { personId: 'person-clerk', unitId: UNIT, roles: ['clerk'] },
      head: { personId: 'person-head', unitId: UNIT, roles: ['head'] },
      reviewer: { personId: 'person-reviewer', unitId: UNIT, roles: ['legal-reviewer'] },
      otherClerk: { personId: 'person-other', unitId: OTHER_UNIT, roles: ['clerk'] },
      otherHead: { personId: 'person-other-head', unitId: OTHER_UNIT, roles: ['head'] },
      otherReviewer: { personId: 'person-other-reviewer', unitId: OTHER_UNIT, roles: ['legal-reviewer'] },
      police: { personId: 'person-police', unitId: POLICE, roles: ['public-security'] },
      otherPolice: { personId: 'person-police-2', unitId: OTHER_POLICE, roles: ['public-security'] },
      court: { personId: 'person-judge', unitId: COURT, roles: ['court'] },
      otherCourt: { personId: 'person-judge-2', unitId: OTHER_COURT, roles: ['court'] },
      procuratorate: { personId: 'person-prosecutor', unitId: PROCURATORATE, roles: ['procuratorate'] },
      supervision: { personId: 'person-jw', unitId: 'unit-jw', roles: ['supervision'] },
    } as const;
    for (const [name, principal] of Object.entries(principals)) {
      tokens[name] = await app.token({ ...principal, roles: [...principal.roles] });
    }
  });

  afterEach(async () => {
    await app.close();
  });

  it('mounts the case and the inspection routes as one service, described in the OpenAPI document', async () => {
    const service = app.services[0];
    expect(service?.name).to.equal('enforcement');
    const paths = service?.routes.map((route) => route.path) ?? [];
    expect(paths).to.include.members(['/cases', '/transfers', '/inspections']);
    const openApi = await call<{ paths: Record<string, unknown> }>('get', '/openapi.json', null);
    expect(openApi.body.paths).to.have.property('/cases/{caseId}/transfers/{transferId}/receipt');
  });

  it('lets every role reach exactly the routes it is allowed', async () => {
    const matrixApp = await startTestApp([createCaseService]);
    try {
      const [service] = matrixApp.services;
      if (service === undefined) throw new Error('the case service is not mounted');
      const rows = await authorizationMatrix(matrixApp, service);
      expect(rows).to.have.length(service.routes.length * 10);
      expectMatrixMatchesAllow(rows);
    } finally {
      await matrixApp.close();
    }
  });

  describe('a case from 立案 to 结案', () => {
    it('records every step and publishes only what 公示 shows', async () => {
      const caseId = await investigatedCase();
      expectCreated(
        await call('post', `/cases/${caseId}/evidence`, 'clerk', { kind: 'documentary', title: '销售台账', sha256: hash('a'), collectedBy: 'person-a' }),
      );
      expectCreated(await call('post', `/cases/${caseId}/rights-notice`, 'clerk', { intendedPenalty: '罚款二万元', hearingOffered: false }));
      expectCreated(await call('post', `/cases/${caseId}/legal-review`, 'reviewer', { outcome: 'passed', opinion: '同意' }));
      expectCreated(await call('post', `/cases/${caseId}/decision`, 'head', decisionBody));
      expect((await call('get', `/cases/${caseId}/publication`, null)).status).to.equal(404);
      expectCreated(
        await call('post', `/cases/${caseId}/publication`, 'clerk', {
          channel: 'website',
          reference: 'http://www.shangzhi.gov.cn/xzcf/2026/17',
          summary: '某某商贸有限公司销售不合格产品，罚款二万元',
        }),
      );
      expectCreated(await call('post', `/cases/${caseId}/execution`, 'clerk', { manner: 'voluntary', paidFen: 2_000_000 }));
      expectCreated(await call('post', `/cases/${caseId}/closing`, 'clerk', { disposition: 'executed' }));

      const publication = await call('get', `/cases/${caseId}/publication`, null);
      expect(publication.status).to.equal(200);
      expect(publication.body).to.deep.include({ caseId, unitId: UNIT, enforcementKind: 'penalty' });
      expect(publication.body.party).to.deep.equal({ kind: 'legal-person', name: '尚志市某某商贸有限公司' });
      expect(JSON.stringify(publication.body)).to.not.include('person-a');

      const file = await call('get', `/cases/${caseId}`, 'head');
      expect(file.status).to.equal(200);
      expect(file.body).to.deep.include({ status: 'closed', openedOn: '2026-03-02', unitId: UNIT });

      const history = await call<{ events: { type: string; actor: { personId: string } }[] }>('get', `/cases/${caseId}/events`, 'supervision');
      expect(history.body.events.map((event) => event.type)).to.deep.equal([
        'case.opened.v1',
        'case.officersAssigned.v1',
        'case.evidenceRecorded.v1',
        'case.rightsNotified.v1',
        'case.legalReviewed.v1',
        'case.decided.v1',
        'case.published.v1',
        'case.executed.v1',
        'case.closed.v1',
      ]);
      expect(history.body.events[4]?.actor.personId).to.equal('person-reviewer');
    });

    it('never publishes a citizen’s name, and withdraws a revoked decision from the public', async () => {
      const caseId = await investigatedCase({ ...openBody, party: { kind: 'natural-person', name: '张三' } });
      expectCreated(await call('post', `/cases/${caseId}/rights-notice`, 'clerk', { intendedPenalty: '罚款', hearingOffered: false }));
      expectCreated(await call('post', `/cases/${caseId}/decision`, 'head', decisionBody));
      expectCreated(await call('post', `/cases/${caseId}/publication`, 'clerk', { channel: 'website', reference: 'r-1', summary: '销售不合格产品，罚款二万元' }));
      const publication = await call('get', `/cases/${caseId}/publication`, null);
      expect(publication.body.party).to.deep.equal({ kind: 'natural-person' });
      expect(JSON.stringify(publication.body)).to.not.include('张三');

      expectCreated(
        await call('post', `/cases/${caseId}/decision-change`, 'clerk', { change: 'revoked', by: 'court-judgment', reasons: '判决撤销' }),
      );
      expectCreated(await call('post', `/cases/${caseId}/publication-withdrawal`, 'clerk', { reference: 'r-1-withdrawn', reasons: '决定已被撤销' }));
      expect((await call('get', `/cases/${caseId}/publication`, null)).status).to.equal(404);
    });
  });

  describe('bad input', () => {
    it('answers 400 with the path of each wrong, missing or unknown field', async () => {
      const response = await call<Problem>('post', '/cases', 'clerk', {
        ...openBody,
        major: 'yes',
        title: undefined,
        colour: 'red',
        legalBasis: [{ kind: 'document', documentNumber: 'No. 3' }],
      });
      expect(response.status).to.equal(400);
      const paths = response.body.errors?.map((error) => error.path.join('.'));
      expect(paths).to.include.members(['body.major', 'body.title', 'body.legalBasis.0.documentNumber']);
      expect(response.body.errors?.some((error) => error.path[0] === 'body' && error.message.includes('colour'))).to.equal(true);
    });

    for (const number of ['尚政规2017年3号', '尚政规[2017]3号', '尚政规（2017）3号', '尚政规〔17〕3号', '尚政规〔2017〕03号', 'SZ规〔2017〕3号', '尚政规〔2017〕3']) {
      it(`answers 400 naming the field for the malformed document number ${number}`, async () => {
        const response = await call<Problem>('post', '/cases', 'clerk', {
          ...openBody,
          legalBasis: [{ kind: 'law', title: '中华人民共和国产品质量法' }, { kind: 'document', documentNumber: number }],
        });
        expect(response.status).to.equal(400);
        expect(response.body.errors?.map((error) => error.path.join('.'))).to.deep.equal(['body.legalBasis.1.documentNumber']);
      });
    }

    it('answers 400 for a fine without an amount', async () => {
      const caseId = await investigatedCase();
      const response = await call<Problem>('post', `/cases/${caseId}/decision`, 'head', { ...decisionBody, penalties: [{ kind: 'fine' }] });
      expect(response.status).to.equal(400);
      expect(response.body.errors?.map((error) => error.path.join('.'))).to.include('body.penalties.0.amountFen');
    });

    it('answers 404 for a case that does not exist', async () => {
      const response = await call<Problem>('post', '/cases/case-none/officers', 'clerk', officersBody);
      expect(response.status).to.equal(404);
      expect(response.body.code).to.equal('subject.not-found');
    });
  });

  describe('the rules', () => {
    it('rejects a single officer (行政处罚法 第42条)', async () => {
      const caseId = await openCase();
      const response = await call<Problem>('post', `/cases/${caseId}/officers`, 'clerk', { officers: officersBody.officers.slice(0, 1) });
      expect(response.status).to.equal(422);
      expect(response.body).to.include({ code: 'enforcement.too-few-officers', article: '行政处罚法 (2021) 第42条' });
      expect(response.body.errors?.[0]?.path).to.deep.equal(['body', 'officers']);
    });

    it('rejects a person who is not registered', async () => {
      const caseId = await openCase();
      const response = await call<Problem>('post', `/cases/${caseId}/officers`, 'clerk', {
        officers: [officersBody.officers[0], { personId: 'person-ghost', certificateId: 'cert-ghost' }],
      });
      expect(response.status).to.equal(422);
      expect(response.body.code).to.equal('enforcement.person-not-registered');
      expect(response.body.errors?.[0]?.path).to.deep.equal(['body', 'officers', 1, 'personId']);
    });

    it('rejects a certificate that expired yesterday (第55条)', async () => {
      const caseId = await openCase();
      const response = await call<Problem>('post', `/cases/${caseId}/officers`, 'clerk', {
        officers: [officersBody.officers[0], { personId: 'person-expired', certificateId: 'cert-person-expired' }],
      });
      expect(response.status).to.equal(422);
      expect(response.body).to.include({ code: 'enforcement.officer-not-certified', article: '行政处罚法 (2021) 第42、55条' });
    });

    it('rejects a certificate revoked today', async () => {
      await append(app.store, 'person-person-b', 'person.certificationRevoked.v1', {
        personId: 'person-b',
        certificateId: 'cert-person-b',
        revokedOn: '2026-03-02',
        reason: '调离执法岗位',
      });
      const caseId = await openCase();
      const response = await call<Problem>('post', `/cases/${caseId}/officers`, 'clerk', officersBody);
      expect(response.status).to.equal(422);
      expect(response.body.code).to.equal('enforcement.officer-not-certified');
    });

    it('rejects the decision of a major case without a passed legal review (第58条)', async () => {
      const caseId = await investigatedCase({ ...openBody, major: true });
      expectCreated(await call('post', `/cases/${caseId}/rights-notice`, 'clerk', { intendedPenalty: '罚款', hearingOffered: false }));
      const response = await call<Problem>('post', `/cases/${caseId}/decision`, 'head', {
        ...decisionBody,
        collectiveDiscussion: { meetingId: 'meeting-4', heldOn: '2026-03-01' },
      });
      expect(response.status).to.equal(422);
      expect(response.body).to.include({ code: 'enforcement.legal-review-required', article: '行政处罚法 (2021) 第58条' });
    });

    it('refuses a clerk of another unit (403) and hides the case from them (404)', async () => {
      const caseId = await openCase();
      const command = await call<Problem>('post', `/cases/${caseId}/officers`, 'otherClerk', officersBody);
      expect(command.status).to.equal(403);
      expect(command.body.code).to.equal('subject.not-permitted');
      expect((await call('get', `/cases/${caseId}`, 'otherClerk')).status).to.equal(404);
    });

    it('refuses a second decision (409)', async () => {
      const caseId = await investigatedCase();
      expectCreated(await call('post', `/cases/${caseId}/decision`, 'head', { ...decisionBody, outcome: 'no-penalty', penalties: [] }));
      const response = await call<Problem>('post', `/cases/${caseId}/decision`, 'head', { ...decisionBody, outcome: 'no-penalty', penalties: [] });
      expect(response.status).to.equal(409);
      expect(response.body.code).to.equal('subject.step-out-of-order');
    });
  });

  describe('持证上岗 on every step an officer takes, not only at the assignment (第42、55条)', () => {
    const assignWithShortCertificate = async (): Promise<string> => {
      await registerOfficer(app.store, 'person-short', '2026-03-05');
      const caseId = await openCase();
      expectCreated(
        await call('post', `/cases/${caseId}/officers`, 'clerk', {
          officers: [
            { personId: 'person-a', certificateId: 'cert-person-a' },
            { personId: 'person-short', certificateId: 'cert-person-short' },
          ],
        }),
      );
      return caseId;
    };

    function expectRefusedUncertified(response: TestResponse<Problem>, path: (string | number)[] | null): void {
      expect(response.status, JSON.stringify(response.body)).to.equal(422);
      expect(response.body).to.include({ code: 'enforcement.officer-not-certified', article: '行政处罚法 (2021) 第42、55条' });
      expect(response.body.errors?.map((error) => error.path) ?? []).to.deep.equal(path === null ? [] : [path]);
    }

    it('rejects evidence collected by an officer whose certificate expired after the team was assigned', async () => {
      const caseId = await assignWithShortCertificate();
      const body = { kind: 'documentary', title: '销售台账', sha256: hash('a'), collectedBy: 'person-short' };
      now = new Date('2026-03-05T01:00:00.000Z');
      expectCreated(await call('post', `/cases/${caseId}/evidence`, 'clerk', body));
      now = new Date('2026-03-06T01:00:00.000Z');
      const before = await app.store.headPosition();
      expectRefusedUncertified(await call<Problem>('post', `/cases/${caseId}/evidence`, 'clerk', body), ['body', 'collectedBy']);
      expect(await app.store.headPosition()).to.equal(before);
    });

    it('rejects evidence collected by an officer whose certificate was revoked after the team was assigned', async () => {
      const caseId = await investigatedCase();
      await append(app.store, 'person-person-a', 'person.certificationRevoked.v1', {
        personId: 'person-a',
        certificateId: 'cert-person-a',
        revokedOn: '2026-03-02',
        reason: '调离执法岗位',
      });
      const response = await call<Problem>('post', `/cases/${caseId}/evidence`, 'clerk', {
        kind: 'documentary',
        title: '销售台账',
        sha256: hash('a'),
        collectedBy: 'person-a',
      });
      expectRefusedUncertified(response, ['body', 'collectedBy']);
    });

    it('rejects a transfer report by an officer whose certificate has expired, naming them', async () => {
      const caseId = await assignWithShortCertificate();
      now = new Date('2026-03-06T01:00:00.000Z');
      const response = await call<Problem>('post', `/cases/${caseId}/transfers`, 'clerk', {
        receivingAuthority: { unitId: POLICE, kind: 'public-security' },
        suspectedOffence: '销售伪劣产品罪',
        reportingOfficerIds: ['person-a', 'person-short'],
      });
      expectRefusedUncertified(response, ['body', 'reportingOfficerIds', 1]);
    });

    it('rejects the decision while an officer of the team is no longer certified, and decides once a certified team is assigned', async () => {
      const caseId = await assignWithShortCertificate();
      now = new Date('2026-03-06T01:00:00.000Z');
      const noPenalty = { ...decisionBody, outcome: 'no-penalty', penalties: [] };
      expectRefusedUncertified(await call<Problem>('post', `/cases/${caseId}/decision`, 'head', noPenalty), null);
      expectCreated(await call('post', `/cases/${caseId}/officers`, 'clerk', officersBody));
      expectCreated(await call('post', `/cases/${caseId}/decision`, 'head', noPenalty));
    });
  });

  describe('role-allowed users of other units, on a real case', () => {
    it('are refused on every write step — the agency’s steps 403, the judicial ones 404 — and nothing is recorded', async () => {
      /** `as` of another unit is refused and nothing is appended; then the case's own `owner` records the step. */
      async function refusedThenDone(path: string, body: unknown, owner: string, strangers: readonly string[], status: 403 | 404) {
        for (const stranger of strangers) {
          const before = await app.store.headPosition();
          const response = await call<Problem>('post', path, stranger, body);
          expect(response.status, `${stranger} on ${path}: ${JSON.stringify(response.body)}`).to.equal(status);
          expect(response.body.code).to.equal(status === 403 ? 'subject.not-permitted' : 'subject.not-found');
          expect(await app.store.headPosition(), `${stranger} on ${path}`).to.equal(before);
        }
        return expectCreated(await call('post', path, owner, body));
      }
      const agency = (path: string, body: unknown, owner = 'clerk') =>
        refusedThenDone(path, body, owner, owner === 'clerk' ? ['otherClerk'] : owner === 'head' ? ['otherHead'] : ['otherReviewer'], 403);
      const judicial = (path: string, body: unknown, owner: string) => refusedThenDone(path, body, owner, ['otherPolice', 'otherCourt'], 404);

      const caseId = await openCase();
      const c = `/cases/${caseId}`;
      await agency(`${c}/officers`, officersBody);
      await agency(`${c}/evidence`, { kind: 'documentary', title: '销售台账', sha256: hash('a'), collectedBy: 'person-a' });
      await agency(`${c}/rights-notice`, { intendedPenalty: '罚款二万元', hearingOffered: true });
      await agency(`${c}/hearing-request`, {});
      await agency(`${c}/hearing`, { presidedBy: 'person-fzk' });
      await agency(`${c}/legal-review`, { outcome: 'passed', opinion: '同意' }, 'reviewer');
      await agency(`${c}/decision`, decisionBody, 'head');
      await agency(`${c}/publication`, { channel: 'website', reference: 'r-17', summary: '销售不合格产品，罚款二万元' });
      await agency(`${c}/execution`, { manner: 'voluntary', paidFen: 2_000_000 });
      await agency(`${c}/decision-change`, { change: 'changed', by: 'self-correction', reasons: '计算错误' });
      await agency(`${c}/publication-withdrawal`, { reference: 'r-17-withdrawn', reasons: '决定已变更' });
      await agency(`${c}/suspected-crime`, { grounds: '销售金额超过五万元' });

      const report = { receivingAuthority: { unitId: POLICE, kind: 'public-security' }, suspectedOffence: '销售伪劣产品罪', reportingOfficerIds: ['person-a', 'person-b'] };
      const refusedReport = await agency(`${c}/transfers`, report);
      await agency(`${c}/transfers/${refusedReport.subject?.transferId ?? ''}/refusal`, { reasons: '未达追诉标准' }, 'head');

      // Sent to the police, returned, reconsidered, upheld, supervision asked.
      const returnedId = (await agency(`${c}/transfers`, report)).subject?.transferId ?? '';
      const r = `${c}/transfers/${returnedId}`;
      await agency(`${r}/approval`, {}, 'head');
      await agency(`${r}/dispatch`, { materials });
      await judicial(`${r}/receipt`, { receiptNumber: '尚公回〔2026〕9号' }, 'police');
      await judicial(`${r}/return`, { reasons: '没有犯罪事实' }, 'police');
      await agency(`${r}/reconsideration-request`, { reasons: '检验报告证明销售金额已达标准' });
      await judicial(`${r}/reconsideration-answer`, { outcome: 'refusal-upheld', reasons: '维持不予立案决定' }, 'police');
      await agency(`${r}/supervision-request`, { procuratorateUnitId: PROCURATORATE, reasons: '应当立案而不立案' });

      // Sent again, forwarded to the competent police, accepted there, seized items handed over.
      const acceptedId = (await agency(`${c}/transfers`, report)).subject?.transferId ?? '';
      const a = `${c}/transfers/${acceptedId}`;
      await agency(`${a}/approval`, {}, 'head');
      await agency(`${a}/dispatch`, { materials });
      await judicial(`${a}/receipt`, {}, 'police');
      await refusedThenDone(`${a}/forwarding`, { to: { unitId: OTHER_POLICE, kind: 'public-security' }, reasons: '案发地属亚布力分局管辖' }, 'police', ['otherCourt'], 404);
      await refusedThenDone(`${a}/receipt`, {}, 'otherPolice', ['otherCourt'], 404);
      // The first police unit still sees the case (it passed through it), so it learns nothing from a 403.
      await refusedThenDone(`${a}/acceptance`, { criminalCaseNumber: 'A2301832026030001' }, 'otherPolice', ['police'], 403);
      await refusedThenDone(`${a}/seized-items-handover`, { inventorySha256: hash('9') }, 'otherPolice', ['otherCourt'], 404);

      await agency(`${c}/closing`, { disposition: 'transferred' });
    });
  });

  describe('transfers to judicial authorities (行政执法与刑事司法衔接)', () => {
    it('runs from the report to the police’s acceptance, each step by its own authority', async () => {
      const { caseId, transferId } = await transferredCase({ unitId: POLICE, kind: 'public-security' });
      const base = `/cases/${caseId}/transfers/${transferId}`;
      expectCreated(await call('post', `${base}/receipt`, 'police', { receiptNumber: '尚公回〔2026〕9号' }));
      expectCreated(await call('post', `${base}/acceptance`, 'police', { criminalCaseNumber: 'A230183202603' }));
      expectCreated(await call('post', `${base}/seized-items-handover`, 'police', { inventorySha256: hash('9') }));

      const view = await call<{ transfers: { stage: string; seizedItemsHandedOver: boolean }[] }>('get', `/cases/${caseId}`, 'police');
      expect(view.status).to.equal(200);
      expect(view.body.transfers[0]).to.include({ stage: 'accepted', seizedItemsHandedOver: true });
      const history = await call<{ events: { type: string; data: Record<string, unknown> }[] }>('get', `/cases/${caseId}/events`, 'police');
      const sent = history.body.events.find((event) => event.type === 'case.transferred.v1');
      expect(sent?.data).to.deep.include({ approvedBy: 'person-head', reportingOfficerIds: ['person-a', 'person-b'], materials });
    });

    it('answers another police unit 404, on the step as on the case, as for a case that does not exist', async () => {
      const { caseId, transferId } = await transferredCase({ unitId: POLICE, kind: 'public-security' });
      const response = await call<Problem>('post', `/cases/${caseId}/transfers/${transferId}/receipt`, 'otherPolice', {});
      expect(response.status).to.equal(404);
      expect(response.body.code).to.equal('subject.not-found');
      expect((await call('get', `/cases/${caseId}`, 'otherPolice')).status).to.equal(404);
    });

    it('does not let another court tell a real transfer from a made-up id', async () => {
      const { caseId, transferId } = await transferredCase({ unitId: COURT, kind: 'court' });
      const real = await call<Problem>('post', `/cases/${caseId}/transfers/${transferId}/receipt`, 'otherCourt', {});
      const madeUpTransfer = await call<Problem>('post', `/cases/${caseId}/transfers/transfer-made-up/receipt`, 'otherCourt', {});
      // `instance` is the request's id: everything else is the same.
      const withoutRequestId = (body: Problem & { title?: string }) => ({ ...body, instance: undefined });
      expect(real.status).to.equal(404);
      expect(withoutRequestId(real.body)).to.deep.equal(withoutRequestId(madeUpTransfer.body));
      const madeUpCase = await call<Problem>('post', `/cases/case-made-up/transfers/${transferId}/receipt`, 'otherCourt', {});
      expect(madeUpCase.status).to.equal(404);
      // A case id that does not exist: the same answer, but for the id it names.
      const madeUpCaseBody = withoutRequestId(madeUpCase.body);
      expect({ ...madeUpCaseBody, title: madeUpCaseBody.title?.replace('case-made-up', caseId) }).to.deep.equal(withoutRequestId(real.body));
    });

    it('answers a court acting on another court’s transfer 404 and hides the case from it (404)', async () => {
      const { caseId, transferId } = await transferredCase({ unitId: COURT, kind: 'court' });
      const base = `/cases/${caseId}/transfers/${transferId}`;
      expect((await call('post', `${base}/receipt`, 'otherCourt', {})).status).to.equal(404);
      expect((await call('get', `/cases/${caseId}`, 'otherCourt')).status).to.equal(404);
      expect((await call('get', `/cases/${caseId}/events`, 'otherCourt')).status).to.equal(404);
      expectCreated(await call('post', `${base}/receipt`, 'court', {}));
      expect((await call('get', `/cases/${caseId}`, 'court')).status).to.equal(200);
    });

    it('lists transfers: one’s own authority’s, all for the procuratorate and supervision', async () => {
      const toPolice = await transferredCase({ unitId: POLICE, kind: 'public-security' });
      const toCourt = await transferredCase({ unitId: COURT, kind: 'court' });
      const caseIdsOf = async (as: string, query = '') => {
        const response = await call<{ transfers: { caseId: string }[] }>('get', `/transfers${query}`, as);
        expect(response.status, JSON.stringify(response.body)).to.equal(200);
        return response.body.transfers.map((transfer) => transfer.caseId);
      };
      expect(await caseIdsOf('police')).to.deep.equal([toPolice.caseId]);
      expect(await caseIdsOf('police', `?authority=${POLICE}`)).to.deep.equal([toPolice.caseId]);
      expect(await caseIdsOf('otherCourt')).to.deep.equal([]);
      expect(await caseIdsOf('procuratorate')).to.have.members([toPolice.caseId, toCourt.caseId]);
      expect(await caseIdsOf('procuratorate', `?authority=${COURT}`)).to.deep.equal([toCourt.caseId]);
      expect(await caseIdsOf('supervision')).to.have.members([toPolice.caseId, toCourt.caseId]);
      const foreign = await call<Problem>('get', `/transfers?authority=${COURT}`, 'police');
      expect(foreign.status).to.equal(403);
    });

    it('rejects a refusal by the head without reasons (310号 第5条)', async () => {
      const caseId = await investigatedCase();
      const reported = expectCreated(
        await call('post', `/cases/${caseId}/transfers`, 'clerk', {
          receivingAuthority: { unitId: POLICE, kind: 'public-security' },
          suspectedOffence: '销售伪劣产品罪',
          reportingOfficerIds: ['person-a', 'person-b'],
        }),
      );
      const response = await call<Problem>('post', `/cases/${caseId}/transfers/${reported.subject?.transferId ?? ''}/refusal`, 'head', {});
      expect(response.status).to.equal(422);
      expect(response.body).to.include({
        code: 'enforcement.transfer-refusal-reasons-required',
        article: '行政执法机关移送涉嫌犯罪案件的规定 (国务院令第310号) 第5条',
      });
    });

    it('rejects a transfer missing a required material (第6条)', async () => {
      const caseId = await investigatedCase();
      const reported = expectCreated(
        await call('post', `/cases/${caseId}/transfers`, 'clerk', {
          receivingAuthority: { unitId: POLICE, kind: 'public-security' },
          suspectedOffence: '销售伪劣产品罪',
          reportingOfficerIds: ['person-a', 'person-b'],
        }),
      );
      const base = `/cases/${caseId}/transfers/${reported.subject?.transferId ?? ''}`;
      expectCreated(await call('post', `${base}/approval`, 'head', {}));
      const response = await call<Problem & { missing?: string[] }>('post', `${base}/dispatch`, 'clerk', { materials: materials.slice(0, 2) });
      expect(response.status).to.equal(422);
      expect(response.body.code).to.equal('enforcement.transfer-materials-missing');
    });

    it('rejects a police return without reasons (第8条)', async () => {
      const { caseId, transferId } = await transferredCase({ unitId: POLICE, kind: 'public-security' });
      const base = `/cases/${caseId}/transfers/${transferId}`;
      expectCreated(await call('post', `${base}/receipt`, 'police', {}));
      const response = await call<Problem>('post', `${base}/return`, 'police', {});
      expect(response.status).to.equal(422);
      expect(response.body.code).to.equal('enforcement.return-reasons-required');
    });

    it('rejects a receiving authority that is not registered, or not of the kind named', async () => {
      const caseId = await investigatedCase();
      const report = (receivingAuthority: unknown) =>
        call<Problem>('post', `/cases/${caseId}/transfers`, 'clerk', {
          receivingAuthority,
          suspectedOffence: '销售伪劣产品罪',
          reportingOfficerIds: ['person-a', 'person-b'],
        });
      const unknown = await report({ unitId: 'unit-nowhere', kind: 'public-security' });
      expect(unknown.status).to.equal(422);
      expect(unknown.body.code).to.equal('enforcement.authority-not-found');
      expect(unknown.body.errors?.[0]?.path).to.deep.equal(['body', 'receivingAuthority', 'unitId']);
      const mismatch = await report({ unitId: COURT, kind: 'public-security' });
      expect(mismatch.status).to.equal(422);
      expect(mismatch.body.code).to.equal('enforcement.authority-kind-mismatch');
    });
  });
});
