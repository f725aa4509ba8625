import { expect } from 'chai';
import { createProjectionRunner, getInboxTransfer, listTransferInbox, transfersProjection } from '@quanze/projections';
import type { InboxOwner, ProjectionRunner, ReadModelSql, ReadModelStore } from '@quanze/projections';
import { describeOnEachReadModelStore, statementwise } from '../../../../support/read-models.js';
import { expectRebuildsIdentically, openHandcraftedLedger } from './ledger.js';
import type { HandcraftedLedger } from './ledger.js';

const hash = (character: string) => character.repeat(64);
const materials = [
  { kind: 'transfer-letter', title: '涉嫌犯罪案件移送书', sha256: hash('1') },
  { kind: 'investigation-report', title: '调查报告', sha256: hash('2') },
  { kind: 'seized-items-inventory', title: '涉案物品清单', sha256: hash('3') },
];
const POLICE = { unitId: 'unit-gaj', kind: 'public-security' } as const;
const OTHER_POLICE = { unitId: 'unit-gaj-ybl', kind: 'public-security' } as const;
const COURT = { unitId: 'unit-fy', kind: 'court' } as const;
const officers = ['person-a', 'person-b'];

const inboxOf = (authority: { unitId: string; kind: InboxOwner['kinds'][number] }): InboxOwner => ({ unitId: authority.unitId, kinds: [authority.kind] });

