import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../common/log';
import { DemoSeeder } from '../../seeds/DemoSeeder';

export async function seedDemoIfEmpty(orm: MikroORM, today: string, logger: Logger): Promise<void> {
  const [row] = await orm.em.getConnection().execute<{ n: number }[]>('select count(*)::int as n from organization');
  if (row.n > 0) return;
  logger.info('empty database: loading the demo seed');
  await orm.getSeeder().seed(DemoSeeder);
  const [after] = await orm.em.getConnection().execute<{ n: number }[]>('select count(*)::int as n from organization');
  logger.info('demo seed loaded', { organizations: after.n, today });
}
