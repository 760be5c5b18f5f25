import { isCalendarDate } from '../common/dates';
import type { Sql } from '../common/sql';
import type { CongressMode, CongressStage } from '../congress/congress.enums';
import type { OrganizationLevel } from '../organization/organization.levels';
import { validOn } from '../organization/organization.repository';
import { WATERMARK_SQL } from '../congress/congress.repository';
import { currentCalendarOnSql, planOnSql, scheduledBySql } from '../congress/congress.dated';
import { membersOnSql } from '../organization/organization.members';
import { claimedOnSql } from '../restructuring/restructuring.repository';
import { FIELDS } from './progress.columns';
import { overdueReasonSql, type OverdueReason } from '../congress/congress.overdue';
import { countedCongress } from './progress.sql';

/** SQL reads of the roll-up: precomputed counters, and the same numbers computed live for a past date. */

export interface CounterRow {
  organizationId: string;
  watermark: string | null;
  counters: Record<string, number>;
  overrides: OverrideBucket[];
}

/** Open congresses of one level whose deadline is their own (progress_override). */
export interface OverrideBucket {
  level: string;
  deadline: string;
  open: number;
}

/**
 * A row of countersOf's statement: the watermark, then a counter row (`pc.*`, one column per counter: int, `members`
 * bigint as text), or nulls when none of the ids has one.
 */
type CounterColumns = { watermark: string | null; organization_id: string | null; overrides: OverrideBucket[] } & { [field: string]: unknown };

/** Counters of many organisations, with the date of the latest dated change (they answer any date from it on). */
export async function countersOf(sql: Sql, ids: readonly string[]): Promise<{ watermark: string | null; rows: CounterRow[] }> {
  const rows = await sql<CounterColumns>(
    `select w.watermark, pc.*,
            (select coalesce(json_agg(json_build_object('level', po.level, 'deadline', po.deadline, 'open', po.open)), '[]')
               from progress_override po where po.organization_id = pc.organization_id) as overrides
       from (select d::text as watermark from (${WATERMARK_SQL}) x) w
       left join progress_counter pc on pc.organization_id = any(?::uuid[])`,
    [ids],
  );
  const watermark = rows[0]?.watermark ?? null;
  const counters: CounterRow[] = [];
  for (const r of rows) {
    if (r.organization_id === null) continue;
    counters.push({ organizationId: r.organization_id, watermark, counters: Object.fromEntries(FIELDS.map((f) => [f, Number(r[f])])), overrides: r.overrides });
  }
  return { watermark, rows: counters };
}

export interface LiveRow {
  key: string;
  level: OrganizationLevel;
  stage: CongressStage;
  pilot: boolean;
  mode: CongressMode | null;
  deadline: string | null;
  /** Its closing day is after its deadline (counts as held late when the stage on the date is held). */
  closedLate: boolean;
  pending: boolean;
  n: number;
  /** A bigint sum: as text. */
  members: string;
}

/**
 * The organisations in scope of each key on date `d` (the subtree below it, or its direct children), grouped by what
 * the roll-up needs, every value as it stood on `d`: level, stage (from the congress history), pilot, mode, deadline
 * (the plan's and the term calendar's), closed late, pending (claimed by a restructuring pending then), members (the
 * dated counts). A congress scheduled after `d` is not there yet (NOT_STARTED, no plan). One statement.
 */
export async function liveGroups(sql: Sql, ids: readonly string[], d: string, scope: 'SUBTREE' | 'CHILDREN'): Promise<LiveRow[]> {
  const day = dateLiteral(d);
  // Each organisation in scope of any key once, with the keys it may count for (its proper ancestors, or its parent):
  // nested keys (a root and its children) share the work of reading each organisation's state.
  const inScope =
    scope === 'SUBTREE'
      ? `select p.organization_id, p.path[1:cardinality(p.path) - 1] as above from organization_placement p
          where p.path && ?::uuid[] and ${validOn('p', day)}`
      : `select p.organization_id, array[p.parent_id] as above from organization_placement p
          where p.parent_id = any(?::uuid[]) and ${validOn('p', day)}`;
  return sql<LiveRow>(liveRowsSql(inScope, day), [ids, ids]);
}

