import DataLoader from 'dataloader';
import { inKeyOrder } from '../common/batch';
import type { Sql } from '../common/sql';
import {
  lineageOf,
  participantsOf,
  pendingFor,
  restructuringIdsOf,
  restructuringsByIds,
  statusEventsOf,
  type ParticipantRow,
  type RestructuringRow,
  type StatusEventRow,
} from './restructuring.repository';

/** One set per request: restructurings by id, their participants and history, per-organisation links. */
export function createRestructuringLoaders(sql: Sql) {
  const byId = new DataLoader<string, RestructuringRow | null>(async (ids) => {
    const rows = await restructuringsByIds(sql, ids);
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  });
  const participants = new DataLoader<string, ParticipantRow[]>(async (ids) => inKeyOrder(ids, await participantsOf(sql, ids), (r) => r.restructuringId));
  const history = new DataLoader<string, StatusEventRow[]>(async (ids) => inKeyOrder(ids, await statusEventsOf(sql, ids), (r) => r.restructuringId));
  const pendingOf = new DataLoader<string, string | null>(async (orgIds) => {
    const rows = await pendingFor(sql, orgIds);
    const map = new Map(rows.map((r) => [r.organizationId, r.restructuringId]));
    return orgIds.map((id) => map.get(id) ?? null);
  });
  const ofOrganization = new DataLoader<string, string[]>(async (orgIds) =>
    inKeyOrder(orgIds, await restructuringIdsOf(sql, orgIds), (r) => r.organizationId).map((rows) => rows.map((r) => r.restructuringId)),
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
