import { expect } from 'chai';
import { accountabilityProjections, createAccessRecorder, createAccountabilityService } from '@quanze/accountability';
import type { RecordedEvent } from '@quanze/events';
import { createOrganizationService } from '@quanze/organization';
import { createProjectionRunner, openSqliteReadModelStore } from '@quanze/projections';
import type { ProjectionRunner, ReadModelStore } from '@quanze/projections';
import type { ServiceModule } from '@quanze/service-kit';
import { authorizationMatrix, expectMatrixMatchesAllow, startTestApp } from '../../support/http.js';
import type { ServiceFactory, TestApp } from '../../support/http.js';

interface Answer {
  readonly subject?: Readonly<Record<string, string>>;
  readonly events?: readonly { readonly eventId: string; readonly type: string }[];
  readonly code?: string;
  readonly article?: string;
  readonly errors?: readonly { readonly path: readonly (string | number)[] }[];
}

interface FindingBody extends Answer {
  readonly findingId?: string;
  readonly status?: string;
  readonly conclusion?: string;
  readonly heldResponsible?: readonly { readonly personId: string; readonly measures: readonly string[] }[];
  readonly recorded?: { readonly eventId: string; readonly recordedBy: { readonly personId: string } };
  readonly withdrawal?: { readonly ground: string; readonly withdrawnOn: string } | null;
}

const FINDING_ROUTES = ['recordFinding', 'withdrawFinding', 'getFinding', 'traceFromFinding'];

/**
 * Findings over HTTP, with the post-holding check on as `npm start` runs it: a measure of the action plan is the
 * subject, the supervision bureau's official records and withdraws, and every refusal names its field.
 */
