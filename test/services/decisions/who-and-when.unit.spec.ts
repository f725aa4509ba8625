import { expect } from 'chai';
import { DateAfterToday, ReviewerProposedDecision, decisionDecider } from '@quanze/decisions';
import type { DecisionCommand, DecisionEvent, RecordLegalityReview, StateLegalRisk } from '@quanze/decisions';
import type { Actor } from '@quanze/events';
import { NotPermitted, StepOutOfOrder } from '@quanze/service-kit';
import { given } from '../../support/decider.js';
import {
  DECISION_ID,
  HEAD,
  MEMBERS,
  commentPeriodOpened,
  convened,
  drafted,
  expertOpinionSigned,
  head,
  implementationReported,
  inForce,
  leadClerk,
  leadHead,
  legalReviewer,
  legalRiskStated,
  legalityReviewed,
  otherHead,
  proposed,
  riskAssessed,
} from './fixtures.js';

/** deciderNow is 2026-03-02T09:00Z: 2026-03-02 in China. */
const TOMORROW = '2026-03-03';

function reviewCommand(overrides: Partial<RecordLegalityReview> = {}): RecordLegalityReview {
  return {
    type: 'RecordLegalityReview',
    decisionId: DECISION_ID,
    form: 'written-review',
    reviewerPersonIds: [legalReviewer.personId],
    startedOn: '2017-06-01',
    completedOn: '2017-06-09',
    conclusion: 'lawful',
    opinion: '未发现违法情形',
    opinionSha256: null,
    ...overrides,
  };
}

function statementCommand(statedOn = '2017-06-10'): StateLegalRisk {
  return { type: 'StateLegalRisk', decisionId: DECISION_ID, legalRiskStatement: legalRiskStated().data.legalRiskStatement, statedOn };
}

function conveneCommand(heldOn: string): DecisionCommand {
  const { decisionId: _decisionId, legality: _legality, ...fields } = convened().data;
  return {
    type: 'ConveneCollectiveDiscussion',
    decisionId: DECISION_ID,
    ...fields,
    heldOn,
    attendance: fields.attendance.map((line) => ({ ...line })),
    materials: { ...fields.materials },
  };
}

const suspendedEvent = {
  type: 'decision.suspended.v1',
  data: { decisionId: DECISION_ID, decidedBy: HEAD, suspendedOn: '2018-06-10', reasons: '中止', inResponseTo: [] },
} as const satisfies DecisionEvent;

