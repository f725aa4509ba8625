import { expect } from 'chai';
import type { InboxItem } from '@quanze/projections';
import type { TestApp } from '../../support/http.js';
import { created, domainServices, get, organization, startAccountabilityApp, subjectId, transferMaterials } from './queries-support.js';
import type { AccountabilityTestApp, Problem } from './queries-support.js';

const NOW = '2026-03-02T01:00:00.000Z';

interface Page {
  readonly items: InboxItem[];
  readonly nextCursor: string | null;
}

const cursor = (key: unknown) => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

describe('the transfer inbox’s pages (移送案件收件箱, 分页)', () => {
  let city: AccountabilityTestApp;
  let app: TestApp;
  const units = { agency: '', legal: '', police: '' };
  const tokens = { clerk: '', head: '', police: '' };
  let officers: { personId: string; certificateId: string }[] = [];

  /** A case of the agency with its transfer sent to the police; its id as the inbox names it. */
  async function sentToPolice(): Promise<{ id: string; base: string }> {
    const caseId = subjectId(
      await created(app, '/cases', tokens.clerk, {
        title: '某某商贸有限公司销售伪劣产品案',
        enforcementKind: 'penalty',
        major: false,
        party: { kind: 'legal-person', name: '尚志市某某商贸有限公司' },
        legalBasis: [{ kind: 'law', title: '中华人民共和国产品质量法', article: '第50条' }],
      }),
      'caseId',
    );
    await created(app, `/cases/${caseId}/officers`, tokens.clerk, { officers });
    const transferId = subjectId(
      await created(app, `/cases/${caseId}/transfers`, tokens.clerk, {
        receivingAuthority: { unitId: units.police, kind: 'public-security' },
        suspectedOffence: '销售伪劣产品罪',
        reportingOfficerIds: officers.map((officer) => officer.personId),
      }),
      'transferId',
    );
    const base = `/cases/${caseId}/transfers/${transferId}`;
    await created(app, `${base}/approval`, tokens.head, {});
    await created(app, `${base}/dispatch`, tokens.clerk, { materials: transferMaterials });
    return { id: `${caseId}/${transferId}`, base };
  }

  async function inbox(query: string): Promise<Page> {
    await city.settle();
    const response = await get<Page>(app, `/inbox${query}`, tokens.police);
    expect(response.status, JSON.stringify(response.body)).to.equal(200);
    return response.body;
  }

  const idsOf = (page: Page) => page.items.map((item) => `${item.caseId}/${item.transferId}`);

  /** Every page after `first`, in turn, as far as the last. */
  async function restAfter(first: Page, query: string): Promise<Page[]> {
    const pages: Page[] = [];
    for (let next = first.nextCursor; next !== null; ) {
      const page = await inbox(`${query}&cursor=${next}`);
      pages.push(page);
      next = page.nextCursor;
    }
    return pages;
  }

  beforeEach(async () => {
    city = await startAccountabilityApp(domainServices, { clock: () => new Date(NOW) });
    app = city.app;
    const admin = await app.token({ roles: ['admin'], personId: 'person-admin', postId: null, unitId: null });
    const org = organization(app, admin);
    units.agency = await org.unit('尚志市市场监督管理局', 'department');
    units.legal = await org.unit('尚志市司法局', 'department');
    units.police = await org.unit('尚志市公安局', 'public-security');
    officers = [await org.officer('赵执法', units.legal), await org.officer('钱执法', units.legal)];
    tokens.clerk = await app.token({ personId: 'person-clerk', unitId: units.agency, roles: ['clerk'] });
    tokens.head = await app.token({ personId: 'person-head', unitId: units.agency, roles: ['head'] });
    tokens.police = await app.token({ personId: 'person-police', unitId: units.police, roles: ['public-security'] });
  });

  afterEach(async () => {
    await city.close();
  });

  it('neither repeats nor skips a transfer answered between two pages, and keeps one that arrived since for the next first page', async () => {
    const sent: { id: string; base: string }[] = [];
    for (let count = 0; count < 5; count += 1) sent.push(await sentToPolice());
    const [t1, t2, t3, t4, t5] = sent.map((transfer) => transfer.id);

    const first = await inbox('?limit=2');
    expect(idsOf(first)).to.deep.equal([t5, t4]);

    // Answered while the reader is on page 1: one further down (it would jump above the cursor), one already read.
    await created(app, `${sent[1]?.base ?? ''}/receipt`, tokens.police, {});
    await created(app, `${sent[3]?.base ?? ''}/receipt`, tokens.police, {});
    const t6 = (await sentToPolice()).id;

    const rest = await restAfter(first, '?limit=2');
    expect(rest.map(idsOf)).to.deep.equal([[t3, t2], [t1]]);
    expect(rest.at(-1)?.nextCursor).to.equal(null);
    // Where the first page put it, but as it is now.
    expect(rest[0]?.items[1]).to.deep.include({ stage: 'received' });
    expect(rest[0]?.items[1]?.lastEvent.type).to.equal('case.transferReceived.v1');

    expect(idsOf(await inbox('?limit=200'))).to.deep.equal([t6, t4, t2, t5, t3, t1]);
  });

  it('lists by the stage a transfer is at now: one that left the stage between pages is not listed', async () => {
    const sent: { id: string; base: string }[] = [];
    for (let count = 0; count < 4; count += 1) sent.push(await sentToPolice());
    const [t1, t2, t3, t4] = sent.map((transfer) => transfer.id);

    const first = await inbox('?stage=sent&limit=2');
    expect(idsOf(first)).to.deep.equal([t4, t3]);
    await created(app, `${sent[1]?.base ?? ''}/receipt`, tokens.police, {});

    const rest = await restAfter(first, '?stage=sent&limit=2');
    expect(rest.map(idsOf)).to.deep.equal([[t1]]);
    const received = await inbox('?stage=received');
    expect(idsOf(received)).to.deep.equal([t2]);
  });

  it('names a cursor that is not one of the inbox’s (400)', async () => {
    for (const key of [12, { asOf: 5, position: 9, kind: 'public-security' }, { asOf: 5, position: 3, kind: 'court', extra: 1 }, { asOf: 5, position: 3 }]) {
      const response = await get<Problem>(app, `/inbox?cursor=${cursor(key)}`, tokens.police);
      expect(response.status, JSON.stringify(key)).to.equal(400);
      expect(response.body.errors?.[0]?.path, JSON.stringify(key)).to.deep.equal(['query', 'cursor']);
    }
  });
});
