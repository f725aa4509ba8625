import { z } from 'zod';
import { Id } from '@quanze/events';
import type { EventStore } from '@quanze/eventstore';
import { accepted, defineRoute, ok } from '@quanze/service-kit';
import type { Audience, RouteDefinition } from '@quanze/service-kit';
import {
  AcceptTransferBody,
  AnswerReconsiderationBody,
  ApproveTransferBody,
  AssignOfficersBody,
  CloseCaseBody,
  DecideCaseBody,
  ForwardTransferBody,
  MarkSuspectedCrimeBody,
  NotifyRightsBody,
  OpenCaseBody,
  PublishCaseBody,
  RecordDecisionChangeBody,
  RecordEvidenceBody,
  RecordExecutionBody,
  RecordHearingBody,
  RecordHearingRequestBody,
  RecordLegalReviewBody,
  RecordReceiptBody,
  RecordSeizedItemsHandoverBody,
  RefuseTransferBody,
  ReportTransferBody,
  RequestReconsiderationBody,
  RequestSupervisionBody,
  ReturnTransferBody,
  SendTransferBody,
  WithdrawPublicationBody,
} from './case-bodies.js';
import { createCaseCommands } from './case-commands.js';
import { actingAs, listTransfers, readCase, readPublication } from './case-queries.js';

export { caseErrorStatuses } from './case-errors.js';

const CaseParams = z.object({ caseId: Id }).strict();
const TransferParams = z.object({ caseId: Id, transferId: Id }).strict();
const TransfersQuery = z.object({ authority: Id.optional().describe('a receiving unit: its transfers only') }).strict();

const JUDICIAL: readonly Audience[] = ['public-security', 'procuratorate', 'court'];
const CASE_READERS: readonly Audience[] = ['clerk', 'head', 'legal-reviewer', 'supervision', ...JUDICIAL];

/**
 * 行政执法 cases and 行政执法与刑事司法衔接. Roles here are coarse; the decider checks the finer rule: case steps by
 * users of the case's own unit, judicial steps by users of the very authority the transfer was sent to.
 */