/** Every step with a date of its own: done by the right person at the right stage, but dated tomorrow. */
const datedSteps: readonly { step: string; field: string; history: readonly DecisionEvent[]; actor: Actor; command: DecisionCommand }[] = [
  {
    step: 'a comment period',
    field: 'openedOn',
    history: [proposed],
    actor: leadClerk,
    command: { type: 'OpenCommentPeriod', decisionId: DECISION_ID, channel: 'website', reference: 'r', openedOn: TOMORROW, closesOn: '2026-04-30', shortPeriodReason: null },
  },
  {
    step: 'a hearing',
    field: 'heldOn',
    history: [proposed],
    actor: leadClerk,
    command: { type: 'RecordHearing', decisionId: DECISION_ID, heldOn: TOMORROW, materialsSentOn: '2026-02-20', presidedBy: 'person-host', participantCount: 20, signatoryCount: 20, recordSha256: null },
  },
  {
    step: 'a hearing',
    field: 'materialsSentOn',
    history: [proposed],
    actor: leadClerk,
    command: { type: 'RecordHearing', decisionId: DECISION_ID, heldOn: '2026-03-01', materialsSentOn: TOMORROW, presidedBy: 'person-host', participantCount: 20, signatoryCount: 20, recordSha256: null },
  },
  {
    step: 'an expert opinion',
    field: 'signedOn',
    history: [proposed],
    actor: leadClerk,
    command: { ...expertOpinionSigned.data, type: 'RecordExpertOpinion', signed: true, signedOn: TOMORROW, conflictOfInterest: { ...expertOpinionSigned.data.conflictOfInterest } },
  },
  {
    step: 'a risk assessment',
    field: 'completedOn',
    history: [proposed],
    actor: leadClerk,
    command: { ...riskAssessed.data, type: 'RecordRiskAssessment', assessorPersonIds: ['person-assessor-1'], completedOn: TOMORROW },
  },
  { step: 'a legality review', field: 'completedOn', history: [proposed], actor: legalReviewer, command: reviewCommand({ completedOn: TOMORROW }) },
  { step: 'a legality review', field: 'startedOn', history: [proposed], actor: legalReviewer, command: reviewCommand({ startedOn: TOMORROW, completedOn: TOMORROW }) },
  { step: 'a legal-risk statement', field: 'statedOn', history: [proposed], actor: head, command: statementCommand(TOMORROW) },
  { step: 'a meeting', field: 'heldOn', history: drafted, actor: leadClerk, command: conveneCommand(TOMORROW) },
  {
    step: 'a publication',
    field: 'publishedOn',
    history: inForce,
    actor: leadClerk,
    command: { type: 'PublishDecision', decisionId: DECISION_ID, channel: 'gazette', reference: 'r', publishedOn: TOMORROW, opinionAdoption: '采纳' },
  },
  {
    step: 'an implementation report',
    field: 'reportedOn',
    history: inForce,
    actor: leadClerk,
    command: { type: 'ReportImplementation', decisionId: DECISION_ID, responsiblePersonId: 'person-director-fgj', reportedOn: TOMORROW, progress: '已执行', problems: null },
  },
  {
    step: 'an evaluation',
    field: 'completedOn',
    history: [...inForce, implementationReported],
    actor: leadClerk,
    command: {
      type: 'EvaluateDecision',
      decisionId: DECISION_ID,
      trigger: 'many-opinions',
      evaluatorPersonIds: ['person-evaluator'],
      evaluatingOrganisationId: null,
      completedOn: TOMORROW,
      conclusion: '负担偏重',
      recommendation: 'adjust',
      reportSha256: null,
      causes: [],
    },
  },
  { step: 'a suspension', field: 'suspendedOn', history: inForce, actor: head, command: { type: 'SuspendDecision', decisionId: DECISION_ID, suspendedOn: TOMORROW, reasons: '中止', causes: [] } },
  {
    step: 'a resumption',
    field: 'resumedOn',
    history: [...inForce, suspendedEvent],
    actor: head,
    command: { type: 'ResumeDecision', decisionId: DECISION_ID, resumedOn: TOMORROW, reasons: '恢复', causes: [] },
  },
  {
    step: 'a revocation',
    field: 'revokedOn',
    history: inForce,
    actor: head,
    command: { type: 'RevokeDecision', decisionId: DECISION_ID, revokedOn: TOMORROW, reasons: '撤销', meetingId: null, causes: [] },
  },
];

/** The event each dated step records. */
const eventOf: Partial<Record<DecisionCommand['type'], DecisionEvent['type']>> = {
  OpenCommentPeriod: 'decision.commentPeriodOpened.v1',
  RecordHearing: 'decision.hearingHeld.v1',
  RecordExpertOpinion: 'decision.expertOpinionSigned.v1',
  RecordRiskAssessment: 'decision.riskAssessed.v1',
  RecordLegalityReview: 'decision.legalityReviewed.v1',
  StateLegalRisk: 'decision.legalRiskStated.v1',
  ConveneCollectiveDiscussion: 'decision.collectiveDiscussionConvened.v1',
  PublishDecision: 'decision.published.v1',
  ReportImplementation: 'decision.implementationReported.v1',
  EvaluateDecision: 'decision.evaluated.v1',
  SuspendDecision: 'decision.suspended.v1',
  ResumeDecision: 'decision.resumed.v1',
  RevokeDecision: 'decision.revoked.v1',
};

