import type { Actor } from '@quanze/events';
import type { DecisionEvent, ProposeDecision } from '@quanze/decisions';

/** The heating-price decision of a city government, its units and people, for the specs of services/decisions. */
export const DECISION_ID = 'decision-heating-2017';
export const LEAD_UNIT = 'unit-fagaiju'; // 发改局, 牵头
export const COOPERATING_UNIT = 'unit-caizhengju'; // 财政局
export const ORGAN_UNIT = 'unit-shizhengfu'; // 市政府, 决策机关
export const LEGAL_UNIT = 'unit-fazhiban'; // 法制办
export const OTHER_UNIT = 'unit-jiaoyuju'; // 教育局, not involved

export const HEAD = 'person-mayor';
export const MEMBERS = ['person-vice-mayor-1', 'person-vice-mayor-2', 'person-vice-mayor-3'] as const;
export const [MEMBER_1, MEMBER_2, MEMBER_3] = MEMBERS;
export const ABSENT_MEMBER = 'person-vice-mayor-4';
export const MEETING_ID = 'standing-2017-12';

export const leadClerk: Actor = { personId: 'person-clerk-fgj', postId: 'post-clerk-fgj', unitId: LEAD_UNIT };
export const cooperatingClerk: Actor = { personId: 'person-clerk-czj', postId: 'post-clerk-czj', unitId: COOPERATING_UNIT };
export const otherClerk: Actor = { personId: 'person-clerk-jyj', postId: 'post-clerk-jyj', unitId: OTHER_UNIT };
export const legalReviewer: Actor = { personId: 'person-reviewer', postId: 'post-reviewer', unitId: LEGAL_UNIT };
export const head: Actor = { personId: HEAD, postId: 'post-mayor', unitId: ORGAN_UNIT };
export const otherHead: Actor = { personId: 'person-other-head', postId: 'post-other-head', unitId: OTHER_UNIT };

export const proposeCommand: ProposeDecision = {
  type: 'ProposeDecision',
  decisionId: DECISION_ID,
  title: '尚志市城区供热价格调整',
  draftSummary: '调整城区居民供热价格,自2017-2018采暖期起执行',
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
    riskAssessment: { applies: true, reason: '可能影响社会稳定' },
  },
};

export const proposed = {
  type: 'decision.proposed.v1',
  data: {
    decisionId: DECISION_ID,
    title: '尚志市城区供热价格调整',
    draftSummary: '调整城区居民供热价格,自2017-2018采暖期起执行',
    decisionItem: { listed: true, entryId: 'catalogue-2017-3' },
    decisionOrganUnitId: ORGAN_UNIT,
    leadUnitId: LEAD_UNIT,
    cooperatingUnitIds: [COOPERATING_UNIT],
    proposedBy: 'person-director-fgj',
    conditionalSteps: {
      publicParticipation: { applies: true, reason: '涉及群众切身利益' },
      expertArgumentation: { applies: true, reason: '价格成本测算专业性强' },
      riskAssessment: { applies: true, reason: '可能影响社会稳定' },
    },
  },
} as const satisfies DecisionEvent;

export const commentPeriodOpened = {
  type: 'decision.commentPeriodOpened.v1',
  data: {
    decisionId: DECISION_ID,
    channel: 'website',
    reference: 'http://www.shangzhi.gov.cn/zqyj/2017/5',
    openedOn: '2017-05-01',
    closesOn: '2017-05-31',
    periodDays: 30,
    shortPeriodReason: null,
  },
} as const satisfies DecisionEvent;

export const expertOpinionSigned = {
  type: 'decision.expertOpinionSigned.v1',
  data: {
    decisionId: DECISION_ID,
    expertPersonId: 'person-expert-price',
    institutionId: 'org-price-institute',
    expertise: '价格成本监审',
    stance: 'supports-with-conditions',
    opinion: '成本测算基本合理,建议对低保户给予补贴',
    signedOn: '2017-05-20',
    conflictOfInterest: { directInterest: false, declaration: '本人与供热企业无利害关系' },
  },
} as const satisfies DecisionEvent;

export const riskAssessed = {
  type: 'decision.riskAssessed.v1',
  data: {
    decisionId: DECISION_ID,
    assessorPersonIds: ['person-assessor-1', 'person-assessor-2'],
    assessingOrganisationId: 'org-stability-center',
    riskLevel: 'medium',
    conclusion: '风险可控',
    mitigation: '分步调价、加强宣传',
    reportSha256: 'b'.repeat(64),
    completedOn: '2017-05-25',
  },
} as const satisfies DecisionEvent;

