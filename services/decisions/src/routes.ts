import { z } from 'zod';
import { RecordedEvent } from '@quanze/events';
import type { EventStore } from '@quanze/eventstore';
import { NotPermitted, SubjectNotFound, accepted, defineRoute, ok } from '@quanze/service-kit';
import type { Audience, RouteDefinition, ServiceModule } from '@quanze/service-kit';
import {
  ConveneCollectiveDiscussionBody,
  DecisionParams,
  EvaluateDecisionBody,
  MakeDecisionBody,
  MeetingParams,
  OpenCommentPeriodBody,
  ProposeDecisionBody,
  PublishDecisionBody,
  RecordCommentHandlingBody,
  RecordDisagreementBody,
  RecordExpertOpinionBody,
  RecordHearingBody,
  RecordLegalityReviewBody,
  RecordMemberOpinionBody,
  RecordRiskAssessmentBody,
  ReportImplementationBody,
  ResumeDecisionBody,
  ReviseStepApplicabilityBody,
  RevokeDecisionBody,
  StateLegalRiskBody,
  SuspendDecisionBody,
  createDecisionCommands,
  decisionStreamId,
} from './commands.js';
import { viewFor } from './dossier.js';
import { decisionErrorStatuses } from './errors.js';

/** Who may call each kind of route; finer checks (this decision's units, its organ, its head) are the decider's. */
const HANDLING_CLERK: readonly Audience[] = ['clerk'];
const HEAD: readonly Audience[] = ['head'];
const READERS: readonly Audience[] = ['public'];

