import type { Sql } from '../common/sql';
import { CongressStage, rank } from '../congress/congress.enums';
import { lastMainStage } from '../congress/congress.history';
import { scheduledBySql } from '../congress/congress.dated';
import { countedCongress } from '../congress/congress.sql';
import { validOn } from '../organization/organization.repository';
import { pendingOnSql } from '../restructuring/restructuring.repository';

/**
 * The readiness checklist of an organisation on a date, from live data. Computed for a submission on its day and
 * stored with the version (never recomputed); computed on the read date for `Organization.readinessChecklist`.
 *
 * - subordinate congresses: its direct children on the date whose congress counts (the current term's round 1, not
 *   SUPERSEDED; none scheduled counts as NOT_STARTED), and those held (HELD or RESULTS_CONFIRMED) — the same numbers as
 *   `progress(scope: CHILDREN)` on that date;
 * - its own congress (the current term's round 1, scheduled by the date) and its stage on the date. Stages map to the
 *   two booleans by the main line: `documentsDrafted` once it reached DOCUMENTS_DRAFTED (or PERSONNEL_PLANNED, APPROVED,
 *   HELD, RESULTS_CONFIRMED); `personnelPlanApproved` once it reached APPROVED (the superior approved documents and
 *   personnel; PERSONNEL_PLANNED is a plan not yet approved), or HELD, RESULTS_CONFIRMED. A POSTPONED congress keeps
 *   the stage it had reached before the postponement; a SUPERSEDED one (it will not take place) has neither;
 * - pending restructurings: restructurings pending on the date (PROPOSED or APPROVED then: proposed on or before it,
 *   neither in effect nor cancelled by then) with any participant (any role) in its subtree on the date, itself
 *   included;
 * - open complaints: complaints and denunciations about its own congress, RECEIVED or IN_PROGRESS, as counted on the
 *   date.
 */
export interface ChecklistData {
  subordinateCongressesExpected: number;
  subordinateCongressesHeld: number;
  documentsDrafted: boolean;
  personnelPlanApproved: boolean;
  pendingRestructurings: number;
  openComplaints: number;
  /** The own congress's stage on `computedOn` (null: none scheduled by then). */
  congressStage: CongressStage | null;
  computedOn: string;
}

interface ChecklistRow {
  key: string;
  expected: number;
  held: number;
  congressId: string | null;
  stages: CongressStage[] | null;
  pending: number;
  open: number;
}

/** The stage a congress has reached for the checklist: POSTPONED keeps the interrupted stage (see ChecklistData). */
function reached(stages: readonly CongressStage[]): CongressStage {
  const last = stages[stages.length - 1] ?? CongressStage.NOT_STARTED;
  if (last === CongressStage.SUPERSEDED) return last;
  return lastMainStage(stages.map((toStage) => ({ toStage, effectiveOn: '' })));
}

const atLeast = (stage: CongressStage, min: CongressStage) => stage !== CongressStage.SUPERSEDED && rank(stage) >= rank(min);

function toData(row: ChecklistRow | undefined, date: string): ChecklistData & { congressId: string | null } {
  const stages = row?.stages ?? [];
  const has = !!row?.congressId;
  const stage = reached(stages);
  return {
    subordinateCongressesExpected: row?.expected ?? 0,
    subordinateCongressesHeld: row?.held ?? 0,
    documentsDrafted: has && atLeast(stage, CongressStage.DOCUMENTS_DRAFTED),
    personnelPlanApproved: has && atLeast(stage, CongressStage.APPROVED),
    pendingRestructurings: row?.pending ?? 0,
    openComplaints: row?.open ?? 0,
    congressStage: has ? (stages[stages.length - 1] ?? CongressStage.NOT_STARTED) : null,
    computedOn: date,
    congressId: row?.congressId ?? null,
  };
}

/** The checklists of many organisations on one date: one statement. `congressId`: its own congress (null: none). */
export async function checklistsOn(sql: Sql, ids: readonly string[], date: string): Promise<Map<string, ChecklistData & { congressId: string | null }>> {
  const rows = await sql<ChecklistRow>(
    `with x as (select ?::date as d)
     select k.id as key, sub.expected, sub.held, oc.id as "congressId", own.stages, rs.pending, coalesce(cm.open, 0)::int as open
       from x cross join unnest(?::uuid[]) as k(id)
       cross join lateral (
         select count(*) filter (where s.stage <> 'SUPERSEDED')::int as expected,
                count(*) filter (where s.stage in ('HELD', 'RESULTS_CONFIRMED'))::int as held
           from organization_placement p
           left join congress c on ${countedCongress('c', 'p.organization_id')} and ${scheduledBySql('c', 'x.d')}
           cross join lateral (
             select coalesce((select e.to_stage from congress_event e where e.congress_id = c.id and e.effective_on <= x.d
                               order by e.effective_on desc, e.id desc limit 1), 'NOT_STARTED') as stage) s
          where p.parent_id = k.id and ${validOn('p', 'x.d')}) sub
       left join congress oc on ${countedCongress('oc', 'k.id')} and ${scheduledBySql('oc', 'x.d')}
       left join lateral (
         select array_agg(e.to_stage order by e.effective_on, e.id) as stages
           from congress_event e where e.congress_id = oc.id and e.effective_on <= x.d) own on true
       cross join lateral (
         select count(distinct rp.restructuring_id)::int as pending
           from organization_placement sp
           join restructuring_participant rp on rp.organization_id = sp.organization_id
          where sp.path @> array[k.id] and ${validOn('sp', 'x.d')} and ${pendingOnSql('rp.restructuring_id', 'x.d')}) rs
       left join lateral (
         select sum(v.count)::int as open
           from (select distinct on (cc.kind, cc.status) cc.status, cc.count
                   from congress_complaint_count cc
                  where cc.congress_id = oc.id and cc.effective_on <= x.d
                  order by cc.kind, cc.status, cc.effective_on desc, cc.id desc) v
          where v.status <> 'RESOLVED') cm on true`,
    [date, ids],
  );
  const byKey = new Map(rows.map((r) => [r.key, r]));
  return new Map(ids.map((id) => [id, toData(byKey.get(id), date)]));
}

/** The stored form of a checklist (what a version keeps). */
export function storedChecklist(data: ChecklistData & { congressId?: string | null }): ChecklistData {
  const { congressId: _omit, ...stored } = data;
  return stored;
}
