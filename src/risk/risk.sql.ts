import { heldOnSql, planOnSql, scheduledBySql } from '../congress/congress.dated';
import { validOn } from '../organization/organization.repository';
import { RiskKind, RISK_KINDS } from './risk.enums';

/**
 * The one definition of the at-risk signals, in SQL: the field (`Congress.risks`), the counts (`Progress.atRisk`) and
 * the filter (`congresses(risk:)`) all join the same fragments, so they always agree. Everything is read as it stood on
 * the date `x.d` of the statement's `x` CTE: each congress's stage (its last event on or before it), plan
 * (congress_plan_history), deadline (the superior's, else the term calendar's then), the tree (placements valid then)
 * and the thresholds in force then. Set-based: no statement per congress; a root-wide count is one statement.
 */

/** Stages in which a congress is no longer at risk: held, or not taking place. */
const DONE = `('HELD', 'RESULTS_CONFIRMED', 'SUPERSEDED')`;

/** The column of `rk` (see riskJoins) that holds a kind's flag. */
export const riskColumn = (kind: RiskKind) => kind.toLowerCase();

/**
 * SQL rows (term, definedFor, level, window_days, stuck_days, version, valid_from, valid_to): for every term, the
 * threshold entry of each level in force on day `d` (an expression that may be repeated), its own or, when it has none,
 * the latest earlier term's (`definedFor`).
 */
export const thresholdsOnSql = (d: string) => `
  select distinct on (t.code, r.level) t.code as term, r.term as "definedFor", r.level,
         r.not_scheduled_window_days as window_days, r.stuck_days, r.version, r.valid_from, r.valid_to
    from term t
    join (select term, level, not_scheduled_window_days, stuck_days, version, valid_from, null::date as valid_to from risk_threshold
          union all
          select term, level, not_scheduled_window_days, stuck_days, version, valid_from, valid_to from risk_threshold_history) r
      on ${heldOnSql('r', d)}
    join term rt on rt.code = r.term and rt.starts_on <= t.starts_on
   order by t.code, r.level, rt.starts_on desc`;

/**
 * CTEs for a statement that has `x(d)` before them: every term's calendar on d (current entries and earlier periods,
 * as congress.dated.ts reads them) and the thresholds on d.
 */
export const riskCtes = () => `
  risk_cal as (
    select tc.term, tc.level, tc.deadline from term_calendar tc where tc.valid_from is null or tc.valid_from <= (select d from x)
    union all
    select h.term, h.level, h.deadline from term_calendar_history h where ${heldOnSql('h', '(select d from x)')}),
  risk_thr as (${thresholdsOnSql('(select d from x)')})`;

/**
 * Joins that add, for congress `c` of organisation `o` (both already in the FROM, with `x`), a row `rk` of one
 * boolean column per kind (riskColumn). Needs riskCtes. Only a term-opening congress (round 1) scheduled by x.d and
 * neither held nor SUPERSEDED then can be at risk (a mid-term congress has no calendar deadline, and is never overdue).
 */
export function riskJoins(c: string, o: string): string {
  const d = 'x.d';
  const child = `
    select 1
      from organization_placement cp
      left join congress cc on cc.organization_id = cp.organization_id and cc.term = ${c}.term and cc.round = 1 and ${scheduledBySql('cc', d)}
      left join lateral (select e.to_stage from congress_event e where e.congress_id = cc.id and e.effective_on <= ${d}
                          order by e.effective_on desc, e.id desc limit 1) cst on true
      cross join lateral (select ${planOnSql('cc', 'planned_end', d)} as p_end) cpl
     where cp.parent_id = ${c}.organization_id and ${validOn('cp', d)}
       and coalesce(cst.to_stage, 'NOT_STARTED') not in ${DONE}
       and (cpl.p_end is null or cpl.p_end >= rk_pl.p_start)`;
  return `
    join term rk_term on rk_term.code = ${c}.term
    left join risk_cal rk_cal on rk_cal.term = ${c}.term and rk_cal.level = ${o}.level
    left join risk_thr rk_thr on rk_thr.term = ${c}.term and rk_thr.level = ${o}.level
    cross join lateral (select ${planOnSql(c, 'planned_start', d)} as p_start, ${planOnSql(c, 'planned_end', d)} as p_end,
                               ${planOnSql(c, 'deadline_override', d)} as p_override) rk_pl
    left join lateral (select e.to_stage, e.effective_on from congress_event e where e.congress_id = ${c}.id and e.effective_on <= ${d}
                        order by e.effective_on desc, e.id desc limit 1) rk_ev on true
    cross join lateral (
      select coalesce(rk_ev.to_stage, 'NOT_STARTED') as stage,
             coalesce(rk_pl.p_override, rk_cal.deadline) as deadline,
             coalesce(rk_pl.p_end, rk_pl.p_start) as p_last,
             ${d} - coalesce(rk_ev.effective_on, ${c}.scheduled_on, rk_term.starts_on) as days_in_stage,
             (${c}.round = 1 and ${scheduledBySql(c, d)} and coalesce(rk_ev.to_stage, 'NOT_STARTED') not in ${DONE}) as open
    ) rk_s
    cross join lateral (
      select coalesce(rk_s.open and rk_s.p_last > rk_s.deadline, false) as ${riskColumn(RiskKind.PLANNED_AFTER_DEADLINE)},
             coalesce(rk_s.open and rk_pl.p_start is null and rk_pl.p_end is null
                      and rk_s.deadline >= ${d} and rk_s.deadline <= ${d} + rk_thr.window_days, false) as ${riskColumn(RiskKind.NOT_SCHEDULED_NEAR_DEADLINE)},
             coalesce(rk_s.open and rk_s.days_in_stage > rk_thr.stuck_days, false) as ${riskColumn(RiskKind.STUCK)},
             coalesce(rk_s.open and rk_s.stage = 'POSTPONED'
                      and (rk_s.deadline < ${d} or rk_s.p_last > rk_s.deadline), false) as ${riskColumn(RiskKind.POSTPONED_PAST_DEADLINE)},
             coalesce(rk_s.open and rk_pl.p_start is not null and exists (${child}), false) as ${riskColumn(RiskKind.SUBORDINATES_BEHIND)}
    ) rk`;
}

/** `rk`'s flags as one text array of kinds, in the enum's order (a column list item). */
export const riskArraySql = () =>
  `array_remove(array[${RISK_KINDS.map((k) => `case when rk.${riskColumn(k)} then '${k}' end`).join(', ')}], null)::text[]`;

/** `count(*) filter (…)` per kind over `rk`, each aliased by the kind's name (a column list). */
export const riskCountsSql = () => RISK_KINDS.map((k) => `count(*) filter (where rk.${riskColumn(k)})::int as "${k}"`).join(', ');
