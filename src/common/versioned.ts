import type { Sql } from './sql';

/**
 * Rows that carry an optimistic-lock `version` and an `updated_at`: every write to one bumps both, whether the entity
 * manager flushes it (`version: true` on the entity) or SQL updates it (here). Clients send the version they read; a
 * service refuses a stale one (STALE_VERSION) before it writes.
 */

/** SQL: the assignments a write of a versioned row carries; `table` qualifies them (an upsert's `do update`). */
export const bumpAssignments = (table?: string) => `version = ${table ? `${table}.` : ''}version + 1, updated_at = now()`;

/** `now()`, the transaction's instant, as a column's new value. */
export const NOW = Symbol('now()');

export type SqlValue = string | number | boolean | null | typeof NOW;

/** The columns SQL updates set besides the version, per versioned table (the entity manager writes the others). */
export interface VersionedColumns {
  organization: 'ended_on' | 'name' | 'short_name' | 'search_text' | 'sort_key' | 'renamed';
  congress: 'stage';
  restructuring: 'status' | 'decision_number' | 'decision_date' | 'issuer' | 'effective_on' | 'applied_at';
}

/**
 * One `update` of the rows `ids` of `table`: the columns of `set`, the version and `updated_at`. Returns each row's
 * new version (none for an id that matched no row).
 */
export async function bumpVersion<T extends keyof VersionedColumns>(
  sql: Sql,
  table: T,
  ids: string | readonly string[],
  set: Partial<Record<VersionedColumns[T], SqlValue>> = {},
): Promise<{ id: string; version: number }[]> {
  const assignments: string[] = [];
  const params: unknown[] = [];
  for (const [column, value] of Object.entries(set) as [string, SqlValue | undefined][]) {
    if (value === undefined) continue;
    if (value === NOW) assignments.push(`${column} = now()`);
    else {
      assignments.push(`${column} = ?`);
      params.push(value);
    }
  }
  assignments.push(bumpAssignments());
  const where = typeof ids === 'string' ? 'id = ?' : 'id = any(?::uuid[])';
  return sql<{ id: string; version: number }>(`update ${table} set ${assignments.join(', ')} where ${where} returning id, version`, [...params, ids]);
}
