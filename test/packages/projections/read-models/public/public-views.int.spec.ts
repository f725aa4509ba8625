import { expect } from 'chai';
import {
  countPublicDocuments,
  createProjectionRunner,
  getPublicDecision,
  getPublicDocument,
  listPublicDecisions,
  listPublicDocuments,
  listPublicEnforcementResults,
  publicViewsProjection,
} from '@quanze/projections';
import type { ProjectionRunner, ReadModelSql, ReadModelStore } from '@quanze/projections';
import { describeOnEachReadModelStore, statementwise } from '../../../../support/read-models.js';
import { expectRebuildsIdentically, openHandcraftedLedger } from '../transfers/ledger.js';
import type { HandcraftedLedger } from '../transfers/ledger.js';

const hash = (character: string) => character.repeat(64);

describeOnEachReadModelStore('the public views read model (公开)', (target) => {
  let ledger: HandcraftedLedger;
  let readModels: ReadModelStore;
  let db: ReadModelSql;
  let runner: ProjectionRunner;

  async function issue(documentId: string, serial: number, dates: { issuedOn: string; effectiveFrom: string; validUntil: string | null }): Promise<void> {
    await ledger.append(`document-${documentId}`, 'document.issued.v1', {
      documentId,
      number: { authorityCode: '尚政', year: 2017, serial, formatted: `尚政规〔2017〕${String(serial)}号` },
      title: `文件${String(serial)}`,
      issuingUnitId: 'unit-gov',
      signedBy: 'person-mayor',
      ...dates,
      textSha256: hash('d'),
      publications: [{ channel: 'gazette', reference: `公报 2017年第${String(serial)}期` }],
    });
  }

  async function decision(decisionId: string, title: string, withProposal: boolean): Promise<string> {
    const stream = `decision-${decisionId}`;
    if (withProposal) {
      const notApplicable = { applies: false, reason: '不涉及', legalGround: '第14条' };
      await ledger.append(stream, 'decision.proposed.v1', {
        decisionId,
        title,
        draftSummary: '草案',
        decisionItem: { listed: true, entryId: 'item-1' },
        decisionOrganUnitId: 'unit-gov',
        leadUnitId: 'unit-fgj',
        cooperatingUnitIds: ['unit-czj'],
        proposedBy: 'person-director',
        conditionalSteps: { publicParticipation: notApplicable, expertArgumentation: notApplicable, riskAssessment: notApplicable },
      });
    }
    await ledger.append(stream, 'decision.made.v1', {
      decisionId,
      title: `${title} (决定)`,
      summary: '同意',
      decisionItem: { listed: true, entryId: 'item-1' },
      leadUnitId: 'unit-fgj',
      cooperatingUnitIds: [],
      meeting: { meetingId: `m-${decisionId}`, kind: 'standing', heldOn: '2017-06-12' },
      outcome: 'adopted',
      headPersonId: 'person-mayor',
      majorityOpinion: 'against',
      differsFromMajority: true,
      headReasons: '孙市长认为成本倒挂已三年',
      legalBasis: ['价格法 第23条'],
    });
    return stream;
  }

  before(async () => {
    ledger = await openHandcraftedLedger();
    readModels = await target.open();
    db = statementwise(readModels);
    runner = createProjectionRunner({ store: ledger.store, readModels, projections: [publicViewsProjection], batchSize: 3 });
    await runner.start();

    await ledger.append('unit-unit-gov', 'unit.registered.v1', { unitId: 'unit-gov', name: '尚志市人民政府', code: '尚政', kind: 'government', parentUnitId: null, establishedOn: '2016-01-01' });
    await issue('d1', 1, { issuedOn: '2017-03-01', effectiveFrom: '2017-04-01', validUntil: '2022-03-31' });
    await ledger.append('unit-unit-gov', 'unit.renamed.v1', { unitId: 'unit-gov', name: '尚志市人民政府(新)', code: '尚政', renamedOn: '2017-05-01', basis: '改革方案' });
    await issue('d2', 2, { issuedOn: '2017-06-01', effectiveFrom: '2017-06-01', validUntil: null });
    await ledger.append('document-d2', 'document.abolished.v1', {
      documentId: 'd2',
      number: { authorityCode: '尚政', year: 2017, serial: 2, formatted: '尚政规〔2017〕2号' },
      abolishedOn: '2019-01-01',
      reason: '清理',
      replacedByDocumentId: 'd3',
    });
    await issue('d3', 3, { issuedOn: '2018-12-01', effectiveFrom: '2019-01-01', validUntil: '2023-12-31' });

    // A case published (a citizen's), another published then withdrawn.
    for (const [caseId, party] of [
      ['c1', { kind: 'natural-person', name: '王小明' }],
      ['c2', { kind: 'other-organization', name: '某某协会' }],
    ] as const) {
      await ledger.append(`case-${caseId}`, 'case.opened.v1', {
        caseId,
        unitId: 'unit-scj',
        title: `${party.name}案`,
        enforcementKind: 'penalty',
        major: false,
        party,
        legalBasis: [{ kind: 'law', title: '产品质量法' }],
        openedOn: '2017-02-01',
      });
      await ledger.append(`case-${caseId}`, 'case.decided.v1', {
        caseId,
        decidedBy: 'person-head',
        outcome: 'penalty',
        penalties: [{ kind: 'fine', amountFen: 100_000 }],
        legalBasis: [{ kind: 'law', title: '产品质量法' }],
        decisionNumber: `尚市监处字〔2017〕${caseId}号`,
        decisionTextSha256: hash('c'),
        collectiveDiscussion: null,
        decidedOn: '2017-03-01',
      });
      await ledger.append(`case-${caseId}`, 'case.published.v1', {
        caseId,
        publishedOn: caseId === 'c1' ? '2017-03-05' : '2017-03-06',
        deadlineWorkingDays: 7,
        channel: 'website',
        reference: `r-${caseId}`,
        summary: '罚款一千元',
      });
    }
    await ledger.append('case-c2', 'case.decisionChanged.v1', { caseId: 'c2', change: 'annulled', by: 'court-judgment', reasons: '判决', changedOn: '2017-04-01', wasPublished: true });
    await ledger.append('case-c2', 'case.publicationWithdrawn.v1', { caseId: 'c2', withdrawnOn: '2017-04-02', reference: 'r-c2-withdrawn', reasons: '已确认无效' });

    // A random inspection: two targets inspected, one result published so far.
    await ledger.append('inspection-i1', 'inspection.planned.v1', {
      inspectionId: 'i1',
      inspectingUnitId: 'unit-scj',
      matter: { itemId: 'item-food', title: '食品经营抽查' },
      targetPool: ['ent-1', 'ent-2', 'ent-3'],
      targetPoolSha256: hash('a'),
      inspectorPool: ['person-a', 'person-b'],
      inspectorPoolSha256: hash('b'),
      targetCount: 2,
      inspectorsPerTarget: 2,
      seedCommitment: hash('e'),
      algorithm: 'quanze-draw-v2',
      plannedDrawOn: '2017-05-01',
      inspectorCertificates: [],
    });
    for (const targetId of ['ent-1', 'ent-3']) {
      await ledger.append('inspection-i1', 'inspection.resultsRecorded.v1', {
        inspectionId: 'i1',
        targetId,
        inspectorIds: ['person-a', 'person-b'],
        inspectedOn: '2017-05-10',
        concludedOn: '2017-05-11',
        outcome: 'no-problem-found',
        findings: '赵执法检查后未发现问题',
      });
    }
    await ledger.append('inspection-i1', 'inspection.resultsPublished.v1', { inspectionId: 'i1', targetIds: ['ent-3'], channel: 'enterprise-credit-system', reference: 'gsxt-1', publishedOn: '2017-05-20' });

    // Decisions: one published, suspended, resumed and revoked; one recorded without its proposal; one unpublished.
    const revoked = await decision('k1', '供热价格调整', true);
    await ledger.append(revoked, 'decision.published.v1', { decisionId: 'k1', channel: 'gazette', reference: '公报 2017年第6期', publishedOn: '2017-06-20', opinionAdoption: '采纳2条' });
    await ledger.append(revoked, 'decision.suspended.v1', { decisionId: 'k1', decidedBy: 'person-mayor', suspendedOn: '2018-06-10', reasons: '评估', inResponseTo: [] });
    await ledger.append(revoked, 'decision.resumed.v1', { decisionId: 'k1', decidedBy: 'person-mayor', resumedOn: '2018-07-01', reasons: '补贴到位', inResponseTo: [] });
    await ledger.append(revoked, 'decision.revoked.v1', { decisionId: 'k1', decidedBy: 'person-mayor', revokedOn: '2019-01-01', reasons: '上位法变化', meetingId: null, inResponseTo: [] });
    const imported = await decision('k2', '公交票价调整', false);
    await ledger.append(imported, 'decision.published.v1', { decisionId: 'k2', channel: 'website', reference: 'web-1', publishedOn: '2017-07-01', opinionAdoption: '无' });
    await decision('k3', '未公布的决策', true);

    await runner.waitFor(await ledger.store.headPosition());
  });

  after(async () => {
    await runner.stop();
    await readModels.close();
    await ledger.close();
  });

  it('lists the documents valid on a day, with the issuing unit named as it was at the issue', async () => {
    const on = async (day: string) => (await listPublicDocuments(db, { on: day, limit: 10 })).items.map((item) => item.number.formatted);
    expect(await on('2017-03-31')).to.deep.equal([]);
    expect(await on('2017-06-01')).to.deep.equal(['尚政规〔2017〕1号', '尚政规〔2017〕2号']);
    expect(await on('2018-12-31')).to.deep.equal(['尚政规〔2017〕1号', '尚政规〔2017〕2号']);
    expect(await on('2019-01-01')).to.deep.equal(['尚政规〔2017〕1号', '尚政规〔2017〕3号']);
    expect(await on('2022-04-01')).to.deep.equal(['尚政规〔2017〕3号']);
    expect(await countPublicDocuments(db, '2019-01-01')).to.equal(2);
    expect((await getPublicDocument(db, 'd1', '2017-06-01'))?.issuingUnitName).to.equal('尚志市人民政府');
    expect(await getPublicDocument(db, 'd2', '2019-01-01')).to.deep.include({ issuingUnitName: '尚志市人民政府(新)', status: 'abolished', abolishedOn: '2019-01-01', replacedByDocumentId: 'd3' });
    expect((await getPublicDocument(db, 'd1', '2022-04-01'))?.status).to.equal('expired');
    expect((await getPublicDocument(db, 'd3', '2018-12-31'))?.status).to.equal('not-yet-effective');
  });

  it('pages the documents by number, a page going on from the last key of the one before', async () => {
    const first = await listPublicDocuments(db, { on: '2019-01-01', limit: 1 });
    expect(first.items.map((item) => item.documentId)).to.deep.equal(['d1']);
    expect(first.next).to.deep.equal(['尚政', 2017, 1, 'd1']);
    const second = await listPublicDocuments(db, { on: '2019-01-01', limit: 1, after: first.next });
    expect(second).to.deep.include({ next: null });
    expect(second.items.map((item) => item.documentId)).to.deep.equal(['d3']);
  });

  it('lists published enforcement results, latest first: decisions until withdrawn, inspection results once published', async () => {
    const { items } = await listPublicEnforcementResults(db, { limit: 10 });
    expect(items.map((item) => (item.kind === 'case' ? item.caseId : `${item.inspectionId}/${item.targetId}`))).to.deep.equal(['i1/ent-3', 'c1']);
    const [inspection, citizen] = items;
    expect(inspection).to.deep.equal({
      kind: 'inspection',
      inspectionId: 'i1',
      unitId: 'unit-scj',
      matter: '食品经营抽查',
      targetId: 'ent-3',
      outcome: 'no-problem-found',
      inspectedOn: '2017-05-10',
      concludedOn: '2017-05-11',
      publications: [{ publishedOn: '2017-05-20', channel: 'enterprise-credit-system', reference: 'gsxt-1' }],
    });
    expect(citizen).to.deep.include({ kind: 'case', party: { kind: 'natural-person' } });
    expect(JSON.stringify(items)).to.not.include('王小明').and.not.include('赵执法').and.not.include('person-');
    expect((await listPublicEnforcementResults(db, { limit: 10, kind: 'case', unitId: 'unit-scj' })).items).to.have.length(1);
  });

  it('pages published enforcement results, a page going on from the last key of the one before', async () => {
    const first = await listPublicEnforcementResults(db, { limit: 1 });
    expect(first.next).to.deep.equal(['2017-05-20', 'inspection:i1:ent-3']);
    const second = await listPublicEnforcementResults(db, { limit: 1, before: first.next });
    expect(second.items.map((item) => item.kind === 'case' && item.caseId)).to.deep.equal(['c1']);
    expect(second.next).to.equal(null);
    expect((await listPublicEnforcementResults(db, { limit: 10, kind: 'inspection', before: first.next })).items).to.deep.equal([]);
  });

  it('lists published decisions with their status changes, and nothing of the persons', async () => {
    const { items } = await listPublicDecisions(db, { limit: 10 });
    expect(items.map((item) => [item.decisionId, item.title, item.status])).to.deep.equal([
      ['k2', '公交票价调整 (决定)', 'in-force'],
      ['k1', '供热价格调整', 'revoked'],
    ]);
    expect((await getPublicDecision(db, 'k1'))?.statusChanges).to.deep.equal([
      { change: 'suspended', on: '2018-06-10' },
      { change: 'resumed', on: '2018-07-01' },
      { change: 'revoked', on: '2019-01-01' },
    ]);
    expect(await getPublicDecision(db, 'k3')).to.equal(null);
    expect(JSON.stringify(items)).to.not.include('person-').and.not.include('孙市长');
  });

  it('pages published decisions, a page going on from the last key of the one before', async () => {
    const first = await listPublicDecisions(db, { limit: 1 });
    expect(first.next).to.deep.equal(['2017-07-01', 'k2']);
    const second = await listPublicDecisions(db, { limit: 1, before: first.next });
    expect(second.items.map((item) => item.decisionId)).to.deep.equal(['k1']);
    expect(second.next).to.equal(null);
  });

  it('rebuilds to the same dump, in place and from scratch', async () => {
    await expectRebuildsIdentically(ledger.store, readModels, publicViewsProjection, target);
  });
});
