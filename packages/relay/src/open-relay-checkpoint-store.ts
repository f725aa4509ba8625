import { join } from 'node:path';
import { createPostgresRelayCheckpointStore } from './postgres-relay-checkpoint-store.js';
import type { RelayCheckpointStore } from './relay-checkpoint-store.js';
import { RELAY_FILE_NAME, createSqliteRelayCheckpointStore } from './sqlite-relay-checkpoint-store.js';

export interface RelayCheckpointLocation {
  /** The event store's URL (`QUANZE_STORE_URL`): `postgres://…` keeps the checkpoints in that database. */
  readonly storeUrl: string;
  /** The data folder (`QUANZE_DATA`): `relay.sqlite` goes there for any other store. */
  readonly dataFolder: string;
}

/**
 * The relay's checkpoint store beside the event store a URL names: for `postgres://…` the same database (table
 * `quanze_relay_checkpoints`), otherwise `relay.sqlite` in the data folder.
 */
export function openRelayCheckpointStore(location: RelayCheckpointLocation): Promise<RelayCheckpointStore> {
  if (/^postgres(ql)?:\/\//.test(location.storeUrl)) return createPostgresRelayCheckpointStore({ connectionString: location.storeUrl });
  try {
    return Promise.resolve(createSqliteRelayCheckpointStore({ path: join(location.dataFolder, RELAY_FILE_NAME) }));
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
