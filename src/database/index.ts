import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config';
import type { Kernel } from '../common/kernel';
import type { Logger } from '../common/log';
import { createAppKernel } from '../kernel';
import { EmbeddedPostgres } from './embedded';
import { databaseReady, initOrm } from './orm';
import { seedDemoIfEmpty } from './seed';

export interface Database {
  orm: MikroORM;
  /** The one write path (src/kernel.ts). */
  kernel: Kernel;
  url: string;
  /** The connection string with its password, for tools that open their own connection. */
  connectionString: string;
  embedded: boolean;
  /** Database reachable and every migration applied. */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

/** Embedded PostgreSQL unless DATABASE_URL is set; then migrations, then the demo seed when the tree is empty. */
export async function openDatabase(config: Config, logger: Logger, today: () => string): Promise<Database> {
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
  try {
    orm = await initOrm(url, { poolMax: config.dbPoolMax, acquireTimeoutMs: config.dbAcquireTimeoutMs, logger });
    const applied = await orm.getMigrator().up();
    if (applied.length) logger.info({ migrations: applied.map((m) => m.name) }, 'applied migrations');
    kernel = createAppKernel(orm, { logger });
    if (config.seedDemo) await seedDemoIfEmpty(orm, kernel, today(), logger);
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
    ready: () => databaseReady(db),
    async close() {
      await db.close(true);
      await embedded?.stop();
    },
  };
}
