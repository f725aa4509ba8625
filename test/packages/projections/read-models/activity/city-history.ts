import { expect } from 'chai';
import { createDecisionsService } from '@quanze/decisions';
import { createOrganizationService } from '@quanze/organization';
import type { Role } from '@quanze/service-kit';
import { startTestApp } from '../../../../support/http.js';
import type { ServiceFactory, TestApp } from '../../../../support/http.js';

/**
 * A handcrafted history of 尚志市, recorded through the real organisation and decisions services over HTTP, each step
 * at its own moment (the services' clock is moved before each step, so every `occurredAt` is the day it happened):
 *
 * - 法制办 (legal office) is renamed, then merged into 司法局 (2019), which is merged into 社会治理局 (2022): merged twice.
 * - 王建国 (the rotating official) is 发改局 director (2016), proposes decision D1 (2017-03), rotates to a reviewer post
 *   of 法制办 (2017-09) where he reviews D2, rotates to a vice-mayor post of the city government (2019-03) where he votes
 *   against D3, and retires (2023): three units, then retired.
 * - D1 skips its three conditional steps (on legal grounds), is reviewed by 赵审查, discussed by the mayor 李市长 and three
 *   vice-mayors — one for, two against — and adopted by the mayor against the majority with reasons (overridden); its
 *   implementation is reported, it is evaluated (recommendation: revoke, in response to the report) and revoked by the
 *   mayor (in response to the evaluation) in 2019-10, after its proposer moved twice.
 */
export interface CityHistory {
  readonly app: TestApp;
  readonly units: { readonly government: string; readonly development: string; readonly legalOffice: string; readonly justice: string; readonly governance: string };
  readonly persons: {
    readonly rotating: string;
    readonly mayor: string;
    readonly members: readonly [string, string, string];
    readonly reviewer: string;
    readonly clerk: string;
    readonly successorDirector: string;
  };
  /** Not in the organisation chart: an outside evaluator named by id only. */
  readonly evaluator: string;
  readonly decisions: { readonly d1: string; readonly d2: string; readonly d3: string };
  readonly events: { readonly d1Report: string; readonly d1Evaluation: string; readonly d1Revocation: string; readonly d1Made: string };
  /** The store's head when D1 had been decided, and the recordedAt of that event. */
  readonly afterD1Made: { readonly position: number; readonly recordedAt: string };
}

interface Answer {
  readonly subject?: Readonly<Record<string, string>>;
  readonly events?: readonly { readonly eventId: string; readonly type: string; readonly position: number; readonly recordedAt: string }[];
}

const REFORM = '尚志市机构改革方案';
const NOTICE = '尚志市人民政府任免通知';

/** The organisation and decisions services (and any others given) on one test app, with a clock the history moves. */
export async function startCity(others: readonly ServiceFactory[] = []): Promise<{ app: TestApp; setNow: (instant: string) => void }> {
  let now = new Date('2016-01-05T02:00:00.000Z');
  const app = await startTestApp([createOrganizationService, createDecisionsService, ...others], { clock: () => now });
  return { app, setNow: (instant) => (now = new Date(instant)) };
}

