import { join } from 'node:path';
import { createPostgresRelayCheckpointStore } from './postgres-relay-checkpoint-store.js';
import type { RelayCheckpointStore } from './relay-checkpoint-store.js';
import { RELAY_FILE_NAME, createSqliteRelayCheckpointStore, openRelayCheckpointFile } from './sqlite-relay-checkpoint-store.js';
import type { RelayCheckpointFile } from './sqlite-relay-checkpoint-store.js';

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
export function openRelayCheckpointStore(location: RelayCheckpointLocation): Promise<RelayCheckpointStore>;
/**
 * `relay.sqlite` at `path`, opened synchronously. Transitional: test/infra/backup-restore.int.spec.ts still moves a
 * relay checkpoint with it; everything else opens the port with a location. It goes once nothing calls it.
 */
export function openRelayCheckpointStore(path: string): RelayCheckpointFile;
export function openRelayCheckpointStore(target: RelayCheckpointLocation | string): Promise<RelayCheckpointStore> | RelayCheckpointFile {
  if (typeof target === 'string') return openRelayCheckpointFile(target);
  if (/^postgres(ql)?:\/\//.test(target.storeUrl)) return createPostgresRelayCheckpointStore({ connectionString: target.storeUrl });
  try {
    return Promise.resolve(createSqliteRelayCheckpointStore({ path: join(target.dataFolder, RELAY_FILE_NAME) }));
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
