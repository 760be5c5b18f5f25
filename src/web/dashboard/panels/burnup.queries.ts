/** The burn-up panel's GraphQL (DOM-free: test/web.panels.test.ts runs these exact strings against the API). */

/**
 * Step 1: the term calendar (every level's deadline as it stood on the date), the subtree's numbers and levels, and
 * its earliest planned congress (where the chart starts).
 */
export const BURNUP_SETUP_QUERY = /* GraphQL */ `
  query DashboardBurnupSetup($id: ID!, $asOf: Date) {
    termCalendar(asOf: $asOf) { level deadline }
    progress(under: $id, asOf: $asOf) {
      congressesExpected
      held
      heldRatio
      byLevel { level congressesExpected }
    }
    congresses(under: $id, asOf: $asOf, first: 1, orderBy: PLANNED_START) {
      nodes { plannedStart }
    }
  }
`;

/** Step 2: cumulative congresses held per period, from the start of the congresses to the date read. */
export const BURNUP_TIMELINE_QUERY = /* GraphQL */ `
  query DashboardBurnupTimeline($id: ID!, $asOf: Date, $from: Date!, $to: Date!, $interval: ProgressInterval!) {
    progress(under: $id, asOf: $asOf) {
      timeline(from: $from, to: $to, interval: $interval) { periodStart held }
    }
  }
`;

export interface BurnupSetup {
  termCalendar: { level: string; deadline: string }[];
  progress: { congressesExpected: number; held: number; heldRatio: number; byLevel: { level: string; congressesExpected: number }[] };
  congresses: { nodes: { plannedStart: string | null }[] };
}

export interface BurnupTimeline {
  progress: { timeline: { periodStart: string; held: number }[] };
}
