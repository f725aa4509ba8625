import { expect } from 'chai';
import { NotPermitted, StepOutOfOrder, SubjectNotFound } from '@quanze/service-kit';
import { given } from '../../support/decider.js';
import { caseDecider } from '../../../services/enforcement/src/case-decider.js';
import type { CaseCommand, CaseEvent, JudicialKind, UnitFacts } from '../../../services/enforcement/src/case-decider.js';
import {
  AuthorityKindMismatch,
  AuthorityNotFound,
  OfficerNotAssigned,
  OfficerNotCertified,
  ReturnReasonsRequired,
  TooFewOfficers,
  TransferMaterialsMissing,
  TransferRefusalReasonsRequired,
} from '../../../services/enforcement/src/case-errors.js';
import {
  CASE_ID,
  NOW,
  OTHER_POLICE,
  POLICE,
  PROCURATORATE,
  TODAY,
  TRANSFER_ID,
  appraisalRecorded,
  certificate,
  clerk,
  courtClerk,
  hash,
  head,
  materials,
  officersAssigned,
  opened,
  otherClerk,
  otherPoliceOfficer,
  person,
  policeOfficer,
  receivedTransfer,
  reconsiderationRequested,
  refusalUpheld,
  transferAccepted,
  transferApproved,
  transferRefused,
  transferReported,
  transferReturned,
  teamFacts,
  transferred,
  unitFacts,
} from './case-fixtures.js';

const police = { unitId: POLICE, kind: 'public-security' as const };
const asPolice: readonly JudicialKind[] = ['public-security'];

function report(overrides: Partial<Extract<CaseCommand, { type: 'ReportTransfer' }>> = {}): CaseCommand {
  return {
    type: 'ReportTransfer',
    caseId: CASE_ID,
    transferId: TRANSFER_ID,
    receivingAuthority: police,
    suspectedOffence: '销售伪劣产品罪',
    reportingOfficerIds: ['person-a', 'person-b'],
    records: [],
    receivingUnit: unitFacts(POLICE, 'public-security'),
    persons: teamFacts,
    ...overrides,
  };
}

const approve: CaseCommand = { type: 'ApproveTransfer', caseId: CASE_ID, transferId: TRANSFER_ID };
const refuse = (reasons: string | null): CaseCommand => ({ type: 'RefuseTransfer', caseId: CASE_ID, transferId: TRANSFER_ID, reasons });
const send = (sent: Extract<CaseCommand, { type: 'SendTransfer' }>['materials'] = materials): CaseCommand => ({ type: 'SendTransfer', caseId: CASE_ID, transferId: TRANSFER_ID, materials: sent });
const receipt = (actingAs: readonly JudicialKind[] = asPolice, transferId = TRANSFER_ID): CaseCommand => ({
  type: 'RecordReceipt',
  caseId: CASE_ID,
  transferId,
  receiptNumber: '尚公回〔2026〕9号',
  actingAs,
});
const accept: CaseCommand = { type: 'AcceptTransfer', caseId: CASE_ID, transferId: TRANSFER_ID, criminalCaseNumber: 'A2301832026030001', actingAs: asPolice };
const returnWith = (reasons: string | null): CaseCommand => ({ type: 'ReturnTransfer', caseId: CASE_ID, transferId: TRANSFER_ID, reasons, actingAs: asPolice });

const sentTransfer: readonly CaseEvent[] = [opened(), officersAssigned, transferReported(), transferApproved, transferred];

