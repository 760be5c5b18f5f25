import { Field, ID, InputType, Int } from 'type-graphql';
import { DateScalar } from '../common/dates';
import { OrganizationLevel } from '../organization/organization.levels';
import { CommitteeFormation, CongressMode, CongressStage } from './congress.enums';

@InputType({ description: 'Plans an organisation’s congress for a term.' })
export class CongressScheduleInput {
  @Field(() => ID) organization!: string;
  @Field(() => String, { nullable: true, description: 'Default: the current term.' }) term?: string | null;
  @Field(() => DateScalar) plannedStart!: string;
  @Field(() => DateScalar) plannedEnd!: string;
  @Field(() => Boolean, { nullable: true, description: 'A pilot congress (đại hội điểm).' }) pilot?: boolean | null;
  @Field(() => CongressMode, { nullable: true, description: 'Default FULL.' }) mode?: CongressMode | null;
  @Field(() => Int, { nullable: true, description: 'Lần thứ. Default: one more than the organisation’s previous congress, else 1.' }) ordinal?: number | null;
  @Field(() => Int, {
    nullable: true,
    description: 'Default 1, the term-opening congress. 2: a cell’s mid-term congress, once round 1 is held (rounds per level: `congressRules`).',
  })
  round?: number | null;
  @Field(() => DateScalar, { nullable: true, description: 'A deadline set by the superior; default: the term calendar’s.' }) deadline?: string | null;
  @Field(() => DateScalar, {
    nullable: true,
    description:
      'The day the plan was made; default: today. Not in the future (FUTURE_DATE). On earlier dates the congress is not there yet: no plan, no superior’s deadline, ' +
      'its organisation NOT_SCHEDULED in overdue lists and roll-ups, and no stage change may take effect before it (OUT_OF_ORDER).',
  })
  effectiveOn?: string | null;
  @Field(() => String, { nullable: true, deprecationReason: 'The principal of the request is recorded as the actor; this text is kept only for writes without one (seeds, tools).' }) actor?: string | null;
}

@InputType()
export class CongressRescheduleInput {
  @Field(() => ID) id!: string;
  @Field(() => Int) version!: number;
  @Field(() => DateScalar) plannedStart!: string;
  @Field(() => DateScalar) plannedEnd!: string;
  @Field(() => DateScalar, { nullable: true, description: 'A deadline set by the superior; null leaves it as it is.' }) deadline?: string | null;
  @Field(() => Boolean, { nullable: true }) pilot?: boolean | null;
  @Field(() => DateScalar, {
    nullable: true,
    description: 'The first day of the new plan (dates and deadline); default: today. Not in the future (FUTURE_DATE), not before the plan’s last change (OUT_OF_ORDER). Earlier dates keep the plan as it stood.',
  })
  effectiveOn?: string | null;
}

@InputType()
export class CongressAdvanceInput {
  @Field(() => ID) id!: string;
  @Field(() => Int) version!: number;
  @Field(() => CongressStage, { description: 'The stage reached. HELD is recorded with congressRecordResult.' }) stage!: CongressStage;
  @Field(() => DateScalar, { nullable: true, description: 'Default: today. Not in the future, not before the last change.' }) effectiveOn?: string | null;
  @Field(() => String, { nullable: true, description: 'Required when going back.' }) reason?: string | null;
  @Field(() => String, { nullable: true }) note?: string | null;
  @Field(() => String, { nullable: true, deprecationReason: 'The principal of the request is recorded as the actor; this text is kept only for writes without one (seeds, tools).' }) actor?: string | null;
}

@InputType()
export class CongressPostponeInput {
  @Field(() => ID) id!: string;
  @Field(() => Int) version!: number;
  @Field() reason!: string;
  @Field(() => DateScalar, { description: 'The new planned start.' }) plannedStart!: string;
  @Field(() => DateScalar) plannedEnd!: string;
  @Field(() => DateScalar, { nullable: true, description: 'Default: today.' }) effectiveOn?: string | null;
  @Field(() => String, { nullable: true, deprecationReason: 'The principal of the request is recorded as the actor; this text is kept only for writes without one (seeds, tools).' }) actor?: string | null;
}

@InputType()
export class DelegatesToSuperiorInput {
  @Field(() => Int, { nullable: true }) exOfficio?: number | null;
  @Field(() => Int, { nullable: true }) elected?: number | null;
  @Field(() => Int, { nullable: true }) appointed?: number | null;
  @Field(() => Int, { nullable: true }) alternate?: number | null;
}

@InputType({ description: 'The congress took place: its dates, delegates and the committee of the new term.' })
export class CongressRecordResultInput {
  @Field(() => ID) id!: string;
  @Field(() => Int) version!: number;
  @Field(() => DateScalar) heldStart!: string;
  @Field(() => DateScalar, { description: 'The closing day: HELD is effective on it.' }) heldEnd!: string;
  @Field(() => Int, { nullable: true }) delegatesConvened?: number | null;
  @Field(() => Int, { nullable: true }) delegatesAttending?: number | null;
  @Field(() => Int, { nullable: true }) committeeSize?: number | null;
  @Field(() => CommitteeFormation) committeeFormation!: CommitteeFormation;
  @Field(() => DelegatesToSuperiorInput, { nullable: true }) delegatesToSuperior?: DelegatesToSuperiorInput | null;
  @Field(() => String, { nullable: true }) note?: string | null;
  @Field(() => String, { nullable: true, deprecationReason: 'The principal of the request is recorded as the actor; this text is kept only for writes without one (seeds, tools).' }) actor?: string | null;
}

@InputType()
export class TermCalendarSetInput {
  @Field() term!: string;
  @Field(() => OrganizationLevel) level!: OrganizationLevel;
  @Field(() => DateScalar) deadline!: string;
  @Field(() => Int) maxDays!: number;
  @Field(() => Int, { nullable: true, description: 'The version you read, to refuse the change if it moved.' }) version?: number | null;
  @Field(() => DateScalar, {
    nullable: true,
    description: 'The first day the new deadline and length are in force; default: today. Not in the future (FUTURE_DATE), not before the entry’s last change (OUT_OF_ORDER). Earlier dates keep the entry as it stood.',
  })
  effectiveOn?: string | null;
}
