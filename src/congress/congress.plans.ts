import { UserErrorException } from '../common/errors';
import type { Sql } from '../common/sql';
import type { Plan } from './congress.dated';
import type { Congress } from './congress.entity';

/**
 * Planned dates are dated (migration 9): the congress row holds the plan — planned start and end, the deadline its
 * superior set — in force from `planned_since`; congress_plan_history keeps each plan it replaced with the days it
 * held. A first plan holds from the day the congress was scheduled (`scheduled_on`, migration 10: planned_since is set
 * to it), so the dates before have none; null: from the start (congresses scheduled before scheduling was dated).
 * Reads: congress.dated.ts.
 */

/**
 * Changes the plan of `congress` (locked, loaded for the change) from `effectiveOn`: not in the future (FUTURE_DATE),
 * not before the plan's last change (OUT_OF_ORDER). The plan it replaces is kept for the dates before (unless it took
 * effect that same day); the entity's fields are set for the caller's flush. Fields left undefined stay as they are.
 */
export async function replan(sql: Sql, congress: Congress, next: Partial<Plan>, effectiveOn: string, today: string, field: string[]): Promise<void> {
  if (effectiveOn > today) throw UserErrorException.of('FUTURE_DATE', `${effectiveOn} is in the future (today is ${today}).`, field);
  const since = congress.plannedSince ?? null;
  if (since && effectiveOn < since) {
    throw UserErrorException.of('OUT_OF_ORDER', `The plan already has a change effective ${since}; record changes in date order.`, field);
  }
  const was: Plan = { plannedStart: congress.plannedStart ?? null, plannedEnd: congress.plannedEnd ?? null, deadlineOverride: congress.deadlineOverride ?? null };
  const plan: Plan = {
    plannedStart: next.plannedStart !== undefined ? next.plannedStart : was.plannedStart,
    plannedEnd: next.plannedEnd !== undefined ? next.plannedEnd : was.plannedEnd,
    deadlineOverride: next.deadlineOverride !== undefined ? next.deadlineOverride : was.deadlineOverride,
  };
  if (plan.plannedStart === was.plannedStart && plan.plannedEnd === was.plannedEnd && plan.deadlineOverride === was.deadlineOverride) return;
  if (!since || effectiveOn > since) {
    await sql(
      `insert into congress_plan_history (congress_id, planned_start, planned_end, deadline_override, valid_from, valid_to) values (?, ?, ?, ?, ?, ?)`,
      [congress.id, was.plannedStart, was.plannedEnd, was.deadlineOverride, since, effectiveOn],
    );
  }
  congress.plannedStart = plan.plannedStart;
  congress.plannedEnd = plan.plannedEnd;
  congress.deadlineOverride = plan.deadlineOverride;
  congress.plannedSince = effectiveOn;
}
