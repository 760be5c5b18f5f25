import type { Context } from '../common/context';
import { clientError } from '../common/errors';

/**
 * The `under:` of a roll-up or a subscription: an organisation fully visible to the caller on `date`. Outside its
 * scope on that date, seen by name only, or unknown are one answer, NOT_FOUND (nothing tells them apart).
 */
export async function requireVisibleUnder(ctx: Pick<Context, 'loaders' | 'access'>, id: string, date: string): Promise<void> {
  if (!(await ctx.loaders.organizations.byId.load(id)) || (await ctx.access.organization(id, date)) !== 'full') throw underNotFound();
}

export const underNotFound = () => clientError('NOT_FOUND', 'No organisation with that id', { argument: 'under' });
