import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { ServiceModule } from '@quanze/service-kit';
import type { EventStore } from '@quanze/eventstore';
import { authorizationMatrix, expectMatrixMatchesAllow, startTestApp } from '../../support/http.js';
import type { TestApp } from '../../support/http.js';
import { proposedEvent } from '../../support/events.js';
import { createInspectionRoutes, inspectionErrorStatuses } from '../../../services/enforcement/src/inspection-routes.js';

// The inspection routes alone, as createEnforcementService mounts them beside the case routes.
function createInspectionService(deps: { store: EventStore; clock?: () => Date }): ServiceModule {
  return {
    name: 'inspections',
    description: '双随机一公开',
    routes: createInspectionRoutes(deps),
    errorStatuses: inspectionErrorStatuses,
  };
}

// The worked example of docs/INSPECTIONS.md.
const seed = 'aa4832571df63a1a8e8504833fba0341cc5c4a654396049a39047f5881d9c8a5';
const commitment = '511c614f949cf0ffdde03f32d1c53e740331ad103d4ee99b31ca8d8a034cb836';
const targetPool = [
  '93230100MA1J7K8L9M',
  '91230100MA1B2C3D4E',
  '91230100MA1F5G6H7J',
  '91230100MA1K8L9M0N',
  '91230100MA1P2Q3R4T',
  '91230100MA1U5W6X7Y',
  '92230100MA1A1B2C3D',
  '92230100MA1E4F5G6H',
];
const inspectorPool = ['officer-01', 'officer-02', 'officer-03', 'officer-04', 'officer-05'];
const selection = [
  { targetId: '92230100MA1A1B2C3D', inspectorIds: ['officer-01', 'officer-02'] },
  { targetId: '91230100MA1B2C3D4E', inspectorIds: ['officer-03', 'officer-02'] },
  { targetId: '91230100MA1U5W6X7Y', inspectorIds: ['officer-04', 'officer-05'] },
];

const unitId = 'unit-amr';
const planBody = {
  inspectingUnitId: unitId,
  matter: { itemId: 'item-food-business', title: '食品经营者 监督检查' },
  targetPool,
  inspectorPool,
  targetCount: 3,
  inspectorsPerTarget: 2,
  conflicts: [{ personId: 'officer-04', targetId: '91230100MA1B2C3D4E', reason: 'her brother is a shareholder' }],
  seedCommitment: commitment,
  plannedDrawOn: '2026-03-05',
};
const resultsBody = {
  targetId: '91230100MA1B2C3D4E',
  inspectorIds: ['officer-02', 'officer-03'],
  inspectedOn: '2026-03-10',
  concludedOn: '2026-03-12',
  outcome: 'problem-found-corrected',
  findings: 'Expired goods on the shelf; ordered to remove them (责令改正).',
  evidence: [{ title: '现场检查笔录', sha256: 'c'.repeat(64) }],
};
const publicationBody = {
  targetIds: ['91230100MA1B2C3D4E'],
  channel: 'enterprise-credit-system',
  reference: 'https://www.gsxt.gov.cn/example/2026-03',
  publishedOn: '2026-03-18',
};

interface Problem {
  code: string;
  status: number;
  article?: string;
  errors?: { path: (string | number)[]; message: string }[];
}

async function certify(store: EventStore, personId: string, certificate: { validUntil?: string } = {}): Promise<void> {
  await store.appendToStream(
    `person-${personId}`,
    [
      proposedEvent({
        type: 'person.certified.v1',
        data: {
          personId,
          certificateId: `cert-${personId}`,
          scope: '市场监管',
          issuingUnitId: 'unit-legal-affairs',
          validFrom: '2025-01-01',
          validUntil: certificate.validUntil ?? '2028-12-31',
        },
      }),
    ],
    { expectedVersion: 'any' },
  );
}

async function revoke(store: EventStore, personId: string, revokedOn: string): Promise<void> {
  await store.appendToStream(
    `person-${personId}`,
    [
      proposedEvent({
        type: 'person.certificationRevoked.v1',
        data: { personId, certificateId: `cert-${personId}`, revokedOn, reason: 'transferred to a non-enforcement post' },
      }),
    ],
    { expectedVersion: 'any' },
  );
}

