/**
 * SQL fragments every roll-up statement shares, so that what "the congress that counts", "its deadline" and "held
 * late" mean is written once (a filter on the congress, e.g. which round of a term counts, goes in `countedCongress`).
 * Aliases are parameters: `c` a congress, `tc` its organisation's level's row of the current calendar.
 */

/** The join condition of the congress that counts (defined by the congress feature: src/congress/congress.sql.ts). */
export { countedCongress } from '../congress/congress.sql';

/** The join condition of the current term's calendar row for `level` (present even when no congress is). */
export const currentCalendar = (tc: string, level: string) => `${tc}.term = (select code from term where is_current) and ${tc}.level = ${level}`;

/** A congress's deadline: its own when the superior set one, else its level's in the term calendar (null: none). */
export const deadlineSql = (c: string, tc: string) => `coalesce(${c}.deadline_override, ${tc}.deadline)`;

/** Its closing day is after its deadline (false when either is unknown); "held late" once it is held. */
export const closedLateSql = (c: string, tc: string) => `coalesce(${c}.held_end > ${deadlineSql(c, tc)}, false)`;

export const HELD_STAGES_SQL = `('HELD', 'RESULTS_CONFIRMED')`;
