import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { requireVisibleUnder } from '../access/access.under';
import { DateScalar } from '../common/dates';
import { badInput } from '../common/errors';
import { fromGlobalIdOf } from '../common/global-id';
import { OrganizationType } from '../organization/organization.types';
import type { Context } from '../common/context';
import { ProgressInterval, ProgressPoint, ProgressScopeEnum, ProgressType } from './progress.types';

async function progressOf(ctx: Context, id: string, scope: ProgressScopeEnum, date: string) {
  const data = await ctx.loaders.progress.progress.load({ id, scope, date });
  return ProgressType.from(data, id, scope, date);
}

@Resolver(() => OrganizationType)
export class OrganizationProgressResolver {
  @FieldResolver(() => ProgressType, { description: 'Roll-up over everything below it (SUBTREE) or its direct children, on the date.' })
  progress(
    @Root() org: OrganizationType,
    @Arg('scope', () => ProgressScopeEnum, { nullable: true, defaultValue: ProgressScopeEnum.SUBTREE }) scope: ProgressScopeEnum | null,
    @Arg('asOf', () => DateScalar, { nullable: true, description: 'Default: the date the organisation was read at.' }) asOf: string | null,
    @Ctx() ctx: Context,
  ) {
    return progressOf(ctx, org.uuid, scope ?? ProgressScopeEnum.SUBTREE, asOf ?? org.asOf);
  }
}

@Resolver(() => ProgressType)
export class ProgressResolver {
  @Query(() => ProgressType, { description: 'The roll-up alone, for clients that want only the numbers.' })
  async progress(
    @Arg('under', () => ID) under: string,
    @Arg('scope', () => ProgressScopeEnum, { nullable: true, defaultValue: ProgressScopeEnum.SUBTREE }) scope: ProgressScopeEnum | null,
    @Arg('asOf', () => DateScalar, { nullable: true }) asOf: string | null,
    @Ctx() ctx: Context,
  ) {
    const id = fromGlobalIdOf('Organization', under, 'under');
    const date = asOf ?? ctx.today;
    await requireVisibleUnder(ctx, id, date);
    return progressOf(ctx, id, scope ?? ProgressScopeEnum.SUBTREE, date);
  }

  @FieldResolver(() => Int, { description: 'Expected congresses not held on the date whose planned start is within the next `days` days.' })
  upcoming(@Root() p: ProgressType, @Arg('days', () => Int, { defaultValue: 30 }) days: number, @Ctx() ctx: Context) {
    if (!Number.isInteger(days) || days < 1 || days > 366) throw badInput('"days" must be from 1 to 366', { argument: 'days' });
    return ctx.loaders.progress.upcoming.load({ id: p.organizationId, scope: p.scope, date: p.asOf, days });
  }

  @FieldResolver(() => [ProgressPoint], {
    description:
      'Cumulative held per period, for a burn-up chart. Each point is counted on its own date (the last day of its period; `to` for the last one): ' +
      'the scope as it stood that day and the congresses held by then, so a point never changes with the date the progress is read at.',
  })
  async timeline(
    @Root() p: ProgressType,
    @Arg('from', () => DateScalar) from: string,
    @Arg('to', () => DateScalar) to: string,
    @Arg('interval', () => ProgressInterval, { defaultValue: ProgressInterval.MONTH }) interval: ProgressInterval,
    @Ctx() ctx: Context,
  ) {
    if (to < from) throw badInput('"to" is before "from"', { argument: 'to' });
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
    if (days > (interval === ProgressInterval.WEEK ? 7 * 260 : 31 * 240)) throw badInput('The period is too long for that interval', { argument: 'to' });
    const points = await ctx.loaders.progress.timeline.load({ id: p.organizationId, scope: p.scope, date: p.asOf, from, to, interval });
    return points.map((x) => Object.assign(new ProgressPoint(), x));
  }
}
