import type { Context } from './context';
import { UserError, UserErrorException } from './errors';
import type { TreeLockMode, Tx } from './kernel';

/**
 * Runs one business action (`operation`: the mutation's name) in one kernel transaction as the request's viewer. A
 * UserErrorException rolls everything back and becomes the payload's `userErrors`; any other error rolls back and
 * surfaces (masked) at the top level. The request's loaders are cleared after a commit.
 */
export async function runMutation<T>(
  ctx: Pick<Context, 'kernel' | 'loaders' | 'viewer' | 'requestId' | 'today'>,
  operation: string,
  work: (tx: Tx) => Promise<T>,
  opts: { treeLock?: TreeLockMode } = {},
): Promise<{ result: T | null; userErrors: UserError[] }> {
  try {
    const result = await ctx.kernel.withTransaction({ operation, viewer: ctx.viewer, requestId: ctx.requestId, today: ctx.today }, work, opts);
    ctx.loaders.clearAll();
    return { result, userErrors: [] };
  } catch (err) {
    if (err instanceof UserErrorException) return { result: null, userErrors: err.errors };
    throw err;
  }
}

/** Who a history row names as its actor: the request's principal; the input's free text only for writers without one. */
export function actorOf(ctx: Pick<Context, 'viewer'>, given: string | null | undefined): string | null {
  return ctx.viewer.kind === 'principal' ? ctx.viewer.name : (given ?? null);
}
