import { MikroORM } from '@mikro-orm/postgresql';
import { types } from 'pg';
import baseConfig from '../../mikro-orm.config';
import { pgTypeParsers } from '../common/pg-types';
import { countStatement } from '../common/request-scope';
import type { Logger } from '../common/log';

// Calendar dates stay "YYYY-MM-DD" strings end to end: never a JS Date shifted by a time zone.
types.setTypeParser(types.builtins.DATE, (v) => v);

/** How long a statement waits for a pooled connection (knex's default is 60 s) before failing as an outage. */
export const DEFAULT_ACQUIRE_TIMEOUT_MS = 10_000;

/**
 * knex's own messages as JSON lines through the logger, not `console.log`. Its warnings are pool churn (a dropped
 * connection being replaced, once per connection), expected in an outage whose requests already log one line each.
 */
function knexLog(logger: Logger) {
  return {
    warn: (message: unknown) => logger.debug({ source: 'knex' }, String(message)),
    error: (message: unknown) => logger.error({ source: 'knex' }, String(message)),
    deprecate: (message: unknown) => logger.debug({ source: 'knex' }, String(message)),
    debug: (message: unknown) => logger.debug({ source: 'knex' }, typeof message === 'string' ? message : JSON.stringify(message)),
  };
}

/**
 * `statementTimeoutMs`: PostgreSQL cancels any statement of this pool that runs longer (SQLSTATE 57014; the API answers
 * SERVICE_UNAVAILABLE, src/server/unavailable.ts). It is a setting each connection starts with (node-postgres's
 * `statement_timeout` startup parameter), so it costs no statement. Omitted or 0: no timeout (tools, migrations).
 * `parallelWorkers`: `max_parallel_workers_per_gather` of this pool's connections, likewise set at start-up (omitted
 * or -1: the server's setting).
 */
export async function initOrm(
  url: string,
  opts: { poolMax: number; logger: Logger; acquireTimeoutMs?: number; statementTimeoutMs?: number; parallelWorkers?: number },
): Promise<MikroORM> {
  // A `host` parameter (`?host=/var/run/postgresql`: a Unix socket's directory) is node-postgres's, not MikroORM's.
  const socketHost = new URL(url).searchParams.get('host');
  const options = ['-c jit=off', ...(opts.parallelWorkers !== undefined && opts.parallelWorkers >= 0 ? [`-c max_parallel_workers_per_gather=${opts.parallelWorkers}`] : [])].join(' ');
  const orm = await MikroORM.init({
    ...baseConfig,
    clientUrl: url,
    pool: { min: 0, max: opts.poolMax, acquireTimeoutMillis: opts.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS },
    // Instants as Dates, calendar dates as "YYYY-MM-DD", for the ORM's statements and raw ones alike.
    driverOptions: {
      // jit off: the API's statements are short or index-led; JIT compilation added seconds to the large ones.
      connection: { types: pgTypeParsers(), options, ...(socketHost ? { host: socketHost } : {}), ...(opts.statementTimeoutMs ? { statement_timeout: opts.statementTimeoutMs } : {}) },
      log: knexLog(opts.logger),
    },
    logger: (msg) => opts.logger.debug(msg),
  });
  orm.em.getConnection().getKnex().on('query', countStatement);
  return orm;
}

/** Database reachable and every migration applied (/readyz). */
export async function databaseReady(orm: MikroORM): Promise<boolean> {
  try {
    await orm.em.getConnection().execute('select 1');
    return (await pendingMigrations(orm)) === 0;
  } catch {
    return false;
  }
}

export async function pendingMigrations(orm: MikroORM): Promise<number> {
  return (await orm.getMigrator().getPendingMigrations()).length;
}
