import type { DecisionConditionalStep, DecisionStep } from '@quanze/events';
import { DomainError, commonErrorStatuses } from '@quanze/service-kit';
import type { ErrorStatuses, NotPermitted, StepOutOfOrder, SubjectNotFound } from '@quanze/service-kit';

type FieldPath = readonly (string | number)[];

/** 重大行政决策程序暂行条例 (国务院令第713号), the article a check applies. */
export function article713(article: string): string {
  return `重大行政决策程序暂行条例 第${article}条`;
}

/** The article that makes each conditional step apply, or lets it be skipped on a legal ground. */
export const STEP_ARTICLES: Readonly<Record<DecisionStep, string>> = {
  publicParticipation: article713('14'),
  expertArgumentation: article713('19'),
  riskAssessment: article713('22'),
  legalityReview: article713('25'),
  collectiveDiscussion: article713('30'),
};

/** 第3条: a decision comes from the published list of decision items (决策事项目录), or says why it does not. */
export class DecisionItemUnexplained extends DomainError {
  readonly code = 'decision.decision-item-unexplained';
  constructor(listed: boolean) {
    super(
      listed
        ? 'a listed decision names its entry of the list of decision items (决策事项目录)'
        : 'a decision not on the list of decision items (决策事项目录) says why',
      [['decisionItem', listed ? 'entryId' : 'reason']],
      article713('3'),
    );
  }
}

/** 第11条: several handling units have exactly one lead (牵头). */
export class ExactlyOneLeadUnitRequired extends DomainError {
  readonly code = 'decision.exactly-one-lead-unit-required';
  constructor(readonly leadUnitIds: readonly string[]) {
    super(
      leadUnitIds.length === 0
        ? 'no lead handling unit (牵头单位) is named; name exactly one'
        : `${leadUnitIds.length} lead handling units (牵头单位) are named (${leadUnitIds.join(', ')}); name exactly one`,
      [['handlingUnits']],
      article713('11'),
    );
  }
}

export class HandlingUnitRepeated extends DomainError {
  readonly code = 'decision.handling-unit-repeated';
  constructor(
    readonly unitId: string,
    index: number,
  ) {
    super(`unit ${unitId} is named twice among the handling units (决策承办单位)`, [['handlingUnits', index, 'unitId']], article713('11'));
  }
}

/** 第14、19、22条: a conditional step recorded as not applying rests on a legal ground. */
export class LegalGroundRequired extends DomainError {
  readonly code = 'decision.legal-ground-required';
  constructor(
    readonly step: DecisionConditionalStep,
    field: FieldPath,
  ) {
    super(`${step} is recorded as not applying without a legal ground (法定依据)`, [field], STEP_ARTICLES[step]);
  }
}

/** 第25、30条: legality review and collective discussion are never skipped. */
export class StepAlwaysApplies extends DomainError {
  readonly code = 'decision.step-always-applies';
  constructor(readonly step: 'legalityReview' | 'collectiveDiscussion') {
    super(`${step} (${step === 'legalityReview' ? '合法性审查' : '集体讨论决定'}) always applies and cannot be skipped`, [['step']], STEP_ARTICLES[step]);
  }
}

/** The step was determined not to apply: revise the determination first, so the record says why it now does. */
export class StepNotApplicable extends DomainError {
  readonly code = 'decision.step-not-applicable';
  constructor(
    readonly decisionId: string,
    readonly step: DecisionConditionalStep,
  ) {
    super(`decision ${decisionId}: ${step} was recorded as not applying; revise that determination before recording the step`, [], STEP_ARTICLES[step]);
  }
}

/** 第13条: a disagreement is between units, each with its view. */
export class DisagreementNeedsTwoUnits extends DomainError {
  readonly code = 'decision.disagreement-needs-two-units';
  constructor(
    readonly unitId: string,
    index: number,
  ) {
    super(`unit ${unitId} states two positions; a disagreement records one view per unit`, [['positions', index, 'unitId']], article713('13'));
  }
}

/** 第13条: what goes to the decision organ includes the lead unit's own view, reasons and basis. */
export class LeadUnitViewRequired extends DomainError {
  readonly code = 'decision.lead-unit-view-required';
  constructor(readonly leadUnitId: string) {
    super(`the lead handling unit ${leadUnitId} states its view, reasons and basis in a disagreement`, [['positions']], article713('13'));
  }
}

/** Comments not adopted are answered with reasons: 对于没有采纳的应当说明理由 (the action plan, (三)2). */
export class NotAdoptedWithoutReasons extends DomainError {
  readonly code = 'decision.not-adopted-without-reasons';
  constructor(readonly notAdopted: number) {
    super(`${notAdopted} comments were not adopted and no reason is given (没有采纳的应当说明理由)`, [['notAdoptedReasons']], '尚志市法治政府建设行动方案(2016-2020年) (三)2');
  }
}

/** 第19条: a written expert opinion is signed. */
export class ExpertOpinionUnsigned extends DomainError {
  readonly code = 'decision.expert-opinion-unsigned';
  constructor(readonly expertPersonId: string) {
    super(`the opinion of expert ${expertPersonId} is not signed (署名)`, [['signed']], article713('19'));
  }
}

