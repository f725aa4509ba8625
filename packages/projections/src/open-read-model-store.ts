import { openPostgresReadModelStore } from './postgres-read-model-store.js';
import type { ReadModelStore } from './read-model-store.js';
import { openSqliteReadModelStore } from './sqlite-read-model-store.js';

const POSTGRES_URL = /^postgres(ql)?:\/\//;

/**
 * The read models' database that `where` names: a `postgres://…` URL (schema `quanze_read_models`, or the URL's
 * `quanzeSchema=…` parameter), or a SQLite file path (`:memory:` for one that lives as long as the process).
 */
export async function openReadModelStore(where: string): Promise<ReadModelStore> {
  if (POSTGRES_URL.test(where)) {
    const url = new URL(where);
    const schema = url.searchParams.get('quanzeSchema') ?? undefined;
    url.searchParams.delete('quanzeSchema');
    return openPostgresReadModelStore({ connectionString: url.toString(), ...(schema === undefined ? {} : { schema }) });
  }
  return openSqliteReadModelStore(where);
}

export function isPostgresUrl(where: string): boolean {
  return POSTGRES_URL.test(where);
}
