import { expect } from 'chai';
import { z } from 'zod';
import { createDocumentsService } from '@quanze/documents';
import type { ServiceModule } from '@quanze/service-kit';
import { authorizationMatrix, expectMatrixMatchesAllow, startTestApp } from '../../support/http.js';
import type { TestApp, TestResponse } from '../../support/http.js';
import { appendNumberAlone, newAuthorityCode, newId, registerUnit } from './support.js';

/** 2026-03-02 in China. */
const clock = () => new Date('2026-03-02T09:00:00.000Z');
const draftingUnitId = 'unit-fzb';

interface Problem {
  status: number;
  code: string;
  article?: string;
  errors?: { path: (string | number)[]; message: string }[];
}
interface CommandBody {
  streamId: string;
  events: { type: string }[];
  replayed: boolean;
  subject?: { documentId: string };
}
interface PublicView {
  documentId: string;
  title: string;
  number: { formatted: string; serial: number };
  status: string;
  textSha256: string;
  publications: unknown[];
  issuedOn: string;
  stage?: string;
  draftingUnitId?: string;
}

const draftBody = (issuingUnitId: string) => ({
  title: '尚志市行政执法公示办法',
  issuingUnitId,
  textSha256: 'd'.repeat(64),
  affectsBusiness: true,
});
const commentBody = { openedOn: '2026-01-05', closesOn: '2026-02-04', public: true, notice: '门户网站 征求意见公告' };
const closeBody = { closedOn: '2026-02-04', opinionsReceived: 2, adoptionSummary: '采纳2条' };
const reviewBody = { submittedOn: '2026-02-05', completedOn: '2026-02-13', outcome: 'passed', opinion: '合法' };
const discussionBody = { meeting: { kind: 'standing', heldOn: '2026-02-20' }, outcome: 'approved' };
const issueBody = {
  issuedOn: '2026-03-02',
  effectiveFrom: '2026-03-02',
  validUntil: '2031-03-01',
  publications: [{ channel: 'website', reference: 'http://www.shangzhi.gov.cn/zwgk/2026/3' }],
};

