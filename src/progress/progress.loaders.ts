import DataLoader from 'dataloader';
import { groupBy } from '../common/batch';
import type { Sql } from '../common/sql';
import type { CongressLoaders } from '../congress/congress.loaders';
import { fromCounters, fromLive, type ProgressData } from './progress.compute';
import type { OverdueReason } from '../congress/congress.overdue';
import { countersOf, liveGroups, overdueReasonsAt, timelinePoints, upcomingCounts } from './progress.repository';
import { pastDelta, pastProgress, sameDeadlines } from './progress.past';

export type ProgressScope = 'SUBTREE' | 'CHILDREN';

export interface ProgressKey {
  id: string;
  scope: ProgressScope;
  date: string;
}

/** The batch's keys in groups that one statement can answer. */
const groupsOf = <K>(keys: readonly K[], by: (k: K) => string): K[][] => [...groupBy(keys, by).values()];

/**
 * How a subtree's roll-up on a past date (before the latest dated change) is found. `auto`: from the counters and the
 * organisations changed since (progress.past.ts) when the calendar deadlines are the same as now and few enough
 * organisations changed for it to be cheaper, else the live statement. `live`, `counters`: always that way where it is
 * exact (tests compare them; `counters` still goes live when the calendar deadlines differ).
 */
export type PastMode = 'auto' | 'live' | 'counters';

export interface ProgressLoaderOptions {
  past?: PastMode;
  /** How many entries of Changed(D) the statement over the changes may read before the live statement takes over (tests). */
  cap?: number;
  /** Told which way each batch went (tests). */
  onPath?: (path: 'counters' | 'delta' | 'live', keys: number) => void;
}

/**
 * Entries of Changed(D) (counted with repeats: a congress with two events after D counts twice) per organisation the
 * live statement would read (the keys' subtrees as the counters count them now): above this share, the live statement
 * is cheaper. On the 1,000,000-organisation tree (a busy 2-core machine), 2025-04-15 (305,000 entries, 153,000
 * organisations changed) took 10-16 s from the counters against 19-36 s live for the root and its 40 children.
 */
const DELTA_SHARE = 0.5;
/** Below this, the delta statement is always tried (a handful of changes cost less than any live subtree). */
const DELTA_MIN = 2_000;

/**
 * One set per request. Roll-ups of many organisations cost one batch: for a subtree on a date on or after the latest
 * dated change, one read of the precomputed counters; for a subtree on an earlier date, the counters and one
 * statement over the organisations changed since; otherwise (direct children, or too much changed) one live statement.
 */
export function createProgressLoaders(sql: Sql, congresses: CongressLoaders, opts: ProgressLoaderOptions = {}) {
  const mode = opts.past ?? 'auto';
  // The current term's calendar on a date, and its latest entries (the counters' held-late counts compare with those).
  const calendars = async (date: string): Promise<{ on: Map<string, string>; latest: Map<string, string> }> => {
    const term = await congresses.currentTerm();
    if (!term) return { on: new Map(), latest: new Map() };
    const cal = await congresses.calendar.load(term);
    return {
      on: new Map([...cal.on(date).entries()].map(([level, row]) => [level, row.deadline])),
      latest: new Map(cal.periods.filter((p) => p.validTo === null).map((p) => [p.level, p.deadline])),
    };
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
            const [counters, calendar] = await Promise.all([countersOf(sql, ids), calendars(date)]);
            if (!counters.watermark || counters.watermark <= date) {
              opts.onPath?.('counters', ids.length);
              const rows = new Map(counters.rows.map((r) => [r.organizationId, r]));
              for (const k of group) out.set(key(k), fromCounters(rows.get(k.id), calendar.on, date));
              return;
            }
            if (mode !== 'live' && sameDeadlines(calendar.on, calendar.latest)) {
              const below = counters.rows.reduce((n, r) => n + r.counters.orgs, 0);
              const cap = mode === 'counters' ? 2 ** 31 - 2 : (opts.cap ?? Math.max(DELTA_MIN, Math.floor(below * DELTA_SHARE)));
              // The statement reads the keys' counters again, with the changes (one snapshot).
              const delta = await pastDelta(sql, ids, date, cap);
              if (!delta.overflow) {
                opts.onPath?.('delta', ids.length);
                for (const k of group) {
                  out.set(key(k), pastProgress(delta.counters.get(k.id), delta.now.get(k.id) ?? [], delta.on.get(k.id) ?? [], delta.pending.get(k.id) ?? 0, calendar.on, date));
                }
                return;
              }
            }
          }
          opts.onPath?.('live', ids.length);
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
