import type { Sql } from './sql';

const TREE_LOCK = 727_001;

/**
 * One advisory lock for the shape of the tree: writers that move subtrees or apply restructurings take it
 * exclusively; every other change takes it shared, first thing in its transaction (see runMutation).
 */
export async function lockTree(sql: Sql, mode: 'exclusive' | 'shared'): Promise<void> {
  await sql(mode === 'exclusive' ? 'select pg_advisory_xact_lock(?)' : 'select pg_advisory_xact_lock_shared(?)', [TREE_LOCK]);
}
