import { z } from 'zod';
import { commonErrorStatuses, defineRoute, ok } from '@quanze/service-kit';
import type { Audience, ServiceModule } from '@quanze/service-kit';
import type { Relay } from './relay.js';

// Broker errors and topic names describe the deployment: for those who run it and those who supervise it.
const OPERATORS: readonly Audience[] = ['admin', 'supervision'];

const RelayErrorBody = z.object({ message: z.string(), at: z.string().describe('ISO 8601') });

export const RelayStatusBody = z.discriminatedUnion('enabled', [
  z.object({ enabled: z.literal(false).describe('QUANZE_KAFKA_BROKERS is not set: transfers are read from the inbox API') }),
  z.object({
    enabled: z.literal(true),
    checkpoint: z.number().int().describe('the position of the last event published and checkpointed'),
    head: z.number().int().nullable().describe('the store’s last position; null when the store could not be asked'),
    lag: z.number().int().nullable().describe('events not yet through the outbox (head − checkpoint)'),
    publishing: z.boolean().describe('connected to Kafka and publishing'),
    lastPublishedAt: z.string().nullable().describe('when Kafka last acknowledged messages, since this process started'),
    lastError: RelayErrorBody.nullable().describe('the outbox’s last failure, kept after it recovered'),
    receipts: z.object({
      running: z.boolean().describe('a member of its consumer group, reading the receipts topics'),
      topics: z.array(z.string()),
      lastError: RelayErrorBody.nullable(),
    }),
  }),
]);
export type RelayStatusBody = z.infer<typeof RelayStatusBody>;

/**
 * `GET /relay`: the Kafka relay's state for operators. `relay` is asked at each request, because the process that
 * serves the routes may start the relay after it built them. Off (no `QUANZE_KAFKA_BROKERS`) answers 200
 * `{ enabled: false }`, not 404: a monitor tells "off by configuration" from a wrong URL or a missing route.
 */
export function createRelayStatusService(relay: () => Relay | null): ServiceModule {
  return {
    name: 'relay',
    description: 'The Kafka relay: how far the outbox has published, its lag behind the ledger, its last error, the receipts consumer',
    errorStatuses: commonErrorStatuses,
    routes: [
      defineRoute({
        method: 'get',
        path: '/relay',
        operationId: 'getRelayStatus',
        summary: 'The Kafka relay’s outbox position, lag, last publish and last error, and whether the receipts consumer runs',
        description:
          'A lag that grows while lastError is recent means Kafka is unreachable or refuses the relay: transfers wait in the outbox and go out when it is back. Readiness (/readyz) does not depend on Kafka.',
        kind: 'query',
        allow: OPERATORS,
        response: RelayStatusBody,
        async handle() {
          const current = relay();
          return ok(current === null ? { enabled: false } : await current.status());
        },
      }),
    ],
  };
}
