import type { EntityManager } from '@mikro-orm/postgresql';
import { lockTree } from './tree-lock';
import { sqlOf } from './sql';
import { UserError, UserErrorException } from './errors';

interface MutationContext {
  em: EntityManager;
  loaders: { clearAll(): void };
}

/**
 * Runs one business action in one transaction. A UserErrorException rolls everything back and becomes the payload's
 * `userErrors`; any other error rolls back and surfaces (masked) at the top level. Loaders are cleared after a commit.
 */
export async function runMutation<T>(
  ctx: MutationContext,
  work: (em: EntityManager) => Promise<T>,
  opts: { treeLock?: 'shared' | 'exclusive' } = {},
): Promise<{ result: T | null; userErrors: UserError[] }> {
  try {
    const result = await ctx.em.transactional(async (tem) => {
      const em = tem as EntityManager;
      // First of all: changes that reshape the tree exclude every other change; the rest run side by side. Taken
      // before any row lock, so the order of locks is the same in every transaction.
      await lockTree(sqlOf(em), opts.treeLock ?? 'shared');
      // Roll-up counters changed on the way are written just before commit (ProgressFlushSubscriber).
      return work(em);
    });
    ctx.loaders.clearAll();
    return { result, userErrors: [] };
  } catch (err) {
    if (err instanceof UserErrorException) return { result: null, userErrors: err.errors };
    throw err;
  }
}
