import os from 'node:os';
import path from 'node:path';
import { silentLogger, createLogger } from '../../src/common/log';
import { EmbeddedPostgres } from '../../src/database/embedded';
import { adminQuery, isAlive, runOf, TEST_DB_PREFIX } from './databases';

/**
 * Starts the test PostgreSQL (embedded 18 unless DATABASE_URL points at a server) and drops what earlier runs left.
 * Every test file clones a migrated template database, so files run in parallel on isolated data.
 */
export default async function globalSetup(): Promise<void> {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const embedded = new EmbeddedPostgres({
      baseDir: path.join(os.tmpdir(), `daihoi-test-pg-${process.getuid?.() ?? 'u'}`),
      port: Number(process.env.TEST_PG_PORT ?? 25439), // below the ephemeral port range, so no client socket holds it
      database: 'postgres',
      logger: process.env.LOG_LEVEL === 'debug' ? createLogger('debug') : silentLogger,
    });
    adminUrl = await embedded.start();
    (globalThis as { __daihoiEmbedded?: EmbeddedPostgres }).__daihoiEmbedded = embedded;
  }
  const [{ server_version: version }] = await adminQuery<{ server_version: string }>(adminUrl, 'show server_version');
  process.stdout.write(`\ntests run on PostgreSQL ${version} (${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded'})\n`);

  // Databases of runs that are gone (killed, crashed); a run still going on keeps its own.
  const stale = await adminQuery<{ datname: string }>(adminUrl, `select datname from pg_database where datname like $1`, [`${TEST_DB_PREFIX}%`]);
  for (const { datname } of stale) {
    const run = runOf(datname);
    if (run === null || !isAlive(run)) await adminQuery(adminUrl, `drop database if exists "${datname}" with (force)`);
  }
  process.env.DAIHOI_TEST_RUN = String(process.pid);
  // The template is migrated by the first test file that needs it (test/support/harness.ts): MikroORM must not be
  // initialised here, in jest's outer realm (mikro-orm/mikro-orm#3783).

  process.env.DAIHOI_TEST_ADMIN_URL = adminUrl;
}
