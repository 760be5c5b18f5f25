import { ROLES } from '../access/access.auth-checker';
import { Authorized, Arg, Args, ArgsType, Ctx, Field, ID, Mutation, Query, Resolver } from 'type-graphql';
import { emptyConnection, PageArgs, parsePage, toConnection, toPage } from '../common/connection';
import { DateScalar, isCalendarDate } from '../common/dates';
import { badInput, UserError } from '../common/errors';
import { fromGlobalIdOf, tryGlobalIdOf } from '../common/global-id';
import { loadForPayload, runMutation } from '../common/mutation';
import { sqlOf, type Sql } from '../common/sql';
import type { Context } from '../common/context';
import { RiskKind } from '../risk/risk.enums';
import { CongressOrderField, CongressStage } from './congress.enums';
import { freshOn, notScheduledCount, overdueCounts } from './congress.overdue';
import {
  CongressAdvanceInput,
  CongressPostponeInput,
  CongressRecordResultInput,
  CongressRescheduleInput,
  CongressScheduleInput,
  TermCalendarSetInput,
} from './congress.inputs';
import {
  CongressAdvancePayload,
  CongressPostponePayload,
  CongressRecordResultPayload,
  CongressReschedulePayload,
  CongressSchedulePayload,
  TermCalendarSetPayload,
} from './congress.payloads';
import { overdueCongressPage, searchCongresses, type CongressRow, type CongressSearch } from './congress.repository';
import { recordCongressResult } from './congress.result.service';
import { rescheduleCongress, scheduleCongress } from './congress.schedule.service';
import { advanceCongress, postponeCongress } from './congress.stage.service';
import { rulesFor } from './congress.rules';
import { CongressConnection, CongressRulesType, CongressType, TermCalendarEntryType } from './congress.types';
import { setTermCalendar } from './term-calendar.service';

@ArgsType()
class CongressesArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'Only congresses of organisations below this one on the date (itself excluded).' }) under?: string | null;
  @Field(() => String, { nullable: true, description: 'Default: the current term.' }) term?: string | null;
  @Field(() => CongressStage, { nullable: true, description: 'Stage as of the date.' }) stage?: CongressStage | null;
  @Field(() => DateScalar, { nullable: true, description: 'Planned to start on or after this day.' }) from?: string | null;
  @Field(() => DateScalar, { nullable: true, description: 'Planned to start on or before this day.' }) to?: string | null;
  @Field(() => Boolean, { nullable: true }) overdue?: boolean | null;
  @Field(() => Boolean, { nullable: true }) pilot?: boolean | null;
  @Field(() => RiskKind, {
    nullable: true,
    description: 'Only congresses at risk of this kind on the date (see `Congress.risks`); with `under`, `totalCount` equals that organisation’s `progress { atRisk }` count of the kind.',
  })
  risk?: RiskKind | null;
  @Field(() => DateScalar, { nullable: true, description: 'Default: today.' }) asOf?: string | null;
  @Field(() => CongressOrderField, { nullable: true, defaultValue: CongressOrderField.PLANNED_START }) orderBy?: CongressOrderField;
}

/**
 * `congresses(under:, overdue: true)` of the current term by planned date and nothing else asked, on a date on or after
 * the latest dated change: the total is the roll-up's overdue organisations below `under` less those with nothing
 * scheduled (each overdue congress is its organisation's NOT_HELD), the page one statement that stops once it is full
 * (overdueCongressPage). Null otherwise (then the general statement answers); cursors there hold a date.
 */
async function overduePage(ctx: Context, sql: Sql, q: CongressSearch): Promise<{ rows: (CongressRow & { sortValue: string })[]; total: number } | null> {
  const { under, after } = q;
  if (q.overdue !== true || !under || q.stage || q.from || q.to || q.pilot !== null || q.risk || q.orderBy !== CongressOrderField.PLANNED_START) return null;
  if (after && !isCalendarDate(String(after[0]))) return null;
  if (q.term !== (await ctx.loaders.congresses.currentTerm()) || !(await freshOn(sql, q.date))) return null;
  const inclusive = q.underInclusive ?? false;
  const [counts, unscheduled] = await Promise.all([overdueCounts(ctx, under, inclusive, q.date, null), notScheduledCount(sql, { date: q.date, under, inclusive })]);
  const total = Math.max(0, counts.overdue - unscheduled);
  if (total === 0) return { rows: [], total };
  const rows = await overdueCongressPage(sql, { date: q.date, term: q.term, under, underInclusive: inclusive, first: q.first, after, matches: total });
  return rows && { rows, total };
}

const invalidId = (field: string) => UserError.of('INVALID_ID', `"${field}" is not a valid id.`, ['input', field]);
const payload = (result: CongressRow | null, date: string) => result && CongressType.from(result, date);

@Resolver()
export class CongressResolver {
  @Query(() => CongressConnection, {
    description: 'The congress calendar: every congress of a term in a subtree, by planned date, as it stood on the date (`asOf`): a congress scheduled after it is not listed.',
  })
  async congresses(@Args() args: CongressesArgs, @Ctx() ctx: Context): Promise<CongressConnection> {
    const { first, after } = parsePage(args, ['string', 'string']);
    const date = args.asOf ?? ctx.today;
    const scoped = await ctx.access.under(args.under ? fromGlobalIdOf('Organization', args.under, 'under') : null, date);
    if (!scoped) return emptyConnection(first, after);
    const under = scoped.id;
    if (args.from && args.to && args.to < args.from) throw badInput('"to" is before "from"', { argument: 'to' });
    const term = args.term ?? (await ctx.loaders.congresses.currentTerm()) ?? '';
    const orderBy = args.orderBy ?? CongressOrderField.PLANNED_START;
    const search: CongressSearch = {
      date,
      term,
      under,
      underInclusive: scoped.inclusive,
      stage: args.stage ?? null,
      from: args.from ?? null,
      to: args.to ?? null,
      overdue: args.overdue ?? null,
      pilot: args.pilot ?? null,
      risk: args.risk ?? null,
      orderBy,
      first,
      after,
    };
    const sql = sqlOf(ctx.em);
    const page = (await overduePage(ctx, sql, search)) ?? (await searchCongresses(sql, search));
    for (const r of page.rows) ctx.loaders.congresses.byId.prime(r.id, r);
    return toConnection(toPage(page.rows, first, after, page.total, (r) => [r.sortValue, r.id], (r) => CongressType.from(r, date)));
  }

