import { Field, InputType, Int } from 'type-graphql';
import { DateScalar } from '../common/dates';
import { OrganizationLevel } from '../organization/organization.levels';

@InputType({ description: 'The thresholds of one level’s at-risk signals in a term.' })
export class RiskThresholdSetInput {
  @Field() term!: string;
  @Field(() => OrganizationLevel) level!: OrganizationLevel;
  @Field(() => Int, { description: '0 to 366.' }) notScheduledWindowDays!: number;
  @Field(() => Int, { description: '1 to 366.' }) stuckDays!: number;
  @Field(() => Int, { nullable: true, description: 'The version of the term’s own entry you read, to refuse the change if it moved.' }) version?: number | null;
  @Field(() => DateScalar, {
    nullable: true,
    description:
      'The first day the new thresholds are in force; default: today. Not in the future (FUTURE_DATE), not before the entry’s last change (OUT_OF_ORDER). Earlier dates keep the thresholds as they stood.',
  })
  effectiveOn?: string | null;
}
