import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { DateScalar } from '../common/dates';
import { OrganizationType } from '../organization/organization.types';
import type { Context } from '../common/context';
import { CongressStage, isHeld } from './congress.enums';
import { planOn } from './congress.dated';
import { stageAt } from './congress.history';
import { CongressEventType, CongressType, ScheduleConflict, ScheduleConflictReason } from './congress.types';

/** The stage at the end of `date`: the row's own on or after its latest event's day (no statement), else from its history. */
export async function stageOf(ctx: Context, congress: CongressType, date: string): Promise<CongressStage> {
  const last = congress.row.lastEventOn;
  if (last === undefined || (last !== null && date < last)) return stageAt(await ctx.loaders.congresses.events.load(congress.uuid), date);
  return last === null ? CongressStage.NOT_STARTED : congress.row.stage;
}

/** The deadline on `date`: the superior's, as the plan stood then, else (round 1) the level's in the term calendar as it stood then. */
export async function deadlineOf(ctx: Context, congress: CongressType, date: string): Promise<string | null> {
  // The term calendar's deadlines are those of the term-opening congresses (round 1).
  const override = planOn(congress.row, date).deadlineOverride;
  if (override || congress.round > 1) return override ?? null;
  const [org, calendar] = await Promise.all([
    ctx.loaders.organizations.byId.load(congress.row.organizationId),
    ctx.loaders.congresses.calendar.load(congress.term),
  ]);
  return (org && calendar.on(date).get(org.level)?.deadline) ?? null;
}

const asOfArg = { nullable: true, description: 'Default: the date the congress was read at.' } as const;

/** Fields of Congress that depend on the date it is read at, or on other rows; all through the request's loaders. */
@Resolver(() => CongressType)
export class CongressFieldsResolver {
  @FieldResolver(() => OrganizationType)
  async organization(@Root() congress: CongressType, @Ctx() ctx: Context) {
    const row = await ctx.loaders.organizations.byId.load(congress.row.organizationId);
    return OrganizationType.from(row!, congress.asOf);
  }

  @FieldResolver(() => CongressStage, { description: 'The stage at the end of the day it was read at (`asOf`).' })
  stage(@Root() congress: CongressType, @Ctx() ctx: Context) {
    return stageOf(ctx, congress, congress.asOf);
  }

  @FieldResolver(() => DateScalar, {
    nullable: true,
    description: 'As it stood on the date read: set by the superior, else (round 1) the term calendar’s for the level.',
  })
  deadline(@Root() congress: CongressType, @Ctx() ctx: Context) {
    return deadlineOf(ctx, congress, congress.asOf);
  }

  @FieldResolver(() => DateScalar, { nullable: true, description: 'First day, once held (as of the date read).' })
  async heldStart(@Root() congress: CongressType, @Ctx() ctx: Context) {
    return isHeld(await stageOf(ctx, congress, congress.asOf)) ? congress.row.heldStart : null;
  }

  @FieldResolver(() => DateScalar, { nullable: true, description: 'Closing day, once held (as of the date read).' })
  async heldEnd(@Root() congress: CongressType, @Ctx() ctx: Context) {
    return isHeld(await stageOf(ctx, congress, congress.asOf)) ? congress.row.heldEnd : null;
  }

  @FieldResolver(() => Boolean, {
    description:
      'On date D (`asOf`): counts (not SUPERSEDED), is not held by the end of D, and its deadline is before D. A congress held after its deadline ' +
      'was overdue from the day after the deadline to the day before its closing day (`heldEnd`), and is `heldLate` from its closing day on. ' +
      'The deadline is the one in force on D (the plan and the term calendar as they stood then).' +
      ' A mid-term congress (round 2) is never overdue: like the roll-up, overdue counts term-opening congresses only.',
  })
  async overdue(@Root() congress: CongressType, @Arg('asOf', () => DateScalar, asOfArg) asOf: string | null, @Ctx() ctx: Context) {
    if (congress.round > 1) return false;
    const date = asOf ?? congress.asOf;
    const [stage, deadline] = await Promise.all([stageOf(ctx, congress, date), deadlineOf(ctx, congress, date)]);
    return stage !== CongressStage.SUPERSEDED && !isHeld(stage) && deadline !== null && deadline < date;
  }

  @FieldResolver(() => Boolean, {
    description:
      'Held by the end of the date (`asOf`: HELD or RESULTS_CONFIRMED) and its closing day (`heldEnd`) is after its deadline as it stood on that date (false when it has none).',
  })
  async heldLate(@Root() congress: CongressType, @Arg('asOf', () => DateScalar, asOfArg) asOf: string | null, @Ctx() ctx: Context) {
    const date = asOf ?? congress.asOf;
    const [stage, deadline] = await Promise.all([stageOf(ctx, congress, date), deadlineOf(ctx, congress, date)]);
    const end = congress.row.heldEnd;
    return isHeld(stage) && end !== null && deadline !== null && end > deadline;
  }

  @FieldResolver(() => [CongressEventType], { description: 'Stage changes effective on or before the date read, oldest first.' })
  async history(@Root() congress: CongressType, @Ctx() ctx: Context) {
    const events = await ctx.loaders.congresses.events.load(congress.uuid);
    return events.filter((e) => e.effectiveOn <= congress.asOf).map(CongressEventType.from);
  }

  @FieldResolver(() => [ScheduleConflict], {
    description: 'Direct subordinates (as of the date read) whose congress is not held and not planned to end before this one starts.',
  })
  async scheduleConflicts(@Root() congress: CongressType, @Ctx() ctx: Context): Promise<ScheduleConflict[]> {
    const stage = await stageOf(ctx, congress, congress.asOf);
    if (stage === CongressStage.SUPERSEDED || isHeld(stage) || !congress.plannedStart) return [];
    const children = await ctx.loaders.congresses.children.load({ parentId: congress.row.organizationId, term: congress.term, date: congress.asOf });
    const out: ScheduleConflict[] = [];
    for (const c of children) {
      if (c.stageAt === CongressStage.SUPERSEDED || isHeld(c.stageAt)) continue;
      const reason = !c.congressId || !c.plannedEnd ? ScheduleConflictReason.NOT_SCHEDULED : c.plannedEnd >= congress.plannedStart ? ScheduleConflictReason.PLANNED_AFTER : null;
      if (reason) out.push(Object.assign(new ScheduleConflict(), { organizationId: c.organizationId, congressId: c.congressId, asOf: congress.asOf, reason }));
    }
    return out;
  }
}

@Resolver(() => ScheduleConflict)
export class ScheduleConflictResolver {
  @FieldResolver(() => OrganizationType)
  async organization(@Root() conflict: ScheduleConflict, @Ctx() ctx: Context) {
    const row = await ctx.loaders.organizations.byId.load(conflict.organizationId);
    return OrganizationType.from(row!, conflict.asOf);
  }

  @FieldResolver(() => CongressType, { nullable: true })
  async congress(@Root() conflict: ScheduleConflict, @Ctx() ctx: Context) {
    if (!conflict.congressId) return null;
    const row = await ctx.loaders.congresses.byId.load(conflict.congressId);
    return row && CongressType.from(row, conflict.asOf);
  }
}
