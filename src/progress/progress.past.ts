import type { Sql } from '../common/sql';
import type { CongressStage } from '../congress/congress.enums';
import { LEVELS } from '../organization/organization.levels';
import { add, FIELDS, zero } from './progress.columns';
import { emptyProgress, fromCounters, fromLive, type ProgressData } from './progress.compute';
import { contributionOf } from './progress.maintenance';
import { dateLiteral, stateOnSql, type CounterRow, type LiveRow } from './progress.repository';
import { closedLateSql, countedCongress, currentCalendar } from './progress.sql';
import { validOn } from '../organization/organization.repository';
import { scheduledBySql } from '../congress/congress.dated';

/**
 * A subtree's roll-up on a past date D (before the latest dated change) from its counters, without recomputing the
 * subtree:
 *
 *   progress(A, D) = counters(A) − Σ contribution now of x (x below A now) + Σ contribution on D of x (x below A on D)
 *
 * over x in Changed(D): the organisations one of whose dated facts has a date after D — a congress event effective
 * after D, a congress scheduled or re-planned after D (its plan's history), a member count changed after D, a placement
 * starting or ending after D (a move closes and reopens the placement of every organisation of the moved subtree, so
 * they are all there), a status change after D of a restructuring it takes part in. Every other organisation has, on
 * D, the same placement (so the same ancestors), stage, plan, member count and pending flag as in the latest state the
 * counters hold: its contribution is the same on both sides and cancels out. Changed(D) may hold more than that (an
 * organisation whose change did not alter its contribution): it is then subtracted and added back unchanged.
 *
 * The "now" contributions are the counters' own (contributionOf over the same columns as `contributions`), the "on D"
 * ones the live statement's own (stateOnSql, the expressions liveGroups reads). Overdue on D is then exact: an
 * unchanged organisation's open congress has the same deadline on D as now, its own (an override bucket) or its level's
 * in the calendar on D (fromCounters with that calendar). Held late is not: the counters compare closing days with the
 * calendar as it is now, so when a level's calendar deadline on D differs from the latest one the caller must use the
 * live statement (sameDeadlines). All of it is one statement, whatever the number of keys, that reads the keys'
 * counters too (one snapshot). Its cost is that of Changed(D), not of the subtrees: the caller caps it (`cap`) and goes
 * live past it.
 */

/**
 * A group of changed organisations as the counters hold them now (the columns `contributions` reads): a live group's
 * shape, but without a congress its stage and pilot are null, and `deadline` is its congress's own (deadline_override).
 */
export type NowRow = Omit<LiveRow, 'stage' | 'pilot'> & { stage: CongressStage | null; pilot: boolean | null };

export interface PastDelta {
  /** Changed(D) had more than `cap` entries (counted with repeats): nothing else was computed. */
  overflow: boolean;
  /** The keys' counters, read in the same statement as the rest. */
  counters: Map<string, CounterRow>;
  /** By key: the organisations below it whose only change is a restructuring's status: pending on D less pending now. */
  pending: Map<string, number>;
  /** By key: the changed organisations below it now, as the counters hold them. */
  now: Map<string, NowRow[]>;
  /** By key: the changed organisations below it on D, as the live statement reads them. */
  on: Map<string, LiveRow[]>;
}

/**
 * SQL selects of one column (an organisation id, with repeats), one per kind of dated fact, of the organisations
 * with such a fact after `day` (an SQL date): each reads a range of an index on a dated column (migration 17 adds the
 * two that were missing). `pendingOnly`: a status change of a restructuring they take part in, which can change their
 * pending flag and nothing else.
 */
export const changedAfterSql = (day: string): { other: string[]; pendingOnly: string } => ({
  other: [
    `select c.organization_id from congress_event e join congress c on c.id = e.congress_id where e.effective_on > ${day}`,
    `select c.organization_id from congress c where c.scheduled_on > ${day}`,
    `select c.organization_id from congress c where c.planned_since > ${day}`,
    `select c.organization_id from congress_plan_history h join congress c on c.id = h.congress_id where h.valid_to > ${day}`,
    `select o.id from organization o where o.members_since > ${day}`,
    `select h.organization_id from organization_member_count h where h.valid_to > ${day}`,
    `select p.organization_id from organization_placement p where p.valid_from > ${day}`,
    `select p.organization_id from organization_placement p where p.valid_to > ${day}`,
  ],
  pendingOnly: `select rp.organization_id from restructuring_event re join restructuring_participant rp on rp.restructuring_id = re.restructuring_id
                 where re.effective_on > ${day}`,
});

type DeltaRow = (LiveRow | NowRow) & { side: 'on' | 'now' | 'pending' | 'probe'; extra: ProbeExtra | null };

