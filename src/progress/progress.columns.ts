import { CongressStage } from '../congress/congress.enums';
import { LEVELS } from '../organization/organization.levels';

/**
 * The layout of the precomputed roll-up: one counter row per organisation over its subtree in the latest state of the
 * tree (itself excluded). Each column is a sum over the organisations below it.
 */
export const STAGES = Object.values(CongressStage);

export const BASE_FIELDS = ['orgs', 'expected', 'held', 'members', 'pilot_held', 'two_content', 'postponed', 'pending'] as const;
export const stageField = (s: CongressStage) => `st_${s.toLowerCase()}`;
export const levelField = (l: string, what: 'orgs' | 'expected' | 'held' | 'open' | 'held_late') => `lv_${l.toLowerCase()}_${what}`;

/**
 * `open`: expected, not held, whose deadline comes from the term calendar (so overdue = open when that deadline passed).
 * `held_late`: held, closing day (`held_end`) after its deadline (its own, else the term calendar's as it is now; a
 * calendar change adjusts them, see trackCalendarChange).
 */
export const FIELDS: string[] = [
  ...BASE_FIELDS,
  ...STAGES.map(stageField),
  ...LEVELS.flatMap((l) => (['orgs', 'expected', 'held', 'open'] as const).map((w) => levelField(l, w))),
  ...LEVELS.map((l) => levelField(l, 'held_late')),
];

export type Vector = Record<string, number>;

export const zero = (): Vector => Object.fromEntries(FIELDS.map((f) => [f, 0]));

export function add(into: Vector, v: Vector, sign = 1): Vector {
  for (const f of FIELDS) into[f] += sign * (v[f] ?? 0);
  return into;
}

