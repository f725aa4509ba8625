import { expect } from 'chai';
import type { Principal } from '@quanze/service-kit';
import { startSystem } from '../support/system.js';
import type { RunningSystem } from '../support/system.js';

interface CommandAnswer {
  streamId: string;
  events: { eventId: string; type: string; position: number }[];
  subject?: Record<string, string>;
  code?: string;
}

/**
 * One decision, one document and one case, each from its start to its end — the case to a transfer to public
 * security and its acceptance — through HTTP only, against the system `npm start` runs, seeded with the plan.
 */
describe('the ledger end to end, over HTTP', function () {
  this.timeout(180_000);
  let system: RunningSystem;
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const daysAgo = (days: number) => new Date(Date.now() + 8 * 3600_000 - days * 86_400_000).toISOString().slice(0, 10);

  async function call<T = CommandAnswer>(method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${system.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: response.status, body: (await response.json()) as T };
  }

  async function command(path: string, token: string, body: unknown): Promise<CommandAnswer> {
    const response = await call('POST', path, token, body);
    expect(response.status, `POST ${path}: ${JSON.stringify(response.body)}`).to.equal(201);
    return response.body;
  }

  function subjectId(answer: CommandAnswer, key: string): string {
    const id = answer.subject?.[key];
    if (id === undefined) throw new Error(`no ${key} in ${JSON.stringify(answer)}`);
    return id;
  }

  // The people of the story, appointed through the organisation service like any city would.
  const people: Record<string, { personId: string; postId: string; unitId: string }> = {};
  const certificates: Record<string, string> = {};
  let documentNumber: string | null = null;
  let decisionId: string | null = null;
  let caseId: string | null = null;
  async function appoint(key: string, name: string, unitId: string, title: string): Promise<void> {
    const personId = subjectId(await command('/persons', system.adminToken, { name }), 'personId');
    const postId = subjectId(await command(`/units/${unitId}/posts`, system.adminToken, { title }), 'postId');
    await command(`/persons/${personId}/appointments`, system.adminToken, { postId, unitId, appointedOn: daysAgo(400), basis: '尚政任〔2025〕1号' });
    people[key] = { personId, postId, unitId };
  }
  function tokenOf(key: string, roles: Principal['roles']): Promise<string> {
    const person = people[key];
    if (person === undefined) throw new Error(`nobody called ${key}`);
    return system.token({ ...person, roles });
  }

  before(async function () {
    system = await startSystem();
    await appoint('mayor', '李市长', 'sz-zhengfu', '市长');
    await appoint('viceMayor', '王副市长', 'sz-zhengfu', '副市长');
    await appoint('govClerk', '赵文书', 'sz-zhengfu-bangongshi', '文书科科员');
    await appoint('reviewer', '钱审核', 'sz-fazhiban', '合法性审查科科长');
    await appoint('director', '孙局长', 'sz-shichang-jiandu-guanliju', '局长');
    await appoint('marketClerk', '周科员', 'sz-shichang-jiandu-guanliju', '案件审理科科员');
    await appoint('officerA', '吴执法', 'sz-shichang-jiandu-guanliju', '执法大队队员');
    await appoint('officerB', '郑执法', 'sz-shichang-jiandu-guanliju', '执法大队队员');
    await appoint('police', '冯警官', 'sz-gonganju', '经侦大队民警');
    await appoint('judge', '陈法官', 'sz-fayuan', '刑事审判庭审判员');
    await appoint('inspector', '林监察', 'sz-jianchaju', '执法监察室主任');
    for (const officer of ['officerA', 'officerB']) {
      const certified = await command(`/persons/${people[officer]?.personId ?? ''}/certifications`, system.adminToken, {
        scope: '市场监管',
        issuingUnitId: 'sz-fazhiban',
        validFrom: daysAgo(300),
        validUntil: daysAgo(-700),
      });
      certificates[officer] = subjectId(certified, 'certificateId');
    }
  });
  after(async function () {
    await system.dispose();
  });

  it('takes a major decision through its five steps to publication, and shows the public only what was published', async function () {
    const clerk = await tokenOf('govClerk', ['clerk']);
    const reviewer = await tokenOf('reviewer', ['legal-reviewer']);
    const mayor = await tokenOf('mayor', ['head']);
    const viceMayor = await tokenOf('viceMayor', ['head']);
    const mayorId = people.mayor?.personId ?? '';
    const viceMayorId = people.viceMayor?.personId ?? '';

    decisionId = subjectId(
      await command('/decisions', clerk, {
        title: '尚志市城区集中供热价格调整',
        draftSummary: '调整城区居民集中供热价格',
        decisionItem: { listed: true, entryId: 'catalogue-2026-3' },
        decisionOrganUnitId: 'sz-zhengfu',
        handlingUnits: [{ unitId: 'sz-zhengfu-bangongshi', role: 'lead' }],
        proposedBy: people.govClerk?.personId,
        conditionalSteps: {
          publicParticipation: { applies: true, reason: '涉及群众切身利益' },
          expertArgumentation: { applies: false, reason: '不涉及专业技术问题', legalGround: '重大行政决策程序暂行条例 第19条' },
          riskAssessment: { applies: false, reason: '不涉及社会稳定', legalGround: '重大行政决策程序暂行条例 第22条' },
        },
      }),
      'decisionId',
    );
    await command(`/decisions/${decisionId}/comment-periods`, clerk, {
      channel: 'website',
      reference: 'http://www.shangzhi.gov.cn/zqyj/2026/5',
      openedOn: daysAgo(80),
      closesOn: daysAgo(45),
    });
    await command(`/decisions/${decisionId}/comment-handling`, clerk, { received: 2, adopted: 2, notAdopted: 0, notAdoptedReasons: [], summary: '采纳2条' });
    await command(`/decisions/${decisionId}/legality-reviews`, reviewer, {
      form: 'written-review',
      reviewerPersonIds: [people.reviewer?.personId],
      startedOn: daysAgo(40),
      completedOn: daysAgo(30),
      conclusion: 'lawful',
      opinion: '未发现违法情形',
    });
    await command(`/decisions/${decisionId}/meetings`, clerk, {
      meetingId: 'standing-2026-20',
      kind: 'standing',
      heldOn: daysAgo(20),
      headPersonId: mayorId,
      attendance: [
        { personId: mayorId, present: true },
        { personId: viceMayorId, present: true },
      ],
      materials: { draft: true, opinionHandling: true, riskReport: false, legalityOpinion: true, fairCompetitionReview: false },
      marketsAffected: false,
    });
    await command(`/decisions/${decisionId}/meetings/standing-2026-20/opinions`, viceMayor, { memberPersonId: viceMayorId, opinion: 'for', statement: '同意' });
    const made = await command(`/decisions/${decisionId}/meetings/standing-2026-20/decision`, mayor, {
      outcome: 'adopted',
      decisionText: '同意调整供热价格',
      legalBasis: ['价格法 第23条'],
    });
    expect(made.events.map((event) => event.type)).to.deep.equal(['decision.made.v1']);

    const unpublished = await call('GET', `/decisions/${decisionId}`, null);
    expect(unpublished.status, 'an unpublished decision does not exist for the public').to.equal(404);
    await command(`/decisions/${decisionId}/publications`, clerk, {
      channel: 'gazette',
      reference: '尚志市人民政府公报 2026年第11期',
      publishedOn: daysAgo(10),
      opinionAdoption: '采纳公众意见2条',
    });
    const published = await call<{ view: string; title: string }>('GET', `/decisions/${decisionId}`, null);
    expect(published.body).to.include({ view: 'public', title: '尚志市城区集中供热价格调整' });
    expect(JSON.stringify(published.body)).not.to.contain(viceMayorId);

    const supervision = await system.token({ personId: 'inspector-1', postId: null, unitId: 'sz-jiwei', roles: ['supervision'] });
    const archive = await call<{ events: { type: string; actor: { personId: string } }[] }>('GET', `/decisions/${decisionId}/events`, supervision);
    const decidedBy = archive.body.events.find((event) => event.type === 'decision.made.v1');
    expect(decidedBy?.actor.personId, 'the archive names who decided').to.equal(mayorId);
  });

  it('takes a normative document from draft to the valid list under the city’s next number', async function () {
    const clerk = await tokenOf('govClerk', ['clerk']);
    const reviewer = await tokenOf('reviewer', ['legal-reviewer']);
    const mayor = await tokenOf('mayor', ['head']);
    const documentId = subjectId(
      await command('/documents', clerk, { title: '尚志市行政执法公示办法', issuingUnitId: 'sz-zhengfu', textSha256: 'a'.repeat(64), affectsBusiness: true }),
      'documentId',
    );
    await command(`/documents/${documentId}/comment-period`, clerk, { openedOn: daysAgo(90), closesOn: daysAgo(55), public: true, notice: '门户网站 征求意见公告' });
    await command(`/documents/${documentId}/comment-period/close`, clerk, { closedOn: daysAgo(55), opinionsReceived: 1, adoptionSummary: '采纳1条' });
    await command(`/documents/${documentId}/legality-reviews`, reviewer, { submittedOn: daysAgo(50), completedOn: daysAgo(40), outcome: 'passed', opinion: '合法' });
    await command(`/documents/${documentId}/collective-discussions`, mayor, { meeting: { kind: 'standing', heldOn: daysAgo(30) }, outcome: 'approved' });
    await command(`/documents/${documentId}/registration`, clerk, {});
    await command(`/documents/${documentId}/issue`, mayor, {
      issuedOn: today,
      effectiveFrom: today,
      validUntil: daysAgo(-5 * 365 + 5),
      publications: [{ channel: 'website', reference: 'http://www.shangzhi.gov.cn/zwgk/gfxwj/2026/1' }],
    });
    const year = Number(today.slice(0, 4));
    const valid = await call<{ documents: { documentId: string; number: { formatted: string } }[] }>('GET', `/documents/valid?on=${today}`, null);
    const listed = valid.body.documents.find((document) => document.documentId === documentId);
    expect(listed?.number.formatted).to.equal(`尚政规〔${year}〕1号`);
    documentNumber = listed?.number.formatted ?? null;
  });

  it('takes a case citing that document to a transfer to public security, which receives and accepts it', async function () {
    const clerk = await tokenOf('marketClerk', ['clerk']);
    const director = await tokenOf('director', ['head']);
    const police = await tokenOf('police', ['public-security']);
    const officerA = people.officerA?.personId ?? '';
    const officerB = people.officerB?.personId ?? '';
    if (documentNumber === null) throw new Error('the document test did not publish its document');

    caseId = subjectId(
      await command('/cases', clerk, {
        title: '某商贸有限公司销售伪劣产品案',
        enforcementKind: 'penalty',
        major: false,
        party: { kind: 'legal-person', name: '尚志市某商贸有限公司' },
        legalBasis: [
          { kind: 'law', title: '中华人民共和国产品质量法', article: '第50条' },
          { kind: 'document', documentNumber },
        ],
      }),
      'caseId',
    );
    const uncertified = await call('POST', `/cases/${caseId}/officers`, clerk, {
      officers: [{ personId: officerA, certificateId: certificates.officerA }],
    });
    expect(uncertified.body.code, 'one officer is not enough (行政处罚法 第42条)').to.be.a('string');
    expect(uncertified.status).to.equal(422);
    await command(`/cases/${caseId}/officers`, clerk, {
      officers: [
        { personId: officerA, certificateId: certificates.officerA },
        { personId: officerB, certificateId: certificates.officerB },
      ],
    });
    await command(`/cases/${caseId}/evidence`, clerk, { kind: 'physical', title: '抽检样品', sha256: 'b'.repeat(64), collectedBy: officerA });
    await command(`/cases/${caseId}/suspected-crime`, clerk, { grounds: '货值金额超过五万元,涉嫌销售伪劣产品罪' });
    const transferId = subjectId(
      await command(`/cases/${caseId}/transfers`, clerk, {
        receivingAuthority: { unitId: 'sz-gonganju', kind: 'public-security' },
        suspectedOffence: '销售伪劣产品罪',
        reportingOfficerIds: [officerA, officerB],
      }),
      'transferId',
    );
    const base = `/cases/${caseId}/transfers/${transferId}`;
    await command(`${base}/approval`, director, {});
    const sent = await command(`${base}/dispatch`, clerk, {
      materials: [
        { kind: 'transfer-letter', title: '涉嫌犯罪案件移送书', sha256: '1'.repeat(64) },
        { kind: 'investigation-report', title: '涉嫌犯罪案件情况的调查报告', sha256: '2'.repeat(64) },
        { kind: 'seized-items-inventory', title: '涉案物品清单', sha256: '3'.repeat(64) },
      ],
    });
    expect(sent.events.map((event) => event.type)).to.deep.equal(['case.transferred.v1']);

    const listed = await call<{ transfers: { caseId: string }[] }>('GET', '/transfers?authority=sz-gonganju', police);
    expect(listed.body.transfers.map((transfer) => transfer.caseId)).to.include(caseId);
    await command(`${base}/receipt`, police, { receiptNumber: '尚公回〔2026〕1号' });
    await command(`${base}/acceptance`, police, { criminalCaseNumber: 'A2301832026001' });

    const court = await tokenOf('judge', ['court']);
    const notForTheCourt = await call('POST', `${base}/receipt`, court, {});
    expect(notForTheCourt.status, 'another authority cannot even tell the transfer exists').to.equal(404);
    expect(notForTheCourt.body.code).to.equal('subject.not-found');

    const seen = await call<{ transfers: { stage: string }[] }>('GET', `/cases/${caseId}`, police);
    expect(seen.body.transfers[0]?.stage).to.equal('accepted');
    const history = await call<{ events: { type: string; actor: { personId: string; unitId: string | null } }[] }>(
      'GET',
      `/cases/${caseId}/events`,
      await system.token({ personId: 'inspector-1', postId: null, unitId: 'sz-jiwei', roles: ['supervision'] }),
    );
    const acceptance = history.body.events.find((event) => event.type === 'case.transferAccepted.v1');
    expect(acceptance?.actor, 'the acceptance names the officer and the bureau').to.deep.include({ personId: people.police?.personId, unitId: 'sz-gonganju' });
  });

  it('answers the supervision bureau, the police and the public from the read models, and records who asked', async function () {
    if (decisionId === null || caseId === null || documentNumber === null) throw new Error('the earlier steps did not complete');
    const supervision = await tokenOf('inspector', ['supervision']);
    const police = await tokenOf('police', ['public-security']);
    const mayorId = people.mayor?.personId ?? '';

    const chain = await call<{ steps: { type: string; recordedBy: { personId: string } }[]; persons: { personId: string }[] }>(
      'GET',
      `/chains/decision/${decisionId}?consistent=true`,
      supervision,
    );
    expect(chain.status, JSON.stringify(chain.body)).to.equal(200);
    expect(chain.body.steps.find((step) => step.type === 'decision.made.v1')?.recordedBy.personId).to.equal(mayorId);
    expect(chain.body.persons.map((person) => person.personId)).to.include(mayorId);

    const dossier = await call<{ entries: { type: string; subject: { id: string } }[] }>('GET', `/dossiers/${mayorId}?consistent=true`, supervision);
    expect(dossier.status, JSON.stringify(dossier.body)).to.equal(200);
    expect(dossier.body.entries.some((entry) => entry.type === 'decision.made.v1' && entry.subject.id === decisionId)).to.equal(true);

    const inbox = await call<{ items: { caseId: string; stage: string; transferEvent: { position: number; checkpointSize: number | null } | null }[] }>(
      'GET',
      '/inbox?consistent=true',
      police,
    );

    // The police read what was sent to them through the inbox; the agency's file is not theirs, even to their head.
    const policeHead = await system.token({ ...(people.police ?? { personId: '', postId: '', unitId: '' }), roles: ['head'] });
    const file = await call('GET', `/chains/case/${caseId}`, policeHead);
    expect(file.status).to.equal(403);
    const policeTimeline = await call<{ entries: { type: string }[] }>('GET', `/timelines/units/sz-gonganju?consistent=true`, policeHead);
    expect([...new Set(policeTimeline.body.entries.filter((entry) => entry.type.startsWith('case.')).map((entry) => entry.type))].sort()).to.deep.equal([
      'case.transferAccepted.v1',
      'case.transferReceived.v1',
      'case.transferred.v1',
    ]);
    const received = inbox.body.items.find((item) => item.caseId === caseId);
    expect(received?.stage).to.equal('accepted');
    // Where the transfer sits in the Merkle log, for the bundle a court may ask for (docs/INTEGRITY.md).
    expect(received?.transferEvent?.position).to.be.a('number');
    const checkpointSize = received?.transferEvent?.checkpointSize;
    if (checkpointSize !== null && checkpointSize !== undefined) expect(checkpointSize).to.be.at.least(received?.transferEvent?.position ?? Infinity);

    const publicDocuments = await call<{ items: { number: string | { formatted: string } }[] }>('GET', `/public/documents?on=${today}&consistent=true`, null);
    expect(JSON.stringify(publicDocuments.body.items)).to.contain(documentNumber);
    expect(JSON.stringify(publicDocuments.body), 'no official or citizen by name in a public view').not.to.contain('李市长');

    const audit = await call<{ items: { what: { operationId: string } }[] }>(
      'GET',
      `/access-audit?personId=${people.inspector?.personId ?? ''}&consistent=true`,
      supervision,
    );
    const operations = audit.body.items.map((item) => item.what.operationId);
    expect(operations, JSON.stringify(audit.body)).to.include.members(['getResponsibilityChain', 'getPersonDossier']);

    // The domain services' own reads by audited roles are recorded too: the police reading the case they received.
    await call('GET', `/cases/${caseId}`, police);
    const policeAudit = await call<{ items: { what: { subject: string | null } }[] }>(
      'GET',
      `/access-audit?personId=${people.police?.personId ?? ''}&consistent=true`,
      supervision,
    );
    expect(policeAudit.body.items.map((item) => item.what.subject)).to.include(`/cases/${caseId}`);
  });
});
