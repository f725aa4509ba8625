import { expect } from 'chai';
import type { PublicCaseResult, PublicDecision, PublicDocument } from '@quanze/projections';
import type { TestApp } from '../../support/http.js';
import { created, domainServices, get, hash, organization, startAccountabilityApp, subjectId } from './queries-support.js';
import type { AccountabilityTestApp, Problem } from './queries-support.js';

// 2026-03-02, 17:00 in 尚志.
const NOW = '2026-03-02T09:00:00.000Z';

interface Page<TItem> {
  readonly items: TItem[];
  readonly nextCursor: string | null;
}
interface DocumentsPage extends Page<PublicDocument> {
  readonly on: string;
  readonly total: number;
}

/** Names of natural persons in this history: officials registered by name, and citizens who are parties to cases. */
const PERSON_NAMES = ['赵执法', '钱执法', '孙市长', '王小明', '李四'];

describe('the public views (公开)', () => {
  let city: AccountabilityTestApp;
  let app: TestApp;
  let government = '';
  let agency = '';
  let personIds: string[] = [];
  const documents: Record<'current' | 'later' | 'abolished', string> = { current: '', later: '', abolished: '' };
  const cases: Record<'citizen' | 'company' | 'individualBusiness' | 'withdrawn' | 'unpublished', string> = {
    citizen: '',
    company: '',
    individualBusiness: '',
    withdrawn: '',
    unpublished: '',
  };
  let publishedDecision = '';
  let unpublishedDecision = '';
  /** Every body a public route answered in this spec, for the final check that no person's name is in any. */
  const answered: unknown[] = [];

  async function publicGet<TBody>(path: string): Promise<TBody> {
    await city.settle();
    const response = await get<TBody>(app, path, null);
    expect(response.status, `${path}: ${JSON.stringify(response.body)}`).to.equal(200);
    answered.push(response.body);
    return response.body;
  }

  before(async () => {
    city = await startAccountabilityApp(domainServices, { clock: () => new Date(NOW) });
    app = city.app;
    const admin = await app.token({ roles: ['admin'], personId: 'person-admin', postId: null, unitId: null });
    const org = organization(app, admin);
    government = await org.unit('尚志市人民政府', 'government', '尚政');
    agency = await org.unit('尚志市市场监督管理局', 'department');
    const legal = await org.unit('尚志市司法局', 'department');
    const officers = [await org.officer('赵执法', legal), await org.officer('钱执法', legal)];
    const mayor = await org.person('孙市长');
    personIds = [...officers.map((officer) => officer.personId), mayor];

    // ── Normative documents (规范性文件), drafted by the government's legal office and issued by the government ──
    const clerk = await app.token({ roles: ['clerk'], personId: 'person-clerk-fzb', unitId: legal });
    const reviewer = await app.token({ roles: ['legal-reviewer'], personId: 'person-reviewer', unitId: legal });
    const head = await app.token({ roles: ['head'], personId: mayor, unitId: government });
    async function issued(title: string, effectiveFrom: string, validUntil: string): Promise<string> {
      const documentId = subjectId(
        await created(app, '/documents', clerk, { title, issuingUnitId: government, textSha256: hash('d'), affectsBusiness: false }),
        'documentId',
      );
      await created(app, `/documents/${documentId}/comment-period`, clerk, { openedOn: '2026-01-05', closesOn: '2026-02-04', public: true, notice: '门户网站 征求意见公告' });
      await created(app, `/documents/${documentId}/comment-period/close`, clerk, { closedOn: '2026-02-04', opinionsReceived: 0, adoptionSummary: '未收到意见' });
      await created(app, `/documents/${documentId}/legality-reviews`, reviewer, { submittedOn: '2026-02-05', completedOn: '2026-02-13', outcome: 'passed', opinion: '合法' });
      await created(app, `/documents/${documentId}/collective-discussions`, head, { meeting: { kind: 'standing', heldOn: '2026-02-20' }, outcome: 'approved' });
      await created(app, `/documents/${documentId}/registration`, clerk, {});
      await created(app, `/documents/${documentId}/issue`, head, {
        issuedOn: '2026-03-02',
        effectiveFrom,
        validUntil,
        publications: [{ channel: 'website', reference: `http://www.shangzhi.gov.cn/zwgk/2026/${title}` }],
      });
      return documentId;
    }
    documents.current = await issued('尚志市行政执法公示办法', '2026-03-02', '2031-03-01');
    documents.later = await issued('尚志市双随机抽查实施细则', '2026-06-01', '2031-05-31');
    documents.abolished = await issued('尚志市城区供暖管理暂行办法', '2026-03-02', '2031-03-01');
    await created(app, `/documents/${documents.abolished}/clean-up-decisions`, head, { decidedOn: '2026-03-02', decision: 'abolish', reason: '上位法已修改' });
    await created(app, `/documents/${documents.abolished}/abolition`, head, { abolishedOn: '2026-04-01', reason: '上位法已修改' });

    // ── Enforcement cases (行政执法公示) ──
    const caseClerk = await app.token({ roles: ['clerk'], personId: 'person-clerk-scj', unitId: agency });
    const caseHead = await app.token({ roles: ['head'], personId: 'person-head-scj', unitId: agency });
    async function decidedCase(party: unknown, publish: boolean): Promise<string> {
      const caseId = subjectId(
        await created(app, '/cases', caseClerk, {
          title: '销售不合格产品案',
          enforcementKind: 'penalty',
          major: false,
          party,
          legalBasis: [{ kind: 'document', documentNumber: '尚政规〔2026〕1号' }],
        }),
        'caseId',
      );
      await created(app, `/cases/${caseId}/officers`, caseClerk, { officers });
      await created(app, `/cases/${caseId}/rights-notice`, caseClerk, { intendedPenalty: '罚款二千元', hearingOffered: false });
      await created(app, `/cases/${caseId}/decision`, caseHead, {
        outcome: 'penalty',
        penalties: [{ kind: 'fine', amountFen: 200_000 }],
        legalBasis: [{ kind: 'law', title: '中华人民共和国产品质量法', article: '第49条' }],
        decisionNumber: `尚市监处字〔2026〕${caseId.slice(0, 4)}号`,
        decisionTextSha256: hash('c'),
      });
      if (publish) {
        await created(app, `/cases/${caseId}/publication`, caseClerk, { channel: 'website', reference: `r-${caseId}`, summary: '销售不合格产品，罚款二千元' });
      }
      return caseId;
    }
    cases.citizen = await decidedCase({ kind: 'natural-person', name: '王小明' }, true);
    cases.company = await decidedCase({ kind: 'legal-person', name: '尚志市某某商贸有限公司' }, true);
    cases.individualBusiness = await decidedCase({ kind: 'individual-business', name: '李四' }, true);
    cases.withdrawn = await decidedCase({ kind: 'legal-person', name: '尚志市撤销商贸有限公司' }, true);
    await created(app, `/cases/${cases.withdrawn}/decision-change`, caseClerk, { change: 'revoked', by: 'court-judgment', reasons: '判决撤销' });
    await created(app, `/cases/${cases.withdrawn}/publication-withdrawal`, caseClerk, { reference: 'r-withdrawn', reasons: '决定已被撤销' });
    cases.unpublished = await decidedCase({ kind: 'legal-person', name: '尚志市未公示商贸有限公司' }, false);

    // ── Major decisions (重大行政决策) ──
    const decisionClerk = await app.token({ roles: ['clerk'], personId: 'person-clerk-fgj', unitId: agency });
    const members = ['person-vice-mayor-1', 'person-vice-mayor-2'];
    async function decided(title: string): Promise<string> {
      const notApplicable = { applies: false, reason: '不涉及', legalGround: '重大行政决策程序暂行条例 第14条' };
      const decisionId = subjectId(
        await created(app, '/decisions', decisionClerk, {
          title,
          draftSummary: '调整城区居民供热价格',
          decisionItem: { listed: true, entryId: 'catalogue-2026-1' },
          decisionOrganUnitId: government,
          handlingUnits: [{ unitId: agency, role: 'lead' }],
          proposedBy: mayor,
          conditionalSteps: { publicParticipation: notApplicable, expertArgumentation: notApplicable, riskAssessment: notApplicable },
        }),
        'decisionId',
      );
      await created(app, `/decisions/${decisionId}/legality-reviews`, reviewer, {
        form: 'written-review',
        reviewerPersonIds: ['person-reviewer'],
        startedOn: '2026-02-02',
        completedOn: '2026-02-12',
        conclusion: 'lawful',
        opinion: '未发现违法情形',
      });
      await created(app, `/decisions/${decisionId}/meetings`, decisionClerk, {
        meetingId: `meeting-${decisionId}`,
        kind: 'standing',
        heldOn: '2026-02-20',
        headPersonId: mayor,
        attendance: [{ personId: mayor, present: true }, ...members.map((personId) => ({ personId, present: true }))],
        materials: { draft: true, opinionHandling: true, riskReport: false, legalityOpinion: true, fairCompetitionReview: false },
        marketsAffected: false,
      });
      for (const member of members) {
        await created(app, `/decisions/${decisionId}/meetings/meeting-${decisionId}/opinions`, decisionClerk, { memberPersonId: member, opinion: 'for', statement: '同意' });
      }
      await created(app, `/decisions/${decisionId}/meetings/meeting-${decisionId}/decision`, head, {
        outcome: 'adopted',
        decisionText: '同意调整城区居民供热价格',
        legalBasis: ['价格法 第23条'],
      });
      return decisionId;
    }
    publishedDecision = await decided('尚志市城区供热价格调整');
    await created(app, `/decisions/${publishedDecision}/publications`, decisionClerk, {
      channel: 'gazette',
      reference: '尚志市人民政府公报 2026年第3期',
      publishedOn: '2026-03-01',
      opinionAdoption: '未征求公众意见(不适用)',
    });
    unpublishedDecision = await decided('尚志市公交票价调整');
  });

  after(async () => {
    await city.close();
  });

  describe('normative documents valid on a day', () => {
    const numbersOn = async (query: string) => (await publicGet<DocumentsPage>(`/public/documents${query}`)).items.map((item) => item.documentId);

    it('lists today’s valid documents by number, with their dates and publications, when no day is given', async () => {
      const page = await publicGet<DocumentsPage>('/public/documents');
      expect(page.on).to.equal('2026-03-02');
      expect(page.total).to.equal(2);
      expect(page.items.map((item) => item.documentId)).to.deep.equal([documents.current, documents.abolished]);
      expect(page.items[0]).to.deep.include({
        title: '尚志市行政执法公示办法',
        number: { authorityCode: '尚政', year: 2026, serial: 1, formatted: '尚政规〔2026〕1号' },
        issuingUnitId: government,
        issuingUnitName: '尚志市人民政府',
        issuedOn: '2026-03-02',
        effectiveFrom: '2026-03-02',
        validUntil: '2031-03-01',
        status: 'in-force',
        abolishedOn: null,
      });
      expect(page.items[0]?.publications).to.deep.equal([{ channel: 'website', reference: 'http://www.shangzhi.gov.cn/zwgk/2026/尚志市行政执法公示办法' }]);
      expect(page.items[1]).to.deep.include({ abolishedOn: '2026-04-01', status: 'in-force' });
    });

    it('lists the documents valid on any other day: not yet in effect, abolished, expired', async () => {
      expect(await numbersOn('?on=2026-03-01')).to.deep.equal([]);
      expect(await numbersOn('?on=2026-05-01')).to.deep.equal([documents.current]);
      expect(await numbersOn('?on=2026-07-01')).to.deep.equal([documents.current, documents.later]);
      expect(await numbersOn('?on=2031-03-01')).to.deep.equal([documents.current, documents.later]);
      expect(await numbersOn('?on=2031-03-02')).to.deep.equal([documents.later]);
      expect(await numbersOn('?on=2031-06-01')).to.deep.equal([]);
    });

    it('pages by number', async () => {
      const first = await publicGet<DocumentsPage>('/public/documents?on=2026-07-01&limit=1');
      expect(first.items.map((item) => item.documentId)).to.deep.equal([documents.current]);
      const second = await publicGet<DocumentsPage>(`/public/documents?on=2026-07-01&limit=1&cursor=${first.nextCursor ?? ''}`);
      expect(second.items.map((item) => item.documentId)).to.deep.equal([documents.later]);
      expect(second.nextCursor).to.equal(null);
      expect(second.total).to.equal(2);
    });

    it('names an invalid day (400)', async () => {
      const response = await get<Problem>(app, '/public/documents?on=2026-02-30', null);
      expect(response.status).to.equal(400);
      expect(response.body.errors?.[0]?.path).to.deep.equal(['query', 'on']);
    });
  });

  describe('published enforcement results', () => {
    it('lists published decisions until withdrawn, the party by kind and an organisation by name only', async () => {
      const page = await publicGet<Page<PublicCaseResult>>('/public/enforcement-results');
      const byCase = new Map(page.items.map((item) => [item.caseId, item]));
      expect([...byCase.keys()]).to.have.members([cases.citizen, cases.company, cases.individualBusiness]);
      expect(byCase.get(cases.citizen)?.party).to.deep.equal({ kind: 'natural-person' });
      expect(byCase.get(cases.individualBusiness)?.party).to.deep.equal({ kind: 'individual-business' });
      expect(byCase.get(cases.company)?.party).to.deep.equal({ kind: 'legal-person', name: '尚志市某某商贸有限公司' });
      expect(byCase.get(cases.company)).to.deep.include({ kind: 'case', unitId: agency, enforcementKind: 'penalty', decisionChange: null });
      expect(byCase.get(cases.company)?.decision).to.deep.include({ outcome: 'penalty', decidedOn: '2026-03-02' });
      expect(byCase.get(cases.company)?.publication).to.deep.include({ channel: 'website', summary: '销售不合格产品，罚款二千元' });
    });

    it('filters by unit and kind, and pages', async () => {
      expect((await publicGet<Page<PublicCaseResult>>('/public/enforcement-results?unitId=unit-none')).items).to.deep.equal([]);
      expect((await publicGet<Page<PublicCaseResult>>('/public/enforcement-results?kind=inspection')).items).to.deep.equal([]);
      const seen: string[] = [];
      let cursor: string | null = '';
      while (cursor !== null) {
        const page: Page<PublicCaseResult> = await publicGet(`/public/enforcement-results?unitId=${agency}&kind=case&limit=2${cursor === '' ? '' : `&cursor=${cursor}`}`);
        seen.push(...page.items.map((item) => item.caseId));
        cursor = page.nextCursor;
      }
      expect(seen).to.have.members([cases.citizen, cases.company, cases.individualBusiness]).and.have.length(3);
    });
  });

  describe('published decisions', () => {
    it('lists a decision once published, with its status, and no opinions', async () => {
      const page = await publicGet<Page<PublicDecision>>('/public/decisions');
      expect(page.items.map((item) => item.decisionId)).to.deep.equal([publishedDecision]);
      expect(page.items[0]).to.deep.include({
        title: '尚志市城区供热价格调整',
        decisionOrganUnitId: government,
        leadUnitId: agency,
        status: 'in-force',
        statusChanges: [],
      });
      expect(page.items[0]?.decision).to.deep.equal({
        outcome: 'adopted',
        text: '同意调整城区居民供热价格',
        decidedOn: '2026-02-20',
        meetingKind: 'standing',
        legalBasis: ['价格法 第23条'],
      });
      expect(JSON.stringify(page)).to.not.include(unpublishedDecision).and.not.include('person-vice-mayor');
    });
  });

  // Last, so that every answer of the specs above is checked too.
  describe('personal data', () => {
    it('answers without a token, and never shows a natural person’s name or an official’s person id in any public answer', async () => {
      await publicGet('/public/documents?on=2026-07-01');
      await publicGet('/public/enforcement-results');
      await publicGet('/public/decisions');
      expect(answered.length).to.be.greaterThan(15);
      // The names are in the ledger (so the check below can fail), only not in what the public is answered.
      const ledger: unknown[] = [];
      for await (const event of app.store.readAll()) ledger.push(event.data);
      for (const name of PERSON_NAMES) expect(JSON.stringify(ledger), name).to.include(name);
      const text = JSON.stringify(answered);
      for (const name of PERSON_NAMES) expect(text, name).to.not.include(name);
      for (const personId of personIds) expect(text, personId).to.not.include(personId);
      expect(text).to.include('尚志市某某商贸有限公司');
    });
  });
});
