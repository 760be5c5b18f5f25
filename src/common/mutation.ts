import type { Context } from './context';
import { UserError, UserErrorException } from './errors';
import type { TransactionOptions, Tx } from './kernel';

/**
 * Runs one business action (`operation`: the mutation's name) in one kernel transaction as the request's viewer. A
 * UserErrorException rolls everything back and becomes the payload's `userErrors`; any other error rolls back and
 * surfaces (masked) at the top level. The request's loaders are cleared after a commit.
 */
export async function runMutation<T>(
  ctx: Pick<Context, 'kernel' | 'loaders' | 'viewer' | 'requestId' | 'today'>,
  operation: string,
  work: (tx: Tx) => Promise<T>,
  opts: TransactionOptions = {},
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

/**
 * Before a payload answers an object of `organizationId` to a scoped viewer (after the commit, the loaders cleared):
 * that organisation and the viewer's scope organisation read by id with their open placements, in one statement. The
 * payload's scope check then needs no statement of its own (a placement on or after its start is read from them), and
 * the fields that read the organisation (a congress's deadline, its organization) find it loaded. Nothing for an
 * unscoped viewer, whose check reads nothing.
 */
export async function loadForPayload(ctx: Pick<Context, 'access' | 'loaders' | 'viewer'>, organizationId: string | null | undefined): Promise<void> {
  if (!organizationId || ctx.access.unscoped || !ctx.viewer.scopeId) return;
  await ctx.loaders.organizations.byId.loadMany([organizationId, ctx.viewer.scopeId]);
}

/** Who a history row names as its actor: the request's principal; the input's free text only for writers without one. */
export function actorOf(ctx: Pick<Context, 'viewer'>, given: string | null | undefined): string | null {
  return ctx.viewer.kind === 'principal' ? ctx.viewer.name : (given ?? null);
}
