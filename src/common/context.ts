import type { EntityManager } from '@mikro-orm/postgresql';
import type { createCongressLoaders } from '../congress/congress.loaders';
import type { createOrganizationLoaders } from '../organization/organization.loaders';
import type { createProgressLoaders } from '../progress/progress.loaders';
import type { createRestructuringLoaders } from '../restructuring/restructuring.loaders';
import type { Kernel, Viewer } from './kernel';
import type { Logger } from './log';

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
  clearAll(): void;
}

export interface Context {
  /** Reads only (outside any transaction); writes go through `kernel`. */
  em: EntityManager;
  /** The one write path (src/common/kernel.ts); mutations call it through runMutation (src/common/mutation.ts). */
  kernel: Kernel;
  /** Who asks: an anonymous principal until access control fills it. */
  viewer: Viewer;
  loaders: Loaders;
  requestId: string;
  /** "Today" for this request: the date in Asia/Ho_Chi_Minh, or the configured fixed date. */
  today: string;
  logger: Logger;
}
