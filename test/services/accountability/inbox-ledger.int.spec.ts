import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { INTEGRITY_FILE_NAME, createSealer, createSqliteIntegrityStore, generateNoteKey, parseSignerKey, type IntegrityStore, type Sealer } from '@quanze/integrity';
import type { TestApp } from '../../support/http.js';
import { created, domainServices, get, organization, startAccountabilityApp, subjectId, transferMaterials } from './queries-support.js';
import type { AccountabilityTestApp } from './queries-support.js';

interface TransferEvent {
  readonly position: number;
  readonly checkpointSize: number | null;
}

interface Listed {
  readonly caseId: string;
  readonly transferId: string;
  readonly transferEvent: TransferEvent | null;
}

describe('a transfer in the inbox names its place in the tamper-evident log (for asking for the case bundle)', () => {
  let folder: string;
  let integrity: IntegrityStore;
  let city: AccountabilityTestApp;
  let app: TestApp;
  let sealer: Sealer;
  let clerk: string;
  let head: string;
  let court: string;
  let caseId: string;
  let transferId: string;
  let transferPosition: number;

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'quanze-inbox-ledger-'));
    integrity = createSqliteIntegrityStore({ path: join(folder, INTEGRITY_FILE_NAME) });
    city = await startAccountabilityApp(domainServices, { integrity });
    app = city.app;
    sealer = createSealer({ store: app.store, integrity, signer: parseSignerKey(generateNoteKey('quanze.inbox/ledger').signerKey), everyEvents: 1_000_000, everyMs: 60_000 });
    await sealer.start();

    const admin = await app.token({ roles: ['admin'], personId: 'person-admin', postId: null, unitId: null });
    const org = organization(app, admin);
    const agency = await org.unit('尚志市市场监督管理局', 'department');
    const legal = await org.unit('尚志市司法局', 'department');
    const courtUnit = await org.unit('尚志市人民法院', 'court');
    const officers = [await org.officer('赵执法', legal), await org.officer('钱执法', legal)];
    clerk = await app.token({ personId: 'person-clerk', unitId: agency, postId: null, roles: ['clerk'] });
    head = await app.token({ personId: 'person-head', unitId: agency, postId: null, roles: ['head'] });
    court = await app.token({ personId: 'person-judge', unitId: courtUnit, postId: null, roles: ['court'] });

    caseId = subjectId(
      await created(app, '/cases', clerk, {
        title: '某某商贸有限公司销售伪劣产品案',
        enforcementKind: 'penalty',
        major: false,
        party: { kind: 'legal-person', name: '尚志市某某商贸有限公司' },
        legalBasis: [{ kind: 'law', title: '中华人民共和国产品质量法', article: '第50条' }],
      }),
      'caseId',
    );
    await created(app, `/cases/${caseId}/officers`, clerk, { officers });
    transferId = subjectId(
      await created(app, `/cases/${caseId}/transfers`, clerk, {
        receivingAuthority: { unitId: courtUnit, kind: 'court' },
        suspectedOffence: '销售伪劣产品罪',
        reportingOfficerIds: officers.map((officer) => officer.personId),
      }),
      'transferId',
    );
    const base = `/cases/${caseId}/transfers/${transferId}`;
    await created(app, `${base}/approval`, head, {});
    const dispatched = await created(app, `${base}/dispatch`, clerk, { materials: transferMaterials });
    const event = dispatched.events.find((e) => e.type === 'case.transferred.v1');
    if (event === undefined) throw new Error('the dispatch recorded no case.transferred.v1');
    transferPosition = event.position;
  });

  after(async () => {
    await sealer.stop();
    await city.close();
    await integrity.close();
    await rm(folder, { recursive: true, force: true });
  });

  async function listed(): Promise<Listed> {
    await city.settle();
    const response = await get<{ items: Listed[] }>(app, '/inbox', court);
    expect(response.status, JSON.stringify(response.body)).to.equal(200);
    const item = response.body.items.find((entry) => entry.caseId === caseId && entry.transferId === transferId);
    if (item === undefined) throw new Error('the transfer is not in the court’s inbox');
    return item;
  }

  async function detail(): Promise<Listed> {
    await city.settle();
    const response = await get<Listed>(app, `/inbox/${caseId}/${transferId}`, court);
    expect(response.status, JSON.stringify(response.body)).to.equal(200);
    return response.body;
  }

  it('shows the position of case.transferred.v1 and no checkpoint while it is not yet sealed', async () => {
    expect((await listed()).transferEvent).to.deep.equal({ position: transferPosition, checkpointSize: null });
    expect((await detail()).transferEvent).to.deep.equal({ position: transferPosition, checkpointSize: null });
  });

  it('then the smallest signed checkpoint that covers it, which later checkpoints do not replace', async () => {
    const head = await app.store.headPosition();
    await sealer.sealedThrough(head);
    const first = await sealer.checkpointNow();
    expect(first?.size).to.be.at.least(transferPosition);
    // The court reads the transfer (an audited query, so the log grows) and the sealer signs again.
    await detail();
    await sealer.sealedThrough(await app.store.headPosition());
    const second = await sealer.checkpointNow();
    expect(second?.size).to.be.greaterThan(first?.size ?? 0);
    expect((await listed()).transferEvent).to.deep.equal({ position: transferPosition, checkpointSize: first?.size });
    expect((await detail()).transferEvent).to.deep.equal({ position: transferPosition, checkpointSize: first?.size });
  });
});
