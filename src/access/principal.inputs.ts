import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { UserError } from '../common/errors';
import { PrincipalType, RoleEnum } from './principal.types';

@InputType()
export class PrincipalCreateInput {
  @Field({ description: 'Who it is for, e.g. "Văn phòng Đảng ủy Bộ Tài chính – cổng thông tin".' }) name!: string;
  @Field(() => RoleEnum) role!: RoleEnum;
  @Field(() => ID, { nullable: true, description: 'The scope organisation: required for EDITOR and VIEWER, refused for ADMIN, optional for PUBLIC (unscoped: everything public).' })
  scope?: string | null;
  @Field(() => DateTimeResolver, { nullable: true, description: 'When its token stops working; null: until revoked.' }) expiresAt?: Date | null;
}

@InputType()
export class PrincipalRevokeInput {
  @Field(() => ID) principal!: string;
}

@ObjectType({ description: 'Codes: REQUIRED, TOO_LONG, INVALID_CHARACTERS (name), SCOPE_REQUIRED, SCOPE_NOT_ALLOWED, NOT_FOUND, INVALID_ID (scope), EXPIRED (expiresAt).' })
export class PrincipalCreatePayload {
  @Field(() => PrincipalType, { nullable: true }) principal?: PrincipalType | null;
  @Field(() => String, { nullable: true, description: 'The token, shown this once (only its hash is kept): `Authorization: Bearer <token>`.' }) token?: string | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType({ description: 'Codes: NOT_FOUND (no live principal), INVALID_ID.' })
export class PrincipalRevokePayload {
  @Field(() => PrincipalType, { nullable: true }) principal?: PrincipalType | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
