import { join, resolve } from 'node:path';
import { openPostgresReadModelStore } from './postgres-read-model-store.js';
import type { ReadModelStore } from './read-model-store.js';
import { READ_MODELS_FILE_NAME, openSqliteReadModelStore } from './sqlite-read-model-store.js';

const POSTGRES_URL = /^postgres(ql)?:\/\//;

/**
 * The read models' database that `where` names, as configured by `QUANZE_READ_MODELS_URL`:
 * - `sqlite:<folder>`: `<folder>/readmodels.sqlite`, beside the embedded store;
 * - `postgres://…` or `postgresql://…`: schema `quanze_read_models` of that database (or the URL's `quanzeSchema=…`);
 * - a SQLite file's path, or `:memory:` for read models that live as long as the process (tests, tools).
 */
export async function openReadModelStore(where: string): Promise<ReadModelStore> {
  if (POSTGRES_URL.test(where)) {
    const url = new URL(where);
    const schema = url.searchParams.get('quanzeSchema') ?? undefined;
    url.searchParams.delete('quanzeSchema');
    return openPostgresReadModelStore({ connectionString: url.toString(), ...(schema === undefined ? {} : { schema }) });
  }
  if (where.startsWith('sqlite:')) {
    const folder = where.slice('sqlite:'.length);
    if (folder === '') throw new TypeError('a sqlite read models URL names its folder: sqlite:./data');
    return openSqliteReadModelStore(join(resolve(folder), READ_MODELS_FILE_NAME));
  }
  return openSqliteReadModelStore(where);
}

export function isPostgresUrl(where: string): boolean {
  return POSTGRES_URL.test(where);
}
