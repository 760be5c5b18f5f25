import type { TreeLockMode } from '../common/kernel';
import type { Sql } from '../common/sql';

const TREE_LOCK = 727_001;

/**
 * One advisory lock for the shape of the tree: writers that move subtrees or apply restructurings take it
 * exclusively; every other change takes it shared. The kernel takes it first thing in every transaction (the
 * composition root, src/kernel.ts, hands it this function), before any row lock, so locks are always taken in the
 * same order.
 */
export async function lockTree(sql: Sql, mode: TreeLockMode): Promise<void> {
  await sql(`select ${treeLockSql(mode)}`);
}

/** The same lock as a SQL expression, for a statement that takes it before anything else (Tx.takeTreeLock). */
export function treeLockSql(mode: TreeLockMode): string {
  return `${mode === 'exclusive' ? 'pg_advisory_xact_lock' : 'pg_advisory_xact_lock_shared'}(${TREE_LOCK})`;
}
