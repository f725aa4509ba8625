import { expect } from 'chai';
import {
  AttendanceRepeated,
  HeadNotPresent,
  HeadReasonsRequired,
  HeadSpeaksLast,
  LegalityReviewRequired,
  MeetingBeforeLegalRiskStatement,
  MeetingBeforeLegalityReview,
  MeetingIdTaken,
  NoMemberBesidesHead,
  NotAnAttendee,
  OpinionAlreadyRecorded,
  OpinionsOutstanding,
  decisionDecider,
  differsFromMajority,
  majorityOf,
} from '@quanze/decisions';
import type { ConveneCollectiveDiscussion, DecisionEvent, MakeDecision, RecordMemberOpinion } from '@quanze/decisions';
import { NotPermitted, StepOutOfOrder, SubjectNotFound } from '@quanze/service-kit';
import { given } from '../../support/decider.js';
import {
  ABSENT_MEMBER,
  DECISION_ID,
  HEAD,
  MEETING_ID,
  MEMBER_1,
  MEMBER_2,
  MEMBER_3,
  OTHER_UNIT,
  commentPeriodOpened,
  convened,
  discussed,
  drafted,
  expertOpinionSigned,
  head,
  leadClerk,
  legalReviewer,
  legalRiskStated,
  legalityReviewed,
  made,
  opinionGiven,
  otherClerk,
  otherHead,
  proposed,
  riskAssessed,
} from './fixtures.js';

const asLead = { actor: leadClerk };
const asHead = { actor: head };
const beforeReview: readonly DecisionEvent[] = [proposed, commentPeriodOpened, expertOpinionSigned, riskAssessed];

function conveneCommand(overrides: Partial<ConveneCollectiveDiscussion> = {}): ConveneCollectiveDiscussion {
  const { decisionId: _decisionId, legality: _legality, ...fields } = convened().data;
  return {
    type: 'ConveneCollectiveDiscussion',
    decisionId: DECISION_ID,
    ...fields,
    attendance: fields.attendance.map((line) => ({ ...line })),
    materials: { ...fields.materials },
    ...overrides,
  };
}

function opinionCommand(memberPersonId: string, opinion: 'for' | 'against' | 'abstain', meetingId = MEETING_ID): RecordMemberOpinion {
  return { type: 'RecordMemberOpinion', decisionId: DECISION_ID, meetingId, memberPersonId, opinion, statement: `${memberPersonId}: ${opinion}` };
}

function decisionCommand(overrides: Partial<MakeDecision> = {}): MakeDecision {
  return {
    type: 'MakeDecision',
    decisionId: DECISION_ID,
    meetingId: MEETING_ID,
    outcome: 'adopted',
    decisionText: '同意调整城区居民供热价格',
    headReasons: null,
    legalBasis: ['价格法 第23条'],
    ...overrides,
  };
}

function decisionEvent(
  outcome: MakeDecision['outcome'],
  majorityOpinion: 'for' | 'against' | 'divided',
  differs: boolean,
  headReasons: string | null,
): DecisionEvent {
  const base = made(outcome);
  return { ...base, data: { ...base.data, majorityOpinion, differsFromMajority: differs, headReasons } };
}

