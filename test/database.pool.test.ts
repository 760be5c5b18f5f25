import crypto from 'node:crypto';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/database';
import { silentLogger } from '../src/common/log';
import { adminQuery, runPrefix, withDatabase } from './support/databases';

/**
 * The pool requests run on (src/database/index.ts): opened after the migrations with the request limits of the
 * configuration — SQL_PARALLEL_WORKERS whether or not STATEMENT_TIMEOUT_MS is set.
 */

const admin = () => process.env.DAIHOI_TEST_ADMIN_URL as string;

async function settingsWith(env: Record<string, string>): Promise<{ workers: string; timeout: string }> {
  const database = `${runPrefix()}${crypto.randomBytes(6).toString('hex')}`;
  await adminQuery(admin(), `create database ${database}`);
  try {
    const config = loadConfig({ DATABASE_URL: withDatabase(admin(), database), SEED_DEMO: 'false', ...env });
    const db = await openDatabase(config, silentLogger, () => '2026-11-27');
    try {
      const [row] = (await db.orm.em.fork().getConnection().execute(
        `select current_setting('max_parallel_workers_per_gather') as workers, current_setting('statement_timeout') as timeout`,
      )) as { workers: string; timeout: string }[];
      return row;
    } finally {
      await db.close();
    }
  } finally {
    await adminQuery(admin(), `drop database if exists ${database} with (force)`);
  }
}

describe('the request pool', () => {
  it('runs without parallel workers and with the statement timeout by default', async () => {
    expect(await settingsWith({})).toEqual({ workers: '0', timeout: '5s' });
  });

  it('keeps SQL_PARALLEL_WORKERS when STATEMENT_TIMEOUT_MS=0 turns the timeout off', async () => {
    expect(await settingsWith({ STATEMENT_TIMEOUT_MS: '0', SQL_PARALLEL_WORKERS: '1' })).toEqual({ workers: '1', timeout: '0' });
  });
});
