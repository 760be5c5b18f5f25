import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config';
import type { Kernel } from '../common/kernel';
import type { Logger } from '../common/log';
import { createAppKernel, type WriteObserver } from '../kernel';
import { EmbeddedPostgres } from './embedded';
import { databaseReady, initOrm } from './orm';
import { seedDemoIfEmpty } from './seed';
import { systemViewer } from '../common/kernel';
import { ensureBootstrapAdmin } from '../access/principal.service';
import { issueDemoPrincipals, type DemoTokens } from '../access/access.demo';

async function issueDemo(kernel: Kernel, today: string): Promise<DemoTokens | null> {
  return kernel.withTransaction({ operation: 'demoTokens', viewer: systemViewer('demo'), today }, (tx) => issueDemoPrincipals(tx));
}

export interface Database {
  orm: MikroORM;
  /** The one write path (src/kernel.ts). */
  kernel: Kernel;
  url: string;
  /** The connection string with its password, for tools that open their own connection. */
  connectionString: string;
  embedded: boolean;
  /** Demo mode (embedded database with the demo seed): fresh demo tokens, to print once at start. */
  demoTokens: DemoTokens | null;
  /** Database reachable and every migration applied. */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Embedded PostgreSQL unless DATABASE_URL is set; then migrations, then the demo seed when the tree is empty.
 * `metrics`: what the kernel reports its writes to (the server's metrics, src/server/metrics.ts); default: nothing.
 */
export async function openDatabase(config: Config, logger: Logger, today: () => string, opts: { metrics?: WriteObserver } = {}): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let url = config.databaseUrl;
  if (!url) {
    embedded = new EmbeddedPostgres({ baseDir: config.dataDir, port: config.embeddedPgPort, database: 'daihoi', logger });
    url = await embedded.start().catch(async (err) => {
      await embedded?.stop(); // it may have started before failing (e.g. creating the database)
      throw err;
    });
  }
  let orm: MikroORM | undefined;
  let kernel: Kernel;
  let demoTokens: DemoTokens | null = null;
  try {
    orm = await initOrm(url, { poolMax: config.dbPoolMax, acquireTimeoutMs: config.dbAcquireTimeoutMs, logger });
    const applied = await orm.getMigrator().up();
    if (applied.length) logger.info({ migrations: applied.map((m) => m.name) }, 'applied migrations');
    kernel = createAppKernel(orm, { logger, metrics: opts.metrics });
    if (config.seedDemo) await seedDemoIfEmpty(orm, kernel, today(), logger);
    if (config.bootstrapToken) {
      const token = config.bootstrapToken;
      const outcome = await kernel.withTransaction({ operation: 'bootstrapAdmin', viewer: systemViewer('BOOTSTRAP_TOKEN'), today: today() }, (tx) => ensureBootstrapAdmin(tx, token));
      logger.info({ outcome }, 'BOOTSTRAP_TOKEN: ADMIN principal ensured');
    }
    if (embedded && config.seedDemo) demoTokens = await issueDemo(kernel, today());
    // Requests run on a pool of their own, whose statements PostgreSQL cancels past STATEMENT_TIMEOUT_MS and which
    // use at most SQL_PARALLEL_WORKERS parallel workers each; migrations and the seed above ran on connections with
    // neither (a migration may legitimately take longer, or use the server's parallelism).
    const setup = orm;
    orm = await initOrm(url, {
      poolMax: config.dbPoolMax,
      acquireTimeoutMs: config.dbAcquireTimeoutMs,
      logger,
      statementTimeoutMs: config.limits.statementTimeoutMs,
      parallelWorkers: config.limits.parallelWorkersPerStatement,
    });
    kernel = createAppKernel(orm, { logger, metrics: opts.metrics });
    await setup.close(true);
  } catch (err) {
    await orm?.close(true).catch(() => undefined);
    await embedded?.stop();
    throw err;
  }
  const db = orm;
  return {
    orm: db,
    kernel,
    url: url.replace(/:[^:@/]*@/, ':***@'),
    connectionString: url,
    embedded: !!embedded,
    demoTokens,
    ready: () => databaseReady(db),
    async close() {
      await db.close(true);
      await embedded?.stop();
    },
  };
}
