import { expect } from 'chai';
import { NotPermitted, StepOutOfOrder, SubjectNotFound } from '@quanze/service-kit';
import { given } from '../../support/decider.js';
import { chinaDateOf } from '@quanze/service-kit';
import { caseDecider } from '../../../services/enforcement/src/case-decider.js';
import type { CaseCommand, CaseEvent, PersonFacts } from '../../../services/enforcement/src/case-decider.js';
import {
  CollectiveDiscussionRequired,
  HearingPresiderNotIndependent,
  HearingRequired,
  LegalReviewRequired,
  OfficerNotAssigned,
  OfficerNotCertified,
  PersonNotRegistered,
  RightsNoticeRequired,
  TooFewOfficers,
} from '../../../services/enforcement/src/case-errors.js';
import {
  CASE_ID,
  NOW,
  TODAY,
  UNIT,
  appraisalRecorded,
  certificate,
  clerk,
  crimeSuspected,
  decided,
  decidedCase,
  executed,
  fine,
  hash,
  head,
  hearingRequested,
  legalReviewed,
  officer,
  officersAssigned,
  opened,
  otherClerk,
  person,
  published,
  reviewer,
  rightsNotified,
  teamFacts,
  transferAccepted,
  transferApproved,
  transferRefused,
  transferReported,
  transferReturned,
  transferred,
  transferReceived,
} from './case-fixtures.js';

const basis = [{ kind: 'document' as const, documentNumber: '尚政规〔2017〕3号', article: null }];

function assign(officers: { personId: string; certificateId: string }[], persons: Record<string, PersonFacts>): CaseCommand {
  return { type: 'AssignOfficers', caseId: CASE_ID, officers, persons };
}

const twoCertified = {
  'person-a': person('person-a'),
  'person-b': person('person-b'),
};

function decide(overrides: Partial<Extract<CaseCommand, { type: 'DecideCase' }>> = {}): CaseCommand {
  return {
    type: 'DecideCase',
    caseId: CASE_ID,
    outcome: 'penalty',
    penalties: [fine],
    legalBasis: basis,
    decisionNumber: '尚市监处字〔2026〕17号',
    decisionTextSha256: hash('d'),
    collectiveDiscussion: null,
    records: [],
    persons: teamFacts,
    ...overrides,
  };
}

const close = (disposition: 'executed' | 'no-penalty' | 'transferred' | 'terminated', reasons: string | null = null): CaseCommand => ({
  type: 'CloseCase',
  caseId: CASE_ID,
  disposition,
  reasons,
  records: [],
});