describe('decisions: collective discussion and the head’s decision', () => {
  describe('when there is no legality review (第25条)', () => {
    it('rejects collective discussion', () => {
      given(decisionDecider, beforeReview)
        .when(conveneCommand(), asLead)
        .thenThrows(LegalityReviewRequired, { latestConclusion: null, article: '重大行政决策程序暂行条例 第25条' });
    });

    it('accepts an exploratory reform whose legal risk a head of the decision organ stated, recording the statement and who made it', () => {
      const { legalRiskStatement, statedBy } = legalRiskStated().data;
      const expected = convened();
      given(decisionDecider, [...beforeReview, legalRiskStated()])
        .when(conveneCommand(), asLead)
        .then([{ ...expected, data: { ...expected.data, legality: { review: null, exploratoryReform: { legalRiskStatement, statedBy } } } }]);
    });

    it('rejects a meeting held before the legal risk was stated', () => {
      given(decisionDecider, [...beforeReview, legalRiskStated('2017-06-13')])
        .when(conveneCommand(), asLead)
        .thenThrows(MeetingBeforeLegalRiskStatement, { heldOn: '2017-06-12', statedOn: '2017-06-13', fields: [['heldOn']] });
    });
  });

  describe('when the legality review failed (第25条)', () => {
    it('rejects collective discussion', () => {
      given(decisionDecider, [...beforeReview, legalityReviewed('unlawful')])
        .when(conveneCommand(), asLead)
        .thenThrows(LegalityReviewRequired, { latestConclusion: 'unlawful' });
    });

    it('rejects it also when an earlier review had passed: the latest review counts', () => {
      given(decisionDecider, [...beforeReview, legalityReviewed('lawful'), legalityReviewed('unlawful')])
        .when(conveneCommand(), asLead)
        .thenThrows(LegalityReviewRequired, { latestConclusion: 'unlawful' });
    });

    it('does not let a legal-risk statement made before the failed review override it', () => {
      given(decisionDecider, [...beforeReview, legalRiskStated('2017-06-01'), legalityReviewed('unlawful')])
        .when(conveneCommand(), asLead)
        .thenThrows(LegalityReviewRequired, { latestConclusion: 'unlawful' });
    });

    it('accepts an exploratory reform whose legal risk was stated after the failed review, recording the review it overrides', () => {
      const { legalRiskStatement, statedBy } = legalRiskStated().data;
      const expected = convened();
      const review = { conclusion: 'unlawful' as const, completedOn: '2017-06-09', reviewerPersonIds: [legalReviewer.personId] };
      given(decisionDecider, [...beforeReview, legalityReviewed('unlawful'), legalRiskStated()])
        .when(conveneCommand(), asLead)
        .then([{ ...expected, data: { ...expected.data, legality: { review, exploratoryReform: { legalRiskStatement, statedBy } } } }]);
    });

    it('accepts discussion after a new review passed', () => {
      given(decisionDecider, [...beforeReview, legalityReviewed('unlawful'), legalityReviewed('lawful')]).when(conveneCommand(), asLead).then([convened()]);
    });
  });

  describe('when the legality review passed', () => {
    it('convenes the meeting with its attendance, materials and the review it rests on', () => {
      given(decisionDecider, drafted).when(conveneCommand(), asLead).then([convened()]);
    });

    it('rejects a meeting held before the passed review was completed', () => {
      given(decisionDecider, drafted)
        .when(conveneCommand({ heldOn: '2017-06-08' }), asLead)
        .thenThrows(MeetingBeforeLegalityReview, { heldOn: '2017-06-08', reviewCompletedOn: '2017-06-09', article: '重大行政决策程序暂行条例 第25条', fields: [['heldOn']] });
    });

    it('accepts a meeting held on the day the review was completed', () => {
      const expected = convened();
      given(decisionDecider, drafted)
        .when(conveneCommand({ heldOn: '2017-06-09' }), asLead)
        .then([{ ...expected, data: { ...expected.data, heldOn: '2017-06-09' } }]);
    });

    it('records incomplete materials as they were, for read models to flag (第29条)', () => {
      const materials = { draft: true, opinionHandling: false, riskReport: false, legalityOpinion: true, fairCompetitionReview: false };
      const expected = convened();
      given(decisionDecider, drafted)
        .when(conveneCommand({ materials }), asLead)
        .then([{ ...expected, data: { ...expected.data, materials } }]);
    });

    it('rejects a meeting the head does not attend (第30条)', () => {
      given(decisionDecider, drafted)
        .when(conveneCommand({ attendance: [{ personId: HEAD, present: false, absenceReason: '出差' }, { personId: MEMBER_1, present: true, absenceReason: null }] }), asLead)
        .thenThrows(HeadNotPresent, { headPersonId: HEAD });
    });

    it('rejects a meeting where only the head is present', () => {
      given(decisionDecider, drafted)
        .when(conveneCommand({ attendance: [{ personId: HEAD, present: true, absenceReason: null }, { personId: MEMBER_1, present: false, absenceReason: '病假' }] }), asLead)
        .thenThrows(NoMemberBesidesHead);
    });

    it('rejects a person listed twice in the attendance', () => {
      given(decisionDecider, drafted)
        .when(
          conveneCommand({
            attendance: [
              { personId: HEAD, present: true, absenceReason: null },
              { personId: MEMBER_1, present: true, absenceReason: null },
              { personId: MEMBER_1, present: false, absenceReason: '出差' },
            ],
          }),
          asLead,
        )
        .thenThrows(AttendanceRepeated, { personId: MEMBER_1, fields: [['attendance', 2, 'personId']] });
    });

    it('rejects reusing the id of a meeting that already discussed the decision', () => {
      given(decisionDecider, [...drafted, convened(), opinionGiven(MEMBER_1, 'for'), opinionGiven(MEMBER_2, 'for'), opinionGiven(MEMBER_3, 'for'), made('deferred')])
        .when(conveneCommand(), asLead)
        .thenThrows(MeetingIdTaken, { meetingId: MEETING_ID });
    });

    it('is not convened by a clerk of a unit that does not handle the decision', () => {
      given(decisionDecider, drafted).when(conveneCommand(), { actor: otherClerk }).thenThrows(NotPermitted);
    });
  });

  describe('members’ opinions at the meeting (第30条)', () => {
    const meeting = [...drafted, convened()];

    it('records an opinion taken down by the minute-taker, naming the member, dissent as given', () => {
      given(decisionDecider, meeting).when(opinionCommand(MEMBER_3, 'against'), asLead).then([opinionGiven(MEMBER_3, 'against')]);
    });

    it('records an opinion the member records personally', () => {
      const member = { personId: MEMBER_1, postId: 'post-vice-mayor-1', unitId: 'unit-shizhengfu' };
      given(decisionDecider, meeting).when(opinionCommand(MEMBER_1, 'abstain'), { actor: member }).then([opinionGiven(MEMBER_1, 'abstain')]);
    });

    it('does not let a clerk of another unit record someone else’s opinion', () => {
      given(decisionDecider, meeting).when(opinionCommand(MEMBER_1, 'for'), { actor: otherClerk }).thenThrows(NotPermitted);
    });

    it('rejects an opinion of the head, who speaks last by deciding', () => {
      given(decisionDecider, meeting).when(opinionCommand(HEAD, 'for'), asLead).thenThrows(HeadSpeaksLast, { headPersonId: HEAD });
    });

    it('rejects an opinion of a member who was absent', () => {
      given(decisionDecider, meeting)
        .when(opinionCommand(ABSENT_MEMBER, 'for'), asLead)
        .thenThrows(NotAnAttendee, { personId: ABSENT_MEMBER, article: '重大行政决策程序暂行条例 第30条' });
    });

    it('rejects a second opinion of the same member: the first stays as given', () => {
      given(decisionDecider, [...meeting, opinionGiven(MEMBER_1, 'against')])
        .when(opinionCommand(MEMBER_1, 'for'), asLead)
        .thenThrows(OpinionAlreadyRecorded, { personId: MEMBER_1 });
    });

    it('does not know a meeting that never discussed the decision', () => {
      given(decisionDecider, meeting).when(opinionCommand(MEMBER_1, 'for', 'standing-2017-99'), asLead).thenThrows(SubjectNotFound);
    });

    it('rejects opinions once the meeting has decided', () => {
      given(decisionDecider, [...discussed, made('adopted')]).when(opinionCommand(MEMBER_1, 'for'), asLead).thenThrows(StepOutOfOrder);
    });
  });

  describe('the head’s decision (第30条)', () => {
    it('rejects the decision before every member present has spoken, naming who has not', () => {
      given(decisionDecider, [...drafted, convened(), opinionGiven(MEMBER_1, 'for')])
        .when(decisionCommand(), asHead)
        .thenThrows(OpinionsOutstanding, { missingPersonIds: [MEMBER_2, MEMBER_3], article: '重大行政决策程序暂行条例 第30条' });
    });

    it('is not taken by a head of another unit, even when the clerk named that person head of the meeting', () => {
      const meeting = convened();
      const outsiderChaired = {
        ...meeting,
        data: {
          ...meeting.data,
          headPersonId: otherHead.personId,
          attendance: [{ personId: otherHead.personId, present: true, absenceReason: null }, ...meeting.data.attendance.slice(1)],
        },
      };
      const history = [...drafted, outsiderChaired, opinionGiven(MEMBER_1, 'for'), opinionGiven(MEMBER_2, 'for'), opinionGiven(MEMBER_3, 'for')];
      given(decisionDecider, history).when(decisionCommand(), { actor: otherHead }).thenThrows(NotPermitted);
    });

    it('is not taken by the head who chaired the meeting acting for another unit', () => {
      given(decisionDecider, discussed).when(decisionCommand(), { actor: { ...head, unitId: OTHER_UNIT } }).thenThrows(NotPermitted);
    });

    it('is taken only by the head who chaired the meeting', () => {
      const otherHead = { personId: 'person-vice-mayor-1', postId: 'post-vice-mayor-1', unitId: 'unit-shizhengfu' };
      given(decisionDecider, discussed).when(decisionCommand(), { actor: otherHead }).thenThrows(NotPermitted);
    });

    it('records a decision following the majority, the majority counted from the opinions on record', () => {
      given(decisionDecider, discussed).when(decisionCommand(), asHead).then([made('adopted')]);
    });

    it('rejects a decision against the majority without the head’s reasons', () => {
      given(decisionDecider, discussed)
        .when(decisionCommand({ outcome: 'not-adopted' }), asHead)
        .thenThrows(HeadReasonsRequired, { majorityOpinion: 'for', outcome: 'not-adopted', fields: [['headReasons']] });
    });

    it('records a decision against the majority with the head’s reasons as given', () => {
      given(decisionDecider, discussed)
        .when(decisionCommand({ outcome: 'not-adopted', headReasons: '财政无力承担补贴' }), asHead)
        .then([decisionEvent('not-adopted', 'for', true, '财政无力承担补贴')]);
    });

    it('rejects adopting against a majority against without reasons', () => {
      const against = [...drafted, convened(), opinionGiven(MEMBER_1, 'against'), opinionGiven(MEMBER_2, 'against'), opinionGiven(MEMBER_3, 'for')];
      given(decisionDecider, against).when(decisionCommand(), asHead).thenThrows(HeadReasonsRequired, { majorityOpinion: 'against' });
    });

    it('rejects deferring against a clear majority without reasons', () => {
      given(decisionDecider, discussed).when(decisionCommand({ outcome: 'deferred' }), asHead).thenThrows(HeadReasonsRequired);
    });

    it('records a decision at a divided meeting as not differing from a majority', () => {
      const divided = [...drafted, convened(), opinionGiven(MEMBER_1, 'for'), opinionGiven(MEMBER_2, 'against'), opinionGiven(MEMBER_3, 'abstain')];
      given(decisionDecider, divided).when(decisionCommand(), asHead).then([decisionEvent('adopted', 'divided', false, null)]);
    });

    it('sends a deferred draft back to the handling units, and a new meeting may decide it', () => {
      const deferred = [...discussed, made('deferred')];
      given(decisionDecider, deferred).when(conveneCommand({ meetingId: 'standing-2017-14' }), asLead).then([convened('standing-2017-14')]);
    });

    it('cannot be taken twice', () => {
      given(decisionDecider, [...discussed, made('adopted')]).when(decisionCommand(), asHead).thenThrows(StepOutOfOrder);
    });
  });

  describe('the majority (多数人的意见)', () => {
    it('is more than half of the opinions', () => {
      expect(majorityOf(['for', 'for', 'against'])).to.equal('for');
      expect(majorityOf(['against', 'against', 'abstain'])).to.equal('against');
    });

    it('is divided at a tie or when abstentions prevent a half', () => {
      expect(majorityOf(['for', 'against'])).to.equal('divided');
      expect(majorityOf(['for', 'abstain', 'abstain'])).to.equal('divided');
    });

    it('differs when adoption goes against a majority against, and not when it follows one for', () => {
      expect(differsFromMajority('against', 'adopted-with-amendments')).to.equal(true);
      expect(differsFromMajority('for', 'adopted-with-amendments')).to.equal(false);
      expect(differsFromMajority('against', 'not-adopted')).to.equal(false);
    });
  });
});
