import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createDecisionsService } from '@quanze/decisions';
import { ledgerRegistry } from '@quanze/events';
import type { EventStore } from '@quanze/eventstore';
import { createProjectionRunner, flagsProjection, openSqliteReadModelStore } from '@quanze/projections';
import type { Flag, FlagCount, ProjectionRunner, ReadModelStore } from '@quanze/projections';
import { commonErrorStatuses } from '@quanze/service-kit';
import type { ServiceModule } from '@quanze/service-kit';
import { createEnforcementService } from '../../../services/enforcement/src/index.js';
import { createAccessRecorder } from '../../../services/accountability/src/access-audit.js';
import type { AccountabilityDeps } from '../../../services/accountability/src/deps.js';
import { createFlagsRoutes } from '../../../services/accountability/src/flags-routes.js';
import { authorizationMatrix, expectMatrixMatchesAllow, startTestApp } from '../../support/http.js';
import type { TestApp, TestResponse } from '../../support/http.js';

/**
 * Query 5 over HTTP. The flags here come from histories written through the real services (decisions,
 * enforcement) with a clock moved day by day: the rules they accept and a read model flags. Violations the services
 * refuse are covered in test/packages/projections/read-models/flags on imported histories.
 */

interface FlagsWiring {
  readModels: ReadModelStore;
  runner: ProjectionRunner;
  deps: AccountabilityDeps;
}

/** The flags routes as a service module over the app's store, with their own read-model database. */
function flagsService(wiring: Partial<FlagsWiring>, recordAccess?: AccountabilityDeps['recordAccess']) {
  return (deps: { store: EventStore; clock?: () => Date }): ServiceModule => {
    const readModels = openSqliteReadModelStore(':memory:');
    const runner = createProjectionRunner({ store: deps.store, readModels, projections: [flagsProjection] });
    const clock = deps.clock ?? (() => new Date());
    const accountability: AccountabilityDeps = { store: deps.store, readModels, runner, clock, recordAccess: recordAccess ?? createAccessRecorder(deps.store, clock) };
    Object.assign(wiring, { readModels, runner, deps: accountability });
    return { name: 'flags', description: '预警', routes: createFlagsRoutes(accountability), errorStatuses: commonErrorStatuses };
  };
}

async function append(store: EventStore, streamId: string, type: string, data: unknown): Promise<void> {
  const event = ledgerRegistry.validateProposed({
    eventId: randomUUID(),
    type,
    occurredAt: '2025-01-01T00:00:00.000Z',
    actor: { personId: 'person-admin', postId: null, unitId: null },
    causationId: null,
    correlationId: null,
    commandId: null,
    data,
  });
  await store.appendToStream(streamId, [event], { expectedVersion: 'any' });
}

const UNIT = 'unit-scjgj';
const POLICE = 'unit-gaj';
const hash = (character: string) => character.repeat(64);
const openBody = {
  title: '某某商贸有限公司销售不合格产品案',
  enforcementKind: 'penalty',
  major: false,
  party: { kind: 'legal-person', name: '尚志市某某商贸有限公司' },
  legalBasis: [{ kind: 'law', title: '中华人民共和国产品质量法', article: '第49条' }],
};
const decisionBody = {
  outcome: 'penalty',
  penalties: [{ kind: 'fine', amountFen: 2_000_000 }],
  legalBasis: [{ kind: 'law', title: '中华人民共和国产品质量法', article: '第49条' }],
  decisionNumber: '尚市监处字〔2025〕17号',
  decisionTextSha256: hash('d'),
};
const materials = [
  { kind: 'transfer-letter', title: '涉嫌犯罪案件移送书', sha256: hash('1') },
  { kind: 'investigation-report', title: '涉嫌犯罪案件情况的调查报告', sha256: hash('2') },
  { kind: 'seized-items-inventory', title: '涉案物品清单', sha256: hash('3') },
];

