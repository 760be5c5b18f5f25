import DataLoader from 'dataloader';
import { groupBy } from '../common/batch';
import type { Sql } from '../common/sql';
import type { CongressLoaders } from '../congress/congress.loaders';
import { fromCounters, fromLive, type ProgressData } from './progress.compute';
import type { OverdueReason } from '../congress/congress.overdue';
import { countersOf, liveGroups, overdueReasonsAt, timelinePoints, upcomingCounts } from './progress.repository';

export type ProgressScope = 'SUBTREE' | 'CHILDREN';

export interface ProgressKey {
  id: string;
  scope: ProgressScope;
  date: string;
}

/** The batch's keys in groups that one statement can answer. */
const groupsOf = <K>(keys: readonly K[], by: (k: K) => string): K[][] => [...groupBy(keys, by).values()];

/**
 * One set per request. Roll-ups of many organisations cost one batch: for a subtree on a date on or after the latest
 * dated change, one read of the precomputed counters; otherwise (a past date, or direct children) one live statement.
 */
export function createProgressLoaders(sql: Sql, congresses: CongressLoaders) {
  // The current term's calendar on a date (the counters answer dates on or after the latest dated change: its latest entries).
  const calendarOn = async (date: string): Promise<Map<string, string>> => {
    const term = await congresses.currentTerm();
    const cal = term ? (await congresses.calendar.load(term)).on(date) : new Map();
    return new Map([...cal.entries()].map(([level, row]) => [level, row.deadline]));
  };

  const key = (k: ProgressKey) => `${k.id}|${k.scope}|${k.date}`;
  const progress = new DataLoader<ProgressKey, ProgressData, string>(
    async (keys) => {
      const out = new Map<string, ProgressData>();
      await Promise.all(
        groupsOf(keys, (k) => `${k.scope}|${k.date}`).map(async (group) => {
          const { scope, date } = group[0];
          const ids = [...new Set(group.map((k) => k.id))];
          if (scope === 'SUBTREE') {
            const [counters, calendar] = await Promise.all([countersOf(sql, ids), calendarOn(date)]);
            if (!counters.watermark || counters.watermark <= date) {
              const rows = new Map(counters.rows.map((r) => [r.organizationId, r]));
              for (const k of group) out.set(key(k), fromCounters(rows.get(k.id), calendar, date));
              return;
            }
          }
          const rows = groupBy(await liveGroups(sql, ids, date, scope), (r) => r.key);
          for (const k of group) out.set(key(k), fromLive(rows.get(k.id) ?? [], date));
        }),
      );
      return keys.map((k) => out.get(key(k))!);
    },
    { cacheKeyFn: key },
  );

  const upcomingKey = (k: ProgressKey & { days: number }) => `${key(k)}|${k.days}`;
  const upcoming = new DataLoader<ProgressKey & { days: number }, number, string>(
    async (keys) => {
      const out = new Map<string, number>();
      await Promise.all(
        groupsOf(keys, (k) => `${k.scope}|${k.date}|${k.days}`).map(async (group) => {
          const rows = await upcomingCounts(sql, [...new Set(group.map((k) => k.id))], group[0].date, group[0].days, group[0].scope);
          for (const k of group) out.set(upcomingKey(k), rows.find((r) => r.key === k.id)?.n ?? 0);
        }),
      );
      return keys.map((k) => out.get(upcomingKey(k)) ?? 0);
    },
    { cacheKeyFn: upcomingKey },
  );

  type TimelineKey = ProgressKey & { from: string; to: string; interval: 'WEEK' | 'MONTH' };
  const timelineKey = (k: TimelineKey) => `${key(k)}|${k.from}|${k.to}|${k.interval}`;
  const timeline = new DataLoader<TimelineKey, { periodStart: string; held: number }[], string>(
    async (keys) => {
      const out = new Map<string, { periodStart: string; held: number }[]>();
      await Promise.all(
        groupsOf(keys, (k) => `${k.scope}|${k.from}|${k.to}|${k.interval}`).map(async (group) => {
          const g = group[0];
          const rows = groupBy(await timelinePoints(sql, [...new Set(group.map((k) => k.id))], g.scope, g.from, g.to, g.interval), (r) => r.key);
          for (const k of group) out.set(timelineKey(k), (rows.get(k.id) ?? []).map(({ periodStart, held }) => ({ periodStart, held })));
        }),
      );
      return keys.map((k) => out.get(timelineKey(k)) ?? []);
    },
    { cacheKeyFn: timelineKey },
  );

  // Why an organisation is overdue on a date (null: it is not): one statement for the whole batch, whatever the dates.
  const overdueKey = (k: { id: string; date: string }) => `${k.id}|${k.date}`;
  const overdueReason = new DataLoader<{ id: string; date: string }, OverdueReason | null, string>(
    async (keys) => {
      const rows = await overdueReasonsAt(sql, keys);
      const out: (OverdueReason | null)[] = keys.map(() => null);
      for (const r of rows) out[r.keyIndex] = r.reason;
      return out;
    },
    { cacheKeyFn: overdueKey },
  );

  return {
    progress,
    upcoming,
    timeline,
    overdueReason,
    clearAll() {
      progress.clearAll();
      upcoming.clearAll();
      timeline.clearAll();
      overdueReason.clearAll();
    },
  };
}

export type ProgressLoaders = ReturnType<typeof createProgressLoaders>;
