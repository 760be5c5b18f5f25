import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../common/log';
import { sqlOf } from '../common/sql';
import { createOrganizationLoaders } from '../organization/organization.loaders';

/** One loader set per request (graphql/dataloader's README): nothing cached outlives the request. */
export function createLoaders(em: EntityManager) {
  const sql = sqlOf(em);
  const organizations = createOrganizationLoaders(sql);
  return {
    organizations,
    clearAll() {
      organizations.clearAll();
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
