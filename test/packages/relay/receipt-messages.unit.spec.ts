import { expect } from 'chai';
import { ReceiptMessageV1, TransferMessageV1, transferAnswerRequest } from '@quanze/relay';
import type { ReceiptMessageInput, RelayOrganisation } from '@quanze/relay';

const police: RelayOrganisation = { code: 'shangzhi-police', unitId: 'unit-gaj', kind: 'public-security' };
const common = {
  schema: 'quanze.receipt.v1',
  messageId: '5b0c7f0e-2d4a-5e1b-8c3d-9a8b7c6d5e4f',
  caseId: 'case-17',
  transferId: 'transfer-1',
  actor: { personId: 'person-police', postId: 'post-police-xzk' },
} as const;
const onTransfer = { caseId: 'case-17', transferId: 'transfer-1', actingAs: ['public-security'] };

describe('the receipts messages', () => {
  describe('each kind becomes the command its HTTP route issues, acting as the organisation of the topic', () => {
    const cases: [ReceiptMessageInput, Record<string, unknown>][] = [
      [{ ...common, kind: 'receipt', receiptNumber: '尚公回〔2026〕9号' }, { type: 'RecordReceipt', receiptNumber: '尚公回〔2026〕9号' }],
      [{ ...common, kind: 'receipt' }, { type: 'RecordReceipt', receiptNumber: null }],
      [
        { ...common, kind: 'forwarding', to: { unitId: 'unit-fy', kind: 'court' }, reasons: '属人民法院自诉案件' },
        { type: 'ForwardTransfer', to: { unitId: 'unit-fy', kind: 'court' }, reasons: '属人民法院自诉案件' },
      ],
      [{ ...common, kind: 'acceptance', criminalCaseNumber: 'A2301832026030001' }, { type: 'AcceptTransfer', criminalCaseNumber: 'A2301832026030001' }],
      [{ ...common, kind: 'return', reasons: '没有犯罪事实' }, { type: 'ReturnTransfer', reasons: '没有犯罪事实' }],
      [{ ...common, kind: 'return' }, { type: 'ReturnTransfer', reasons: null }],
      [
        { ...common, kind: 'reconsideration-answer', outcome: 'refusal-upheld', reasons: '维持不予立案决定' },
        { type: 'AnswerReconsideration', outcome: 'refusal-upheld', reasons: '维持不予立案决定' },
      ],
      [{ ...common, kind: 'seized-items-handover', inventorySha256: '9'.repeat(64) }, { type: 'RecordSeizedItemsHandover', inventorySha256: '9'.repeat(64) }],
    ];
    for (const [message, request] of cases) {
      it(`${message.kind}${Object.keys(message).length === Object.keys(common).length + 1 ? ' (optional fields left out)' : ''}`, () => {
        expect(transferAnswerRequest(ReceiptMessageV1.parse(message), police)).to.deep.equal({ ...request, ...onTransfer });
      });
    }
  });

  it('answers no transfer in particular unless it says so: inReplyTo defaults to null', () => {
    expect(ReceiptMessageV1.parse({ ...common, kind: 'receipt' }).inReplyTo).to.equal(null);
  });

  it('refuses an unknown field, an unknown kind, another schema version, and a message id that is not a UUID', () => {
    const refused = (input: unknown) => ReceiptMessageV1.safeParse(input).error?.issues.map((issue) => issue.path.join('.'));
    expect(refused({ ...common, kind: 'receipt', signedBy: 'someone' })).to.deep.equal(['']);
    expect(refused({ ...common, kind: 'refusal' })).to.deep.equal(['kind']);
    expect(refused({ ...common, kind: 'receipt', schema: 'quanze.receipt.v2' })).to.deep.equal(['schema']);
    expect(refused({ ...common, kind: 'receipt', messageId: 'message-1' })).to.deep.equal(['messageId']);
    expect(refused({ ...common, kind: 'receipt', actor: { personId: 'person-police' } })).to.deep.equal(['actor.postId']);
  });

  it('keeps the transfer message strict: a field the schema does not name is refused', () => {
    const transfer = {
      schema: 'quanze.transfer.v1',
      caseId: 'case-17',
      transferId: 'transfer-1',
      receivingAuthority: { unitId: 'unit-gaj', kind: 'public-security', organisationCode: 'shangzhi-police' },
      case: null,
      transfer: {
        fromUnitId: 'unit-scjgj',
        suspectedOffence: '销售伪劣产品罪',
        approvedBy: 'person-head',
        approvedAt: '2026-03-02T01:00:00.000Z',
        reportingOfficerIds: ['person-a', 'person-b'],
        materials: [{ kind: 'transfer-letter', title: '涉嫌犯罪案件移送书', sha256: '1'.repeat(64) }],
      },
      sentBy: { personId: 'person-clerk', postId: null, unitId: 'unit-scjgj' },
      sentAt: '2026-03-02T01:05:00.000Z',
      forwarded: null,
      ledger: { eventId: '0193c6f4-0c1d-7e2f-9a3b-4c5d6e7f8a9b', position: 1742, contentHash: 'a'.repeat(64), entry: {} },
    };
    expect(TransferMessageV1.safeParse(transfer).success).to.equal(true);
    expect(TransferMessageV1.safeParse({ ...transfer, signedBy: 'someone' }).error?.issues.map((issue) => issue.message)).to.have.length(1);
  });
});