describe('the finding routes (问责)', () => {
  let app: TestApp;
  let service: ServiceModule;
  const opened: { readModels?: ReadModelStore; runner?: ProjectionRunner } = {};
  // 2026-03-02, 10:00 in Beijing.
  const now = new Date('2026-03-02T02:00:00.000Z');

  let supervision: string;
  let supervisor: string;
  let measureId: string;
  let assignmentEventId: string;
  let responsiblePerson: string;
  let developmentUnit: string;

  const accountability: ServiceFactory = ({ store, clock }) => {
    const readModels = openSqliteReadModelStore(':memory:');
    const runner = createProjectionRunner({ store, readModels, projections: accountabilityProjections });
    opened.readModels = readModels;
    opened.runner = runner;
    const at = clock ?? (() => new Date());
    return createAccountabilityService({ store, readModels, runner, clock: at, recordAccess: createAccessRecorder(store, at) });
  };

  async function post(path: string, token: string, body: unknown, headers: Record<string, string> = {}) {
    return app.request<Answer>('post', path, { token, body, headers });
  }
  async function created(path: string, token: string, body: unknown): Promise<Answer> {
    const response = await post(path, token, body);
    expect(response.status, `${path}: ${JSON.stringify(response.body)}`).to.equal(201);
    return response.body;
  }
  const idOf = (answer: Answer, key: string) => {
    const id = answer.subject?.[key];
    if (id === undefined) throw new Error(`no ${key} in ${JSON.stringify(answer)}`);
    return id;
  };
  async function streamOf(streamId: string): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for await (const event of app.store.readStream(streamId)) events.push(event);
    return events;
  }

  const finding = () => ({
    subject: { kind: 'measure', id: measureId },
    heldResponsible: [{ personId: responsiblePerson, unitId: developmentUnit, responsibility: 'direct', measures: ['circulated-criticism'] }],
    basis: '关于实行党政领导干部问责的暂行规定 第5条',
    conclusion: '举措逾期未完成, 未按要求报告',
    decidedOn: '2026-03-01',
    inResponseTo: [assignmentEventId],
  });

  before(async () => {
    app = await startTestApp([createOrganizationService, accountability], { clock: () => now, checkPostHolding: true });
    await opened.runner?.start();
    const module = app.services.at(-1);
    if (module === undefined) throw new Error('no accountability service');
    service = module;

    const admin = await app.token({ roles: ['admin'], personId: 'person-admin', postId: null, unitId: null });
    const unit = async (name: string, kind: string) => idOf(await created('/units', admin, { name, code: null, kind, establishedOn: '2016-01-01' }), 'unitId');
    const commission = await unit('尚志市监察委员会', 'party');
    developmentUnit = await unit('尚志市发展和改革局', 'department');
    const postId = idOf(await created(`/units/${commission}/posts`, admin, { title: '监察员' }), 'postId');
    supervisor = idOf(await created('/persons', admin, { name: '钱监察' }), 'personId');
    await created(`/persons/${supervisor}/appointments`, admin, { postId, unitId: commission, appointedOn: '2020-01-01', basis: '任职通知' });
    supervision = await app.token({ roles: ['supervision'], personId: supervisor, postId, unitId: commission });

    responsiblePerson = idOf(await created('/persons', admin, { name: '孙局长' }), 'personId');
    measureId = idOf(
      await created('/measures', admin, { plan: { title: '法治政府建设实施方案' }, section: '(二)', sectionTitle: '健全依法决策机制', number: 1, text: '严格落实重大行政决策程序' }),
      'measureId',
    );
    const assignment = await created(`/measures/${measureId}/responsibilities`, admin, {
      leadUnitIds: [developmentUnit],
      responsiblePersonIds: [responsiblePerson],
      source: { document: '法治政府建设实施方案', clause: '(二)1' },
      effectiveFrom: '2025-01-01',
    });
    assignmentEventId = assignment.events?.find((event) => event.type === 'responsibility.assigned.v1')?.eventId ?? '';
  });
  after(async () => {
    await opened.runner?.stop();
    await app.close();
    await opened.readModels?.close();
  });

  it('lets supervision alone record, withdraw, read and trace findings', async () => {
    const findingRoutes = { ...service, routes: service.routes.filter((route) => FINDING_ROUTES.includes(route.operationId)) };
    expect(findingRoutes.routes.map((route) => route.operationId).sort()).to.deep.equal([...FINDING_ROUTES].sort());
    expectMatrixMatchesAllow(await authorizationMatrix(app, findingRoutes));
  });

  it('records a finding about a subject on record, and shows it to supervision, recording the reading (访问留痕)', async () => {
    const answer = await created('/findings', supervision, finding());
    const findingId = idOf(answer, 'findingId');
    expect(answer.events?.map((event) => event.type)).to.deep.equal(['finding.recorded.v1']);

    const response = await app.request<FindingBody>('get', `/findings/${findingId}`, { token: supervision });
    expect(response.status).to.equal(200);
    expect(response.body).to.deep.include({ findingId, status: 'standing', decidedOn: '2026-03-01', withdrawal: null, inResponseTo: [assignmentEventId] });
    expect(response.body.heldResponsible).to.deep.equal(finding().heldResponsible);
    expect(response.body.recorded?.eventId).to.equal(answer.events?.[0]?.eventId);
    expect(response.body.recorded?.recordedBy.personId).to.equal(supervisor);

    const accesses = await streamOf(`access-${supervisor}`);
    const what = accesses.map((event) => (event.data as { what: { operationId: string; subject: string } }).what);
    expect(what).to.deep.include({ operationId: 'getFinding', subject: `finding-${findingId}`, parameters: {} });
  });

  it('answers a repeated create with the same Idempotency-Key with the same finding, recorded once', async () => {
    const headers = { 'idempotency-key': 'finding-key-1' };
    const first = await post('/findings', supervision, finding(), headers);
    const again = await post('/findings', supervision, finding(), headers);
    expect([first.status, again.status]).to.deep.equal([201, 200]);
    expect(again.body.subject).to.deep.equal(first.body.subject);
    expect(await streamOf(`finding-${idOf(first.body, 'findingId')}`)).to.have.length(1);
    const other = await post('/findings', supervision, { ...finding(), decidedOn: '2026-02-28' }, headers);
    expect([other.status, other.body.code]).to.deep.equal([422, 'command.idempotency-key-reused']);
  });

  it('refuses malformed findings with problem+json naming the field, and records nothing', async () => {
    const before = await app.store.headPosition();
    const held = finding().heldResponsible[0];
    const cases: [string, unknown, (string | number)[]][] = [
      ['nobody held responsible', { ...finding(), heldResponsible: [] }, ['body', 'heldResponsible']],
      ['a measure outside the list', { ...finding(), heldResponsible: [{ ...held, measures: ['fined'] }] }, ['body', 'heldResponsible', 0, 'measures', 0]],
      ['no measure', { ...finding(), heldResponsible: [{ ...held, measures: [] }] }, ['body', 'heldResponsible', 0, 'measures']],
      ['a unit as subject', { ...finding(), subject: { kind: 'unit', id: developmentUnit } }, ['body', 'subject', 'kind']],
      ['an impossible date', { ...finding(), decidedOn: '2026-02-30' }, ['body', 'decidedOn']],
      ['a faulted step that is no event id', { ...finding(), inResponseTo: ['step-1'] }, ['body', 'inResponseTo', 0]],
      ['no basis', { ...finding(), basis: '  ' }, ['body', 'basis']],
      ['an unknown field', { ...finding(), severity: 'grave' }, ['body']],
      ['a faulted step named twice', { ...finding(), inResponseTo: [assignmentEventId, assignmentEventId] }, ['body', 'inResponseTo']],
    ];
    for (const [what, body, path] of cases) {
      const response = await post('/findings', supervision, body);
      expect([what, response.status, response.body.code], JSON.stringify(response.body)).to.deep.equal([what, 400, 'validation.failed']);
      expect(response.headers.get('content-type'), what).to.match(/^application\/problem\+json/);
      expect(response.body.errors?.[0]?.path, what).to.deep.equal(path);
    }
    expect(await app.store.headPosition()).to.equal(before);
  });

  it('refuses a finding that breaks a rule with 422, naming the field', async () => {
    const before = await app.store.headPosition();
    const held = finding().heldResponsible[0];
    const cases: [string, unknown, string, (string | number)[]][] = [
      ['a subject not on record', { ...finding(), subject: { kind: 'decision', id: 'decision-nowhere' } }, 'finding.subject-unknown', ['body', 'subject', 'id']],
      ['a person twice', { ...finding(), heldResponsible: [held, { ...held, measures: ['warning'] }] }, 'finding.person-held-responsible-twice', ['body', 'heldResponsible', 1, 'personId']],
      ['a step not on record', { ...finding(), inResponseTo: ['00000000-0000-4000-8000-000000000000'] }, 'finding.faulted-step-unknown', ['body', 'inResponseTo', 0]],
      ['a finding decided tomorrow', { ...finding(), decidedOn: '2026-03-03' }, 'finding.date-in-future', ['body', 'decidedOn']],
    ];
    for (const [what, body, code, path] of cases) {
      const response = await post('/findings', supervision, body);
      expect([what, response.status, response.body.code], JSON.stringify(response.body)).to.deep.equal([what, 422, code]);
      expect(response.body.errors?.[0]?.path, what).to.deep.equal(path);
    }
    expect(await app.store.headPosition()).to.equal(before);
  });

  it('withdraws a finding once, on review or appeal, and shows it withdrawn', async () => {
    const findingId = idOf(await created('/findings', supervision, finding()), 'findingId');
    const withdrawal = { ground: 'appeal', reasons: '申诉成立', withdrawnOn: '2026-03-02' };
    await created(`/findings/${findingId}/withdrawal`, supervision, withdrawal);
    const shown = await app.request<FindingBody>('get', `/findings/${findingId}`, { token: supervision });
    expect(shown.body.status).to.equal('withdrawn');
    expect(shown.body.withdrawal).to.deep.include({ ground: 'appeal', withdrawnOn: '2026-03-02' });

    const twice = await post(`/findings/${findingId}/withdrawal`, supervision, withdrawal);
    expect([twice.status, twice.body.code, twice.body.article]).to.deep.equal([409, 'finding.already-withdrawn', '公职人员政务处分法 第55–57条']);
    const early = await post(`/findings/${idOf(await created('/findings', supervision, finding()), 'findingId')}/withdrawal`, supervision, { ...withdrawal, withdrawnOn: '2026-02-27' });
    expect([early.status, early.body.code, early.body.errors?.[0]?.path]).to.deep.equal([422, 'finding.withdrawal-before-finding', ['body', 'withdrawnOn']]);
    const badGround = await post(`/findings/${findingId}/withdrawal`, supervision, { ...withdrawal, ground: 'mercy' });
    expect([badGround.status, badGround.body.errors?.[0]?.path]).to.deep.equal([400, ['body', 'ground']]);
  });

  it('answers 404 for a finding never recorded, to reading and to withdrawal', async () => {
    const read = await app.request<Answer>('get', '/findings/finding-nowhere', { token: supervision });
    expect([read.status, read.body.code]).to.deep.equal([404, 'subject.not-found']);
    const withdrawn = await post('/findings/finding-nowhere/withdrawal', supervision, { ground: 'review', reasons: '复核', withdrawnOn: '2026-03-02' });
    expect([withdrawn.status, withdrawn.body.code]).to.deep.equal([404, 'subject.not-found']);
  });

  it('refuses a supervision token whose post its holder no longer holds, recording nothing', async () => {
    const admin = await app.token({ roles: ['admin'], personId: 'person-admin', postId: null, unitId: null });
    const commission = idOf(await created('/units', admin, { name: '尚志市纪委', code: null, kind: 'party', establishedOn: '2016-01-01' }), 'unitId');
    const postId = idOf(await created(`/units/${commission}/posts`, admin, { title: '监察员(二)' }), 'postId');
    const moved = idOf(await created('/persons', admin, { name: '吴监察' }), 'personId');
    await created(`/persons/${moved}/appointments`, admin, { postId, unitId: commission, appointedOn: '2020-01-01', basis: '任职通知' });
    const token = await app.token({ roles: ['supervision'], personId: moved, postId, unitId: commission });
    await created(`/persons/${moved}/removals`, admin, { postId, removedOn: '2026-01-01', reason: 'rotation', basis: '免职通知' });
    const before = await app.store.headPosition();
    const response = await post('/findings', token, finding());
    expect([response.status, response.body.code]).to.deep.equal([403, 'auth.post-not-held']);
    expect(await app.store.headPosition()).to.equal(before);
  });
});
