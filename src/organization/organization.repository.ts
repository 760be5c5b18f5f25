import type { Lateral, Sql } from '../common/sql';
import type { SortKey } from '../common/connection';
import type { OrganizationLevel } from './organization.levels';
import { MEMBER_COLUMNS, type DatedMembers } from './organization.members';

/** SQL reads of the tree. Every function answers many keys in one statement. */

/** The latest state of an organisation; its member count is dated (`membersOn` reads it on a date). */
export interface OrganizationRow extends DatedMembers {
  id: string;
  code: string;
  name: string;
  shortName: string | null;
  level: OrganizationLevel;
  aboveBasePowers: boolean;
  memberCount: number;
  establishedOn: string;
  endedOn: string | null;
  version: number;
  sortKey: string;
  /** Has earlier names (organization_name): `name` then depends on the date read. */
  renamed: boolean;
  /** Created by a proposed restructuring, not in the tree yet. */
  pendingEstablishment: boolean;
}

export interface PlacementRow {
  organizationId: string;
  parentId: string | null;
  path: string[];
  depth: number;
  validFrom: string;
  validTo: string | null;
}

export const ORG_COLUMNS = `o.id, o.code, o.name, o.short_name as "shortName", o.level, o.above_base_powers as "aboveBasePowers",
  o.member_count as "memberCount", o.established_on as "establishedOn", o.ended_on as "endedOn", o.version, o.sort_key as "sortKey",
  o.renamed, o.pending_establishment as "pendingEstablishment", ${MEMBER_COLUMNS}`;

const PLACEMENT_COLUMNS = `p.organization_id as "organizationId", p.parent_id as "parentId", p.path, p.depth,
  p.valid_from as "validFrom", p.valid_to as "validTo"`;

/** `p` is valid on date `d` (half-open interval). */
export const validOn = (p: string, d: string) => `${p}.valid_from <= ${d} and (${p}.valid_to is null or ${p}.valid_to > ${d})`;

export async function organizationsByIds(sql: Sql, ids: readonly string[]): Promise<OrganizationRow[]> {
  return sql<OrganizationRow>(`select ${ORG_COLUMNS} from organization o where o.id = any(?::uuid[])`, [ids]);
}

/** An organisation with its open placement (null: not in the tree now), read in the same statement. */
export type OrganizationWithPlacement = OrganizationRow & { currentPlacement: PlacementRow | null };

export async function organizationsWithPlacementByIds(sql: Sql, ids: readonly string[]): Promise<OrganizationWithPlacement[]> {
  return sql<OrganizationWithPlacement>(
    `select ${ORG_COLUMNS},
            (select json_build_object('organizationId', p.organization_id, 'parentId', p.parent_id, 'path', p.path, 'depth', p.depth,
                                      'validFrom', p.valid_from, 'validTo', p.valid_to)
               from organization_placement p where p.organization_id = o.id and p.valid_to is null) as "currentPlacement"
       from organization o where o.id = any(?::uuid[])`,
    [ids],
  );
}

export async function organizationsByCodes(sql: Sql, codes: readonly string[]): Promise<OrganizationRow[]> {
  return sql<OrganizationRow>(`select ${ORG_COLUMNS} from organization o where o.code = any(?::text[])`, [codes]);
}

/** The placement of each (organisation, date) pair, if the organisation existed in the tree on that date. */
export async function placementsAt(sql: Sql, keys: readonly { id: string; date: string }[]): Promise<(PlacementRow & { keyIndex: number })[]> {
  return sql(
    `select (k.i - 1)::int as "keyIndex", ${PLACEMENT_COLUMNS}
       from unnest(?::uuid[], ?::date[]) with ordinality as k(id, d, i)
       join organization_placement p on p.organization_id = k.id and ${validOn('p', 'k.d')}`,
    [keys.map((k) => k.id), keys.map((k) => k.date)],
  );
}

export type TreeRow = OrganizationRow & { placement: PlacementRow };
export interface TreePage {
  rows: TreeRow[];
  total: number;
}

export interface PageQuery {
  date: string;
  first: number;
  after: SortKey | null;
  level: OrganizationLevel | null;
}

/** A row of a tree page statement: the key and its total, then the organisation and its placement, flat (or nulls). */
type TreePageRow = { key: string; total: number } & Lateral<OrganizationRow & PlacementRow>;

function toTreeRows(rows: readonly TreePageRow[]): Map<string, TreePage> {
  const pages = new Map<string, TreePage>();
  for (const r of rows) {
    let page = pages.get(r.key);
    if (!page) pages.set(r.key, (page = { rows: [], total: r.total }));
    if (r.id === null) continue;
    const { key, total, organizationId, parentId, path, depth, validFrom, validTo, ...organization } = r;
    page.rows.push({ ...organization, placement: { organizationId, parentId, path, depth, validFrom, validTo } });
  }
  return pages;
}

