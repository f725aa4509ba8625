import { expect } from 'chai';
import { factsOf, marksOf } from '@quanze/projections';
import type { MarkableStep } from '@quanze/projections';

let position = 0;
function step(type: string, facts: MarkableStep['facts'], occurredAt = '2020-01-01T02:00:00.000Z'): MarkableStep {
  position += 1;
  return { position, type, occurredAt, facts };
}

describe('marks of a step (skipped, late, overridden)', () => {
  describe('when a suspected crime is closed with a penalty', () => {
    it('marks the transfer skipped when no police decision is on record (以罚代刑)', () => {
      const closed = step('case.closed.v1', { suspectedCrime: true, penaltyImposed: true, transferOutcome: 'none', closedOn: '2020-05-01' });
      expect(marksOf(closed, [])).to.deep.equal([
        {
          kind: 'skipped',
          rule: 'a suspected crime closed with a penalty and no transfer decided by the police (以罚代刑)',
          article: '310号 第3、10条',
          detail: { step: 'transfer', transferOutcome: 'none' },
        },
      ]);
    });

    it('does not mark it when the police returned the transfer', () => {
      expect(marksOf(step('case.closed.v1', { suspectedCrime: true, penaltyImposed: true, transferOutcome: 'returned' }), [])).to.deep.equal([]);
    });
  });

  it('marks hearing materials sent fewer than 7 days before the hearing (713号 第16条)', () => {
    const late = marksOf(step('decision.hearingHeld.v1', { materialsSentOn: '2017-05-10', heldOn: '2017-05-15' }), []);
    expect(late.map((mark) => [mark.kind, mark.article, mark.detail.days])).to.deep.equal([['late', '713号 第16条', 5]]);
    expect(marksOf(step('decision.hearingHeld.v1', { materialsSentOn: '2017-05-08', heldOn: '2017-05-15' }), [])).to.deep.equal([]);
  });

  it('marks a discussion that rested on a stated legal risk instead of a passed review (探索性改革)', () => {
    const marks = marksOf(step('decision.collectiveDiscussionConvened.v1', { 'legality.review': null, 'legality.exploratoryReform.statedBy': 'person-mayor' }), []);
    expect(marks.map((mark) => [mark.kind, mark.detail.step, mark.detail.statedBy])).to.deep.equal([['skipped', 'legalityReview', 'person-mayor']]);
  });

  it('marks a step revised not to apply', () => {
    const marks = marksOf(step('decision.stepApplicabilityRevised.v1', { step: 'riskAssessment', 'determination.applies': false }), []);
    expect(marks.map((mark) => [mark.kind, mark.detail.step])).to.deep.equal([['skipped', 'riskAssessment']]);
  });

  it('does not mark a decision that follows the majority', () => {
    expect(marksOf(step('decision.made.v1', { differsFromMajority: false, majorityOpinion: 'for', outcome: 'adopted' }), [])).to.deep.equal([]);
  });

  it('counts the days from the earlier step of the same transfer only', () => {
    const otherReceipt = step('case.transferReceived.v1', { transferId: 't-2', receivedAt: '2020-03-01T02:00:00.000Z' });
    const receipt = step('case.transferReceived.v1', { transferId: 't-1', receivedAt: '2020-03-10T02:00:00.000Z' });
    const accepted = step('case.transferAccepted.v1', { transferId: 't-1', acceptedAt: '2020-03-13T15:00:00.000Z' });
    // 03-13 23:00 in China is still the third day after the receipt: in time.
    expect(marksOf(accepted, [otherReceipt, receipt])).to.deep.equal([]);
    const handedOver = step('case.seizedItemsHandedOver.v1', { transferId: 't-1', handedOverOn: '2020-03-18' });
    expect(marksOf(handedOver, [otherReceipt, receipt, accepted]).map((mark) => [mark.article, mark.detail.days])).to.deep.equal([['310号 第12条', 5]]);
  });

  it('marks a forward more than 24 hours after the receipt (310号 第7条)', () => {
    const receipt = step('case.transferReceived.v1', { transferId: 't-1', receivedAt: '2020-03-10T02:00:00.000Z' });
    const forward = step('case.transferForwarded.v1', { transferId: 't-1', forwardedAt: '2020-03-11T03:00:00.000Z' });
    expect(marksOf(forward, [receipt]).map((mark) => [mark.kind, mark.detail.hours])).to.deep.equal([['late', 25]]);
  });

  it('marks a decision more than 90 days after the case was opened (行政处罚法 第60条)', () => {
    const opened = step('case.opened.v1', { openedOn: '2020-01-02' });
    expect(marksOf(step('case.decided.v1', { decidedOn: '2020-04-01' }), [opened])).to.deep.equal([]);
    expect(marksOf(step('case.decided.v1', { decidedOn: '2020-04-02' }), [opened]).map((mark) => mark.detail.days)).to.deep.equal([91]);
  });
});

describe('the facts of a step', () => {
  it('keeps ids, dates and enum values, flattens nested objects, and replaces free text by true', () => {
    expect(
      factsOf({
        caseId: 'case-1',
        title: '张某销售假冒食品案',
        party: { kind: 'natural-person', name: 'Zhang San' },
        meeting: { kind: 'standing', heldOn: '2017-05-02' },
        amount: 5000,
        major: false,
        reasons: null,
        officers: [{ personId: 'p-1' }],
      }),
    ).to.deep.equal({ caseId: 'case-1', title: true, 'meeting.kind': 'standing', 'meeting.heldOn': '2017-05-02', amount: 5000, major: false, reasons: null });
  });
});
