import { expect } from 'chai';
import { createProjectionRunner, listTransferInbox, transfersProjection } from '@quanze/projections';
import type { InboxItem, InboxOwner, InboxPage, ProjectionRunner, ReadModelSql, ReadModelStore } from '@quanze/projections';
import { describeOnEachReadModelStore, statementwise } from '../../../../support/read-models.js';
import { openHandcraftedLedger } from './ledger.js';
import type { HandcraftedLedger } from './ledger.js';

const materials = [{ kind: 'transfer-letter', title: '涉嫌犯罪案件移送书', sha256: '1'.repeat(64) }];
const officers = ['person-a', 'person-b'];
const POLICE = { unitId: 'unit-gaj', kind: 'public-security' } as const;

describeOnEachReadModelStore('the transfer inbox’s pages (移送案件收件箱, 分页)', (target) => {
  let ledger: HandcraftedLedger;
  let readModels: ReadModelStore;
  let db: ReadModelSql;
  let runner: ProjectionRunner;

  async function settle(): Promise<void> {
    await runner.waitFor(await ledger.store.headPosition());
  }

  async function sent(transferId: string, to: { unitId: string; kind: string } = POLICE): Promise<void> {
    await ledger.append('case-c1', 'case.transferred.v1', {
      caseId: 'c1',
      transferId,
      fromUnitId: 'unit-scj',
      receivingAuthority: to,
      suspectedOffence: '销售伪劣产品罪',
      approvedBy: 'person-head',
      approvedAt: '2026-03-02T01:00:00.000Z',
      reportingOfficerIds: officers,
      materials,
    });
  }

  async function received(transferId: string): Promise<void> {
    await ledger.append('case-c1', 'case.transferReceived.v1', {
      caseId: 'c1',
      transferId,
      unitId: POLICE.unitId,
      receivedBy: 'person-p1',
      receivedAt: '2026-03-02T02:00:00.000Z',
    });
  }

  /** Every page from `first` on, as the transfer ids of each. */
  async function pagesFrom(owner: InboxOwner, first: InboxPage, limit: number): Promise<string[][]> {
    const key = (item: InboxItem) => item.transferId;
    const pages = [first.items.map(key)];
    for (let next = first.next; next !== null; ) {
      const page = await listTransferInbox(db, { ...owner, limit, after: next });
      pages.push(page.items.map(key));
      next = page.next;
    }
    return pages;
  }

  beforeEach(async () => {
    ledger = await openHandcraftedLedger();
    readModels = await target.open();
    db = statementwise(readModels);
    runner = createProjectionRunner({ store: ledger.store, readModels, projections: [transfersProjection] });
    await runner.start();
  });

  afterEach(async () => {
    await runner.stop();
    await readModels.close();
    await ledger.close();
  });

  it('lists the pages after the first as the inbox stood then: an answered transfer stays where it was, a new one waits', async () => {
    for (const transferId of ['t1', 't2', 't3', 't4', 't5']) await sent(transferId);
    await settle();
    const owner: InboxOwner = { unitId: POLICE.unitId, kinds: [POLICE.kind] };
    const first = await listTransferInbox(db, { ...owner, limit: 2 });

    await received('t2');
    await received('t5');
    await sent('t6');
    await received('t1');
    await settle();

    expect(await pagesFrom(owner, first, 2)).to.deep.equal([['t5', 't4'], ['t3', 't2'], ['t1']]);
    expect((await listTransferInbox(db, { ...owner, limit: 10 })).items.map((item) => item.transferId)).to.deep.equal(['t1', 't6', 't5', 't2', 't4', 't3']);
  });

  it('lists a transfer a unit holds as two kinds once for each, even across a page break', async () => {
    await sent('t1');
    await sent('t2');
    // Forwarded by the police to the same unit id as a procuratorate: one transfer, two rows of one unit, one last position.
    await ledger.append('case-c1', 'case.transferForwarded.v1', {
      caseId: 'c1',
      transferId: 't2',
      fromUnitId: POLICE.unitId,
      to: { unitId: POLICE.unitId, kind: 'procuratorate' },
      forwardedBy: 'person-p1',
      reasons: '不属本局管辖',
      forwardedAt: '2026-03-02T03:00:00.000Z',
    });
    await settle();
    const owner: InboxOwner = { unitId: POLICE.unitId, kinds: ['public-security', 'procuratorate'] };
    const first = await listTransferInbox(db, { ...owner, limit: 1 });
    expect(await pagesFrom(owner, first, 1)).to.deep.equal([['t2'], ['t2'], ['t1']]);
  });
});