describe('the flags routes (预警)', () => {
  it('lets every role reach exactly the routes it is allowed', async () => {
    const app = await startTestApp([flagsService({})]);
    try {
      const [service] = app.services;
      if (service === undefined) throw new Error('the flags routes are not mounted');
      const rows = await authorizationMatrix(app, service);
      expect(rows).to.have.length(service.routes.length * 10);
      expectMatrixMatchesAllow(rows);
      const allowed = rows.filter((row) => row.allowed).map((row) => `${row.operationId} ${row.audience}`);
      expect(allowed).to.deep.equal([
        'listFlags supervision',
        'listFlags procuratorate',
        'listFlags analyst',
        'countFlags supervision',
        'countFlags procuratorate',
        'countFlags analyst',
      ]);
    } finally {
      await app.close();
    }
  });

  describe('on a history written through the services', () => {
    let app: TestApp;
    let now: Date;
    const wiring: Partial<FlagsWiring> = {};
    const tokens: Record<string, string> = {};

    /** Sets the clock to 09:00 in 尚志 on `day` (or the time given). */
    const at = (day: string, time = '09:00') => {
      now = new Date(`${day}T${time}:00.000+08:00`);
    };

    async function call<TBody = Record<string, unknown>>(method: string, path: string, as: string, body?: unknown): Promise<TestResponse<TBody>> {
      const token = tokens[as];
      if (token === undefined) throw new Error(`no token ${as}`);
      return app.request<TBody>(method, path, { token, ...(body === undefined ? {} : { body }) });
    }

    async function created(method: string, path: string, as: string, body: unknown): Promise<Record<string, string>> {
      const response = await call<{ subject?: Record<string, string> }>(method, path, as, body);
      expect(response.status, `${path}: ${JSON.stringify(response.body)}`).to.equal(201);
      return response.body.subject ?? {};
    }

    async function flags(as: string, query: string): Promise<TestResponse<{ asOf: string; flags: Flag[]; next: string | null; undetermined: number }>> {
      await wiring.runner?.catchUp();
      return call('get', `/flags?${query}`, as);
    }

    beforeEach(async () => {
      at('2025-09-01');
      app = await startTestApp([createEnforcementService, createDecisionsService, flagsService(wiring)], { clock: () => now });
      await append(app.store, `unit-${POLICE}`, 'unit.registered.v1', {
        unitId: POLICE, name: '尚志市公安局', code: null, kind: 'public-security', parentUnitId: null, establishedOn: '2019-03-01',
      });
      for (const personId of ['person-a', 'person-b']) {
        await append(app.store, `person-${personId}`, 'person.registered.v1', { personId, name: personId });
        await append(app.store, `person-${personId}`, 'person.certified.v1', {
          personId, certificateId: `cert-${personId}`, scope: '市场监管', issuingUnitId: 'unit-fzb', validFrom: '2024-01-01', validUntil: '2028-12-31',
        });
      }
      const principals = {
        clerk: { personId: 'person-clerk', unitId: UNIT, roles: ['clerk'] },
        head: { personId: 'person-head', unitId: UNIT, roles: ['head'] },
        decisionClerk: { personId: 'person-clerk-fgj', unitId: 'unit-fgj', roles: ['clerk'] },
        reviewer: { personId: 'person-reviewer', unitId: 'unit-sfj', roles: ['legal-reviewer'] },
        supervision: { personId: 'person-jw', unitId: 'unit-jw', roles: ['supervision'] },
        analyst: { personId: 'person-analyst', unitId: 'unit-tjj', roles: ['analyst'] },
        procuratorate: { personId: 'person-prosecutor', unitId: 'unit-jcy', roles: ['procuratorate'] },
      } as const;
      for (const [name, principal] of Object.entries(principals)) {
        tokens[name] = await app.token({ ...principal, postId: `post-${principal.personId}`, roles: [...principal.roles] });
      }
    });

    afterEach(async () => {
      await wiring.runner?.stop();
      await wiring.readModels?.close();
      await app.close();
    });

    async function decidedCase(): Promise<string> {
      const { caseId } = await created('post', '/cases', 'clerk', openBody);
      if (caseId === undefined) throw new Error('no caseId');
      await created('post', `/cases/${caseId}/officers`, 'clerk', {
        officers: [
          { personId: 'person-a', certificateId: 'cert-person-a' },
          { personId: 'person-b', certificateId: 'cert-person-b' },
        ],
      });
      await created('post', `/cases/${caseId}/rights-notice`, 'clerk', { intendedPenalty: '罚款二万元', hearingOffered: false });
      return caseId;
    }

    it('flags a penalty published on the 8th working day after the decision, across the National Day holiday', async () => {
      const onTime = await decidedCase();
      const late = await decidedCase();
      at('2025-09-26');
      await created('post', `/cases/${onTime}/decision`, 'head', decisionBody);
      await created('post', `/cases/${late}/decision`, 'head', decisionBody);
      at('2025-10-13');
      await created('post', `/cases/${onTime}/publication`, 'clerk', { channel: 'website', reference: 'r-1', summary: '罚款二万元' });
      expect((await flags('supervision', 'asOf=2025-10-13')).body.flags).to.deep.equal([]);
      at('2025-10-14');
      await created('post', `/cases/${late}/publication`, 'clerk', { channel: 'website', reference: 'r-2', summary: '罚款二万元' });
      const response = await flags('supervision', 'asOf=2025-10-14');
      expect(response.status).to.equal(200);
      expect(response.body.flags.map((flag) => [flag.code, flag.subject.id, flag.status, flag.raisedOn, flag.unitId])).to.deep.equal([
        ['case.publication-late', late, 'late', '2025-10-14', UNIT],
      ]);
      expect(response.body.flags[0]?.raisedBy.map((ref) => ref.type)).to.deep.equal(['case.decided.v1', 'case.published.v1']);
    });

    it('flags a transfer approved on the 4th day and a receipt never given, and shows them to the procuratorate', async () => {
      const caseId = await decidedCase();
      at('2025-03-03', '10:00');
      const { transferId } = await created('post', `/cases/${caseId}/transfers`, 'clerk', {
        receivingAuthority: { unitId: POLICE, kind: 'public-security' },
        suspectedOffence: '销售伪劣产品罪',
        reportingOfficerIds: ['person-a', 'person-b'],
      });
      at('2025-03-07', '08:00');
      await created('post', `/cases/${caseId}/transfers/${transferId ?? ''}/approval`, 'head', {});
      at('2025-03-07', '11:00');
      await created('post', `/cases/${caseId}/transfers/${transferId ?? ''}/dispatch`, 'clerk', { materials });
      at('2025-03-09');
      const seen = await flags('procuratorate', 'asOf=2025-03-09');
      expect(seen.status).to.equal(200);
      expect(seen.body.flags.map((flag) => [flag.code, flag.status, flag.raisedOn, flag.unitId])).to.deep.equal([
        ['case.transfer-approval-late', 'late', '2025-03-07', UNIT],
        ['case.transfer-receipt-late', 'open', '2025-03-08', POLICE],
      ]);
      // As of the day the receipt was due, it was not yet late.
      expect((await flags('procuratorate', 'asOf=2025-03-07')).body.flags.map((flag) => flag.code)).to.deep.equal(['case.transfer-approval-late']);
    });

    it('flags 以罚代刑: a suspected crime closed with a fine and no transfer', async () => {
      const caseId = await decidedCase();
      at('2025-05-06');
      await created('post', `/cases/${caseId}/suspected-crime`, 'clerk', { grounds: '销售金额超过五万元' });
      await created('post', `/cases/${caseId}/decision`, 'head', decisionBody);
      await created('post', `/cases/${caseId}/publication`, 'clerk', { channel: 'website', reference: 'r', summary: '罚款二万元' });
      await created('post', `/cases/${caseId}/execution`, 'clerk', { manner: 'voluntary', paidFen: 2_000_000 });
      at('2025-05-08');
      await created('post', `/cases/${caseId}/closing`, 'clerk', { disposition: 'executed' });
      const response = await flags('procuratorate', 'asOf=2025-05-31&code=case.penalty-instead-of-transfer');
      expect(response.body.flags.map((flag) => [flag.code, flag.raisedOn, flag.severity])).to.deep.equal([['case.penalty-instead-of-transfer', '2025-05-08', 'high']]);
      expect(response.body.flags[0]?.raisedBy.map((ref) => ref.type)).to.deep.equal(['case.crimeSuspected.v1', 'case.decided.v1', 'case.closed.v1']);
    });

    it('flags a short comment period and a legality review of 6 working days in a major decision', async () => {
      at('2025-12-31');
      const { decisionId } = await created('post', '/decisions', 'decisionClerk', {
        title: '尚志市城区供热价格调整',
        draftSummary: '调整城区居民供热价格',
        decisionItem: { listed: true, entryId: 'catalogue-2025-3' },
        decisionOrganUnitId: 'unit-szf',
        handlingUnits: [{ unitId: 'unit-fgj', role: 'lead' }],
        proposedBy: 'person-director-fgj',
        conditionalSteps: {
          publicParticipation: { applies: true, reason: '涉及群众切身利益' },
          expertArgumentation: { applies: true, reason: '价格成本测算专业性强' },
          riskAssessment: { applies: true, reason: '可能影响社会稳定' },
        },
      });
      const id = decisionId ?? '';
      await created('post', `/decisions/${id}/comment-periods`, 'decisionClerk', { channel: 'website', reference: 'r', openedOn: '2025-08-01', closesOn: '2025-08-30' });
      await created('post', `/decisions/${id}/legality-reviews`, 'reviewer', {
        form: 'written-review', reviewerPersonIds: ['person-reviewer'], startedOn: '2025-09-26', completedOn: '2025-10-11', conclusion: 'lawful', opinion: '未发现违法情形',
      });
      const response = await flags('analyst', 'asOf=2025-12-31');
      expect(response.body.flags.map((flag) => [flag.code, flag.raisedOn, flag.unitId])).to.deep.equal([
        ['decision.short-comment-period', '2025-08-01', 'unit-fgj'],
        ['decision.short-legality-review', '2025-10-11', 'unit-fgj'],
      ]);
      const counts = await call<{ counts: FlagCount[] }>('get', '/flags/counts?asOf=2025-12-31&by=unit&interval=month', 'analyst');
      expect(counts.status).to.equal(200);
      expect(counts.body.counts).to.deep.equal([
        { period: '2025-08', key: 'unit-fgj', count: 1 },
        { period: '2025-10', key: 'unit-fgj', count: 1 },
      ]);
    });

    it('answers as of today by default, and records every query (访问留痕) before answering', async () => {
      const caseId = await decidedCase();
      await created('post', `/cases/${caseId}/decision`, 'head', decisionBody);
      // Decided Monday 2025-09-01: the 7th working day after is 09-10.
      at('2025-09-10', '23:59');
      expect((await flags('supervision', '')).body).to.deep.include({ asOf: '2025-09-10', flags: [] });
      at('2025-09-11', '00:01');
      const today = await flags('supervision', 'code=case.publication-late');
      expect(today.body.asOf).to.equal('2025-09-11');
      expect(today.body.flags.map((flag) => flag.status)).to.deep.equal(['open']);
      await call('get', '/flags/counts?by=code&interval=year', 'procuratorate');
      const recorded = [];
      for (const personId of ['person-jw', 'person-prosecutor']) {
        for await (const event of app.store.readStream(`access-${personId}`)) recorded.push(event);
      }
      expect(recorded.map((event) => (event.data as { what: { operationId: string } }).what.operationId)).to.deep.equal(['listFlags', 'listFlags', 'countFlags']);
      expect((recorded[1]?.data as { what: { parameters: Record<string, unknown> } }).what.parameters).to.deep.include({ asOf: '2025-09-11', code: 'case.publication-late' });
    });

    it('refuses the procuratorate a code outside transfers and 以罚代刑, and hides those flags from its lists and counts', async () => {
      const caseId = await decidedCase();
      at('2025-09-01');
      await created('post', `/cases/${caseId}/decision`, 'head', decisionBody);
      const refused = await flags('procuratorate', 'asOf=2025-12-31&code=case.publication-late');
      expect(refused.status).to.equal(403);
      expect(refused.body).to.deep.include({ code: 'subject.not-permitted' });
      expect((refused.body as unknown as { errors: { path: string[] }[] }).errors[0]?.path).to.deep.equal(['query', 'code']);
      expect((await flags('procuratorate', 'asOf=2025-12-31')).body.flags).to.deep.equal([]);
      const counts = await call<{ counts: FlagCount[] }>('get', '/flags/counts?asOf=2025-12-31&by=code&interval=year', 'procuratorate');
      expect(counts.body.counts).to.deep.equal([]);
      expect((await flags('supervision', 'asOf=2025-12-31')).body.flags.map((flag) => flag.code)).to.deep.equal(['case.publication-late']);
    });

    it('pages, and refuses bad query parameters naming them', async () => {
      for (let index = 0; index < 3; index += 1) {
        const caseId = await decidedCase();
        await created('post', `/cases/${caseId}/decision`, 'head', decisionBody);
      }
      const first = await flags('supervision', 'asOf=2025-12-31&limit=2');
      expect(first.body.flags).to.have.length(2);
      const second = await flags('supervision', `asOf=2025-12-31&limit=2&after=${first.body.next ?? ''}`);
      expect(second.body.flags).to.have.length(1);
      expect(second.body.next).to.equal(null);
      for (const [query, path] of [
        ['asOf=2025-13-01', 'asOf'],
        ['limit=0', 'limit'],
        ['code=case.unknown', 'code'],
        ['after=xyz', 'after'],
        ['colour=red', ''],
      ] as const) {
        const response = await flags('supervision', query);
        expect(response.status, query).to.equal(400);
        const paths = (response.body as unknown as { errors: { path: string[] }[] }).errors.map((error) => error.path.join('.'));
        expect(paths.some((each) => each.startsWith(`query${path === '' ? '' : `.${path}`}`)), `${query}: ${paths.join()}`).to.equal(true);
      }
      expect((await call('get', '/flags/counts?by=person&interval=month', 'supervision')).status).to.equal(400);
    });
  });

  it('answers nothing when the query cannot be recorded', async () => {
    const wiring: Partial<FlagsWiring> = {};
    const app = await startTestApp([
      flagsService(wiring, () => Promise.reject(new Error('the access log is unavailable'))),
    ]);
    try {
      const token = await app.token({ roles: ['supervision'] });
      const response = await app.request('get', '/flags?asOf=2025-12-31', { token });
      expect(response.status).to.equal(500);
      expect(response.body).to.not.have.property('flags');
    } finally {
      await wiring.readModels?.close();
      await app.close();
    }
  });
});
