/** The pending restructurings panel's GraphQL (DOM-free: test/web.panels.test.ts runs this exact string). */
import { addDays } from '../format';

/**
 * One page of the restructurings touching the organisation or anything that ever sat below it, of one status
 * (and, for those already in effect, effective on or after `from`). The panel asks PROPOSED and APPROVED (and, for a
 * past date, CANCELLED and EFFECTIVE after it) and keeps those pending at the end of the date read, from `history`.
 */
export const RESTRUCTURINGS_QUERY = /* GraphQL */ `
  query DashboardRestructurings($under: ID!, $status: RestructuringStatus!, $from: Date, $first: Int!, $after: String) {
    restructurings(under: $under, status: $status, from: $from, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        id
        kind
        status
        title
        decisionNumber
        decisionDate
        effectiveOn
        history { toStatus effectiveOn }
        participants {
          role
          created
          newName
          organization { id code name }
          newParent { name }
        }
      }
    }
  }
`;

export type RestructuringStatus = 'PROPOSED' | 'APPROVED' | 'EFFECTIVE' | 'CANCELLED';

export interface PendingRestructuring {
  id: string;
  kind: string;
  status: RestructuringStatus;
  title: string;
  decisionNumber: string | null;
  decisionDate: string | null;
  effectiveOn: string | null;
  history: { toStatus: RestructuringStatus; effectiveOn: string }[];
  participants: { role: string; created: boolean; newName: string | null; organization: { id: string; code: string; name: string }; newParent: { name: string } | null }[];
}

export interface RestructuringsPage {
  restructurings: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: PendingRestructuring[] };
}

/**
 * Pending at the end of day `date`, as `Organization.pendingRestructuring(asOf:)` reads it: proposed on or before it,
 * and neither in effect nor cancelled by then (each status change is dated by its `effectiveOn`).
 */
export function pendingOn(r: Pick<PendingRestructuring, 'history'>, date: string): boolean {
  const by = r.history.filter((h) => h.effectiveOn <= date);
  return by.some((h) => h.toStatus === 'PROPOSED') && !by.some((h) => h.toStatus === 'EFFECTIVE' || h.toStatus === 'CANCELLED');
}

/** Its status at the end of day `date` (the latest change effective by then). */
export function statusOn(r: Pick<PendingRestructuring, 'history' | 'status'>, date: string): RestructuringStatus {
  let status: RestructuringStatus | null = null;
  for (const h of r.history) if (h.effectiveOn <= date) status = h.toStatus;
  return status ?? r.status;
}

/**
 * The lists to read for date D: those pending now (PROPOSED, APPROVED) and, for a past date, those that were pending
 * then and have since been cancelled or taken effect (EFFECTIVE from the day after D on). Each is paged on its own;
 * every row is kept only when pending at the end of D (`pendingOn`).
 */
export function sourcesFor(ctx: { asOf: string | null; today: string }): { status: RestructuringStatus; from: string | null }[] {
  const date = ctx.asOf ?? ctx.today;
  const past = date < ctx.today;
  return [
    { status: 'PROPOSED', from: null },
    { status: 'APPROVED', from: null },
    // An applied restructuring is pending until its effective date (EFFECTIVE is dated by it).
    { status: 'EFFECTIVE', from: addDays(date, 1) },
    ...(past ? [{ status: 'CANCELLED' as const, from: null }] : []),
  ];
}