describe('the inspection routes (双随机一公开)', () => {
  let app: TestApp;
  let now: Date;
  let clerk: string;
  let head: string;
  let otherUnitClerk: string;
  let supervision: string;
  let analyst: string;

  beforeEach(async () => {
    // 2026-03-02, 17:00 in Beijing.
    now = new Date('2026-03-02T09:00:00.000Z');
    app = await startTestApp([createInspectionService], { clock: () => now });
    clerk = await app.token({ roles: ['clerk'], personId: 'clerk-1', postId: 'post-clerk-1', unitId });
    head = await app.token({ roles: ['head'], personId: 'head-1', postId: 'post-head-1', unitId });
    otherUnitClerk = await app.token({ roles: ['clerk'], personId: 'clerk-9', postId: 'post-clerk-9', unitId: 'unit-other' });
    supervision = await app.token({ roles: ['supervision'], personId: 'sup-1', postId: 'post-sup-1', unitId: 'unit-supervision' });
    analyst = await app.token({ roles: ['analyst'], personId: 'analyst-1', postId: null, unitId: null });
    for (const personId of inspectorPool) await certify(app.store, personId);
  });
  afterEach(() => app.close());

  async function plan(body: unknown = planBody, token = clerk) {
    return app.request<{ subject: { inspectionId: string } } & Problem>('post', '/inspections', { token, body });
  }

  async function planned(): Promise<string> {
    const response = await plan();
    expect(response.status).to.equal(201);
    return response.body.subject.inspectionId;
  }

  async function drawn(): Promise<string> {
    const inspectionId = await planned();
    now = new Date('2026-03-05T02:00:00.000Z');
    const response = await app.request('post', `/inspections/${inspectionId}/draw`, { token: head, body: { seed } });
    expect(response.status).to.equal(201);
    return inspectionId;
  }

  describe('the whole course: plan, draw, results, publication', () => {
    it('lets anyone read the plan and re-check the draw, and shows results to the public once published', async () => {
      const planResponse = await plan();
      expect(planResponse.status).to.equal(201);
      const { inspectionId } = planResponse.body.subject;

      const beforeDraw = await app.request<{ stage: string; plan: Record<string, unknown>; draw: unknown }>('get', `/inspections/${inspectionId}`);
      expect(beforeDraw.status).to.equal(200);
      expect(beforeDraw.body.stage).to.equal('planned');
      expect(beforeDraw.body.plan).to.include({
        seedCommitment: commitment,
        targetPoolSha256: 'cea36f4eb78d6c64696d2f9a005c560dcfb0d06aec1bb0b3d17a131a4871c789',
        inspectorPoolSha256: '7ae5c967cc428037892ad5e8dc7e46b459d0a1469fe472a1e47f2340dd042f16',
        algorithm: 'quanze-draw-v1',
      });
      expect(beforeDraw.body.plan.targetPool).to.deep.equal([...targetPool].sort());
      expect(beforeDraw.body.draw).to.equal(null);
      const openCheck = await app.request('get', `/inspections/${inspectionId}/verification`);
      expect(openCheck.body).to.include({ commitmentMatches: null, selectionMatches: null, targetPoolSha256Matches: true });

      now = new Date('2026-03-05T02:00:00.000Z');
      const draw = await app.request('post', `/inspections/${inspectionId}/draw`, {
        token: head,
        body: { seed, witnessPersonIds: ['sup-1'] },
      });
      expect(draw.status).to.equal(201);
      const afterDraw = await app.request<{ stage: string; draw: { seed: string; drawnOn: string; selection: unknown } }>(
        'get',
        `/inspections/${inspectionId}`,
      );
      expect(afterDraw.body.stage).to.equal('drawn');
      expect(afterDraw.body.draw).to.include({ seed, drawnOn: '2026-03-05' });
      expect(afterDraw.body.draw.selection).to.deep.equal(selection);
      const check = await app.request('get', `/inspections/${inspectionId}/verification`);
      expect(check.status).to.equal(200);
      expect(check.body).to.include({
        targetPoolSha256Matches: true,
        inspectorPoolSha256Matches: true,
        commitmentMatches: true,
        selectionMatches: true,
      });

      now = new Date('2026-03-12T08:00:00.000Z');
      const results = await app.request('post', `/inspections/${inspectionId}/results`, { token: clerk, body: resultsBody });
      expect(results.status).to.equal(201);
      const hidden = await app.request<{ results: unknown[] }>('get', `/inspections/${inspectionId}`, { token: analyst });
      expect(hidden.body.results).to.deep.equal([]);
      const history = await app.request<{ events: { type: string }[] }>('get', `/inspections/${inspectionId}/events`);
      expect(history.body.events.map((event) => event.type)).to.deep.equal(['inspection.planned.v1', 'inspection.drawn.v1']);
      for (const token of [clerk, supervision]) {
        const seen = await app.request<{ results: { targetId: string; published: boolean }[] }>('get', `/inspections/${inspectionId}`, { token });
        expect(seen.body.results.map((result) => [result.targetId, result.published])).to.deep.equal([['91230100MA1B2C3D4E', false]]);
      }

      now = new Date('2026-03-18T08:00:00.000Z');
      const publication = await app.request('post', `/inspections/${inspectionId}/publication`, { token: clerk, body: publicationBody });
      expect(publication.status).to.equal(201);
      const shown = await app.request<{ results: { targetId: string; outcome: string; published: boolean }[]; publications: unknown[] }>(
        'get',
        `/inspections/${inspectionId}`,
      );
      expect(shown.body.results.map((result) => [result.targetId, result.outcome, result.published])).to.deep.equal([
        ['91230100MA1B2C3D4E', 'problem-found-corrected', true],
      ]);
      expect(shown.body.publications).to.deep.equal([{ inspectionId, ...publicationBody }]);
      const fullHistory = await app.request<{ events: { type: string }[] }>('get', `/inspections/${inspectionId}/events`);
      expect(fullHistory.body.events.map((event) => event.type)).to.deep.equal([
        'inspection.planned.v1',
        'inspection.drawn.v1',
        'inspection.resultsRecorded.v1',
        'inspection.resultsPublished.v1',
      ]);
    });

    it('answers a repeated plan with the same Idempotency-Key with the first inspection', async () => {
      const headers = { 'idempotency-key': `plan-${randomUUID()}` };
      const first = await app.request<{ subject: { inspectionId: string } }>('post', '/inspections', { token: clerk, body: planBody, headers });
      const again = await app.request<{ subject: { inspectionId: string }; replayed: boolean }>('post', '/inspections', {
        token: clerk,
        body: planBody,
        headers,
      });
      expect(first.status).to.equal(201);
      expect(again.status).to.equal(200);
      expect(again.body.replayed).to.be.true;
      expect(again.body.subject.inspectionId).to.equal(first.body.subject.inspectionId);
    });

    it('lets the head cancel a plan before its draw, and then refuses the draw', async () => {
      const inspectionId = await planned();
      const cancel = await app.request('post', `/inspections/${inspectionId}/cancellation`, { token: head, body: { reason: 'officer-03 retired' } });
      expect(cancel.status).to.equal(201);
      const draw = await app.request<Problem>('post', `/inspections/${inspectionId}/draw`, { token: head, body: { seed } });
      expect(draw.status).to.equal(409);
      expect(draw.body.code).to.equal('subject.step-out-of-order');
    });
  });

  describe('bad input', () => {
    it('refuses a plan that carries the seed: the service must not see it before the draw', async () => {
      const response = await plan({ ...planBody, seed });
      expect(response.status).to.equal(400);
      expect(response.body.errors?.some((error) => error.message.includes('seed'))).to.be.true;
    });

    it('names fields of the wrong type', async () => {
      const response = await plan({ ...planBody, targetCount: '3', seedCommitment: 'not-a-hash' });
      expect(response.status).to.equal(400);
      expect(response.body.errors?.map((error) => error.path)).to.have.deep.members([
        ['body', 'targetCount'],
        ['body', 'seedCommitment'],
      ]);
    });

    it('names missing fields', async () => {
      const { inspectorPool: _omitted, ...withoutPool } = planBody;
      const response = await plan(withoutPool);
      expect(response.status).to.equal(400);
      expect(response.body.errors?.map((error) => error.path)).to.deep.equal([['body', 'inspectorPool']]);
    });

    it('refuses a seed that is not 64 lowercase hex characters', async () => {
      const inspectionId = await planned();
      const response = await app.request<Problem>('post', `/inspections/${inspectionId}/draw`, { token: head, body: { seed: seed.toUpperCase() } });
      expect(response.status).to.equal(400);
      expect(response.body.errors?.map((error) => error.path)).to.deep.equal([['body', 'seed']]);
    });

    it('refuses results with an unknown outcome and an unknown field', async () => {
      const inspectionId = await drawn();
      const response = await app.request<Problem>('post', `/inspections/${inspectionId}/results`, {
        token: clerk,
        body: { ...resultsBody, outcome: 'fine', signedBy: 'someone' },
      });
      expect(response.status).to.equal(400);
      expect(response.body.errors?.map((error) => error.path)).to.deep.include(['body', 'outcome']);
      expect(response.body.errors?.some((error) => error.message.includes('signedBy'))).to.be.true;
    });

    it('refuses a publication naming a target twice', async () => {
      const inspectionId = await drawn();
      const response = await app.request<Problem>('post', `/inspections/${inspectionId}/publication`, {
        token: clerk,
        body: { ...publicationBody, targetIds: ['91230100MA1B2C3D4E', '91230100MA1B2C3D4E'] },
      });
      expect(response.status).to.equal(400);
      expect(response.body.errors?.map((error) => error.path)).to.deep.equal([['body', 'targetIds']]);
    });
  });

  describe('rules', () => {
    it('refuses a pool with an uncertified inspector, naming them (持证上岗)', async () => {
      const response = await plan({ ...planBody, inspectorPool: [...inspectorPool, 'officer-06'] });
      expect(response.status).to.equal(422);
      expect(response.body).to.include({ code: 'inspection.inspector-not-certified', article: '行政处罚法 第42条' });
      expect(response.body.errors?.map((error) => error.path)).to.deep.equal([['body', 'inspectorPool', 5]]);
    });

    it('refuses an inspector whose certificate expires before the planned draw day', async () => {
      await certify(app.store, 'officer-06', { validUntil: '2026-03-04' });
      const response = await plan({ ...planBody, inspectorPool: [...inspectorPool, 'officer-06'] });
      expect(response.status).to.equal(422);
      expect(response.body.code).to.equal('inspection.inspector-not-certified');
    });

    it('refuses the draw when a pool member’s certificate was revoked after the plan', async () => {
      const inspectionId = await planned();
      await revoke(app.store, 'officer-05', '2026-03-04');
      now = new Date('2026-03-05T02:00:00.000Z');
      const response = await app.request<Problem>('post', `/inspections/${inspectionId}/draw`, { token: head, body: { seed } });
      expect(response.status).to.equal(422);
      expect(response.body.code).to.equal('inspection.inspector-not-certified');
    });

    it('refuses fewer than two inspectors per target (行政处罚法 第42条)', async () => {
      const response = await plan({ ...planBody, inspectorsPerTarget: 1 });
      expect(response.status).to.equal(422);
      expect(response.body.code).to.equal('inspection.too-few-inspectors-per-target');
      expect(response.body.errors?.map((error) => error.path)).to.deep.equal([['body', 'inspectorsPerTarget']]);
    });

    it('refuses a plan of another unit than the caller’s', async () => {
      const response = await plan(planBody, otherUnitClerk);
      expect(response.status).to.equal(403);
      expect(response.body.code).to.equal('subject.not-permitted');
    });

    it('refuses a seed other than the committed one', async () => {
      const inspectionId = await planned();
      const response = await app.request<Problem>('post', `/inspections/${inspectionId}/draw`, { token: head, body: { seed: 'b'.repeat(64) } });
      expect(response.status).to.equal(422);
      expect(response.body.code).to.equal('inspection.seed-does-not-match-commitment');
      expect(response.body.errors?.map((error) => error.path)).to.deep.equal([['body', 'seed']]);
    });

    it('refuses a second draw', async () => {
      const inspectionId = await drawn();
      const response = await app.request<Problem>('post', `/inspections/${inspectionId}/draw`, { token: clerk, body: { seed } });
      expect(response.status).to.equal(409);
      expect(response.body.code).to.equal('subject.step-out-of-order');
    });

    it('answers 404 for the draw of an inspection never planned', async () => {
      const response = await app.request<Problem>('post', `/inspections/${randomUUID()}/draw`, { token: head, body: { seed } });
      expect(response.status).to.equal(404);
      expect(response.body.code).to.equal('subject.not-found');
    });

    it('answers 404 for reading an inspection never planned', async () => {
      const response = await app.request<Problem>('get', `/inspections/${randomUUID()}/verification`);
      expect(response.status).to.equal(404);
    });

    it('refuses results for a target that was not drawn', async () => {
      const inspectionId = await drawn();
      now = new Date('2026-03-12T08:00:00.000Z');
      const response = await app.request<Problem>('post', `/inspections/${inspectionId}/results`, {
        token: clerk,
        body: { ...resultsBody, targetId: '93230100MA1J7K8L9M' },
      });
      expect(response.status).to.equal(422);
      expect(response.body.code).to.equal('inspection.target-not-drawn');
    });

    it('refuses results twice for one target', async () => {
      const inspectionId = await drawn();
      now = new Date('2026-03-12T08:00:00.000Z');
      await app.request('post', `/inspections/${inspectionId}/results`, { token: clerk, body: resultsBody });
      const response = await app.request<Problem>('post', `/inspections/${inspectionId}/results`, { token: clerk, body: resultsBody });
      expect(response.status).to.equal(409);
      expect(response.body.code).to.equal('inspection.results-already-recorded');
    });

    it('refuses publishing results that were not recorded', async () => {
      const inspectionId = await drawn();
      const response = await app.request<Problem>('post', `/inspections/${inspectionId}/publication`, {
        token: clerk,
        body: { ...publicationBody, publishedOn: '2026-03-05' },
      });
      expect(response.status).to.equal(422);
      expect(response.body.code).to.equal('inspection.results-not-recorded');
      expect(response.body.errors?.map((error) => error.path)).to.deep.equal([['body', 'targetIds', 0]]);
    });
  });

  it('answers every role on every route as its allow list says', async () => {
    const service = createInspectionService({ store: app.store });
    expectMatrixMatchesAllow(await authorizationMatrix(app, service));
  });
});
