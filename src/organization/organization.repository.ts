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

/**
 * A filter of organisations `o` on a date, as one value computed once per organisation (returned with its row) from its
 * id (an SQL expression, `o.id` or its placement's `p.organization_id`), and the rows kept: a condition on `v.value`.
 */
export interface RowFilter {
  value(id: string): { sql: string; params: unknown[] };
  keep: string;
}

export interface FilterPageQuery {
  date: string;
  /** The organisation below which to list (itself excluded unless `underInclusive`). */
  under: string;
  underInclusive: boolean;
  level: OrganizationLevel | null;
  first: number;
  after: SortKey | null;
  filter: RowFilter;
  /** How to read the page (pageReading chooses). */
  reading: PageReading;
}

/**
 * `subtree`: led by the subtree (the GIN path index), the filter on each of its organisations, then sorted. `walk`:
 * walking the name index (organization_sort_idx) over every organisation, checking each one's placement on the date
 * (in the subtree?) then the filter, until the page is full; `walk-filter-first`: the same, the filter first.
 */
export type PageReading = 'subtree' | 'walk' | 'walk-filter-first';

/**
 * What one row walked in name order costs beside one row of the subtree read whole (a placement probe, against a
 * bitmap read, the filter and a sort): the walk is chosen while it reads fewer than this many times the subtree.
 */
const WALK_BIAS = 3;

/**
 * Which way filterPage reads a page of `first` rows out of `matches` (exact, or a close upper bound) in a subtree of
 * `subtree` organisations: walking the name index over every organisation reads about (first + 1) × all / matches
 * rows, reading the subtree reads all of it; while walking, the more selective check goes first (the filter keeps
 * about matches / subtree of the rows, the subtree about subtree / all). The number of organisations is the planner's
 * estimate (it only steers the choice), read only when the subtree alone does not settle it.
 */
export async function pageReading(sql: Sql, q: { matches: number; subtree: number; first: number }): Promise<PageReading> {
  if (q.first + 1 >= WALK_BIAS * q.matches) return 'subtree'; // even a tree no larger than the subtree
  const [row] = await sql<{ n: number }>(`select greatest(reltuples, 0)::float8 as n from pg_class where oid = 'organization'::regclass`);
  const all = Math.max(Number(row?.n ?? 0), q.subtree);
  if ((q.first + 1) * all >= WALK_BIAS * q.matches * q.subtree) return 'subtree';
  return q.matches * all < q.subtree * q.subtree ? 'walk-filter-first' : 'walk';
}

/**
 * One page (up to `first` + 1 rows) of the organisations below `under` on a date that a filter keeps, by folded name
 * then id (as searchOrganizations), each with its filter value, without counting them: the caller knows the total
 * (e.g. the roll-up's count of what the filter keeps). The reading (see PageReading) changes the cost, not the rows.
 */
export async function filterPage(sql: Sql, q: FilterPageQuery): Promise<(TreeRow & { value: unknown })[]> {
  const tree = q.underInclusive ? 'p.path @> array[?::uuid]' : 'p.path @> array[?::uuid] and p.organization_id <> ?::uuid';
  const treeParams = q.underInclusive ? [q.under] : [q.under, q.under];
  const own: string[] = []; // conditions on the organisation row alone
  const ownParams: unknown[] = [];
  if (q.level) {
    own.push('o.level = ?');
    ownParams.push(q.level);
  }
  if (q.after) {
    own.push('(o.sort_key, o.id) > (?::text collate "C", ?::uuid)');
    ownParams.push(q.after[0], q.after[1]);
  }
  const ownSql = own.map((c) => ` and ${c}`).join('');
  const columns = `'page' as key, 0 as total, ${ORG_COLUMNS}, ${PLACEMENT_COLUMNS}, v.value`;
  const placed = `cross join lateral (select * from organization_placement p where p.organization_id = o.id and ${validOn('p', '?::date')} limit 1) p`;
  // `offset 0`: the value is computed once per row, not once for the filter and again for the output.
  const valueOf = (id: string) => {
    const v = q.filter.value(id);
    return { sql: `cross join lateral (select ${v.sql} as value offset 0) v`, params: v.params };
  };
  let text: string;
  let params: unknown[];
  if (q.reading === 'subtree') {
    const v = valueOf('p.organization_id');
    text = `select ${columns} from organization_placement p join organization o on o.id = p.organization_id ${v.sql}
             where ${validOn('p', '?::date')} and ${tree}${ownSql} and ${q.filter.keep} order by o.sort_key, o.id limit ?`;
    params = [...v.params, q.date, q.date, ...treeParams, ...ownParams, q.first + 1];
  } else if (q.reading === 'walk') {
    const v = valueOf('p.organization_id');
    text = `select ${columns} from organization o ${placed} ${v.sql}
             where ${tree}${ownSql} and ${q.filter.keep} order by o.sort_key, o.id limit ?`;
    params = [q.date, q.date, ...v.params, ...treeParams, ...ownParams, q.first + 1];
  } else {
    // The filter on the organisation's own id before its placement is read: an ordered subquery (`offset 0` keeps it
    // one) that the outer query reads in its order.
    const v = valueOf('o.id');
    text = `select ${columns}
              from (select o.*, v.value from organization o ${v.sql} where ${q.filter.keep}${ownSql} order by o.sort_key, o.id offset 0) o
              cross join lateral (select o.value) v
              ${placed}
             where ${tree} order by o.sort_key, o.id limit ?`;
    params = [...v.params, ...ownParams, q.date, q.date, ...treeParams, q.first + 1];
  }
  const rows = await sql<TreePageRow & { value: unknown }>(text, params);
  // The value stays on each organisation's row (toTreeRows keeps every column that is not the placement's).
  return (toTreeRows(rows).get('page')?.rows ?? []) as (TreeRow & { value: unknown })[];
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
