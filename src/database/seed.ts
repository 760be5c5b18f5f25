import type { MikroORM } from '@mikro-orm/postgresql';
import type { Kernel } from '../common/kernel';
import type { Logger } from '../common/log';
import { seedDemo } from '../../seeds/DemoSeeder';

/** Loads the demo, as it stood at the end of `today` (the service's configured today), into an empty database. */
export async function seedDemoIfEmpty(orm: MikroORM, kernel: Kernel, today: string, logger: Logger): Promise<void> {
  const [row] = await orm.em.getConnection().execute<{ n: number }[]>('select count(*)::int as n from organization');
  if (row.n > 0) return;
  logger.info({ today }, 'empty database: loading the demo seed');
  await seedDemo(orm, today, kernel);
  const [after] = await orm.em.getConnection().execute<{ n: number }[]>('select count(*)::int as n from organization');
  logger.info({ organizations: after.n, today }, 'demo seed loaded');
}
