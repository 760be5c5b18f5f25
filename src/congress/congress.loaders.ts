import DataLoader from 'dataloader';
import type { Sql } from '../common/sql';
import type { OrganizationLevel } from '../organization/organization.levels';
import {
  calendarsOf,
  childCongresses,
  congressesByIds,
  congressesByOrganizations,
  currentTermWithCalendar,
  eventsOf,
  type CalendarRow,
  type ChildCongressRow,
  type CongressEventRow,
  type CongressRow,
} from './congress.repository';

export interface ChildrenKey {
  parentId: string;
  term: string;
  date: string;
}

/** One set per request: congresses by id, by organisation (and term), their events, the calendar, children status. */
export function createCongressLoaders(sql: Sql) {
  const byId = new DataLoader<string, CongressRow | null>(async (ids) => {
    const rows = await congressesByIds(sql, ids);
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  });

  const byOrganization = new DataLoader<string, CongressRow[]>(async (orgIds) => {
    const rows = await congressesByOrganizations(sql, orgIds);
    const map = new Map<string, CongressRow[]>();
    for (const r of rows) {
      byId.prime(r.id, r);
      map.set(r.organizationId, [...(map.get(r.organizationId) ?? []), r]);
    }
    return orgIds.map((id) => map.get(id) ?? []);
  });

  const events = new DataLoader<string, CongressEventRow[]>(async (ids) => {
    const rows = await eventsOf(sql, ids);
    const map = new Map<string, CongressEventRow[]>();
    for (const r of rows) map.set(r.congressId, [...(map.get(r.congressId) ?? []), r]);
    return ids.map((id) => map.get(id) ?? []);
  });

  const calendar = new DataLoader<string, Map<OrganizationLevel, CalendarRow>>(async (terms) => {
    const rows = await calendarsOf(sql, terms);
    return terms.map((t) => new Map(rows.filter((r) => r.term === t).map((r) => [r.level, r])));
  });

  // The current term comes with its calendar: a dashboard needs both, for one statement.
  const current = new DataLoader<'current', string | null>(async (keys) => {
    const { code, calendar: rows } = await currentTermWithCalendar(sql);
    if (code) calendar.prime(code, new Map(rows.map((r) => [r.level, r])));
    return keys.map(() => code);
  });

  const childrenKey = (k: ChildrenKey) => `${k.parentId}|${k.term}|${k.date}`;
  const children = new DataLoader<ChildrenKey, ChildCongressRow[], string>(
    async (keys) => {
      const groups = new Map<string, ChildrenKey[]>();
      for (const k of keys) groups.set(`${k.term}|${k.date}`, [...(groups.get(`${k.term}|${k.date}`) ?? []), k]);
      const out = new Map<string, ChildCongressRow[]>();
      await Promise.all(
        [...groups.values()].map(async (group) => {
          const rows = await childCongresses(sql, [...new Set(group.map((k) => k.parentId))], group[0].term, group[0].date);
          for (const k of group) out.set(childrenKey(k), rows.filter((r) => r.parentId === k.parentId));
        }),
      );
      return keys.map((k) => out.get(childrenKey(k)) ?? []);
    },
    { cacheKeyFn: childrenKey },
  );

  return {
    byId,
    byOrganization,
    events,
    calendar,
    currentTerm: () => current.load('current'),
    children,
    clearAll() {
      byId.clearAll();
      byOrganization.clearAll();
      events.clearAll();
      calendar.clearAll();
      current.clearAll();
      children.clearAll();
    },
  };
}

export type CongressLoaders = ReturnType<typeof createCongressLoaders>;
