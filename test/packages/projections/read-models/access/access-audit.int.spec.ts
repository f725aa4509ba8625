import { expect } from 'chai';
import { accessAuditProjection, createProjectionRunner, listAccessRecords } from '@quanze/projections';
import type { AccessQuery, ProjectionRunner, ReadModelSql, ReadModelStore } from '@quanze/projections';
import { describeOnEachReadModelStore, statementwise } from '../../../../support/read-models.js';
import { expectRebuildsIdentically, openHandcraftedLedger } from '../transfers/ledger.js';
import type { HandcraftedLedger } from '../transfers/ledger.js';

const who = {
  judge: { personId: 'person-judge', postId: 'post-judge', unitId: 'unit-court', roles: ['court'] },
  supervisor: { personId: 'person-jw', postId: null, unitId: 'unit-jw', roles: ['supervision', 'analyst'] },
} as const;

describeOnEachReadModelStore('the access audit read model (访问留痕)', (target) => {
  let ledger: HandcraftedLedger;
  let readModels: ReadModelStore;
  let db: ReadModelSql;
  let runner: ProjectionRunner;
  const positions: number[] = [];

  async function queried(person: keyof typeof who, operationId: string, subject: string | null, when: string): Promise<void> {
    const { personId, postId, unitId, roles } = who[person];
    positions.push(
      await ledger.append(
        `access-${personId}`,
        'access.queried.v1',
        { who: { personId, postId, unitId, roles }, what: { operationId, subject, parameters: { limit: 50, stage: null } }, when },
        { at: when, actor: { personId, postId, unitId } },
      ),
    );
  }

  const list = async (query: Omit<AccessQuery, 'limit'> & { limit?: number }) =>
    (await listAccessRecords(db, { limit: 50, ...query })).items.map((record) => [record.who.personId, record.what.operationId, record.when]);

  before(async () => {
    ledger = await openHandcraftedLedger();
    readModels = await target.open();
    db = statementwise(readModels);
    runner = createProjectionRunner({ store: ledger.store, readModels, projections: [accessAuditProjection], batchSize: 2 });
    await runner.start();
    await queried('judge', 'listTransferInbox', null, '2026-03-01T01:00:00.000Z');
    await queried('judge', 'getInboxTransfer', 'case-c1', '2026-03-02T01:00:00.000Z');
    await queried('supervisor', 'listAccessAudit', 'person-person-judge', '2026-03-02T03:00:00.000Z');
    await queried('supervisor', 'getInboxTransfer', 'case-c1', '2026-03-03T01:00:00.000Z');
    // Recorded later, but asked earlier (a slow append): the audit orders by when it was asked.
    await queried('judge', 'listTransferInbox', null, '2026-03-02T02:00:00.000Z');
    await runner.waitFor(await ledger.store.headPosition());
  });

  after(async () => {
    await runner.stop();
    await readModels.close();
    await ledger.close();
  });

  it('keeps who asked, in which post, unit and roles, what and when', async () => {
    const [latest] = (await listAccessRecords(db, { limit: 1 })).items;
    expect(latest).to.deep.equal({
      position: positions[3],
      eventId: latest?.eventId,
      who: { personId: 'person-jw', postId: null, unitId: 'unit-jw', roles: ['supervision', 'analyst'] },
      what: { operationId: 'getInboxTransfer', subject: 'case-c1', parameters: { limit: 50, stage: null } },
      when: '2026-03-03T01:00:00.000Z',
    });
  });

  it('finds the queries by person, unit, operation, subject and time, latest asked first', async () => {
    expect(await list({ personId: 'person-judge' })).to.deep.equal([
      ['person-judge', 'listTransferInbox', '2026-03-02T02:00:00.000Z'],
      ['person-judge', 'getInboxTransfer', '2026-03-02T01:00:00.000Z'],
      ['person-judge', 'listTransferInbox', '2026-03-01T01:00:00.000Z'],
    ]);
    expect((await list({ unitId: 'unit-jw' })).map(([, operation]) => operation)).to.deep.equal(['getInboxTransfer', 'listAccessAudit']);
    expect((await list({ operationId: 'getInboxTransfer' })).map(([person]) => person)).to.deep.equal(['person-jw', 'person-judge']);
    expect(await list({ subject: 'case-c1', personId: 'person-judge' })).to.deep.equal([['person-judge', 'getInboxTransfer', '2026-03-02T01:00:00.000Z']]);
    expect((await list({ from: '2026-03-02T01:00:00.000Z', to: '2026-03-02T03:00:00.000Z' })).map(([, , when]) => when)).to.deep.equal([
      '2026-03-02T02:00:00.000Z',
      '2026-03-02T01:00:00.000Z',
    ]);
    expect(await list({ personId: 'person-nobody' })).to.deep.equal([]);
  });

  it('pages without repeating or skipping', async () => {
    const seen: string[] = [];
    let page = await listAccessRecords(db, { limit: 2 });
    seen.push(...page.items.map((record) => record.when));
    while (page.next !== null) {
      page = await listAccessRecords(db, { limit: 2, before: page.next });
      seen.push(...page.items.map((record) => record.when));
    }
    expect(seen).to.deep.equal((await list({})).map(([, , when]) => when));
    expect(seen).to.have.length(5);
  });

  it('rebuilds to the same dump, in place and from scratch', async () => {
    await expectRebuildsIdentically(ledger.store, readModels, accessAuditProjection, target);
  });
});
