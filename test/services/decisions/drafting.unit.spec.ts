import {
  CommentSeekingIsNotReview,
  DecisionItemUnexplained,
  DisagreementNeedsTwoUnits,
  ExactlyOneLeadUnitRequired,
  ExpertHasDirectInterest,
  ExpertOpinionUnsigned,
  HandlingUnitRepeated,
  LeadUnitViewRequired,
  LegalGroundRequired,
  NotAdoptedWithoutReasons,
  StepAlwaysApplies,
  StepNotApplicable,
  decisionDecider,
} from '@quanze/decisions';
import type { DecisionEvent, ProposeDecision, RecordExpertOpinion, RecordLegalityReview } from '@quanze/decisions';
import { NotPermitted, StepOutOfOrder, SubjectNotFound } from '@quanze/service-kit';
import { given } from '../../support/decider.js';
import {
  COOPERATING_UNIT,
  DECISION_ID,
  LEAD_UNIT,
  OTHER_UNIT,
  commentPeriodOpened,
  cooperatingClerk,
  expertOpinionSigned,
  leadClerk,
  legalReviewer,
  otherClerk,
  proposeCommand,
  proposed,
  riskAssessed,
} from './fixtures.js';

const asLead = { actor: leadClerk };

function proposal(overrides: Partial<ProposeDecision>): ProposeDecision {
  return { ...proposeCommand, ...overrides };
}

const skipExperts = {
  type: 'decision.stepApplicabilityRevised.v1',
  data: {
    decisionId: DECISION_ID,
    step: 'expertArgumentation',
    determination: { applies: false, reason: '不涉及专业技术问题', legalGround: '重大行政决策程序暂行条例 第19条' },
  },
} as const satisfies DecisionEvent;