describe('transfers of suspected crimes (行政执法机关移送涉嫌犯罪案件的规定, 国务院令第310号)', () => {
  describe('the report to the head (第5条)', () => {
    it('records the report by two of the case’s officers, from which the head’s 3 days run', () => {
      given(caseDecider, [opened(), officersAssigned])
        .when(report(), { actor: clerk, now: NOW })
        .then([
          {
            type: 'case.transferReported.v1',
            data: {
              caseId: CASE_ID,
              transferId: TRANSFER_ID,
              receivingAuthority: police,
              suspectedOffence: '销售伪劣产品罪',
              reportingOfficerIds: ['person-a', 'person-b'],
              reportedAt: NOW,
              records: [],
            },
          },
        ]);
    });

    it('marks the case as suspected of crime', () => {
      const state = given(caseDecider, [opened(), officersAssigned, transferReported()]).state;
      expect(state.status !== 'none' && state.suspectedCrime).to.equal(true);
    });

    it('rejects a report by one officer', () => {
      const error = given(caseDecider, [opened(), officersAssigned])
        .when(report({ reportingOfficerIds: ['person-a'] }), { actor: clerk })
        .thenThrows(TooFewOfficers, { fields: [['reportingOfficerIds']] });
      expect(error.article).to.include('310号').and.to.include('第5条');
    });

    it('rejects a reporting officer who is not on the case', () => {
      given(caseDecider, [opened(), officersAssigned])
        .when(report({ reportingOfficerIds: ['person-a', 'person-x'] }), { actor: clerk })
        .thenThrows(OfficerNotAssigned, { fields: [['reportingOfficerIds', 1]] });
    });

    it('rejects a reporting officer whose certificate expired since the team was assigned (持证上岗)', () => {
      const lapsedB = { ...teamFacts, 'person-b': person('person-b', certificate('cert-person-b', { validUntil: '2026-03-01' })) };
      const error = given(caseDecider, [opened(), officersAssigned])
        .when(report({ persons: lapsedB }), { actor: clerk, now: NOW })
        .thenThrows(OfficerNotCertified, { personId: 'person-b', problem: 'expired', day: TODAY, fields: [['reportingOfficerIds', 1]] });
      expect(error.article).to.equal('行政处罚法 (2021) 第42、55条');
    });

    it('rejects a reporting officer whose certificate was revoked', () => {
      const revokedA = { ...teamFacts, 'person-a': person('person-a', certificate('cert-person-a', { revokedOn: '2026-02-15' })) };
      given(caseDecider, [opened(), officersAssigned])
        .when(report({ persons: revokedA }), { actor: clerk, now: NOW })
        .thenThrows(OfficerNotCertified, { personId: 'person-a', problem: 'revoked', fields: [['reportingOfficerIds', 0]] });
    });

    it('rejects a receiving authority that is not a registered unit', () => {
      given(caseDecider, [opened(), officersAssigned])
        .when(report({ receivingUnit: null }), { actor: clerk })
        .thenThrows(AuthorityNotFound, { unitId: POLICE, fields: [['receivingAuthority', 'unitId']] });
    });

    it('rejects a receiving authority merged into another', () => {
      given(caseDecider, [opened(), officersAssigned])
        .when(report({ receivingUnit: unitFacts(POLICE, 'public-security', '2026-01-01') }), { actor: clerk, now: NOW })
        .thenThrows(AuthorityNotFound);
    });

    it('rejects a unit of another kind than the authority named', () => {
      given(caseDecider, [opened(), officersAssigned])
        .when(report({ receivingUnit: unitFacts(POLICE, 'court') }), { actor: clerk })
        .thenThrows(AuthorityKindMismatch, { expected: 'public-security', actual: 'court', fields: [['receivingAuthority', 'kind']] });
    });

    it('refuses a second report while one is under way', () => {
      given(caseDecider, [opened(), officersAssigned, transferReported()])
        .when(report({ transferId: 'transfer-2' }), { actor: clerk })
        .thenThrows(StepOutOfOrder);
    });

    it('accepts a new report after the head refused the first', () => {
      given(caseDecider, [opened(), officersAssigned, transferReported(), transferRefused])
        .when(report({ transferId: 'transfer-2' }), { actor: clerk })
        .thenTypes('case.transferReported.v1');
    });

    it('refuses a clerk of another unit', () => {
      given(caseDecider, [opened(), officersAssigned]).when(report(), { actor: otherClerk }).thenThrows(NotPermitted);
    });
  });

  describe('the head’s decision (第5条)', () => {
    it('records the approval with who approved it and when: the transfer follows within 24 hours', () => {
      given(caseDecider, [opened(), officersAssigned, transferReported()])
        .when(approve, { actor: head, now: NOW })
        .then([
          {
            type: 'case.transferApproved.v1',
            data: { caseId: CASE_ID, transferId: TRANSFER_ID, approvedBy: head.personId, approvedAt: NOW },
          },
        ]);
    });

    it('rejects a refusal without reasons', () => {
      const error = given(caseDecider, [opened(), officersAssigned, transferReported()])
        .when(refuse(null), { actor: head })
        .thenThrows(TransferRefusalReasonsRequired, { fields: [['reasons']] });
      expect(error.article).to.equal('行政执法机关移送涉嫌犯罪案件的规定 (国务院令第310号) 第5条');
    });

    it('rejects a refusal whose reasons are blank', () => {
      given(caseDecider, [opened(), officersAssigned, transferReported()]).when(refuse('   '), { actor: head }).thenThrows(TransferRefusalReasonsRequired);
    });

    it('records a refusal with its reasons', () => {
      given(caseDecider, [opened(), officersAssigned, transferReported()])
        .when(refuse(' 未达追诉标准 '), { actor: head, now: NOW })
        .then([
          {
            type: 'case.transferRefused.v1',
            data: { caseId: CASE_ID, transferId: TRANSFER_ID, refusedBy: head.personId, reasons: '未达追诉标准', refusedAt: NOW },
          },
        ]);
    });

    it('refuses to decide twice', () => {
      given(caseDecider, [opened(), officersAssigned, transferReported(), transferApproved]).when(refuse('改变主意'), { actor: head }).thenThrows(StepOutOfOrder);
    });

    it('refuses the head of another unit', () => {
      given(caseDecider, [opened(), officersAssigned, transferReported()])
        .when(approve, { actor: { ...head, unitId: 'unit-hbj' } })
        .thenThrows(NotPermitted);
    });

    it('answers not found for a transfer never reported', () => {
      given(caseDecider, [opened(), officersAssigned]).when(approve, { actor: head }).thenThrows(SubjectNotFound);
    });
  });

  describe('sending the transfer (第6条)', () => {
    const approvedCase = [opened(), officersAssigned, transferReported(), transferApproved];

    it('records case.transferred.v1 with the materials’ hashes, who approved it and who reported it', () => {
      given(caseDecider, approvedCase).when(send(), { actor: clerk, now: NOW }).then([transferred]);
    });

    it('rejects a transfer without the inventory of seized items', () => {
      given(caseDecider, approvedCase)
        .when(send(materials.filter((material) => material.kind !== 'seized-items-inventory')), { actor: clerk })
        .thenThrows(TransferMaterialsMissing, { missing: ['seized-items-inventory'], fields: [['materials']] });
    });

    it('rejects a transfer with only a letter, naming every missing kind', () => {
      given(caseDecider, approvedCase)
        .when(send(materials.slice(0, 1)), { actor: clerk })
        .thenThrows(TransferMaterialsMissing, { missing: ['investigation-report', 'seized-items-inventory'] });
    });

    describe('when the case recorded an appraisal (检验、鉴定)', () => {
      const appraisedCase = [opened(), officersAssigned, appraisalRecorded(), transferReported(), transferApproved];

      it('rejects a transfer without the appraisal report', () => {
        given(caseDecider, appraisedCase).when(send(), { actor: clerk }).thenThrows(TransferMaterialsMissing, { missing: ['appraisal-report'] });
      });

      it('sends it with the appraisal report', () => {
        given(caseDecider, appraisedCase)
          .when(send([...materials, { kind: 'appraisal-report', title: '检验报告', sha256: hash('4') }]), { actor: clerk })
          .thenTypes('case.transferred.v1');
      });
    });

    it('refuses to send before the head approved', () => {
      given(caseDecider, [opened(), officersAssigned, transferReported()]).when(send(), { actor: clerk }).thenThrows(StepOutOfOrder);
    });

    it('refuses to send a refused transfer', () => {
      given(caseDecider, [opened(), officersAssigned, transferReported(), transferRefused]).when(send(), { actor: clerk }).thenThrows(StepOutOfOrder);
    });
  });

  describe('the receiving authority (第7、8条): only its own users act', () => {
    it('records the receipt by the police unit it was sent to, from which its 3 days run', () => {
      given(caseDecider, sentTransfer)
        .when(receipt(), { actor: policeOfficer, now: NOW })
        .then([
          {
            type: 'case.transferReceived.v1',
            data: {
              caseId: CASE_ID,
              transferId: TRANSFER_ID,
              unitId: POLICE,
              receivedBy: policeOfficer.personId,
              receivedAt: NOW,
              receiptNumber: '尚公回〔2026〕9号',
            },
          },
        ]);
    });

    describe('when the caller may not read the case: the 404 of a case that does not exist', () => {
      const notFound = { subject: `case ${CASE_ID}` };

      it('answers another police unit as if the case did not exist', () => {
        given(caseDecider, sentTransfer).when(receipt(), { actor: otherPoliceOfficer }).thenThrows(SubjectNotFound, notFound);
        given(caseDecider).when(receipt(), { actor: otherPoliceOfficer }).thenThrows(SubjectNotFound, notFound);
      });

      it('answers a real transfer id and a made-up one alike', () => {
        given(caseDecider, sentTransfer)
          .when(receipt(asPolice, 'transfer-made-up'), { actor: otherPoliceOfficer })
          .thenThrows(SubjectNotFound, notFound);
      });

      it('answers a user of the receiving unit acting in another judicial role so', () => {
        given(caseDecider, sentTransfer).when(receipt(['court']), { actor: policeOfficer }).thenThrows(SubjectNotFound, notFound);
      });

      it('answers a court, for a transfer to the police, so', () => {
        given(caseDecider, sentTransfer).when(receipt(['court']), { actor: courtClerk }).thenThrows(SubjectNotFound, notFound);
      });
    });

    describe('when the caller may read the case but the transfer is not with it: 403', () => {
      it('refuses the transferring unit’s own users', () => {
        given(caseDecider, sentTransfer).when(receipt([]), { actor: clerk }).thenThrows(NotPermitted);
      });

      it('refuses the procuratorate, which sees every transferred case, on a transfer to the police', () => {
        const prosecutor = { personId: 'person-prosecutor', postId: 'post-prosecutor', unitId: PROCURATORATE };
        given(caseDecider, sentTransfer).when(receipt(['procuratorate']), { actor: prosecutor }).thenThrows(NotPermitted);
      });

      it('answers a made-up transfer id of that case with the transfer’s 404', () => {
        given(caseDecider, sentTransfer)
          .when(receipt(asPolice, 'transfer-made-up'), { actor: policeOfficer })
          .thenThrows(SubjectNotFound, { subject: `transfer transfer-made-up of case ${CASE_ID}` });
      });
    });

    it('answers a receipt before the transfer was sent as not found: the police cannot see the case yet', () => {
      given(caseDecider, [opened(), officersAssigned, transferReported(), transferApproved])
        .when(receipt(), { actor: policeOfficer })
        .thenThrows(SubjectNotFound, { subject: `case ${CASE_ID}` });
    });

    it('refuses a second receipt (409)', () => {
      given(caseDecider, receivedTransfer).when(receipt(), { actor: policeOfficer }).thenThrows(StepOutOfOrder);
    });

    describe('forwarding outside its jurisdiction (转送)', () => {
      const forward = (targetUnit: UnitFacts | null, unitId = OTHER_POLICE): CaseCommand => ({
        type: 'ForwardTransfer',
        caseId: CASE_ID,
        transferId: TRANSFER_ID,
        to: { unitId, kind: 'public-security' },
        reasons: '案发地属亚布力分局管辖',
        targetUnit,
        actingAs: asPolice,
      });
      const forwarded: CaseEvent = {
        type: 'case.transferForwarded.v1',
        data: {
          caseId: CASE_ID,
          transferId: TRANSFER_ID,
          fromUnitId: POLICE,
          to: { unitId: OTHER_POLICE, kind: 'public-security' },
          forwardedBy: policeOfficer.personId,
          reasons: '案发地属亚布力分局管辖',
          forwardedAt: NOW,
        },
      };

      it('records the forward, from which the 24 hours are checked', () => {
        given(caseDecider, receivedTransfer)
          .when(forward(unitFacts(OTHER_POLICE, 'public-security')), { actor: policeOfficer, now: NOW })
          .then([forwarded]);
      });

      it('hands the transfer to the new authority, and no longer to the first', () => {
        given(caseDecider, [...receivedTransfer, forwarded]).when(receipt(), { actor: otherPoliceOfficer }).thenTypes('case.transferReceived.v1');
        given(caseDecider, [...receivedTransfer, forwarded]).when(receipt(), { actor: policeOfficer }).thenThrows(NotPermitted);
      });

      it('rejects a forward to an unregistered unit', () => {
        given(caseDecider, receivedTransfer).when(forward(null), { actor: policeOfficer }).thenThrows(AuthorityNotFound, { fields: [['to', 'unitId']] });
      });

      it('refuses a forward to itself', () => {
        given(caseDecider, receivedTransfer)
          .when(forward(unitFacts(POLICE, 'public-security'), POLICE), { actor: policeOfficer })
          .thenThrows(StepOutOfOrder);
      });
    });

    it('records the acceptance (立案)', () => {
      given(caseDecider, receivedTransfer)
        .when(accept, { actor: policeOfficer, now: NOW })
        .then([
          {
            type: 'case.transferAccepted.v1',
            data: {
              caseId: CASE_ID,
              transferId: TRANSFER_ID,
              unitId: POLICE,
              acceptedBy: policeOfficer.personId,
              criminalCaseNumber: 'A2301832026030001',
              acceptedAt: NOW,
            },
          },
        ]);
    });

    it('refuses an acceptance before the receipt', () => {
      given(caseDecider, sentTransfer).when(accept, { actor: policeOfficer }).thenThrows(StepOutOfOrder);
    });

    it('rejects a return without reasons (第8条)', () => {
      const error = given(caseDecider, receivedTransfer).when(returnWith(null), { actor: policeOfficer }).thenThrows(ReturnReasonsRequired);
      expect(error.article).to.include('第8条');
    });

    it('records a return with its reasons', () => {
      given(caseDecider, receivedTransfer)
        .when(returnWith('没有犯罪事实'), { actor: policeOfficer, now: NOW })
        .then([
          {
            type: 'case.transferReturned.v1',
            data: { caseId: CASE_ID, transferId: TRANSFER_ID, unitId: POLICE, returnedBy: policeOfficer.personId, reasons: '没有犯罪事实', returnedAt: NOW },
          },
        ]);
    });

    it('still records judicial steps after the agency closed the case as transferred', () => {
      const closed: CaseEvent = {
        type: 'case.closed.v1',
        data: {
          caseId: CASE_ID,
          disposition: 'transferred',
          reasons: null,
          closedOn: '2026-02-12',
          suspectedCrime: true,
          penaltyImposed: false,
          transferOutcome: 'pending',
          records: [],
        },
      };
      given(caseDecider, [...receivedTransfer, closed]).when(accept, { actor: policeOfficer }).thenTypes('case.transferAccepted.v1');
    });
  });

  describe('reconsideration and supervision (第9条)', () => {
    const returned = [...receivedTransfer, transferReturned];
    const requestReconsideration: CaseCommand = {
      type: 'RequestReconsideration',
      caseId: CASE_ID,
      transferId: TRANSFER_ID,
      reasons: '检验报告证明销售金额已达标准',
      records: [],
    };
    const answer = (outcome: 'case-opened' | 'refusal-upheld', reasons: string | null): CaseCommand => ({
      type: 'AnswerReconsideration',
      caseId: CASE_ID,
      transferId: TRANSFER_ID,
      outcome,
      reasons,
      actingAs: asPolice,
    });
    const supervise = (procuratorate: UnitFacts | null): CaseCommand => ({
      type: 'RequestSupervision',
      caseId: CASE_ID,
      transferId: TRANSFER_ID,
      procuratorateUnitId: PROCURATORATE,
      reasons: '公安机关不予立案理由不成立',
      records: [],
      procuratorate,
    });

    it('records the agency’s request, from which the police’s 3 days run', () => {
      given(caseDecider, returned)
        .when(requestReconsideration, { actor: clerk, now: NOW })
        .then([
          {
            type: 'case.reconsiderationRequested.v1',
            data: { caseId: CASE_ID, transferId: TRANSFER_ID, reasons: '检验报告证明销售金额已达标准', requestedAt: NOW, records: [] },
          },
        ]);
    });

    it('refuses a request before any return', () => {
      given(caseDecider, receivedTransfer).when(requestReconsideration, { actor: clerk }).thenThrows(StepOutOfOrder);
    });

    it('rejects upholding the refusal without reasons', () => {
      given(caseDecider, [...returned, reconsiderationRequested])
        .when(answer('refusal-upheld', null), { actor: policeOfficer })
        .thenThrows(ReturnReasonsRequired);
    });

    it('records a reconsideration that opens the case, after which seized items can be handed over', () => {
      given(caseDecider, [...returned, reconsiderationRequested])
        .when(answer('case-opened', null), { actor: policeOfficer, now: NOW })
        .then([
          {
            type: 'case.reconsiderationAnswered.v1',
            data: {
              caseId: CASE_ID,
              transferId: TRANSFER_ID,
              unitId: POLICE,
              answeredBy: policeOfficer.personId,
              outcome: 'case-opened',
              reasons: null,
              answeredAt: NOW,
            },
          },
        ]);
    });

    it('answers another police unit as if the case did not exist', () => {
      given(caseDecider, [...returned, reconsiderationRequested])
        .when(answer('case-opened', null), { actor: otherPoliceOfficer })
        .thenThrows(SubjectNotFound, { subject: `case ${CASE_ID}` });
    });

    it('records the request for the procuratorate’s supervision after the refusal was upheld', () => {
      given(caseDecider, [...returned, reconsiderationRequested, refusalUpheld])
        .when(supervise(unitFacts(PROCURATORATE, 'procuratorate')), { actor: clerk, now: NOW })
        .then([
          {
            type: 'case.supervisionRequested.v1',
            data: {
              caseId: CASE_ID,
              transferId: TRANSFER_ID,
              procuratorateUnitId: PROCURATORATE,
              reasons: '公安机关不予立案理由不成立',
              requestedAt: NOW,
              records: [],
            },
          },
        ]);
    });

    it('rejects supervision asked of a unit that is not a procuratorate', () => {
      given(caseDecider, [...returned, reconsiderationRequested, refusalUpheld])
        .when(supervise(unitFacts(PROCURATORATE, 'court')), { actor: clerk })
        .thenThrows(AuthorityKindMismatch, { fields: [['procuratorateUnitId']] });
    });

    it('refuses supervision before the reconsideration was answered', () => {
      given(caseDecider, [...returned, reconsiderationRequested])
        .when(supervise(unitFacts(PROCURATORATE, 'procuratorate')), { actor: clerk })
        .thenThrows(StepOutOfOrder);
    });
  });

  describe('seized items (涉案物品移交, 第12条)', () => {
    const handover: CaseCommand = {
      type: 'RecordSeizedItemsHandover',
      caseId: CASE_ID,
      transferId: TRANSFER_ID,
      inventorySha256: hash('9'),
      actingAs: asPolice,
    };
    const handedOver: CaseEvent = {
      type: 'case.seizedItemsHandedOver.v1',
      data: { caseId: CASE_ID, transferId: TRANSFER_ID, unitId: POLICE, receivedBy: policeOfficer.personId, inventorySha256: hash('9'), handedOverOn: TODAY },
    };

    it('records the hand-over once the police opened a case', () => {
      given(caseDecider, [...receivedTransfer, transferAccepted]).when(handover, { actor: policeOfficer, now: NOW }).then([handedOver]);
    });

    it('refuses a hand-over before the police opened a case', () => {
      given(caseDecider, receivedTransfer).when(handover, { actor: policeOfficer }).thenThrows(StepOutOfOrder);
    });

    it('refuses a second hand-over', () => {
      given(caseDecider, [...receivedTransfer, transferAccepted, handedOver]).when(handover, { actor: policeOfficer }).thenThrows(StepOutOfOrder);
    });
  });

  it('keeps every authority a transfer went to, for who may read the case', () => {
    const state = given(caseDecider, [...sentTransfer]).state;
    expect(state.status !== 'none' && state.transfers[0]?.receivers).to.deep.equal([{ unitId: POLICE, kind: 'public-security' }]);
  });
});