/** What the probe row carries: the count of Changed(D) read (up to cap + 1), and the keys' counters in the same snapshot. */
interface ProbeExtra {
  counters: (Record<string, number | string> & { organization_id: string })[];
  overrides: { organization_id: string; level: string; deadline: string; open: number }[];
}

/**
 * The changed organisations below each key on D and now, grouped like the live statement's rows, with the keys'
 * counters read in the same statement (one snapshot: a write committed meanwhile is in both or in neither); nothing
 * (overflow) when Changed(D) has more than `cap` entries, found by reading at most cap + 1 of them. An organisation
 * whose only change after D is a restructuring's status counts only by the difference of its pending flag (pending on
 * D less pending now): its placement, congress, plan and members are the same on both sides.
 */
export async function pastDelta(sql: Sql, ids: readonly string[], d: string, cap: number): Promise<PastDelta> {
  if (!Number.isSafeInteger(cap) || cap < 0) throw new Error(`bad cap ${cap}`);
  const day = dateLiteral(d);
  const changedAfter = changedAfterSql(day);
  // The probe reads the branches with repeats and stops at cap + 1; the sets below are written as unions of the same
  // branches (not read from a common table) so that the planner estimates their size from the indexes: a few
  // organisations are looked up one by one, many are joined by hashing.
  // current_schema() is parallel unsafe: naming it keeps the planner from starting parallel workers for this statement,
  // which reads a few thousand rows by index when few organisations changed (starting the workers cost more than the
  // whole statement on a busy machine: 50-90 ms), and gains little when many did (its joins are not parallel).
  const mine = `probe as (select count(*)::int as n from (select 1 from (${[...changedAfter.other, changedAfter.pendingOnly].join(' union all ')}) z limit ${cap + 1}) y
                 where current_schema() is not null),
          changed as materialized (select u.id from (${changedAfter.other.join(' union ')}) as u(id) where (select n from probe) <= ${cap}),
          pending_only as materialized (
            select u.id from (${changedAfter.pendingOnly}) as u(id) where (select n from probe) <= ${cap}
            except select id from changed)`;
  const state = stateOnSql(day);
  const on = state.columns;
  // Each changed organisation is read once: its state now (the columns `contributions` reads, for contributionOf) and
  // its state on D (stateOnSql, as the live statement reads it: its congress only if scheduled by D), each counted for
  // the keys above it then (its open placement, its placement on D; none: not in the tree then).
  const rows = await sql<DeltaRow>(
    `with ${mine}, ${state.ctes}
     select k.id as key, v.level, v.stage, v.pilot, v.mode, v.deadline, v."closedLate", v.pending, count(*)::int as n, sum(v.members)::bigint as members,
            v.side, null::json as extra
       from (select o.*, pn.path as now_path, pd.path as on_path, ${closedLateSql('cn', 'tcn')} as now_closed_late, (rp.organization_id is not null) as now_pending,
                    cn.stage as now_stage, cn.pilot as now_pilot, cn.mode as now_mode, cn.deadline_override as now_deadline,
                    cn.id as c_id, cn.pilot as c_pilot, cn.mode as c_mode, cn.held_end as c_held_end, cn.planned_since as c_planned_since,
                    cn.deadline_override as c_deadline_override, ${scheduledBySql('cn', day)} as c_scheduled
               from changed ch
               join organization o on o.id = ch.id
               left join organization_placement pn on pn.organization_id = o.id and pn.valid_to is null
               left join organization_placement pd on pd.organization_id = o.id and ${validOn('pd', day)}
               left join congress cn on ${countedCongress('cn', 'o.id')}
               left join term_calendar tcn on ${currentCalendar('tcn', 'o.level')}
               left join restructuring_pending rp on rp.organization_id = o.id
             offset 0) o
       left join lateral (select o.c_id as id, o.c_pilot as pilot, o.c_mode as mode, o.c_held_end as held_end, o.c_planned_since as planned_since,
                                 o.c_deadline_override as deadline_override
                           where o.c_scheduled) c on true
       ${state.joins}
       cross join lateral (values
         ('now'::text, o.now_path, o.level, o.now_stage, o.now_pilot, o.now_mode, o.now_deadline::text, o.now_closed_late, o.now_pending, o.member_count::bigint),
         ('on', o.on_path, ${on.level}, ${on.stage}, ${on.pilot}, ${on.mode}, (${on.deadline})::text, ${on.closed_late}, ${on.pending}, (${on.members})::bigint)
       ) as v(side, path, level, stage, pilot, mode, deadline, "closedLate", pending, members)
       cross join lateral unnest(v.path[1:cardinality(v.path) - 1]) as k(id)
      where k.id = any(?::uuid[])
      group by 1, 2, 3, 4, 5, 6, 7, 8, 11
     union all
     select k.id, null, null, null, null, null, null, null,
            (count(cl.organization_id) - count(rp.organization_id))::int, null, 'pending', null
       from pending_only po
       join organization_placement p on p.organization_id = po.id and p.valid_to is null
       left join restructuring_pending rp on rp.organization_id = po.id
       left join claimed cl on cl.organization_id = po.id
       cross join lateral unnest(p.path[1:cardinality(p.path) - 1]) as k(id)
      where k.id = any(?::uuid[])
      group by 1
     union all
     select null, null, null, null, null, null, null, null, (select n from probe), null, 'probe',
            json_build_object(
              'counters', (select coalesce(json_agg(pc), '[]') from progress_counter pc where pc.organization_id = any(?::uuid[])),
              'overrides', (select coalesce(json_agg(json_build_object('organization_id', po.organization_id, 'level', po.level, 'deadline', po.deadline, 'open', po.open)), '[]')
                              from progress_override po where po.organization_id = any(?::uuid[])))`,
    [ids, ids, ids, ids],
  );
  const probe = rows.find((r) => r.side === 'probe');
  const out: PastDelta = { overflow: !probe || probe.n > cap, counters: new Map(), now: new Map(), on: new Map(), pending: new Map() };
  if (out.overflow || !probe?.extra) return out;
  for (const c of probe.extra.counters) {
    const overrides = probe.extra.overrides.filter((o) => o.organization_id === c.organization_id).map(({ level, deadline, open }) => ({ level, deadline, open }));
    out.counters.set(c.organization_id, { organizationId: c.organization_id, watermark: null, counters: Object.fromEntries(FIELDS.map((f) => [f, Number(c[f])])), overrides });
  }
  for (const r of rows) {
    if (r.side === 'probe') continue;
    if (r.side === 'pending') {
      out.pending.set(r.key, (out.pending.get(r.key) ?? 0) + r.n);
      continue;
    }
    const into = r.side === 'now' ? out.now : out.on;
    const list = into.get(r.key) ?? [];
    if (!list.length) into.set(r.key, list);
    (list as DeltaRow[]).push(r);
  }
  return out;
}