describe('decisions: from proposal to legality review', () => {
  describe('proposing a decision (第3、11条)', () => {
    it('records the proposal with its list entry, its one lead unit and the cooperating ones', () => {
      given(decisionDecider).when(proposeCommand, asLead).then([proposed]);
    });

    it('accepts a matter not on the list of decision items when it says why', () => {
      given(decisionDecider).when(proposal({ decisionItem: { listed: false, reason: '年中新增的紧急事项' } }), asLead).then([
        { ...proposed, data: { ...proposed.data, decisionItem: { listed: false, reason: '年中新增的紧急事项' } } },
      ]);
    });

    it('rejects a listed decision that does not name its entry', () => {
      given(decisionDecider)
        .when(proposal({ decisionItem: { listed: true } }), asLead)
        .thenThrows(DecisionItemUnexplained, { article: '重大行政决策程序暂行条例 第3条', fields: [['decisionItem', 'entryId']] });
    });

    it('rejects a decision off the list that does not say why', () => {
      given(decisionDecider)
        .when(proposal({ decisionItem: { listed: false } }), asLead)
        .thenThrows(DecisionItemUnexplained, { fields: [['decisionItem', 'reason']] });
    });

    it('rejects handling units without a lead', () => {
      given(decisionDecider)
        .when(proposal({ handlingUnits: [{ unitId: LEAD_UNIT, role: 'cooperating' }] }), asLead)
        .thenThrows(ExactlyOneLeadUnitRequired, { leadUnitIds: [], article: '重大行政决策程序暂行条例 第11条' });
    });

    it('rejects two lead units', () => {
      given(decisionDecider)
        .when(
          proposal({
            handlingUnits: [
              { unitId: LEAD_UNIT, role: 'lead' },
              { unitId: COOPERATING_UNIT, role: 'lead' },
            ],
          }),
          asLead,
        )
        .thenThrows(ExactlyOneLeadUnitRequired, { leadUnitIds: [LEAD_UNIT, COOPERATING_UNIT] });
    });

    it('rejects a unit named twice', () => {
      given(decisionDecider)
        .when(
          proposal({
            handlingUnits: [
              { unitId: LEAD_UNIT, role: 'lead' },
              { unitId: LEAD_UNIT, role: 'cooperating' },
            ],
          }),
          asLead,
        )
        .thenThrows(HandlingUnitRepeated, { unitId: LEAD_UNIT, fields: [['handlingUnits', 1, 'unitId']] });
    });

    it('is not permitted to a clerk of a unit that does not handle it', () => {
      given(decisionDecider).when(proposeCommand, { actor: otherClerk }).thenThrows(NotPermitted);
    });

    it('cannot propose the same decision twice', () => {
      given(decisionDecider, [proposed]).when(proposeCommand, asLead).thenThrows(StepOutOfOrder);
    });
  });

  describe('whether the conditional steps apply (第14、19、22条)', () => {
    it('records a step that does not apply with its legal ground', () => {
      const steps = {
        ...proposeCommand.conditionalSteps,
        riskAssessment: { applies: false, reason: '不涉及社会稳定', legalGround: '重大行政决策程序暂行条例 第22条' },
      };
      given(decisionDecider)
        .when(proposal({ conditionalSteps: steps }), asLead)
        .then([
          {
            ...proposed,
            data: {
              ...proposed.data,
              conditionalSteps: {
                ...proposed.data.conditionalSteps,
                riskAssessment: { applies: false, reason: '不涉及社会稳定', legalGround: '重大行政决策程序暂行条例 第22条' },
              },
            },
          },
        ]);
    });

    for (const [step, article] of [
      ['publicParticipation', '第14条'],
      ['expertArgumentation', '第19条'],
      ['riskAssessment', '第22条'],
    ] as const) {
      it(`rejects skipping ${step} without a legal ground (${article})`, () => {
        const steps = { ...proposeCommand.conditionalSteps, [step]: { applies: false, reason: '不需要' } };
        given(decisionDecider)
          .when(proposal({ conditionalSteps: steps }), asLead)
          .thenThrows(LegalGroundRequired, {
            step,
            article: `重大行政决策程序暂行条例 ${article}`,
            fields: [['conditionalSteps', step, 'legalGround']],
          });
      });
    }

    it('records a revised determination, the earlier one staying on record', () => {
      given(decisionDecider, [proposed])
        .when(
          {
            type: 'ReviseStepApplicability',
            decisionId: DECISION_ID,
            step: 'expertArgumentation',
            applies: false,
            reason: '不涉及专业技术问题',
            legalGround: '重大行政决策程序暂行条例 第19条',
          },
          asLead,
        )
        .then([skipExperts]);
    });

    it('rejects a revision that skips a step without a legal ground', () => {
      given(decisionDecider, [proposed])
        .when({ type: 'ReviseStepApplicability', decisionId: DECISION_ID, step: 'riskAssessment', applies: false, reason: '不需要' }, asLead)
        .thenThrows(LegalGroundRequired, { step: 'riskAssessment', fields: [['legalGround']] });
    });

    it('rejects skipping the legality review, whatever the ground', () => {
      given(decisionDecider, [proposed])
        .when(
          { type: 'ReviseStepApplicability', decisionId: DECISION_ID, step: 'legalityReview', applies: false, reason: '时间紧', legalGround: '无' },
          asLead,
        )
        .thenThrows(StepAlwaysApplies, { step: 'legalityReview', article: '重大行政决策程序暂行条例 第25条' });
    });

    it('rejects skipping the collective discussion, whatever the ground', () => {
      given(decisionDecider, [proposed])
        .when(
          { type: 'ReviseStepApplicability', decisionId: DECISION_ID, step: 'collectiveDiscussion', applies: false, reason: '首长决定', legalGround: '无' },
          asLead,
        )
        .thenThrows(StepAlwaysApplies, { step: 'collectiveDiscussion', article: '重大行政决策程序暂行条例 第30条' });
    });

    it('records nothing when told that an always-applying step applies', () => {
      given(decisionDecider, [proposed])
        .when({ type: 'ReviseStepApplicability', decisionId: DECISION_ID, step: 'legalityReview', applies: true, reason: '法定' }, asLead)
        .then([]);
    });

    it('rejects skipping a step that already has something on record', () => {
      given(decisionDecider, [proposed, expertOpinionSigned])
        .when(
          {
            type: 'ReviseStepApplicability',
            decisionId: DECISION_ID,
            step: 'expertArgumentation',
            applies: false,
            reason: '不需要',
            legalGround: '第19条',
          },
          asLead,
        )
        .thenThrows(StepOutOfOrder);
    });

    it('rejects recording expert opinions on a step recorded as not applying', () => {
      given(decisionDecider, [proposed, skipExperts])
        .when(expertOpinionCommand(), asLead)
        .thenThrows(StepNotApplicable, { step: 'expertArgumentation', article: '重大行政决策程序暂行条例 第19条' });
    });

    it('rejects a comment period when public participation was recorded as not applying', () => {
      const skipped = {
        ...proposed,
        data: {
          ...proposed.data,
          conditionalSteps: {
            ...proposed.data.conditionalSteps,
            publicParticipation: { applies: false, reason: '依法不予公开', legalGround: '保守国家秘密法 第9条' },
          },
        },
      } as const satisfies DecisionEvent;
      given(decisionDecider, [skipped])
        .when(commentPeriodCommand('2017-05-01', '2017-05-31'), asLead)
        .thenThrows(StepNotApplicable, { step: 'publicParticipation' });
    });

    it('rejects a risk assessment recorded as not applying', () => {
      const skipped = {
        type: 'decision.stepApplicabilityRevised.v1',
        data: { decisionId: DECISION_ID, step: 'riskAssessment', determination: { applies: false, reason: '无风险', legalGround: '第22条' } },
      } as const satisfies DecisionEvent;
      given(decisionDecider, [proposed, skipped])
        .when({ type: 'RecordRiskAssessment', ...riskAssessed.data, assessorPersonIds: ['person-assessor-1'] }, asLead)
        .thenThrows(StepNotApplicable, { step: 'riskAssessment' });
    });
  });

  describe('steps recorded by the handling units', () => {
    it('are recorded by a clerk of a cooperating unit', () => {
      given(decisionDecider, [proposed]).when(commentPeriodCommand('2017-05-01', '2017-05-31'), { actor: cooperatingClerk }).then([commentPeriodOpened]);
    });

    it('are not permitted to a clerk of another unit', () => {
      given(decisionDecider, [proposed]).when(commentPeriodCommand('2017-05-01', '2017-05-31'), { actor: otherClerk }).thenThrows(NotPermitted);
    });

    it('need a proposed decision', () => {
      given(decisionDecider).when(commentPeriodCommand('2017-05-01', '2017-05-31'), asLead).thenThrows(SubjectNotFound);
    });
  });

  describe('a disagreement between units (第13条)', () => {
    const leadView = { unitId: LEAD_UNIT, view: '按成本监审结果调价', statedBy: 'person-director-fgj' };
    const positions = [leadView, { unitId: COOPERATING_UNIT, view: '财政补贴压力大,应分步调价', statedBy: 'person-director-czj' }];

    it('records each side’s view, who stated it, and that it went up to the decision organ', () => {
      given(decisionDecider, [proposed])
        .when({ type: 'RecordDisagreement', decisionId: DECISION_ID, matter: '调价幅度', positions, referredToDecisionOrgan: true }, asLead)
        .then([
          {
            type: 'decision.disagreementRecorded.v1',
            data: { decisionId: DECISION_ID, matter: '调价幅度', positions, referredToDecisionOrgan: true },
          },
        ]);
    });

    it('rejects two views of one unit', () => {
      given(decisionDecider, [proposed])
        .when(
          {
            type: 'RecordDisagreement',
            decisionId: DECISION_ID,
            matter: '调价幅度',
            positions: [leadView, { unitId: LEAD_UNIT, view: '另一种意见', statedBy: 'person-deputy-fgj' }],
            referredToDecisionOrgan: true,
          },
          asLead,
        )
        .thenThrows(DisagreementNeedsTwoUnits, { unitId: LEAD_UNIT, fields: [['positions', 1, 'unitId']] });
    });

    it('rejects a disagreement without the lead unit’s own view', () => {
      given(decisionDecider, [proposed])
        .when(
          {
            type: 'RecordDisagreement',
            decisionId: DECISION_ID,
            matter: '调价幅度',
            positions: [
              { unitId: COOPERATING_UNIT, view: '分步调价', statedBy: 'person-director-czj' },
              { unitId: OTHER_UNIT, view: '暂缓', statedBy: 'person-director-jyj' },
            ],
            referredToDecisionOrgan: false,
          },
          { actor: cooperatingClerk },
        )
        .thenThrows(LeadUnitViewRequired, { leadUnitId: LEAD_UNIT, article: '重大行政决策程序暂行条例 第13条' });
    });
  });

  describe('public participation (第15–17条)', () => {
    it('records a 30-day comment period with its length', () => {
      given(decisionDecider, [proposed]).when(commentPeriodCommand('2017-05-01', '2017-05-31'), asLead).then([commentPeriodOpened]);
    });

    it('accepts a shorter period with the reason the notice gave, for read models to weigh', () => {
      given(decisionDecider, [proposed])
        .when({ ...commentPeriodCommand('2017-05-01', '2017-05-11'), shortPeriodReason: '采暖期临近,情况紧急' }, asLead)
        .then([
          {
            ...commentPeriodOpened,
            data: { ...commentPeriodOpened.data, closesOn: '2017-05-11', periodDays: 10, shortPeriodReason: '采暖期临近,情况紧急' },
          },
        ]);
    });

    it('accepts a shorter period without a reason, recording that none was given (a flag, not a refusal)', () => {
      given(decisionDecider, [proposed])
        .when(commentPeriodCommand('2017-05-01', '2017-05-16'), asLead)
        .then([{ ...commentPeriodOpened, data: { ...commentPeriodOpened.data, closesOn: '2017-05-16', periodDays: 15 } }]);
    });

    it('accepts a hearing whose materials went out late, recording both dates (a flag)', () => {
      const hearing = {
        heldOn: '2017-05-20',
        materialsSentOn: '2017-05-17',
        presidedBy: 'person-hearing-chair',
        participantCount: 21,
        signatoryCount: 20,
        recordSha256: null,
      };
      given(decisionDecider, [proposed])
        .when({ type: 'RecordHearing', decisionId: DECISION_ID, ...hearing }, asLead)
        .then([{ type: 'decision.hearingHeld.v1', data: { decisionId: DECISION_ID, ...hearing } }]);
    });

    it('records how comments were answered: adopted, and not adopted with reasons', () => {
      const handling = {
        received: 40,
        adopted: 12,
        notAdopted: 28,
        notAdoptedReasons: [{ summary: '要求不调价', reason: '成本倒挂,企业难以为继' }],
        summary: '采纳12条,未采纳28条并说明理由',
        feedbackReference: 'http://www.shangzhi.gov.cn/zqyj/2017/5/fk',
      };
      given(decisionDecider, [proposed, commentPeriodOpened])
        .when({ type: 'RecordCommentHandling', decisionId: DECISION_ID, ...handling }, asLead)
        .then([{ type: 'decision.commentsHandled.v1', data: { decisionId: DECISION_ID, ...handling } }]);
    });

    it('rejects comments not adopted without reasons', () => {
      given(decisionDecider, [proposed, commentPeriodOpened])
        .when(
          {
            type: 'RecordCommentHandling',
            decisionId: DECISION_ID,
            received: 40,
            adopted: 12,
            notAdopted: 28,
            notAdoptedReasons: [],
            summary: '采纳12条',
            feedbackReference: null,
          },
          asLead,
        )
        .thenThrows(NotAdoptedWithoutReasons, { notAdopted: 28, fields: [['notAdoptedReasons']] });
    });

    it('rejects answering comments when no comment period awaits an answer', () => {
      given(decisionDecider, [proposed])
        .when(
          {
            type: 'RecordCommentHandling',
            decisionId: DECISION_ID,
            received: 0,
            adopted: 0,
            notAdopted: 0,
            notAdoptedReasons: [],
            summary: '无意见',
            feedbackReference: null,
          },
          asLead,
        )
        .thenThrows(StepOutOfOrder);
    });
  });

  describe('expert argumentation (第19、20条)', () => {
    it('records the expert’s signed opinion with the declaration of no direct interest', () => {
      given(decisionDecider, [proposed]).when(expertOpinionCommand(), asLead).then([expertOpinionSigned]);
    });

    it('rejects an expert who declared a direct interest', () => {
      given(decisionDecider, [proposed])
        .when(expertOpinionCommand({ conflictOfInterest: { directInterest: true, declaration: '本人系供热公司股东' } }), asLead)
        .thenThrows(ExpertHasDirectInterest, {
          expertPersonId: 'person-expert-price',
          article: '重大行政决策程序暂行条例 第20条',
          fields: [['conflictOfInterest', 'directInterest']],
        });
    });

    it('rejects an unsigned opinion', () => {
      given(decisionDecider, [proposed])
        .when(expertOpinionCommand({ signed: false }), asLead)
        .thenThrows(ExpertOpinionUnsigned, { article: '重大行政决策程序暂行条例 第19条', fields: [['signed']] });
    });
  });

  describe('risk assessment (第22条)', () => {
    it('records the assessors and the assessing body', () => {
      const { decisionId: _decisionId, ...fields } = riskAssessed.data;
      given(decisionDecider, [proposed])
        .when({ type: 'RecordRiskAssessment', decisionId: DECISION_ID, ...fields, assessorPersonIds: [...fields.assessorPersonIds] }, asLead)
        .then([riskAssessed]);
    });
  });

  describe('legality review (第25–28条)', () => {
    it('records the written review with its reviewers and both dates, even under 7 working days (a flag)', () => {
      given(decisionDecider, [proposed])
        .when(reviewCommand({ startedOn: '2017-06-01', completedOn: '2017-06-02' }), { actor: legalReviewer })
        .then([
          {
            type: 'decision.legalityReviewed.v1',
            data: {
              decisionId: DECISION_ID,
              reviewerPersonIds: [legalReviewer.personId],
              startedOn: '2017-06-01',
              completedOn: '2017-06-02',
              conclusion: 'lawful',
              opinion: '未发现违法情形',
              opinionSha256: null,
            },
          },
        ]);
    });

    it('rejects comment-seeking in place of a review', () => {
      given(decisionDecider, [proposed])
        .when(reviewCommand({ form: 'comment-seeking' }), { actor: legalReviewer })
        .thenThrows(CommentSeekingIsNotReview, { article: '重大行政决策程序暂行条例 第25条', fields: [['form']] });
    });
  });
});

function commentPeriodCommand(openedOn: string, closesOn: string) {
  return {
    type: 'OpenCommentPeriod',
    decisionId: DECISION_ID,
    channel: 'website',
    reference: 'http://www.shangzhi.gov.cn/zqyj/2017/5',
    openedOn,
    closesOn,
    shortPeriodReason: null,
  } as const;
}

function expertOpinionCommand(overrides: Partial<RecordExpertOpinion> = {}): RecordExpertOpinion {
  const { decisionId: _decisionId, conflictOfInterest, ...fields } = expertOpinionSigned.data;
  return {
    type: 'RecordExpertOpinion',
    decisionId: DECISION_ID,
    ...fields,
    signed: true,
    conflictOfInterest: { ...conflictOfInterest },
    ...overrides,
  };
}

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
