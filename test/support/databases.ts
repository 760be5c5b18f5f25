import { Client } from 'pg';

export const TEMPLATE_DB = 'daihoi_test_template';
export const TEST_DB_PREFIX = 'daihoi_test_';

/** The same server, another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + database;
  return u.toString();
}

export async function adminQuery<T = Record<string, unknown>>(adminUrl: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}
