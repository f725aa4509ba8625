import {
  CauseNotAnswerable,
  CauseNotFound,
  EvaluatorNotIndependent,
  decisionDecider,
} from '@quanze/decisions';
import type { DecisionEvent, EvaluateDecision, PublishDecision, RevokeDecision, SuspendDecision } from '@quanze/decisions';
import { NotPermitted, StepOutOfOrder } from '@quanze/service-kit';
import { given } from '../../support/decider.js';
import {
  DECISION_ID,
  LEAD_UNIT,
  discussed,
  head,
  implementationReported,
  inForce,
  leadClerk,
  made,
  otherClerk,
  otherHead,
  published,
} from './fixtures.js';

const asLead = { actor: leadClerk };
const asHead = { actor: head };
const REPORT_EVENT = '0193f0b4-7c1e-7b3a-9d2e-1a2b3c4d5e01';
const EVALUATION_EVENT = '0193f0b4-7c1e-7b3a-9d2e-1a2b3c4d5e02';
const SUSPENSION_EVENT = '0193f0b4-7c1e-7b3a-9d2e-1a2b3c4d5e03';

const publishCommand: PublishDecision = {
  type: 'PublishDecision',
  decisionId: DECISION_ID,
  channel: 'gazette',
  reference: '尚志市人民政府公报 2017年第6期',
  publishedOn: '2017-06-20',
  opinionAdoption: '采纳公众意见12条,专家意见3条',
};

function evaluateCommand(overrides: Partial<EvaluateDecision> = {}): EvaluateDecision {
  return {
    type: 'EvaluateDecision',
    decisionId: DECISION_ID,
    trigger: 'many-opinions',
    evaluatorPersonIds: ['person-evaluator'],
    evaluatingOrganisationId: 'org-university',
    completedOn: '2018-06-01',
    conclusion: '低收入家庭负担偏重',
    recommendation: 'adjust',
    reportSha256: null,
    causes: [{ eventId: REPORT_EVENT, type: 'decision.implementationReported.v1' }],
    ...overrides,
  };
}

function suspendCommand(overrides: Partial<SuspendDecision> = {}): SuspendDecision {
  return {
    type: 'SuspendDecision',
    decisionId: DECISION_ID,
    suspendedOn: '2018-06-10',
    reasons: '评估发现低收入家庭负担过重',
    causes: [{ eventId: EVALUATION_EVENT, type: 'decision.evaluated.v1' }],
    ...overrides,
  };
}

const revokeCommand: RevokeDecision = {
  type: 'RevokeDecision',
  decisionId: DECISION_ID,
  revokedOn: '2018-09-01',
  reasons: '调价方案不可行',
  meetingId: 'standing-2018-20',
  causes: [{ eventId: SUSPENSION_EVENT, type: 'decision.suspended.v1' }],
};

const suspended = {
  type: 'decision.suspended.v1',
  data: {
    decisionId: DECISION_ID,
    decidedBy: head.personId,
    suspendedOn: '2018-06-10',
    reasons: '评估发现低收入家庭负担过重',
    inResponseTo: [EVALUATION_EVENT],
  },
} as const satisfies DecisionEvent;

