import { expect } from 'chai';
import type { RecordedEvent } from '@quanze/events';
import { createDecisionsService } from '@quanze/decisions';
import { authorizationMatrix, expectMatrixMatchesAllow, startTestApp } from '../../support/http.js';
import type { TestApp } from '../../support/http.js';
import {
  ABSENT_MEMBER,
  COOPERATING_UNIT,
  HEAD,
  LEAD_UNIT,
  LEGAL_UNIT,
  MEETING_ID,
  MEMBER_1,
  MEMBER_2,
  MEMBER_3,
  ORGAN_UNIT,
  OTHER_UNIT,
} from './fixtures.js';

interface CommandBody {
  readonly subject?: { readonly decisionId: string };
  readonly events: readonly { readonly eventId: string; readonly type: string }[];
}
interface ProblemBody {
  readonly code: string;
  readonly article?: string;
  readonly errors?: readonly { readonly path: readonly (string | number)[]; readonly message: string }[];
}

const proposal = {
  title: '尚志市城区供热价格调整',
  draftSummary: '调整城区居民供热价格',
  decisionItem: { listed: true, entryId: 'catalogue-2017-3' },
  decisionOrganUnitId: ORGAN_UNIT,
  handlingUnits: [
    { unitId: LEAD_UNIT, role: 'lead' },
    { unitId: COOPERATING_UNIT, role: 'cooperating' },
  ],
  proposedBy: 'person-director-fgj',
  conditionalSteps: {
    publicParticipation: { applies: true, reason: '涉及群众切身利益' },
    expertArgumentation: { applies: true, reason: '价格成本测算专业性强' },
    riskAssessment: { applies: false, reason: '不涉及社会稳定', legalGround: '重大行政决策程序暂行条例 第22条' },
  },
};

const review = {
  form: 'written-review',
  reviewerPersonIds: ['person-reviewer'],
  startedOn: '2017-06-01',
  completedOn: '2017-06-09',
  conclusion: 'lawful',
  opinion: '未发现违法情形',
};

const meeting = {
  meetingId: MEETING_ID,
  kind: 'standing',
  heldOn: '2017-06-12',
  headPersonId: HEAD,
  attendance: [
    { personId: HEAD, present: true },
    { personId: MEMBER_1, present: true },
    { personId: MEMBER_2, present: true },
    { personId: MEMBER_3, present: true },
    { personId: ABSENT_MEMBER, present: false, absenceReason: '出差' },
  ],
  materials: { draft: true, opinionHandling: true, riskReport: false, legalityOpinion: true, fairCompetitionReview: true },
  marketsAffected: true,
};