describe('enforcement cases (行政执法案件)', () => {
  describe('opening a case (立案)', () => {
    const open: CaseCommand = {
      type: 'OpenCase',
      caseId: CASE_ID,
      title: '某某商贸有限公司销售不合格产品案',
      enforcementKind: 'penalty',
      major: false,
      party: { kind: 'legal-person', name: '尚志市某某商贸有限公司', reference: null },
      legalBasis: basis,
      records: [{ title: '立案审批表', sha256: hash('0') }],
    };

    it('records the case for the clerk’s unit, dated in China time, with the cited document numbers', () => {
      given(caseDecider)
        .when(open, { actor: clerk, now: '2026-03-01T17:30:00.000Z' })
        .then([
          {
            type: 'case.opened.v1',
            data: {
              caseId: CASE_ID,
              unitId: UNIT,
              title: open.title,
              enforcementKind: 'penalty',
              major: false,
              party: { kind: 'legal-person', name: '尚志市某某商贸有限公司', reference: null },
              legalBasis: basis,
              openedOn: '2026-03-02',
              records: [{ title: '立案审批表', sha256: hash('0') }],
            },
          },
        ]);
    });

    it('refuses a clerk without a unit', () => {
      given(caseDecider).when(open, { actor: { ...clerk, unitId: null } }).thenThrows(NotPermitted);
    });

    it('refuses to open the same case twice', () => {
      given(caseDecider, [opened()]).when(open, { actor: clerk }).thenThrows(StepOutOfOrder);
    });
  });

  describe('assigning officers (行政处罚法 第42、55条)', () => {
    it('records two officers with the certificates they showed', () => {
      given(caseDecider, [opened()])
        .when(assign([{ personId: 'person-a', certificateId: 'cert-person-a' }, { personId: 'person-b', certificateId: 'cert-person-b' }], twoCertified), {
          actor: clerk,
          now: NOW,
        })
        .then([{ type: 'case.officersAssigned.v1', data: { caseId: CASE_ID, officers: [officer('person-a'), officer('person-b')], assignedOn: TODAY } }]);
    });

    it('rejects a single officer', () => {
      const error = given(caseDecider, [opened()])
        .when(assign([{ personId: 'person-a', certificateId: 'cert-person-a' }], twoCertified), { actor: clerk })
        .thenThrows(TooFewOfficers, { fields: [['officers']] });
      expect(error.article).to.include('第42条');
    });

    it('rejects the same officer named twice, which is still one officer', () => {
      given(caseDecider, [opened()])
        .when(
          assign(
            [
              { personId: 'person-a', certificateId: 'cert-person-a' },
              { personId: 'person-a', certificateId: 'cert-person-a' },
            ],
            twoCertified,
          ),
          { actor: clerk },
        )
        .thenThrows(TooFewOfficers);
    });

    it('rejects a person who is not registered', () => {
      given(caseDecider, [opened()])
        .when(
          assign(
            [
              { personId: 'person-a', certificateId: 'cert-person-a' },
              { personId: 'person-ghost', certificateId: 'cert-x' },
            ],
            twoCertified,
          ),
          { actor: clerk },
        )
        .thenThrows(PersonNotRegistered, { personId: 'person-ghost', fields: [['officers', 1, 'personId']] });
    });

    it('rejects a certificate that is not the officer’s', () => {
      given(caseDecider, [opened()])
        .when(
          assign(
            [
              { personId: 'person-a', certificateId: 'cert-person-b' },
              { personId: 'person-b', certificateId: 'cert-person-b' },
            ],
            twoCertified,
          ),
          { actor: clerk },
        )
        .thenThrows(OfficerNotCertified, { problem: 'no-such-certificate', fields: [['officers', 0, 'certificateId']] });
    });

    const officers = [
      { personId: 'person-a', certificateId: 'cert-a' },
      { personId: 'person-b', certificateId: 'cert-person-b' },
    ];
    const withCertificateA = (overrides: Parameters<typeof certificate>[1]) => ({
      ...twoCertified,
      'person-a': person('person-a', certificate('cert-a', overrides)),
    });

    it('rejects a certificate that expired the day before', () => {
      const error = given(caseDecider, [opened()])
        .when(assign(officers, withCertificateA({ validUntil: '2026-03-01' })), { actor: clerk, now: NOW })
        .thenThrows(OfficerNotCertified, { problem: 'expired', day: TODAY });
      expect(error.article).to.equal('行政处罚法 (2021) 第42、55条');
    });

    it('accepts a certificate on its last day', () => {
      given(caseDecider, [opened()])
        .when(assign(officers, withCertificateA({ validUntil: TODAY })), { actor: clerk, now: NOW })
        .thenTypes('case.officersAssigned.v1');
    });

    it('judges validity by the day in China, not in UTC', () => {
      // 2026-03-01T17:00Z is already 2 March in 尚志: a certificate valid until 1 March has expired.
      expect(chinaDateOf('2026-03-01T17:00:00.000Z')).to.equal('2026-03-02');
      given(caseDecider, [opened()])
        .when(assign(officers, withCertificateA({ validUntil: '2026-03-01' })), { actor: clerk, now: '2026-03-01T17:00:00.000Z' })
        .thenThrows(OfficerNotCertified, { problem: 'expired' });
    });

    it('rejects a certificate not yet valid', () => {
      given(caseDecider, [opened()])
        .when(assign(officers, withCertificateA({ validFrom: '2026-03-03' })), { actor: clerk, now: NOW })
        .thenThrows(OfficerNotCertified, { problem: 'not-yet-valid' });
    });

    it('rejects a certificate revoked on the day', () => {
      given(caseDecider, [opened()])
        .when(assign(officers, withCertificateA({ revokedOn: TODAY })), { actor: clerk, now: NOW })
        .thenThrows(OfficerNotCertified, { problem: 'revoked' });
    });

    it('accepts a certificate whose revocation takes effect tomorrow', () => {
      given(caseDecider, [opened()])
        .when(assign(officers, withCertificateA({ revokedOn: '2026-03-03' })), { actor: clerk, now: NOW })
        .thenTypes('case.officersAssigned.v1');
    });

    it('refuses a clerk of another unit', () => {
      given(caseDecider, [opened()])
        .when(assign([{ personId: 'person-a', certificateId: 'cert-person-a' }, { personId: 'person-b', certificateId: 'cert-person-b' }], twoCertified), {
          actor: otherClerk,
        })
        .thenThrows(NotPermitted);
    });

    it('answers not found for a case never opened', () => {
      given(caseDecider).when(assign([], {}), { actor: clerk }).thenThrows(SubjectNotFound);
    });

    it('refuses a closed case', () => {
      const closed: CaseEvent = {
        type: 'case.closed.v1',
        data: {
          caseId: CASE_ID,
          disposition: 'terminated',
          reasons: '当事人死亡',
          closedOn: '2026-02-28',
          suspectedCrime: false,
          penaltyImposed: false,
          transferOutcome: 'none',
          records: [],
        },
      };
      given(caseDecider, [opened(), officersAssigned, closed])
        .when(assign([], {}), { actor: clerk })
        .thenThrows(StepOutOfOrder);
    });
  });

  describe('recording evidence (全过程记录)', () => {
    const evidence = (collectedBy: string, persons: Record<string, PersonFacts> = teamFacts): CaseCommand => ({
      type: 'RecordEvidence',
      caseId: CASE_ID,
      evidenceId: 'evidence-1',
      kind: 'documentary',
      title: '销售台账',
      sha256: hash('a'),
      collectedBy,
      persons,
    });
    const withCertificateA = (overrides: Parameters<typeof certificate>[1]) => ({
      ...teamFacts,
      'person-a': person('person-a', certificate('cert-person-a', overrides)),
    });

    it('records the content hash and the officer who collected it', () => {
      given(caseDecider, [opened(), officersAssigned])
        .when(evidence('person-a'), { actor: clerk, now: NOW })
        .then([
          {
            type: 'case.evidenceRecorded.v1',
            data: {
              caseId: CASE_ID,
              evidenceId: 'evidence-1',
              kind: 'documentary',
              title: '销售台账',
              sha256: hash('a'),
              collectedBy: 'person-a',
              recordedOn: TODAY,
            },
          },
        ]);
    });

    it('rejects evidence collected by someone not on the case', () => {
      given(caseDecider, [opened(), officersAssigned])
        .when(evidence('person-x'), { actor: clerk })
        .thenThrows(OfficerNotAssigned, { personId: 'person-x', fields: [['collectedBy']] });
    });

    it('refuses evidence before officers are assigned', () => {
      given(caseDecider, [opened()]).when(evidence('person-a'), { actor: clerk }).thenThrows(StepOutOfOrder);
    });

    describe('when the collecting officer’s certificate is no longer valid today (持证上岗, 第42、55条)', () => {
      it('rejects evidence collected by an officer whose certificate expired since the team was assigned', () => {
        const error = given(caseDecider, [opened(), officersAssigned])
          .when(evidence('person-a', withCertificateA({ validUntil: '2026-03-01' })), { actor: clerk, now: NOW })
          .thenThrows(OfficerNotCertified, { personId: 'person-a', problem: 'expired', day: TODAY, fields: [['collectedBy']] });
        expect(error.article).to.equal('行政处罚法 (2021) 第42、55条');
      });

      it('rejects evidence collected by an officer whose certificate was revoked on or before today', () => {
        given(caseDecider, [opened(), officersAssigned])
          .when(evidence('person-a', withCertificateA({ revokedOn: TODAY })), { actor: clerk, now: NOW })
          .thenThrows(OfficerNotCertified, { problem: 'revoked', fields: [['collectedBy']] });
      });

      it('judges the day in China: at 01:00 on 2 March in 尚志 a certificate valid until 1 March has expired', () => {
        given(caseDecider, [opened(), officersAssigned])
          .when(evidence('person-a', withCertificateA({ validUntil: '2026-03-01' })), { actor: clerk, now: '2026-03-01T17:00:00.000Z' })
          .thenThrows(OfficerNotCertified, { problem: 'expired' });
      });

      it('accepts evidence on the certificate’s last day, and when only another officer’s certificate lapsed', () => {
        given(caseDecider, [opened(), officersAssigned])
          .when(evidence('person-a', withCertificateA({ validUntil: TODAY })), { actor: clerk, now: NOW })
          .thenTypes('case.evidenceRecorded.v1');
        given(caseDecider, [opened(), officersAssigned])
          .when(evidence('person-b', withCertificateA({ revokedOn: '2026-02-01' })), { actor: clerk, now: NOW })
          .thenTypes('case.evidenceRecorded.v1');
      });
    });
  });

  describe('the hearing (听证)', () => {
    const request: CaseCommand = { type: 'RecordHearingRequest', caseId: CASE_ID, records: [] };
    const hearing = (presidedBy: string): CaseCommand => ({ type: 'RecordHearing', caseId: CASE_ID, presidedBy, records: [] });

    it('records a request when the notice offered a hearing', () => {
      given(caseDecider, [opened(), officersAssigned, rightsNotified(true)])
        .when(request, { actor: clerk, now: NOW })
        .then([{ type: 'case.hearingRequested.v1', data: { caseId: CASE_ID, requestedOn: TODAY, records: [] } }]);
    });

    it('refuses a request the notice did not offer', () => {
      given(caseDecider, [opened(), officersAssigned, rightsNotified(false)]).when(request, { actor: clerk }).thenThrows(StepOutOfOrder);
    });

    it('rejects an investigating officer as presiding (第64条)', () => {
      given(caseDecider, [opened(), officersAssigned, rightsNotified(true), hearingRequested])
        .when(hearing('person-a'), { actor: clerk })
        .thenThrows(HearingPresiderNotIndependent);
    });

    it('records the hearing presided over by someone else', () => {
      given(caseDecider, [opened(), officersAssigned, rightsNotified(true), hearingRequested])
        .when(hearing('person-fzk'), { actor: clerk, now: NOW })
        .then([{ type: 'case.hearingHeld.v1', data: { caseId: CASE_ID, presidedBy: 'person-fzk', heldOn: TODAY, records: [] } }]);
    });
  });

  describe('the decision (处罚决定)', () => {
    it('decides an ordinary case without a legal review', () => {
      given(caseDecider, [opened(), officersAssigned, rightsNotified()])
        .when(decide(), { actor: head, now: NOW })
        .then([
          {
            type: 'case.decided.v1',
            data: {
              caseId: CASE_ID,
              decidedBy: head.personId,
              outcome: 'penalty',
              penalties: [fine],
              legalBasis: basis,
              decisionNumber: '尚市监处字〔2026〕17号',
              decisionTextSha256: hash('d'),
              collectiveDiscussion: null,
              decidedOn: TODAY,
              records: [],
            },
          },
        ]);
    });

    describe('when an officer of the team is no longer certified on the day of the decision (持证上岗, 第42、55条)', () => {
      const lapsedB = { ...teamFacts, 'person-b': person('person-b', certificate('cert-person-b', { validUntil: '2026-02-28' })) };

      it('rejects the decision, naming the officer, until the team is reassigned', () => {
        given(caseDecider, [opened(), officersAssigned, rightsNotified()])
          .when(decide({ persons: lapsedB }), { actor: head, now: NOW })
          .thenThrows(OfficerNotCertified, { personId: 'person-b', problem: 'expired', day: TODAY, fields: [] });
      });

      it('rejects it when a certificate was revoked since the assignment', () => {
        const revokedA = { ...teamFacts, 'person-a': person('person-a', certificate('cert-person-a', { revokedOn: '2026-03-01' })) };
        given(caseDecider, [opened(), officersAssigned, rightsNotified()])
          .when(decide({ outcome: 'no-penalty', penalties: [], persons: revokedA }), { actor: head, now: NOW })
          .thenThrows(OfficerNotCertified, { personId: 'person-a', problem: 'revoked' });
      });

      it('decides once a certified team was assigned instead', () => {
        const reassigned: CaseEvent = {
          type: 'case.officersAssigned.v1',
          data: { caseId: CASE_ID, officers: [officer('person-a'), officer('person-c')], assignedOn: TODAY },
        };
        given(caseDecider, [opened(), officersAssigned, rightsNotified(), reassigned])
          .when(decide({ persons: { ...lapsedB, 'person-c': person('person-c') } }), { actor: head, now: NOW })
          .thenTypes('case.decided.v1');
      });
    });

    it('rejects a penalty before the party was notified (告知, 第44、62条)', () => {
      given(caseDecider, [opened(), officersAssigned]).when(decide(), { actor: head }).thenThrows(RightsNoticeRequired);
    });

    it('decides not to penalise without a notice', () => {
      given(caseDecider, [opened(), officersAssigned])
        .when(decide({ outcome: 'no-penalty', penalties: [] }), { actor: head })
        .thenTypes('case.decided.v1');
    });

    it('rejects a penalty while a requested hearing was not held', () => {
      given(caseDecider, [opened(), officersAssigned, rightsNotified(true), hearingRequested])
        .when(decide(), { actor: head })
        .thenThrows(HearingRequired);
    });

    describe('when the case is major (重大案件)', () => {
      const major = [opened({ major: true }), officersAssigned, rightsNotified()];
      const meeting = { meetingId: 'meeting-2026-4', heldOn: '2026-02-27' };

      it('rejects a decision without a legal review (第58条)', () => {
        const error = given(caseDecider, major)
          .when(decide({ collectiveDiscussion: meeting }), { actor: head })
          .thenThrows(LegalReviewRequired, { lastOutcome: null });
        expect(error.article).to.equal('行政处罚法 (2021) 第58条');
      });

      it('rejects a decision after a failed legal review', () => {
        given(caseDecider, [...major, legalReviewed('failed')])
          .when(decide({ collectiveDiscussion: meeting }), { actor: head })
          .thenThrows(LegalReviewRequired, { lastOutcome: 'failed' });
      });

      it('decides after a failed review was followed by a passed one', () => {
        given(caseDecider, [...major, legalReviewed('failed'), legalReviewed('passed')])
          .when(decide({ collectiveDiscussion: meeting }), { actor: head })
          .thenTypes('case.decided.v1');
      });

      it('rejects a decision the head took alone (集体讨论, 第57条)', () => {
        given(caseDecider, [...major, legalReviewed('passed')])
          .when(decide(), { actor: head })
          .thenThrows(CollectiveDiscussionRequired, { article: '行政处罚法 (2021) 第57条' });
      });
    });

    it('refuses a second decision', () => {
      given(caseDecider, decidedCase).when(decide(), { actor: head }).thenThrows(StepOutOfOrder);
    });

    it('refuses a legal review after the decision', () => {
      given(caseDecider, decidedCase)
        .when({ type: 'RecordLegalReview', caseId: CASE_ID, outcome: 'passed', opinion: '同意', records: [] }, { actor: reviewer })
        .thenThrows(StepOutOfOrder);
    });

    it('records the legal reviewer and the day of the review', () => {
      given(caseDecider, [opened(), officersAssigned])
        .when({ type: 'RecordLegalReview', caseId: CASE_ID, outcome: 'passed', opinion: '同意', records: [] }, { actor: reviewer, now: NOW })
        .then([
          {
            type: 'case.legalReviewed.v1',
            data: { caseId: CASE_ID, reviewedBy: reviewer.personId, outcome: 'passed', opinion: '同意', reviewedOn: TODAY, records: [] },
          },
        ]);
    });
  });

  describe('publication (公示, 国办发〔2018〕118号)', () => {
    const reference = 'http://www.shangzhi.gov.cn/xzcf/2026/17';
    const publish: CaseCommand = {
      type: 'PublishCase',
      caseId: CASE_ID,
      channel: 'website',
      reference,
      summary: '某某商贸有限公司销售不合格产品，罚款二万元',
    };

    it('records a penalty’s publication with its 7-working-day deadline for the read models', () => {
      given(caseDecider, decidedCase)
        .when(publish, { actor: clerk, now: NOW })
        .then([
          {
            type: 'case.published.v1',
            data: {
              caseId: CASE_ID,
              publishedOn: TODAY,
              deadlineWorkingDays: 7,
              channel: 'website',
              reference,
              summary: '某某商贸有限公司销售不合格产品，罚款二万元',
            },
          },
        ]);
    });

    it('gives other enforcement decisions 20 working days', () => {
      const [event] = given(caseDecider, [opened({ enforcementKind: 'compulsory-measure' }), officersAssigned, rightsNotified(), decided()])
        .when(publish, { actor: clerk })
        .thenTypes('case.published.v1');
      expect(event?.type === 'case.published.v1' && event.data.deadlineWorkingDays).to.equal(20);
    });

    it('refuses to publish before the decision', () => {
      given(caseDecider, [opened(), officersAssigned]).when(publish, { actor: clerk }).thenThrows(StepOutOfOrder);
    });

    it('refuses to publish twice', () => {
      given(caseDecider, [...decidedCase, published]).when(publish, { actor: clerk }).thenThrows(StepOutOfOrder);
    });

    describe('when a published decision is changed or revoked (第48条)', () => {
      const change: CaseCommand = {
        type: 'RecordDecisionChange',
        caseId: CASE_ID,
        change: 'revoked',
        by: 'administrative-reconsideration',
        reasons: '复议决定撤销',
        newDecisionTextSha256: null,
      };
      const revoked: CaseEvent = {
        type: 'case.decisionChanged.v1',
        data: {
          caseId: CASE_ID,
          change: 'revoked',
          by: 'administrative-reconsideration',
          reasons: '复议决定撤销',
          newDecisionTextSha256: null,
          changedOn: TODAY,
          wasPublished: true,
        },
      };

      it('records the change and that the decision was published, from which the 3-day withdrawal runs', () => {
        given(caseDecider, [...decidedCase, published]).when(change, { actor: clerk, now: NOW }).then([revoked]);
      });

      it('records the withdrawal of the publication', () => {
        given(caseDecider, [...decidedCase, published, revoked])
          .when({ type: 'WithdrawPublication', caseId: CASE_ID, reference: '撤销公告', reasons: '决定已被撤销' }, { actor: clerk, now: NOW })
          .then([
            {
              type: 'case.publicationWithdrawn.v1',
              data: { caseId: CASE_ID, withdrawnOn: TODAY, reference: '撤销公告', reasons: '决定已被撤销' },
            },
          ]);
      });

      it('refuses to republish a revoked decision', () => {
        given(caseDecider, [...decidedCase, published, revoked]).when(publish, { actor: clerk }).thenThrows(StepOutOfOrder);
      });

      it('refuses to withdraw what was never published', () => {
        given(caseDecider, decidedCase)
          .when({ type: 'WithdrawPublication', caseId: CASE_ID, reference: '撤销公告', reasons: '无' }, { actor: clerk })
          .thenThrows(StepOutOfOrder);
      });
    });
  });

  describe('execution and closing (执行、结案)', () => {
    it('refuses to record an execution without a penalty', () => {
      given(caseDecider, [opened(), officersAssigned, decided('no-penalty')])
        .when({ type: 'RecordExecution', caseId: CASE_ID, manner: 'voluntary', paidFen: null, records: [] }, { actor: clerk })
        .thenThrows(StepOutOfOrder);
    });

    it('closes an executed case, recording that no crime was suspected', () => {
      given(caseDecider, [...decidedCase, executed])
        .when(close('executed'), { actor: clerk, now: NOW })
        .then([
          {
            type: 'case.closed.v1',
            data: {
              caseId: CASE_ID,
              disposition: 'executed',
              reasons: null,
              closedOn: TODAY,
              suspectedCrime: false,
              penaltyImposed: true,
              transferOutcome: 'none',
              records: [],
            },
          },
        ]);
    });

    it('refuses to close as executed before the execution', () => {
      given(caseDecider, decidedCase).when(close('executed'), { actor: clerk }).thenThrows(StepOutOfOrder);
    });

    it('refuses to close as transferred without a transfer sent', () => {
      given(caseDecider, decidedCase).when(close('transferred'), { actor: clerk }).thenThrows(StepOutOfOrder);
    });

    it('refuses to close while a transfer awaits the head (310号 第5条)', () => {
      given(caseDecider, [opened(), officersAssigned, transferReported()]).when(close('terminated', '撤案'), { actor: clerk }).thenThrows(StepOutOfOrder);
    });

    it('refuses to close while an approved transfer is not yet sent', () => {
      given(caseDecider, [opened(), officersAssigned, transferReported(), transferApproved])
        .when(close('terminated', '撤案'), { actor: clerk })
        .thenThrows(StepOutOfOrder);
    });

    describe('when a crime was suspected (以罚代刑, 310号 第10条: flagged, not rejected)', () => {
      it('marks the suspicion once', () => {
        given(caseDecider, [opened()])
          .when({ type: 'MarkSuspectedCrime', caseId: CASE_ID, grounds: '销售金额超过五万元' }, { actor: clerk, now: NOW })
          .then([{ type: 'case.crimeSuspected.v1', data: { caseId: CASE_ID, grounds: '销售金额超过五万元', suspectedOn: TODAY } }]);
        given(caseDecider, [opened(), crimeSuspected])
          .when({ type: 'MarkSuspectedCrime', caseId: CASE_ID, grounds: '再次' }, { actor: clerk })
          .then([]);
      });

      const closedData = (events: readonly CaseEvent[]) => {
        const [event] = given(caseDecider, events).when(close('executed'), { actor: clerk }).thenTypes('case.closed.v1');
        return event?.type === 'case.closed.v1' ? event.data : null;
      };

      it('closes with a fine and no transfer, recording what the read model flags', () => {
        expect(closedData([opened(), crimeSuspected, officersAssigned, rightsNotified(), decided(), executed])).to.include({
          suspectedCrime: true,
          penaltyImposed: true,
          transferOutcome: 'none',
        });
      });

      it('records a transfer the head refused', () => {
        expect(
          closedData([opened(), officersAssigned, transferReported(), transferRefused, rightsNotified(), decided(), executed]),
        ).to.include({ suspectedCrime: true, transferOutcome: 'refused-by-head' });
      });

      it('records the police refusal on record, which clears the flag', () => {
        expect(
          closedData([
            opened(),
            officersAssigned,
            transferReported(),
            transferApproved,
            transferred,
            transferReceived,
            transferReturned,
            rightsNotified(),
            decided(),
            executed,
          ]),
        ).to.include({ suspectedCrime: true, penaltyImposed: true, transferOutcome: 'returned' });
      });

      it('records a transfer the police accepted', () => {
        expect(
          closedData([
            opened(),
            officersAssigned,
            transferReported(),
            transferApproved,
            transferred,
            transferReceived,
            transferAccepted,
            rightsNotified(),
            decided(),
            executed,
          ]),
        ).to.include({ transferOutcome: 'accepted' });
      });
    });

    it('keeps an appraisal among the evidence', () => {
      const state = given(caseDecider, [opened(), officersAssigned, appraisalRecorded()]).state;
      expect(state.status !== 'none' && state.evidence.map((item) => item.kind)).to.deep.equal(['appraisal']);
    });
  });
});
