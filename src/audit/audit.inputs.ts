import { ArgsType, Field, ID } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { PageArgs } from '../common/connection';

@ArgsType()
export class AuditEventsArgs extends PageArgs {
  @Field(() => ID, {
    nullable: true,
    description:
      'Events touching this organisation or one in its subtree: today’s tree, where an organisation no longer in it counts where it stood when it ended, and one placed from a later date also counts where it will stand.',
  })
  under?: string | null;

  @Field(() => ID, { nullable: true, description: 'Events touching this object (an Organization, Congress or Restructuring; a dated id names the same object).' })
  entity?: string | null;

  @Field(() => String, { nullable: true, description: 'Events of this operation, e.g. "congressAdvance".' })
  operation?: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Events at or after this instant.' })
  from?: Date | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Events before this instant.' })
  to?: Date | null;
}
