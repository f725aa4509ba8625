import { expect } from 'chai';
import {
  CaseTransferredV1,
  DecisionMadeV1,
  DocumentIssuedV1,
  RecordedEvent,
  ResponsibilityAssignedV1,
  createEventRegistry,
  formatDocumentNumber,
  headlineEvents,
} from '@quanze/events';

const digest = 'a'.repeat(64);

const decision = {
  decisionId: 'decision-2017-7',
  title: '尚志市城区供热价格调整',
  summary: '调整城区居民供热价格',
  decisionItem: { listed: true, entryId: 'catalogue-2017-3' },
  leadUnitId: 'unit-fagaiju',
  cooperatingUnitIds: ['unit-caizhengju'],
  meeting: { meetingId: 'meeting-2017-12', kind: 'standing', heldOn: '2017-06-12' },
  outcome: 'adopted',
  headPersonId: 'person-mayor',
  majorityOpinion: 'for',
  differsFromMajority: false,
  legalBasis: ['价格法 第23条'],
} as const;

const document = {
  documentId: 'document-2017-3',
  number: { authorityCode: '尚政', year: 2017, serial: 3, formatted: '尚政规〔2017〕3号' },
  title: '尚志市行政执法公示办法',
  issuingUnitId: 'unit-shizhengfu',
  signedBy: 'person-mayor',
  issuedOn: '2017-04-01',
  effectiveFrom: '2017-05-01',
  validUntil: '2022-04-30',
  textSha256: digest,
  publications: [{ channel: 'website', reference: 'http://www.shangzhi.gov.cn/2017/3' }],
} as const;

