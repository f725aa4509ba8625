import { expect } from 'chai';
import { FindingRecordedV1 } from '@quanze/events';
import type { HeldResponsible } from '@quanze/events';
import { SubjectNotFound } from '@quanze/service-kit';
import { given } from '../../support/decider.js';
import { findingDecider } from '../../../services/accountability/src/findings/decider.js';
import type { FindingEvent, RecordFinding, WithdrawFinding } from '../../../services/accountability/src/findings/decider.js';
import {
  FaultedStepUnknown,
  FindingAlreadyRecorded,
  FindingAlreadyWithdrawn,
  FindingDateInFuture,
  FindingSubjectUnknown,
  PersonHeldResponsibleTwice,
  WithdrawalBeforeFinding,
} from '../../../services/accountability/src/findings/errors.js';

const findingId = 'finding-1';
const subject = { kind: 'decision', id: 'decision-heating' } as const;
const faultedStep = '0a7c5b9e-2f61-4f0e-9d1a-6c3b8e4f2a10';
const proposer: HeldResponsible = { personId: 'person-wang', unitId: 'unit-development', responsibility: 'direct', measures: ['major-demerit', 'removed-from-post'] };
const head: HeldResponsible = { personId: 'person-li', unitId: 'unit-government', responsibility: 'principal-leadership', measures: ['admonishment'] };

const record: RecordFinding = {
  type: 'RecordFinding',
  findingId,
  subject,
  heldResponsible: [proposer, head],
  basis: '重大行政决策程序暂行条例 第38条',
  conclusion: '未经风险评估即提交讨论, 造成群众负担过重',
  // The decider's moment is 2026-03-02 17:00 in Beijing.
  decidedOn: '2026-03-02',
  inResponseTo: [faultedStep],
  subjectKnown: true,
  knownStepIds: [faultedStep],
};

const recorded: FindingEvent = {
  type: 'finding.recorded.v1',
  data: {
    findingId,
    subject,
    heldResponsible: [proposer, head],
    basis: record.basis,
    conclusion: record.conclusion,
    decidedOn: '2026-03-02',
    inResponseTo: [faultedStep],
  },
};

const withdraw: WithdrawFinding = { type: 'WithdrawFinding', findingId, ground: 'appeal', reasons: '申诉成立: 风险评估依法不适用', withdrawnOn: '2026-03-02' };

describe('accountability findings (问责决定)', () => {
  describe('when supervision records a finding', () => {
    it('records who is held responsible, with which measures, and the steps found at fault', () => {
      const [event] = given(findingDecider).when(record).then([recorded]);
      // What the decider decides is what the event schema accepts.
      expect(FindingRecordedV1.safeParse(event?.data).success).to.equal(true);
    });

    it('records a finding without faulted steps', () => {
      given(findingDecider)
        .when({ ...record, inResponseTo: [], knownStepIds: [] })
        .then([{ ...recorded, data: { ...recorded.data, inResponseTo: [] } }]);
    });

    it('refuses a subject the ledger has no step of', () => {
      given(findingDecider).when({ ...record, subjectKnown: false }).thenThrows(FindingSubjectUnknown, { fields: [['subject', 'id']] });
    });

    it('refuses a person held responsible twice, naming the second entry', () => {
      given(findingDecider)
        .when({ ...record, heldResponsible: [proposer, head, { ...proposer, measures: ['warning'] }] })
        .thenThrows(PersonHeldResponsibleTwice, { personId: proposer.personId, fields: [['heldResponsible', 2, 'personId']] });
    });

    it('refuses a faulted step that is no step on record, naming it', () => {
      const typo = '0a7c5b9e-2f61-4f0e-9d1a-6c3b8e4f2a11';
      given(findingDecider)
        .when({ ...record, inResponseTo: [faultedStep, typo] })
        .thenThrows(FaultedStepUnknown, { eventId: typo, fields: [['inResponseTo', 1]] });
    });

    it('refuses a finding decided after today, China time', () => {
      given(findingDecider).when({ ...record, decidedOn: '2026-03-03' }).thenThrows(FindingDateInFuture, { field: 'decidedOn', today: '2026-03-02' });
    });

    it('takes today as the China calendar day: 23:30 UTC is already the next day in Beijing', () => {
      given(findingDecider)
        .when({ ...record, decidedOn: '2026-03-03' }, { now: '2026-03-02T23:30:00.000Z' })
        .thenTypes('finding.recorded.v1');
    });

    it('refuses to record the same finding twice', () => {
      given(findingDecider, [recorded]).when(record).thenThrows(FindingAlreadyRecorded);
    });
  });

  describe('when a finding is withdrawn on review or appeal (复核、申诉)', () => {
    it('records the withdrawal on the finding’s subject', () => {
      given(findingDecider, [recorded])
        .when(withdraw)
        .then([{ type: 'finding.withdrawn.v1', data: { findingId, subject, ground: 'appeal', reasons: withdraw.reasons, withdrawnOn: '2026-03-02' } }]);
    });

    it('refuses to withdraw it twice', () => {
      const withdrawn: FindingEvent = { type: 'finding.withdrawn.v1', data: { findingId, subject, ground: 'review', reasons: '复核', withdrawnOn: '2026-03-02' } };
      const error = given(findingDecider, [recorded, withdrawn]).when(withdraw).thenThrows(FindingAlreadyWithdrawn);
      expect(error.article).to.equal('公职人员政务处分法 第55–57条');
    });

    it('refuses a finding that was never recorded', () => {
      given(findingDecider).when(withdraw).thenThrows(SubjectNotFound, { subject: `finding-${findingId}` });
    });

    it('refuses a withdrawal dated before the finding, or after today', () => {
      given(findingDecider, [recorded]).when({ ...withdraw, withdrawnOn: '2026-03-01' }).thenThrows(WithdrawalBeforeFinding, { fields: [['withdrawnOn']] });
      given(findingDecider, [recorded]).when({ ...withdraw, withdrawnOn: '2026-03-03' }).thenThrows(FindingDateInFuture, { field: 'withdrawnOn' });
    });
  });

  describe('the event schema', () => {
    it('refuses a finding that holds nobody responsible, or one person twice', () => {
      expect(FindingRecordedV1.safeParse({ ...recorded.data, heldResponsible: [] }).success).to.equal(false);
      expect(FindingRecordedV1.safeParse({ ...recorded.data, heldResponsible: [proposer, proposer] }).success).to.equal(false);
    });

    it('refuses a measure outside the list, and a measure given twice', () => {
      expect(FindingRecordedV1.safeParse({ ...recorded.data, heldResponsible: [{ ...head, measures: ['fined'] }] }).success).to.equal(false);
      expect(FindingRecordedV1.safeParse({ ...recorded.data, heldResponsible: [{ ...head, measures: ['warning', 'warning'] }] }).success).to.equal(false);
    });
  });
});
