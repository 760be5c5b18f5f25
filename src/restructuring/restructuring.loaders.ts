import DataLoader from 'dataloader';
import { groupBy, inKeyOrder } from '../common/batch';
import type { SortKey } from '../common/connection';
import type { Sql } from '../common/sql';
import {
  lineageOf,
  participantsOf,
  pendingFor,
  restructuringPagesOf,
  restructuringsByIds,
  type RolePage,
  statusEventsOf,
  type ParticipantRow,
  type RestructuringRow,
  type StatusEventRow,
} from './restructuring.repository';

export interface RolePageKey {
  id: string;
  first: number;
  after: SortKey | null;
}

/** One set per request: restructurings by id, their participants and history, per-organisation links. */
export function createRestructuringLoaders(sql: Sql) {
  const byId = new DataLoader<string, RestructuringRow | null>(async (ids) => {
    const rows = await restructuringsByIds(sql, ids);
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  });
  const participants = new DataLoader<string, ParticipantRow[]>(async (ids) => inKeyOrder(ids, await participantsOf(sql, ids), (r) => r.restructuringId));
  const history = new DataLoader<string, StatusEventRow[]>(async (ids) => inKeyOrder(ids, await statusEventsOf(sql, ids), (r) => r.restructuringId));
  // The restructuring pending on a date, per (organisation, date): one statement for the batch, whatever the dates.
  const pendingOf = new DataLoader<{ id: string; date: string }, string | null, string>(
    async (keys) => {
      const out: (string | null)[] = keys.map(() => null);
      for (const r of await pendingFor(sql, keys)) out[r.keyIndex] = r.restructuringId;
      return out;
    },
    { cacheKeyFn: (k) => `${k.id}|${k.date}` },
  );
  // Pages of an organisation's restructurings: one statement per distinct (first, after) in the batch.
  const pageGroup = (k: RolePageKey) => JSON.stringify([k.first, k.after]);
  const pageKey = (k: RolePageKey) => `${k.id}|${pageGroup(k)}`;
  const ofOrganization = new DataLoader<RolePageKey, RolePage, string>(
    async (keys) => {
      const results = new Map<string, RolePage>();
      await Promise.all(
        [...groupBy(keys, pageGroup).values()].map(async (group) => {
          const pages = await restructuringPagesOf(sql, [...new Set(group.map((k) => k.id))], group[0]);
          for (const k of group) results.set(pageKey(k), pages.get(k.id) ?? { rows: [], total: 0 });
        }),
      );
      return keys.map((k) => results.get(pageKey(k))!);
    },
    { cacheKeyFn: pageKey },
  );
  const predecessors = new DataLoader<string, string[]>(async (orgIds) =>
    inKeyOrder(orgIds, await lineageOf(sql, orgIds, 'predecessors'), (r) => r.key).map((rows) => rows.map((r) => r.other)),
  );
  const successors = new DataLoader<string, string[]>(async (orgIds) =>
    inKeyOrder(orgIds, await lineageOf(sql, orgIds, 'successors'), (r) => r.key).map((rows) => rows.map((r) => r.other)),
  );
  const all = [byId, participants, history, pendingOf, ofOrganization, predecessors, successors];
  return {
    byId,
    participants,
    history,
    pendingOf,
    ofOrganization,
    predecessors,
    successors,
    clearAll() {
      for (const l of all) l.clearAll();
    },
  };
}

export type RestructuringLoaders = ReturnType<typeof createRestructuringLoaders>;
