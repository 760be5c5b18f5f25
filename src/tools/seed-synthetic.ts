import 'reflect-metadata';
import { loadConfig } from '../config';
import { todayFn } from '../common/dates';
import { systemViewer } from '../common/kernel';
import { createLogger } from '../common/log';
import { openDatabase } from '../database';
import { loadSynthetic } from './synthetic';

/** Everything that hangs off the tree (principals too: a scope is an organisation; BOOTSTRAP_TOKEN restores an ADMIN). */
const TABLES = [
  'access_token', 'principal', 'congress_complaint_count', 'readiness_report',
  'progress_override', 'progress_counter', 'organization_lineage', 'restructuring_event', 'restructuring_pending', 'restructuring_participant',
  'restructuring', 'congress_plan_history', 'congress_event', 'congress', 'organization_member_count', 'organization_name', 'organization_placement',
  'organization',
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
    const [{ n }] = await db.orm.em.getConnection().execute<{ n: number }[]>('select count(*)::int as n from organization');
    if (n > 0 && !args.includes('--replace')) throw new Error(`the database already holds ${n} organisations; pass --replace to wipe them`);
    const started = Date.now();
    const log = (name: string, ms: number) => process.stdout.write(`  ${name}: ${(ms / 1000).toFixed(1)} s\n`);
    // One kernel transaction, the tree locked exclusively; the counters are rebuilt from the tables before COMMIT.
    let loaded = Date.now();
    const out = await db.kernel.withTransaction(
      { operation: 'seedSynthetic', viewer: systemViewer('seed:synthetic'), today: today() },
      async (tx) => {
        await tx.sql(`truncate ${TABLES.join(', ')}`);
        log('truncate', Date.now() - started);
        const result = await loadSynthetic(tx, { orgs, seed, today: today() }, log);
        loaded = Date.now();
        return result;
      },
      { treeLock: 'exclusive' },
    );
    // The counters are rebuilt (and analyzed) by the kernel's consumers just before COMMIT.
    log('counters rebuilt and committed', Date.now() - loaded);
    process.stdout.write(`synthetic tree: ${out.organizations} organisations (seed ${seed}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  process.stderr.write(`seed:synthetic failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
