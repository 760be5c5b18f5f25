import type { OrganizationLevel } from '../organization/organization.levels';

/**
 * The 2025–2030 deadlines per level (../shared/domain/facts.md §3), as the congress migration seeds them into
 * `term_calendar`, for generators that plan congresses before any database answers (the demo seed, the synthetic
 * tree). The running service always reads the calendar from the database, where it can be changed.
 */
export const DEADLINES_2025_2030: Record<OrganizationLevel, string> = {
  CELL: '2025-03-31',
  SUB_COMMITTEE: '2025-03-31',
  BASE_CELL: '2025-06-30',
  BASE_COMMITTEE: '2025-06-30',
  ABOVE_BASE: '2025-08-31',
  DIRECTLY_UNDER_CENTRAL: '2025-10-31',
  CENTRAL_COMMITTEE: '2026-01-31',
};
