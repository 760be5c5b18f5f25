import { Field, ObjectType } from 'type-graphql';
import { UserError } from '../common/errors';
import { CongressType, TermCalendarEntryType } from './congress.types';

const COMMON = 'INVALID_ID, NOT_FOUND, STALE_VERSION';

@ObjectType({
  description: `userErrors codes: INVALID_ID, NOT_FOUND, NOT_ACTIVE, ALREADY_SCHEDULED, END_BEFORE_START, TOO_LONG, OUT_OF_RANGE, FUTURE_DATE, ROUND_NOT_ALLOWED, PREVIOUS_ROUND_NOT_HELD, BEFORE_PREVIOUS_ROUND.`,
})
export class CongressSchedulePayload {
  @Field(() => CongressType, { nullable: true }) congress?: CongressType | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType({ description: `userErrors codes: ${COMMON}, NOT_ALLOWED, END_BEFORE_START, TOO_LONG, FUTURE_DATE, OUT_OF_ORDER, PREVIOUS_ROUND_NOT_HELD, BEFORE_PREVIOUS_ROUND.` })
export class CongressReschedulePayload {
  @Field(() => CongressType, { nullable: true }) congress?: CongressType | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType({ description: `userErrors codes: ${COMMON}, SUPERSEDED, NOT_ALLOWED, RESULT_REQUIRED, SAME_STAGE, REASON_REQUIRED, FUTURE_DATE, OUT_OF_ORDER, TOO_LONG.` })
export class CongressAdvancePayload {
  @Field(() => CongressType, { nullable: true }) congress?: CongressType | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType({ description: `userErrors codes: ${COMMON}, REQUIRED, NOT_ALLOWED, END_BEFORE_START, TOO_LONG, FUTURE_DATE, OUT_OF_ORDER.` })
export class CongressPostponePayload {
  @Field(() => CongressType, { nullable: true }) congress?: CongressType | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType({
  description: `userErrors codes: ${COMMON}, SUPERSEDED, ALREADY_HELD, END_BEFORE_START, TOO_LONG, FUTURE_DATE, OUT_OF_ORDER, OUT_OF_RANGE, REQUIRED, ELECTION_NOT_ALLOWED, APPOINTMENT_NOT_ALLOWED, NO_QUORUM, CELL_COMMITTEE_NOT_ALLOWED, NOT_APPROVED, PREVIOUS_ROUND_NOT_HELD, BEFORE_PREVIOUS_ROUND, SUBORDINATES_NOT_DONE (the Charter's rules as data: Query.congressRules).`,
})
export class CongressRecordResultPayload {
  @Field(() => CongressType, { nullable: true }) congress?: CongressType | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType({ description: 'userErrors codes: NOT_FOUND, OUT_OF_RANGE, STALE_VERSION.' })
export class TermCalendarSetPayload {
  @Field(() => TermCalendarEntryType, { nullable: true }) entry?: TermCalendarEntryType | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
