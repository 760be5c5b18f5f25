import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

/**
 * Test databases are named after the jest run that made them (`daihoi_test_<pid>_…`), so several runs can share one
 * server: a run only drops what dead runs left behind. The template is named after the migrations' content, so a new
 * or changed migration gets a fresh template instead of a stale one.
 */
export const TEST_DB_PREFIX = 'daihoi_test_';
export const runPrefix = (pid: number = Number(process.env.DAIHOI_TEST_RUN ?? process.pid)) => `${TEST_DB_PREFIX}${pid}_`;

export function templateName(): string {
  const dir = path.join(__dirname, '..', '..', 'migrations');
  const hash = crypto.createHash('sha1');
  for (const file of fs.readdirSync(dir).sort()) hash.update(file).update(fs.readFileSync(path.join(dir, file)));
  return `daihoi_template_${hash.digest('hex').slice(0, 12)}`;
}

/** The run that created a test database, from its name; null for a template or another naming. */
export function runOf(datname: string): number | null {
  const m = new RegExp(`^${TEST_DB_PREFIX}(\\d+)_`).exec(datname);
  return m ? Number(m[1]) : null;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

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
