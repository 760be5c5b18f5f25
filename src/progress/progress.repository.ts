import type { Sql } from '../common/sql';
import { validOn } from '../organization/organization.repository';
import { WATERMARK_SQL } from '../congress/congress.repository';
import { FIELDS } from './progress.fields';
import { overdueReasonSql, type OverdueReason } from './progress.overdue';
import { closedLateSql, countedCongress, currentCalendar, deadlineSql } from './progress.sql';

/** SQL reads of the roll-up: precomputed counters, and the same numbers computed live for a past date. */

export interface CounterRow {
  organizationId: string;
  watermark: string | null;
  counters: Record<string, number>;
  overrides: { level: string; deadline: string; open: number }[];
}

/** Counters of many organisations, with the date of the latest dated change (they answer any date from it on). */
export async function countersOf(sql: Sql, ids: readonly string[]): Promise<{ watermark: string | null; rows: CounterRow[] }> {
  const rows = await sql<Record<string, unknown>>(
    `select w.watermark, pc.*,
            (select coalesce(json_agg(json_build_object('level', po.level, 'deadline', po.deadline, 'open', po.open)), '[]')
               from progress_override po where po.organization_id = pc.organization_id) as overrides
       from (select d::text as watermark from (${WATERMARK_SQL}) x) w
       left join progress_counter pc on pc.organization_id = any(?::uuid[])`,
    [ids],
  );
  const watermark = (rows[0]?.watermark as string | null) ?? null;
  return {
    watermark,
    rows: rows
      .filter((r) => r.organization_id)
      .map((r) => ({
        organizationId: r.organization_id as string,
        watermark,
        counters: Object.fromEntries(FIELDS.map((f) => [f, Number(r[f])])),
        overrides: r.overrides as CounterRow['overrides'],
      })),
  };
}

export interface LiveRow {
  key: string;
  level: string;
  stage: string;
  pilot: boolean;
  mode: string | null;
  deadline: string | null;
  /** Its closing day is after its deadline (counts as held late when the stage on the date is held). */
  closedLate: boolean;
  pending: boolean;
  n: number;
  members: number;
}

/**
 * The organisations in scope of each key on date `d` (the subtree below it, or its direct children), grouped by what
 * the roll-up needs: level, stage on `d` (from the congress history), pilot, mode, deadline, closed late, pending. One
 * statement.
 */
export async function liveGroups(sql: Sql, ids: readonly string[], d: string, scope: 'SUBTREE' | 'CHILDREN'): Promise<LiveRow[]> {
  const inScope = scope === 'SUBTREE' ? 'p.path @> array[k.id] and p.organization_id <> k.id' : 'p.parent_id = k.id';
  return sql<LiveRow>(
    `select k.id as key, o.level, coalesce(st.stage, 'NOT_STARTED') as stage, coalesce(c.pilot, false) as pilot, c.mode,
            ${deadlineSql('c', 'tc')}::text as deadline, ${closedLateSql('c', 'tc')} as "closedLate", (rp.organization_id is not null) as pending,
            count(*)::int as n, sum(o.member_count)::bigint as members
       from unnest(?::uuid[]) as k(id)
       join organization_placement p on ${inScope} and ${validOn('p', '?::date')}
       join organization o on o.id = p.organization_id
       left join congress c on ${countedCongress('c', 'o.id')}
       left join term_calendar tc on ${currentCalendar('tc', 'o.level')}
       left join restructuring_pending rp on rp.organization_id = o.id
       left join lateral (select e.to_stage as stage from congress_event e where e.congress_id = c.id and e.effective_on <= ?::date
                           order by e.effective_on desc, e.id desc limit 1) st on true
      group by 1, 2, 3, 4, 5, 6, 7, 8`,
    [ids, d, d, d],
  );
}

const scopeJoin = (scope: 'SUBTREE' | 'CHILDREN') =>
  scope === 'SUBTREE' ? 'p.path @> array[k.id] and p.organization_id <> k.id' : 'p.parent_id = k.id';

/** Expected congresses not held on `d` whose planned start falls in the next `days` days. */
export async function upcomingCounts(sql: Sql, ids: readonly string[], d: string, days: number, scope: 'SUBTREE' | 'CHILDREN'): Promise<{ key: string; n: number }[]> {
  return sql(
    `select k.id as key, count(c.id)::int as n
       from unnest(?::uuid[]) as k(id)
       join organization_placement p on ${scopeJoin(scope)} and ${validOn('p', '?::date')}
       join congress c on c.organization_id = p.organization_id and c.term = (select code from term where is_current) and c.round = 1
       left join lateral (select e.to_stage as stage from congress_event e where e.congress_id = c.id and e.effective_on <= ?::date
                           order by e.effective_on desc, e.id desc limit 1) st on true
      where c.planned_start > ?::date and c.planned_start <= ?::date + ?::int
        and coalesce(st.stage, 'NOT_STARTED') not in ('HELD', 'RESULTS_CONFIRMED', 'SUPERSEDED')
      group by k.id`,
    [ids, d, d, d, d, d, days],
  );
}

/** Cumulative held congresses at the end of each period (weeks from Monday, or months), for the scope on `d`. */
export async function timelinePoints(
  sql: Sql,
  ids: readonly string[],
  d: string,
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
     ), held as (
       select k.id as key, c.held_end
         from unnest(?::uuid[]) as k(id)
         join organization_placement p on ${scopeJoin(scope)} and ${validOn('p', '?::date')}
         join congress c on c.organization_id = p.organization_id and c.term = (select code from term where is_current) and c.round = 1
        where c.stage in ('HELD', 'RESULTS_CONFIRMED') and c.held_end is not null
     )
     select k.id as key, pr.period_start::text as "periodStart", (select count(*)::int from held h where h.key = k.id and h.held_end <= pr.period_end) as held
       from unnest(?::uuid[]) as k(id) cross join periods pr
      order by k.id, pr.period_start`,
    [to, from, to, ids, d, d, ids],
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
