import { currentCalendarOnSql, planOnSql, scheduledBySql } from '../congress/congress.dated';
import type { Context } from '../common/context';
import type { Sql } from '../common/sql';
import type { OrganizationLevel } from '../organization/organization.levels';
import { validOn } from '../organization/organization.repository';
import { WATERMARK_SQL } from './congress.repository';
import { countedCongress } from './congress.sql';

/**
 * Overdue congresses (here, in the congress feature, so that lists of organisations can filter by it without importing
 * the roll-up). Which organisations `progress.overdue` counts, one at a time: on date D, an organisation whose congress counts (not
 * SUPERSEDED; none scheduled by D counts as NOT_STARTED: NOT_SCHEDULED), is not held by the end of D, and whose deadline (its own, else
 * its level's in the term calendar, each as it stood on D) is before D. The same definition as the roll-up's, so a list
 * filtered with it has as many organisations in a subtree as that subtree's `progress.overdue`.
 */
export enum OverdueReason {
  NOT_SCHEDULED = 'NOT_SCHEDULED',
  NOT_HELD = 'NOT_HELD',
}

/**
 * SQL: the reason the organisation with id `id` and level `level` (column expressions) is overdue on date `d` (a date
 * expression, used once), or null. Whether it is in the tree on that date is the caller's condition. `fresh`: an SQL
 * condition, computed once per statement (no reference to the row), true when `d` is on or after the latest dated
 * change (freshSql): then each congress's stage and plan on `d` are its current ones, read from its row without its
 * history.
 */
export function overdueReasonSql(id: string, level: string, d: string, fresh?: string): string {
  const dated = `coalesce((select e.to_stage from congress_event e where e.congress_id = c.id and e.effective_on <= x.d
                           order by e.effective_on desc, e.id desc limit 1), 'NOT_STARTED')`;
  const stage = fresh ? `(case when x.fresh then c.stage else ${dated} end)` : dated;
  const override = fresh ? `(case when x.fresh then c.deadline_override else ${planOnSql('c', 'deadline_override', 'x.d')} end)` : planOnSql('c', 'deadline_override', 'x.d');
  return `(select case
             when c.id is null then case when tc.deadline < x.d then '${OverdueReason.NOT_SCHEDULED}' end
             when ${stage} in ('HELD', 'RESULTS_CONFIRMED', 'SUPERSEDED') then null
             when coalesce(${override}, tc.deadline) < x.d then '${OverdueReason.NOT_HELD}'
           end
      from (select (${d})::date as d${fresh ? `, ${fresh} as fresh` : ''}) x
      left join congress c on ${countedCongress('c', id)} and ${scheduledBySql('c', 'x.d')}
      left join lateral (select cal.deadline from (${currentCalendarOnSql('x.d')}) cal where cal.level = ${level}) tc on true)`;
}

/**
 * SQL: the date `d` (an expression without reference to any row, e.g. a placeholder) is on or after the latest dated
 * change (WATERMARK_SQL), so that current state is the state on it. Computed once per statement.
 */
export const freshSql = (d: string) => `coalesce((select w.d from (${WATERMARK_SQL}) w) <= ${d}, false)`;

/** Whether `date` is on or after the latest dated change (see freshSql): one statement. */
export async function freshOn(sql: Sql, date: string): Promise<boolean> {
  const [row] = await sql<{ fresh: boolean }>(`select ${freshSql('?::date')} as fresh`, [date]);
  return row?.fresh === true;
}

/**
 * A condition for lists of organisations `o` placed by `p` on `date`: overdue then (or not, when `overdue` is false).
 * It reads the id from the placement and the level from the organisation, so that it can only be checked once both
 * are joined: after the placement's own conditions (a subtree, the date) have narrowed the rows, never on every
 * organisation first.
 */
export function overdueCondition(o: string, p: string, date: string, overdue: boolean): { sql: string; params: unknown[] } {
  return { sql: `(${overdueReasonSql(`${p}.organization_id`, `${o}.level`, '?::date')} is not null) = ?`, params: [date, overdue] };
}

/**
 * The same filter as a value computed once per organisation `o` — its reason, so that a page can answer
 * `overdueReason` with its rows — and the rows it keeps (`keep`, on `v.value`). On a date on or after the latest dated
 * change, each congress's current stage and plan answer (see overdueReasonSql).
 */
export function overdueFilter(o: string, date: string, overdue: boolean): { value(id: string): { sql: string; params: unknown[] }; keep: string } {
  return {
    value: (id) => ({ sql: overdueReasonSql(id, `${o}.level`, '?::date', freshSql('?::date')), params: [date, date] }),
    keep: `(v.value is not null) = ${overdue ? 'true' : 'false'}`,
  };
}

/**
 * How many organisations `organizations(under:, level:, asOf: date)` lists, and how many of them are overdue, from the
 * roll-up of `under` (through the request's loaders: the lists do not import the roll-up), plus `under` itself when
 * the list includes it (a scoped viewer's list without `under:`; the scope is in the tree on the date). The roll-up
 * counts exactly what overdueReasonSql selects; on a date on or after the latest dated change it reads its counters.
 */
export async function overdueCounts(ctx: Context, under: string, inclusive: boolean, date: string, level: OrganizationLevel | null) {
  const [progress, self, reason] = await Promise.all([
    ctx.loaders.progress.progress.load({ id: under, scope: 'SUBTREE', date }),
    inclusive ? ctx.loaders.organizations.byId.load(under) : null,
    inclusive ? ctx.loaders.progress.overdueReason.load({ id: under, date }) : null,
  ]);
  const inLevel = level ? progress.byLevel.get(level) : undefined;
  const counts = level ? { organizations: inLevel?.organizations ?? 0, overdue: inLevel?.overdue ?? 0 } : { organizations: progress.organizations, overdue: progress.overdue };
  if (self && (!level || self.level === level)) {
    counts.organizations += 1;
    if (reason !== null) counts.overdue += 1;
  }
  return counts;
}

/**
 * How many organisations below `under` (itself too when `inclusive`) are overdue on `date` with nothing scheduled
 * (NOT_SCHEDULED): in the tree then, no congress that counts scheduled by then, their level's calendar deadline then
 * before it. The overdue ones less these are the overdue congresses (NOT_HELD): `congresses(overdue: true)`'s total.
 * Reads the subtree's placements and whether each one's congress exists (an anti-join; `offset 0` keeps it first),
 * then the level of those without one only.
 */
export async function notScheduledCount(sql: Sql, q: { date: string; under: string; inclusive: boolean }): Promise<number> {
  const tree = q.inclusive ? 'p.path @> array[?::uuid]' : 'p.path @> array[?::uuid] and p.organization_id <> ?::uuid';
  // The date as a constant wherever the planner estimates a range with it, so that it reads the subtree by its path.
  const [row] = await sql<{ n: number }>(
    `with cal as (${currentCalendarOnSql('?::date')})
     select count(*)::int as n
       from (select p.organization_id from organization_placement p
              where ${validOn('p', '?::date')} and ${tree}
                and not exists (select 1 from congress c where ${countedCongress('c', 'p.organization_id')} and ${scheduledBySql('c', '?::date')})
             offset 0) u
       join organization o on o.id = u.organization_id
       join cal tc on tc.level = o.level
      where tc.deadline < ?::date`,
    [q.date, q.date, q.date, q.date, q.date, ...(q.inclusive ? [q.under] : [q.under, q.under]), q.date, q.date],
  );
  return row?.n ?? 0;
}
