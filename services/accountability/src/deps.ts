import type { EventStore } from '@quanze/eventstore';
import type { IntegrityStore } from '@quanze/integrity';
import type { ProjectionRunner, ReadModelStore } from '@quanze/projections';
import type { Principal } from '@quanze/service-kit';

/** What every accountability route group is built from. */
export interface AccountabilityDeps {
  readonly store: EventStore;
  /**
   * The read models' database (SQLite or PostgreSQL), kept current by `runner`. A route answers from one snapshot:
   * `readModels.read((q) => …)` around all the queries of one answer.
   */
  readonly readModels: ReadModelStore;
  readonly runner: ProjectionRunner;
  readonly clock: () => Date;
  /**
   * Records a query as `access.queried.v1` (who, what, when) when the caller is supervision, judicial or an analyst
   * (访问留痕); does nothing for others. Call it before answering, so no answer leaves unrecorded.
   */
  /**
   * The tamper-evident log, when this process serves it: transfers name the smallest signed checkpoint that covers
   * their transfer event. Without it that checkpoint is reported as null.
   */
  readonly integrity?: Pick<IntegrityStore, 'checkpointCovering'> | undefined;
  readonly recordAccess: (caller: Principal | null, query: { readonly operationId: string; readonly subject: string | null; readonly parameters: Readonly<Record<string, unknown>> }) => Promise<void>;
}
