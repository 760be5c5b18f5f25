import { Field, ObjectType } from 'type-graphql';
import { UserError } from '../common/errors';
import { RiskThresholdType } from './risk.types';

@ObjectType({ description: 'userErrors codes: NOT_FOUND (no such term), OUT_OF_RANGE, STALE_VERSION, FUTURE_DATE, OUT_OF_ORDER.' })
export class RiskThresholdSetPayload {
  @Field(() => RiskThresholdType, { nullable: true, description: 'The entry now in force (as of today).' }) threshold?: RiskThresholdType | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
