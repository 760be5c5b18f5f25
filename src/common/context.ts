import type { EntityManager } from '@mikro-orm/postgresql';
import type { createCongressLoaders } from '../congress/congress.loaders';
import type { createOrganizationLoaders } from '../organization/organization.loaders';
import type { createProgressLoaders } from '../progress/progress.loaders';
import type { createReadinessLoaders } from '../readiness/readiness.loaders';
import type { createRestructuringLoaders } from '../restructuring/restructuring.loaders';
import type { createRiskLoaders } from '../risk/risk.loaders';
import type { Kernel, Viewer } from './kernel';
import type { Logger } from './log';
import type { ScopeRef } from './scope-ref';

/** What the viewer may see of an organisation on a date: all of it, its name only (an ancestor of its scope), nothing. */
export type Visibility = 'full' | 'name' | null;

/**
 * The request's access control (src/access/access.scope.ts), built from the viewer. Features use it where a query
 * takes an organisation to search under; objects returned by resolvers are checked centrally (src/common/scope-ref.ts).
 */
export interface Access {
  readonly viewer: Viewer;
  /** Nothing of the tree is hidden from this viewer (ADMIN, system, an unscoped PUBLIC). */
  readonly unscoped: boolean;
  organization(id: string, date: string): Promise<Visibility>;
  check(ref: ScopeRef): Promise<Visibility>;
  /**
   * A list's `under:` argument on `date`: `{ id, inclusive }` to search under (the argument when fully visible; the
   * scope root, itself included, when absent; `{ id: null }` for an unscoped viewer without it), or null when the
   * argument is not visible (the list is empty: not found).
   */
  under(id: string | null, date: string): Promise<{ id: string | null; inclusive: boolean } | null>;
  /** May the viewer write this organisation (today)? ADMIN always; an EDITOR inside its subtree. */
  canUpdate(organizationId: string): Promise<boolean>;
}

/**
 * What every resolver gets, built once per request by the server (src/server/context.ts). Features import it from
 * here, never from src/server.
 */

/** One loader set per request (graphql/dataloader's README): nothing cached outlives the request. */
export interface Loaders {
  organizations: ReturnType<typeof createOrganizationLoaders>;
  congresses: ReturnType<typeof createCongressLoaders>;
  restructurings: ReturnType<typeof createRestructuringLoaders>;
  progress: ReturnType<typeof createProgressLoaders>;
  readiness: ReturnType<typeof createReadinessLoaders>;
  risks: ReturnType<typeof createRiskLoaders>;
  clearAll(): void;
}

export interface Context {
  /** Reads only (outside any transaction); writes go through `kernel`. */
  em: EntityManager;
  /** The one write path (src/common/kernel.ts); mutations call it through runMutation (src/common/mutation.ts). */
  kernel: Kernel;
  /** Who asks: an anonymous principal until access control fills it. */
  viewer: Viewer;
  /** What this viewer may see and write (src/access). */
  access: Access;
  loaders: Loaders;
  requestId: string;
  /** "Today" for this request: the date in Asia/Ho_Chi_Minh, or the configured fixed date. */
  today: string;
  /**
   * The data version, read before anything else (src/cache/response-cache.ts): with the token, or on first call when
   * the request had none. Absent: answers are not reused.
   */
  dataVersion?: () => Promise<string>;
  logger: Logger;
}
