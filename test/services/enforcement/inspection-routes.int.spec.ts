import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { ServiceModule } from '@quanze/service-kit';
import type { EventStore } from '@quanze/eventstore';
import { authorizationMatrix, expectMatrixMatchesAllow, startTestApp } from '../../support/http.js';
import type { TestApp } from '../../support/http.js';
import { proposedEvent } from '../../support/events.js';
import { createInspectionRoutes, inspectionErrorStatuses } from '../../../services/enforcement/src/inspection-routes.js';
import { drawSelectionFor, effectiveSeedV2 } from '../../../services/enforcement/src/inspection-draw.js';
import type { DrawnTarget } from '../../../services/enforcement/src/inspection-draw.js';

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
// The v1 worked example's selection: what a plan recorded under quanze-draw-v1 still draws.
const selectionV1 = [
  { targetId: '92230100MA1A1B2C3D', inspectorIds: ['officer-01', 'officer-02'] },
  { targetId: '91230100MA1B2C3D4E', inspectorIds: ['officer-03', 'officer-02'] },
  { targetId: '91230100MA1U5W6X7Y', inspectorIds: ['officer-04', 'officer-05'] },
];
const conflictReason = 'her brother is a shareholder';

const unitId = 'unit-amr';
const planBody = {
  inspectingUnitId: unitId,
  matter: { itemId: 'item-food-business', title: '食品经营者 监督检查' },
  targetPool,
  inspectorPool,
  targetCount: 3,
  inspectorsPerTarget: 2,
  conflicts: [{ personId: 'officer-04', targetId: '91230100MA1B2C3D4E', reason: conflictReason }],
  seedCommitment: commitment,
  plannedDrawOn: '2026-03-05',
};
/** Under quanze-draw-v2 what is drawn depends on the plan event's id: results name a target as it was drawn. */
const resultsBody = {
  inspectedOn: '2026-03-10',
  concludedOn: '2026-03-12',
  outcome: 'problem-found-corrected',
  findings: 'Expired goods on the shelf; ordered to remove them (责令改正).',
  evidence: [{ title: '现场检查笔录', sha256: 'c'.repeat(64) }],
};
function resultsFor(target: DrawnTarget) {
  // The drawn officers in another order than the draw's: the order does not matter.
  return { ...resultsBody, targetId: target.targetId, inspectorIds: [...target.inspectorIds].reverse() };
}
const publicationBody = {
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

interface InspectionBody {
  stage: string;
  planEventId: string | null;
  plan: Record<string, unknown> & { conflicts: Record<string, unknown>[] };
  draw: { seed: string; drawnOn: string; algorithm: string; selection: DrawnTarget[] } | null;
  results: { targetId: string; outcome: string; published: boolean }[];
  publications: unknown[];
}

interface HistoryBody {
  events: { eventId: string; type: string; data: Record<string, unknown> & { conflicts?: Record<string, unknown>[] } }[];
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
  let otherUnitHead: string;
  let supervision: string;
  let analyst: string;

  beforeEach(async () => {
    // 2026-03-02, 17:00 in Beijing.
    now = new Date('2026-03-02T09:00:00.000Z');
    app = await startTestApp([createInspectionService], { clock: () => now });
    clerk = await app.token({ roles: ['clerk'], personId: 'clerk-1', postId: 'post-clerk-1', unitId });
    head = await app.token({ roles: ['head'], personId: 'head-1', postId: 'post-head-1', unitId });
    otherUnitClerk = await app.token({ roles: ['clerk'], personId: 'clerk-9', postId: 'post-clerk-9', unitId: 'unit-other' });
    otherUnitHead = await app.token({ roles: ['head'], personId: 'head-9', postId: 'post-head-9', unitId: 'unit-other' });
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

  async function drawn(): Promise<{ inspectionId: string; selection: DrawnTarget[]; first: DrawnTarget }> {
    const inspectionId = await planned();
    now = new Date('2026-03-05T02:00:00.000Z');
    const response = await app.request('post', `/inspections/${inspectionId}/draw`, { token: head, body: { seed } });
    expect(response.status).to.equal(201);
    const view = await app.request<InspectionBody>('get', `/inspections/${inspectionId}`);
    const selection = view.body.draw?.selection ?? [];
    const [first] = selection;
    if (first === undefined) throw new Error('nothing was drawn');
    return { inspectionId, selection, first };
  }

  describe('the whole course: plan, draw, results, publication', () => {
    it('lets anyone read the plan and re-check the draw, and shows results to the public once published', async () => {
      const planResponse = await plan();
      expect(planResponse.status).to.equal(201);
      const { inspectionId } = planResponse.body.subject;

      const beforeDraw = await app.request<InspectionBody>('get', `/inspections/${inspectionId}`);
      expect(beforeDraw.status).to.equal(200);
      expect(beforeDraw.body.stage).to.equal('planned');
      expect(beforeDraw.body.plan).to.include({
        seedCommitment: commitment,
        targetPoolSha256: 'cea36f4eb78d6c64696d2f9a005c560dcfb0d06aec1bb0b3d17a131a4871c789',
        inspectorPoolSha256: '7ae5c967cc428037892ad5e8dc7e46b459d0a1469fe472a1e47f2340dd042f16',
        algorithm: 'quanze-draw-v2',
      });
      // The id the ledger gave the plan event: shown in the view, the same in the history.
      const planEventId = beforeDraw.body.planEventId ?? '';
      expect(planEventId).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const planHistory = await app.request<HistoryBody>('get', `/inspections/${inspectionId}/events`);
      expect(planHistory.body.events[0]).to.include({ type: 'inspection.planned.v1', eventId: planEventId });
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
      const afterDraw = await app.request<InspectionBody>('get', `/inspections/${inspectionId}`);
      expect(afterDraw.body.stage).to.equal('drawn');
      expect(afterDraw.body.draw).to.include({ seed, drawnOn: '2026-03-05', algorithm: 'quanze-draw-v2' });
      // quanze-draw-v2: the documented function of the seed, the pools and the recorded plan event id.
      const selection = drawSelectionFor('quanze-draw-v2', {
        seed,
        planEventId,
        targetPool,
        inspectorPool,
        targetCount: 3,
        inspectorsPerTarget: 2,
        conflicts: planBody.conflicts,
      });
      expect(afterDraw.body.draw?.selection).to.deep.equal(selection);
      const check = await app.request('get', `/inspections/${inspectionId}/verification`);
      expect(check.status).to.equal(200);
      expect(check.body).to.include({
        algorithm: 'quanze-draw-v2',
        planEventId,
        effectiveSeed: effectiveSeedV2(seed, planEventId),
        targetPoolSha256Matches: true,
        inspectorPoolSha256Matches: true,
        commitmentMatches: true,
        selectionMatches: true,
      });
      const [target] = selection;
      if (target === undefined) throw new Error('nothing was drawn');

      now = new Date('2026-03-12T08:00:00.000Z');
      const results = await app.request('post', `/inspections/${inspectionId}/results`, { token: clerk, body: resultsFor(target) });
      expect(results.status).to.equal(201);
      const hidden = await app.request<{ results: unknown[] }>('get', `/inspections/${inspectionId}`, { token: analyst });
      expect(hidden.body.results).to.deep.equal([]);
      const history = await app.request<{ events: { type: string }[] }>('get', `/inspections/${inspectionId}/events`);
      expect(history.body.events.map((event) => event.type)).to.deep.equal(['inspection.planned.v1', 'inspection.drawn.v1']);
      for (const token of [clerk, supervision]) {
        const seen = await app.request<{ results: { targetId: string; published: boolean }[] }>('get', `/inspections/${inspectionId}`, { token });
        expect(seen.body.results.map((result) => [result.targetId, result.published])).to.deep.equal([[target.targetId, false]]);
      }

      now = new Date('2026-03-18T08:00:00.000Z');
      const published = { ...publicationBody, targetIds: [target.targetId] };
      const publication = await app.request('post', `/inspections/${inspectionId}/publication`, { token: clerk, body: published });
      expect(publication.status).to.equal(201);
      const shown = await app.request<InspectionBody>('get', `/inspections/${inspectionId}`);
      expect(shown.body.results.map((result) => [result.targetId, result.outcome, result.published])).to.deep.equal([
        [target.targetId, 'problem-found-corrected', true],
      ]);
      expect(shown.body.publications).to.deep.equal([{ inspectionId, ...published }]);
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
      const { inspectionId, first } = await drawn();
      const response = await app.request<Problem>('post', `/inspections/${inspectionId}/results`, {
        token: clerk,
        body: { ...resultsFor(first), outcome: 'fine', signedBy: 'someone' },
      });
      expect(response.status).to.equal(400);
      expect(response.body.errors?.map((error) => error.path)).to.deep.include(['body', 'outcome']);
      expect(response.body.errors?.some((error) => error.message.includes('signedBy'))).to.be.true;
    });

    it('refuses a publication naming a target twice', async () => {
      const { inspectionId, first } = await drawn();
      const response = await app.request<Problem>('post', `/inspections/${inspectionId}/publication`, {
        token: clerk,
        body: { ...publicationBody, targetIds: [first.targetId, first.targetId] },
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
      const { inspectionId } = await drawn();
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
      const { inspectionId, selection, first } = await drawn();
      const notDrawn = targetPool.find((targetId) => !selection.some((target) => target.targetId === targetId)) ?? '';
      now = new Date('2026-03-12T08:00:00.000Z');
      const response = await app.request<Problem>('post', `/inspections/${inspectionId}/results`, {
        token: clerk,
        body: { ...resultsFor(first), targetId: notDrawn },
      });
      expect(response.status).to.equal(422);
      expect(response.body.code).to.equal('inspection.target-not-drawn');
    });

    it('refuses results twice for one target', async () => {
      const { inspectionId, first } = await drawn();
      now = new Date('2026-03-12T08:00:00.000Z');
      expect((await app.request('post', `/inspections/${inspectionId}/results`, { token: clerk, body: resultsFor(first) })).status).to.equal(201);
      const response = await app.request<Problem>('post', `/inspections/${inspectionId}/results`, { token: clerk, body: resultsFor(first) });
      expect(response.status).to.equal(409);
      expect(response.body.code).to.equal('inspection.results-already-recorded');
    });

    it('refuses publishing results that were not recorded', async () => {
      const { inspectionId, first } = await drawn();
      const response = await app.request<Problem>('post', `/inspections/${inspectionId}/publication`, {
        token: clerk,
        body: { ...publicationBody, targetIds: [first.targetId], publishedOn: '2026-03-05' },
      });
      expect(response.status).to.equal(422);
      expect(response.body.code).to.equal('inspection.results-not-recorded');
      expect(response.body.errors?.map((error) => error.path)).to.deep.equal([['body', 'targetIds', 0]]);
    });
  });

  describe('quanze-draw-v2 and the plans before it', () => {
    it('draws a plan recorded under quanze-draw-v1 by v1, and re-checks it so', async () => {
      const inspectionId = `legacy-${randomUUID()}`;
      const sortedTargets = [...targetPool].sort();
      await app.store.appendToStream(
        `inspection-${inspectionId}`,
        [
          proposedEvent({
            type: 'inspection.planned.v1',
            actor: { personId: 'clerk-1', postId: 'post-clerk-1', unitId },
            data: {
              ...planBody,
              inspectionId,
              targetPool: sortedTargets,
              targetPoolSha256: 'cea36f4eb78d6c64696d2f9a005c560dcfb0d06aec1bb0b3d17a131a4871c789',
              inspectorPoolSha256: '7ae5c967cc428037892ad5e8dc7e46b459d0a1469fe472a1e47f2340dd042f16',
              algorithm: 'quanze-draw-v1',
              inspectorCertificates: inspectorPool.map((personId) => ({ personId, certificateId: `cert-${personId}` })),
            },
          }),
        ],
        { expectedVersion: 'no_stream' },
      );
      now = new Date('2026-03-05T02:00:00.000Z');
      expect((await app.request('post', `/inspections/${inspectionId}/draw`, { token: head, body: { seed } })).status).to.equal(201);
      const view = await app.request<InspectionBody>('get', `/inspections/${inspectionId}`);
      expect(view.body.draw).to.deep.include({ algorithm: 'quanze-draw-v1', selection: selectionV1 });
      const check = await app.request('get', `/inspections/${inspectionId}/verification`);
      expect(check.body).to.include({ algorithm: 'quanze-draw-v1', effectiveSeed: null, commitmentMatches: true, selectionMatches: true });
    });

    it('refuses a commitment the unit already used, even in a cancelled plan, and records nothing', async () => {
      const inspectionId = await planned();
      expect(
        (await app.request('post', `/inspections/${inspectionId}/cancellation`, { token: head, body: { reason: 'the draw was unfavourable' } })).status,
      ).to.equal(201);
      const before = await app.store.headPosition();
      const again = await plan();
      expect(again.status).to.equal(409);
      expect(again.body).to.include({ code: 'inspection.commitment-reused', article: '优化营商环境条例 第54条; 国发〔2019〕5号' });
      expect(again.body.errors?.map((error) => error.path)).to.deep.equal([['body', 'seedCommitment']]);
      expect(await app.store.headPosition()).to.equal(before);
    });

    it('lets another unit plan with a commitment it did not use before', async () => {
      await planned();
      const otherUnitsPlan = await plan({ ...planBody, inspectingUnitId: 'unit-other' }, otherUnitClerk);
      expect(otherUnitsPlan.status, JSON.stringify(otherUnitsPlan.body)).to.equal(201);
    });
  });

  describe('回避 reasons', () => {
    it('shows who is excluded from which target to everyone, and why only to the inspecting unit and supervision', async () => {
      const { inspectionId } = await drawn();
      const excluded = { personId: 'officer-04', targetId: '91230100MA1B2C3D4E' };
      for (const token of [null, analyst, otherUnitClerk]) {
        const view = await app.request<InspectionBody>('get', `/inspections/${inspectionId}`, { token });
        expect(view.body.plan.conflicts).to.deep.equal([excluded]);
        const history = await app.request<HistoryBody>('get', `/inspections/${inspectionId}/events`, { token });
        expect(history.body.events[0]?.data.conflicts).to.deep.equal([excluded]);
        expect(JSON.stringify(view.body)).to.not.include(conflictReason);
        expect(JSON.stringify(history.body)).to.not.include(conflictReason);
      }
      for (const token of [clerk, head, supervision]) {
        const view = await app.request<InspectionBody>('get', `/inspections/${inspectionId}`, { token });
        expect(view.body.plan.conflicts).to.deep.equal([{ ...excluded, reason: conflictReason }]);
        const history = await app.request<HistoryBody>('get', `/inspections/${inspectionId}/events`, { token });
        expect(history.body.events[0]?.data.conflicts).to.deep.equal([{ ...excluded, reason: conflictReason }]);
      }
      // Re-checking needs no reason: the public verification still matches.
      expect((await app.request('get', `/inspections/${inspectionId}/verification`)).body).to.include({ selectionMatches: true });
    });
  });

  describe('another unit’s clerk or head, allowed the routes by role', () => {
    it('is refused on every write step of a real inspection (403), and nothing is recorded', async () => {
      const refused = async (path: string, token: string, body: unknown) => {
        const before = await app.store.headPosition();
        const response = await app.request<Problem>('post', path, { token, body });
        expect(response.status, `${path}: ${JSON.stringify(response.body)}`).to.equal(403);
        expect(response.body.code).to.equal('subject.not-permitted');
        expect(await app.store.headPosition(), path).to.equal(before);
      };
      await refused('/inspections', otherUnitClerk, planBody);
      await refused('/inspections', otherUnitHead, planBody);

      const plannedId = await planned();
      await refused(`/inspections/${plannedId}/cancellation`, otherUnitHead, { reason: 'not ours to cancel' });
      now = new Date('2026-03-05T02:00:00.000Z');
      await refused(`/inspections/${plannedId}/draw`, otherUnitClerk, { seed });
      await refused(`/inspections/${plannedId}/draw`, otherUnitHead, { seed });
      expect((await app.request('post', `/inspections/${plannedId}/draw`, { token: head, body: { seed } })).status).to.equal(201);

      const view = await app.request<InspectionBody>('get', `/inspections/${plannedId}`);
      const [first] = view.body.draw?.selection ?? [];
      if (first === undefined) throw new Error('nothing was drawn');
      now = new Date('2026-03-12T08:00:00.000Z');
      await refused(`/inspections/${plannedId}/results`, otherUnitClerk, resultsFor(first));
      await refused(`/inspections/${plannedId}/results`, otherUnitHead, resultsFor(first));
      expect((await app.request('post', `/inspections/${plannedId}/results`, { token: clerk, body: resultsFor(first) })).status).to.equal(201);
      now = new Date('2026-03-18T08:00:00.000Z');
      const publication = { ...publicationBody, targetIds: [first.targetId] };
      await refused(`/inspections/${plannedId}/publication`, otherUnitClerk, publication);
      await refused(`/inspections/${plannedId}/publication`, otherUnitHead, publication);
      expect((await app.request('post', `/inspections/${plannedId}/publication`, { token: clerk, body: publication })).status).to.equal(201);
    });
  });

  it('answers every role on every route as its allow list says', async () => {
    const service = createInspectionService({ store: app.store });
    expectMatrixMatchesAllow(await authorizationMatrix(app, service));
  });
});
