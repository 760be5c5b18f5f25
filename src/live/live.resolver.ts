import { Arg, Ctx, FieldResolver, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../common/context';
import { requireVisibleUnder, underNotFound } from '../access/access.under';
import { fromGlobalIdOf } from '../common/global-id';
import { OrganizationType } from '../organization/organization.types';
import { ProgressScopeEnum, ProgressType } from '../progress/progress.types';
import { liveSourceOf, ProgressChangedEvent, type LiveMarker } from './live.types';


@Resolver(() => ProgressChangedEvent)
export class LiveResolver {
  /**
   * The subscribe step checks `under` like `progress(under:)` does; each event is then resolved with its own context
   * (src/server/live.server.ts), so scoping and loaders apply as for a query.
   */
  @Subscription(() => ProgressChangedEvent, {
    description:
      'The roll-up of an organisation’s subtree each time something in it changes (a congress stage or schedule, a move, a restructuring, a readiness ' +
      'report, the term calendar or risk thresholds). Over WebSocket only (graphql-ws at /graphql, token in `connectionParams.authorization`). ' +
      'An organisation the caller cannot see: one NOT_FOUND error, no events.',
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const id = fromGlobalIdOf('Organization', (args as { under: string }).under, 'under');
      const live = liveSourceOf(ctx);
      await requireVisibleUnder(ctx, id, ctx.today);
      return live.subscribe(id);
    },
  })
  progressChanged(
    @Root() marker: LiveMarker | undefined,
    @Arg('under', () => ID, { description: 'The organisation whose subtree to watch (any of its ids).' }) _under: string,
    @Ctx() ctx: Context,
  ): ProgressChangedEvent {
    if (!marker) {
      liveSourceOf(ctx); // executed as a query (over HTTP): there is no event, say where subscriptions are served
      throw underNotFound();
    }
    return ProgressChangedEvent.of(marker, ctx.today);
  }

  @FieldResolver(() => OrganizationType, { description: 'The organisation subscribed to, read today.' })
  async organization(@Root() event: ProgressChangedEvent, @Ctx() ctx: Context): Promise<OrganizationType> {
    const row = await ctx.loaders.organizations.byId.load(event.under);
    if (!row) throw underNotFound();
    return OrganizationType.from(row, event.asOf);
  }

  @FieldResolver(() => ProgressType, {
    description: 'Its SUBTREE roll-up as of today: the same object and numbers as `organization(...) { progress }` (its fields take their arguments as there).',
  })
  async progress(@Root() event: ProgressChangedEvent, @Ctx() ctx: Context): Promise<ProgressType> {
    const data = await ctx.loaders.progress.progress.load({ id: event.under, scope: ProgressScopeEnum.SUBTREE, date: event.asOf });
    return ProgressType.from(data, event.under, ProgressScopeEnum.SUBTREE, event.asOf);
  }
}
