import DataLoader from 'dataloader';
import { groupBy } from '../common/batch';
import type { Sql } from '../common/sql';
import type { OrganizationLevel } from './organization.levels';
import {
  childrenPages,
  namesAt,
  type NameRow,
  descendantsPages,
  organizationsByCodes,
  organizationsWithPlacementByIds,
  placementsAt,
  type OrganizationRow,
  type PageQuery,
  type PlacementRow,
  type TreePage,
} from './organization.repository';
import type { SortKey } from '../common/connection';

export interface PlacementKey {
  id: string;
  date: string;
}

export interface PageKey {
  id: string;
  date: string;
  first: number;
  after: SortKey | null;
  level: OrganizationLevel | null;
}

const pageGroup = (k: PageKey) => JSON.stringify([k.date, k.first, k.after, k.level]);
const pageCacheKey = (k: PageKey) => `${k.id}|${pageGroup(k)}`;

/** Batches many page requests that share date, size, cursor and filter into one statement per group. */
function pageLoader(sql: Sql, fetch: (sql: Sql, ids: readonly string[], q: PageQuery) => Promise<Map<string, TreePage>>, prime: (rows: TreePage['rows'], date: string) => void) {
  return new DataLoader<PageKey, TreePage, string>(
    async (keys) => {
      const results = new Map<string, TreePage>();
      await Promise.all(
        [...groupBy(keys, pageGroup).values()].map(async (group) => {
          const { date, first, after, level } = group[0];
          const pages = await fetch(sql, [...new Set(group.map((k) => k.id))], { date, first, after, level });
          for (const k of group) {
            const page = pages.get(k.id) ?? { rows: [], total: 0 };
            prime(page.rows, date);
            results.set(pageCacheKey(k), page);
          }
        }),
      );
      return keys.map((k) => results.get(pageCacheKey(k))!);
    },
    { cacheKeyFn: pageCacheKey },
  );
}

/** One set per request: organisations by id and code, placements on a date, and pages of children and descendants. */
export function createOrganizationLoaders(sql: Sql) {
  // The open placements read with organisations by id: a placement asked for a date on or after its start needs no statement.
  const current = new Map<string, PlacementRow>();
  const byId = new DataLoader<string, OrganizationRow | null>(async (ids) => {
    const rows = await organizationsWithPlacementByIds(sql, ids);
    const map = new Map<string, OrganizationRow>();
    for (const { currentPlacement, ...row } of rows) {
      map.set(row.id, row);
      if (currentPlacement) current.set(row.id, currentPlacement);
    }
    return ids.map((id) => map.get(id) ?? null);
  });

  const byCode = new DataLoader<string, OrganizationRow | null>(async (codes) => {
    const rows = await organizationsByCodes(sql, codes);
    const map = new Map(rows.map((r) => [r.code, r]));
    for (const r of rows) byId.prime(r.id, r);
    return codes.map((c) => map.get(c) ?? null);
  });

  const placementKey = (k: PlacementKey) => `${k.id}|${k.date}`;
  const placementAt = new DataLoader<PlacementKey, PlacementRow | null, string>(
    async (keys) => {
      const out: (PlacementRow | null)[] = keys.map(() => null);
      const missing: number[] = [];
      keys.forEach((k, i) => {
        const open = current.get(k.id);
        if (open && open.validFrom <= k.date) out[i] = open;
        else missing.push(i);
      });
      if (missing.length) {
        const rows = await placementsAt(sql, missing.map((i) => keys[i]));
        for (const { keyIndex, ...row } of rows) out[missing[keyIndex]] = row;
      }
      return out;
    },
    { cacheKeyFn: placementKey },
  );

  const nameAt = new DataLoader<PlacementKey, NameRow | null, string>(
    async (keys) => {
      const rows = await namesAt(sql, keys);
      const out: (NameRow | null)[] = keys.map(() => null);
      for (const row of rows) out[row.keyIndex] = row;
      return out;
    },
    { cacheKeyFn: placementKey },
  );

  const prime = (rows: TreePage['rows'], date: string) => {
    for (const r of rows) {
      byId.prime(r.id, r);
      placementAt.prime({ id: r.id, date }, r.placement);
    }
  };

  return {
    byId,
    byCode,
    placementAt,
    /** An earlier name in force on a date (only for renamed organisations). */
    nameAt,
    children: pageLoader(sql, childrenPages, prime),
    descendants: pageLoader(sql, descendantsPages, prime),
    /** After a write: everything cached may be stale. */
    clearAll() {
      current.clear();
      byId.clearAll();
      byCode.clearAll();
      placementAt.clearAll();
      nameAt.clearAll();
      this.children.clearAll();
      this.descendants.clearAll();
    },
  };
}

export type OrganizationLoaders = ReturnType<typeof createOrganizationLoaders>;