/**
 * One key's roll-up on `date`: its counters less its changed organisations as the counters hold them (contributionOf:
 * their vectors and override buckets), read with the calendar of `date`, plus the same organisations as they stood on
 * `date` (fromLive). `calendar`: the calendar deadlines on `date` by level, equal to the latest ones (sameDeadlines).
 */
export function pastProgress(
  counter: CounterRow | undefined,
  now: readonly NowRow[],
  on: readonly LiveRow[],
  pending: number,
  calendar: Map<string, string>,
  date: string,
): ProgressData {
  const counters = counter ? { ...counter.counters } : zero();
  const overrides = counter ? [...counter.overrides] : [];
  for (const r of now) {
    const c = contributionOf({
      id: r.key,
      level: r.level,
      memberCount: 0, // the group's members are its sum, below
      path: [r.key],
      stage: r.stage,
      pilot: r.pilot,
      mode: r.mode,
      deadlineOverride: r.deadline,
      closedLate: r.closedLate,
      pending: r.pending,
    });
    add(counters, c.vector, -r.n);
    counters.members -= Number(r.members);
    if (c.bucket) overrides.push({ level: c.bucket.level, deadline: c.bucket.deadline, open: -r.n });
  }
  counters.pending += pending;
  const base = fromCounters({ organizationId: counter?.organizationId ?? '', watermark: counter?.watermark ?? null, counters, overrides }, calendar, date);
  return plus(base, fromLive([...on], date));
}

/** The sum of two roll-ups (disjoint sets of organisations). */
export function plus(a: ProgressData, b: ProgressData): ProgressData {
  const p = emptyProgress();
  for (const k of ['organizations', 'expected', 'held', 'overdue', 'heldLate', 'members', 'pilotHeld', 'twoContent', 'postponed', 'pending'] as const) p[k] = a[k] + b[k];
  for (const s of p.byStage.keys()) p.byStage.set(s, (a.byStage.get(s) ?? 0) + (b.byStage.get(s) ?? 0));
  for (const l of LEVELS) {
    const x = a.byLevel.get(l)!;
    const y = b.byLevel.get(l)!;
    p.byLevel.set(l, {
      organizations: x.organizations + y.organizations,
      expected: x.expected + y.expected,
      held: x.held + y.held,
      overdue: x.overdue + y.overdue,
      heldLate: x.heldLate + y.heldLate,
    });
  }
  return p;
}

/** The calendar deadlines on the date read are the latest ones, level by level (else held late differs: go live). */
export function sameDeadlines(on: Map<string, string>, latest: Map<string, string>): boolean {
  return on.size === latest.size && [...latest].every(([level, deadline]) => on.get(level) === deadline);
}
