import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar } from '../common/dates';
import { CongressStage } from '../congress/congress.enums';
import { OrganizationLevel } from '../organization/organization.levels';
import type { ProgressData } from './progress.compute';
import type { ProgressScope } from './progress.loaders';

export enum ProgressScopeEnum {
  SUBTREE = 'SUBTREE',
  CHILDREN = 'CHILDREN',
}
registerEnumType(ProgressScopeEnum, {
  name: 'ProgressScope',
  valuesConfig: { SUBTREE: { description: 'Everything below the organisation.' }, CHILDREN: { description: 'Its direct children only.' } },
});

export enum ProgressInterval {
  WEEK = 'WEEK',
  MONTH = 'MONTH',
}
registerEnumType(ProgressInterval, { name: 'ProgressInterval', description: 'Weeks start on Monday; months on the 1st.' });

@ObjectType({ simpleResolvers: true })
export class StageCount {
  @Field(() => CongressStage) stage!: CongressStage;
  @Field(() => Int) count!: number;
}

/** What `overdue` means on a date, for every field that counts it. */
export const OVERDUE_MEANING =
  'On date D: its congress counts (not SUPERSEDED; none scheduled counts as NOT_STARTED, with its level’s calendar deadline), is not held by the end of D, ' +
  'and its deadline (its own, else its level’s in the term calendar) is before D. A congress held after its deadline was overdue from the day after the deadline ' +
  'to the day before its closing day (`heldEnd`), and is `heldLate` from its closing day on.';
export const HELD_LATE_MEANING =
  'Held by the end of the date (HELD or RESULTS_CONFIRMED) with its closing day (`heldEnd`) after its deadline (its own, else its level’s in the term calendar).';

@ObjectType({ simpleResolvers: true, description: 'The roll-up of one level within the scope.' })
export class LevelProgress {
  @Field(() => OrganizationLevel) level!: OrganizationLevel;
  @Field(() => Int) organizations!: number;
  @Field(() => Int) congressesExpected!: number;
  @Field(() => Int) held!: number;
  @Field(() => Int, { description: `Organisations of this level overdue on the date. ${OVERDUE_MEANING}` }) overdue!: number;
  @Field(() => Int, { description: `Organisations of this level whose congress was held late. ${HELD_LATE_MEANING}` }) heldLate!: number;
}

@ObjectType({ simpleResolvers: true, description: 'Cumulative congresses held at the end of the period.' })
export class ProgressPoint {
  @Field(() => DateScalar) periodStart!: string;
  @Field(() => Int) held!: number;
}

/** A roll-up over a scope on a date: exact, computed when asked (counters maintained in every write's transaction). */
@ObjectType('Progress', { simpleResolvers: true, description: 'Roll-up over the organisations in scope on the date (the organisation itself excluded).' })
export class ProgressType {
  organizationId!: string;
  scope!: ProgressScope;
  asOf!: string;

  @Field(() => Int, { description: 'Organisations in scope.' }) organizations!: number;
  @Field(() => Int, { description: 'Those whose congress counts (not SUPERSEDED); none scheduled counts as NOT_STARTED.' }) congressesExpected!: number;
  @Field(() => Int, { description: 'Stage HELD or RESULTS_CONFIRMED.' }) held!: number;
  @Field(() => Float, { description: 'held / congressesExpected; 0 when nothing is expected.' }) heldRatio!: number;
  @Field(() => Int, {
    description: `Organisations in scope overdue on the date; \`organizations(under:, overdue: true, asOf:)\` lists them (SUBTREE scope). ${OVERDUE_MEANING}`,
  })
  overdue!: number;
  @Field(() => Int, { description: `Organisations in scope whose congress was held late. ${HELD_LATE_MEANING}` }) heldLate!: number;
  @Field(() => [StageCount], { description: 'Every stage, zeros included.' }) byStage!: StageCount[];
  @Field(() => [LevelProgress], { description: 'Every level, zeros included.' }) byLevel!: LevelProgress[];
  @Field(() => Int, { description: 'Sum of memberCount over the scope, each count as it stood on the date.' }) members!: number;
  @Field(() => Int, { description: 'Pilot congresses held.' }) pilotHeld!: number;
  @Field(() => Int, { description: 'Expected two-content congresses (merged or new organisations).' }) twoContent!: number;
  @Field(() => Int) postponed!: number;
  @Field(() => Int, {
    description:
      'Organisations in scope claimed as SOURCE, TARGET or MOVED by a restructuring pending at the end of the date (proposed on or before it, neither in effect nor cancelled by then); parents that only give or receive are not counted.',
  })
  restructuringPending!: number;

  static from(data: ProgressData, organizationId: string, scope: ProgressScope, asOf: string): ProgressType {
    return Object.assign(new ProgressType(), {
      organizationId,
      scope,
      asOf,
      organizations: data.organizations,
      congressesExpected: data.expected,
      held: data.held,
      heldRatio: data.expected ? data.held / data.expected : 0,
      overdue: data.overdue,
      heldLate: data.heldLate,
      byStage: [...data.byStage.entries()].map(([stage, count]) => Object.assign(new StageCount(), { stage, count })),
      byLevel: [...data.byLevel.entries()].map(([level, l]) =>
        Object.assign(new LevelProgress(), { level, organizations: l.organizations, congressesExpected: l.expected, held: l.held, overdue: l.overdue, heldLate: l.heldLate }),
      ),
      members: data.members,
      pilotHeld: data.pilotHeld,
      twoContent: data.twoContent,
      postponed: data.postponed,
      restructuringPending: data.pending,
    });
  }
}