export function createCaseRoutes(deps: { store: EventStore; clock?: () => Date }): RouteDefinition[] {
  const commands = createCaseCommands(deps);

  return [
    // ── the case, 立案 to 结案 ──────────────────────────────────────────────────────────────────────────────────
    defineRoute({
      method: 'post',
      path: '/cases',
      operationId: 'openCase',
      summary: 'Open a case (立案) with its legal basis; the clerk’s unit handles it',
      kind: 'command',
      allow: ['clerk'],
      body: OpenCaseBody,
      async handle({ body, meta, newSubjectId }) {
        const caseId = newSubjectId();
        return accepted(await commands.handle({ type: 'OpenCase', caseId, ...body }, meta), { caseId });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:caseId/officers',
      operationId: 'assignCaseOfficers',
      summary: 'Assign the officers (at least two, each with a certificate valid today: 行政处罚法 第42、55条)',
      kind: 'command',
      allow: ['clerk'],
      params: CaseParams,
      body: AssignOfficersBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.handle({ type: 'AssignOfficers', caseId: params.caseId, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:caseId/evidence',
      operationId: 'recordCaseEvidence',
      summary: 'Record evidence by its SHA-256 and the officer who collected it (全过程记录)',
      kind: 'command',
      allow: ['clerk'],
      params: CaseParams,
      body: RecordEvidenceBody,
      async handle({ params, body, meta, newSubjectId }) {
        const evidenceId = newSubjectId();
        return accepted(await commands.handle({ type: 'RecordEvidence', caseId: params.caseId, evidenceId, ...body }, meta), {
          evidenceId,
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:caseId/rights-notice',
      operationId: 'notifyCaseRights',
      summary: 'Record the notice of the intended penalty and the party’s rights (告知, 行政处罚法 第44条)',
      kind: 'command',
      allow: ['clerk'],
      params: CaseParams,
      body: NotifyRightsBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.handle({ type: 'NotifyRights', caseId: params.caseId, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:caseId/hearing-request',
      operationId: 'recordCaseHearingRequest',
      summary: 'Record that the party requested a hearing (要求听证)',
      kind: 'command',
      allow: ['clerk'],
      params: CaseParams,
      body: RecordHearingRequestBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.handle({ type: 'RecordHearingRequest', caseId: params.caseId, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:caseId/hearing',
      operationId: 'recordCaseHearing',
      summary: 'Record the hearing (听证), presided over by someone who did not investigate (第64条)',
      kind: 'command',
      allow: ['clerk'],
      params: CaseParams,
      body: RecordHearingBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.handle({ type: 'RecordHearing', caseId: params.caseId, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:caseId/legal-review',
      operationId: 'recordCaseLegalReview',
      summary: 'Record the legal review (法制审核, 行政处罚法 第58条)',
      kind: 'command',
      allow: ['legal-reviewer'],
      params: CaseParams,
      body: RecordLegalReviewBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.handle({ type: 'RecordLegalReview', caseId: params.caseId, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:caseId/decision',
      operationId: 'decideCase',
      summary: 'Decide (处罚决定); a major case only after a passed legal review and collectively (第57、58条)',
      kind: 'command',
      allow: ['head'],
      params: CaseParams,
      body: DecideCaseBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.handle({ type: 'DecideCase', caseId: params.caseId, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:caseId/publication',
      operationId: 'publishCase',
      summary: 'Publish the decision (公示): within 7 working days for penalties, 20 otherwise (国办发〔2018〕118号)',
      kind: 'command',
      allow: ['clerk'],
      params: CaseParams,
      body: PublishCaseBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.handle({ type: 'PublishCase', caseId: params.caseId, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:caseId/decision-change',
      operationId: 'recordCaseDecisionChange',
      summary: 'Record that the decision was changed, revoked or annulled; a published one is withdrawn within 3 days (第48条)',
      kind: 'command',
      allow: ['clerk'],
      params: CaseParams,
      body: RecordDecisionChangeBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.handle({ type: 'RecordDecisionChange', caseId: params.caseId, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:caseId/publication-withdrawal',
      operationId: 'withdrawCasePublication',
      summary: 'Withdraw the publication (撤下公示)',
      kind: 'command',
      allow: ['clerk'],
      params: CaseParams,
      body: WithdrawPublicationBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.handle({ type: 'WithdrawPublication', caseId: params.caseId, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:caseId/execution',
      operationId: 'recordCaseExecution',
      summary: 'Record the execution of the penalty (执行)',
      kind: 'command',
      allow: ['clerk'],
      params: CaseParams,
      body: RecordExecutionBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.handle({ type: 'RecordExecution', caseId: params.caseId, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:caseId/suspected-crime',
      operationId: 'markCaseSuspectedCrime',
      summary: 'Mark the case as suspected of crime (涉嫌犯罪): it must then reach a transfer (310号 第3条)',
      kind: 'command',
      allow: ['clerk'],
      params: CaseParams,
      body: MarkSuspectedCrimeBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.handle({ type: 'MarkSuspectedCrime', caseId: params.caseId, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:caseId/closing',
      operationId: 'closeCase',
      summary: 'Close the case (结案), recording where its transfers stood (以罚代刑 is flagged from this)',
      kind: 'command',
      allow: ['clerk'],
      params: CaseParams,
      body: CloseCaseBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.handle({ type: 'CloseCase', caseId: params.caseId, ...body }, meta));
      },
    }),

    // ── the transfer, the agency's side (310号 第5、6、9条) ──────────────────────────────────────────────────────
    defineRoute({
      method: 'post',
      path: '/cases/:caseId/transfers',
      operationId: 'reportCaseTransfer',
      summary: 'Report the case to the head for transfer (移送报告) by at least two of its officers',
      kind: 'command',
      allow: ['clerk'],
      params: CaseParams,
      body: ReportTransferBody,
      async handle({ params, body, meta, newSubjectId }) {
        const transferId = newSubjectId();
        return accepted(await commands.handle({ type: 'ReportTransfer', caseId: params.caseId, transferId, ...body }, meta), {
          transferId,
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:caseId/transfers/:transferId/approval',
      operationId: 'approveCaseTransfer',
      summary: 'Approve the transfer (批准移送): within 3 days of the report; it is sent within 24 hours',
      kind: 'command',
      allow: ['head'],
      params: TransferParams,
      body: ApproveTransferBody,
      async handle({ params, meta }) {
        return accepted(await commands.handle({ type: 'ApproveTransfer', ...params }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:caseId/transfers/:transferId/refusal',
      operationId: 'refuseCaseTransfer',
      summary: 'Refuse the transfer, with reasons (不批准移送, 310号 第5条)',
      kind: 'command',
      allow: ['head'],
      params: TransferParams,
      body: RefuseTransferBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.handle({ type: 'RefuseTransfer', ...params, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:caseId/transfers/:transferId/dispatch',
      operationId: 'sendCaseTransfer',
      summary: 'Send the approved transfer with its materials by SHA-256 (case.transferred.v1, 310号 第6条)',
      kind: 'command',
      allow: ['clerk'],
      params: TransferParams,
      body: SendTransferBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.handle({ type: 'SendTransfer', ...params, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:caseId/transfers/:transferId/reconsideration-request',
      operationId: 'requestTransferReconsideration',
      summary: 'Ask the authority to reconsider its refusal (提请复议, within 3 days: 310号 第9条)',
      kind: 'command',
      allow: ['clerk'],
      params: TransferParams,
      body: RequestReconsiderationBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.handle({ type: 'RequestReconsideration', ...params, ...body }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:caseId/transfers/:transferId/supervision-request',
      operationId: 'requestTransferSupervision',
      summary: 'Ask the procuratorate to supervise (建议立案监督, within 3 days of the answer: 310号 第9条)',
      kind: 'command',
      allow: ['clerk'],
      params: TransferParams,
      body: RequestSupervisionBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.handle({ type: 'RequestSupervision', ...params, ...body }, meta));
      },
    }),

    // ── the transfer, the receiving authority's side: its own users only ──────────────────────────────────────────
    defineRoute({
      method: 'post',
      path: '/cases/:caseId/transfers/:transferId/receipt',
      operationId: 'receiveCaseTransfer',
      summary: 'Sign the receipt (回执, 310号 第7条)',
      kind: 'command',
      allow: JUDICIAL,
      params: TransferParams,
      body: RecordReceiptBody,
      async handle({ params, body, meta, caller }) {
        return accepted(await commands.handle({ type: 'RecordReceipt', ...params, ...body, actingAs: actingAs(caller) }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:caseId/transfers/:transferId/forwarding',
      operationId: 'forwardCaseTransfer',
      summary: 'Forward to the competent authority (转送, within 24 hours: 310号 第7条)',
      kind: 'command',
      allow: JUDICIAL,
      params: TransferParams,
      body: ForwardTransferBody,
      async handle({ params, body, meta, caller }) {
        return accepted(await commands.handle({ type: 'ForwardTransfer', ...params, ...body, actingAs: actingAs(caller) }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:caseId/transfers/:transferId/acceptance',
      operationId: 'acceptCaseTransfer',
      summary: 'Open a criminal case on it (立案, within 3 days of receipt: 310号 第8条)',
      kind: 'command',
      allow: JUDICIAL,
      params: TransferParams,
      body: AcceptTransferBody,
      async handle({ params, body, meta, caller }) {
        return accepted(await commands.handle({ type: 'AcceptTransfer', ...params, ...body, actingAs: actingAs(caller) }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:caseId/transfers/:transferId/return',
      operationId: 'returnCaseTransfer',
      summary: 'Refuse to open a case and return the file, with reasons (不予立案, 310号 第8条)',
      kind: 'command',
      allow: JUDICIAL,
      params: TransferParams,
      body: ReturnTransferBody,
      async handle({ params, body, meta, caller }) {
        return accepted(await commands.handle({ type: 'ReturnTransfer', ...params, ...body, actingAs: actingAs(caller) }, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:caseId/transfers/:transferId/reconsideration-answer',
      operationId: 'answerTransferReconsideration',
      summary: 'Answer the reconsideration (复议决定, within 3 days: 310号 第9条); upholding the refusal needs reasons',
      kind: 'command',
      allow: JUDICIAL,
      params: TransferParams,
      body: AnswerReconsiderationBody,
      async handle({ params, body, meta, caller }) {
        return accepted(
          await commands.handle({ type: 'AnswerReconsideration', ...params, ...body, actingAs: actingAs(caller) }, meta),
        );
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:caseId/transfers/:transferId/seized-items-handover',
      operationId: 'recordSeizedItemsHandover',
      summary: 'Acknowledge the seized items handed over (涉案物品移交, within 3 days of 立案: 310号 第12条)',
      kind: 'command',
      allow: JUDICIAL,
      params: TransferParams,
      body: RecordSeizedItemsHandoverBody,
      async handle({ params, body, meta, caller }) {
        return accepted(
          await commands.handle({ type: 'RecordSeizedItemsHandover', ...params, ...body, actingAs: actingAs(caller) }, meta),
        );
      },
    }),

    // ── queries ────────────────────────────────────────────────────────────────────────────────────────────────────
    defineRoute({
      method: 'get',
      path: '/cases/:caseId',
      operationId: 'getCase',
      summary: 'The case as folded from its events; 404 for anyone it was neither handled by nor transferred to',
      kind: 'query',
      allow: CASE_READERS,
      params: CaseParams,
      async handle({ params, caller }) {
        return ok((await readCase(commands, params.caseId, caller)).case);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/cases/:caseId/events',
      operationId: 'getCaseEvents',
      summary: 'The case’s events, in order (the whole-process record); same audience as the case',
      kind: 'query',
      allow: CASE_READERS,
      params: CaseParams,
      async handle({ params, caller }) {
        return ok({ events: (await readCase(commands, params.caseId, caller)).events });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/cases/:caseId/publication',
      operationId: 'getCasePublication',
      summary: 'What 公示 publishes of the decision: no personal data of citizens; 404 until published or once withdrawn',
      kind: 'query',
      allow: ['public'],
      params: CaseParams,
      async handle({ params }) {
        return ok(await readPublication(commands, params.caseId));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/transfers',
      operationId: 'listTransfers',
      summary: 'Transfers to judicial authorities: one’s own authority’s; all of them for the procuratorate and supervision',
      description: 'A scan of the log for now; the transfers read model replaces it.',
      kind: 'query',
      allow: [...JUDICIAL, 'supervision'],
      query: TransfersQuery,
      async handle({ query, caller }) {
        return ok({ transfers: await listTransfers(deps.store, caller, query.authority) });
      },
    }),
  ];
}
