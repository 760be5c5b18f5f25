import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { OrganizationRow } from '../organization/organization.repository';
import { OrganizationType } from '../organization/organization.types';
import type { RestructuringRow } from './restructuring.repository';
import type { Context } from '../server/context';
import { RestructuringType } from './restructuring.types';

async function orgs(ctx: Context, ids: string[], asOf: string) {
  const rows = await ctx.loaders.organizations.byId.loadMany(ids);
  return rows.filter((r): r is OrganizationRow => !!r && !(r instanceof Error)).map((r) => OrganizationType.from(r, asOf));
}

/** Organization's restructuring status and lineage. */
@Resolver(() => OrganizationType)
export class OrganizationRestructuringResolver {
  @FieldResolver(() => RestructuringType, { nullable: true, description: 'The pending (PROPOSED or APPROVED) restructuring it takes part in; null when none.' })
  async pendingRestructuring(@Root() org: OrganizationType, @Ctx() ctx: Context) {
    const id = await ctx.loaders.restructurings.pendingOf.load(org.uuid);
    if (!id) return null;
    const row = await ctx.loaders.restructurings.byId.load(id);
    return row && RestructuringType.from(row, ctx.today);
  }

  @FieldResolver(() => [RestructuringType], { description: 'Every restructuring it took part in, oldest first.' })
  async restructurings(@Root() org: OrganizationType, @Ctx() ctx: Context) {
    const ids = await ctx.loaders.restructurings.ofOrganization.load(org.uuid);
    const rows = await ctx.loaders.restructurings.byId.loadMany(ids);
    return rows.filter((r): r is RestructuringRow => !!r && !(r instanceof Error)).map((r) => RestructuringType.from(r, ctx.today));
  }

  @FieldResolver(() => [OrganizationType], { description: 'Organisations it continues (merged or absorbed into it, split from).' })
  async predecessors(@Root() org: OrganizationType, @Ctx() ctx: Context) {
    return orgs(ctx, await ctx.loaders.restructurings.predecessors.load(org.uuid), org.asOf);
  }

  @FieldResolver(() => [OrganizationType], { description: 'Organisations that continue it.' })
  async successors(@Root() org: OrganizationType, @Ctx() ctx: Context) {
    return orgs(ctx, await ctx.loaders.restructurings.successors.load(org.uuid), org.asOf);
  }
}