  @Query(() => [TermCalendarEntryType], { description: 'Deadlines and maximum lengths per level for a term (default: the current term).' })
  async termCalendar(
    @Arg('term', () => String, { nullable: true }) term: string | null,
    @Arg('asOf', () => DateScalar, { nullable: true, description: 'The calendar as it stood at the end of this day; default: today.' }) asOf: string | null,
    @Ctx() ctx: Context,
  ) {
    const code = term ?? (await ctx.loaders.congresses.currentTerm()) ?? '';
    const calendar = await ctx.loaders.congresses.calendar.load(code);
    return [...calendar.on(asOf ?? ctx.today).values()].map(TermCalendarEntryType.from);
  }

  @Query(() => CongressRulesType, {
    nullable: true,
    description: 'The Party Charter’s congress rules in force for a term (default: the current term); null for an unknown term.',
  })
  async congressRules(@Arg('term', () => String, { nullable: true }) term: string | null, @Ctx() ctx: Context) {
    const code = term ?? (await ctx.loaders.congresses.currentTerm()) ?? '';
    const rules = await rulesFor(sqlOf(ctx.em), code);
    return rules && CongressRulesType.from(rules);
  }

  @Mutation(() => CongressSchedulePayload, { description: 'Plans an organisation’s congress for a term.' })
  async congressSchedule(@Arg('input') input: CongressScheduleInput, @Ctx() ctx: Context): Promise<CongressSchedulePayload> {
    const organizationId = tryGlobalIdOf('Organization', input.organization);
    if (!organizationId) return { userErrors: [invalidId('organization')] };
    const term = input.term ?? (await ctx.loaders.congresses.currentTerm()) ?? '';
    const { result, userErrors } = await runMutation(ctx, 'congressSchedule', (tx) => scheduleCongress(tx, { ...input, organizationId, term }));
    return { congress: payload(result, ctx.today), userErrors };
  }

  @Mutation(() => CongressReschedulePayload, { description: 'Moves a congress’s planned dates (or its explicit deadline).' })
  async congressReschedule(@Arg('input') input: CongressRescheduleInput, @Ctx() ctx: Context): Promise<CongressReschedulePayload> {
    const id = tryGlobalIdOf('Congress', input.id);
    if (!id) return { userErrors: [invalidId('id')] };
    const { result, userErrors } = await runMutation(ctx, 'congressReschedule', (tx) => rescheduleCongress(tx, { ...input, id }));
    return { congress: payload(result, ctx.today), userErrors };
  }

  @Mutation(() => CongressAdvancePayload, { description: 'Records the stage a congress reached (forward, or back with a reason).' })
  async congressAdvance(@Arg('input') input: CongressAdvanceInput, @Ctx() ctx: Context): Promise<CongressAdvancePayload> {
    const id = tryGlobalIdOf('Congress', input.id);
    if (!id) return { userErrors: [invalidId('id')] };
    const { result, userErrors } = await runMutation(ctx, 'congressAdvance', (tx) => advanceCongress(tx, { ...input, id, effectiveOn: input.effectiveOn ?? ctx.today }, ctx.today), {
      treeLockInFirstStatement: true,
    });
    await loadForPayload(ctx, result?.organizationId);
    return { congress: payload(result, ctx.today), userErrors };
  }

  @Mutation(() => CongressPostponePayload, { description: 'Postpones a congress, with a reason and a new date.' })
  async congressPostpone(@Arg('input') input: CongressPostponeInput, @Ctx() ctx: Context): Promise<CongressPostponePayload> {
    const id = tryGlobalIdOf('Congress', input.id);
    if (!id) return { userErrors: [invalidId('id')] };
    const { result, userErrors } = await runMutation(ctx, 'congressPostpone', (tx) => postponeCongress(tx, { ...input, id, effectiveOn: input.effectiveOn ?? ctx.today }, ctx.today));
    return { congress: payload(result, ctx.today), userErrors };
  }

  @Mutation(() => CongressRecordResultPayload, { description: 'Records that a congress was held: dates, delegates, committee. Lower levels first.' })
  async congressRecordResult(@Arg('input') input: CongressRecordResultInput, @Ctx() ctx: Context): Promise<CongressRecordResultPayload> {
    const id = tryGlobalIdOf('Congress', input.id);
    if (!id) return { userErrors: [invalidId('id')] };
    const { result, userErrors } = await runMutation(ctx, 'congressRecordResult', (tx) => recordCongressResult(tx, { ...input, id }, ctx.today));
    return { congress: payload(result, ctx.today), userErrors };
  }

  @Authorized(...ROLES.admin)
  @Mutation(() => TermCalendarSetPayload, { description: 'Sets the deadline and maximum length of one level’s congresses in a term.' })
  async termCalendarSet(@Arg('input') input: TermCalendarSetInput, @Ctx() ctx: Context): Promise<TermCalendarSetPayload> {
    const { result, userErrors } = await runMutation(ctx, 'termCalendarSet', (tx) => setTermCalendar(tx, input));
    return { entry: result && TermCalendarEntryType.from(result), userErrors };
  }
}
