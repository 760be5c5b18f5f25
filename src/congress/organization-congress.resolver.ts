import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { OrganizationType } from '../organization/organization.types';
import type { Context } from '../common/context';
import { scheduledBy } from './congress.dated';
import { CongressType } from './congress.types';

/** Organization's congress fields, read at the organisation's date: a congress scheduled after it is not there yet. */
@Resolver(() => OrganizationType)
export class OrganizationCongressResolver {
  @FieldResolver(() => CongressType, {
    nullable: true,
    description:
      'Its congress for a term (default: the current term, "2025-2030" now) and round (default 1, the term-opening congress; 2: a cell’s mid-term one); ' +
      'null when none is planned: none scheduled by the date read (a congress scheduled later is not there yet).',
  })
  async congress(
    @Root() org: OrganizationType,
    @Arg('term', () => String, { nullable: true }) term: string | null,
    @Arg('round', () => Int, { nullable: true, defaultValue: 1 }) round: number | null,
    @Ctx() ctx: Context,
  ) {
    const code = term ?? (await ctx.loaders.congresses.currentTerm());
    const rows = await ctx.loaders.congresses.byOrganization.load(org.uuid);
    const row = rows.find((r) => r.term === code && r.round === (round ?? 1) && scheduledBy(r, org.asOf));
    return row ? CongressType.from(row, org.asOf) : null;
  }

  @FieldResolver(() => [CongressType], {
    description: 'Every congress scheduled by the date read, oldest term first, then by round (a cell holds two per term: rounds 1 and 2).',
  })
  async congresses(@Root() org: OrganizationType, @Ctx() ctx: Context) {
    const rows = await ctx.loaders.congresses.byOrganization.load(org.uuid);
    return rows.filter((r) => scheduledBy(r, org.asOf)).map((r) => CongressType.from(r, org.asOf));
  }
}
