import type { OrganizationLevel } from '../organization/organization.levels';

/**
 * Dated values of congresses and the term calendar (migration 9): a row holds the value in force on the latest date and
 * the day it took effect (null: from the start); a history table holds the earlier values, [validFrom, validTo). These
 * are the lookups of a value as it stood on a date: in SQL (for statements over many rows) and in memory (for rows
 * already read, which carry their short history).
 */

export interface Period {
  /** First day in force; null: from the start. */
  validFrom: string | null;
  /** First day no longer in force; null: still in force. */
  validTo: string | null;
}

/** `p` held on day `d` (half-open). */
export const heldOn = (p: Period, d: string): boolean => (p.validFrom === null || p.validFrom <= d) && (p.validTo === null || p.validTo > d);

/** SQL: period columns `${t}.valid_from`, `${t}.valid_to` hold day `d` (an expression; a history row's valid_to is never null). */
export const heldOnSql = (t: string, d: string) => `(${t}.valid_from is null or ${t}.valid_from <= ${d}) and (${t}.valid_to is null or ${t}.valid_to > ${d})`;

// ---- The term calendar ----

/** One period of a term calendar entry: the current one (validTo null) or an earlier one. */
export interface CalendarPeriod extends Period {
  term: string;
  level: OrganizationLevel;
  deadline: string;
  maxDays: number;
  version: number;
}

/** The entries of one term's calendar as they stood on `date`, by level (a level whose entry came later has none). */
export function calendarOn<T extends CalendarPeriod>(periods: readonly T[], date: string): Map<OrganizationLevel, T> {
  return new Map(periods.filter((p) => heldOn(p, date)).map((p) => [p.level, p]));
}

/**
 * SQL rows (term, level, deadline, max_days): the calendar of term `term` as it stood on day `d` (both expressions that
 * may be repeated: column references or sub-selects, not placeholders).
 */
export const calendarOnSql = (term: string, d: string) => `
  select tc.term, tc.level, tc.deadline, tc.max_days from term_calendar tc where tc.term = ${term} and (tc.valid_from is null or tc.valid_from <= ${d})
  union all
  select h.term, h.level, h.deadline, h.max_days from term_calendar_history h where h.term = ${term} and ${heldOnSql('h', d)}`;

/** The current term's calendar as it stood on `d` (see calendarOnSql). */
export const currentCalendarOnSql = (d: string) => calendarOnSql('(select code from term where is_current)', d);

// ---- Planned dates ----

/** A congress's plan: its planned dates and the deadline its superior set (null: the calendar's). */
export interface Plan {
  plannedStart: string | null;
  plannedEnd: string | null;
  deadlineOverride: string | null;
}

/**
 * What a congress row carries for its dated plan: the day it was scheduled, the current plan, since when, and the
 * earlier plans (null: none).
 */
export interface DatedPlan extends Plan {
  scheduledOn: string | null;
  plannedSince: string | null;
  planHistory: (Plan & Period)[] | null;
}

const NO_PLAN: Plan = { plannedStart: null, plannedEnd: null, deadlineOverride: null };

// ---- Scheduling ----

/**
 * A congress exists from the day it was scheduled (congress.scheduled_on, migration 10; null: from the start, as for
 * congresses scheduled before scheduling was dated). Before that day it has no plan, no superior's deadline and no
 * event, and its organisation counts as NOT_SCHEDULED. Its first plan takes effect that same day (planned_since).
 */
export const scheduledBy = (row: { scheduledOn: string | null }, date: string): boolean => row.scheduledOn === null || row.scheduledOn <= date;

/** SQL: congress `c` was scheduled by the end of day `d` (an expression that may be repeated): a join condition. */
export const scheduledBySql = (c: string, d: string) => `(${c}.scheduled_on is null or ${c}.scheduled_on <= ${d})`;

/** The plan in force on `date`: the current one from the day it took effect, else the earlier one (none: not planned yet). */
export function planOn(row: DatedPlan, date: string): Plan {
  if (!scheduledBy(row, date)) return NO_PLAN;
  if (!row.plannedSince || row.plannedSince <= date) return { plannedStart: row.plannedStart, plannedEnd: row.plannedEnd, deadlineOverride: row.deadlineOverride };
  const earlier = row.planHistory?.find((p) => heldOn(p, date));
  return earlier ? { plannedStart: earlier.plannedStart, plannedEnd: earlier.plannedEnd, deadlineOverride: earlier.deadlineOverride } : NO_PLAN;
}

/** SQL: column `column` of congress `c`'s plan as it stood on day `d` (an expression that may be repeated). */
export const planOnSql = (c: string, column: 'planned_start' | 'planned_end' | 'deadline_override', d: string) =>
  `(case when ${c}.planned_since is null or ${c}.planned_since <= ${d} then ${c}.${column}
         else (select h.${column} from congress_plan_history h where h.congress_id = ${c}.id and ${heldOnSql('h', d)}) end)`;

/** Columns of a congress row (alias `c`) for its dated plan: scheduled when, planned since when, and the earlier plans as JSON (only when there are). */
export const PLAN_COLUMNS = `c.scheduled_on as "scheduledOn", c.planned_since as "plannedSince",
  case when c.planned_since is null then null else (
    select json_agg(json_build_object('plannedStart', h.planned_start, 'plannedEnd', h.planned_end, 'deadlineOverride', h.deadline_override,
                                      'validFrom', h.valid_from, 'validTo', h.valid_to) order by h.valid_to)
      from congress_plan_history h where h.congress_id = c.id) end as "planHistory"`;
