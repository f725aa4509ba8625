import { expect } from 'chai';
import { CaseCitedDocumentNumber, CaseDecidedV1, CaseParty, CasePenalty, caseEvents, ledgerRegistry } from '@quanze/events';

describe('the case events (行政执法案件)', () => {
  it('are all in the ledger’s registry, with the headline case.transferred.v1', () => {
    const types = caseEvents.map((definition) => definition.type);
    expect(types).to.include('case.transferred.v1');
    for (const type of types) expect(ledgerRegistry.has(type), type).to.equal(true);
  });

  it('cite our documents by their number, normative (规) or not', () => {
    expect(CaseCitedDocumentNumber.safeParse('尚政规〔2017〕3号').success).to.equal(true);
    expect(CaseCitedDocumentNumber.safeParse('尚政发〔2016〕12号').success).to.equal(true);
    expect(CaseCitedDocumentNumber.safeParse('尚政规[2017]3号').success).to.equal(false);
    expect(CaseCitedDocumentNumber.safeParse('尚政规〔2017〕0号').success).to.equal(false);
  });

  it('name a party or reference it, and need one of the two', () => {
    expect(CaseParty.safeParse({ kind: 'natural-person', reference: 'party-17' }).success).to.equal(true);
    expect(CaseParty.safeParse({ kind: 'natural-person' }).success).to.equal(false);
  });

  it('give a fine its amount in 分, and no amount to a warning', () => {
    expect(CasePenalty.safeParse({ kind: 'fine', amountFen: 2_000_000 }).success).to.equal(true);
    expect(CasePenalty.safeParse({ kind: 'fine' }).success).to.equal(false);
    expect(CasePenalty.safeParse({ kind: 'fine', amountFen: 12.5 }).success).to.equal(false);
    expect(CasePenalty.safeParse({ kind: 'warning', amountFen: 100 }).success).to.equal(false);
    expect(CasePenalty.safeParse({ kind: 'confiscation' }).success).to.equal(true);
  });

  it('refuse a penalty decision without penalties', () => {
    const result = CaseDecidedV1.safeParse({
      caseId: 'case-1',
      decidedBy: 'person-head',
      outcome: 'penalty',
      penalties: [],
      legalBasis: [{ kind: 'law', title: '产品质量法' }],
      decisionNumber: '尚市监处字〔2026〕17号',
      decisionTextSha256: 'd'.repeat(64),
      collectiveDiscussion: null,
      decidedOn: '2026-03-02',
    });
    expect(result.success).to.equal(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).to.deep.equal(['penalties']);
  });
});
