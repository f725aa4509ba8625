import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Actor } from '@quanze/events';
import { openEventStore } from '@quanze/eventstore';
import type { EventStore } from '@quanze/eventstore';
import {
  activityProjection,
  createProjectionRunner,
  organizationProjection,
  personDossier,
  responsibilityChain,
  reverseTrace,
} from '@quanze/projections';
import type { ReadModelSql, ReadModelStore } from '@quanze/projections';
import { describeOnEachReadModelStore, statementwise } from '../../../../support/read-models.js';
import { fakeSha256, ledgerWriter } from './ledger-writer.js';

/**
 * An enforcement case of 市场监管局 suspected of a crime, handled slowly: the head approves the transfer six days after
 * the report (310号 第5条: 3 days), it is sent two days after approval (24 hours), and public security returns it twelve
 * days after its receipt (第8条: 3 days). A document is issued, filed late (30 days) and abolished. Events appended in
 * the catalogue's exact shapes.
 */
describeOnEachReadModelStore('reverse traces of a returned transfer and an abolished document', (target) => {
  let folder: string;
  let store: EventStore;
  let readModels: ReadModelStore;
  let db: ReadModelSql;
  let returnedEventId: string;
  let abolishedEventId: string;
  let transferredEventId: string;

  const market = 'unit-scjgj';
  const police = 'unit-gaj';
  const officers = ['person-officer-1', 'person-officer-2'] as const;
  const head = 'person-scj-head';
  const policeOfficer = 'person-police-1';
  const clerk: Actor = { personId: 'person-scj-clerk', postId: 'post-scj-clerk', unitId: market };
  const headActor: Actor = { personId: head, postId: 'post-scj-head', unitId: market };
  const policeActor: Actor = { personId: policeOfficer, postId: 'post-police-1', unitId: police };
  const admin: Actor = { personId: 'person-admin', postId: null, unitId: null };
  const caseId = 'case-fake-food-2020';
  const documentId = 'doc-market-2020-1';

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'quanze-case-trace-'));
    store = await openEventStore(`sqlite:${folder}`);
    const append = ledgerWriter(store);
    const at = (day: string, time = '02:00:00.000') => `${day}T${time}Z`;
    const org = { occurredAt: at('2020-01-02'), actor: admin };
    await append(`unit-${market}`, 'unit.registered.v1', { unitId: market, name: '尚志市市场监督管理局', code: '尚市监', kind: 'department', parentUnitId: null, establishedOn: '2019-03-01' }, org);
    await append(`unit-${police}`, 'unit.registered.v1', { unitId: police, name: '尚志市公安局', code: null, kind: 'public-security', parentUnitId: null, establishedOn: '2000-01-01' }, org);
    await append(`unit-${market}`, 'unit.postEstablished.v1', { unitId: market, postId: 'post-scj-head', title: '局长' }, org);
    await append(`unit-${market}`, 'unit.postEstablished.v1', { unitId: market, postId: 'post-officer-1', title: '执法队员(一)' }, org);
    for (const [personId, name] of [[head, '吴局长'], [officers[0], '郑队员'], [officers[1], '冯队员'], [policeOfficer, '韩警官']] as const) {
      await append(`person-${personId}`, 'person.registered.v1', { personId, name }, org);
    }
    await append(`person-${head}`, 'person.appointed.v1', { personId: head, postId: 'post-scj-head', unitId: market, appointedOn: '2019-03-01', basis: '任免通知' }, org);
    await append(`person-${officers[0]}`, 'person.appointed.v1', { personId: officers[0], postId: 'post-officer-1', unitId: market, appointedOn: '2019-03-01', basis: '任免通知' }, org);

    const stream = `case-${caseId}`;
    const byClerk = (day: string, time?: string) => ({ occurredAt: at(day, time), actor: clerk });
    await append(stream, 'case.opened.v1', {
      caseId,
      unitId: market,
      title: '张某销售假冒食品案',
      enforcementKind: 'penalty',
      major: false,
      party: { kind: 'natural-person', name: '张某' },
      legalBasis: [{ kind: 'law', title: '食品安全法', article: '第123条' }],
      openedOn: '2020-03-02',
    }, byClerk('2020-03-02'));
    await append(stream, 'case.officersAssigned.v1', {
      caseId,
      officers: officers.map((personId, index) => ({ personId, certificateId: `cert-${String(index)}`, certificateValidUntil: '2022-12-31', issuingUnitId: market, scope: '市场监管' })),
      assignedOn: '2020-03-02',
    }, byClerk('2020-03-02'));
    await append(stream, 'case.evidenceRecorded.v1', { caseId, evidenceId: 'ev-1', kind: 'physical', title: '假冒食品样品', sha256: fakeSha256('sample'), collectedBy: officers[0], recordedOn: '2020-03-03' }, byClerk('2020-03-03'));
    await append(stream, 'case.crimeSuspected.v1', { caseId, grounds: '货值金额五万元以上', suspectedOn: '2020-03-09' }, byClerk('2020-03-09'));
    const transfer = { caseId, transferId: 'transfer-1' };
    const authority = { unitId: police, kind: 'public-security' };
    await append(stream, 'case.transferReported.v1', { ...transfer, receivingAuthority: authority, suspectedOffence: '生产、销售不符合安全标准的食品罪', reportingOfficerIds: [...officers], reportedAt: at('2020-03-10') }, byClerk('2020-03-10'));
    const approval = await append(stream, 'case.transferApproved.v1', { ...transfer, approvedBy: head, approvedAt: at('2020-03-16') }, { occurredAt: at('2020-03-16'), actor: headActor });
    const transferred = await append(stream, 'case.transferred.v1', {
      ...transfer,
      fromUnitId: market,
      receivingAuthority: authority,
      suspectedOffence: '生产、销售不符合安全标准的食品罪',
      approvedBy: head,
      approvedAt: at('2020-03-16'),
      reportingOfficerIds: [...officers],
      materials: [
        { kind: 'transfer-letter', title: '涉嫌犯罪案件移送书', sha256: fakeSha256('letter') },
        { kind: 'investigation-report', title: '调查报告', sha256: fakeSha256('report') },
        { kind: 'seized-items-inventory', title: '涉案物品清单', sha256: fakeSha256('inventory') },
      ],
    }, { ...byClerk('2020-03-18', '03:00:00.000'), causationId: approval.eventId });
    transferredEventId = transferred.eventId;
    await append(stream, 'case.transferReceived.v1', { ...transfer, unitId: police, receivedBy: policeOfficer, receivedAt: at('2020-03-18', '06:00:00.000'), receiptNumber: '尚公回〔2020〕12号' }, { occurredAt: at('2020-03-18', '06:00:00.000'), actor: policeActor });
    const returned = await append(stream, 'case.transferReturned.v1', { ...transfer, unitId: police, returnedBy: policeOfficer, reasons: '证据不足', returnedAt: at('2020-03-30') }, { occurredAt: at('2020-03-30'), actor: policeActor });
    returnedEventId = returned.eventId;

    const doc = `document-${documentId}`;
    const number = { authorityCode: '尚市监', year: 2020, serial: 1, formatted: '尚市监规〔2020〕1号' };
    await append(doc, 'document.drafted.v1', { documentId, title: '食品经营许可办法', draftingUnitId: market, issuingUnitId: market, textSha256: fakeSha256('text'), affectsBusiness: true, summary: null }, byClerk('2020-01-06'));
    await append(doc, 'document.issued.v1', {
      documentId,
      number,
      title: '食品经营许可办法',
      issuingUnitId: market,
      signedBy: head,
      issuedOn: '2020-02-03',
      effectiveFrom: '2020-03-01',
      validUntil: '2025-02-28',
      textSha256: fakeSha256('text'),
      publications: [{ channel: 'website', reference: 'http://www.shangzhi.gov.cn/2020/1' }],
    }, { occurredAt: at('2020-02-03'), actor: headActor });
    await append(doc, 'document.filed.v1', { documentId, filedOn: '2020-04-20', filedWith: '尚志市人民政府', filedWithUnitId: null, reference: null }, byClerk('2020-04-20'));
    await append(doc, 'document.cleanUpDecided.v1', { documentId, decidedOn: '2021-06-01', decision: 'abolish', reason: '上位法修改', cleanUpRound: '2021年清理' }, { occurredAt: at('2021-06-01'), actor: headActor });
    const abolished = await append(doc, 'document.abolished.v1', { documentId, number, abolishedOn: '2021-07-01', reason: '上位法修改', replacedByDocumentId: null }, { occurredAt: at('2021-06-15'), actor: headActor });
    abolishedEventId = abolished.eventId;

    readModels = await target.open();
    db = statementwise(readModels);
    await createProjectionRunner({ store, readModels, projections: [organizationProjection, activityProjection] }).catchUp();
  });
  after(async () => {
    await readModels.close();
    await store.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('walks back from the returned transfer to the officers, the approving head and the receiving officer', async () => {
    const trace = await reverseTrace(db, { eventId: returnedEventId });
    const rolesOf = (personId: string) => trace?.persons.find((person) => person.personId === personId)?.parts.map((part) => part.role) ?? [];
    expect(rolesOf(officers[0])).to.include.members(['assigned-officer', 'collected-evidence', 'reported']);
    expect(rolesOf(officers[1])).to.include.members(['assigned-officer', 'reported']);
    expect(rolesOf(head)).to.include.members(['approved']);
    expect(rolesOf(policeOfficer)).to.include.members(['received', 'returned']);
    expect(trace?.units.find((unit) => unit.unitId === police)?.parts.map((part) => part.as)).to.include('recorded-by-member');
  });

  it('marks the late approval, the late sending and the late return', async () => {
    const trace = await reverseTrace(db, { eventId: returnedEventId });
    const late = trace?.steps.flatMap((step) => step.marks.filter((mark) => mark.kind === 'late').map((mark) => [step.type, mark.article]));
    expect(late).to.deep.equal([
      ['case.transferApproved.v1', '310号 第5条'],
      ['case.transferred.v1', '310号 第5条'],
      ['case.transferReturned.v1', '310号 第8条'],
    ]);
    expect(trace?.summary).to.include({ late: 3, skipped: 0, overridden: 0 });
    expect(trace?.steps.find((step) => step.type === 'case.transferred.v1')?.via).to.deep.equal(['earlier-step']);
  });

  it('follows an event’s causation back to the event that caused it', async () => {
    const trace = await reverseTrace(db, { eventId: transferredEventId });
    expect(trace?.steps.find((step) => step.type === 'case.transferApproved.v1')?.via).to.deep.equal(['causation', 'earlier-step']);
    expect(trace?.steps.map((step) => step.type)).to.not.include('case.transferReturned.v1');
  });

  it('keeps the party’s name, a citizen’s, out of the read model', async () => {
    const chain = await responsibilityChain(db, { kind: 'case', id: caseId });
    expect(JSON.stringify(chain)).to.not.include('张某');
    expect(chain?.subject.label).to.equal(null);
  });

  it('shows the returned transfer in the reporting officer’s dossier', async () => {
    const report = (await personDossier(db, officers[1])).entries.find((entry) => entry.type === 'case.transferReported.v1');
    expect(report?.laterOutcomes.map((outcome) => outcome.kind)).to.deep.equal(['transfer-returned']);
    expect(report?.outcome).to.equal('transfer-returned');
  });

  it('walks back from the abolition to the head who signed the document, marking the late filing', async () => {
    const trace = await reverseTrace(db, { eventId: abolishedEventId });
    expect(trace?.from).to.deep.include({ type: 'document.abolished.v1', subjectLabel: '尚市监规〔2020〕1号 食品经营许可办法' });
    expect(trace?.persons.find((person) => person.personId === head)?.parts.map((part) => part.role)).to.include('signed');
    expect(trace?.persons.find((person) => person.personId === clerk.personId)?.parts.map((part) => part.role)).to.include('drafted');
    const filing = trace?.steps.find((step) => step.type === 'document.filed.v1');
    expect(filing?.marks).to.deep.equal([
      {
        kind: 'late',
        rule: 'filed within 30 days of publication (备案)',
        article: '法规规章备案审查条例 第4条',
        detail: { from: '2020-02-03', on: '2020-04-20', days: 77, allowedDays: 30, afterPosition: trace?.steps.find((step) => step.type === 'document.issued.v1')?.position ?? null },
      },
    ]);
  });
});
