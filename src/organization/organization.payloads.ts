import { Field, ObjectType } from 'type-graphql';
import { UserError } from '../common/errors';
import { OrganizationType } from './organization.types';

@ObjectType({ description: 'userErrors codes: INVALID_CODE, CODE_TAKEN, REQUIRED, TOO_LONG, INVALID_CHARACTERS, OUT_OF_RANGE, INVALID_ID, NOT_FOUND, PARENT_NOT_ACTIVE, LEVEL_NOT_ALLOWED, CELL_TOO_SMALL.' })
export class OrganizationCreatePayload {
  @Field(() => OrganizationType, { nullable: true }) organization?: OrganizationType | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType({ description: 'userErrors codes: INVALID_ID, NOT_FOUND, STALE_VERSION, INVALID_CODE, CODE_TAKEN, REQUIRED, TOO_LONG, INVALID_CHARACTERS, OUT_OF_RANGE, LEVEL_NOT_ALLOWED, CELL_TOO_SMALL.' })
export class OrganizationUpdatePayload {
  @Field(() => OrganizationType, { nullable: true }) organization?: OrganizationType | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType({
  description:
    'userErrors codes: INVALID_ID, NOT_FOUND, STALE_VERSION, NOT_ACTIVE, PARENT_NOT_ACTIVE, SAME_PARENT, CYCLE, LEVEL_NOT_ALLOWED, OUT_OF_ORDER.',
})
export class OrganizationMovePayload {
  @Field(() => OrganizationType, { nullable: true, description: 'The moved organisation, read on the effective date.' })
  organization?: OrganizationType | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
