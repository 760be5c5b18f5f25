import type { EntityManager } from '@mikro-orm/postgresql';
import { flushProgress } from '../progress/progress.maintenance';
import { UserError, UserErrorException } from './errors';

interface MutationContext {
  em: EntityManager;
  loaders: { clearAll(): void };
}

/**
 * Runs one business action in one transaction. A UserErrorException rolls everything back and becomes the payload's
 * `userErrors`; any other error rolls back and surfaces (masked) at the top level. Loaders are cleared after a commit.
 */
export async function runMutation<T>(ctx: MutationContext, work: (em: EntityManager) => Promise<T>): Promise<{ result: T | null; userErrors: UserError[] }> {
  try {
    const result = await ctx.em.transactional(async (tem) => {
      const em = tem as EntityManager;
      const out = await work(em);
      // The subscriber flushes before commit too; doing it here keeps the order explicit.
      await flushProgress((text, params) => em.getConnection().execute(text, params, 'all', em.getTransactionContext()), em.getTransactionContext());
      return out;
    });
    ctx.loaders.clearAll();
    return { result, userErrors: [] };
  } catch (err) {
    if (err instanceof UserErrorException) return { result: null, userErrors: err.errors };
    throw err;
  }
}
