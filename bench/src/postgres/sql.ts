import pg from 'pg';

/** One short-lived connection for the untimed parts: making databases, reading back what a table holds. */
export async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** Every value of one text column, e.g. the event ids a table holds. */
export async function column(url: string, sql: string): Promise<string[]> {
  return withClient(url, async (client) => (await client.query<{ value: string }>(sql)).rows.map((row) => row.value));
}

export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
