import { Arg, Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { PageArgs, PageInfo, parsePage, toPage } from '../common/connection';
import { DateScalar } from '../common/dates';
import type { OrganizationRow } from '../organization/organization.repository';
import { OrganizationType } from '../organization/organization.types';
import type { Context } from '../common/context';
import { OrganizationRestructuringConnection } from './organization-restructuring.types';
import { RestructuringType } from './restructuring.types';

async function orgs(ctx: Context, ids: string[], asOf: string) {
  const rows = await ctx.loaders.organizations.byId.loadMany(ids);
  return rows.filter((r): r is OrganizationRow => !!r && !(r instanceof Error)).map((r) => OrganizationType.from(r, asOf));
}

/** The plain list kept for clients of the first API; new ones page through `restructuringInvolvements`. */
const LIST_LIMIT = 1000;

/** Organization's restructuring status and lineage. */
@Resolver(() => OrganizationType)
export class OrganizationRestructuringResolver {
  @FieldResolver(() => RestructuringType, {
    nullable: true,
    description:
      'A restructuring that touches it and was pending (PROPOSED or APPROVED) at the end of the date (`asOf`): proposed ' +
      'on or before it, and neither in effect (its effective date) nor cancelled by then; null when none. First the one it takes part in ' +
      'as SOURCE, TARGET or MOVED (at most one: those roles claim it), else — for a parent that gives or receives ' +
      'children (OLD_PARENT, NEW_PARENT), which may happen in several at once — the earliest by effective date. ' +
      '`restructuringInvolvements` lists them all with the roles.',
  })
  async pendingRestructuring(
    @Root() org: OrganizationType,
    @Arg('asOf', () => DateScalar, { nullable: true, description: 'Default: the date the organisation was read at.' }) asOf: string | null,
    @Ctx() ctx: Context,
  ) {
    const id = await ctx.loaders.restructurings.pendingOf.load({ id: org.uuid, date: asOf ?? org.asOf });
    if (!id) return null;
    const row = await ctx.loaders.restructurings.byId.load(id);
    return row && RestructuringType.from(row, ctx.today);
  }

  @FieldResolver(() => [RestructuringType], {
    deprecationReason: 'Use `restructuringInvolvements`: paged, and tells the organisation’s roles in each.',
    description:
      'Every restructuring that touches it (any status, any role — see `restructuringInvolvements`), oldest first: by ' +
      'effective date (the decided one, else the planned one; undated last), then by when it was proposed. At most 1,000.',
  })
  async restructurings(@Root() org: OrganizationType, @Ctx() ctx: Context): Promise<RestructuringType[]> {
    const page = await ctx.loaders.restructurings.ofOrganization.load({ id: org.uuid, first: LIST_LIMIT, after: null });
    return page.rows.slice(0, LIST_LIMIT).map(({ roles: _roles, sortValue: _sort, ...row }) => {
      ctx.loaders.restructurings.byId.prime(row.id, row);
      return RestructuringType.from(row, ctx.today);
    });
  }

  @FieldResolver(() => OrganizationRestructuringConnection, {
    description:
      'Every restructuring that touches it (any status), with its roles on each edge: as SOURCE, TARGET, MOVED, or as ' +
      'the parent a moved organisation leaves (OLD_PARENT) or goes under (NEW_PARENT). Oldest first: by effective ' +
      'date (the decided one, else the planned one; undated last), then by when it was proposed, then by id.',
  })
  async restructuringInvolvements(@Root() org: OrganizationType, @Args() args: PageArgs, @Ctx() ctx: Context): Promise<OrganizationRestructuringConnection> {
    const { first, after } = parsePage(args, ['string', 'string']);
    const page = await ctx.loaders.restructurings.ofOrganization.load({ id: org.uuid, first, after });
    for (const { roles: _roles, sortValue: _sort, ...row } of page.rows) ctx.loaders.restructurings.byId.prime(row.id, row);
    const p = toPage(page.rows, first, after, page.total, (r) => [r.sortValue, r.id], (r) => ({ node: RestructuringType.from(r, ctx.today), roles: r.roles }));
    const edges = p.items.map(({ cursor, node }) => ({ cursor, ...node }));
    const pageInfo = Object.assign(new PageInfo(), {
      hasNextPage: p.hasNextPage,
      hasPreviousPage: p.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    });
    return { edges, nodes: edges.map((e) => e.node), pageInfo, totalCount: p.totalCount };
  }

  @FieldResolver(() => [OrganizationType], {
    description: 'Organisations it continues: the sources of a restructuring whose organisations went into it (merged, absorbed, split from, reorganised into it).',
  })
  async predecessors(@Root() org: OrganizationType, @Ctx() ctx: Context) {
    return orgs(ctx, await ctx.loaders.restructurings.predecessors.load(org.uuid), org.asOf);
  }

  @FieldResolver(() => [OrganizationType], { description: 'Organisations that continue it.' })
  async successors(@Root() org: OrganizationType, @Ctx() ctx: Context) {
    return orgs(ctx, await ctx.loaders.restructurings.successors.load(org.uuid), org.asOf);
  }
}
