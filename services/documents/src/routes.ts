import { z } from 'zod';
import { CalendarDate, Id } from '@quanze/events';
import type { Role, RouteDefinition } from '@quanze/service-kit';
import { SubjectNotFound, accepted, defineRoute, hasRole, ok } from '@quanze/service-kit';
import type { DocumentsHandlers } from './commands.js';
import {
  AbolishDocumentBody,
  CloseCommentBody,
  DecideCleanUpBody,
  DraftDocumentBody,
  EvaluateDocumentBody,
  FileDocumentBody,
  IssueDocumentBody,
  RecordCollectiveDiscussionBody,
  RecordExpiryBody,
  RecordLegalityReviewBody,
  RegisterDocumentBody,
  ReviseDraftBody,
  SolicitCommentBody,
} from './commands.js';
import type { PublicDocumentView } from './views.js';
import { byNumber, internalViewOf, publicViewOf } from './views.js';

/** Who sees a document's drafting and history; everyone else sees only what was issued (统一发布). */
const INTERNAL = ['clerk', 'legal-reviewer', 'head', 'supervision', 'analyst'] as const satisfies readonly Role[];
const CLEAN_UP = ['legal-reviewer', 'head'] as const satisfies readonly Role[];

const DocumentParams = z.object({ documentId: Id }).strict();
const RegisterParams = z
  .object({
    authorityCode: z.string().regex(/^\p{Script=Han}{1,8}$/u, 'an authority code (机关代字) is 1–8 Chinese characters'),
    year: z
      .string()
      .regex(/^[0-9]{4}$/, 'a year is four digits')
      .transform(Number),
  })
  .strict();
const ValidQuery = z.object({ on: CalendarDate.optional() }).strict();