describe('the documents service over HTTP', function () {
  let app: TestApp;
  let service: ServiceModule;
  let clerk: string;
  let otherClerk: string;
  let reviewer: string;
  let supervision: string;
  let court: string;
  /** A head, or a legal reviewer, of the issuing unit (制定机关): they decide on its documents. */
  const headOf = (unitId: string) => app.token({ roles: ['head'], personId: 'person-head', unitId, postId: 'post-head' });
  const reviewerOf = (unitId: string) => app.token({ roles: ['legal-reviewer'], personId: 'person-reviewer-gov', unitId });

  before(async function () {
    app = await startTestApp([createDocumentsService], { clock });
    const [documents] = app.services;
    if (documents === undefined) throw new Error('the documents service was not started');
    service = documents;
    clerk = await app.token({ roles: ['clerk'], personId: 'person-clerk', unitId: draftingUnitId, postId: 'post-clerk' });
    otherClerk = await app.token({ roles: ['clerk'], personId: 'person-clerk-2', unitId: 'unit-other' });
    reviewer = await app.token({ roles: ['legal-reviewer'], personId: 'person-reviewer', unitId: 'unit-legal' });
    supervision = await app.token({ roles: ['supervision'], personId: 'person-supervisor', unitId: 'unit-jw' });
    court = await app.token({ roles: ['court'], personId: 'person-judge', unitId: 'unit-court' });
  });

  after(async function () {
    await app.close();
  });

  async function post<TBody = CommandBody>(path: string, token: string, body: unknown, status = 201): Promise<TestResponse<TBody>> {
    const response = await app.request<TBody>('post', path, { token, body });
    expect(response.status, `POST ${path}: ${JSON.stringify(response.body)}`).to.equal(status);
    return response;
  }

  async function draft(issuingUnitId: string): Promise<string> {
    const response = await post('/documents', clerk, draftBody(issuingUnitId));
    const documentId = response.body.subject?.documentId;
    if (documentId === undefined) throw new Error('a draft answers its documentId');
    return documentId;
  }

  /** Drafted, commented, reviewed and approved: ready to be registered. */
  async function approved(issuingUnitId: string): Promise<string> {
    const documentId = await draft(issuingUnitId);
    await post(`/documents/${documentId}/comment-period`, clerk, commentBody);
    await post(`/documents/${documentId}/comment-period/close`, clerk, closeBody);
    await post(`/documents/${documentId}/legality-reviews`, reviewer, reviewBody);
    await post(`/documents/${documentId}/collective-discussions`, await headOf(issuingUnitId), discussionBody);
    return documentId;
  }

  async function issuingUnit(): Promise<{ unitId: string; code: string }> {
    const unitId = newId('gov');
    const code = newAuthorityCode();
    await registerUnit(app.store, unitId, code);
    return { unitId, code };
  }

  describe('authorisation', function () {
    it('lets each role call exactly the routes that allow it', async function () {
      expectMatrixMatchesAllow(await authorizationMatrix(app, service));
    });
  });

  describe('the whole way of a document, from draft to abolition', function () {
    it('registers, issues, publishes, files, cleans up and abolishes it, keeping its number', async function () {
      const { unitId, code } = await issuingUnit();
      const documentId = await approved(unitId);

      const registration = await post(`/documents/${documentId}/registration`, clerk, {});
      expect(registration.body.events.map((event) => event.type)).to.deep.equal(['document.registered.v1']);
      await post(`/documents/${documentId}/issue`, await headOf(unitId), issueBody);

      const published = await app.request<PublicView>('get', `/documents/${documentId}`);
      expect(published.status).to.equal(200);
      expect(published.body).to.deep.include({ documentId, status: 'in-force', issuedOn: '2026-03-02', textSha256: 'd'.repeat(64) });
      expect(published.body.number.formatted).to.equal(`${code}规〔2026〕1号`);
      expect(published.body, 'the public sees nothing of the drafting').not.to.have.property('draftingUnitId');

      const valid = await app.request<{ on: string; documents: PublicView[] }>('get', '/documents/valid?on=2026-03-02');
      expect(valid.body.on).to.equal('2026-03-02');
      expect(valid.body.documents.map((document) => document.documentId)).to.include(documentId);

      await post(`/documents/${documentId}/filing`, clerk, { filedOn: '2026-03-02', filedWith: '尚志市人大常委会' });
      await post(`/documents/${documentId}/evaluations`, await reviewerOf(unitId), { evaluatedOn: '2026-03-02', findings: '上位法已修改', recommendation: 'abolish' });
      await post(`/documents/${documentId}/clean-up-decisions`, await headOf(unitId), { decidedOn: '2026-03-02', decision: 'abolish', reason: '上位法已修改' });
      await post(`/documents/${documentId}/abolition`, await headOf(unitId), { abolishedOn: '2026-04-01', reason: '上位法已修改' });

      const before = await app.request<{ documents: PublicView[] }>('get', '/documents/valid?on=2026-03-31');
      const after = await app.request<{ documents: PublicView[] }>('get', '/documents/valid?on=2026-04-01');
      expect(before.body.documents.map((document) => document.documentId)).to.include(documentId);
      expect(after.body.documents.map((document) => document.documentId)).not.to.include(documentId);

      const history = await app.request<{ events: { type: string }[] }>('get', `/documents/${documentId}/events`, { token: supervision });
      expect(history.body.events.map((event) => event.type)).to.deep.equal([
        'document.drafted.v1',
        'document.commentSolicited.v1',
        'document.commentClosed.v1',
        'document.legalityReviewed.v1',
        'document.collectivelyDiscussed.v1',
        'document.registered.v1',
        'document.issued.v1',
        'document.filed.v1',
        'document.evaluated.v1',
        'document.cleanUpDecided.v1',
        'document.abolished.v1',
      ]);

      // The abolished document keeps its number; the next document of the authority gets the next one.
      const next = await approved(unitId);
      await post(`/documents/${next}/registration`, clerk, {});
      const register = await app.request<{ numbers: { serial: number; documentId: string }[] }>(
        'get',
        `/document-numbers/${encodeURIComponent(code)}/2026`,
        { token: supervision },
      );
      expect(register.body.numbers.map((entry) => [entry.serial, entry.documentId])).to.deep.equal([
        [1, documentId],
        [2, next],
      ]);
    });
  });

  describe('queries', function () {
    it('shows a draft to the units and reviewers, with its stage, and to nobody else', async function () {
      const documentId = await draft(newId('gov'));
      const internal = await app.request<PublicView>('get', `/documents/${documentId}`, { token: supervision });
      expect(internal.status).to.equal(200);
      expect(internal.body).to.include({ stage: 'drafting', draftingUnitId });

      expect((await app.request<Problem>('get', `/documents/${documentId}`)).body.code).to.equal('subject.not-found');
      expect((await app.request<Problem>('get', `/documents/${documentId}`, { token: court })).status).to.equal(404);
    });

    it('answers 404 for the history of a document that does not exist', async function () {
      const response = await app.request<Problem>('get', `/documents/${newId('doc')}/events`, { token: clerk });
      expect(response.status).to.equal(404);
    });

    it('lists documents valid today when no day is asked for', async function () {
      const response = await app.request<{ on: string }>('get', '/documents/valid');
      expect(response.status).to.equal(200);
      expect(response.body.on).to.equal('2026-03-02');
    });

    it('names an invalid day and an unknown query parameter', async function () {
      const badDay = await app.request<Problem>('get', '/documents/valid?on=2026-13-01');
      expect(badDay.status).to.equal(400);
      expect(badDay.body.errors?.[0]?.path).to.deep.equal(['query', 'on']);
      const unknown = await app.request<Problem>('get', '/documents/valid?when=2026-01-01');
      expect(unknown.status).to.equal(400);
      expect(unknown.body.errors?.[0]?.message).to.contain('when');
    });

    it('names an authority code (机关代字) that is not Chinese', async function () {
      const response = await app.request<Problem>('get', '/document-numbers/SZGOV/2026', { token: clerk });
      expect(response.status).to.equal(400);
      expect(response.body.errors?.[0]?.path).to.deep.equal(['params', 'authorityCode']);
    });

    it('names an invalid register year', async function () {
      const response = await app.request<Problem>('get', `/document-numbers/${encodeURIComponent('尚政')}/26`, { token: clerk });
      expect(response.status).to.equal(400);
      expect(response.body.errors?.[0]?.path).to.deep.equal(['params', 'year']);
    });
  });

  describe('bad input', function () {
    it('names a field of the wrong type', async function () {
      const response = await post<Problem>('/documents', clerk, { ...draftBody('gov-x'), affectsBusiness: 'yes' }, 400);
      expect(response.body.code).to.equal('validation.failed');
      expect(response.body.errors?.map((error) => error.path)).to.deep.equal([['body', 'affectsBusiness']]);
    });

    it('names a missing field', async function () {
      const response = await post<Problem>('/documents', clerk, { title: 't', affectsBusiness: false }, 400);
      expect(response.body.errors?.map((error) => error.path)).to.deep.equal([['body', 'textSha256']]);
    });

    it('names an unknown field instead of ignoring it', async function () {
      const response = await post<Problem>('/documents', clerk, { ...draftBody('gov-x'), signedBy: 'someone' }, 400);
      expect(response.body.errors?.[0]?.path[0]).to.equal('body');
      expect(response.body.errors?.[0]?.message).to.contain('signedBy');
    });

    it('names a nested field', async function () {
      const documentId = await draft('gov-x');
      await post(`/documents/${documentId}/comment-period`, clerk, commentBody);
      await post(`/documents/${documentId}/comment-period/close`, clerk, closeBody);
      await post(`/documents/${documentId}/legality-reviews`, reviewer, reviewBody);
      const response = await post<Problem>(`/documents/${documentId}/collective-discussions`, await headOf('gov-x'), { ...discussionBody, meeting: { kind: 'party', heldOn: '2026-02-20' } }, 400);
      expect(response.body.errors?.map((error) => error.path)).to.deep.equal([['body', 'meeting', 'kind']]);
    });

    it('names an unknown field inside a publication of the issue instead of dropping it', async function () {
      const { unitId } = await issuingUnit();
      const documentId = await approved(unitId);
      await post(`/documents/${documentId}/registration`, clerk, {});
      const publication = { channel: 'website', reference: 'http://www.shangzhi.gov.cn/zwgk/2026/3', publishedOn: '2026-03-02' };
      const response = await post<Problem>(`/documents/${documentId}/issue`, await headOf(unitId), { ...issueBody, publications: [publication] }, 400);
      expect(response.body.code).to.equal('validation.failed');
      expect(response.body.errors?.map((error) => error.path)).to.deep.equal([['body', 'publications', 0]]);
      expect(response.body.errors?.[0]?.message).to.contain('publishedOn');
      const history = await app.request<{ events: unknown[] }>('get', `/documents/${documentId}/events`, { token: clerk });
      expect(history.body.events, 'nothing issued').to.have.length(6);
    });

    it('has a strict object at every level of every command body, so no unknown field is ever dropped', function () {
      const loose: string[] = [];
      const visit = (node: unknown, where: string): void => {
        if (Array.isArray(node)) {
          node.forEach((item, index) => {
            visit(item, `${where}[${String(index)}]`);
          });
          return;
        }
        if (typeof node !== 'object' || node === null) return;
        const record = node as Record<string, unknown>;
        if (record.type === 'object' && record.additionalProperties !== false) loose.push(where);
        for (const [key, value] of Object.entries(record)) visit(value, `${where}.${key}`);
      };
      const bodies = service.routes.filter((route) => route.kind === 'command');
      expect(bodies).to.have.length(13);
      for (const route of bodies) {
        expect(route.body, `${route.operationId} has a body schema`).not.to.equal(undefined);
        if (route.body !== undefined) visit(z.toJSONSchema(route.body, { io: 'input', unrepresentable: 'any' }), route.operationId);
      }
      expect(loose).to.deep.equal([]);
    });

    it('asks for the public or named units when opinions are sought', async function () {
      const documentId = await draft('gov-x');
      const response = await post<Problem>(`/documents/${documentId}/comment-period`, clerk, { ...commentBody, public: false }, 400);
      expect(response.body.errors?.map((error) => error.path)).to.deep.equal([['body', 'consultedUnitIds']]);
    });

    it('names an invalid document id', async function () {
      const response = await post<Problem>(`/documents/${encodeURIComponent('文件')}/registration`, clerk, {}, 400);
      expect(response.body.errors?.[0]?.path).to.deep.equal(['params', 'documentId']);
    });
  });

  describe('rules', function () {
    it('answers 404 for a step on a document that does not exist', async function () {
      const response = await post<Problem>(`/documents/${newId('doc')}/comment-period`, clerk, commentBody, 404);
      expect(response.body.code).to.equal('subject.not-found');
    });

    it('answers 403 when a clerk of another unit acts on the document', async function () {
      const documentId = await draft('gov-x');
      const response = await post<Problem>(`/documents/${documentId}/comment-period`, otherClerk, commentBody, 403);
      expect(response.body.code).to.equal('subject.not-permitted');
    });

    it('answers 422 for a legality review before opinions were sought', async function () {
      const documentId = await draft('gov-x');
      const response = await post<Problem>(`/documents/${documentId}/legality-reviews`, reviewer, reviewBody, 422);
      expect(response.body.code).to.equal('document.comment-period-required');
    });

    it('answers 422 for a collective discussion without a passed legality review, naming the article', async function () {
      const documentId = await draft('gov-x');
      await post(`/documents/${documentId}/comment-period`, clerk, commentBody);
      await post(`/documents/${documentId}/comment-period/close`, clerk, closeBody);
      await post(`/documents/${documentId}/legality-reviews`, reviewer, { ...reviewBody, outcome: 'failed' });
      const response = await post<Problem>(`/documents/${documentId}/collective-discussions`, await headOf('gov-x'), discussionBody, 422);
      expect(response.body.code).to.equal('document.legality-review-required');
      expect(response.body.article).to.contain('115号');
    });

    it('answers 422 for a registration without an approving collective discussion', async function () {
      const { unitId } = await issuingUnit();
      const documentId = await draft(unitId);
      await post(`/documents/${documentId}/comment-period`, clerk, commentBody);
      await post(`/documents/${documentId}/comment-period/close`, clerk, closeBody);
      await post(`/documents/${documentId}/legality-reviews`, reviewer, reviewBody);
      const response = await post<Problem>(`/documents/${documentId}/registration`, clerk, {}, 422);
      expect(response.body.code).to.equal('document.collective-approval-required');
    });

    it('answers 422 for a registration when the issuing unit is unknown or has no code', async function () {
      const unknown = await approved(newId('gov'));
      expect((await post<Problem>(`/documents/${unknown}/registration`, clerk, {}, 422)).body.code).to.equal('document.issuing-unit-unknown');
      const townId = newId('town');
      await registerUnit(app.store, townId, null);
      const codeless = await approved(townId);
      expect((await post<Problem>(`/documents/${codeless}/registration`, clerk, {}, 422)).body.code).to.equal('document.authority-code-missing');
    });

    it('answers 422 for an issue without registration', async function () {
      const documentId = await approved('gov-x');
      const response = await post<Problem>(`/documents/${documentId}/issue`, await headOf('gov-x'), issueBody, 422);
      expect(response.body.code).to.equal('document.registration-required');
    });

    it('answers 422 for a validity over five years without a reason, and accepts it with one', async function () {
      const { unitId } = await issuingUnit();
      const documentId = await approved(unitId);
      await post(`/documents/${documentId}/registration`, clerk, {});
      const refused = await post<Problem>(`/documents/${documentId}/issue`, await headOf(unitId), { ...issueBody, validUntil: '2031-03-03' }, 422);
      expect(refused.body.code).to.equal('document.validity-too-long');
      expect(refused.body.errors?.[0]?.path).to.deep.equal(['body', 'validUntil']);
      const issued = await post(`/documents/${documentId}/issue`, await headOf(unitId), {
        ...issueBody,
        validUntil: null,
        validityJustification: { reason: '实施上位法,随上位法失效', higherRule: '某省条例' },
      });
      expect(issued.body.events.map((event) => event.type)).to.deep.equal(['document.validityJustified.v1', 'document.issued.v1']);
    });

    it('answers 422 for an abolition without a clean-up decision', async function () {
      const { unitId } = await issuingUnit();
      const documentId = await approved(unitId);
      await post(`/documents/${documentId}/registration`, clerk, {});
      await post(`/documents/${documentId}/issue`, await headOf(unitId), issueBody);
      const response = await post<Problem>(`/documents/${documentId}/abolition`, await headOf(unitId), { abolishedOn: '2026-04-01', reason: 'x' }, 422);
      expect(response.body.code).to.equal('document.clean-up-decision-required');
    });

    it('answers 409 for an expiry recorded before the last valid day, and for a step out of order', async function () {
      const { unitId } = await issuingUnit();
      const documentId = await approved(unitId);
      await post(`/documents/${documentId}/registration`, clerk, {});
      await post(`/documents/${documentId}/issue`, await headOf(unitId), issueBody);
      expect((await post<Problem>(`/documents/${documentId}/expiry`, await reviewerOf(unitId), {}, 409)).body.code).to.equal('document.not-expired');
      expect((await post<Problem>(`/documents/${documentId}/issue`, await headOf(unitId), issueBody, 409)).body.code).to.equal('subject.step-out-of-order');
    });

    it('answers 422 for a date after today', async function () {
      const documentId = await draft('gov-x');
      const response = await post<Problem>(`/documents/${documentId}/comment-period`, clerk, { ...commentBody, openedOn: '2026-03-03', closesOn: '2026-04-03' }, 422);
      expect(response.body.code).to.equal('document.date-out-of-order');
      expect(response.body.errors?.[0]?.path).to.deep.equal(['body', 'openedOn']);
    });
  });

  describe('numbering over HTTP', function () {
    it('gives twenty documents registered at once the serials 1 to 20', async function () {
      const { unitId, code } = await issuingUnit();
      const documentIds: string[] = [];
      for (let index = 0; index < 20; index++) documentIds.push(await approved(unitId));

      const responses = await Promise.all(
        documentIds.map((documentId) => app.request('post', `/documents/${documentId}/registration`, { token: clerk, body: {} })),
      );

      expect(responses.map((response) => response.status)).to.deep.equal(documentIds.map(() => 201));
      const register = await app.request<{ numbers: { serial: number; documentId: string }[] }>(
        'get',
        `/document-numbers/${encodeURIComponent(code)}/2026`,
        { token: clerk },
      );
      expect(register.body.numbers.map((entry) => entry.serial)).to.deep.equal(Array.from({ length: 20 }, (_, index) => index + 1));
      expect(new Set(register.body.numbers.map((entry) => entry.documentId))).to.deep.equal(new Set(documentIds));
    });

    it('heals a registration that crashed after the number was taken, with that number', async function () {
      const { unitId, code } = await issuingUnit();
      const documentId = await approved(unitId);
      await appendNumberAlone(
        app.store,
        { documentId, issuingUnitId: unitId, authorityCode: code, year: 2026, serial: 1, assignedOn: '2026-03-02' },
        { personId: 'person-clerk', postId: 'post-clerk', unitId: draftingUnitId },
      );

      await post(`/documents/${documentId}/registration`, clerk, {});
      const repeated = await post(`/documents/${documentId}/registration`, clerk, {}, 200);

      expect(repeated.body.replayed).to.equal(true);
      const view = await app.request<PublicView & { registration: { number: { formatted: string } } }>('get', `/documents/${documentId}`, { token: clerk });
      expect(view.body.registration.number.formatted).to.equal(`${code}规〔2026〕1号`);
      const register = await app.request<{ numbers: unknown[] }>('get', `/document-numbers/${encodeURIComponent(code)}/2026`, { token: clerk });
      expect(register.body.numbers).to.have.length(1);
    });
  });
});