/** 第20条: an expert with a direct interest in the matter may not argue it. */
export class ExpertHasDirectInterest extends DomainError {
  readonly code = 'decision.expert-has-direct-interest';
  constructor(readonly expertPersonId: string) {
    super(`expert ${expertPersonId} declared a direct interest (直接利害关系) in the matter and may not argue it`, [['conflictOfInterest', 'directInterest']], article713('20'));
  }
}

/** 第25条: seeking comments (征求意见) does not replace a legality review. */
export class CommentSeekingIsNotReview extends DomainError {
  readonly code = 'decision.comment-seeking-is-not-review';
  constructor() {
    super('a legality review (合法性审查) is a written review; seeking comments cannot replace it', [['form']], article713('25'));
  }
}

/** 第25条: no collective discussion without a passed legality review, except an exploratory reform with its legal risk stated. */
export class LegalityReviewRequired extends DomainError {
  readonly code = 'decision.legality-review-required';
  constructor(
    readonly decisionId: string,
    readonly latestConclusion: string | null,
  ) {
    super(
      latestConclusion === null
        ? `decision ${decisionId} has no legality review (合法性审查) and no legal-risk statement (明示法律风险): it may not go to collective discussion`
        : `the latest legality review of decision ${decisionId} found it ${latestConclusion}, and no legal-risk statement was made since: it may not go to collective discussion`,
      [],
      article713('25'),
    );
  }
}

/** 第25条: the meeting discusses a reviewed draft, so it is held on or after the day the passed review was completed. */
export class MeetingBeforeLegalityReview extends DomainError {
  readonly code = 'decision.meeting-before-legality-review';
  constructor(
    readonly heldOn: string,
    readonly reviewCompletedOn: string,
  ) {
    super(
      `a meeting held on ${heldOn} comes before the legality review (合法性审查) it rests on was completed (${reviewCompletedOn})`,
      [['heldOn']],
      article713('25'),
    );
  }
}

/** 第25条: a meeting resting on the exploratory-reform exception is held on or after the day the legal risk was stated. */
export class MeetingBeforeLegalRiskStatement extends DomainError {
  readonly code = 'decision.meeting-before-legal-risk-statement';
  constructor(
    readonly heldOn: string,
    readonly statedOn: string,
  ) {
    super(
      `a meeting held on ${heldOn} comes before the legal risk (明示法律风险) it rests on was stated (${statedOn})`,
      [['heldOn']],
      article713('25'),
    );
  }
}

/** 第25条: the legality review is the review department's; whoever proposed the matter does not review it. */
export class ReviewerProposedDecision extends DomainError {
  readonly code = 'decision.reviewer-proposed-decision';
  constructor(
    readonly personId: string,
    index: number,
  ) {
    super(`${personId} proposed this decision and may not review its legality (合法性审查)`, [['reviewerPersonIds', index]], article713('25'));
  }
}

/** The ledger records steps that happened: no step is dated after today (in China). */
export class DateAfterToday extends DomainError {
  readonly code = 'decision.date-after-today';
  constructor(
    readonly date: string,
    readonly today: string,
    field: string,
  ) {
    super(`${field} ${date} is after today (${today}): the ledger records steps that have happened`, [[field]]);
  }
}

export class MeetingIdTaken extends DomainError {
  readonly code = 'decision.meeting-id-taken';
  constructor(readonly meetingId: string) {
    super(`meeting ${meetingId} already discussed this decision; a new meeting has a new id`, [['meetingId']]);
  }
}

export class AttendanceRepeated extends DomainError {
  readonly code = 'decision.attendance-repeated';
  constructor(
    readonly personId: string,
    index: number,
  ) {
    super(`${personId} appears twice in the attendance`, [['attendance', index, 'personId']], article713('30'));
  }
}

/** 第30条: the head decides at the meeting, after the others have spoken. */
export class HeadNotPresent extends DomainError {
  readonly code = 'decision.head-not-present';
  constructor(readonly headPersonId: string) {
    super(`the head (行政首长) ${headPersonId} is not among the members present`, [['headPersonId']], article713('30'));
  }
}

/** 第30条: a collective discussion needs members besides the head. */
export class NoMemberBesidesHead extends DomainError {
  readonly code = 'decision.no-member-besides-head';
  constructor() {
    super('no member besides the head is present: that is no collective discussion (集体讨论)', [['attendance']], article713('30'));
  }
}

export class NotAnAttendee extends DomainError {
  readonly code = 'decision.not-an-attendee';
  constructor(
    readonly meetingId: string,
    readonly personId: string,
  ) {
    super(`${personId} is not a member present at meeting ${meetingId}`, [['memberPersonId']], article713('30'));
  }
}

