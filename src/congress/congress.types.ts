import { ROLES } from '../access/access.auth-checker';
import type { ScopeRef } from '../common/scope-ref';
import { Authorized, Ctx, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { ConnectionType } from '../common/connection';
import { DateScalar } from '../common/dates';
import { toGlobalId, viewGlobalId } from '../common/global-id';
import { Node } from '../common/node';
import { LEVELS, OrganizationLevel } from '../organization/organization.levels';
import { CommitteeFormation, CongressMode, CongressStage } from './congress.enums';
import { planOn } from './congress.dated';
import type { CalendarRow, CongressEventRow, CongressRow } from './congress.repository';
import { roundsFor, type CongressRules } from './congress.rules';

@ObjectType({ description: 'Delegates elected or appointed to the superior’s congress, by kind.', simpleResolvers: true })
export class DelegatesToSuperior {
  @Field(() => Int, { nullable: true, description: 'Đương nhiên.' }) exOfficio!: number | null;
  @Field(() => Int, { nullable: true, description: 'Bầu.' }) elected!: number | null;
  @Field(() => Int, { nullable: true, description: 'Chỉ định.' }) appointed!: number | null;
  @Field(() => Int, { nullable: true, description: 'Dự khuyết.' }) alternate!: number | null;
}

/**
 * A congress as read on a date: `stage`, `overdue`, held dates and history answer as of `asOf`. It implements `Node` in
 * the schema; in TypeScript its `id` needs the request's today (see `id`), so it does not claim the `Node` class's shape.
 */
@ObjectType('Congress', {
  implements: Node,
  simpleResolvers: true,
  description:
    'An organisation’s congress (đại hội) for one term, as read on a date (`asOf`): its stage, history and organisation answer as of that date. ' +
    'Read on a date other than today it is a distinct object with its own `id`, so a normalising client cache keeps each era apart.',
})
export class CongressType {
  uuid!: string;

  @Field(() => DateScalar, { description: 'The date this object was read at; nested fields without their own `asOf` answer as of it.' })
  asOf!: string;

  row!: CongressRow;

  /** The global id of this view: plain for today's view, carrying `asOf` otherwise (`common/global-id.ts`). */
  @Field(() => ID, {
    description:
      'Opaque global id of the congress as read on `asOf`: the same as `canonicalId` when read today, a distinct id for any other date. ' +
      '`node(id:)` returns the view it names; every argument and input taking a Congress id accepts either.',
  })
  id(@Ctx('today') today: string): string {
    return viewGlobalId('Congress', this.uuid, this.asOf, today);
  }

  @Field(() => ID, { description: 'The id of the congress itself, the same on every date (its `id` when read today): to recognise it across dates or store a reference.' })
  get canonicalId(): string {
    return toGlobalId('Congress', this.uuid);
  }

  @Field({ description: 'The term, e.g. "2025-2030".' }) term!: string;
  @Field(() => Int, {
    description: 'Within the term: 1 = the term-opening congress (the one deadlines, "lower levels first" and the roll-up count); 2 = a cell’s mid-term congress (chi bộ hold two per five-year term).',
  })
  round!: number;
  @Field(() => Int, { description: 'Lần thứ: 1 (I) for the first congress of a new or merged organisation.' }) ordinal!: number;
  @Field(() => CongressMode) mode!: CongressMode;
  @Field({ description: 'A pilot congress (đại hội điểm).' }) pilot!: boolean;
  @Field(() => DateScalar, { nullable: true, description: 'As planned on the date read (a plan changed later keeps its earlier dates for the dates before; null before the congress was scheduled).' })
  plannedStart!: string | null;
  @Field(() => DateScalar, { nullable: true, description: 'As planned on the date read.' }) plannedEnd!: string | null;
  @Authorized(...ROLES.internal) @Field(() => Int, { nullable: true, simple: false, description: 'Delegates convened (triệu tập); not shown to PUBLIC.' }) delegatesConvened!: number | null;
  @Authorized(...ROLES.internal) @Field(() => Int, { nullable: true, simple: false, description: 'Delegates attending; not shown to PUBLIC.' }) delegatesAttending!: number | null;
  @Authorized(...ROLES.internal) @Field(() => Int, { nullable: true, simple: false, description: 'Members of the committee for the new term; not shown to PUBLIC.' }) committeeSize!: number | null;
  @Authorized(...ROLES.internal) @Field(() => CommitteeFormation, { nullable: true, simple: false, description: 'How the new committee was formed (personnel: not shown to PUBLIC).' }) committeeFormation!: CommitteeFormation | null;
  @Authorized(...ROLES.internal) @Field(() => DelegatesToSuperior, { simple: false, description: 'Delegates to the superior’s congress (personnel: not shown to PUBLIC).' }) delegatesToSuperior!: DelegatesToSuperior;
  @Field(() => Int, { description: 'Optimistic-locking version: send it back with every change.' }) version!: number;

  /** Access control: a congress is its organisation's content, on the date read. */
  scopeRef(): ScopeRef {
    return { kind: 'organization', id: this.row.organizationId, date: this.asOf, type: 'content' };
  }

  static from(row: CongressRow, asOf: string): CongressType {
    const c = new CongressType();
    c.uuid = row.id;
    c.asOf = asOf;
    c.row = row;
    c.term = row.term;
    c.round = row.round;
    c.ordinal = row.ordinal;
    c.mode = row.mode;
    c.pilot = row.pilot;
    const plan = planOn(row, asOf);
    c.plannedStart = plan.plannedStart;
    c.plannedEnd = plan.plannedEnd;
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

@ObjectType('CongressEvent', { description: 'A stage change of a congress.', simpleResolvers: true })
export class CongressEventType {
  @Field(() => CongressStage, { nullable: true }) fromStage!: CongressStage | null;
  @Field(() => CongressStage) toStage!: CongressStage;
  @Field(() => DateScalar, { description: 'The day the change took effect (HELD: the closing day).' }) effectiveOn!: string;
  @Authorized(...ROLES.internal) @Field(() => String, { nullable: true, simple: false, description: 'Who recorded it: the principal’s name (not shown to PUBLIC).' }) actor!: string | null;
  @Authorized(...ROLES.internal) @Field(() => String, { nullable: true, simple: false, description: 'Note; for a step back or a postponement, the reason (not shown to PUBLIC).' }) note!: string | null;
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

  scopeRef(): ScopeRef {
    return { kind: 'organization', id: this.organizationId, date: this.asOf, type: 'content' };
  }
}

@ObjectType({ description: 'Deadline and maximum length of congresses of one level in one term.', simpleResolvers: true })
export class TermCalendarEntryType {
  @Field() term!: string;
  @Field(() => OrganizationLevel) level!: OrganizationLevel;
  @Field(() => DateScalar, { description: 'Congresses of this level should be held by this day.' }) deadline!: string;
  @Field(() => Int, { description: 'Maximum length in days, the preparatory session included.' }) maxDays!: number;
  @Field(() => Int) version!: number;
  @Field(() => DateScalar, { nullable: true, description: 'The first day this entry was in force; null: from the start (before calendar changes were dated).' })
  effectiveOn!: string | null;
  @Field(() => DateScalar, { nullable: true, description: 'The day a later change replaced it; null: still in force.' })
  replacedOn!: string | null;

  static from(row: CalendarRow): TermCalendarEntryType {
    const { validFrom, validTo, ...entry } = row;
    return Object.assign(new TermCalendarEntryType(), entry, { effectiveOn: validFrom, replacedOn: validTo });
  }
}

@ObjectType('CongressRounds', { description: 'How many congresses an organisation of a level holds in the term.', simpleResolvers: true })
export class CongressRoundsType {
  @Field(() => OrganizationLevel) level!: OrganizationLevel;
  @Field(() => Int) rounds!: number;
}

@ObjectType('CongressRules', {
  simpleResolvers: true,
  description:
    'The Party Charter’s congress rules in force for a term, as data (seeded with the Charter’s values; a term without its own follows the latest earlier term that has them). Mutations refuse what breaks them with the codes named on each field.',
})
export class CongressRulesType {
  @Field({ description: 'The term asked for.' }) term!: string;
  @Field({ description: 'The term whose recorded rules apply: the same, or the latest earlier one.' }) definedFor!: string;
  @Field({ description: 'A congress is recorded as held only after the superior’s approval (stage APPROVED); else NOT_APPROVED.' }) approvalRequired!: boolean;
  @Field(() => Int, { description: 'With quorumDenominator: a congress is valid only when MORE than this fraction of those convened attend; else NO_QUORUM.' })
  quorumNumerator!: number;
  @Field(() => Int) quorumDenominator!: number;
  @Field(() => Int, { description: 'A cell (CELL, BASE_CELL) has at least this many members; else CELL_TOO_SMALL.' }) cellMinMembers!: number;
  @Field(() => Int, { description: 'From this many members a cell elects a committee (chi ủy).' }) cellCommitteeMinMembers!: number;
  @Field(() => Int, { description: 'Below cellCommitteeMinMembers a cell elects a secretary and may elect a deputy: committeeSize at most this; else CELL_COMMITTEE_NOT_ALLOWED.' })
  smallCellMaxElected!: number;
  @Field(() => [CongressRoundsType], { description: 'Congresses per term by level, every level listed (cells: 2, the mid-term one included); more is ROUND_NOT_ALLOWED.' })
  roundsPerTerm!: CongressRoundsType[];
  @Field(() => Int) version!: number;

  static from(rules: CongressRules): CongressRulesType {
    return Object.assign(new CongressRulesType(), {
      ...rules,
      roundsPerTerm: LEVELS.map((level) => Object.assign(new CongressRoundsType(), { level, rounds: roundsFor(rules, level) })),
    });
  }
}

@ObjectType()
export class CongressConnection extends ConnectionType(CongressType, 'Congress') {}

