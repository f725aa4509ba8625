import type { EventStore } from '@quanze/eventstore';
import {
  accessAuditProjection,
  activityProjection,
  createProjectionRunner,
  flagsProjection,
  openReadModelStore,
  organizationProjection,
  publicViewsProjection,
  transfersProjection,
} from '@quanze/projections';
import type { Projection, ProjectionRunner, ReadModelStore } from '@quanze/projections';

/**
 * Every read model of packages/projections, kept by one runner in one database: the queries of each route group
 * read their own, and some read the organisation's (names, tenures, successors) beside theirs.
 */
export const accountabilityProjections: readonly Projection[] = [
  organizationProjection,
  activityProjection,
  flagsProjection,
  transfersProjection,
  publicViewsProjection,
  accessAuditProjection,
];

export interface AccountabilityReadModels {
  readonly store: ReadModelStore;
  readonly runner: ProjectionRunner;
  /** null when the read models follow the store; otherwise why they stopped (for `/readyz`). */
  notReady(): Promise<string | null>;
  /** Stops following the store, then closes the database. */
  close(): Promise<void>;
}

/**
 * Opens the read models' database `where` names (`<data>/readmodels.sqlite`, `:memory:`, or a PostgreSQL URL:
 * `openReadModelStore`), catches every projection up with the store and follows it live. A projection stored with
 * another version is rebuilt first.
 */
export async function openAccountabilityReadModels(options: {
  readonly store: EventStore;
  readonly where: string;
  readonly projections?: readonly Projection[];
  readonly batchSize?: number;
  /** Told when following the store fails; the runner retries on its own and says so in its status. */
  readonly onError?: (error: unknown) => void;
}): Promise<AccountabilityReadModels> {
  const readModels = await openReadModelStore(options.where);
  try {
    const runner = createProjectionRunner({
      store: options.store,
      readModels,
      projections: options.projections ?? accountabilityProjections,
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      ...(options.onError === undefined ? {} : { onError: options.onError }),
    });
    await runner.start();
    return {
      store: readModels,
      runner,
      async notReady() {
        const { failure } = await runner.status();
        return failure === null ? null : `the read models stopped following the ledger: ${failure}`;
      },
      async close() {
        await runner.stop();
        await readModels.close();
      },
    };
  } catch (error) {
    await readModels.close();
    throw error;
  }
}