export function legalityReviewed(conclusion: 'lawful' | 'lawful-with-amendments' | 'unlawful' = 'lawful') {
  return {
    type: 'decision.legalityReviewed.v1',
    data: {
      decisionId: DECISION_ID,
      reviewerPersonIds: [legalReviewer.personId],
      startedOn: '2017-06-01',
      completedOn: '2017-06-09',
      conclusion,
      opinion: conclusion === 'unlawful' ? '超越法定权限' : '未发现违法情形',
      opinionSha256: null,
    },
  } as const satisfies DecisionEvent;
}

export const fullMaterials = {
  draft: true,
  opinionHandling: true,
  riskReport: true,
  legalityOpinion: true,
  fairCompetitionReview: true,
} as const;

export function convened(meetingId: string = MEETING_ID) {
  return {
    type: 'decision.collectiveDiscussionConvened.v1',
    data: {
      decisionId: DECISION_ID,
      meetingId,
      kind: 'standing',
      heldOn: '2017-06-12',
      headPersonId: HEAD,
      attendance: [
        { personId: HEAD, present: true, absenceReason: null },
        { personId: MEMBER_1, present: true, absenceReason: null },
        { personId: MEMBER_2, present: true, absenceReason: null },
        { personId: MEMBER_3, present: true, absenceReason: null },
        { personId: ABSENT_MEMBER, present: false, absenceReason: '出差' },
      ],
      materials: fullMaterials,
      marketsAffected: true,
      legality: {
        review: { conclusion: 'lawful', completedOn: '2017-06-09', reviewerPersonIds: [legalReviewer.personId] },
        exploratoryReform: null,
      },
    },
  } as const satisfies DecisionEvent;
}

export function opinionGiven(memberPersonId: string, opinion: 'for' | 'against' | 'abstain', meetingId: string = MEETING_ID) {
  return {
    type: 'decision.memberOpinionGiven.v1',
    data: { decisionId: DECISION_ID, meetingId, memberPersonId, opinion, statement: `${memberPersonId}: ${opinion}` },
  } as const satisfies DecisionEvent;
}

export function made(outcome: 'adopted' | 'adopted-with-amendments' | 'not-adopted' | 'deferred' = 'adopted', meetingId: string = MEETING_ID) {
  return {
    type: 'decision.made.v1',
    data: {
      decisionId: DECISION_ID,
      title: '尚志市城区供热价格调整',
      summary: '同意调整城区居民供热价格',
      decisionItem: { listed: true, entryId: 'catalogue-2017-3' },
      leadUnitId: LEAD_UNIT,
      cooperatingUnitIds: [COOPERATING_UNIT],
      meeting: { meetingId, kind: 'standing', heldOn: '2017-06-12' },
      outcome,
      headPersonId: HEAD,
      majorityOpinion: 'for',
      differsFromMajority: outcome !== 'adopted' && outcome !== 'adopted-with-amendments',
      headReasons: outcome === 'adopted' || outcome === 'adopted-with-amendments' ? null : '需进一步测算',
      legalBasis: ['价格法 第23条'],
    },
  } as const satisfies DecisionEvent;
}

export const published = {
  type: 'decision.published.v1',
  data: {
    decisionId: DECISION_ID,
    channel: 'gazette',
    reference: '尚志市人民政府公报 2017年第6期',
    publishedOn: '2017-06-20',
    opinionAdoption: '采纳公众意见12条,专家意见3条',
  },
} as const satisfies DecisionEvent;

export const implementationReported = {
  type: 'decision.implementationReported.v1',
  data: {
    decisionId: DECISION_ID,
    reportingUnitId: LEAD_UNIT,
    responsiblePersonId: 'person-director-fgj',
    reportedOn: '2018-03-01',
    progress: '已执行新价格',
    problems: '投诉较多',
  },
} as const satisfies DecisionEvent;

/** Everything up to a passed legality review, every conditional step done. */
export const drafted: readonly DecisionEvent[] = [proposed, commentPeriodOpened, expertOpinionSigned, riskAssessed, legalityReviewed()];

/** A meeting open, every member present but the head having spoken: for. */
export const discussed: readonly DecisionEvent[] = [
  ...drafted,
  convened(),
  opinionGiven(MEMBER_1, 'for'),
  opinionGiven(MEMBER_2, 'for'),
  opinionGiven(MEMBER_3, 'against'),
];

export const inForce: readonly DecisionEvent[] = [...discussed, made('adopted')];

/** The head of the lead unit (发改局局长), who also proposed the matter: a head, but not of the decision organ. */
export const leadHead: Actor = { personId: 'person-director-fgj', postId: 'post-director-fgj', unitId: LEAD_UNIT };

/** 第25条 探索性改革: the legal risk stated by a head of the decision organ. */
export function legalRiskStated(statedOn = '2017-06-10', statedBy: string = HEAD) {
  return {
    type: 'decision.legalRiskStated.v1',
    data: { decisionId: DECISION_ID, legalRiskStatement: '国家尚无明确规定,存在被确认违法的风险', statedBy, statedOn },
  } as const satisfies DecisionEvent;
}
