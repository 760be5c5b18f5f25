import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { ConnectionType } from '../common/connection';
import { DateScalar } from '../common/dates';
import { toGlobalId } from '../common/global-id';
import { Node } from '../common/node';
import { OrganizationLevel } from '../organization/organization.levels';
import { CommitteeFormation, CongressMode, CongressStage } from './congress.enums';
import type { CalendarRow, CongressEventRow, CongressRow } from './congress.repository';

@ObjectType({ description: 'Delegates elected or appointed to the superior’s congress, by kind.', simpleResolvers: true })
export class DelegatesToSuperior {
  @Field(() => Int, { nullable: true, description: 'Đương nhiên.' }) exOfficio!: number | null;
  @Field(() => Int, { nullable: true, description: 'Bầu.' }) elected!: number | null;
  @Field(() => Int, { nullable: true, description: 'Chỉ định.' }) appointed!: number | null;
  @Field(() => Int, { nullable: true, description: 'Dự khuyết.' }) alternate!: number | null;
}

/** A congress as read on a date: `stage`, `overdue`, held dates and history answer as of `asOf`. */
@ObjectType('Congress', { implements: Node, simpleResolvers: true, description: 'An organisation’s congress (đại hội) for one term.' })
export class CongressType implements Node {
  uuid!: string;
  asOf!: string;
  row!: CongressRow;

  @Field(() => ID)
  get id(): string {
    return toGlobalId('Congress', this.uuid);
  }

  @Field({ description: 'The term, e.g. "2025-2030".' }) term!: string;
  @Field(() => Int, { description: 'Lần thứ: 1 (I) for the first congress of a new or merged organisation.' }) ordinal!: number;
  @Field(() => CongressMode) mode!: CongressMode;
  @Field({ description: 'A pilot congress (đại hội điểm).' }) pilot!: boolean;
  @Field(() => DateScalar, { nullable: true }) plannedStart!: string | null;
  @Field(() => DateScalar, { nullable: true }) plannedEnd!: string | null;
  @Field(() => Int, { nullable: true, description: 'Delegates convened (triệu tập).' }) delegatesConvened!: number | null;
  @Field(() => Int, { nullable: true, description: 'Delegates attending.' }) delegatesAttending!: number | null;
  @Field(() => Int, { nullable: true, description: 'Members of the committee for the new term.' }) committeeSize!: number | null;
  @Field(() => CommitteeFormation, { nullable: true }) committeeFormation!: CommitteeFormation | null;
  @Field(() => DelegatesToSuperior) delegatesToSuperior!: DelegatesToSuperior;
  @Field(() => Int, { description: 'Optimistic-locking version: send it back with every change.' }) version!: number;

  static from(row: CongressRow, asOf: string): CongressType {
    const c = new CongressType();
    c.uuid = row.id;
    c.asOf = asOf;
    c.row = row;
    c.term = row.term;
    c.ordinal = row.ordinal;
    c.mode = row.mode;
    c.pilot = row.pilot;
    c.plannedStart = row.plannedStart;
    c.plannedEnd = row.plannedEnd;
    c.delegatesConvened = row.delegatesConvened;
    c.delegatesAttending = row.delegatesAttending;
    c.committeeSize = row.committeeSize;
    c.committeeFormation = row.committeeFormation;
    c.delegatesToSuperior = Object.assign(new DelegatesToSuperior(), {
      exOfficio: row.delegatesExOfficio,
      elected: row.delegatesElected,
      appointed: row.delegatesAppointed,
      alternate: row.delegatesAlternate,
    });
    c.version = row.version;
    return c;
  }
}

@ObjectType({ description: 'A stage change of a congress.', simpleResolvers: true })
export class CongressEventType {
  @Field(() => CongressStage, { nullable: true }) fromStage!: CongressStage | null;
  @Field(() => CongressStage) toStage!: CongressStage;
  @Field(() => DateScalar, { description: 'The day the change took effect (HELD: the closing day).' }) effectiveOn!: string;
  @Field(() => String, { nullable: true, description: 'Who recorded it (free text until access control exists).' }) actor!: string | null;
  @Field(() => String, { nullable: true, description: 'Note; for a step back or a postponement, the reason.' }) note!: string | null;
  @Field(() => DateTimeResolver, { description: 'When it was recorded.' }) recordedAt!: Date;

  static from(row: CongressEventRow): CongressEventType {
    return Object.assign(new CongressEventType(), {
      fromStage: row.fromStage,
      toStage: row.toStage,
      effectiveOn: row.effectiveOn,
      actor: row.actor,
      note: row.note,
      recordedAt: row.recordedAt,
    });
  }
}

export enum ScheduleConflictReason {
  NOT_SCHEDULED = 'NOT_SCHEDULED',
  PLANNED_AFTER = 'PLANNED_AFTER',
}
registerEnumType(ScheduleConflictReason, {
  name: 'ScheduleConflictReason',
  valuesConfig: {
    NOT_SCHEDULED: { description: 'The subordinate has no planned congress yet.' },
    PLANNED_AFTER: { description: 'The subordinate’s congress is planned to end on or after this one starts.' },
  },
});

@ObjectType({ description: 'A direct subordinate whose congress breaks "lower levels first, upper levels after" against this one’s plan.' })
export class ScheduleConflict {
  /** internal */
  organizationId!: string;
  congressId!: string | null;
  asOf!: string;
  @Field(() => ScheduleConflictReason) reason!: ScheduleConflictReason;
}

@ObjectType({ description: 'Deadline and maximum length of congresses of one level in one term.', simpleResolvers: true })
export class TermCalendarEntryType {
  @Field() term!: string;
  @Field(() => OrganizationLevel) level!: OrganizationLevel;
  @Field(() => DateScalar, { description: 'Congresses of this level should be held by this day.' }) deadline!: string;
  @Field(() => Int, { description: 'Maximum length in days, the preparatory session included.' }) maxDays!: number;
  @Field(() => Int) version!: number;

  static from(row: CalendarRow): TermCalendarEntryType {
    return Object.assign(new TermCalendarEntryType(), row);
  }
}

@ObjectType()
export class CongressConnection extends ConnectionType(CongressType, 'Congress') {}

