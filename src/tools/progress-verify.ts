import 'reflect-metadata';
import type { EntityManager } from '@mikro-orm/postgresql';
import { loadConfig } from '../config';
import { todayFn } from '../common/dates';
import { createLogger } from '../common/log';
import { sqlOf } from '../common/sql';
import { openDatabase } from '../database';
import { findDrift } from '../progress/progress.rebuild';

/** `npm run progress:verify`: recomputes every roll-up from the base tables; exit 1 on any drift. */
async function main() {
  // A whole-tree recomputation is no client's request: no statement timeout (it takes about a minute at 1,000,000).
  const loaded = loadConfig();
  const config = { ...loaded, seedDemo: false, limits: { ...loaded.limits, statementTimeoutMs: 0 } };
  const logger = createLogger(config.logLevel);
  const db = await openDatabase(config, logger, todayFn(config.today, config.timeZone));
  try {
    const started = Date.now();
    const drift = await findDrift(sqlOf(db.orm.em.fork() as EntityManager), 50);
    const [{ n }] = await db.orm.em.getConnection().execute<{ n: number }[]>('select count(*)::int as n from progress_counter');
    if (drift.length) {
      process.stdout.write(`progress:verify: DRIFT in ${drift.length}+ counters (of ${n} organisations):\n`);
      for (const d of drift) process.stdout.write(`  ${d.organizationId} ${d.field}: stored ${d.stored}, recomputed ${d.expected}\n`);
      process.exitCode = 1;
    } else {
      process.stdout.write(`progress:verify: ${n} organisations, no drift (${Date.now() - started} ms)\n`);
    }
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  process.stderr.write(`progress:verify failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
