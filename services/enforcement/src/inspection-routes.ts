import { z } from 'zod';
import { Id } from '@quanze/events';
import type { EventStore } from '@quanze/eventstore';
import { SubjectNotFound, accepted, defineRoute, ok } from '@quanze/service-kit';
import type { RouteDefinition } from '@quanze/service-kit';
import {
  CancelInspectionBody,
  DrawInspectionBody,
  PlanInspectionBody,
  PublishInspectionResultsBody,
  RecordInspectionResultsBody,
  createInspectionCommands,
  createInspectionHandler,
  inspectionStreamId,
  planEventIdOf,
} from './inspection-commands.js';
import { inspectionHistory, inspectionView, seesInternals, verifyInspection } from './inspection-queries.js';

export { inspectionErrorStatuses } from './inspection-errors.js';

const InspectionParams = z.object({ inspectionId: Id }).strict();

/** 双随机一公开: plan, draw, results and publication of random inspections; the plan and draw are public. */
export function createInspectionRoutes(deps: { store: EventStore; clock?: () => Date }): RouteDefinition[] {
  const commands = createInspectionCommands(deps);
  const handler = createInspectionHandler(deps);

  async function loadExisting(inspectionId: string) {
    const loaded = await handler.load(inspectionStreamId(inspectionId));
    if (loaded.state.stage === 'none') throw new SubjectNotFound(inspectionStreamId(inspectionId));
    return { ...loaded, state: loaded.state };
  }

  return [
    defineRoute({
      method: 'post',
      path: '/inspections',
      operationId: 'planInspection',
      summary: 'Plan a random inspection (双随机抽查计划): both pools and the SHA-256 commitment of a secret seed',
      description:
        'The seed itself is never sent before the draw. Pools are snapshots of the 名录库; uncertified inspectors are refused here (持证上岗).',
      kind: 'command',
      allow: ['clerk', 'head'],
      body: PlanInspectionBody,
      async handle({ body, meta, newSubjectId }) {
        const inspectionId = newSubjectId();
        return accepted(await commands.plan(inspectionId, body, meta), { inspectionId });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/inspections/:inspectionId/cancellation',
      operationId: 'cancelInspection',
      summary: 'Withdraw a plan before its draw, with the reason; a new plan with a new seed follows',
      kind: 'command',
      allow: ['head'],
      params: InspectionParams,
      body: CancelInspectionBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.cancel(params.inspectionId, body, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/inspections/:inspectionId/draw',
      operationId: 'drawInspection',
      summary: 'Reveal the seed and draw targets and inspectors (双随机抽取) by the documented function',
      kind: 'command',
      allow: ['clerk', 'head'],
      params: InspectionParams,
      body: DrawInspectionBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.draw(params.inspectionId, body, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/inspections/:inspectionId/results',
      operationId: 'recordInspectionResults',
      summary: 'Record the results for one drawn target (抽查检查结果), evidence by SHA-256',
      kind: 'command',
      allow: ['clerk', 'head'],
      params: InspectionParams,
      body: RecordInspectionResultsBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.recordResults(params.inspectionId, body, meta));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/inspections/:inspectionId/publication',
      operationId: 'publishInspectionResults',
      summary: 'Record the publication of recorded results (一公开), with channel, reference and date',
      kind: 'command',
      allow: ['clerk', 'head'],
      params: InspectionParams,
      body: PublishInspectionResultsBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.publish(params.inspectionId, body, meta));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/inspections/:inspectionId',
      operationId: 'getInspection',
      summary:
        'The plan, its commitments, the plan event id, the draw and the results (unpublished results and 回避 reasons only for the unit and supervision)',
      kind: 'query',
      allow: ['public'],
      params: InspectionParams,
      async handle({ params, caller }) {
        const { state, events } = await loadExisting(params.inspectionId);
        return ok(inspectionView(state, planEventIdOf(events), seesInternals(caller, state.plan)));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/inspections/:inspectionId/events',
      operationId: 'getInspectionHistory',
      summary: 'The inspection’s events, as recorded (unpublished results and 回避 reasons only for the unit and supervision)',
      kind: 'query',
      allow: ['public'],
      params: InspectionParams,
      async handle({ params, caller }) {
        const { state, events } = await loadExisting(params.inspectionId);
        return ok({ events: inspectionHistory(state, events, seesInternals(caller, state.plan)) });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/inspections/:inspectionId/verification',
      operationId: 'verifyInspection',
      summary: 'Re-compute the pool hashes, the seed commitment and the selection: anyone may re-check the draw',
      kind: 'query',
      allow: ['public'],
      params: InspectionParams,
      async handle({ params }) {
        const { state, events } = await loadExisting(params.inspectionId);
        return ok(verifyInspection(state.plan, state.stage === 'drawn' ? state.draw : null, planEventIdOf(events)));
      },
    }),
  ];
}
