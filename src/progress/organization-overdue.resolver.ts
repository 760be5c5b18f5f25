import { Ctx, FieldResolver, registerEnumType, Resolver, Root } from 'type-graphql';
import { OrganizationType } from '../organization/organization.types';
import type { Context } from '../common/context';
import { OverdueReason } from '../congress/congress.overdue';
import { OVERDUE_MEANING } from './progress.types';

registerEnumType(OverdueReason, {
  name: 'OverdueReason',
  description: 'Why an organisation is overdue on a date.',
  valuesConfig: {
    NOT_SCHEDULED: { description: 'No congress of the current term is scheduled: its level’s calendar deadline has passed.' },
    NOT_HELD: { description: 'Its congress is scheduled and counts, but was not held by the end of the date, and its deadline has passed.' },
  },
});

/** Organization's overdue status on the date it was read at, through the request's loader (one statement per batch). */
@Resolver(() => OrganizationType)
export class OrganizationOverdueResolver {
  @FieldResolver(() => OverdueReason, {
    nullable: true,
    description: `Why it is overdue on the date it was read at; null when it is not (or is not in the tree then). ${OVERDUE_MEANING}`,
  })
  overdueReason(@Root() org: OrganizationType, @Ctx() ctx: Context): Promise<OverdueReason | null> {
    return ctx.loaders.progress.overdueReason.load({ id: org.uuid, date: org.asOf });
  }
}
