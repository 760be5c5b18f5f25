import { currentCalendarOnSql, planOnSql, scheduledBySql } from '../congress/congress.dated';
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
 * expression, used once), or null. Whether it is in the tree on that date is the caller's condition.
 */
export function overdueReasonSql(id: string, level: string, d: string): string {
  const stage = `coalesce((select e.to_stage from congress_event e where e.congress_id = c.id and e.effective_on <= x.d
                           order by e.effective_on desc, e.id desc limit 1), 'NOT_STARTED')`;
  return `(select case
             when c.id is null then case when tc.deadline < x.d then '${OverdueReason.NOT_SCHEDULED}' end
             when ${stage} in ('HELD', 'RESULTS_CONFIRMED', 'SUPERSEDED') then null
             when coalesce(${planOnSql('c', 'deadline_override', 'x.d')}, tc.deadline) < x.d then '${OverdueReason.NOT_HELD}'
           end
      from (select (${d})::date as d) x
      left join congress c on ${countedCongress('c', id)} and ${scheduledBySql('c', 'x.d')}
      left join lateral (select cal.deadline from (${currentCalendarOnSql('x.d')}) cal where cal.level = ${level}) tc on true)`;
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
