/** The readiness reports panel's GraphQL (DOM-free: test/web.panels.test.ts runs these exact strings). */

/**
 * The organisation's children on the date and each one's latest readiness report submitted by then; whether the
 * viewer may act for the organisation today (ADMIN, or an EDITOR whose scope holds it: an EDITOR of the parent
 * decides on its children's reports). `$full: false` for PUBLIC, who may not read reasons nor complaints.
 */
export const READINESS_QUERY = /* GraphQL */ `
  query DashboardReadiness($id: ID!, $asOf: Date, $first: Int!, $after: String, $full: Boolean!) {
    node(id: $id) {
      ... on Organization {
        id
        viewerCanUpdate
        children(first: $first, after: $after, asOf: $asOf) {
          totalCount
          pageInfo { hasNextPage endCursor }
          nodes {
            id
            code
            name
            level
            readiness {
              id
              version
              status
              submittedOn
              decidedOn
              returnReason @include(if: $full)
              checklist {
                subordinateCongressesExpected
                subordinateCongressesHeld
                documentsDrafted
                personnelPlanApproved
                pendingRestructurings
                openComplaints @include(if: $full)
              }
            }
          }
        }
      }
    }
  }
`;

export const READINESS_ACKNOWLEDGE_MUTATION = /* GraphQL */ `
  mutation DashboardReadinessAcknowledge($report: ID!, $version: Int) {
    readinessReportAcknowledge(input: { report: $report, version: $version }) {
      report { id status version decidedOn }
      userErrors { code field message }
    }
  }
`;

export const READINESS_RETURN_MUTATION = /* GraphQL */ `
  mutation DashboardReadinessReturn($report: ID!, $version: Int, $reason: String!) {
    readinessReportReturn(input: { report: $report, version: $version, reason: $reason }) {
      report { id status version decidedOn returnReason }
      userErrors { code field message }
    }
  }
`;

export interface ReadinessReportRow {
  id: string;
  version: number;
  status: string;
  submittedOn: string | null;
  decidedOn: string | null;
  returnReason?: string | null;
  checklist: {
    subordinateCongressesExpected: number;
    subordinateCongressesHeld: number;
    documentsDrafted: boolean;
    personnelPlanApproved: boolean;
    pendingRestructurings: number;
    openComplaints?: number;
  } | null;
}

export interface ReadinessChild {
  id: string;
  code: string;
  name: string;
  level: string;
  readiness: ReadinessReportRow | null;
}

export interface ReadinessData {
  node: {
    id: string;
    viewerCanUpdate: boolean;
    children: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: ReadinessChild[] };
  } | null;
}

export interface UserError {
  code: string;
  field: string[] | null;
  message: string;
}

export interface ReadinessDecision {
  report: { id: string; status: string; version: number; decidedOn: string | null } | null;
  userErrors: UserError[];
}

/**
 * Whether the buttons show: the date read is today, and the viewer may act for the shown organisation (ADMIN, or an
 * EDITOR whose scope holds it — `viewerCanUpdate` — an EDITOR of the parent decides on its children's reports).
 * The server decides in the end; this only hides buttons that could not work.
 */
export function mayDecide(ctx: { asOf: string | null; today: string; viewer: { role: string } }, viewerCanUpdate: boolean): boolean {
  const today = ctx.asOf === null || ctx.asOf === ctx.today;
  return today && (ctx.viewer.role === 'ADMIN' || ctx.viewer.role === 'EDITOR') && viewerCanUpdate;
}
