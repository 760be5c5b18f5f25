import DataLoader from 'dataloader';
import type { Access, Visibility } from '../common/context';
import type { Viewer } from '../common/kernel';
import type { ScopeRef } from '../common/scope-ref';
import type { Sql } from '../common/sql';
import { nearestPathSql } from './access.placement';

interface PlacementLike {
  path: string[];
}
interface DatedKey {
  id: string;
  date: string;
}

/**
 * The request's access control for one viewer. Scope is dated: on a date D the viewer sees its scope organisation's
 * subtree as it stood on D (nothing at all on a day its scope organisation is not in the tree, e.g. after it was
 * merged away), and the names of its ancestors on D. An organisation outside the tree on D (not yet established, or
 * ended) belongs where it stood nearest to D. A restructuring is visible when any participant, or the new parent of a
 * move, ever sat in the scope (the scope being in the tree today).
 */
export function createAccess(sql: Sql, viewer: Viewer, today: string, placementAt: DataLoader<DatedKey, PlacementLike | null, string>): Access {
  const scopeId = viewer.scopeId;
  const admin = viewer.role === 'ADMIN' || viewer.kind === 'system';
  const unscoped = admin || (viewer.role === 'PUBLIC' && scopeId === null);
  const keyOf = (k: DatedKey) => `${k.id}|${k.date}`;

  /** Where an organisation stood nearest to a date it was not in the tree on. */
  const nearest = new DataLoader<DatedKey, PlacementLike | null, string>(
    async (keys) => {
      const rows = await sql<{ i: number; path: string[] | null }>(
        `select (k.i - 1)::int as i, ${nearestPathSql('k.id', 'k.d')} as path
           from unnest(?::uuid[], ?::date[]) with ordinality as k(id, d, i)`,
        [keys.map((k) => k.id), keys.map((k) => k.date)],
      );
      const out: (PlacementLike | null)[] = keys.map(() => null);
      for (const r of rows) if (r.path) out[r.i] = { path: r.path };
      return out;
    },
    { cacheKeyFn: keyOf },
  );

  const restructurings = new DataLoader<string, boolean>(async (ids) => {
    const rows = await sql<{ id: string }>(
      `select r.id from unnest(?::uuid[]) as r(id)
        where exists (select 1 from restructuring_participant rp
                        join organization_placement p on p.organization_id in (rp.organization_id, rp.new_parent_id)
                       where rp.restructuring_id = r.id and p.path @> array[?::uuid])`,
      [ids, scopeId],
    );
    const seen = new Set(rows.map((r) => r.id));
    return ids.map((id) => seen.has(id));
  });


  const organization = async (id: string, date: string): Promise<Visibility> => {
    if (unscoped) return 'full';
    if (!scopeId || viewer.role === null) return null;
    // Both placements asked in the same tick: one statement (the loader batches them), not two in a row.
    const [scope, placed] = await Promise.all([placementAt.load({ id: scopeId, date }), id === scopeId ? null : placementAt.load({ id, date })]);
    if (!scope) return null;
    if (id === scopeId) return 'full';
    const where = placed ?? (await nearest.load({ id, date }));
    if (where?.path.includes(scopeId)) return 'full';
    return scope.path.includes(id) ? 'name' : null;
  };

  return {
    viewer,
    unscoped,
    organization,
    async check(ref: ScopeRef): Promise<Visibility> {
      switch (ref.kind) {
        case 'admin':
          return admin ? 'full' : null;
        case 'organization': {
          const seen = await organization(ref.id, ref.date);
          // Content of an organisation (its congress, reports, …) needs it fully visible; its name alone shows nothing.
          return ref.type === 'content' && seen === 'name' ? null : seen;
        }
        case 'restructuring': {
          if (unscoped) return 'full';
          if (!scopeId || !(await placementAt.load({ id: scopeId, date: today }))) return null;
          return (await restructurings.load(ref.id)) ? 'full' : null;
        }
      }
    },
    async under(id, date) {
      if (id === null) return unscoped ? { id: null, inclusive: false } : scopeId && (await placementAt.load({ id: scopeId, date })) ? { id: scopeId, inclusive: true } : null;
      return (await organization(id, date)) === 'full' ? { id, inclusive: false } : null;
    },
    async canUpdate(organizationId) {
      if (admin) return true;
      if (viewer.role !== 'EDITOR') return false;
      return (await organization(organizationId, today)) === 'full';
    },
  };
}
