import { Arg, Args, ArgsType, Ctx, Field, ID, Mutation, Query, Resolver } from 'type-graphql';
import { emptyConnection, PageArgs, parsePage, toConnection, toPage } from '../common/connection';
import { DateScalar } from '../common/dates';
import { UserError } from '../common/errors';
import { fromGlobalIdOf, tryGlobalIdOf } from '../common/global-id';
import { runMutation } from '../common/mutation';
import { sqlOf } from '../common/sql';
import { escapeLike, foldVietnamese } from '../common/text';
import type { Context } from '../common/context';
import { OrganizationCreateInput, OrganizationMoveInput, OrganizationUpdateInput } from './organization.inputs';
import { OrganizationLevel } from './organization.levels';
import { OrganizationCreatePayload, OrganizationMovePayload, OrganizationUpdatePayload } from './organization.payloads';
import { freshOn, overdueCondition, overdueCounts, overdueFilter, type OverdueReason } from '../congress/congress.overdue';
import { filterPage, pageReading, searchOrganizations } from './organization.repository';
import { createOrganization, moveOrganization, normalizeCode, updateOrganization } from './organization.service';
import { OrganizationConnection, OrganizationType } from './organization.types';

@ArgsType()
class OrganizationsArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'Text to find in the name, short name or code; Vietnamese diacritics and case are ignored ("bo tai chinh" finds "Bộ Tài chính").' })
  search?: string | null;

  @Field(() => OrganizationLevel, { nullable: true })
  level?: OrganizationLevel | null;

  @Field(() => ID, { nullable: true, description: 'Only organisations below this one (itself excluded).' })
  under?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'The tree as it stood at the end of this day. Default: today.' })
  asOf?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Only those overdue on `asOf` (true) or only those that are not (false); `overdueReason` says why. ' +
      'With `under: X`, `totalCount` of `overdue: true` equals `X.progress(asOf:) { overdue }`.',
  })
  overdue?: boolean | null;
}

const invalidId = (field: string) => UserError.of('INVALID_ID', `"${field}" is not a valid Organization id.`, ['input', field]);

@Resolver(() => OrganizationType)
export class OrganizationResolver {
  @Query(() => OrganizationType, { nullable: true, description: 'An organisation by its code; null when there is none.' })
  async organization(
    @Arg('code') code: string,
    @Arg('asOf', () => DateScalar, { nullable: true, description: 'Date its nested fields are read at. Default: today.' }) asOf: string | null,
    @Ctx() ctx: Context,
  ): Promise<OrganizationType | null> {
    const row = await ctx.loaders.organizations.byCode.load(normalizeCode(code));
    return row && OrganizationType.from(row, asOf ?? ctx.today);
  }

  @Query(() => OrganizationConnection, { description: 'Organisations in the tree on a date, by name.' })
  async organizations(@Args() args: OrganizationsArgs, @Ctx() ctx: Context): Promise<OrganizationConnection> {
    const { first, after } = parsePage(args, ['string', 'string']);
    const date = args.asOf ?? ctx.today;
    const scoped = await ctx.access.under(args.under ? fromGlobalIdOf('Organization', args.under, 'under') : null, date);
    if (!scoped) return emptyConnection(first, after);
    const under = scoped.id;
    const phrase = foldVietnamese((args.search ?? '').slice(0, 200));
    const words = phrase ? [escapeLike(phrase)] : [];
    const sql = sqlOf(ctx.em);
    if (args.overdue != null && under && !words.length && (await freshOn(sql, date))) {
      // The overdue path, on a date on or after the latest dated change (earlier dates: the general statement): the
      // total from the roll-up's counters (they count exactly what the filter keeps), then one page read the cheaper
      // way for its size (filterPage), each row with its reason (so `overdueReason` costs no statement).
      const counts = await overdueCounts(ctx, under, scoped.inclusive, date, args.level ?? null);
      const total = args.overdue ? counts.overdue : counts.organizations - counts.overdue;
      const filter = overdueFilter('o', date, args.overdue);
      const rows = total > 0
        ? await filterPage(sql, { date, under, underInclusive: scoped.inclusive, level: args.level ?? null, first, after, filter,
            reading: await pageReading(sql, { matches: total, subtree: counts.organizations, first }) })
        : [];
      for (const r of rows) {
        ctx.loaders.organizations.byId.prime(r.id, r);
        ctx.loaders.progress.overdueReason.prime({ id: r.id, date }, r.value as OverdueReason | null);
      }
      return toConnection(toPage(rows, first, after, total, (r) => [r.sortKey, r.id], (r) => OrganizationType.from(r, date)));
    }
    const conditions = args.overdue != null ? [overdueCondition('o', 'p', date, args.overdue)] : [];
    const page = await searchOrganizations(sql, { date, first, after, level: args.level ?? null, under, underInclusive: scoped.inclusive, search: words, conditions });
    return toConnection(toPage(page.rows, first, after, page.total, (r) => [r.sortKey, r.id], (r) => OrganizationType.from(r, date)));
  }

  @Mutation(() => OrganizationCreatePayload, { description: 'Creates an organisation under a parent.' })
  async organizationCreate(@Arg('input') input: OrganizationCreateInput, @Ctx() ctx: Context): Promise<OrganizationCreatePayload> {
    const parentId = input.parent ? tryGlobalIdOf('Organization', input.parent) : null;
    if (parentId === undefined) return { userErrors: [invalidId('parent')] };
    const establishedOn = input.establishedOn ?? ctx.today;
    const { result, userErrors } = await runMutation(ctx, 'organizationCreate', (tx) =>
      createOrganization(tx, { ...input, parentId, establishedOn, memberCount: input.memberCount ?? 0 }),
    );
    return { organization: result && OrganizationType.from(result, establishedOn > ctx.today ? establishedOn : ctx.today), userErrors };
  }

  @Mutation(() => OrganizationUpdatePayload, { description: 'Corrects an organisation’s own attributes (optimistic locking on `version`).' })
  async organizationUpdate(@Arg('input') input: OrganizationUpdateInput, @Ctx() ctx: Context): Promise<OrganizationUpdatePayload> {
    const id = tryGlobalIdOf('Organization', input.id);
    if (!id) return { userErrors: [invalidId('id')] };
    const { result, userErrors } = await runMutation(ctx, 'organizationUpdate', (tx) => updateOrganization(tx, { ...input, id }, ctx.today));
    return { organization: result && OrganizationType.from(result, ctx.today), userErrors };
  }

  @Mutation(() => OrganizationMovePayload, { description: 'Moves an organisation and its subtree under a new parent from a date; history is kept.' })
  async organizationMove(@Arg('input') input: OrganizationMoveInput, @Ctx() ctx: Context): Promise<OrganizationMovePayload> {
    const id = tryGlobalIdOf('Organization', input.id);
    if (!id) return { userErrors: [invalidId('id')] };
    const newParentId = tryGlobalIdOf('Organization', input.newParent);
    if (!newParentId) return { userErrors: [invalidId('newParent')] };
    const { result, userErrors } = await runMutation(ctx, 'organizationMove', (tx) => moveOrganization(tx, { ...input, id, newParentId }), { treeLock: 'exclusive' });
    return { organization: result && OrganizationType.from(result, input.effectiveOn), userErrors };
  }
}
