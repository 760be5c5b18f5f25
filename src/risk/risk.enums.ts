import { registerEnumType } from 'type-graphql';

/** The at-risk signals of a congress on a date (risk.sql.ts defines each, once). */
export enum RiskKind {
  PLANNED_AFTER_DEADLINE = 'PLANNED_AFTER_DEADLINE',
  NOT_SCHEDULED_NEAR_DEADLINE = 'NOT_SCHEDULED_NEAR_DEADLINE',
  STUCK = 'STUCK',
  POSTPONED_PAST_DEADLINE = 'POSTPONED_PAST_DEADLINE',
  SUBORDINATES_BEHIND = 'SUBORDINATES_BEHIND',
}

export const RISK_KINDS = Object.values(RiskKind);

registerEnumType(RiskKind, {
  name: 'RiskKind',
  description:
    'Why a congress may miss its deadline, on a date D (`asOf`). Only a term-opening congress (round 1) scheduled by D, not held and not SUPERSEDED on D, ' +
    'can be at risk; one congress may show several kinds. Every value is read as it stood on D: the stage (its history), the plan, the deadline ' +
    '(the superior’s, else the term calendar’s for its level), the tree, and the thresholds (`riskThresholds`).',
  valuesConfig: {
    PLANNED_AFTER_DEADLINE: { description: 'Its planned start or end is after its deadline.' },
    NOT_SCHEDULED_NEAR_DEADLINE: {
      description:
        'No planned date, and its deadline is on D or within the level’s `notScheduledWindowDays` after D (once the deadline has passed it is `overdue` instead).',
    },
    STUCK: {
      description:
        'More than the level’s `stuckDays` days in its current stage: since its last stage change effective on or before D. A congress with no stage change ' +
        '(NOT_STARTED) counts from the day it was scheduled, or from the start of its term when it was scheduled before scheduling was dated. POSTPONED counts as a stage.',
    },
    POSTPONED_PAST_DEADLINE: { description: 'POSTPONED, and its deadline is before D or its new planned date is after the deadline.' },
    SUBORDINATES_BEHIND: {
      description:
        'Planned, and some direct subordinate on D (lower levels first) has a congress that counts and is not held, with no planned date (or none scheduled at all) ' +
        'or planned to end on or after this one’s planned start: what `scheduleConflicts` lists.',
    },
  },
});
