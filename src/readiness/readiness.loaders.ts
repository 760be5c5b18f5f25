import DataLoader from 'dataloader';
import { groupBy, inKeyOrder } from '../common/batch';
import type { Sql } from '../common/sql';
import { checklistsOn, type ChecklistData } from './readiness.checklist';
import { complaintsAt, type ComplaintRow } from './readiness.complaints.repository';
import { ReadinessStatus } from './readiness.enums';
import { readinessCounts, reportsByIds, reportsOfOrganizations, type ReportRow } from './readiness.repository';

export interface ReadinessCountKey {
  id: string;
  scope: 'SUBTREE' | 'CHILDREN';
  date: string;
}

export type ReadinessCounts = Record<ReadinessStatus.SUBMITTED | ReadinessStatus.RETURNED | ReadinessStatus.ACKNOWLEDGED, number>;

/**
 * One set per request: reports by id and by organisation (every version and the draft: a handful each, paged in
 * memory), checklists computed live (one statement per date), the progress counts (one statement per scope and
 * date) and complaints counts (one statement for the batch, whatever the dates).
 */
export function createReadinessLoaders(sql: Sql) {
  const byId = new DataLoader<string, ReportRow | null>(async (ids) => {
    const rows = await reportsByIds(sql, ids);
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  });

  const ofOrganization = new DataLoader<string, ReportRow[]>(async (orgIds) => {
    const rows = await reportsOfOrganizations(sql, orgIds);
    for (const r of rows) byId.prime(r.id, r);
    return inKeyOrder(orgIds, rows, (r) => r.organizationId);
  });

  const dated = (k: { id: string; date: string }) => `${k.id}|${k.date}`;
  const checklist = new DataLoader<{ id: string; date: string }, ChecklistData, string>(
    async (keys) => {
      const out = new Map<string, ChecklistData>();
      await Promise.all(
        [...groupBy(keys, (k) => k.date).values()].map(async (group) => {
          const data = await checklistsOn(sql, [...new Set(group.map((k) => k.id))], group[0].date);
          for (const k of group) out.set(dated(k), data.get(k.id)!);
        }),
      );
      return keys.map((k) => out.get(dated(k))!);
    },
    { cacheKeyFn: dated },
  );

  const countKey = (k: ReadinessCountKey) => `${k.id}|${k.scope}|${k.date}`;
  const counts = new DataLoader<ReadinessCountKey, ReadinessCounts, string>(
    async (keys) => {
      const out = new Map<string, ReadinessCounts>();
      await Promise.all(
        [...groupBy(keys, (k) => `${k.scope}|${k.date}`).values()].map(async (group) => {
          const rows = await readinessCounts(sql, [...new Set(group.map((k) => k.id))], group[0].date, group[0].scope);
          for (const k of group) {
            const c: ReadinessCounts = { SUBMITTED: 0, RETURNED: 0, ACKNOWLEDGED: 0 };
            for (const r of rows) if (r.key === k.id && r.status !== ReadinessStatus.DRAFT) c[r.status] = r.n;
            out.set(countKey(k), c);
          }
        }),
      );
      return keys.map((k) => out.get(countKey(k))!);
    },
    { cacheKeyFn: countKey },
  );

  const complaintKey = (k: { congressId: string; date: string }) => `${k.congressId}|${k.date}`;
  const complaints = new DataLoader<{ congressId: string; date: string }, ComplaintRow[], string>(
    async (keys) => {
      const out: ComplaintRow[][] = keys.map(() => []);
      for (const { keyIndex, ...row } of await complaintsAt(sql, keys)) out[keyIndex].push(row);
      return out;
    },
    { cacheKeyFn: complaintKey },
  );

  const all = [byId, ofOrganization, checklist, counts, complaints];
  return {
    byId,
    ofOrganization,
    checklist,
    counts,
    complaints,
    clearAll() {
      for (const l of all) l.clearAll();
    },
  };
}

export type ReadinessLoaders = ReturnType<typeof createReadinessLoaders>;
