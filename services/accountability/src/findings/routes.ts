import { z } from 'zod';
import { Id } from '@quanze/events';
import type { RecordedEvent } from '@quanze/events';
import { SubjectNotFound, accepted, defineRoute, ok } from '@quanze/service-kit';
import type { Audience, RouteDefinition } from '@quanze/service-kit';
import type { AccountabilityDeps } from '../deps.js';
import { RecordFindingBody, WithdrawFindingBody, createFindingCommands, createFindingHandler } from './commands.js';
import { findingStreamId } from './decider.js';
import type { FindingEvent, FindingState } from './decider.js';

/** 问责 is the supervision bureau's own act (监察): it records, withdraws and reads findings. */
const FINDING_AUTHORITY: readonly Audience[] = ['supervision'];

export const FindingParams = z.object({ findingId: Id }).strict();

const Recording = z.object({
  eventId: z.string(),
  position: z.number(),
  occurredAt: z.string(),
  recordedAt: z.string(),
  recordedBy: z.object({ personId: z.string(), postId: z.string().nullable(), unitId: z.string().nullable() }),
});

const FindingView = z.object({
  findingId: z.string(),
  status: z.enum(['standing', 'withdrawn']),
  subject: z.object({ kind: z.string(), id: z.string() }),
  heldResponsible: z.array(z.object({ personId: z.string(), unitId: z.string().nullable(), responsibility: z.string(), measures: z.array(z.string()) })),
  basis: z.string(),
  conclusion: z.string(),
  decidedOn: z.string(),
  inResponseTo: z.array(z.string()),
  /** The finding.recorded.v1 event: its id starts a reverse trace (`GET /traces/events/:eventId`). */
  recorded: Recording,
  withdrawal: z.object({ ground: z.string(), reasons: z.string(), withdrawnOn: z.string(), recorded: Recording }).nullable(),
});
type FindingView = z.infer<typeof FindingView>;

function recording(event: RecordedEvent): z.infer<typeof Recording> {
  return { eventId: event.eventId, position: event.position, occurredAt: event.occurredAt, recordedAt: event.recordedAt, recordedBy: event.actor };
}

function viewOf(state: Exclude<FindingState, { stage: 'none' }>, events: readonly (RecordedEvent & FindingEvent)[]): FindingView {
  const recordedEvent = events.find((event) => event.type === 'finding.recorded.v1');
  const withdrawnEvent = events.find((event) => event.type === 'finding.withdrawn.v1');
  if (recordedEvent === undefined) throw new Error(`${findingStreamId(state.finding.findingId)} has no finding.recorded.v1`);
  const { findingId, subject, heldResponsible, basis, conclusion, decidedOn, inResponseTo } = state.finding;
  return {
    findingId,
    status: state.stage,
    subject,
    heldResponsible,
    basis,
    conclusion,
    decidedOn,
    inResponseTo,
    recorded: recording(recordedEvent),
    withdrawal:
      state.stage === 'withdrawn' && withdrawnEvent !== undefined
        ? { ground: state.withdrawal.ground, reasons: state.withdrawal.reasons, withdrawnOn: state.withdrawal.withdrawnOn, recorded: recording(withdrawnEvent) }
        : null,
  };
}

/** The finding as its stream holds it, or 404. Shared with the trace that starts from a finding. */
export async function loadFinding(deps: Pick<AccountabilityDeps, 'store' | 'clock'>, findingId: string): Promise<FindingView> {
  const { state, events } = await createFindingHandler(deps).load(findingStreamId(findingId));
  if (state.stage === 'none') throw new SubjectNotFound(findingStreamId(findingId));
  return viewOf(state, events);
}

/** 问责: findings about subjects on record, and their withdrawal on review or appeal. docs/ACCOUNTABILITY.md. */
export function createFindingRoutes(deps: AccountabilityDeps): RouteDefinition[] {
  const commands = createFindingCommands(deps);
  return [
    defineRoute({
      method: 'post',
      path: '/findings',
      operationId: 'recordFinding',
      summary: 'Record an accountability finding (问责决定): who is held responsible for a subject, with which measures',
      description:
        'The subject must be on record, each person held responsible once, `decidedOn` not after today (China time), and each ' +
        '`inResponseTo` a step on record: the reverse trace from the finding walks back to them. Waits (up to 2 s) for the read ' +
        'models to hold everything recorded before it, else 503.',
      kind: 'command',
      allow: FINDING_AUTHORITY,
      body: RecordFindingBody,
      async handle({ body, meta, newSubjectId }) {
        const findingId = newSubjectId();
        return accepted(await commands.record(findingId, body, meta), { findingId });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/findings/:findingId/withdrawal',
      operationId: 'withdrawFinding',
      summary: 'Withdraw a finding overturned on review or appeal (复核、申诉), with the reasons; once',
      kind: 'command',
      allow: FINDING_AUTHORITY,
      params: FindingParams,
      body: WithdrawFindingBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.withdraw(params.findingId, body, meta));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/findings/:findingId',
      operationId: 'getFinding',
      summary: 'A finding as recorded, whether it stands or was withdrawn; supervision only, recorded as access.queried.v1',
      kind: 'query',
      allow: FINDING_AUTHORITY,
      params: FindingParams,
      response: FindingView,
      async handle({ params, caller }) {
        await deps.recordAccess(caller, { operationId: 'getFinding', subject: findingStreamId(params.findingId), parameters: {} });
        return ok(await loadFinding(deps, params.findingId));
      },
    }),
  ];
}