describe('decisions: who records a step, and when it can have happened', () => {
  describe('the legality review is recorded by its reviewer (第25条)', () => {
    it('is refused to a legal reviewer who records a review naming only others', () => {
      given(decisionDecider, [proposed])
        .when(reviewCommand({ reviewerPersonIds: ['person-reviewer-2'] }), { actor: legalReviewer })
        .thenThrows(NotPermitted, { fields: [['reviewerPersonIds']] });
    });

    it('accepts a review by several reviewers, the caller among them', () => {
      given(decisionDecider, [proposed])
        .when(reviewCommand({ reviewerPersonIds: ['person-reviewer-2', legalReviewer.personId] }), { actor: legalReviewer })
        .thenTypes('decision.legalityReviewed.v1');
    });

    it('rejects the person who proposed the decision among the reviewers', () => {
      const proposer = { ...legalReviewer, personId: proposed.data.proposedBy };
      given(decisionDecider, [proposed])
        .when(reviewCommand({ reviewerPersonIds: [proposer.personId] }), { actor: proposer })
        .thenThrows(ReviewerProposedDecision, { personId: proposed.data.proposedBy, article: '重大行政决策程序暂行条例 第25条', fields: [['reviewerPersonIds', 0]] });
    });
  });

  describe('the exploratory-reform legal-risk statement (探索性改革, 第25条)', () => {
    const beforeReview: readonly DecisionEvent[] = [proposed, commentPeriodOpened, expertOpinionSigned, riskAssessed];

    it('is recorded with the head of the decision organ who made it as statedBy', () => {
      given(decisionDecider, beforeReview).when(statementCommand(), { actor: head }).then([legalRiskStated('2017-06-10', HEAD)]);
    });

    it('is recorded for any head of the decision organ, in person', () => {
      const member = { personId: MEMBERS[0], postId: 'post-vice-mayor-1', unitId: head.unitId };
      given(decisionDecider, beforeReview).when(statementCommand(), { actor: member }).then([legalRiskStated('2017-06-10', MEMBERS[0])]);
    });

    it('is refused to the head of the lead handling unit', () => {
      given(decisionDecider, beforeReview).when(statementCommand(), { actor: leadHead }).thenThrows(NotPermitted);
    });

    it('is refused to a head of a unit not involved', () => {
      given(decisionDecider, beforeReview).when(statementCommand(), { actor: otherHead }).thenThrows(NotPermitted);
    });

    it('is refused to a clerk of the lead handling unit', () => {
      given(decisionDecider, beforeReview).when(statementCommand(), { actor: leadClerk }).thenThrows(NotPermitted);
    });

    it('is refused once the decision is taken', () => {
      given(decisionDecider, inForce).when(statementCommand(), { actor: head }).thenThrows(StepOutOfOrder);
    });

    it('does not outlive a later review: a review found unlawful after it needs a new statement', () => {
      expect(given(decisionDecider, [...beforeReview, legalRiskStated(), legalityReviewed('unlawful')]).state.legalRiskStatement).to.equal(null);
      expect(given(decisionDecider, [...beforeReview, legalRiskStated()]).state.legalRiskStatement).to.deep.include({ statedBy: HEAD });
    });
  });

  describe('a step dated after today (in China)', () => {
    for (const { step, field, history, actor, command } of datedSteps) {
      it(`rejects ${step} whose ${field} is after today`, () => {
        given(decisionDecider, history).when(command, { actor }).thenThrows(DateAfterToday, { date: TOMORROW, today: '2026-03-02', fields: [[field]] });
      });
    }

    it('accepts the same steps dated today', () => {
      for (const { history, actor, command } of datedSteps) {
        const today = JSON.parse(JSON.stringify(command).replaceAll(TOMORROW, '2026-03-02')) as DecisionCommand;
        const type = eventOf[today.type];
        if (type === undefined) throw new Error(`no dated step ${today.type}`);
        given(decisionDecider, history).when(today, { actor }).thenTypes(type);
      }
    });

    it('counts today in China: at 01:00 in Beijing the new day has begun, though it is still yesterday in UTC', () => {
      given(decisionDecider, drafted)
        .when(conveneCommand(TOMORROW), { actor: leadClerk, now: '2026-03-02T17:00:00.000Z' })
        .thenTypes('decision.collectiveDiscussionConvened.v1');
      given(decisionDecider, drafted)
        .when(conveneCommand(TOMORROW), { actor: leadClerk, now: '2026-03-02T15:59:59.000Z' })
        .thenThrows(DateAfterToday, { today: '2026-03-02' });
    });
  });
});