/** 重大行政决策: the routes of services/decisions. */
export function createDecisionsService(deps: { store: EventStore; clock?: () => Date }): ServiceModule {
  const commands = createDecisionCommands(deps);

  const routes: RouteDefinition[] = [
    defineRoute({
      method: 'post',
      path: '/decisions',
      operationId: 'proposeDecision',
      summary: 'Propose a major administrative decision (决策启动), with its handling units and the conditional steps',
      kind: 'command',
      allow: HANDLING_CLERK,
      body: ProposeDecisionBody,
      async handle({ body, meta, newSubjectId }) {
        const decisionId = newSubjectId();
        return accepted(await commands.execute({ type: 'ProposeDecision', decisionId, ...body }, meta), { decisionId });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/decisions/:decisionId/step-applicability',
      operationId: 'reviseStepApplicability',
      summary: 'Revise whether a conditional step applies (第14、19、22条); legality review and discussion always do',
      kind: 'command',
      allow: HANDLING_CLERK,
      params: DecisionParams,
      body: ReviseStepApplicabilityBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.execute({ type: 'ReviseStepApplicability', ...params, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/decisions/:decisionId/disagreements',
      operationId: 'recordDecisionDisagreement',
      summary: 'Record a disagreement between units with each side’s view (第13条)',
      kind: 'command',
      allow: HANDLING_CLERK,
      params: DecisionParams,
      body: RecordDisagreementBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.execute({ type: 'RecordDisagreement', ...params, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/decisions/:decisionId/comment-periods',
      operationId: 'openDecisionCommentPeriod',
      summary: 'Open a public comment period (公开征求意见, 第15条)',
      kind: 'command',
      allow: HANDLING_CLERK,
      params: DecisionParams,
      body: OpenCommentPeriodBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.execute({ type: 'OpenCommentPeriod', ...params, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/decisions/:decisionId/hearings',
      operationId: 'recordDecisionHearing',
      summary: 'Record a hearing (听证, 第16、17条)',
      kind: 'command',
      allow: HANDLING_CLERK,
      params: DecisionParams,
      body: RecordHearingBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.execute({ type: 'RecordHearing', ...params, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/decisions/:decisionId/comment-handling',
      operationId: 'recordDecisionCommentHandling',
      summary: 'Record how the comments of the latest comment period were answered (意见采纳情况)',
      kind: 'command',
      allow: HANDLING_CLERK,
      params: DecisionParams,
      body: RecordCommentHandlingBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.execute({ type: 'RecordCommentHandling', ...params, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/decisions/:decisionId/expert-opinions',
      operationId: 'recordDecisionExpertOpinion',
      summary: 'Record an expert’s signed opinion and conflict-of-interest declaration (专家论证, 第19、20条)',
      kind: 'command',
      allow: HANDLING_CLERK,
      params: DecisionParams,
      body: RecordExpertOpinionBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.execute({ type: 'RecordExpertOpinion', ...params, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/decisions/:decisionId/risk-assessments',
      operationId: 'recordDecisionRiskAssessment',
      summary: 'Record a risk assessment (风险评估, 第22–24条)',
      kind: 'command',
      allow: HANDLING_CLERK,
      params: DecisionParams,
      body: RecordRiskAssessmentBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.execute({ type: 'RecordRiskAssessment', ...params, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/decisions/:decisionId/legality-reviews',
      operationId: 'recordDecisionLegalityReview',
      summary: 'Record the written legality review (合法性审查, 第25–28条)',
      kind: 'command',
      allow: ['legal-reviewer'],
      params: DecisionParams,
      body: RecordLegalityReviewBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.execute({ type: 'RecordLegalityReview', ...params, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/decisions/:decisionId/legal-risk-statements',
      operationId: 'stateDecisionLegalRisk',
      summary: 'A head of the decision organ states the legal risk of an exploratory reform (探索性改革, 明示法律风险, 第25条)',
      kind: 'command',
      allow: HEAD,
      params: DecisionParams,
      body: StateLegalRiskBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.execute({ type: 'StateLegalRisk', ...params, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/decisions/:decisionId/meetings',
      operationId: 'conveneDecisionMeeting',
      summary: 'Convene the collective discussion (集体讨论, 第29、30条): attendance and materials; needs a passed legality review or a legal-risk statement',
      kind: 'command',
      allow: HANDLING_CLERK,
      params: DecisionParams,
      body: ConveneCollectiveDiscussionBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.execute({ type: 'ConveneCollectiveDiscussion', ...params, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/decisions/:decisionId/meetings/:meetingId/opinions',
      operationId: 'recordDecisionMemberOpinion',
      summary: 'Record one member’s opinion at the meeting, as given (第30条): by the member or by the minute-taker',
      kind: 'command',
      allow: ['clerk', 'head'],
      params: MeetingParams,
      body: RecordMemberOpinionBody,
      async handle({ params, body, meta, caller }) {
        // Only token holders pass this route's role check; the guard is for the compiler.
        if (caller === null) throw new NotPermitted('a member’s opinion is recorded by a signed-in person');
        return accepted(await commands.recordMemberOpinion(caller, { type: 'RecordMemberOpinion', ...params, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/decisions/:decisionId/meetings/:meetingId/decision',
      operationId: 'makeDecision',
      summary: 'The head decides, last, after every member present has spoken (第30条): decision.made.v1',
      kind: 'command',
      allow: HEAD,
      params: MeetingParams,
      body: MakeDecisionBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.execute({ type: 'MakeDecision', ...params, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/decisions/:decisionId/publications',
      operationId: 'publishDecision',
      summary: 'Record the publication of an adopted decision, with how opinions were adopted (第31条)',
      kind: 'command',
      allow: HANDLING_CLERK,
      params: DecisionParams,
      body: PublishDecisionBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.execute({ type: 'PublishDecision', ...params, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/decisions/:decisionId/implementation-reports',
      operationId: 'reportDecisionImplementation',
      summary: 'Record an implementation report (决策执行情况, 第34、35条)',
      kind: 'command',
      allow: HANDLING_CLERK,
      params: DecisionParams,
      body: ReportImplementationBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.execute({ type: 'ReportImplementation', ...params, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/decisions/:decisionId/evaluations',
      operationId: 'evaluateDecision',
      summary: 'Record a post-decision evaluation (决策后评估, 第36条) by someone who did not assess it before',
      kind: 'command',
      allow: HANDLING_CLERK,
      params: DecisionParams,
      body: EvaluateDecisionBody,
      async handle({ params, body, meta }) {
        const { inResponseTo, ...rest } = body;
        const causes = await commands.causesOf(params.decisionId, inResponseTo);
        return accepted(await commands.execute({ type: 'EvaluateDecision', ...params, ...rest, causes }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/decisions/:decisionId/suspensions',
      operationId: 'suspendDecision',
      summary: 'The decision organ’s head suspends the decision (中止执行, 第37条), with reasons',
      kind: 'command',
      allow: HEAD,
      params: DecisionParams,
      body: SuspendDecisionBody,
      async handle({ params, body, meta }) {
        const { inResponseTo, ...rest } = body;
        const causes = await commands.causesOf(params.decisionId, inResponseTo);
        return accepted(await commands.execute({ type: 'SuspendDecision', ...params, ...rest, causes }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/decisions/:decisionId/resumptions',
      operationId: 'resumeDecision',
      summary: 'The decision organ’s head resumes a suspended decision (恢复执行), with reasons',
      kind: 'command',
      allow: HEAD,
      params: DecisionParams,
      body: ResumeDecisionBody,
      async handle({ params, body, meta }) {
        const { inResponseTo, ...rest } = body;
        const causes = await commands.causesOf(params.decisionId, inResponseTo);
        return accepted(await commands.execute({ type: 'ResumeDecision', ...params, ...rest, causes }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/decisions/:decisionId/revocations',
      operationId: 'revokeDecision',
      summary: 'The decision organ’s head revokes the decision (撤销 / 停止执行, 第37条), with reasons',
      kind: 'command',
      allow: HEAD,
      params: DecisionParams,
      body: RevokeDecisionBody,
      async handle({ params, body, meta }) {
        const { inResponseTo, ...rest } = body;
        const causes = await commands.causesOf(params.decisionId, inResponseTo);
        return accepted(await commands.execute({ type: 'RevokeDecision', ...params, ...rest, causes }, meta));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/decisions/:decisionId',
      operationId: 'getDecision',
      summary: 'A decision with every step and who did it, for those who took part and supervision; others see the published parts once published',
      kind: 'query',
      allow: READERS,
      params: DecisionParams,
      async handle({ params, caller }) {
        const { events } = await commands.handler.load(decisionStreamId(params.decisionId));
        return ok(viewFor(caller, params.decisionId, events));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/decisions/:decisionId/events',
      operationId: 'getDecisionEvents',
      summary: 'The decision’s archive (决策档案, 第32、33条): every event as recorded, for supervision',
      kind: 'query',
      allow: ['supervision'],
      params: DecisionParams,
      response: z.object({ decisionId: z.string(), events: z.array(RecordedEvent) }),
      async handle({ params }) {
        const { events } = await commands.handler.load(decisionStreamId(params.decisionId));
        if (events.length === 0) throw new SubjectNotFound(`decision ${params.decisionId}`);
        return ok({ decisionId: params.decisionId, events });
      },
    }),
  ];

  return {
    name: 'decisions',
    description: '重大行政决策: major administrative decisions, from proposal to revocation (重大行政决策程序暂行条例, 国务院令第713号)',
    routes,
    errorStatuses: decisionErrorStatuses,
  };
}