describe('decisions over HTTP', () => {
  let app: TestApp;
  let leadClerk: string;
  let cooperatingClerk: string;
  let otherClerk: string;
  let reviewer: string;
  let head: string;
  let supervision: string;

  beforeEach(async () => {
    app = await startTestApp([createDecisionsService]);
    leadClerk = await app.token({ roles: ['clerk'], personId: 'person-clerk-fgj', postId: 'post-clerk-fgj', unitId: LEAD_UNIT });
    cooperatingClerk = await app.token({ roles: ['clerk'], personId: 'person-clerk-czj', postId: 'post-clerk-czj', unitId: COOPERATING_UNIT });
    otherClerk = await app.token({ roles: ['clerk'], personId: 'person-clerk-jyj', postId: 'post-clerk-jyj', unitId: OTHER_UNIT });
    reviewer = await app.token({ roles: ['legal-reviewer'], personId: 'person-reviewer', postId: 'post-reviewer', unitId: LEGAL_UNIT });
    head = await app.token({ roles: ['head'], personId: HEAD, postId: 'post-mayor', unitId: ORGAN_UNIT });
    supervision = await app.token({ roles: ['supervision'], personId: 'person-inspector', postId: 'post-inspector', unitId: 'unit-jiwei' });
  });
  afterEach(() => app.close());

  async function post(path: string, token: string, body: unknown) {
    return app.request<CommandBody & ProblemBody>('post', path, { token, body });
  }

  async function propose(): Promise<string> {
    const response = await post('/decisions', leadClerk, proposal);
    expect(response.status, JSON.stringify(response.body)).to.equal(201);
    const decisionId = response.body.subject?.decisionId;
    if (decisionId === undefined) throw new Error('no decision id');
    return decisionId;
  }

  async function expectCreated(path: string, token: string, body: unknown): Promise<CommandBody> {
    const response = await post(path, token, body);
    expect(response.status, `${path}: ${JSON.stringify(response.body)}`).to.equal(201);
    return response.body;
  }

  /** Proposed, consulted, argued and reviewed: ready for the meeting. */
  async function drafted(): Promise<string> {
    const decisionId = await propose();
    await expectCreated(`/decisions/${decisionId}/comment-periods`, leadClerk, {
      channel: 'website',
      reference: 'http://www.shangzhi.gov.cn/zqyj/2017/5',
      openedOn: '2017-05-01',
      closesOn: '2017-05-21',
      shortPeriodReason: '采暖期临近',
    });
    await expectCreated(`/decisions/${decisionId}/comment-handling`, cooperatingClerk, {
      received: 3,
      adopted: 2,
      notAdopted: 1,
      notAdoptedReasons: [{ summary: '不调价', reason: '成本倒挂' }],
      summary: '采纳2条',
    });
    await expectCreated(`/decisions/${decisionId}/expert-opinions`, leadClerk, {
      expertPersonId: 'person-expert-price',
      expertise: '价格成本监审',
      stance: 'supports',
      opinion: '测算合理',
      signed: true,
      signedOn: '2017-05-20',
      conflictOfInterest: { directInterest: false, declaration: '无利害关系' },
    });
    await expectCreated(`/decisions/${decisionId}/legality-reviews`, reviewer, review);
    return decisionId;
  }

  async function decided(): Promise<string> {
    const decisionId = await drafted();
    await expectCreated(`/decisions/${decisionId}/meetings`, leadClerk, meeting);
    const member1 = await app.token({ roles: ['head'], personId: MEMBER_1, postId: 'post-vice-mayor-1', unitId: ORGAN_UNIT });
    await expectCreated(`/decisions/${decisionId}/meetings/${MEETING_ID}/opinions`, member1, { memberPersonId: MEMBER_1, opinion: 'for', statement: '同意' });
    await expectCreated(`/decisions/${decisionId}/meetings/${MEETING_ID}/opinions`, leadClerk, { memberPersonId: MEMBER_2, opinion: 'against', statement: '不同意,负担过重' });
    await expectCreated(`/decisions/${decisionId}/meetings/${MEETING_ID}/opinions`, leadClerk, { memberPersonId: MEMBER_3, opinion: 'against', statement: '建议暂缓' });
    await expectCreated(`/decisions/${decisionId}/meetings/${MEETING_ID}/decision`, head, {
      outcome: 'adopted-with-amendments',
      decisionText: '同意调价,对低保户给予补贴',
      headReasons: '成本倒挂已三年,补贴可缓解负担',
      legalBasis: ['价格法 第23条'],
    });
    return decisionId;
  }

  async function eventsOf(decisionId: string): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for await (const event of app.store.readStream(`decision-${decisionId}`)) events.push(event);
    return events;
  }

  describe('the whole procedure', () => {
    it('records every step with who did it, the head deciding against the majority with reasons', async () => {
      const decisionId = await decided();
      const events = await eventsOf(decisionId);
      expect(events.map((event) => event.type)).to.deep.equal([
        'decision.proposed.v1',
        'decision.commentPeriodOpened.v1',
        'decision.commentsHandled.v1',
        'decision.expertOpinionSigned.v1',
        'decision.legalityReviewed.v1',
        'decision.collectiveDiscussionConvened.v1',
        'decision.memberOpinionGiven.v1',
        'decision.memberOpinionGiven.v1',
        'decision.memberOpinionGiven.v1',
        'decision.made.v1',
      ]);
      const made = events.at(-1);
      expect(made?.actor).to.deep.equal({ personId: HEAD, postId: 'post-mayor', unitId: ORGAN_UNIT });
      expect(made?.data).to.deep.include({ majorityOpinion: 'against', differsFromMajority: true, headPersonId: HEAD });
      expect(events[2]?.actor.unitId).to.equal(COOPERATING_UNIT);
      expect(events[4]?.actor.personId).to.equal('person-reviewer');
      expect(events[6]?.actor.personId).to.equal(MEMBER_1);
      expect(events[1]?.data).to.deep.include({ periodDays: 20, shortPeriodReason: '采暖期临近' });
    });

    it('publishes, reports, evaluates, suspends, resumes and revokes, each answer naming what it answers', async () => {
      const decisionId = await decided();
      await expectCreated(`/decisions/${decisionId}/publications`, leadClerk, {
        channel: 'gazette',
        reference: '尚志市人民政府公报 2017年第6期',
        publishedOn: '2017-06-20',
        opinionAdoption: '采纳公众意见2条',
      });
      const report = await expectCreated(`/decisions/${decisionId}/implementation-reports`, cooperatingClerk, {
        responsiblePersonId: 'person-director-czj',
        reportedOn: '2018-03-01',
        progress: '已执行',
        problems: '投诉较多',
      });
      const reportId = report.events[0]?.eventId ?? '';
      const evaluation = await expectCreated(`/decisions/${decisionId}/evaluations`, leadClerk, {
        trigger: 'many-opinions',
        evaluatorPersonIds: ['person-evaluator'],
        evaluatingOrganisationId: 'org-university',
        completedOn: '2018-06-01',
        conclusion: '负担偏重',
        recommendation: 'suspend',
        inResponseTo: [reportId],
      });
      const evaluationId = evaluation.events[0]?.eventId ?? '';
      const suspension = await expectCreated(`/decisions/${decisionId}/suspensions`, head, {
        suspendedOn: '2018-06-10',
        reasons: '评估建议中止',
        inResponseTo: [evaluationId],
      });
      await expectCreated(`/decisions/${decisionId}/resumptions`, head, {
        resumedOn: '2018-07-01',
        reasons: '补贴到位',
        inResponseTo: [suspension.events[0]?.eventId ?? ''],
      });
      await expectCreated(`/decisions/${decisionId}/revocations`, head, { revokedOn: '2018-09-01', reasons: '方案不可行' });

      const events = await eventsOf(decisionId);
      const byType = (type: string) => events.find((event) => event.type === type)?.data;
      expect(byType('decision.evaluated.v1')).to.deep.include({ inResponseTo: [reportId] });
      expect(byType('decision.suspended.v1')).to.deep.include({ decidedBy: HEAD, inResponseTo: [evaluationId] });
      expect(byType('decision.revoked.v1')).to.deep.include({ decidedBy: HEAD, meetingId: null, inResponseTo: [] });
    });
  });

  describe('GET /decisions/:decisionId', () => {
    it('shows supervision every step and who did it', async () => {
      const decisionId = await decided();
      const response = await app.request<{ view: string; stage: string; meetings: { opinions: { recordedBy: { personId: string } }[] }[] }>(
        'get',
        `/decisions/${decisionId}`,
        { token: supervision },
      );
      expect(response.status).to.equal(200);
      expect(response.body.view).to.equal('full');
      expect(response.body.stage).to.equal('in-force');
      expect(response.body.meetings[0]?.opinions.map((opinion) => opinion.recordedBy.personId)).to.deep.equal([MEMBER_1, 'person-clerk-fgj', 'person-clerk-fgj']);
    });

    it('hides an unpublished decision from the public, and refuses it to a clerk of another unit', async () => {
      const decisionId = await decided();
      expect((await app.request('get', `/decisions/${decisionId}`)).status).to.equal(404);
      const refused = await app.request<ProblemBody>('get', `/decisions/${decisionId}`, { token: otherClerk });
      expect(refused.status).to.equal(403);
      expect(refused.body.code).to.equal('subject.not-permitted');
    });

    it('shows the public only the published parts of a published decision', async () => {
      const decisionId = await decided();
      await expectCreated(`/decisions/${decisionId}/publications`, leadClerk, {
        channel: 'website',
        reference: 'http://www.shangzhi.gov.cn/jc/2017/6',
        publishedOn: '2017-06-20',
        opinionAdoption: '采纳公众意见2条',
      });
      const response = await app.request('get', `/decisions/${decisionId}`);
      expect(response.status).to.equal(200);
      expect(response.body).to.include({ view: 'public', title: '尚志市城区供热价格调整', status: 'in-force' });
      expect(response.body).to.not.have.any.keys('meetings', 'legalityReviews', 'expertOpinions', 'proposal');
      expect(JSON.stringify(response.body)).to.not.contain('负担过重');
    });

    it('answers 404 for a decision that was never proposed', async () => {
      const response = await app.request<ProblemBody>('get', '/decisions/no-such-decision', { token: supervision });
      expect(response.status).to.equal(404);
      expect(response.body.code).to.equal('subject.not-found');
    });
  });

  describe('GET /decisions/:decisionId/events', () => {
    it('gives supervision the archive, every event with its envelope', async () => {
      const decisionId = await drafted();
      const response = await app.request<{ events: RecordedEvent[] }>('get', `/decisions/${decisionId}/events`, { token: supervision });
      expect(response.status).to.equal(200);
      expect(response.body.events.map((event) => event.streamVersion)).to.deep.equal([1, 2, 3, 4, 5]);
      expect(response.body.events[0]?.actor).to.deep.equal({ personId: 'person-clerk-fgj', postId: 'post-clerk-fgj', unitId: LEAD_UNIT });
    });

    it('answers 404 for a decision that was never proposed', async () => {
      expect((await app.request('get', '/decisions/no-such-decision/events', { token: supervision })).status).to.equal(404);
    });
  });

  describe('bad input', () => {
    it('names a field of the wrong type', async () => {
      const response = await post('/decisions', leadClerk, { ...proposal, title: 42 });
      expect(response.status).to.equal(400);
      expect(response.body.errors?.map((error) => error.path)).to.deep.equal([['body', 'title']]);
    });

    it('names a missing field', async () => {
      const { proposedBy: _proposedBy, ...rest } = proposal;
      const response = await post('/decisions', leadClerk, rest);
      expect(response.status).to.equal(400);
      expect(response.body.errors?.map((error) => error.path)).to.deep.equal([['body', 'proposedBy']]);
    });

    it('names a missing nested field', async () => {
      const decisionId = await drafted();
      const { materials: _materials, ...rest } = meeting;
      const response = await post(`/decisions/${decisionId}/meetings`, leadClerk, { ...rest, materials: { draft: true } });
      expect(response.status).to.equal(400);
      expect(response.body.errors?.map((error) => error.path)).to.deep.include(['body', 'materials', 'legalityOpinion']);
    });

    it('refuses an unknown field instead of ignoring it', async () => {
      const response = await post('/decisions', leadClerk, { ...proposal, approvedBy: 'person-someone' });
      expect(response.status).to.equal(400);
      expect(response.body.errors?.[0]?.path).to.deep.equal(['body']);
      expect(response.body.errors?.[0]?.message).to.contain('approvedBy');
    });

    it('refuses a majority sent by the client: the ledger counts it', async () => {
      const response = await post(`/decisions/some-decision/meetings/${MEETING_ID}/decision`, head, {
        outcome: 'adopted',
        decisionText: '同意',
        majorityOpinion: 'for',
        differsFromMajority: false,
      });
      expect(response.status).to.equal(400);
      expect(response.body.errors?.[0]?.message).to.contain('majorityOpinion');
    });

    it('names a date that is not a date, and a period that closes before it opens', async () => {
      const decisionId = await propose();
      const response = await post(`/decisions/${decisionId}/comment-periods`, leadClerk, {
        channel: 'website',
        reference: 'r',
        openedOn: '2017-13-01',
        closesOn: '2017-05-01',
      });
      expect(response.status).to.equal(400);
      expect(response.body.errors?.map((error) => error.path)).to.deep.include(['body', 'openedOn']);
      const reversed = await post(`/decisions/${decisionId}/comment-periods`, leadClerk, {
        channel: 'website',
        reference: 'r',
        openedOn: '2017-06-01',
        closesOn: '2017-05-01',
      });
      expect(reversed.body.errors?.map((error) => error.path)).to.deep.equal([['body', 'closesOn']]);
    });

    it('names an invalid path parameter', async () => {
      const response = await post('/decisions/%E5%86%B3/disagreements', leadClerk, {});
      expect(response.status).to.equal(400);
      expect(response.body.errors?.[0]?.path).to.deep.equal(['params', 'decisionId']);
    });
  });

  describe('rules', () => {
    it('answers 422 with code, article and field for two lead units (第11条)', async () => {
      const response = await post('/decisions', leadClerk, {
        ...proposal,
        handlingUnits: [
          { unitId: LEAD_UNIT, role: 'lead' },
          { unitId: COOPERATING_UNIT, role: 'lead' },
        ],
      });
      expect(response.status).to.equal(422);
      expect(response.body).to.include({ code: 'decision.exactly-one-lead-unit-required', article: '重大行政决策程序暂行条例 第11条' });
      expect(response.body.errors?.map((error) => error.path)).to.deep.equal([['body', 'handlingUnits']]);
    });

    it('answers 422 for a skip without a legal ground', async () => {
      const response = await post('/decisions', leadClerk, {
        ...proposal,
        conditionalSteps: { ...proposal.conditionalSteps, riskAssessment: { applies: false, reason: '不需要' } },
      });
      expect(response.status).to.equal(422);
      expect(response.body.code).to.equal('decision.legal-ground-required');
      expect(response.body.errors?.map((error) => error.path)).to.deep.equal([['body', 'conditionalSteps', 'riskAssessment', 'legalGround']]);
    });

    it('answers 422 to collective discussion without a passed legality review (第25条), recording nothing', async () => {
      const decisionId = await propose();
      const response = await post(`/decisions/${decisionId}/meetings`, leadClerk, meeting);
      expect(response.status).to.equal(422);
      expect(response.body).to.include({ code: 'decision.legality-review-required', article: '重大行政决策程序暂行条例 第25条' });
      expect(await eventsOf(decisionId)).to.have.length(1);
    });

    it('answers 422 to the head deciding before every member has spoken (第30条)', async () => {
      const decisionId = await drafted();
      await expectCreated(`/decisions/${decisionId}/meetings`, leadClerk, meeting);
      const response = await post(`/decisions/${decisionId}/meetings/${MEETING_ID}/decision`, head, { outcome: 'adopted', decisionText: '同意' });
      expect(response.status).to.equal(422);
      expect(response.body.code).to.equal('decision.opinions-outstanding');
    });

    it('answers 409 to a step recorded as not applying', async () => {
      const decisionId = await propose();
      const response = await post(`/decisions/${decisionId}/risk-assessments`, leadClerk, {
        assessorPersonIds: ['person-assessor-1'],
        riskLevel: 'low',
        conclusion: '风险低',
        completedOn: '2017-05-25',
      });
      expect(response.status).to.equal(409);
      expect(response.body).to.include({ code: 'decision.step-not-applicable', article: '重大行政决策程序暂行条例 第22条' });
    });

    it('answers 403 to a clerk of a unit that does not handle the decision', async () => {
      const decisionId = await propose();
      const response = await post(`/decisions/${decisionId}/disagreements`, otherClerk, {
        matter: '调价幅度',
        positions: [
          { unitId: LEAD_UNIT, view: '调价', statedBy: 'person-director-fgj' },
          { unitId: COOPERATING_UNIT, view: '缓调', statedBy: 'person-director-czj' },
        ],
        referredToDecisionOrgan: true,
      });
      expect(response.status).to.equal(403);
      expect(response.body.code).to.equal('subject.not-permitted');
    });

    it('answers 403 to a head recording another member’s opinion', async () => {
      const decisionId = await drafted();
      await expectCreated(`/decisions/${decisionId}/meetings`, leadClerk, meeting);
      const member1 = await app.token({ roles: ['head'], personId: MEMBER_1, unitId: ORGAN_UNIT });
      const response = await post(`/decisions/${decisionId}/meetings/${MEETING_ID}/opinions`, member1, { memberPersonId: MEMBER_2, opinion: 'for', statement: '同意' });
      expect(response.status).to.equal(403);
      expect(response.body.code).to.equal('subject.not-permitted');
    });

    it('answers 422 to a cause that is not in the decision’s record', async () => {
      const decisionId = await decided();
      const response = await post(`/decisions/${decisionId}/suspensions`, head, {
        suspendedOn: '2018-06-10',
        reasons: '事故',
        inResponseTo: ['0193f0b4-7c1e-7b3a-9d2e-1a2b3c4d5e6f'],
      });
      expect(response.status).to.equal(422);
      expect(response.body.code).to.equal('decision.cause-not-found');
      expect(response.body.errors?.map((error) => error.path)).to.deep.equal([['body', 'inResponseTo', 0]]);
    });

    it('answers 404 to a step on a decision that was never proposed', async () => {
      const response = await post('/decisions/no-such-decision/legality-reviews', reviewer, review);
      expect(response.status).to.equal(404);
      expect(response.body.code).to.equal('subject.not-found');
    });
  });

  describe('idempotency', () => {
    it('answers a repeated proposal with the first outcome, on the same decision', async () => {
      const request = { token: leadClerk, body: proposal, headers: { 'idempotency-key': 'propose-heating-1' } };
      const first = await app.request<CommandBody>('post', '/decisions', request);
      const second = await app.request<CommandBody>('post', '/decisions', request);
      expect(first.status).to.equal(201);
      expect(second.status).to.equal(200);
      expect(second.body.subject).to.deep.equal(first.body.subject);
      expect(await eventsOf(first.body.subject?.decisionId ?? '')).to.have.length(1);
    });
  });

  describe('authorisation', () => {
    it('matches every route against every role', async () => {
      const [service] = app.services;
      if (service === undefined) throw new Error('no service');
      const rows = await authorizationMatrix(app, service);
      expect(rows).to.have.length(service.routes.length * 10);
      expectMatrixMatchesAllow(rows);
    });
  });
});