/** 第30条: the head speaks last, and what the head says is the decision. */
export class HeadSpeaksLast extends DomainError {
  readonly code = 'decision.head-speaks-last';
  constructor(readonly headPersonId: string) {
    super(`the head (行政首长) ${headPersonId} speaks last, by deciding; record the decision instead of an opinion`, [['memberPersonId']], article713('30'));
  }
}

export class OpinionAlreadyRecorded extends DomainError {
  readonly code = 'decision.opinion-already-recorded';
  constructor(
    readonly meetingId: string,
    readonly personId: string,
  ) {
    super(`the opinion of ${personId} at meeting ${meetingId} is already recorded, as given`, [['memberPersonId']], article713('30'));
  }
}

/** 第30条: every member present speaks before the head decides. */
export class OpinionsOutstanding extends DomainError {
  readonly code = 'decision.opinions-outstanding';
  constructor(
    readonly meetingId: string,
    readonly missingPersonIds: readonly string[],
  ) {
    super(`the head decides last: the opinions of ${missingPersonIds.join(', ')} at meeting ${meetingId} are not recorded yet`, [], article713('30'));
  }
}

/** 第30条: a decision that differs from the majority carries the head's reasons. */
export class HeadReasonsRequired extends DomainError {
  readonly code = 'decision.head-reasons-required';
  constructor(
    readonly majorityOpinion: string,
    readonly outcome: string,
  ) {
    super(`the majority was ${majorityOpinion} and the decision is ${outcome}: the head states the reasons (说明理由)`, [['headReasons']], article713('30'));
  }
}

/** 第36条: the post-decision evaluation is not done by whoever did the main argumentation or assessment before. */
export class EvaluatorNotIndependent extends DomainError {
  readonly code = 'decision.evaluator-not-independent';
  constructor(
    readonly evaluatorId: string,
    field: FieldPath,
  ) {
    super(`${evaluatorId} argued or assessed the matter before the decision and may not evaluate it afterwards`, [field], article713('36'));
  }
}

export class CauseNotFound extends DomainError {
  readonly code = 'decision.cause-not-found';
  constructor(
    readonly eventId: string,
    index: number,
  ) {
    super(`event ${eventId} is not in this decision's record`, [['inResponseTo', index]]);
  }
}

export class CauseNotAnswerable extends DomainError {
  readonly code = 'decision.cause-not-answerable';
  constructor(
    readonly eventId: string,
    readonly type: string,
    readonly answerable: readonly string[],
    index: number,
  ) {
    super(`event ${eventId} is a ${type}; this step answers only ${answerable.join(', ')}`, [['inResponseTo', index]]);
  }
}

export type DecisionError =
  | DecisionItemUnexplained
  | ExactlyOneLeadUnitRequired
  | HandlingUnitRepeated
  | LegalGroundRequired
  | StepAlwaysApplies
  | StepNotApplicable
  | DisagreementNeedsTwoUnits
  | LeadUnitViewRequired
  | NotAdoptedWithoutReasons
  | ExpertOpinionUnsigned
  | ExpertHasDirectInterest
  | CommentSeekingIsNotReview
  | LegalityReviewRequired
  | MeetingBeforeLegalityReview
  | MeetingBeforeLegalRiskStatement
  | ReviewerProposedDecision
  | DateAfterToday
  | MeetingIdTaken
  | AttendanceRepeated
  | HeadNotPresent
  | NoMemberBesidesHead
  | NotAnAttendee
  | HeadSpeaksLast
  | OpinionAlreadyRecorded
  | OpinionsOutstanding
  | HeadReasonsRequired
  | EvaluatorNotIndependent
  | CauseNotFound
  | CauseNotAnswerable;

export const decisionErrorStatuses: ErrorStatuses<DecisionError | SubjectNotFound | StepOutOfOrder | NotPermitted> = {
  ...commonErrorStatuses,
  'decision.decision-item-unexplained': 422,
  'decision.exactly-one-lead-unit-required': 422,
  'decision.handling-unit-repeated': 422,
  'decision.legal-ground-required': 422,
  'decision.step-always-applies': 422,
  'decision.step-not-applicable': 409,
  'decision.disagreement-needs-two-units': 422,
  'decision.lead-unit-view-required': 422,
  'decision.not-adopted-without-reasons': 422,
  'decision.expert-opinion-unsigned': 422,
  'decision.expert-has-direct-interest': 422,
  'decision.comment-seeking-is-not-review': 422,
  'decision.legality-review-required': 422,
  'decision.meeting-before-legality-review': 422,
  'decision.meeting-before-legal-risk-statement': 422,
  'decision.reviewer-proposed-decision': 422,
  'decision.date-after-today': 422,
  'decision.meeting-id-taken': 409,
  'decision.attendance-repeated': 422,
  'decision.head-not-present': 422,
  'decision.no-member-besides-head': 422,
  'decision.not-an-attendee': 422,
  'decision.head-speaks-last': 422,
  'decision.opinion-already-recorded': 409,
  'decision.opinions-outstanding': 422,
  'decision.head-reasons-required': 422,
  'decision.evaluator-not-independent': 422,
  'decision.cause-not-found': 422,
  'decision.cause-not-answerable': 422,
};
