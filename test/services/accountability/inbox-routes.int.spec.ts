import { expect } from 'chai';
import type { InboxItem, InboxTransferDetail } from '@quanze/projections';
import type { TestApp } from '../../support/http.js';
import { created, domainServices, get, organization, startAccountabilityApp, subjectId, transferMaterials } from './queries-support.js';
import type { AccountabilityTestApp, Problem } from './queries-support.js';

// 2026-03-02, 09:00 in 尚志.
const NOW = '2026-03-02T01:00:00.000Z';

interface Page<TItem> {
  readonly items: TItem[];
  readonly nextCursor: string | null;
}

describe('the transfer inbox (移送案件收件箱)', () => {
  let city: AccountabilityTestApp;
  let app: TestApp;
  const units = { agency: '', legal: '', police: '', otherPolice: '', court: '', procuratorate: '' };
  const tokens: Record<string, string> = {};
  let officers: { personId: string; certificateId: string }[] = [];

  const token = (name: string): string => {
    const value = tokens[name];
    if (value === undefined) throw new Error(`no token ${name}`);
    return value;
  };

  /** A case of the agency with its transfer sent to `authority`. */
  async function transferred(authority: { unitId: string; kind: string }): Promise<{ caseId: string; transferId: string; base: string }> {
    const caseId = subjectId(
      await created(app, '/cases', token('clerk'), {
        title: '某某商贸有限公司销售伪劣产品案',
        enforcementKind: 'penalty',
        major: false,
        party: { kind: 'legal-person', name: '尚志市某某商贸有限公司' },
        legalBasis: [{ kind: 'law', title: '中华人民共和国产品质量法', article: '第50条' }],
      }),
      'caseId',
    );
    await created(app, `/cases/${caseId}/officers`, token('clerk'), { officers });
    const report = await created(app, `/cases/${caseId}/transfers`, token('clerk'), {
      receivingAuthority: authority,
      suspectedOffence: '销售伪劣产品罪',
      reportingOfficerIds: officers.map((officer) => officer.personId),
    });
    const transferId = subjectId(report, 'transferId');
    const base = `/cases/${caseId}/transfers/${transferId}`;
    await created(app, `${base}/approval`, token('head'), {});
    await created(app, `${base}/dispatch`, token('clerk'), { materials: transferMaterials });
    return { caseId, transferId, base };
  }

  async function inbox(as: string, query = ''): Promise<Page<InboxItem>> {
    await city.settle();
    const response = await get<Page<InboxItem>>(app, `/inbox${query}`, token(as));
    expect(response.status, JSON.stringify(response.body)).to.equal(200);
    return response.body;
  }

  const idsOf = (page: Page<InboxItem>) => page.items.map((item) => `${item.caseId}/${item.transferId}`);

  before(async () => {
    city = await startAccountabilityApp(domainServices, { clock: () => new Date(NOW) });
    app = city.app;
    const admin = await app.token({ roles: ['admin'], personId: 'person-admin', postId: null, unitId: null });
    const org = organization(app, admin);
    units.agency = await org.unit('尚志市市场监督管理局', 'department');
    units.legal = await org.unit('尚志市司法局', 'department');
    units.police = await org.unit('尚志市公安局', 'public-security');
    units.otherPolice = await org.unit('尚志市公安局亚布力分局', 'public-security');
    units.court = await org.unit('尚志市人民法院', 'court');
    units.procuratorate = await org.unit('尚志市人民检察院', 'procuratorate');
    officers = [await org.officer('赵执法', units.legal), await org.officer('钱执法', units.legal)];
    const principals = {
      clerk: { personId: 'person-clerk', unitId: units.agency, roles: ['clerk'] },
      head: { personId: 'person-head', unitId: units.agency, roles: ['head'] },
      police: { personId: 'person-police', unitId: units.police, roles: ['public-security'] },
      otherPolice: { personId: 'person-police-2', unitId: units.otherPolice, roles: ['public-security'] },
      court: { personId: 'person-judge', unitId: units.court, roles: ['court'] },
      procuratorate: { personId: 'person-prosecutor', unitId: units.procuratorate, roles: ['procuratorate'] },
      // A court role on a token of the police's unit: still a court, so not the police's inbox.
      courtAtPolice: { personId: 'person-odd', unitId: units.police, roles: ['court'] },
    } as const;
    for (const [name, principal] of Object.entries(principals)) tokens[name] = await app.token({ ...principal, roles: [...principal.roles] });
  });

  after(async () => {
    await city.close();
  });

  it('shows each authority the transfers sent to it, and nobody else’s', async () => {
    const toPolice = await transferred({ unitId: units.police, kind: 'public-security' });
    const toCourt = await transferred({ unitId: units.court, kind: 'court' });

    const police = await inbox('police');
    expect(idsOf(police)).to.include(`${toPolice.caseId}/${toPolice.transferId}`).and.not.include(`${toCourt.caseId}/${toCourt.transferId}`);
    const court = await inbox('court');
    expect(idsOf(court)).to.include(`${toCourt.caseId}/${toCourt.transferId}`).and.not.include(`${toPolice.caseId}/${toPolice.transferId}`);
    for (const stranger of ['otherPolice', 'procuratorate', 'courtAtPolice']) {
      const page = await inbox(stranger);
      expect(idsOf(page), stranger).to.not.include.members([`${toPolice.caseId}/${toPolice.transferId}`, `${toCourt.caseId}/${toCourt.transferId}`]);
    }

    const item = police.items.find((entry) => entry.transferId === toPolice.transferId);
    expect(item).to.deep.include({
      caseId: toPolice.caseId,
      relation: 'addressee',
      stage: 'sent',
      sendingUnitId: units.agency,
      receivingAuthority: { unitId: units.police, kind: 'public-security' },
      currentAuthority: { unitId: units.police, kind: 'public-security' },
      suspectedOffence: '销售伪劣产品罪',
      approvedBy: 'person-head',
      approvedAt: NOW,
      dispatchedAt: NOW,
    });
    expect(item?.materials).to.deep.equal(transferMaterials);
    expect(item?.lastEvent.type).to.equal('case.transferred.v1');
    expect(item?.deadlines).to.deep.equal([
      { step: 'dispatch', article: '国务院令第310号 第5条', unitId: units.agency, from: NOW, dueBy: '2026-03-03T01:00:00.000Z', doneAt: NOW },
      { step: 'receipt', article: '国务院令第310号 第7条', unitId: units.police, from: NOW, dueBy: '2026-03-03T01:00:00.000Z', doneAt: null },
    ]);
  });

  it('answers 404 for another authority’s transfer, exactly as for one that does not exist', async () => {
    const toPolice = await transferred({ unitId: units.police, kind: 'public-security' });
    await city.settle();
    const path = `/inbox/${toPolice.caseId}/${toPolice.transferId}`;
    const own = await get<InboxTransferDetail>(app, path, token('police'));
    expect(own.status).to.equal(200);
    expect(own.body.events.map((event) => event.type)).to.deep.equal(['case.transferReported.v1', 'case.transferApproved.v1', 'case.transferred.v1']);
    expect(own.body.events[2]?.recordedBy).to.deep.equal({ personId: 'person-clerk', postId: 'post-test', unitId: units.agency });

    const withoutInstance = (body: Problem & { instance?: string }) => ({ ...body, instance: undefined });
    const made = await get<Problem>(app, `/inbox/${toPolice.caseId}/transfer-made-up`, token('court'));
    for (const stranger of ['court', 'otherPolice', 'procuratorate', 'courtAtPolice']) {
      const response = await get<Problem & { title: string }>(app, path, token(stranger));
      expect(response.status, stranger).to.equal(404);
      expect(response.body.code).to.equal('subject.not-found');
      expect({ ...withoutInstance(response.body), title: response.body.title.replace(toPolice.transferId, 'transfer-made-up') }).to.deep.equal(
        withoutInstance(made.body),
      );
    }
  });

  it('follows a transfer through receipt, forward, acceptance and hand-over, in every inbox it passed through', async () => {
    const { caseId, transferId, base } = await transferred({ unitId: units.police, kind: 'public-security' });
    await created(app, `${base}/receipt`, token('police'), { receiptNumber: '尚公回〔2026〕9号' });
    await created(app, `${base}/forwarding`, token('police'), { to: { unitId: units.otherPolice, kind: 'public-security' }, reasons: '案发地属亚布力分局管辖' });
    const forwarded = (await inbox('otherPolice')).items.find((item) => item.transferId === transferId);
    expect(forwarded).to.deep.include({ stage: 'forwarded', relation: 'addressee', currentAuthority: { unitId: units.otherPolice, kind: 'public-security' } });

    await created(app, `${base}/receipt`, token('otherPolice'), {});
    await created(app, `${base}/acceptance`, token('otherPolice'), { criminalCaseNumber: 'A2301832026030001' });
    await created(app, `${base}/seized-items-handover`, token('otherPolice'), { inventorySha256: 'e'.repeat(64) });

    const there = (await inbox('otherPolice')).items.find((item) => item.transferId === transferId);
    const passed = (await inbox('police')).items.find((item) => item.transferId === transferId);
    expect(there).to.deep.include({ caseId, stage: 'accepted', relation: 'addressee' });
    expect(passed).to.deep.include({ caseId, stage: 'accepted', relation: 'forwarded-on' });
    expect(there?.lastEvent.type).to.equal('case.seizedItemsHandedOver.v1');
    expect(there?.deadlines.map((deadline) => [deadline.step, deadline.unitId, deadline.dueBy, deadline.doneAt])).to.deep.equal([
      ['dispatch', units.agency, '2026-03-03T01:00:00.000Z', NOW],
      ['receipt', units.police, '2026-03-03T01:00:00.000Z', NOW],
      ['forward', units.police, '2026-03-03T01:00:00.000Z', NOW],
      ['receipt', units.otherPolice, '2026-03-03T01:00:00.000Z', NOW],
      ['case-opening-decision', units.otherPolice, '2026-03-05', NOW],
      ['seized-items-handover', units.agency, '2026-03-05', '2026-03-02'],
    ]);

    const detail = await get<InboxTransferDetail>(app, `/inbox/${caseId}/${transferId}`, token('police'));
    expect(detail.status).to.equal(200);
    expect(detail.body.facts.path.map((holder) => [holder.unitId, holder.receiptNumber, holder.forwardedAt])).to.deep.equal([
      [units.police, '尚公回〔2026〕9号', NOW],
      [units.otherPolice, null, null],
    ]);
    expect(detail.body.facts.acceptance).to.deep.include({ unitId: units.otherPolice, criminalCaseNumber: 'A2301832026030001' });
  });

  it('puts a returned transfer before the procuratorate asked to supervise it, with the time limits of 第9条', async () => {
    const { caseId, transferId, base } = await transferred({ unitId: units.police, kind: 'public-security' });
    await created(app, `${base}/receipt`, token('police'), {});
    await created(app, `${base}/return`, token('police'), { reasons: '没有犯罪事实' });
    await created(app, `${base}/reconsideration-request`, token('clerk'), { reasons: '检验报告证明销售金额已达标准' });
    await created(app, `${base}/reconsideration-answer`, token('police'), { outcome: 'refusal-upheld', reasons: '维持不予立案决定' });
    expect(idsOf(await inbox('procuratorate'))).to.not.include(`${caseId}/${transferId}`);

    await created(app, `${base}/supervision-request`, token('clerk'), { procuratorateUnitId: units.procuratorate, reasons: '应当立案而不立案' });
    const item = (await inbox('procuratorate')).items.find((entry) => entry.transferId === transferId);
    expect(item).to.deep.include({ caseId, relation: 'supervision', stage: 'supervision-requested' });
    expect(item?.deadlines.map((deadline) => [deadline.step, deadline.dueBy, deadline.doneAt])).to.deep.include.members([
      ['case-opening-decision', '2026-03-05', NOW],
      ['reconsideration-request', '2026-03-05', NOW],
      ['reconsideration-answer', '2026-03-05', NOW],
      ['supervision-request', '2026-03-05', NOW],
    ]);
    expect((await get(app, `/inbox/${caseId}/${transferId}`, token('procuratorate'))).status).to.equal(200);
    expect((await get(app, `/inbox/${caseId}/${transferId}`, token('court'))).status).to.equal(404);
  });

  it('pages the inbox, latest activity first, and filters by stage', async () => {
    await transferred({ unitId: units.court, kind: 'court' });
    const first = await inbox('court', '?limit=1');
    expect(first.items).to.have.length(1);
    expect(first.nextCursor).to.be.a('string');
    const seen = [...idsOf(first)];
    let cursor = first.nextCursor;
    while (cursor !== null) {
      const page = await inbox('court', `?limit=1&cursor=${cursor}`);
      seen.push(...idsOf(page));
      cursor = page.nextCursor;
    }
    const all = await inbox('court', '?limit=200');
    expect(seen).to.deep.equal(idsOf(all));
    const positions = all.items.map((item) => item.lastEvent.position);
    expect(positions).to.deep.equal([...positions].sort((a, b) => b - a));
    expect((await inbox('court', '?stage=received')).items).to.deep.equal([]);
    expect((await inbox('court', '?stage=sent')).items).to.have.length(all.items.length);
  });

  it('names a bad cursor, stage or limit and an unknown parameter (400)', async () => {
    for (const [query, path] of [
      ['?cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ['?stage=lost', 'stage'],
      ['?limit=0', 'limit'],
      ['?limit=201', 'limit'],
      ['?unit=x', ''],
    ] as const) {
      const response = await get<Problem>(app, `/inbox${query}`, token('court'));
      expect(response.status, query).to.equal(400);
      expect(response.body.errors?.[0]?.path, query).to.deep.equal(path === '' ? ['query'] : ['query', path]);
    }
  });

  it('refuses a judicial token that names no unit', async () => {
    const unitless = await app.token({ roles: ['court'], personId: 'person-unitless', postId: null, unitId: null });
    const response = await get<Problem>(app, '/inbox', unitless);
    expect(response.status).to.equal(403);
    expect(response.body.code).to.equal('subject.not-permitted');
  });

  it('answers consistent=true only once the read models hold the command just recorded, or 503 when they cannot', async () => {
    const { transferId } = await transferred({ unitId: units.court, kind: 'court' });
    const response = await get<Page<InboxItem>>(app, '/inbox?consistent=true&limit=200', token('court'));
    expect(response.body.items.map((item) => item.transferId)).to.include(transferId);

    await city.readModels.runner.stop();
    try {
      await transferred({ unitId: units.court, kind: 'court' });
      const behind = await get<Problem>(app, '/inbox?consistent=true', token('court'));
      expect(behind.status).to.equal(503);
      expect(behind.body.code).to.equal('readmodels.behind');
      expect(behind.headers.get('retry-after')).to.equal('1');
    } finally {
      await city.readModels.runner.start();
    }
  });
});
