import { expect } from 'chai';
import { formatDocumentNumber } from '@quanze/events';
import { chinaDateOf } from '@quanze/service-kit';
import {
  DateOutOfOrder,
  addYears,
  documentDecider,
  foldIssuingUnit,
  numberRegisterDecider,
  numberRegisterStreamId,
  publicViewOf,
  validityOn,
} from '@quanze/documents';
import type { AssignNumber, NumberRegisterEvent } from '@quanze/documents';
import { given } from '../../support/decider.js';
import { abolished, cleanUpDecided, clerk, issuedHistory, issuingUnitId, now } from './fixtures.js';

const assign = (documentId: string, year = 2026): AssignNumber => ({
  kind: 'assign',
  documentId,
  issuingUnitId,
  authorityCode: '尚政',
  year,
});

function assigned(documentId: string, serial: number): NumberRegisterEvent {
  return {
    type: 'document.numberAssigned.v1',
    data: {
      documentId,
      issuingUnitId,
      number: { authorityCode: '尚政', year: 2026, serial, formatted: formatDocumentNumber({ authorityCode: '尚政', year: 2026, serial }) },
      assignedOn: '2026-01-10',
    },
  };
}

describe('unified numbering (统一编号)', function () {
  describe('a numbering register (登记簿)', function () {
    it('is the stream docnumber-<authorityCode>-<year>', function () {
      expect(numberRegisterStreamId('尚政', 2017)).to.equal('docnumber-尚政-2017');
    });

    it('gives the first document serial 1, formatted 机关代字 + 规 + 〔year〕 + serial + 号, on today’s date in China', function () {
      given(numberRegisterDecider)
        .when(assign('doc-a'), { now, actor: clerk })
        .then([
          {
            type: 'document.numberAssigned.v1',
            data: {
              documentId: 'doc-a',
              issuingUnitId,
              number: { authorityCode: '尚政', year: 2026, serial: 1, formatted: '尚政规〔2026〕1号' },
              assignedOn: '2026-03-02',
            },
          },
        ]);
    });

    it('gives the next document the count of numbers so far plus one', function () {
      const [event] = given(numberRegisterDecider, [assigned('doc-a', 1), assigned('doc-b', 2), assigned('doc-c', 3)])
        .when(assign('doc-d'), { now, actor: clerk })
        .thenTypes('document.numberAssigned.v1');
      expect(event?.data.number).to.include({ serial: 4, formatted: '尚政规〔2026〕4号' });
    });

    it('gives a document that holds a number no other', function () {
      given(numberRegisterDecider, [assigned('doc-a', 1), assigned('doc-b', 2)])
        .when(assign('doc-a'), { now, actor: clerk })
        .then([]);
    });

    it('rejects a number of another year than the registration’s', function () {
      given(numberRegisterDecider).when(assign('doc-a', 2025), { now, actor: clerk }).thenThrows(DateOutOfOrder);
    });

    it('never gives a number again, also after the document holding it was abolished', function () {
      // The register only grows: abolition is an event of the document, and the register knows no way back.
      const [event] = given(numberRegisterDecider, [assigned('doc-a', 1), assigned('doc-b', 2)])
        .when(assign('doc-c'), { now, actor: clerk })
        .thenTypes('document.numberAssigned.v1');
      expect(event?.data.number.serial).to.equal(3);
    });
  });

  describe('the issuing unit’s authority code (机关代字)', function () {
    it('is unknown when the unit was never registered', function () {
      expect(foldIssuingUnit([])).to.equal(null);
      expect(foldIssuingUnit([{ type: 'unit.renamed.v1', data: { unitId: 'u', name: 'n', code: '尚政' } }])).to.equal(null);
    });

    it('is the code the unit was registered with', function () {
      const unit = foldIssuingUnit([
        { type: 'unit.registered.v1', data: { unitId: 'u', name: '尚志市人民政府', code: '尚政', kind: 'government' } },
      ]);
      expect(unit).to.deep.equal({ unitId: 'u', name: '尚志市人民政府', code: '尚政', codesHeld: ['尚政'] });
    });

    it('follows renames, keeping every code held', function () {
      const unit = foldIssuingUnit([
        { type: 'unit.registered.v1', data: { unitId: 'u', name: '尚志市法制办', code: '尚法', kind: 'department' } },
        { type: 'unit.postEstablished.v1', data: { unitId: 'u', postId: 'p', title: '主任' } },
        { type: 'unit.renamed.v1', data: { unitId: 'u', name: '尚志市司法局', code: '尚司', renamedOn: '2019-03-01' } },
        { type: 'unit.renamed.v1', data: { unitId: 'u', name: '尚志市司法局(筹)', code: null, renamedOn: '2019-04-01' } },
      ]);
      expect(unit).to.deep.equal({ unitId: 'u', name: '尚志市司法局(筹)', code: null, codesHeld: ['尚法', '尚司'] });
    });

    it('is none for a unit registered without one', function () {
      expect(foldIssuingUnit([{ type: 'unit.registered.v1', data: { unitId: 'u', name: '某乡', code: null } }])?.code).to.equal(null);
    });
  });

  describe('days in China', function () {
    it('turn at midnight in Shanghai, not in UTC', function () {
      expect(chinaDateOf('2025-12-31T15:59:59.999Z')).to.equal('2025-12-31');
      expect(chinaDateOf('2025-12-31T16:00:00.000Z')).to.equal('2026-01-01');
    });

    it('count five years from 29 February to 1 March', function () {
      expect(addYears('2024-02-29', 5)).to.equal('2029-03-01');
      expect(addYears('2026-03-01', 5)).to.equal('2031-03-01');
    });
  });

  describe('the validity of an issued document on a day', function () {
    const issuedState = given(documentDecider, issuedHistory).state;
    const abolishedState = given(documentDecider, [...issuedHistory, cleanUpDecided('abolish'), abolished]).state;

    it('is not yet effective before effectiveFrom, in force from it to validUntil included, expired after', function () {
      if (issuedState === null) throw new Error('the history makes a document');
      expect(validityOn(issuedState, '2026-02-28')).to.equal('not-yet-effective');
      expect(validityOn(issuedState, '2026-03-01')).to.equal('in-force');
      expect(validityOn(issuedState, '2031-02-28')).to.equal('in-force');
      expect(validityOn(issuedState, '2031-03-01')).to.equal('expired');
    });

    it('is abolished from abolishedOn, and the public still sees its number', function () {
      if (abolishedState === null) throw new Error('the history makes a document');
      expect(validityOn(abolishedState, '2026-03-01')).to.equal('in-force');
      expect(validityOn(abolishedState, '2026-03-02')).to.equal('abolished');
      expect(publicViewOf(abolishedState, '2026-03-02')).to.deep.include({
        status: 'abolished',
        number: abolished.data.number,
        abolishedOn: '2026-03-02',
      });
    });

    it('is nothing for a document never issued', function () {
      const draft = given(documentDecider, issuedHistory.slice(0, 1)).state;
      if (draft === null) throw new Error('the history makes a document');
      expect(validityOn(draft, '2026-03-01')).to.equal(null);
      expect(publicViewOf(draft, '2026-03-01')).to.equal(null);
    });
  });
});
