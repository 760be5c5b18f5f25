import type { EntityManager } from '@mikro-orm/postgresql';
import type { SharedReads } from '../cache/versioned-memo';
import type { Loaders } from '../common/context';
import { sqlOf } from '../common/sql';
import { createCongressLoaders } from '../congress/congress.loaders';
import { createOrganizationLoaders } from '../organization/organization.loaders';
import { createProgressLoaders } from '../progress/progress.loaders';
import { createReadinessLoaders } from '../readiness/readiness.loaders';
import { createRestructuringLoaders } from '../restructuring/restructuring.loaders';
import { createRiskLoaders } from '../risk/risk.loaders';

export type { Context, Loaders } from '../common/context';

/**
 * One loader set per request (graphql/dataloader's README): nothing cached outlives the request, but for values read
 * once per data version for the whole process (`shared`: src/cache/versioned-memo.ts).
 */
export function createLoaders(em: EntityManager, shared?: SharedReads): Loaders {
  const sql = sqlOf(em);
  const organizations = createOrganizationLoaders(sql);
  const congresses = createCongressLoaders(sql, shared);
  const restructurings = createRestructuringLoaders(sql);
  const progress = createProgressLoaders(sql, congresses);
  const readiness = createReadinessLoaders(sql);
  const risks = createRiskLoaders(sql);
  return {
    organizations,
    congresses,
    restructurings,
    progress,
    readiness,
    risks,
    clearAll() {
      progress.clearAll();
      readiness.clearAll();
      risks.clearAll();
      organizations.clearAll();
      congresses.clearAll();
      restructurings.clearAll();
    },
  };
}
