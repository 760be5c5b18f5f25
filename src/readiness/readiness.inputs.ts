import { Field, ID, InputType, Int } from 'type-graphql';
import { DateScalar } from '../common/dates';
import { ComplaintKind, ComplaintStatus } from './readiness.enums';

@InputType({ description: 'Saves the organisation’s one open draft (created, or its narrative overwritten). A draft is not submitted and not counted upward.' })
export class ReadinessReportDraftInput {
  @Field(() => ID, { description: 'The reporting organisation.' }) organization!: string;
  @Field(() => String, { nullable: true, description: 'Its own account so far (may be blank in a draft); at most 10,000 characters.' }) narrative?: string | null;
}

@InputType({ description: 'Submits a new version to the parent, dated today; the checklist is computed from live data now and kept with it.' })
export class ReadinessReportSubmitInput {
  @Field(() => ID, { description: 'The reporting organisation (a committee reporting on its own congress of the current term).' }) organization!: string;
  @Field(() => String, { nullable: true, description: 'Its own account, at most 10,000 characters. Omitted: the open draft’s. The draft is consumed either way.' })
  narrative?: string | null;
}

@InputType({ description: 'The parent returns a submitted version, with a reason; the organisation then resubmits a new version.' })
export class ReadinessReportReturnInput {
  @Field(() => ID) report!: string;
  @Field({ description: 'Why it is returned (required, at most 2,000 characters).' }) reason!: string;
  @Field(() => Int, { nullable: true, description: 'The version you read; when given and not the report’s: STALE_VERSION.' }) version?: number | null;
}

@InputType({ description: 'The parent acknowledges a submitted version: final for this congress.' })
export class ReadinessReportAcknowledgeInput {
  @Field(() => ID) report!: string;
  @Field(() => Int, { nullable: true, description: 'The version you read; when given and not the report’s: STALE_VERSION.' }) version?: number | null;
}

@InputType({ description: 'How many complaints or denunciations about a congress are in one status, from a date on (counts only, no personal data).' })
export class CongressComplaintsSetInput {
  @Field(() => ID) congress!: string;
  @Field(() => ComplaintKind) kind!: ComplaintKind;
  @Field(() => ComplaintStatus) status!: ComplaintStatus;
  @Field(() => Int, { description: '0 to 1,000,000.' }) count!: number;
  @Field(() => DateScalar, { nullable: true, description: 'From when the count holds (default today; not in the future, not before the latest count of the same kind and status).' })
  effectiveOn?: string | null;
}
