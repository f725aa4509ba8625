import { join } from 'node:path';
import type { IntegrityStore } from './integrity-store.js';
import { createPostgresIntegrityStore } from './postgres-integrity-store.js';
import { INTEGRITY_FILE_NAME, createSqliteIntegrityStore } from './sqlite-integrity-store.js';

/**
 * The integrity store beside the event store a URL names: for `postgres://…` the same database (tables
 * `quanze_integrity_*`), otherwise `integrity.sqlite` in the data folder.
 */
export async function openIntegrityStore(options: { readonly storeUrl: string; readonly dataFolder: string; readonly readonly?: boolean }): Promise<IntegrityStore> {
  if (/^postgres(ql)?:\/\//.test(options.storeUrl)) return createPostgresIntegrityStore({ connectionString: options.storeUrl });
  return createSqliteIntegrityStore({ path: join(options.dataFolder, INTEGRITY_FILE_NAME), readonly: options.readonly === true });
}
