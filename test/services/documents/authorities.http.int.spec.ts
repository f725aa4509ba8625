import { expect } from 'chai';
import { createDocumentsService } from '@quanze/documents';
import type { Role } from '@quanze/service-kit';
import { startTestApp } from '../../support/http.js';
import type { TestApp } from '../../support/http.js';
import { newAuthorityCode, newId, registerUnit } from './support.js';

interface Problem {
  code: string;
  errors?: { path: (string | number)[]; message: string }[];
}

/**
 * A department (市发改局) drafts a document for the city government (市人民政府), which issues it. Everyone of a third
 * authority (市环保局) holding the role a step needs is refused that step: the issuing authority decides on its own
 * documents, the drafting unit's clerks carry it. Each refusal appends nothing; the right person then does the step.
 */
describe('the documents service over HTTP: one authority’s document and the persons of another', function () {
  let app: TestApp;
  let today = new Date('2026-03-02T09:00:00.000Z');
  const governmentId = newId('gov');
  const code = newAuthorityCode();
  const draftingUnitId = newId('fgj');
  const otherUnitId = newId('hbj');

  const tokenOf = (roles: Role[], personId: string, unitId: string) => app.token({ roles, personId, unitId, postId: `post-${personId}` });

  before(async function () {
    app = await startTestApp([createDocumentsService], { clock: () => today });
    await registerUnit(app.store, governmentId, code);
  });

  after(async function () {
    await app.close();
  });

  async function eventsOf(documentId: string): Promise<string[]> {
    const supervision = await tokenOf(['supervision'], 'person-supervisor', 'unit-jw');
    const response = await app.request<{ events: { type: string }[] }>('get', `/documents/${documentId}/events`, { token: supervision });
    return response.body.events.map((event) => event.type);
  }

  async function refused(documentId: string, step: string, token: string, body: unknown): Promise<Problem> {
    const before = await eventsOf(documentId);
    const response = await app.request<Problem>('post', `/documents/${documentId}/${step}`, { token, body });
    expect(response.status, `${step}: ${JSON.stringify(response.body)}`).to.equal(403);
    expect(response.body.code).to.equal('subject.not-permitted');
    expect(await eventsOf(documentId), `${step}: nothing appended`).to.deep.equal(before);
    return response.body;
  }

  async function done(documentId: string, step: string, token: string, body: unknown): Promise<void> {
    const response = await app.request('post', `/documents/${documentId}/${step}`, { token, body });
    expect(response.status, `${step}: ${JSON.stringify(response.body)}`).to.equal(201);
  }

  it('refuses every step to the clerks, legal reviewers and heads of another unit, and to the drafting unit’s head', async function () {
    const clerk = await tokenOf(['clerk'], 'person-fgj-clerk', draftingUnitId);
    const draftingHead = await tokenOf(['head'], 'person-fgj-head', draftingUnitId);
    const drafterAsReviewer = await tokenOf(['legal-reviewer'], 'person-fgj-clerk', draftingUnitId);
    const legalOffice = await tokenOf(['legal-reviewer'], 'person-fzb-reviewer', newId('fzb'));
    const mayor = await tokenOf(['head'], 'person-mayor', governmentId);
    const governmentReviewer = await tokenOf(['legal-reviewer'], 'person-gov-reviewer', governmentId);
    const otherClerk = await tokenOf(['clerk'], 'person-hbj-clerk', otherUnitId);
    const otherReviewer = await tokenOf(['legal-reviewer'], 'person-hbj-reviewer', otherUnitId);
    const otherHead = await tokenOf(['head'], 'person-hbj-head', otherUnitId);

    const drafted = await app.request<{ subject: { documentId: string } }>('post', '/documents', {
      token: clerk,
      body: { title: '尚志市政府投资项目管理办法', issuingUnitId: governmentId, textSha256: 'e'.repeat(64), affectsBusiness: false },
    });
    expect(drafted.status).to.equal(201);
    const documentId = drafted.body.subject.documentId;

    const revision = { textSha256: 'f'.repeat(64), reason: '完善条款' };
    await refused(documentId, 'revisions', otherClerk, revision);
    await done(documentId, 'revisions', clerk, revision);

    const comment = { openedOn: '2026-01-05', closesOn: '2026-02-04', public: false, consultedUnitIds: [otherUnitId], notice: '征求意见函' };
    await refused(documentId, 'comment-period', otherClerk, comment);
    await done(documentId, 'comment-period', clerk, comment);

    const close = { closedOn: '2026-02-04', opinionsReceived: 1, adoptionSummary: '采纳1条' };
    await refused(documentId, 'comment-period/close', otherClerk, close);
    await done(documentId, 'comment-period/close', clerk, close);

    // The reviewer is bound to no unit (the organisation has no link to the issuing unit's 法制机构), only never the drafter.
    const review = { submittedOn: '2026-02-05', completedOn: '2026-02-13', outcome: 'passed', opinion: '合法' };
    await refused(documentId, 'legality-reviews', drafterAsReviewer, review);
    await done(documentId, 'legality-reviews', legalOffice, review);

    const discussion = { meeting: { kind: 'standing', heldOn: '2026-02-20' }, outcome: 'approved' };
    await refused(documentId, 'collective-discussions', otherHead, discussion);
    await refused(documentId, 'collective-discussions', draftingHead, discussion);
    const asSomeoneElse = await refused(documentId, 'collective-discussions', mayor, { ...discussion, presidedBy: 'person-vice-mayor' });
    expect(asSomeoneElse.errors?.map((error) => error.path)).to.deep.equal([['body', 'presidedBy']]);
    await done(documentId, 'collective-discussions', mayor, discussion);

    await refused(documentId, 'registration', otherClerk, {});
    const register = await app.request<{ numbers: unknown[] }>('get', `/document-numbers/${encodeURIComponent(code)}/2026`, { token: clerk });
    expect(register.body.numbers, 'a refused registration takes no number').to.deep.equal([]);
    await done(documentId, 'registration', clerk, {});

    const issue = {
      issuedOn: '2026-03-02',
      effectiveFrom: '2026-03-02',
      validUntil: '2026-06-30',
      publications: [{ channel: 'website', reference: 'http://www.shangzhi.gov.cn/zwgk/2026/9' }],
    };
    await refused(documentId, 'issue', otherHead, issue);
    await refused(documentId, 'issue', draftingHead, issue);
    await done(documentId, 'issue', mayor, issue);

    const filing = { filedOn: '2026-03-02', filedWith: '尚志市人大常委会' };
    await refused(documentId, 'filing', otherClerk, filing);
    await done(documentId, 'filing', clerk, filing);

    const evaluation = { evaluatedOn: '2026-03-02', findings: '执行良好', recommendation: 'retain' };
    await refused(documentId, 'evaluations', otherReviewer, evaluation);
    await refused(documentId, 'evaluations', otherHead, evaluation);
    await refused(documentId, 'evaluations', governmentReviewer, { ...evaluation, evaluatorIds: ['person-someone-else'] });
    await done(documentId, 'evaluations', governmentReviewer, evaluation);

    const cleanUp = { decidedOn: '2026-03-02', decision: 'abolish', reason: '职能调整' };
    await refused(documentId, 'clean-up-decisions', otherReviewer, cleanUp);
    await refused(documentId, 'clean-up-decisions', otherHead, cleanUp);
    await done(documentId, 'clean-up-decisions', mayor, cleanUp);

    const abolition = { abolishedOn: '2026-04-01', reason: '职能调整' };
    await refused(documentId, 'abolition', otherReviewer, abolition);
    await refused(documentId, 'abolition', otherHead, abolition);

    today = new Date('2026-07-01T09:00:00.000Z');
    await refused(documentId, 'expiry', otherReviewer, {});
    await refused(documentId, 'expiry', otherHead, {});
    await done(documentId, 'expiry', mayor, {});

    expect(await eventsOf(documentId)).to.deep.equal([
      'document.drafted.v1',
      'document.draftRevised.v1',
      'document.commentSolicited.v1',
      'document.commentClosed.v1',
      'document.legalityReviewed.v1',
      'document.collectivelyDiscussed.v1',
      'document.registered.v1',
      'document.issued.v1',
      'document.filed.v1',
      'document.evaluated.v1',
      'document.cleanUpDecided.v1',
      'document.expired.v1',
    ]);
  });
});
