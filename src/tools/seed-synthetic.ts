import 'reflect-metadata';
import type { EntityManager } from '@mikro-orm/postgresql';
import { loadConfig } from '../config';
import { todayFn } from '../common/dates';
import { createLogger } from '../common/log';
import { Client } from 'pg';
import { sqlOfClient } from '../common/sql';
import { openDatabase } from '../database';
import { loadSynthetic } from '../progress/synthetic';

const TABLES = [
  'progress_override', 'progress_counter', 'organization_lineage', 'restructuring_event', 'restructuring_pending', 'restructuring_participant',
  'restructuring', 'congress_event', 'congress', 'organization_name', 'organization_placement', 'organization',
];

/** `npm run seed:synthetic -- --orgs 300000 [--seed 42] [--replace]`: a national-size forest in the configured database. */
async function main() {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const orgs = Number(opt('orgs') ?? 100_000);
  const seed = Number(opt('seed') ?? 42);
  if (!Number.isInteger(orgs) || orgs < 50 || orgs > 5_000_000) throw new Error('--orgs must be an integer from 50 to 5000000');
  const config = { ...loadConfig(), seedDemo: false };
  const logger = createLogger(config.logLevel);
  const today = todayFn(config.today, config.timeZone);
  const db = await openDatabase(config, logger, today);
  try {
    const em = db.orm.em.fork() as EntityManager;
    const [{ n }] = await em.getConnection().execute<{ n: number }[]>('select count(*)::int as n from organization');
    if (n > 0 && !args.includes('--replace')) throw new Error(`the database already holds ${n} organisations; pass --replace to wipe them`);
    const started = Date.now();
    // One plain connection, one transaction: the ORM's per-statement overhead matters with 20,000-row statements.
    const client = new Client({ connectionString: db.connectionString });
    await client.connect();
    try {
      await client.query('begin');
      const sql = sqlOfClient(client, client);
      await sql(`truncate ${TABLES.join(', ')}`);
      const out = await loadSynthetic(sql, { orgs, seed, today: today() }, (name, ms) => process.stdout.write(`  ${name}: ${(ms / 1000).toFixed(1)} s\n`));
      await client.query('commit');
      process.stdout.write(`synthetic tree: ${out.organizations} organisations (seed ${seed}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    } catch (err) {
      await client.query('rollback').catch(() => undefined);
      throw err;
    } finally {
      await client.end();
    }
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  process.stderr.write(`seed:synthetic failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