describe('the headline events', () => {
  it('are all in one registry, each current', () => {
    const registry = createEventRegistry({ events: headlineEvents });
    expect(registry.types).to.have.members([
      'decision.made.v1',
      'document.issued.v1',
      'case.transferred.v1',
      'responsibility.assigned.v1',
    ]);
  });

  describe('decision.made.v1 (重大行政决策)', () => {
    it('accepts a decision following the majority', () => {
      expect(DecisionMadeV1.parse(decision).headReasons).to.equal(null);
    });

    it('refuses a decision differing from the majority without the head’s reasons', () => {
      const result = DecisionMadeV1.safeParse({ ...decision, majorityOpinion: 'against', differsFromMajority: true });
      expect(result.success).to.equal(false);
      expect(result.error?.issues.map((issue) => issue.path.join('.'))).to.deep.equal(['headReasons']);
    });

    it('refuses a decision that is off the list without saying why (713号 第3条)', () => {
      expect(DecisionMadeV1.safeParse({ ...decision, decisionItem: { listed: false } }).success).to.equal(false);
    });
  });

  describe('document.issued.v1 (规范性文件)', () => {
    it('formats numbers as 机关代字 + 规 + 〔year〕 + serial + 号', () => {
      expect(formatDocumentNumber({ authorityCode: '尚政', year: 2017, serial: 3 })).to.equal('尚政规〔2017〕3号');
    });

    it('accepts a document issued, published and numbered', () => {
      expect(DocumentIssuedV1.parse(document).number.formatted).to.equal('尚政规〔2017〕3号');
    });

    it('refuses a formatted number that does not match its parts', () => {
      const result = DocumentIssuedV1.safeParse({ ...document, number: { ...document.number, formatted: '尚政规〔2017〕4号' } });
      expect(result.error?.issues.map((issue) => issue.path.join('.'))).to.deep.equal(['number.formatted']);
    });

    it('refuses a document that was never published', () => {
      expect(DocumentIssuedV1.safeParse({ ...document, publications: [] }).success).to.equal(false);
    });

    it('refuses a document that expires before it takes effect', () => {
      const result = DocumentIssuedV1.safeParse({ ...document, validUntil: '2017-04-30' });
      expect(result.error?.issues.map((issue) => issue.path.join('.'))).to.deep.equal(['validUntil']);
    });
  });

  describe('case.transferred.v1 (涉嫌犯罪案件移送)', () => {
    const transfer = {
      caseId: 'case-2018-41',
      transferId: 'transfer-2018-41-1',
      fromUnitId: 'unit-shichangjianguan',
      receivingAuthority: { unitId: 'unit-gonganju', kind: 'public-security' },
      suspectedOffence: '生产、销售伪劣产品罪',
      approvedBy: 'person-director',
      approvedAt: '2018-05-02T09:00:00.000Z',
      reportingOfficerIds: ['person-officer-1', 'person-officer-2'],
      materials: [
        { kind: 'transfer-letter', title: '涉嫌犯罪案件移送书', sha256: digest },
        { kind: 'investigation-report', title: '调查报告', sha256: digest },
      ],
    } as const;

    it('accepts a transfer reported by two officers with its materials fixed by hash', () => {
      expect(CaseTransferredV1.parse(transfer).materials).to.have.length(2);
    });

    it('refuses a transfer reported by one officer (310号 第5条)', () => {
      const result = CaseTransferredV1.safeParse({ ...transfer, reportingOfficerIds: ['person-officer-1'] });
      expect(result.error?.issues.map((issue) => issue.path.join('.'))).to.deep.equal(['reportingOfficerIds']);
    });

    it('refuses a material whose hash is not a SHA-256', () => {
      const result = CaseTransferredV1.safeParse({
        ...transfer,
        materials: [{ kind: 'transfer-letter', title: '移送书', sha256: 'abc' }],
      });
      expect(result.error?.issues.map((issue) => issue.path.join('.'))).to.deep.equal(['materials.0.sha256']);
    });
  });

  describe('responsibility.assigned.v1 (责任单位)', () => {
    const assignment = {
      subject: { kind: 'measure', id: 'measure-2-1' },
      leadUnitIds: ['unit-fagaiju'],
      cooperatingUnitIds: ['unit-bianban', 'unit-fazhiban'],
      source: { document: '尚志市法治政府建设行动方案(2016-2020年)', clause: '二(一)1' },
      effectiveFrom: '2016-09-01',
    } as const;

    it('accepts a measure with lead and cooperating units', () => {
      expect(ResponsibilityAssignedV1.parse(assignment).responsiblePersonIds).to.deep.equal([]);
    });

    it('refuses a unit that is both lead and cooperating', () => {
      const result = ResponsibilityAssignedV1.safeParse({ ...assignment, cooperatingUnitIds: ['unit-fagaiju'] });
      expect(result.error?.issues.map((issue) => issue.path.join('.'))).to.deep.equal(['cooperatingUnitIds']);
    });

    it('refuses a responsibility without a lead unit', () => {
      expect(ResponsibilityAssignedV1.safeParse({ ...assignment, leadUnitIds: [] }).success).to.equal(false);
    });
  });
});

describe('the envelope', () => {
  const envelope = {
    eventId: '0f8fad5b-d9cb-469f-a165-70867728950e',
    type: 'decision.made.v1',
    streamId: 'decision-2017-7',
    streamVersion: 9,
    position: 1207,
    occurredAt: '2017-06-12T02:30:00.000Z',
    recordedAt: '2017-06-12T02:30:00.120Z',
    actor: { personId: 'person-mayor', postId: 'post-mayor', unitId: 'unit-shizhengfu' },
    causationId: null,
    correlationId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
    commandId: 'cmd-1',
    data: decision,
  };

  it('accepts a recorded event', () => {
    expect(RecordedEvent.parse(envelope).position).to.equal(1207);
  });

  it('refuses a time that is not a UTC instant, naming the field', () => {
    const result = RecordedEvent.safeParse({ ...envelope, occurredAt: '2017-06-12 10:30' });
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).to.deep.equal(['occurredAt']);
  });

  it('refuses a type that is not <aggregate>.<verb>.v<N>', () => {
    expect(RecordedEvent.safeParse({ ...envelope, type: 'DecisionMade' }).success).to.equal(false);
  });

  it('refuses a position of 0: the log counts from 1', () => {
    expect(RecordedEvent.safeParse({ ...envelope, position: 0 }).success).to.equal(false);
  });
});
