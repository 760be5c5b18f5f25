import DataLoader from 'dataloader';
import { groupBy, inKeyOrder } from '../common/batch';
import type { Sql } from '../common/sql';
import type { SharedReads } from '../cache/versioned-memo';
import type { OrganizationLevel } from '../organization/organization.levels';
import { calendarOn } from './congress.dated';
import {
  calendarPeriodsOf,
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

/** A term's calendar with its history: `on(date)` is the calendar as it stood on that date, by level. */
export interface TermCalendar {
  periods: CalendarRow[];
  on(date: string): Map<OrganizationLevel, CalendarRow>;
}

const termCalendar = (periods: CalendarRow[]): TermCalendar => ({ periods, on: (date) => calendarOn(periods, date) });

/** One set per request: congresses by id, by organisation (and term), their events, the calendar, children status. */
export function createCongressLoaders(sql: Sql, shared?: SharedReads) {
  // Shared with the requests of the same data version until this request writes (clearAll).
  let sharing = shared;
  const byId = new DataLoader<string, CongressRow | null>(async (ids) => {
    const rows = await congressesByIds(sql, ids);
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  });

  const byOrganization = new DataLoader<string, CongressRow[]>(async (orgIds) => {
    const rows = await congressesByOrganizations(sql, orgIds);
    for (const r of rows) byId.prime(r.id, r);
    return inKeyOrder(orgIds, rows, (r) => r.organizationId);
  });

  const events = new DataLoader<string, CongressEventRow[]>(async (ids) => {
    return inKeyOrder(ids, await eventsOf(sql, ids), (r) => r.congressId);
  });

  // Every period of a term's calendar (a handful): any date reads it without another statement.
  const calendar = new DataLoader<string, TermCalendar>(async (terms) => {
    const rows = await calendarPeriodsOf(sql, terms);
    return terms.map((t) => termCalendar(rows.filter((r) => r.term === t)));
  });

  // The current term comes with its calendar: a dashboard needs both, for one statement.
  const current = new DataLoader<'current', string | null>(async (keys) => {
    const read = () => currentTermWithCalendar(sql);
    const s = sharing;
    const { code, calendar: rows } = s ? await s.memo.get(await s.version(), 'currentTermWithCalendar', read) : await read();
    if (code) calendar.prime(code, termCalendar(rows));
    return keys.map(() => code);
  });

  const childrenKey = (k: ChildrenKey) => `${k.parentId}|${k.term}|${k.date}`;
  const children = new DataLoader<ChildrenKey, ChildCongressRow[], string>(
    async (keys) => {
      const out = new Map<string, ChildCongressRow[]>();
      await Promise.all(
        [...groupBy(keys, (k) => `${k.term}|${k.date}`).values()].map(async (group) => {
          const rows = groupBy(await childCongresses(sql, [...new Set(group.map((k) => k.parentId))], group[0].term, group[0].date), (r) => r.parentId);
          for (const k of group) out.set(childrenKey(k), rows.get(k.parentId) ?? []);
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
      sharing = undefined;
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