describeOnEachReadModelStore('the transfers read model (移送案件收件箱)', (target) => {
  let ledger: HandcraftedLedger;
  let readModels: ReadModelStore;
  let db: ReadModelSql;
  let runner: ProjectionRunner;

  /** Opened, reported, approved and sent: the agency's side of a transfer, at `at` (China time is 8 h ahead). */
  async function sent(caseId: string, transferId: string, to: { unitId: string; kind: string }, at: string): Promise<void> {
    const stream = `case-${caseId}`;
    await ledger.append(stream, 'case.transferReported.v1', {
      caseId,
      transferId,
      receivingAuthority: to,
      suspectedOffence: '销售伪劣产品罪',
      reportingOfficerIds: officers,
      reportedAt: at,
    });
    await ledger.append(stream, 'case.transferApproved.v1', { caseId, transferId, approvedBy: 'person-head', approvedAt: at });
    await ledger.append(
      stream,
      'case.transferred.v1',
      { caseId, transferId, fromUnitId: 'unit-scj', receivingAuthority: to, suspectedOffence: '销售伪劣产品罪', approvedBy: 'person-head', approvedAt: at, reportingOfficerIds: officers, materials },
      { at },
    );
  }

  before(async () => {
    ledger = await openHandcraftedLedger();
    readModels = await target.open();
    db = statementwise(readModels);
    runner = createProjectionRunner({ store: ledger.store, readModels, projections: [transfersProjection], batchSize: 4 });
    await runner.start();
    for (const caseId of ['c1', 'c2', 'c3']) {
      await ledger.append(`case-${caseId}`, 'case.opened.v1', {
        caseId,
        unitId: 'unit-scj',
        title: '销售伪劣产品案',
        enforcementKind: 'penalty',
        major: false,
        party: { kind: 'legal-person', name: '某某公司' },
        legalBasis: [{ kind: 'law', title: '中华人民共和国产品质量法' }],
        openedOn: '2026-02-01',
      });
    }
    // c1/ta: sent to the police late on 27 February (China: 28 February), forwarded, accepted by the other police.
    await sent('c1', 'ta', POLICE, '2026-02-27T17:00:00.000Z');
    const c1 = 'case-c1';
    await ledger.append(c1, 'case.transferReceived.v1', { caseId: 'c1', transferId: 'ta', unitId: POLICE.unitId, receivedBy: 'person-p1', receivedAt: '2026-02-27T18:00:00.000Z' });
    await ledger.append(c1, 'case.transferForwarded.v1', {
      caseId: 'c1',
      transferId: 'ta',
      fromUnitId: POLICE.unitId,
      to: OTHER_POLICE,
      forwardedBy: 'person-p1',
      reasons: '不属本局管辖',
      forwardedAt: '2026-02-28T02:00:00.000Z',
    });
    await ledger.append(c1, 'case.transferReceived.v1', { caseId: 'c1', transferId: 'ta', unitId: OTHER_POLICE.unitId, receivedBy: 'person-p2', receivedAt: '2026-02-28T03:00:00.000Z', receiptNumber: '回〔2026〕1号' });
    await ledger.append(c1, 'case.transferAccepted.v1', { caseId: 'c1', transferId: 'ta', unitId: OTHER_POLICE.unitId, acceptedBy: 'person-p2', acceptedAt: '2026-03-01T03:00:00.000Z' });
    await ledger.append(c1, 'case.seizedItemsHandedOver.v1', { caseId: 'c1', transferId: 'ta', unitId: OTHER_POLICE.unitId, receivedBy: 'person-p2', inventorySha256: hash('9'), handedOverOn: '2026-03-03' });
    // c1/tb: refused by the head: never sent, in nobody's inbox.
    await ledger.append(c1, 'case.transferReported.v1', { caseId: 'c1', transferId: 'tb', receivingAuthority: POLICE, suspectedOffence: '销售伪劣产品罪', reportingOfficerIds: officers, reportedAt: '2026-03-01T00:00:00.000Z' });
    await ledger.append(c1, 'case.transferRefused.v1', { caseId: 'c1', transferId: 'tb', refusedBy: 'person-head', reasons: '未达追诉标准', refusedAt: '2026-03-01T01:00:00.000Z' });
    // c2/tc: returned, reconsidered, upheld, supervision asked of the procuratorate.
    await sent('c2', 'tc', POLICE, '2026-03-02T01:00:00.000Z');
    const c2 = 'case-c2';
    await ledger.append(c2, 'case.transferReceived.v1', { caseId: 'c2', transferId: 'tc', unitId: POLICE.unitId, receivedBy: 'person-p1', receivedAt: '2026-03-02T02:00:00.000Z' });
    await ledger.append(c2, 'case.transferReturned.v1', { caseId: 'c2', transferId: 'tc', unitId: POLICE.unitId, returnedBy: 'person-p1', reasons: '没有犯罪事实', returnedAt: '2026-03-03T02:00:00.000Z' });
    await ledger.append(c2, 'case.reconsiderationRequested.v1', { caseId: 'c2', transferId: 'tc', reasons: '金额已达标准', requestedAt: '2026-03-04T02:00:00.000Z' });
    await ledger.append(c2, 'case.reconsiderationAnswered.v1', {
      caseId: 'c2',
      transferId: 'tc',
      unitId: POLICE.unitId,
      answeredBy: 'person-p1',
      outcome: 'refusal-upheld',
      reasons: '维持',
      answeredAt: '2026-03-05T02:00:00.000Z',
    });
    await ledger.append(c2, 'case.supervisionRequested.v1', { caseId: 'c2', transferId: 'tc', procuratorateUnitId: 'unit-jcy', reasons: '应当立案而不立案', requestedAt: '2026-03-06T02:00:00.000Z' });
    // c3/td: sent to a court with nothing before it in the log (a history imported from elsewhere).
    await ledger.append('case-c3', 'case.transferred.v1', {
      caseId: 'c3',
      transferId: 'td',
      fromUnitId: 'unit-scj',
      receivingAuthority: COURT,
      suspectedOffence: '非法经营罪',
      approvedBy: 'person-head',
      approvedAt: '2026-03-02T01:00:00.000Z',
      reportingOfficerIds: officers,
      materials,
    });
    await runner.waitFor(await ledger.store.headPosition());
  });

  after(async () => {
    await runner.stop();
    await readModels.close();
    await ledger.close();
  });

  it('lists each authority’s transfers, latest activity first, with how it came to hold them', async () => {
    const police = await listTransferInbox(db, { ...inboxOf(POLICE), limit: 10 });
    expect(police.items.map((item) => [item.transferId, item.relation, item.stage])).to.deep.equal([
      ['tc', 'addressee', 'supervision-requested'],
      ['ta', 'forwarded-on', 'accepted'],
    ]);
    expect((await listTransferInbox(db, { ...inboxOf(OTHER_POLICE), limit: 10 })).items.map((item) => [item.transferId, item.relation])).to.deep.equal([['ta', 'addressee']]);
    expect((await listTransferInbox(db, { unitId: 'unit-jcy', kinds: ['procuratorate'], limit: 10 })).items.map((item) => [item.transferId, item.relation])).to.deep.equal([
      ['tc', 'supervision'],
    ]);
    expect((await listTransferInbox(db, { ...inboxOf(COURT), limit: 10 })).items.map((item) => [item.transferId, item.sendingUnitId])).to.deep.equal([['td', 'unit-scj']]);
  });

  it('keeps an authority’s inbox to the kinds it acts as, and a refused transfer out of every inbox', async () => {
    expect((await listTransferInbox(db, { unitId: POLICE.unitId, kinds: ['court', 'procuratorate'], limit: 10 })).items).to.deep.equal([]);
    expect((await listTransferInbox(db, { unitId: POLICE.unitId, kinds: [], limit: 10 })).items).to.deep.equal([]);
    expect(await getInboxTransfer(db, inboxOf(POLICE), 'c1', 'tb')).to.equal(null);
    expect(await getInboxTransfer(db, inboxOf(COURT), 'c1', 'ta')).to.equal(null);
    const stage = (await db.get<{ stage: string }>(`SELECT stage FROM transfers_transfer WHERE transfer_id = 'tb'`))?.stage;
    expect(stage).to.equal('refused');
  });

  it('counts the 3-day limits in China calendar days and the 24-hour ones in hours', async () => {
    const ta = await getInboxTransfer(db, inboxOf(OTHER_POLICE), 'c1', 'ta');
    expect(ta?.deadlines).to.deep.equal([
      { step: 'dispatch', article: '国务院令第310号 第5条', unitId: 'unit-scj', from: '2026-02-27T17:00:00.000Z', dueBy: '2026-02-28T17:00:00.000Z', doneAt: '2026-02-27T17:00:00.000Z' },
      { step: 'receipt', article: '国务院令第310号 第7条', unitId: POLICE.unitId, from: '2026-02-27T17:00:00.000Z', dueBy: '2026-02-28T17:00:00.000Z', doneAt: '2026-02-27T18:00:00.000Z' },
      { step: 'forward', article: '国务院令第310号 第7条', unitId: POLICE.unitId, from: '2026-02-27T18:00:00.000Z', dueBy: '2026-02-28T18:00:00.000Z', doneAt: '2026-02-28T02:00:00.000Z' },
      { step: 'receipt', article: '国务院令第310号 第7条', unitId: OTHER_POLICE.unitId, from: '2026-02-28T02:00:00.000Z', dueBy: '2026-03-01T02:00:00.000Z', doneAt: '2026-02-28T03:00:00.000Z' },
      // Received 28 February 11:00 in China: the third day after is 3 March.
      { step: 'case-opening-decision', article: '国务院令第310号 第8条', unitId: OTHER_POLICE.unitId, from: '2026-02-28T03:00:00.000Z', dueBy: '2026-03-03', doneAt: '2026-03-01T03:00:00.000Z' },
      { step: 'seized-items-handover', article: '国务院令第310号 第12条', unitId: 'unit-scj', from: '2026-03-01T03:00:00.000Z', dueBy: '2026-03-04', doneAt: '2026-03-03' },
    ]);
    expect(ta?.events.map((event) => event.type)).to.deep.equal([
      'case.transferReported.v1',
      'case.transferApproved.v1',
      'case.transferred.v1',
      'case.transferReceived.v1',
      'case.transferForwarded.v1',
      'case.transferReceived.v1',
      'case.transferAccepted.v1',
      'case.seizedItemsHandedOver.v1',
    ]);
    const tc = await getInboxTransfer(db, { unitId: 'unit-jcy', kinds: ['procuratorate'] }, 'c2', 'tc');
    expect(tc?.deadlines.slice(2).map((deadline) => [deadline.step, deadline.dueBy, deadline.doneAt])).to.deep.equal([
      ['case-opening-decision', '2026-03-05', '2026-03-03T02:00:00.000Z'],
      ['reconsideration-request', '2026-03-06', '2026-03-04T02:00:00.000Z'],
      ['reconsideration-answer', '2026-03-07', '2026-03-05T02:00:00.000Z'],
      ['supervision-request', '2026-03-08', '2026-03-06T02:00:00.000Z'],
    ]);
    expect((await getInboxTransfer(db, inboxOf(COURT), 'c3', 'td'))?.deadlines.map((deadline) => deadline.step)).to.deep.equal(['dispatch', 'receipt']);
  });

  it('pages without repeating or skipping', async () => {
    const first = await listTransferInbox(db, { ...inboxOf(POLICE), limit: 1 });
    expect(first.next).to.be.an('object');
    const second = await listTransferInbox(db, { ...inboxOf(POLICE), limit: 1, after: first.next });
    expect([...first.items, ...second.items].map((item) => item.transferId)).to.deep.equal(['tc', 'ta']);
    expect(second.next).to.equal(null);
  });

  it('rebuilds to the same dump, in place and from scratch', async () => {
    const dump = await expectRebuildsIdentically(ledger.store, readModels, transfersProjection, target);
    expect(dump).to.include('# transfers_inbox').and.include('"ta"');
  });
});
