import { expect } from 'chai';
import type { RecordedEvent } from '@quanze/events';
import { createDecisionsService } from '@quanze/decisions';
import { startTestApp } from '../../support/http.js';
import type { TestApp } from '../../support/http.js';
import { HEAD, LEAD_UNIT, LEGAL_UNIT, MEMBER_1, MEMBER_2, ORGAN_UNIT, OTHER_UNIT } from './fixtures.js';

interface Answer {
  readonly code?: string;
  readonly view?: string;
  readonly subject?: { readonly decisionId: string };
  readonly events?: readonly { readonly eventId: string; readonly type: string }[];
  readonly errors?: readonly { readonly path: readonly (string | number)[] }[];
}

/**
 * A decision of the city government (A, the decision organ 决策机关) handled by 发改局 (B, the lead unit), and
 * every write step tried by the role the route admits, but of a unit that has no part in that step: each is
 * answered 403 `subject.not-permitted` and nothing is appended. Then the right unit does the step, so every
 * refusal is checked at the stage where the step would otherwise be accepted.
 */
const MEETING = 'standing-2017-12';
const HEAD_C = 'person-director-jyj';

const proposal = {
  title: '尚志市城区供热价格调整',
  draftSummary: '调整城区居民供热价格',
  decisionItem: { listed: true, entryId: 'catalogue-2017-3' },
  decisionOrganUnitId: ORGAN_UNIT,
  handlingUnits: [{ unitId: LEAD_UNIT, role: 'lead' }],
  proposedBy: 'person-director-fgj',
  conditionalSteps: {
    publicParticipation: { applies: true, reason: '涉及群众切身利益' },
    expertArgumentation: { applies: true, reason: '价格成本测算专业性强' },
    riskAssessment: { applies: true, reason: '可能影响社会稳定' },
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

function meetingBody(headPersonId: string = HEAD) {
  return {
    meetingId: MEETING,
    kind: 'standing',
    heldOn: '2017-06-12',
    headPersonId,
    attendance: [
      { personId: headPersonId, present: true },
      { personId: MEMBER_1, present: true },
      { personId: MEMBER_2, present: true },
    ],
    materials: { draft: true, opinionHandling: true, riskReport: true, legalityOpinion: true, fairCompetitionReview: true },
    marketsAffected: true,
  };
}

describe('decisions over HTTP: no unit does another unit’s step', () => {
  let app: TestApp;
  const tokens: Record<string, string> = {};

  beforeEach(async () => {
    app = await startTestApp([createDecisionsService]);
    const issue = async (key: string, roles: Parameters<TestApp['token']>[0]['roles'], personId: string, unitId: string) => {
      tokens[key] = await app.token({ roles, personId, postId: `post-${personId}`, unitId });
    };
    await issue('clerkA', ['clerk'], 'person-clerk-szf', ORGAN_UNIT);
    await issue('clerkB', ['clerk'], 'person-clerk-fgj', LEAD_UNIT);
    await issue('clerkC', ['clerk'], 'person-clerk-jyj', OTHER_UNIT);
    await issue('headA', ['head'], HEAD, ORGAN_UNIT);
    await issue('memberA', ['head'], MEMBER_1, ORGAN_UNIT);
    await issue('headB', ['head'], 'person-director-fgj', LEAD_UNIT);
    await issue('headC', ['head'], HEAD_C, OTHER_UNIT);
    await issue('reviewer', ['legal-reviewer'], 'person-reviewer', LEGAL_UNIT);
    await issue('analyst', ['analyst'], 'person-analyst', 'unit-tongjiju');
    await issue('otherReviewer', ['legal-reviewer'], 'person-reviewer-2', LEGAL_UNIT);
  });
  afterEach(() => app.close());

  function token(key: string): string {
    const value = tokens[key];
    if (value === undefined) throw new Error(`no token ${key}`);
    return value;
  }

  async function post(path: string, key: string, body: unknown) {
    return app.request<Answer>('post', path, { token: token(key), body });
  }

  async function accepted(path: string, key: string, body: unknown): Promise<Answer> {
    const response = await post(path, key, body);
    expect(response.status, `${key} ${path}: ${JSON.stringify(response.body)}`).to.equal(201);
    return response.body;
  }

  /** Each caller is refused with 403 subject.not-permitted, and the store holds not one event more. */
  async function refused(path: string, keys: readonly string[], body: unknown): Promise<void> {
    for (const key of keys) {
      const before = await app.store.headPosition();
      const response = await post(path, key, body);
      expect(response.status, `${key} ${path}: ${JSON.stringify(response.body)}`).to.equal(403);
      expect(response.body.code, `${key} ${path}`).to.equal('subject.not-permitted');
      expect(await app.store.headPosition(), `${key} ${path} appended`).to.equal(before);
    }
  }

  async function eventsOf(decisionId: string): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for await (const event of app.store.readStream(`decision-${decisionId}`)) events.push(event);
    return events;
  }

  async function propose(): Promise<string> {
    const decisionId = (await accepted('/decisions', 'clerkB', proposal)).subject?.decisionId;
    if (decisionId === undefined) throw new Error('no decision id');
    return decisionId;
  }

  it('refuses every step to the allowed role of a unit without a part in it, at the stage where the right unit succeeds', async () => {
    const clerksElsewhere = ['clerkA', 'clerkC'];
    const headsElsewhere = ['headB', 'headC'];

    await refused('/decisions', clerksElsewhere, proposal);
    const decisionId = await propose();
    const at = (path: string) => `/decisions/${decisionId}${path}`;

    const steps: readonly [string, unknown][] = [
      ['/step-applicability', { step: 'expertArgumentation', applies: true, reason: '仍需论证' }],
      [
        '/disagreements',
        {
          matter: '调价幅度',
          positions: [
            { unitId: LEAD_UNIT, view: '调价', statedBy: 'person-director-fgj' },
            { unitId: 'unit-caizhengju', view: '缓调', statedBy: 'person-director-czj' },
          ],
          referredToDecisionOrgan: true,
        },
      ],
      ['/comment-periods', { channel: 'website', reference: 'http://www.shangzhi.gov.cn/zqyj/2017/5', openedOn: '2017-05-01', closesOn: '2017-05-31' }],
      ['/comment-handling', { received: 1, adopted: 1, notAdopted: 0, summary: '采纳1条' }],
      ['/hearings', { heldOn: '2017-05-15', materialsSentOn: '2017-05-05', presidedBy: 'person-host', participantCount: 20, signatoryCount: 20 }],
      [
        '/expert-opinions',
        {
          expertPersonId: 'person-expert-price',
          expertise: '价格成本监审',
          stance: 'supports',
          opinion: '测算合理',
          signed: true,
          signedOn: '2017-05-20',
          conflictOfInterest: { directInterest: false, declaration: '无利害关系' },
        },
      ],
      ['/risk-assessments', { assessorPersonIds: ['person-assessor-1'], riskLevel: 'low', conclusion: '风险可控', completedOn: '2017-05-25' }],
    ];
    for (const [path, body] of steps) {
      await refused(at(path), clerksElsewhere, body);
      await accepted(at(path), 'clerkB', body);
    }

    // The exploratory-reform statement is the decision organ's head's, not the lead unit's nor another's.
    await refused(at('/legal-risk-statements'), headsElsewhere, { legalRiskStatement: '存在法律风险', statedOn: '2017-06-10' });
    // A legality review is not unit-bound (the review department is not named at the proposal); the reviewer records their own.
    await refused(at('/legality-reviews'), ['otherReviewer'], review);
    await accepted(at('/legality-reviews'), 'reviewer', review);

    await refused(at('/meetings'), clerksElsewhere, meetingBody());
    await accepted(at('/meetings'), 'clerkB', meetingBody());

    const opinionOfMember1 = { memberPersonId: MEMBER_1, opinion: 'for', statement: '同意' };
    await refused(at(`/meetings/${MEETING}/opinions`), [...clerksElsewhere, 'headC', 'headB'], opinionOfMember1);
    await accepted(at(`/meetings/${MEETING}/opinions`), 'memberA', opinionOfMember1);
    await accepted(at(`/meetings/${MEETING}/opinions`), 'clerkB', { memberPersonId: MEMBER_2, opinion: 'for', statement: '同意' });

    const decision = { outcome: 'adopted', decisionText: '同意调价', legalBasis: ['价格法 第23条'] };
    await refused(at(`/meetings/${MEETING}/decision`), [...headsElsewhere, 'memberA'], decision);
    await accepted(at(`/meetings/${MEETING}/decision`), 'headA', decision);

    const publication = { channel: 'gazette', reference: '尚志市人民政府公报 2017年第6期', publishedOn: '2017-06-20', opinionAdoption: '采纳1条' };
    await refused(at('/publications'), clerksElsewhere, publication);
    await accepted(at('/publications'), 'clerkB', publication);

    const report = { responsiblePersonId: 'person-director-fgj', reportedOn: '2018-03-01', progress: '已执行' };
    await refused(at('/implementation-reports'), clerksElsewhere, report);
    await accepted(at('/implementation-reports'), 'clerkB', report);

    const evaluation = { trigger: 'many-opinions', evaluatorPersonIds: ['person-evaluator'], completedOn: '2018-06-01', conclusion: '负担偏重', recommendation: 'suspend' };
    await refused(at('/evaluations'), clerksElsewhere, evaluation);
    await accepted(at('/evaluations'), 'clerkB', evaluation);

    for (const [path, body] of [
      ['/suspensions', { suspendedOn: '2018-06-10', reasons: '评估建议中止' }],
      ['/resumptions', { resumedOn: '2018-07-01', reasons: '补贴到位' }],
      ['/revocations', { revokedOn: '2018-09-01', reasons: '方案不可行' }],
    ] as const) {
      await refused(at(path), headsElsewhere, body);
      await accepted(at(path), 'headA', body);
    }

    const events = await eventsOf(decisionId);
    expect(events.at(-1)?.type).to.equal('decision.revoked.v1');
    expect(events.filter((event) => event.actor.unitId === OTHER_UNIT)).to.deep.equal([]);
  });

  it('refuses the decision to a head of another unit whom the clerk named head of the meeting (第30条; the organ decides)', async () => {
    const decisionId = await propose();
    const at = (path: string) => `/decisions/${decisionId}${path}`;
    await accepted(at('/legality-reviews'), 'reviewer', review);
    await accepted(at('/meetings'), 'clerkB', meetingBody(HEAD_C));
    await accepted(at(`/meetings/${MEETING}/opinions`), 'memberA', { memberPersonId: MEMBER_1, opinion: 'for', statement: '同意' });
    await accepted(at(`/meetings/${MEETING}/opinions`), 'clerkB', { memberPersonId: MEMBER_2, opinion: 'for', statement: '同意' });
    await refused(at(`/meetings/${MEETING}/decision`), ['headC'], { outcome: 'adopted', decisionText: '同意调价' });
    expect((await eventsOf(decisionId)).map((event) => event.type)).to.not.include('decision.made.v1');
  });

  describe('the legality review and the exploratory-reform exception (第25条)', () => {
    it('accepts a meeting without a passed review once a head of the decision organ stated the legal risk, naming that head', async () => {
      const decisionId = await propose();
      const at = (path: string) => `/decisions/${decisionId}${path}`;
      await accepted(at('/legal-risk-statements'), 'headA', { legalRiskStatement: '国家尚无明确规定,存在法律风险', statedOn: '2017-06-10' });
      await accepted(at('/meetings'), 'clerkB', meetingBody());
      const convened = (await eventsOf(decisionId)).find((event) => event.type === 'decision.collectiveDiscussionConvened.v1');
      expect(convened?.data).to.deep.include({
        legality: { review: null, exploratoryReform: { legalRiskStatement: '国家尚无明确规定,存在法律风险', statedBy: HEAD } },
      });
    });

    it('no longer takes the statement from the clerk’s meeting body', async () => {
      const decisionId = await propose();
      const response = await post(`/decisions/${decisionId}/meetings`, 'clerkB', {
        ...meetingBody(),
        exploratoryReform: { legalRiskStatement: '存在法律风险', statedBy: HEAD },
      });
      expect(response.status).to.equal(400);
      expect(await eventsOf(decisionId)).to.have.length(1);
    });

    it('answers 422 to a meeting held before the review it rests on was completed', async () => {
      const decisionId = await propose();
      await accepted(`/decisions/${decisionId}/legality-reviews`, 'reviewer', { ...review, startedOn: '2017-06-01', completedOn: '2017-06-20' });
      const response = await post(`/decisions/${decisionId}/meetings`, 'clerkB', meetingBody());
      expect(response.status).to.equal(422);
      expect(response.body.code).to.equal('decision.meeting-before-legality-review');
      expect(response.body.errors?.map((error) => error.path)).to.deep.equal([['body', 'heldOn']]);
      expect(await eventsOf(decisionId)).to.have.length(2);
    });

    it('answers 422 to the proposer reviewing the decision', async () => {
      const decisionId = await propose();
      const proposer = await app.token({ roles: ['legal-reviewer'], personId: 'person-director-fgj', postId: 'post-x', unitId: LEGAL_UNIT });
      const response = await app.request<Answer>('post', `/decisions/${decisionId}/legality-reviews`, {
        token: proposer,
        body: { ...review, reviewerPersonIds: ['person-director-fgj'] },
      });
      expect(response.status).to.equal(422);
      expect(response.body.code).to.equal('decision.reviewer-proposed-decision');
    });
  });

  describe('dates', () => {
    it('answers 422 to a step dated after today in China, by the service’s clock', async () => {
      await app.close();
      app = await startTestApp([createDecisionsService], { clock: () => new Date('2017-06-11T15:30:00.000Z') });
      const clerk = await app.token({ roles: ['clerk'], personId: 'person-clerk-fgj', postId: 'post-clerk-fgj', unitId: LEAD_UNIT });
      const reviewer = await app.token({ roles: ['legal-reviewer'], personId: 'person-reviewer', postId: 'post-reviewer', unitId: LEGAL_UNIT });
      const proposed = await app.request<Answer>('post', '/decisions', { token: clerk, body: proposal });
      const decisionId = proposed.body.subject?.decisionId ?? '';
      expect((await app.request('post', `/decisions/${decisionId}/legality-reviews`, { token: reviewer, body: review })).status).to.equal(201);
      // 15:30 UTC on the 11th is 23:30 in Beijing: the 12th has not begun.
      const response = await app.request<Answer>('post', `/decisions/${decisionId}/meetings`, { token: clerk, body: meetingBody() });
      expect(response.status).to.equal(422);
      expect(response.body.code).to.equal('decision.date-after-today');
      expect(response.body.errors?.map((error) => error.path)).to.deep.equal([['body', 'heldOn']]);
      expect(await eventsOf(decisionId)).to.have.length(2);
    });
  });

  describe('who reads a decision', () => {
    async function decided(): Promise<string> {
      const decisionId = await propose();
      const at = (path: string) => `/decisions/${decisionId}${path}`;
      await accepted(at('/legality-reviews'), 'reviewer', review);
      await accepted(at('/meetings'), 'clerkB', meetingBody());
      await accepted(at(`/meetings/${MEETING}/opinions`), 'clerkB', { memberPersonId: MEMBER_1, opinion: 'against', statement: '不同意,负担过重' });
      await accepted(at(`/meetings/${MEETING}/opinions`), 'clerkB', { memberPersonId: MEMBER_2, opinion: 'for', statement: '同意' });
      await accepted(at(`/meetings/${MEETING}/decision`), 'headA', { outcome: 'adopted', decisionText: '同意调价' });
      return decisionId;
    }

    async function read(decisionId: string, key: string | null) {
      return app.request<Answer>('get', `/decisions/${decisionId}`, key === null ? {} : { token: token(key) });
    }

    it('shows the whole dossier to the organ’s heads, the lead unit’s clerks and heads and the reviewer who reviewed it', async () => {
      const decisionId = await decided();
      for (const key of ['headA', 'memberA', 'clerkB', 'headB', 'reviewer']) {
        const response = await read(decisionId, key);
        expect(response.status, key).to.equal(200);
        expect(response.body.view, key).to.equal('full');
        expect(JSON.stringify(response.body), key).to.contain('负担过重');
      }
    });

    it('refuses an unpublished decision to analysts, other units and other reviewers, and hides it from the public', async () => {
      const decisionId = await decided();
      for (const key of ['analyst', 'clerkA', 'clerkC', 'headC', 'otherReviewer']) {
        const response = await read(decisionId, key);
        expect(response.status, key).to.equal(403);
        expect(response.body.code, key).to.equal('subject.not-permitted');
      }
      expect((await read(decisionId, null)).status).to.equal(404);
    });

    it('shows analysts, other units and the public only the published parts once published', async () => {
      const decisionId = await decided();
      await accepted(`/decisions/${decisionId}/publications`, 'clerkB', { channel: 'website', reference: 'r', publishedOn: '2017-06-20', opinionAdoption: '采纳' });
      for (const key of ['analyst', 'headC', 'otherReviewer', null]) {
        const response = await read(decisionId, key);
        expect(response.status, String(key)).to.equal(200);
        expect(response.body.view, String(key)).to.equal('public');
        expect(JSON.stringify(response.body), String(key)).to.not.contain('负担过重');
      }
    });
  });
});