export function documentRoutes(handlers: DocumentsHandlers): RouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: '/documents',
      operationId: 'draftDocument',
      summary: 'Record a draft normative document (规范性文件 起草)',
      description:
        'By a clerk, whose unit becomes the drafting unit (起草单位). The issuing unit (制定机关) defaults to it and may be ' +
        'another (a department drafting for the government): its heads then decide on the document. Answers the new documentId.',
      kind: 'command',
      allow: ['clerk'],
      body: DraftDocumentBody,
      async handle({ body, meta, newSubjectId }) {
        const documentId = newSubjectId();
        return accepted(await handlers.execute({ kind: 'draft', documentId, ...body }, meta), { documentId });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/documents/:documentId/revisions',
      operationId: 'reviseDraft',
      summary: 'Record a new text of the draft (修改草案); an earlier legality review no longer covers it',
      description: 'By a clerk of the drafting unit (起草单位).',
      kind: 'command',
      allow: ['clerk'],
      params: DocumentParams,
      body: ReviseDraftBody,
      async handle({ params, body, meta }) {
        return accepted(await handlers.execute({ kind: 'revise', documentId: params.documentId, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/documents/:documentId/comment-period',
      operationId: 'solicitComment',
      summary: 'Open a comment period (征求意见): public and/or the units concerned',
      description: 'By a clerk of the drafting unit (起草单位).',
      kind: 'command',
      allow: ['clerk'],
      params: DocumentParams,
      body: SolicitCommentBody,
      async handle({ params, body, meta }) {
        return accepted(await handlers.execute({ kind: 'solicitComment', documentId: params.documentId, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/documents/:documentId/comment-period/close',
      operationId: 'closeComment',
      summary: 'Close the comment period, with how the opinions were handled (意见采纳情况)',
      description: 'By a clerk of the drafting unit (起草单位).',
      kind: 'command',
      allow: ['clerk'],
      params: DocumentParams,
      body: CloseCommentBody,
      async handle({ params, body, meta }) {
        return accepted(await handlers.execute({ kind: 'closeComment', documentId: params.documentId, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/documents/:documentId/legality-reviews',
      operationId: 'recordDocumentLegalityReview',
      summary: 'Record the legality review (合法性审查) of the current text',
      description: 'By a legal reviewer who did not draft or revise the document.',
      kind: 'command',
      allow: ['legal-reviewer'],
      params: DocumentParams,
      body: RecordLegalityReviewBody,
      async handle({ params, body, meta }) {
        return accepted(await handlers.execute({ kind: 'recordLegalityReview', documentId: params.documentId, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/documents/:documentId/collective-discussions',
      operationId: 'recordDocumentCollectiveDiscussion',
      summary: 'Record the collective discussion (集体讨论决定); only after a passed legality review',
      description: 'By a head of the issuing unit (制定机关).',
      kind: 'command',
      allow: ['head'],
      params: DocumentParams,
      body: RecordCollectiveDiscussionBody,
      async handle({ params, body, meta }) {
        return accepted(await handlers.execute({ kind: 'recordCollectiveDiscussion', documentId: params.documentId, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/documents/:documentId/registration',
      operationId: 'registerDocument',
      summary: 'Register the approved document and give it the next number (统一登记、统一编号)',
      description:
        'By a clerk of the drafting unit (起草单位). Gap-free per authority code and year. Idempotent: a document already registered, or holding a number from an ' +
        'interrupted registration, keeps that number.',
      kind: 'command',
      allow: ['clerk'],
      params: DocumentParams,
      body: RegisterDocumentBody,
      async handle({ params, meta }) {
        return accepted(await handlers.register(params.documentId, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/documents/:documentId/issue',
      operationId: 'issueDocument',
      summary: 'Sign and publish the registered document (签发、统一发布)',
      description: 'By a head of the issuing unit (制定机关).',
      kind: 'command',
      allow: ['head'],
      params: DocumentParams,
      body: IssueDocumentBody,
      async handle({ params, body, meta }) {
        return accepted(await handlers.execute({ kind: 'issue', documentId: params.documentId, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/documents/:documentId/filing',
      operationId: 'fileDocument',
      summary: 'Record the filing (备案) of the issued document',
      description: 'By a clerk of the drafting unit (起草单位).',
      kind: 'command',
      allow: ['clerk'],
      params: DocumentParams,
      body: FileDocumentBody,
      async handle({ params, body, meta }) {
        return accepted(await handlers.execute({ kind: 'file', documentId: params.documentId, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/documents/:documentId/evaluations',
      operationId: 'evaluateDocument',
      summary: 'Record an evaluation after issue (制发后评估)',
      description: 'By a legal reviewer or a head of the issuing unit (制定机关).',
      kind: 'command',
      allow: CLEAN_UP,
      params: DocumentParams,
      body: EvaluateDocumentBody,
      async handle({ params, body, meta }) {
        return accepted(await handlers.execute({ kind: 'evaluate', documentId: params.documentId, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/documents/:documentId/clean-up-decisions',
      operationId: 'decideDocumentCleanUp',
      summary: 'Record a clean-up decision (清理): retain, revise or abolish',
      description: 'By a legal reviewer or a head of the issuing unit (制定机关).',
      kind: 'command',
      allow: CLEAN_UP,
      params: DocumentParams,
      body: DecideCleanUpBody,
      async handle({ params, body, meta }) {
        return accepted(await handlers.execute({ kind: 'decideCleanUp', documentId: params.documentId, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/documents/:documentId/abolition',
      operationId: 'abolishDocument',
      summary: 'Abolish the document (废止) after a clean-up decision to abolish or revise it; it keeps its number',
      description: 'By a legal reviewer or a head of the issuing unit (制定机关).',
      kind: 'command',
      allow: CLEAN_UP,
      params: DocumentParams,
      body: AbolishDocumentBody,
      async handle({ params, body, meta }) {
        return accepted(await handlers.execute({ kind: 'abolish', documentId: params.documentId, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/documents/:documentId/expiry',
      operationId: 'recordDocumentExpiry',
      summary: 'Record that the validity ended (有效期届满), after its last valid day',
      description: 'By a legal reviewer or a head of the issuing unit (制定机关).',
      kind: 'command',
      allow: CLEAN_UP,
      params: DocumentParams,
      body: RecordExpiryBody,
      async handle({ params, meta }) {
        return accepted(await handlers.execute({ kind: 'recordExpiry', documentId: params.documentId }, meta));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/documents/valid',
      operationId: 'listValidDocuments',
      summary: 'The documents valid on a day (继续有效的规范性文件目录); today in China by default',
      description: 'Issued, in effect on that day, not expired and not abolished by then. Read by scanning the log.',
      kind: 'query',
      allow: ['public'],
      query: ValidQuery,
      async handle({ query }) {
        const on = query.on ?? handlers.today();
        const documents = (await handlers.scanDocuments())
          .map((document) => publicViewOf(document, on))
          .filter((view): view is PublicDocumentView => view?.status === 'in-force')
          .sort(byNumber);
        return ok({ on, documents });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/documents/:documentId',
      operationId: 'getDocument',
      summary: 'A document: its whole state for the units and reviewers, what was issued for everyone else',
      kind: 'query',
      allow: ['public'],
      params: DocumentParams,
      async handle({ params, caller }) {
        const { state } = await handlers.load(params.documentId);
        const today = handlers.today();
        const view = state === null ? null : hasRole(caller, ...INTERNAL) ? internalViewOf(state, today) : publicViewOf(state, today);
        if (view === null) throw new SubjectNotFound(`document ${params.documentId}`);
        return ok(view);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/documents/:documentId/events',
      operationId: 'getDocumentHistory',
      summary: 'Every event of the document, in order',
      kind: 'query',
      allow: INTERNAL,
      params: DocumentParams,
      async handle({ params }) {
        const { events } = await handlers.load(params.documentId);
        if (events.length === 0) throw new SubjectNotFound(`document ${params.documentId}`);
        return ok({ documentId: params.documentId, events });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/document-numbers/:authorityCode/:year',
      operationId: 'getDocumentNumberRegister',
      summary: 'The numbering register (登记簿) of an authority code and year: every number given, in order',
      kind: 'query',
      allow: INTERNAL,
      params: RegisterParams,
      async handle({ params }) {
        const numbers = await handlers.numberRegister(params.authorityCode, params.year);
        return ok({ authorityCode: params.authorityCode, year: params.year, numbers });
      },
    }),
  ];
}