/** A validated calendar date as an SQL literal (so the planner sees the date: ranges on dated columns use their indexes). */
export function dateLiteral(d: string): string {
  if (!isCalendarDate(d)) throw new Error(`not a calendar date: ${JSON.stringify(d)}`);
  return `date '${d}'`;
}

/**
 * The statement of live rows (see liveGroups) over `inScope`: rows (organization_id, above uuid[]) of organisations in
 * the tree on `day` (an SQL date), each counted for the keys among `above`. Each organisation's state on the date is
 * read once, then counted for its keys. Placeholders: those of `inScope`, then the keys (uuid[]).
 */
function liveRowsSql(inScope: string, day: string): string {
  const state = stateOnSql(day);
  return `with s as (${inScope}),
          ${state.ctes},
          one as (
            select s.above, ${Object.entries(state.columns).map(([name, expr]) => `${expr} as ${name}`).join(', ')}
              from s
              join organization o on o.id = s.organization_id
              left join congress c on ${countedCongress('c', 'o.id')} and ${scheduledBySql('c', day)}
              ${state.joins}
            offset 0)
     select k.id as key, one.level, one.stage, one.pilot, one.mode, one.deadline::text as deadline, one.closed_late as "closedLate", one.pending,
            count(*)::int as n, sum(one.members)::bigint as members
       from one cross join lateral unnest(one.above) as k(id)
      where k.id = any(?::uuid[])
      group by 1, 2, 3, 4, 5, 6, 7, 8`;
}

export type StateColumn = 'level' | 'stage' | 'pilot' | 'mode' | 'deadline' | 'closed_late' | 'pending' | 'members';

/**
 * An organisation's state on `day` (an SQL date) as the roll-up counts it, for every statement that reads one (the
 * live statement, and the changed organisations of a past date's roll-up from the counters, progress.past.ts):
 * `ctes` (the calendar `cal` and the claimed organisations `claimed` on that day), `joins` to add after `organization o`
 * and `c`, its congress that counts if it was scheduled by that day (else a row of nulls or none: columns id, pilot,
 * mode, held_end, planned_since, deadline_override), and the expressions of its `columns`.
 */
export function stateOnSql(day: string): { ctes: string; joins: string; columns: Record<StateColumn, string> } {
  return {
    ctes: `cal as (${currentCalendarOnSql(day)}),
          claimed as (${claimedOnSql(day)})`,
    joins: `left join cal tc on tc.level = o.level
              left join claimed cl on cl.organization_id = o.id
              cross join lateral (select coalesce(${planOnSql('c', 'deadline_override', day)}, tc.deadline) as deadline) dl
              left join lateral (select e.to_stage as stage from congress_event e where e.congress_id = c.id and e.effective_on <= ${day}
                                  order by e.effective_on desc, e.id desc limit 1) st on true`,
    columns: {
      level: 'o.level',
      stage: `coalesce(st.stage, 'NOT_STARTED')`,
      pilot: 'coalesce(c.pilot, false)',
      mode: 'c.mode',
      deadline: 'dl.deadline',
      closed_late: 'coalesce(c.held_end > dl.deadline, false)',
      pending: '(cl.organization_id is not null)',
      members: membersOnSql('o', day),
    },
  };
}

const scopeJoin = (scope: 'SUBTREE' | 'CHILDREN') =>
  scope === 'SUBTREE' ? 'p.path @> array[k.id] and p.organization_id <> k.id' : 'p.parent_id = k.id';

