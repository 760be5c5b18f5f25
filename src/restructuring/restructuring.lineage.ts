import type { Sql } from '../common/sql';
import { RestructuringKind } from './restructuring.enums';

/** A moved organisation's path (root first, itself last) just before and just after the restructuring moved it. */
export interface MovedPaths {
  id: string;
  before: readonly string[];
  after: readonly string[];
}

/**
 * Which source each target continues (predecessor → successor), following what actually went where:
 * - MERGE, ABSORB: every source into the one target (what a source does not move elsewhere follows it there);
 * - SPLIT: the one source into each target;
 * - REORGANIZE: a source is a predecessor of a target when something that sat below the source moves to sit below
 *   the target (its new parent is the target or under it). A source from which nothing moves into any target
 *   (an empty one, or one whose subtrees all go elsewhere) continues in no target;
 * - other kinds: none (nothing both ends and continues).
 * Renamed organisations are not successors of anything (they continue themselves): leave them out of `targetIds`.
 */
export function lineagePairs(kind: RestructuringKind, sourceIds: readonly string[], targetIds: readonly string[], moved: readonly MovedPaths[]): [string, string][] {
  const all = (): [string, string][] => sourceIds.flatMap((s) => targetIds.map((t): [string, string] => [s, t]));
  switch (kind) {
    case RestructuringKind.MERGE:
    case RestructuringKind.ABSORB:
    case RestructuringKind.SPLIT:
      return all();
    case RestructuringKind.REORGANIZE: {
      const pairs = new Map<string, [string, string]>();
      for (const m of moved) {
        const from = sourceIds.filter((s) => s !== m.id && m.before.includes(s));
        const into = targetIds.filter((t) => t !== m.id && m.after.includes(t));
        for (const s of from) for (const t of into) pairs.set(`${s}|${t}`, [s, t]);
      }
      return [...pairs.values()];
    }
    default:
      return [];
  }
}

/** Records lineage pairs of a restructuring effective on `date`, in one statement. */
export async function recordLineage(sql: Sql, restructuringId: string, date: string, pairs: readonly [string, string][]): Promise<void> {
  if (!pairs.length) return;
  await sql(
    `insert into organization_lineage (predecessor_id, successor_id, restructuring_id, effective_on)
     select p, s, ?, ? from unnest(?::uuid[], ?::uuid[]) as x(p, s) on conflict do nothing`,
    [restructuringId, date, pairs.map(([p]) => p), pairs.map(([, s]) => s)],
  );
}
