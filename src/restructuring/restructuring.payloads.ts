import { Field, ObjectType } from 'type-graphql';
import { UserError } from '../common/errors';
import { RestructuringType } from './restructuring.types';

@ObjectType({
  description:
    'userErrors codes: REQUIRED, TOO_LONG, INVALID_CHARACTERS, INVALID_ID, NOT_FOUND, NOT_ACTIVE, INVALID_PARTICIPANTS, ALREADY_PENDING, INVALID_CODE, CODE_TAKEN, LEVEL_NOT_ALLOWED, ' +
    'FUTURE_DATE (proposedOn after today), ' +
    'SAME_PARENT (a move to the parent it already has on the planned effective date, else the day proposed; field ["input", "moves", i, "newParent"]).',
})
export class RestructuringProposePayload {
  @Field(() => RestructuringType, { nullable: true }) restructuring?: RestructuringType | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType({
  description:
    'userErrors codes: INVALID_ID, NOT_FOUND, STALE_VERSION, NOT_ALLOWED, REQUIRED, TOO_LONG, INVALID_CHARACTERS, EFFECTIVE_BEFORE_DECISION, ' +
    'FUTURE_DATE (decisionDate after today), OUT_OF_ORDER (decisionDate before the proposal), ' +
    'SAME_PARENT (on the decided effective date a moved organisation already sits under its new parent; field ["input", "effectiveOn"]).',
})
export class RestructuringApprovePayload {
  @Field(() => RestructuringType, { nullable: true }) restructuring?: RestructuringType | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType({
  description:
    'userErrors codes: INVALID_ID, NOT_FOUND, STALE_VERSION, NOT_APPROVED, ALREADY_APPLIED, NOT_ALLOWED, CYCLE, CHILDREN_NOT_MOVED, NOT_ACTIVE, PARENT_NOT_ACTIVE, SAME_PARENT, LEVEL_NOT_ALLOWED, OUT_OF_ORDER, CELL_TOO_SMALL (a cell it creates below the Charter’s minimum once its members have come).',
})
export class RestructuringApplyPayload {
  @Field(() => RestructuringType, { nullable: true }) restructuring?: RestructuringType | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType({ description: 'userErrors codes: INVALID_ID, NOT_FOUND, STALE_VERSION, NOT_ALLOWED, REQUIRED, FUTURE_DATE (effectiveOn after today), OUT_OF_ORDER (effectiveOn before the last status change).' })
export class RestructuringCancelPayload {
  @Field(() => RestructuringType, { nullable: true }) restructuring?: RestructuringType | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
