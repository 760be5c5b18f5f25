import type { SortKey } from '../common/connection';
import { keysetPage, keysetPageSql, type KeysetRow, type Lateral, type Sql } from '../common/sql';
import { PARENT_ROLES, ParticipantRole, type RestructuringKind, type RestructuringStatus } from './restructuring.enums';

const ROLE_ORDER = Object.values(ParticipantRole);

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
  oldParentId: string | null;
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
  /** The day the status took effect: PROPOSED the proposal's date, APPROVED the decision date, CANCELLED the day given, EFFECTIVE the effective date. */
  effectiveOn: string;
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
            old_parent_id as "oldParentId", new_name as "newName", new_short_name as "newShortName", created_by_restructuring as "createdByRestructuring"
       from restructuring_participant where restructuring_id = any(?::uuid[]) order by restructuring_id, position`,
    [ids],
  );
}

export async function statusEventsOf(sql: Sql, ids: readonly string[]): Promise<StatusEventRow[]> {
  return sql(
    `select restructuring_id as "restructuringId", from_status as "fromStatus", to_status as "toStatus", actor, note,
            effective_on as "effectiveOn", recorded_at as "recordedAt"
       from restructuring_event where restructuring_id = any(?::uuid[]) order by id`,
    [ids],
  );
}

/**
 * SQL: restructuring `r` (an id expression) was pending (PROPOSED or APPROVED) at the end of day `d` (an expression
 * that may be repeated): proposed on or before `d`, and neither in effect nor cancelled by then. A status takes effect
 * on the day of its event (restructuring_event.effective_on: proposedOn, the decision date, the cancellation's date,
 * the effective date).
 */
export const pendingOnSql = (r: string, d: string) =>
  `(exists (select 1 from restructuring_event pe where pe.restructuring_id = ${r} and pe.to_status = 'PROPOSED' and pe.effective_on <= ${d})
    and not exists (select 1 from restructuring_event pe where pe.restructuring_id = ${r} and pe.to_status in ('EFFECTIVE', 'CANCELLED') and pe.effective_on <= ${d}))`;

/** The roles that claim an organisation: it takes part in at most one pending restructuring in one of them. */
export const CLAIMING_ROLES_SQL = `('${ParticipantRole.SOURCE}', '${ParticipantRole.TARGET}', '${ParticipantRole.MOVED}')`;

/**
 * SQL rows (organization_id): the organisations claimed by a restructuring pending on day `d` (see pendingOnSql).
 * Followers (MOVED with `follows`: recorded when a MERGE or ABSORB is applied) were never claimed.
 */
export const claimedOnSql = (d: string) =>
  `select distinct cp.organization_id from restructuring_participant cp
    where cp.role in ${CLAIMING_ROLES_SQL} and not cp.follows and ${pendingOnSql('cp.restructuring_id', d)}`;

/**
 * The restructuring pending on each (organisation, date) pair: the one claiming it (it ends, is created, renamed or
 * moved), else the earliest by effective date in which it gives or receives a child (a parent may be in several).
 */
export async function pendingFor(sql: Sql, keys: readonly { id: string; date: string }[]): Promise<{ keyIndex: number; restructuringId: string }[]> {
  return sql(
    `select (k.i - 1)::int as "keyIndex", x.rid as "restructuringId"
       from unnest(?::uuid[], ?::date[]) with ordinality as k(id, d, i)
       cross join lateral (
         select p.restructuring_id as rid
           from restructuring_participant p join restructuring r on r.id = p.restructuring_id
          where p.organization_id = k.id and (p.role in ${CLAIMING_ROLES_SQL} or p.role = any(?::text[])) and ${pendingOnSql('r.id', 'k.d')}
          order by (p.role in ${CLAIMING_ROLES_SQL} and not p.follows) desc, r.effective_on nulls last, r.created_at, r.id limit 1
       ) x`,
    [keys.map((k) => k.id), keys.map((k) => k.date), PARENT_ROLES],
  );
}

/** A restructuring an organisation is touched by, with its roles in it (in the enum's order). */
export type RoleRow = RestructuringRow & { roles: ParticipantRole[]; sortValue: string };

export interface RolePage {
  rows: RoleRow[];
  total: number;
}

/** The order of an organisation's restructurings: effective date (planned or decided; none last), proposal time, id. */
const ROLE_SORT = `coalesce(r.effective_on::text, '9999-12-31') || ' ' || to_char(r.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;

/** Pages of the restructurings that touch each of many organisations, oldest first, with the roles; total per one. */
export async function restructuringPagesOf(sql: Sql, orgIds: readonly string[], q: { first: number; after: SortKey | null }): Promise<Map<string, RolePage>> {
  const params: unknown[] = [orgIds, ROLE_ORDER];
  let cursor = '';
  if (q.after) {
    cursor = 'where (x."sortValue", x.id) > (?::text collate "C", ?::uuid)';
    params.push(q.after[0], q.after[1]);
  }
  params.push(q.first + 1);
  const rows = await sql<{ key: string; total: number } & Lateral<RoleRow>>(
    `select k.id as key, cnt.total, page.*
       from unnest(?::uuid[]) as k(id)
       cross join lateral (select count(distinct restructuring_id)::int as total from restructuring_participant where organization_id = k.id) cnt
       left join lateral (
         select * from (
           select ${COLUMNS}, (${ROLE_SORT}) collate "C" as "sortValue", s.roles
             from (select restructuring_id, array_agg(role order by array_position(?::text[], role)) as roles
                     from restructuring_participant where organization_id = k.id group by restructuring_id) s
             join restructuring r on r.id = s.restructuring_id
         ) x ${cursor}
         order by x."sortValue", x.id
         limit ?
       ) page on true
      order by k.id, page."sortValue" collate "C", page.id`,
    params,
  );
  const pages = new Map<string, RolePage>();
  for (const { key, total, ...row } of rows) {
    const page = pages.get(key) ?? { rows: [], total };
    if (row.id !== null) page.rows.push(row);
    pages.set(key, page);
  }
  return pages;
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
  const rows = await sql<KeysetRow<RestructuringRow & { sortValue: string }>>(
    `with f as (${filtered}) ${keysetPageSql({ after: !!q.after, descending: true })}`,
    [...params, ...(q.after ?? []), q.first + 1],
  );
  return keysetPage(rows);
}
