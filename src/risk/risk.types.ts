import { Field, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../common/dates';
import { OrganizationLevel } from '../organization/organization.levels';
import { RiskKind } from './risk.enums';
import type { ThresholdRow } from './risk.repository';

@ObjectType({ simpleResolvers: true, description: 'How many congresses in the scope are at risk of one kind on the date.' })
export class RiskCount {
  @Field(() => RiskKind) kind!: RiskKind;
  @Field(() => Int) count!: number;
}

@ObjectType('RiskThreshold', {
  simpleResolvers: true,
  description:
    'The thresholds of the at-risk signals for one level’s congresses in a term, as they stood on the date read. ' +
    'A term without its own entry for a level follows the latest earlier term that has one (`definedFor`).',
})
export class RiskThresholdType {
  @Field({ description: 'The term asked for.' }) term!: string;
  @Field({ description: 'The term whose entry applies: the same, or the latest earlier one.' }) definedFor!: string;
  @Field(() => OrganizationLevel) level!: OrganizationLevel;
  @Field(() => Int, { description: 'NOT_SCHEDULED_NEAR_DEADLINE: a congress with no planned date whose deadline is at most this many days after the date.' })
  notScheduledWindowDays!: number;
  @Field(() => Int, { description: 'STUCK: a congress not held that has stayed more than this many days in its stage.' }) stuckDays!: number;
  @Field(() => Int, { description: 'Optimistic-locking version of the entry (`definedFor`’s); riskThresholdSet checks the one you send against the term’s own entry, when it has one.' }) version!: number;
  @Field(() => DateScalar, { nullable: true, description: 'The first day this entry was in force; null: from the start.' }) effectiveOn!: string | null;
  @Field(() => DateScalar, { nullable: true, description: 'The day a later change replaced it; null: still in force.' }) replacedOn!: string | null;

  static from(row: ThresholdRow): RiskThresholdType {
    const { validFrom, validTo, ...entry } = row;
    return Object.assign(new RiskThresholdType(), entry, { effectiveOn: validFrom, replacedOn: validTo });
  }
}
