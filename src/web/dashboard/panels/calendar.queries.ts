/** The congress calendar panel's GraphQL and window (DOM-free: test/web.panels.test.ts runs these exact strings). */
import { addDays } from '../format';

/** One page of the congresses planned to start in [from, to] below the organisation, by planned date, as of the date. */
export const CALENDAR_QUERY = /* GraphQL */ `
  query DashboardCalendar($under: ID!, $from: Date, $to: Date, $asOf: Date, $first: Int!, $after: String) {
    congresses(under: $under, from: $from, to: $to, asOf: $asOf, first: $first, after: $after, orderBy: PLANNED_START) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        id
        round
        pilot
        stage
        plannedStart
        plannedEnd
        deadline
        overdue
        risks
        organization { id code name level parent { name } }
      }
    }
  }
`;

export interface CalendarCongress {
  id: string;
  round: number;
  pilot: boolean;
  stage: string;
  plannedStart: string | null;
  plannedEnd: string | null;
  deadline: string | null;
  overdue: boolean;
  risks: string[];
  organization: { id: string; code: string; name: string; level: string; parent: { name: string } | null };
}

export interface CalendarPage {
  congresses: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: CalendarCongress[] };
}

export interface CalendarWindow {
  from: string;
  to: string;
  /** The date the window was chosen for: a new `asOf` resets it. */
  asOf: string | null;
}

/** Today → +60 days; on a past (or future) date: a month either side of it. */
export function defaultWindow(ctx: { asOf: string | null; today: string }): CalendarWindow {
  if (ctx.asOf && ctx.asOf !== ctx.today) return { from: addDays(ctx.asOf, -30), to: addDays(ctx.asOf, 30), asOf: ctx.asOf };
  return { from: ctx.today, to: addDays(ctx.today, 60), asOf: ctx.asOf };
}

/** The export's address for the window (the server checks the token and the scope like the API). */
export function exportUrl(format: 'csv' | 'xlsx', under: string, w: CalendarWindow): string {
  const q = new URLSearchParams({ under, from: w.from, to: w.to });
  if (w.asOf) q.set('asOf', w.asOf);
  return `/export/congresses.${format}?${q}`;
}
