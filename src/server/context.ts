import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../common/log';
import { sqlOf } from '../common/sql';
import { createCongressLoaders } from '../congress/congress.loaders';
import { createOrganizationLoaders } from '../organization/organization.loaders';
import { createProgressLoaders } from '../progress/progress.loaders';
import { createRestructuringLoaders } from '../restructuring/restructuring.loaders';

/** One loader set per request (graphql/dataloader's README): nothing cached outlives the request. */
export function createLoaders(em: EntityManager) {
  const sql = sqlOf(em);
  const organizations = createOrganizationLoaders(sql);
  const congresses = createCongressLoaders(sql);
  const restructurings = createRestructuringLoaders(sql);
  const progress = createProgressLoaders(sql, congresses);
  return {
    organizations,
    congresses,
    restructurings,
    progress,
    clearAll() {
      progress.clearAll();
      organizations.clearAll();
      congresses.clearAll();
      restructurings.clearAll();
    },
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

export interface Context {
  em: EntityManager;
  loaders: Loaders;
  requestId: string;
  /** "Today" for this request: the date in Asia/Ho_Chi_Minh, or the configured fixed date. */
  today: string;
  logger: Logger;
}