/** Records the history; `afterEach` runs after every command (a test can follow the store with it). */
export async function recordCityHistory(app: TestApp, setNow: (instant: string) => void, afterEach: () => Promise<void> = async () => {}): Promise<CityHistory> {
  const admin = await app.token({ roles: ['admin'], personId: 'person-admin', postId: null, unitId: null });

  async function post(path: string, body: unknown, token: string = admin): Promise<Answer> {
    const response = await app.request<Answer>('post', path, { token, body });
    expect(response.status, `${path}: ${JSON.stringify(response.body)}`).to.equal(201);
    await afterEach();
    return response.body;
  }
  const subjectId = (answer: Answer, key: string): string => {
    const id = answer.subject?.[key];
    if (id === undefined) throw new Error(`no ${key} in ${JSON.stringify(answer)}`);
    return id;
  };
  const eventId = (answer: Answer, type: string): string => {
    const found = answer.events?.find((event) => event.type === type);
    if (found === undefined) throw new Error(`no ${type} in ${JSON.stringify(answer)}`);
    return found.eventId;
  };
  const at = (day: string) => {
    setNow(`${day}T02:00:00.000Z`);
  };

  // ── The organisation chart ──────────────────────────────────────────────────────────────────────────────────
  at('2016-01-05');
  const unit = async (name: string, code: string, kind = 'department') =>
    subjectId(await post('/units', { name, code, kind, establishedOn: '2016-01-01' }), 'unitId');
  const government = await unit('尚志市人民政府', '尚政', 'government');
  const development = await unit('尚志市发展和改革局', '尚发改');
  const legalOffice = await unit('尚志市人民政府法制办公室', '尚法');
  const justice = await unit('尚志市司法局', '尚司');
  const governance = await unit('尚志市社会治理局', '尚治');
  const postIn = async (unitId: string, title: string) => subjectId(await post(`/units/${unitId}/posts`, { title }), 'postId');
  const mayorPost = await postIn(government, '市长');
  const vicePosts = [await postIn(government, '副市长(一)'), await postIn(government, '副市长(二)'), await postIn(government, '副市长(三)')];
  const vicePost4 = await postIn(government, '副市长(四)');
  const directorPost = await postIn(development, '局长');
  const clerkPost = await postIn(development, '科员');
  const reviewerPost = await postIn(legalOffice, '审查员(一)');
  const reviewerPost2 = await postIn(legalOffice, '审查员(二)');
  const justiceReviewerPost = await postIn(justice, '审查员');

  const person = async (name: string) => subjectId(await post('/persons', { name }), 'personId');
  const rotating = await person('王建国');
  const mayor = await person('李市长');
  const members = [await person('张副市长'), await person('刘副市长'), await person('陈副市长')] as const;
  const reviewer = await person('赵审查');
  const clerk = await person('孙科员');
  const successorDirector = await person('周局长');
  const appoint = (personId: string, postId: string, unitId: string, appointedOn: string) =>
    post(`/persons/${personId}/appointments`, { postId, unitId, appointedOn, basis: NOTICE });
  const remove = (personId: string, postId: string, removedOn: string) =>
    post(`/persons/${personId}/removals`, { postId, removedOn, reason: 'rotation', basis: NOTICE });
  await appoint(mayor, mayorPost, government, '2016-01-01');
  for (const [index, member] of members.entries()) await appoint(member, vicePosts[index] ?? '', government, '2016-01-01');
  await appoint(rotating, directorPost, development, '2016-01-01');
  await appoint(clerk, clerkPost, development, '2016-01-01');
  await appoint(reviewer, reviewerPost, legalOffice, '2016-01-01');

  const token = (roles: Role[], personId: string, postId: string, unitId: string) => app.token({ roles, personId, postId, unitId });
  const clerkToken = await token(['clerk'], clerk, clerkPost, development);
  const mayorToken = await token(['head'], mayor, mayorPost, government);

  const conditionalStepsSkipped = {
    publicParticipation: { applies: false, reason: '不涉及群众切身利益', legalGround: '重大行政决策程序暂行条例 第14条' },
    expertArgumentation: { applies: false, reason: '专业性不强', legalGround: '重大行政决策程序暂行条例 第19条' },
    riskAssessment: { applies: false, reason: '不影响社会稳定', legalGround: '重大行政决策程序暂行条例 第22条' },
  };
  async function propose(title: string, proposedBy: string): Promise<string> {
    const answer = await post(
      '/decisions',
      {
        title,
        draftSummary: `${title}(草案)`,
        decisionItem: { listed: true, entryId: 'catalogue-2017' },
        decisionOrganUnitId: government,
        handlingUnits: [{ unitId: development, role: 'lead' }],
        proposedBy,
        conditionalSteps: conditionalStepsSkipped,
      },
      clerkToken,
    );
    return subjectId(answer, 'decisionId');
  }
  async function discuss(decisionId: string, meetingId: string, heldOn: string, opinions: readonly (readonly [string, 'for' | 'against'])[]) {
    at(heldOn);
    await post(
      `/decisions/${decisionId}/meetings`,
      {
        meetingId,
        kind: 'standing',
        heldOn,
        headPersonId: mayor,
        attendance: [{ personId: mayor, present: true }, ...opinions.map(([personId]) => ({ personId, present: true }))],
        materials: { draft: true, opinionHandling: true, riskReport: false, legalityOpinion: true, fairCompetitionReview: false },
        marketsAffected: false,
      },
      clerkToken,
    );
    for (const [memberPersonId, opinion] of opinions) {
      await post(`/decisions/${decisionId}/meetings/${meetingId}/opinions`, { memberPersonId, opinion, statement: opinion === 'for' ? '同意' : '不同意' }, clerkToken);
    }
  }

  // ── D1: proposed by 王建国 while director of 发改局; adopted against the majority ──────────────────────────────
  at('2017-03-01');
  const d1 = await propose('尚志市城区供热价格调整', rotating);
  at('2017-04-10');
  const reviewerToken = await token(['legal-reviewer'], reviewer, reviewerPost, legalOffice);
  await post(
    `/decisions/${d1}/legality-reviews`,
    { form: 'written-review', reviewerPersonIds: [reviewer], startedOn: '2017-04-01', completedOn: '2017-04-10', conclusion: 'lawful', opinion: '未发现违法情形' },
    reviewerToken,
  );
  await discuss(d1, 'standing-2017-05', '2017-05-02', [
    [members[0], 'for'],
    [members[1], 'against'],
    [members[2], 'against'],
  ]);
  const made = await post(
    `/decisions/${d1}/meetings/standing-2017-05/decision`,
    { outcome: 'adopted', decisionText: '同意调价', headReasons: '采暖成本倒挂, 不调价则供热企业难以为继', legalBasis: ['价格法 第23条'] },
    mayorToken,
  );
  const madeEvent = made.events?.[0];
  if (madeEvent === undefined) throw new Error('no decision.made event');

  // ── 王建国 rotates to 法制办; 周局长 succeeds him; 法制办 is renamed ───────────────────────────────────────────────
  at('2017-09-01');
  await remove(rotating, directorPost, '2017-09-01');
  await appoint(rotating, reviewerPost2, legalOffice, '2017-09-01');
  await appoint(successorDirector, directorPost, development, '2017-09-01');
  at('2018-01-02');
  await post(`/units/${legalOffice}/renames`, { name: '尚志市政府法制办', code: '尚法', renamedOn: '2018-01-01', basis: REFORM });
  at('2018-01-15');
  const report = await post(`/decisions/${d1}/implementation-reports`, { responsiblePersonId: successorDirector, reportedOn: '2018-01-15', progress: '已执行, 投诉较多' }, clerkToken);

  // ── D2: reviewed by 王建国 in 法制办 ─────────────────────────────────────────────────────────────────────────
  at('2018-03-01');
  const d2 = await propose('尚志市老旧小区改造', successorDirector);
  at('2018-04-12');
  const rotatingReviewerToken = await token(['legal-reviewer'], rotating, reviewerPost2, legalOffice);
  await post(
    `/decisions/${d2}/legality-reviews`,
    { form: 'written-review', reviewerPersonIds: [rotating], startedOn: '2018-04-02', completedOn: '2018-04-12', conclusion: 'lawful', opinion: '合法' },
    rotatingReviewerToken,
  );
  await discuss(d2, 'standing-2018-05', '2018-05-03', [
    [members[0], 'for'],
    [members[1], 'for'],
    [members[2], 'for'],
  ]);
  await post(`/decisions/${d2}/meetings/standing-2018-05/decision`, { outcome: 'adopted', decisionText: '同意改造' }, mayorToken);

  // ── 王建国 and 赵审查 leave 法制办 before it is merged into 司法局; 王建国 becomes a vice-mayor ───────────────────
  at('2019-02-28');
  await remove(rotating, reviewerPost2, '2019-02-28');
  await remove(reviewer, reviewerPost, '2019-02-28');
  at('2019-03-01');
  await post(`/units/${legalOffice}/mergers`, { successorUnitId: justice, mergedOn: '2019-03-01', basis: REFORM });
  await appoint(rotating, vicePost4, government, '2019-03-01');
  await appoint(reviewer, justiceReviewerPost, justice, '2019-03-01');

  // ── D3: 王建国 votes against, as a vice-mayor ─────────────────────────────────────────────────────────────────
  at('2019-05-06');
  const d3 = await propose('尚志市公交线路调整', successorDirector);
  at('2019-05-20');
  const justiceReviewerToken = await token(['legal-reviewer'], reviewer, justiceReviewerPost, justice);
  await post(
    `/decisions/${d3}/legality-reviews`,
    { form: 'written-review', reviewerPersonIds: [reviewer], startedOn: '2019-05-08', completedOn: '2019-05-20', conclusion: 'lawful', opinion: '合法' },
    justiceReviewerToken,
  );
  await discuss(d3, 'standing-2019-06', '2019-06-04', [
    [members[0], 'for'],
    [members[1], 'for'],
    [rotating, 'against'],
  ]);
  await post(`/decisions/${d3}/meetings/standing-2019-06/decision`, { outcome: 'adopted', decisionText: '同意调整' }, mayorToken);

  // ── D1 evaluated and revoked, after its proposer moved twice ──────────────────────────────────────────────────
  const evaluator = 'person-evaluator-outside';
  at('2019-09-02');
  const evaluation = await post(
    `/decisions/${d1}/evaluations`,
    {
      trigger: 'many-opinions',
      evaluatorPersonIds: [evaluator],
      completedOn: '2019-09-01',
      conclusion: '群众负担过重',
      recommendation: 'revoke',
      inResponseTo: [eventId(report, 'decision.implementationReported.v1')],
    },
    clerkToken,
  );
  at('2019-10-08');
  const revocation = await post(
    `/decisions/${d1}/revocations`,
    { revokedOn: '2019-10-08', reasons: '评估建议撤销', inResponseTo: [eventId(evaluation, 'decision.evaluated.v1')] },
    mayorToken,
  );

  // ── 司法局 merged into 社会治理局; 王建国 retires ───────────────────────────────────────────────────────────────
  at('2022-01-04');
  await post(`/units/${justice}/mergers`, { successorUnitId: governance, mergedOn: '2022-01-01', basis: REFORM });
  at('2023-01-03');
  await post(`/persons/${rotating}/retirement`, { retiredOn: '2023-01-01', basis: '退休审批表' });

  return {
    app,
    units: { government, development, legalOffice, justice, governance },
    persons: { rotating, mayor, members, reviewer, clerk, successorDirector },
    evaluator,
    decisions: { d1, d2, d3 },
    events: {
      d1Report: eventId(report, 'decision.implementationReported.v1'),
      d1Evaluation: eventId(evaluation, 'decision.evaluated.v1'),
      d1Revocation: eventId(revocation, 'decision.revoked.v1'),
      d1Made: madeEvent.eventId,
    },
    afterD1Made: { position: madeEvent.position, recordedAt: madeEvent.recordedAt },
  };
}