describe('decisions: publication, implementation, evaluation, suspension and revocation', () => {
  describe('publication (第31条)', () => {
    it('records where and when an adopted decision was published, with how opinions were adopted', () => {
      given(decisionDecider, inForce).when(publishCommand, asLead).then([published]);
    });

    it('rejects publishing before the decision', () => {
      given(decisionDecider, discussed).when(publishCommand, asLead).thenThrows(StepOutOfOrder);
    });

    it('rejects publishing a decision the meeting did not adopt', () => {
      given(decisionDecider, [...discussed, { ...made('not-adopted') }]).when(publishCommand, asLead).thenThrows(StepOutOfOrder);
    });

    it('is not recorded by a clerk of a unit that does not handle the decision', () => {
      given(decisionDecider, inForce).when(publishCommand, { actor: otherClerk }).thenThrows(NotPermitted);
    });
  });

  describe('implementation reports (第34、35条)', () => {
    it('records the report with the reporting unit and the person who answers for it', () => {
      const { decisionId: _decisionId, reportingUnitId: _unit, ...fields } = implementationReported.data;
      given(decisionDecider, inForce)
        .when({ type: 'ReportImplementation', decisionId: DECISION_ID, ...fields }, asLead)
        .then([implementationReported]);
    });

    it('rejects a report on a decision not in force', () => {
      const { decisionId: _decisionId, reportingUnitId: _unit, ...fields } = implementationReported.data;
      given(decisionDecider, discussed).when({ type: 'ReportImplementation', decisionId: DECISION_ID, ...fields }, asLead).thenThrows(StepOutOfOrder);
    });
  });

  describe('post-decision evaluation (第36条)', () => {
    it('records an evaluation by someone who did not argue or assess the matter before, with what prompted it', () => {
      given(decisionDecider, [...inForce, implementationReported])
        .when(evaluateCommand(), asLead)
        .then([
          {
            type: 'decision.evaluated.v1',
            data: {
              decisionId: DECISION_ID,
              trigger: 'many-opinions',
              evaluatorPersonIds: ['person-evaluator'],
              evaluatingOrganisationId: 'org-university',
              completedOn: '2018-06-01',
              conclusion: '低收入家庭负担偏重',
              recommendation: 'adjust',
              reportSha256: null,
              inResponseTo: [REPORT_EVENT],
            },
          },
        ]);
    });

    it('rejects an evaluator who did the pre-decision risk assessment', () => {
      given(decisionDecider, inForce)
        .when(evaluateCommand({ evaluatorPersonIds: ['person-evaluator', 'person-assessor-2'] }), asLead)
        .thenThrows(EvaluatorNotIndependent, {
          evaluatorId: 'person-assessor-2',
          article: '重大行政决策程序暂行条例 第36条',
          fields: [['evaluatorPersonIds', 1]],
        });
    });

    it('rejects the body that did the pre-decision risk assessment', () => {
      given(decisionDecider, inForce)
        .when(evaluateCommand({ evaluatingOrganisationId: 'org-stability-center' }), asLead)
        .thenThrows(EvaluatorNotIndependent, { evaluatorId: 'org-stability-center', fields: [['evaluatingOrganisationId']] });
    });

    it('rejects an expert who argued the matter before the decision', () => {
      given(decisionDecider, inForce)
        .when(evaluateCommand({ evaluatorPersonIds: ['person-expert-price'] }), asLead)
        .thenThrows(EvaluatorNotIndependent, { evaluatorId: 'person-expert-price' });
    });

    it('rejects a cause that is not in the decision’s record', () => {
      given(decisionDecider, inForce)
        .when(evaluateCommand({ causes: [{ eventId: REPORT_EVENT, type: null }] }), asLead)
        .thenThrows(CauseNotFound, { eventId: REPORT_EVENT, fields: [['inResponseTo', 0]] });
    });

    it('rejects a cause an evaluation cannot answer', () => {
      given(decisionDecider, inForce)
        .when(evaluateCommand({ causes: [{ eventId: REPORT_EVENT, type: 'decision.published.v1' }] }), asLead)
        .thenThrows(CauseNotAnswerable, { type: 'decision.published.v1' });
    });

    it('rejects an evaluation before the decision is in force', () => {
      given(decisionDecider, discussed).when(evaluateCommand(), asLead).thenThrows(StepOutOfOrder);
    });
  });

  describe('suspension, resumption and revocation (第37条)', () => {
    it('records a suspension with the head who decided it, the reasons and what prompted it', () => {
      given(decisionDecider, inForce).when(suspendCommand(), asHead).then([suspended]);
    });

    it('is not decided by the head of another unit than the decision organ', () => {
      given(decisionDecider, inForce).when(suspendCommand(), { actor: otherHead }).thenThrows(NotPermitted);
    });

    it('rejects a suspension answering an event it cannot answer', () => {
      given(decisionDecider, inForce)
        .when(suspendCommand({ causes: [{ eventId: SUSPENSION_EVENT, type: 'decision.memberOpinionGiven.v1' }] }), asHead)
        .thenThrows(CauseNotAnswerable, { fields: [['inResponseTo', 0]] });
    });

    it('rejects suspending a suspended decision', () => {
      given(decisionDecider, [...inForce, suspended]).when(suspendCommand(), asHead).thenThrows(StepOutOfOrder);
    });

    it('resumes a suspended decision, answering the suspension', () => {
      given(decisionDecider, [...inForce, suspended])
        .when(
          {
            type: 'ResumeDecision',
            decisionId: DECISION_ID,
            resumedOn: '2018-07-01',
            reasons: '补贴方案已落实',
            causes: [{ eventId: SUSPENSION_EVENT, type: 'decision.suspended.v1' }],
          },
          asHead,
        )
        .then([
          {
            type: 'decision.resumed.v1',
            data: { decisionId: DECISION_ID, decidedBy: head.personId, resumedOn: '2018-07-01', reasons: '补贴方案已落实', inResponseTo: [SUSPENSION_EVENT] },
          },
        ]);
    });

    it('rejects resuming a decision that is not suspended', () => {
      given(decisionDecider, inForce)
        .when({ type: 'ResumeDecision', decisionId: DECISION_ID, resumedOn: '2018-07-01', reasons: '无', causes: [] }, asHead)
        .thenThrows(StepOutOfOrder);
    });

    it('revokes a suspended decision with the reasons, who decided and the meeting', () => {
      given(decisionDecider, [...inForce, suspended])
        .when(revokeCommand, asHead)
        .then([
          {
            type: 'decision.revoked.v1',
            data: {
              decisionId: DECISION_ID,
              decidedBy: head.personId,
              revokedOn: '2018-09-01',
              reasons: '调价方案不可行',
              meetingId: 'standing-2018-20',
              inResponseTo: [SUSPENSION_EVENT],
            },
          },
        ]);
    });

    it('rejects revoking twice', () => {
      const revoked = {
        type: 'decision.revoked.v1',
        data: { decisionId: DECISION_ID, decidedBy: head.personId, revokedOn: '2018-09-01', reasons: '不可行', meetingId: null, inResponseTo: [] },
      } as const satisfies DecisionEvent;
      given(decisionDecider, [...inForce, revoked]).when(revokeCommand, asHead).thenThrows(StepOutOfOrder);
    });

    it('accepts no more implementation reports after revocation', () => {
      const revoked = {
        type: 'decision.revoked.v1',
        data: { decisionId: DECISION_ID, decidedBy: head.personId, revokedOn: '2018-09-01', reasons: '不可行', meetingId: null, inResponseTo: [] },
      } as const satisfies DecisionEvent;
      const { decisionId: _decisionId, reportingUnitId: _unit, ...fields } = implementationReported.data;
      given(decisionDecider, [...inForce, revoked])
        .when({ type: 'ReportImplementation', decisionId: DECISION_ID, ...fields }, { actor: { ...leadClerk, unitId: LEAD_UNIT } })
        .thenThrows(StepOutOfOrder);
    });
  });
});
