import type { SortKey } from '../common/connection';
import { keysetPageSql, type Sql } from '../common/sql';
import type { ParticipantRole, RestructuringKind, RestructuringStatus } from './restructuring.enums';

/** SQL reads of restructurings, participants and lineage; each answers many keys in one statement. */

export interface RestructuringRow {
  id: string;
  kind: RestructuringKind;
  status: RestructuringStatus;
  title: string;
  note: string | null;
  decisionNumber: string | null;
  decisionDate: string | null;
  issuer: string | null;
  effectiveOn: string | null;
  version: number;
  createdAt: Date;
}

export interface ParticipantRow {
  restructuringId: string;
  organizationId: string;
  role: ParticipantRole;
  position: number;
  newParentId: string | null;
  newName: string | null;
  newShortName: string | null;
  createdByRestructuring: boolean;
}

export interface StatusEventRow {
  restructuringId: string;
  fromStatus: RestructuringStatus | null;
  toStatus: RestructuringStatus;
  actor: string | null;
  note: string | null;
  recordedAt: Date;
}

const COLUMNS = `r.id, r.kind, r.status, r.title, r.note, r.decision_number as "decisionNumber", r.decision_date as "decisionDate",
  r.issuer, r.effective_on as "effectiveOn", r.version, r.created_at as "createdAt"`;

export async function restructuringsByIds(sql: Sql, ids: readonly string[]): Promise<RestructuringRow[]> {
  return sql(`select ${COLUMNS} from restructuring r where r.id = any(?::uuid[])`, [ids]);
}

export async function participantsOf(sql: Sql, ids: readonly string[]): Promise<ParticipantRow[]> {
  return sql(
    `select restructuring_id as "restructuringId", organization_id as "organizationId", role, position, new_parent_id as "newParentId",
            new_name as "newName", new_short_name as "newShortName", created_by_restructuring as "createdByRestructuring"
       from restructuring_participant where restructuring_id = any(?::uuid[]) order by restructuring_id, position`,
    [ids],
  );
}

export async function statusEventsOf(sql: Sql, ids: readonly string[]): Promise<StatusEventRow[]> {
  return sql(
    `select restructuring_id as "restructuringId", from_status as "fromStatus", to_status as "toStatus", actor, note, recorded_at as "recordedAt"
       from restructuring_event where restructuring_id = any(?::uuid[]) order by id`,
    [ids],
  );
}

export async function pendingFor(sql: Sql, orgIds: readonly string[]): Promise<{ organizationId: string; restructuringId: string }[]> {
  return sql(`select organization_id as "organizationId", restructuring_id as "restructuringId" from restructuring_pending where organization_id = any(?::uuid[])`, [orgIds]);
}

/** Every restructuring an organisation took part in (any role, or as the new parent of a move), oldest first. */
export async function restructuringIdsOf(sql: Sql, orgIds: readonly string[]): Promise<{ organizationId: string; restructuringId: string }[]> {
  return sql(
    `select distinct x.org as "organizationId", x.rid as "restructuringId", r.created_at
       from (select organization_id as org, restructuring_id as rid from restructuring_participant where organization_id = any(?::uuid[])
             union select new_parent_id, restructuring_id from restructuring_participant where new_parent_id = any(?::uuid[])) x
       join restructuring r on r.id = x.rid
      order by r.created_at`,
    [orgIds, orgIds],
  );
}

export async function lineageOf(sql: Sql, orgIds: readonly string[], direction: 'predecessors' | 'successors'): Promise<{ key: string; other: string }[]> {
  const [key, other] = direction === 'predecessors' ? ['successor_id', 'predecessor_id'] : ['predecessor_id', 'successor_id'];
  return sql(`select ${key} as key, ${other} as other from organization_lineage where ${key} = any(?::uuid[]) order by effective_on, ${other}`, [orgIds]);
}

export interface RestructuringSearch {
  under: string | null;
  status: RestructuringStatus | null;
  kind: RestructuringKind | null;
  from: string | null;
  to: string | null;
  first: number;
  after: SortKey | null;
}

/** Restructurings, newest effective date first (undecided ones first of all), filtered; keyset paging. */
export async function searchRestructurings(sql: Sql, q: RestructuringSearch): Promise<{ rows: (RestructuringRow & { sortValue: string })[]; total: number }> {
  const where: string[] = ['true'];
  const params: unknown[] = [];
  if (q.under) {
    // Any participant (or the new parent of a move) that is, or ever was, at or below that organisation.
    where.push(`exists (select 1 from restructuring_participant rp
                          join organization_placement p on p.organization_id in (rp.organization_id, rp.new_parent_id)
                         where rp.restructuring_id = r.id and p.path @> array[?::uuid])`);
    params.push(q.under);
  }
  if (q.status) {
    where.push('r.status = ?');
    params.push(q.status);
  }
  if (q.kind) {
    where.push('r.kind = ?');
    params.push(q.kind);
  }
  if (q.from) {
    where.push('r.effective_on >= ?::date');
    params.push(q.from);
  }
  if (q.to) {
    where.push('r.effective_on <= ?::date');
    params.push(q.to);
  }
  const filtered = `select ${COLUMNS}, coalesce(r.effective_on::text, '9999-12-31') collate "C" as "sortValue" from restructuring r where ${where.join(' and ')}`;
  const rows = await sql<RestructuringRow & { sortValue: string; total: number }>(
    `with f as (${filtered}) ${keysetPageSql({ after: !!q.after, descending: true })}`,
    [...params, ...(q.after ?? []), q.first + 1],
  );
  return { rows: rows.filter((r) => r.id != null), total: rows[0]?.total ?? 0 };
}
