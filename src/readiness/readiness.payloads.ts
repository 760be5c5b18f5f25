import { Field, ObjectType } from 'type-graphql';
import { UserError } from '../common/errors';
import { CongressType } from '../congress/congress.types';
import { ReadinessReportType } from './readiness.types';

const TEXT = 'REQUIRED, TOO_LONG, INVALID_CHARACTERS';

@ObjectType({ description: `userErrors codes: INVALID_ID, NOT_FOUND, ALREADY_ACKNOWLEDGED (the report on its current congress is final), TOO_LONG, INVALID_CHARACTERS (narrative).` })
export class ReadinessReportDraftPayload {
  @Field(() => ReadinessReportType, { nullable: true, description: 'The draft (status DRAFT).' }) report?: ReadinessReportType | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType({
  description:
    'userErrors codes: INVALID_ID, NOT_FOUND, NO_PARENT (a root, or not in the tree today: no one to report to), ' +
    'NO_CONGRESS (no congress of the current term scheduled, or it is SUPERSEDED), ALREADY_SUBMITTED (the latest version awaits the parent), ' +
    `ALREADY_ACKNOWLEDGED (the report on this congress is final), OUT_OF_ORDER (a step is already recorded after today), ${TEXT} (narrative: REQUIRED when none is given and none drafted).`,
})
export class ReadinessReportSubmitPayload {
  @Field(() => ReadinessReportType, { nullable: true, description: 'The new version (status SUBMITTED).' }) report?: ReadinessReportType | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType({
  description: `userErrors codes: INVALID_ID, NOT_FOUND, STALE_VERSION, NOT_SUBMITTED (a draft, or already returned or acknowledged), OUT_OF_ORDER (submitted after today), ${TEXT} (reason).`,
})
export class ReadinessReportReturnPayload {
  @Field(() => ReadinessReportType, { nullable: true }) report?: ReadinessReportType | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType({ description: 'userErrors codes: INVALID_ID, NOT_FOUND, STALE_VERSION, NOT_SUBMITTED (a draft, or already returned or acknowledged), OUT_OF_ORDER (submitted after today).' })
export class ReadinessReportAcknowledgePayload {
  @Field(() => ReadinessReportType, { nullable: true }) report?: ReadinessReportType | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType({
  description:
    'userErrors codes: INVALID_ID, NOT_FOUND, INVALID_COUNT (not 0 to 1,000,000), FUTURE_DATE (effectiveOn after today), ' +
    'BEFORE_SCHEDULED (before the congress was scheduled), OUT_OF_ORDER (before the latest count of the same kind and status).',
})
export class CongressComplaintsSetPayload {
  @Field(() => CongressType, { nullable: true, description: 'The congress, read today (its `complaints` include the new count when it is effective today).' })
  congress?: CongressType | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
