import { Field, ID, InputType, Int } from 'type-graphql';
import { DateScalar } from '../common/dates';
import { OrganizationLevel } from './organization.levels';

@InputType({ description: 'A new organisation placed under `parent` from `establishedOn`.' })
export class OrganizationCreateInput {
  @Field({ description: 'Unique code: letters, digits, ".", "_", "-"; stored in upper case.' })
  code!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  shortName?: string | null;

  @Field(() => OrganizationLevel)
  level!: OrganizationLevel;

  @Field(() => ID, { nullable: true, description: 'The parent organisation; only a CENTRAL_COMMITTEE may have none.' })
  parent?: string | null;

  @Field(() => Int, { nullable: true, defaultValue: 0 })
  memberCount?: number;

  @Field({ nullable: true, defaultValue: false })
  aboveBasePowers?: boolean;

  @Field(() => DateScalar, { nullable: true, description: 'Default: today.' })
  establishedOn?: string | null;
}

@InputType({ description: 'Corrects an organisation’s own attributes. Omitted fields stay as they are.' })
export class OrganizationUpdateInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { description: 'The version you read; a newer one in the database is a STALE_VERSION error.' })
  version!: number;

  @Field(() => String, { nullable: true })
  code?: string | null;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'An empty string clears it.' })
  shortName?: string | null;

  @Field(() => Int, { nullable: true, description: 'Its own members from `memberCountEffectiveOn` on; earlier dates keep the count in force then.' })
  memberCount?: number | null;

  @Field(() => DateScalar, {
    nullable: true,
    description: 'With `memberCount`: the first day of the new count; default: today. Not in the future (FUTURE_DATE), not before its last change (OUT_OF_ORDER).',
  })
  memberCountEffectiveOn?: string | null;

  @Field(() => Boolean, { nullable: true })
  aboveBasePowers?: boolean | null;
}

@InputType({ description: 'Moves an organisation, with its whole subtree, under a new parent from `effectiveOn`.' })
export class OrganizationMoveInput {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  newParent!: string;

  @Field(() => DateScalar, { description: 'First day under the new parent.' })
  effectiveOn!: string;

  @Field(() => Int, { nullable: true, description: 'The version you read, if you want the move refused when it changed.' })
  version?: number | null;
}
