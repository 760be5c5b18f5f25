import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { PageArgs, parsePage, toConnection, toPage } from '../common/connection';
import { DateScalar } from '../common/dates';
import type { Context } from '../common/context';
import { OrganizationLevel } from './organization.levels';
import type { TreePage } from './organization.repository';
import { OrganizationConnection, OrganizationType } from './organization.types';

@ArgsType()
class ChildrenArgs extends PageArgs {
  @Field(() => DateScalar, { nullable: true, description: 'Default: the date the organisation was read at.' })
  asOf?: string | null;

  @Field(() => OrganizationLevel, { nullable: true })
  level?: OrganizationLevel | null;
}

const asOfArg = { nullable: true, description: 'Default: the date the organisation was read at.' } as const;

function connection(page: TreePage, first: number, after: unknown, date: string, key: 'children' | 'descendants') {
  return toConnection(
    toPage(
      page.rows,
      first,
      after,
      page.total,
      (r) => (key === 'children' ? [r.sortKey, r.id] : [r.placement.depth, r.sortKey, r.id]),
      (r) => OrganizationType.from(r, date),
    ),
  );
}

/** Tree fields of Organization; every one goes through the request's loaders and inherits the parent's date. */
@Resolver(() => OrganizationType)
export class OrganizationFieldsResolver {
  @FieldResolver(() => String, { description: 'Full Vietnamese name in force on the date read: after a rename, earlier dates keep the old name.' })
  name(@Root() org: OrganizationType, @Ctx() ctx: Context): string | Promise<string> {
    if (!org.renamed) return org.currentName;
    return ctx.loaders.organizations.nameAt.load({ id: org.uuid, date: org.asOf }).then((n) => n?.name ?? org.currentName);
  }

  @FieldResolver(() => String, { nullable: true })
  shortName(@Root() org: OrganizationType, @Ctx() ctx: Context): string | null | Promise<string | null> {
    if (!org.renamed) return org.currentShortName;
    return ctx.loaders.organizations.nameAt.load({ id: org.uuid, date: org.asOf }).then((n) => (n ? n.shortName : org.currentShortName));
  }

  @FieldResolver(() => OrganizationType, { nullable: true, description: 'The parent on the date; null for a root or outside its lifetime.' })
  async parent(@Root() org: OrganizationType, @Arg('asOf', () => DateScalar, asOfArg) asOf: string | null, @Ctx() ctx: Context) {
    const date = asOf ?? org.asOf;
    const placement = await ctx.loaders.organizations.placementAt.load({ id: org.uuid, date });
    if (!placement?.parentId) return null;
    const row = await ctx.loaders.organizations.byId.load(placement.parentId);
    return row && OrganizationType.from(row, date);
  }

  @FieldResolver(() => [OrganizationType], { description: 'Ancestors on the date, root first; empty outside its lifetime.' })
  async ancestors(@Root() org: OrganizationType, @Arg('asOf', () => DateScalar, asOfArg) asOf: string | null, @Ctx() ctx: Context) {
    const date = asOf ?? org.asOf;
    const placement = await ctx.loaders.organizations.placementAt.load({ id: org.uuid, date });
    if (!placement) return [];
    const rows = await ctx.loaders.organizations.byId.loadMany(placement.path.slice(0, -1));
    return rows.map((r) => {
      if (r instanceof Error || r === null) throw r ?? new Error('ancestor missing');
      return OrganizationType.from(r, date);
    });
  }

  @FieldResolver(() => Int, { nullable: true, description: 'Depth on the date (a root is 0); null outside its lifetime.' })
  async depth(@Root() org: OrganizationType, @Arg('asOf', () => DateScalar, asOfArg) asOf: string | null, @Ctx() ctx: Context) {
    const placement = await ctx.loaders.organizations.placementAt.load({ id: org.uuid, date: asOf ?? org.asOf });
    return placement ? placement.depth : null;
  }

  @FieldResolver(() => OrganizationConnection, { description: 'Direct children on the date, by name.' })
  async children(@Root() org: OrganizationType, @Args() args: ChildrenArgs, @Ctx() ctx: Context) {
    const { first, after } = parsePage(args, ['string', 'string']);
    const date = args.asOf ?? org.asOf;
    const page = await ctx.loaders.organizations.children.load({ id: org.uuid, date, first, after, level: args.level ?? null });
    return connection(page, first, after, date, 'children');
  }

  @FieldResolver(() => OrganizationConnection, { description: 'Everything below it on the date (itself excluded), by depth then name.' })
  async descendants(@Root() org: OrganizationType, @Args() args: ChildrenArgs, @Ctx() ctx: Context) {
    const { first, after } = parsePage(args, ['number', 'string', 'string']);
    const date = args.asOf ?? org.asOf;
    const page = await ctx.loaders.organizations.descendants.load({ id: org.uuid, date, first, after, level: args.level ?? null });
    return connection(page, first, after, date, 'descendants');
  }
}
