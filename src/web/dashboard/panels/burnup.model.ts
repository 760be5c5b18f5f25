/**
 * The burn-up chart's window and points, from what the API answered (pure: no DOM, tested in Node).
 *
 * Window: from the month of the subtree's earliest planned congress to the date read (`asOf`, else today); the axis
 * reaches at least the last deadline of the levels present in the subtree, so the deadlines still ahead show. When the
 * date read is past the last deadline, the tail where nothing changes any more is cut one period after the last
 * change (late congresses still show).
 */
import { addDays, daysBetween, monthStart } from '../format';
import type { BurnupSetup } from './burnup.queries';

export interface DeadlineMarker {
  date: string;
  levels: string[];
}

export interface BurnupPlan {
  from: string;
  /** The last day with data: the date read. */
  to: string;
  interval: 'MONTH' | 'WEEK';
  /** The levels' deadlines (levels present in the subtree), by date; levels sharing a date share a marker. */
  deadlines: DeadlineMarker[];
  expected: number;
  held: number;
  heldRatio: number;
}

/** At most this many days between `from` and the axis' end for weekly points. */
const WEEKLY_UP_TO_DAYS = 200;

export function planBurnup(setup: BurnupSetup, date: string): BurnupPlan | null {
  const { progress } = setup;
  if (progress.congressesExpected === 0) return null;
  const levels = new Set(progress.byLevel.filter((l) => l.congressesExpected > 0).map((l) => l.level));
  const byDate = new Map<string, string[]>();
  for (const e of setup.termCalendar) {
    if (!levels.has(e.level)) continue;
    byDate.set(e.deadline, [...(byDate.get(e.deadline) ?? []), e.level]);
  }
  const deadlines = [...byDate].map(([d, ls]) => ({ date: d, levels: ls })).sort((a, b) => a.date.localeCompare(b.date));
  const firstPlanned = setup.congresses.nodes[0]?.plannedStart ?? null;
  const firstDeadline = deadlines[0]?.date ?? null;
  let from = monthStart(firstPlanned ?? (firstDeadline ? addDays(firstDeadline, -180) : date));
  if (from > date) from = monthStart(date);
  const lastDeadline = deadlines.length ? deadlines[deadlines.length - 1].date : date;
  const axisEnd = lastDeadline > date ? lastDeadline : date;
  // The API refuses more than 20 years of months; no term is that long, but a wrong date must not break the chart.
  if (daysBetween(from, date) > 31 * 230) from = monthStart(addDays(date, -31 * 230));
  const interval = daysBetween(from, axisEnd) <= WEEKLY_UP_TO_DAYS ? 'WEEK' : 'MONTH';
  return { from, to: date, interval, deadlines, expected: progress.congressesExpected, held: progress.held, heldRatio: progress.heldRatio };
}

export interface BurnupPoint {
  /** The day the point counts (the last day of its period; `to` for the last one). */
  date: string;
  held: number;
}

/** Each point dated by the last day of its period (the next period's start − 1; `to` for the last one). */
export function pointsOf(timeline: { periodStart: string; held: number }[], to: string): BurnupPoint[] {
  return timeline.map((p, i) => ({ date: i + 1 < timeline.length ? addDays(timeline[i + 1].periodStart, -1) : to, held: p.held }));
}

/**
 * Cuts the flat tail after the last deadline: keeps every point up to the first one on or after the last deadline,
 * and after it up to one point past the last change.
 */
export function trimTail(points: BurnupPoint[], lastDeadline: string | null): BurnupPoint[] {
  if (!lastDeadline || points.length === 0) return points;
  const atDeadline = points.findIndex((p) => p.date >= lastDeadline);
  if (atDeadline < 0) return points;
  let lastChange = 0;
  for (let i = 1; i < points.length; i++) if (points[i].held !== points[i - 1].held) lastChange = i;
  return points.slice(0, Math.max(atDeadline, Math.min(lastChange + 1, points.length - 1)) + 1);
}
