import type { Sql } from '../common/sql';
import { validOn } from '../organization/organization.repository';
import type { ChecklistData } from './readiness.checklist';
import type { ReadinessStatus } from './readiness.enums';

/** SQL reads and writes of readiness reports (table readiness_report, migration 14). */

export interface ReportRow {
  id: string;
  organizationId: string;
  congressId: string | null;
  version: number;
  /** The latest status (a read on a date derives the status then: see statusOn). */
  status: ReadinessStatus;
  narrative: string | null;
  checklist: ChecklistData | null;
  submittedOn: string | null;
  submittedAt: Date | null;
  submittedById: string | null;
  submittedByName: string | null;
  returnReason: string | null;
  decidedOn: string | null;
  decidedAt: Date | null;
  decidedById: string | null;
  decidedByName: string | null;
}

const COLUMNS = `r.id, r.organization_id as "organizationId", r.congress_id as "congressId", r.version, r.status, r.narrative, r.checklist,
  r.submitted_on as "submittedOn", r.submitted_at as "submittedAt", r.submitted_by_id as "submittedById", r.submitted_by_name as "submittedByName",
  r.return_reason as "returnReason", r.decided_on as "decidedOn", r.decided_at as "decidedAt", r.decided_by_id as "decidedById", r.decided_by_name as "decidedByName"`;

export async function reportsByIds(sql: Sql, ids: readonly string[]): Promise<ReportRow[]> {
  return sql<ReportRow>(`select ${COLUMNS} from readiness_report r where r.id = any(?::uuid[])`, [ids]);
}

/** Every report of many organisations (the open draft included), newest version first. */
export async function reportsOfOrganizations(sql: Sql, orgIds: readonly string[]): Promise<ReportRow[]> {
  return sql<ReportRow>(`select ${COLUMNS} from readiness_report r where r.organization_id = any(?::uuid[]) order by r.organization_id, r.version desc`, [orgIds]);
}

/** The report with its row locked for the transaction (null: none). */
export async function lockReport(sql: Sql, id: string): Promise<ReportRow | null> {
  const [row] = await sql<ReportRow>(`select ${COLUMNS} from readiness_report r where r.id = ? for update`, [id]);
  return row ?? null;
}

/**
 * The organisation's reports locked for the transaction, newest version first (the open draft included): a submission,
 * a draft and a decision on the same organisation wait for each other.
 */
export async function lockReportsOf(sql: Sql, orgId: string): Promise<ReportRow[]> {
  return sql<ReportRow>(`select ${COLUMNS} from readiness_report r where r.organization_id = ? order by r.version desc for update`, [orgId]);
}

/** The parent of an organisation on a date (null: a root, or not in the tree then). */
export async function parentOn(sql: Sql, orgId: string, date: string): Promise<string | null> {
  const [row] = await sql<{ parentId: string | null }>(
    `select p.parent_id as "parentId" from organization_placement p where p.organization_id = ? and ${validOn('p', '?::date')}`,
    [orgId, date, date],
  );
  return row?.parentId ?? null;
}

/** The status counts over the scope of each key on date `d`: each organisation's latest version submitted by then. */
export async function readinessCounts(sql: Sql, ids: readonly string[], d: string, scope: 'SUBTREE' | 'CHILDREN'): Promise<{ key: string; status: ReadinessStatus; n: number }[]> {
  const inScope = scope === 'SUBTREE' ? 'p.path @> array[k.id] and p.organization_id <> k.id' : 'p.parent_id = k.id';
  return sql(
    `select k.id as key, l.status, count(*)::int as n
       from (select ?::date as d) x
       cross join unnest(?::uuid[]) as k(id)
       join organization_placement p on ${inScope} and ${validOn('p', 'x.d')}
       cross join lateral (
         select case when r.decided_on is not null and r.decided_on <= x.d then r.status else 'SUBMITTED' end as status
           from readiness_report r
          where r.organization_id = p.organization_id and r.status <> 'DRAFT' and r.submitted_on <= x.d
          order by r.version desc limit 1) l
      group by 1, 2`,
    [d, ids],
  );
}

export interface NewVersion {
  id: string;
  organizationId: string;
  congressId: string;
  version: number;
  narrative: string;
  checklist: ChecklistData;
  submittedOn: string;
  submittedById: string | null;
  submittedByName: string;
}

/** A submitted version: a new row, or the open draft `draftId` turned into it. */
export async function insertSubmitted(sql: Sql, v: NewVersion, draftId: string | null): Promise<void> {
  const values = [v.congressId, v.narrative, JSON.stringify(v.checklist), v.submittedOn, v.submittedById, v.submittedByName];
  if (draftId) {
    await sql(
      `update readiness_report set status = 'SUBMITTED', congress_id = ?, narrative = ?, checklist = ?::jsonb, submitted_on = ?, submitted_at = now(),
              submitted_by_id = ?, submitted_by_name = ?, version = ?, updated_at = now()
        where id = ?`,
      [...values, v.version, draftId],
    );
    return;
  }
  await sql(
    `insert into readiness_report (id, organization_id, version, status, congress_id, narrative, checklist, submitted_on, submitted_at, submitted_by_id, submitted_by_name)
     values (?, ?, ?, 'SUBMITTED', ?, ?, ?::jsonb, ?, now(), ?, ?)`,
    [v.id, v.organizationId, v.version, ...values],
  );
}

/** Saves the organisation's open draft (inserted or overwritten). */
export async function upsertDraft(sql: Sql, d: { id: string; organizationId: string; version: number; narrative: string | null }): Promise<void> {
  await sql(
    `insert into readiness_report (id, organization_id, version, status, narrative) values (?, ?, ?, 'DRAFT', ?)
     on conflict (organization_id) where status = 'DRAFT' do update set narrative = excluded.narrative, version = excluded.version, updated_at = now()`,
    [d.id, d.organizationId, d.version, d.narrative],
  );
}

/** The parent's decision on a submitted version. */
export async function recordDecision(
  sql: Sql,
  id: string,
  d: { status: ReadinessStatus; returnReason: string | null; decidedOn: string; decidedById: string | null; decidedByName: string },
): Promise<void> {
  await sql(
    `update readiness_report set status = ?, return_reason = ?, decided_on = ?, decided_at = now(), decided_by_id = ?, decided_by_name = ?, updated_at = now()
      where id = ? and status = 'SUBMITTED'`,
    [d.status, d.returnReason, d.decidedOn, d.decidedById, d.decidedByName, id],
  );
}
