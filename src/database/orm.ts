import { MikroORM } from '@mikro-orm/postgresql';
import { types } from 'pg';
import baseConfig from '../../mikro-orm.config';
import { countStatement } from '../common/request-scope';
import type { Logger } from '../common/log';

// Calendar dates stay "YYYY-MM-DD" strings end to end: never a JS Date shifted by a time zone.
types.setTypeParser(types.builtins.DATE, (v) => v);

export async function initOrm(url: string, opts: { poolMax: number; logger: Logger }): Promise<MikroORM> {
  const orm = await MikroORM.init({
    ...baseConfig,
    clientUrl: url,
    pool: { min: 0, max: opts.poolMax },
    logger: (msg) => opts.logger.debug(msg),
  });
  orm.em.getConnection().getKnex().on('query', countStatement);
  return orm;
}

export async function pendingMigrations(orm: MikroORM): Promise<number> {
  return (await orm.getMigrator().getPendingMigrations()).length;
}