/** Expected congresses scheduled and not held on `d` whose planned start (as planned on `d`) falls in the next `days` days. */
export async function upcomingCounts(sql: Sql, ids: readonly string[], d: string, days: number, scope: 'SUBTREE' | 'CHILDREN'): Promise<{ key: string; n: number }[]> {
  return sql(
    `select k.id as key, count(c.id)::int as n
       from (select ?::date as d, ?::int as days) x
       cross join unnest(?::uuid[]) as k(id)
       join organization_placement p on ${scopeJoin(scope)} and ${validOn('p', 'x.d')}
       join congress c on c.organization_id = p.organization_id and c.term = (select code from term where is_current) and c.round = 1
                      and ${scheduledBySql('c', 'x.d')}
       cross join lateral (select ${planOnSql('c', 'planned_start', 'x.d')} as start) pl
       left join lateral (select e.to_stage as stage from congress_event e where e.congress_id = c.id and e.effective_on <= x.d
                           order by e.effective_on desc, e.id desc limit 1) st on true
      where pl.start > x.d and pl.start <= x.d + x.days
        and coalesce(st.stage, 'NOT_STARTED') not in ('HELD', 'RESULTS_CONFIRMED', 'SUPERSEDED')
      group by k.id`,
    [d, days, ids],
  );
}

/**
 * Cumulative held congresses at the end of each period (weeks from Monday, or months). Each point is counted on its
 * own date (the period's last day; `to` for the last one): the scope as it stood that day (the subtree below the key,
 * or its direct children), and the congresses held that day by their history (HELD or RESULTS_CONFIRMED). The date
 * the progress is read at does not change any point. One statement: each placement in scope at some time is cut to
 * the spells in which its organisation's congress was held, and each point counts the spells it falls in.
 */
export async function timelinePoints(
  sql: Sql,
  ids: readonly string[],
  scope: 'SUBTREE' | 'CHILDREN',
  from: string,
  to: string,
  interval: 'WEEK' | 'MONTH',
): Promise<{ key: string; periodStart: string; held: number }[]> {
  const unit = interval === 'WEEK' ? 'week' : 'month';
  return sql(
    `with periods as (
       select g::date as period_start, least((g + interval '1 ${unit}')::date - 1, ?::date) as period_end
         from generate_series(date_trunc('${unit}', ?::date), ?::date, interval '1 ${unit}') g
     ), spans as (
       select k.id as key, greatest(p.valid_from, h.held_from) as span_from, least(p.valid_to, h.held_to) as span_to -- least: null (open) is ignored
         from unnest(?::uuid[]) as k(id)
         join organization_placement p on ${scopeJoin(scope)}
         join congress c on ${countedCongress('c', 'p.organization_id')}
         cross join lateral (
           select e.effective_on as held_from, e.next_on as held_to
             from (select ev.effective_on, ev.to_stage, lead(ev.effective_on) over (order by ev.effective_on, ev.id) as next_on
                     from congress_event ev where ev.congress_id = c.id) e
            where e.to_stage in ('HELD', 'RESULTS_CONFIRMED') and (e.next_on is null or e.next_on > e.effective_on)
         ) h
        where (h.held_to is null or h.held_to > p.valid_from) and (p.valid_to is null or p.valid_to > h.held_from)
     )
     select k.id as key, pr.period_start::text as "periodStart",
            (select count(*)::int from spans s where s.key = k.id and s.span_from <= pr.period_end and (s.span_to is null or s.span_to > pr.period_end)) as held
       from unnest(?::uuid[]) as k(id) cross join periods pr
      order by k.id, pr.period_start`,
    [to, from, to, ids, ids],
  );
}

/** For each (organisation, date) pair: why it is overdue on that date (null: it is not, or not in the tree then). */
export async function overdueReasonsAt(sql: Sql, keys: readonly { id: string; date: string }[]): Promise<{ keyIndex: number; reason: OverdueReason | null }[]> {
  return sql(
    `select (k.i - 1)::int as "keyIndex", ${overdueReasonSql('o.id', 'o.level', 'k.d')} as reason
       from unnest(?::uuid[], ?::date[]) with ordinality as k(id, d, i)
       join organization o on o.id = k.id
      where exists (select 1 from organization_placement p where p.organization_id = o.id and ${validOn('p', 'k.d')})`,
    [keys.map((k) => k.id), keys.map((k) => k.date)],
  );
}