/** Pages of the direct children of many parents on one date, ordered by folded name; total per parent. */
export async function childrenPages(sql: Sql, parentIds: readonly string[], q: PageQuery): Promise<Map<string, TreePage>> {
  const params: unknown[] = [parentIds, q.date, q.date, q.level, q.level, q.date, q.date];
  let cursor = '';
  if (q.after) {
    cursor = 'and (o.sort_key, o.id) > (?::text collate "C", ?::uuid)';
    params.push(q.after[0], q.after[1]);
  }
  params.push(q.level, q.level, q.first + 1);
  const rows = await sql<TreePageRow>(
    `select k.id as key, cnt.total, c.*
       from unnest(?::uuid[]) as k(id)
       cross join lateral (
         select count(*)::int as total from organization_placement p join organization o on o.id = p.organization_id
          where p.parent_id = k.id and ${validOn('p', '?::date')} and (?::text is null or o.level = ?)
       ) cnt
       left join lateral (
         select ${ORG_COLUMNS}, ${PLACEMENT_COLUMNS}
           from organization_placement p join organization o on o.id = p.organization_id
          where p.parent_id = k.id and ${validOn('p', '?::date')} ${cursor} and (?::text is null or o.level = ?)
          order by o.sort_key, o.id
          limit ?
       ) c on true`,
    params,
  );
  return toTreeRows(rows);
}

/** Pages of the descendants (itself excluded) of many nodes on one date, by depth then folded name; total per node. */
export async function descendantsPages(sql: Sql, ids: readonly string[], q: PageQuery): Promise<Map<string, TreePage>> {
  const params: unknown[] = [ids, q.date, q.date, q.level, q.level, q.date, q.date];
  let cursor = '';
  if (q.after) {
    cursor = 'and (p.depth, o.sort_key, o.id) > (?::int, ?::text collate "C", ?::uuid)';
    params.push(q.after[0], q.after[1], q.after[2]);
  }
  params.push(q.level, q.level, q.first + 1);
  const rows = await sql<TreePageRow>(
    `select k.id as key, cnt.total, c.*
       from unnest(?::uuid[]) as k(id)
       cross join lateral (
         select count(*)::int as total from organization_placement p join organization o on o.id = p.organization_id
          where p.path @> array[k.id] and p.organization_id <> k.id and ${validOn('p', '?::date')}
            and (?::text is null or o.level = ?)
       ) cnt
       left join lateral (
         select ${ORG_COLUMNS}, ${PLACEMENT_COLUMNS}
           from organization_placement p join organization o on o.id = p.organization_id
          where p.path @> array[k.id] and p.organization_id <> k.id and ${validOn('p', '?::date')} ${cursor}
            and (?::text is null or o.level = ?)
          order by p.depth, o.sort_key, o.id
          limit ?
       ) c on true`,
    params,
  );
  return toTreeRows(rows);
}

export interface OrganizationSearch extends PageQuery {
  /** Folded, LIKE-escaped words; every one must occur. */
  search: string[];
  under: string | null;
  /** `under` itself is listed too (a scoped viewer's list without `under:` starts at its scope organisation). */
  underInclusive?: boolean;
  /** Further conditions on `o` (the organisation) and `p` (its placement on the date), with their parameters. */
  conditions?: { sql: string; params: unknown[] }[];
}

/** Organisations in the tree on a date, filtered, ordered by folded name. */
export async function searchOrganizations(sql: Sql, q: OrganizationSearch): Promise<TreePage> {
  const where: string[] = [validOn('p', '?::date')];
  const params: unknown[] = [q.date, q.date];
  for (const word of q.search) {
    where.push(`o.search_text like ?`);
    params.push(`%${word}%`);
  }
  if (q.level) {
    where.push('o.level = ?');
    params.push(q.level);
  }
  if (q.under && q.underInclusive) {
    where.push('p.path @> array[?::uuid]');
    params.push(q.under);
  } else if (q.under) {
    where.push('p.path @> array[?::uuid] and p.organization_id <> ?::uuid');
    params.push(q.under, q.under);
  }
  for (const c of q.conditions ?? []) {
    where.push(c.sql);
    params.push(...c.params);
  }
  const filter = where.join(' and ');
  const pageWhere = q.after ? `${filter} and (o.sort_key, o.id) > (?::text collate "C", ?::uuid)` : filter;
  const pageParams = q.after ? [...params, q.after[0], q.after[1]] : params;
  const rows = await sql<TreePageRow>(
    `select 'all' as key, (select count(*)::int from organization_placement p join organization o on o.id = p.organization_id where ${filter}) as total, c.*
       from (select 1) as one
       left join lateral (
         select ${ORG_COLUMNS}, ${PLACEMENT_COLUMNS}
           from organization_placement p join organization o on o.id = p.organization_id
          where ${pageWhere}
          order by o.sort_key, o.id
          limit ?
       ) c on true`,
    [...params, ...pageParams, q.first + 1],
  );
  return toTreeRows(rows).get('all') ?? { rows: [], total: 0 };
}

export interface NameRow {
  organizationId: string;
  keyIndex: number;
  name: string;
  shortName: string | null;
}

/** Earlier names in force on each (organisation, date) pair; none when the current name applies. */
export async function namesAt(sql: Sql, keys: readonly { id: string; date: string }[]): Promise<NameRow[]> {
  return sql(
    `select (k.i - 1)::int as "keyIndex", n.organization_id as "organizationId", n.name, n.short_name as "shortName"
       from unnest(?::uuid[], ?::date[]) with ordinality as k(id, d, i)
       join organization_name n on n.organization_id = k.id and n.valid_from <= k.d and n.valid_to > k.d`,
    [keys.map((k) => k.id), keys.map((k) => k.date)],
  );
}
