/**
 * The SQLSTATE of a database error, looked up through its wrappers: MikroORM's converted exceptions (`previous`),
 * `cause`, GraphQL's `originalError`, Node's AggregateError (`errors`). Undefined when none carries one.
 */
export function sqlStateOf(error: unknown, depth = 0): string | undefined {
  if (!error || typeof error !== 'object' || depth > 8) return undefined;
  const e = error as { code?: unknown; sqlState?: unknown; previous?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
  for (const candidate of [e.sqlState, e.code]) if (typeof candidate === 'string' && /^[0-9A-Z]{5}$/.test(candidate)) return candidate;
  for (const inner of [e.previous, e.cause, e.originalError, ...(Array.isArray(e.errors) ? e.errors : [])]) {
    const found = sqlStateOf(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Failures that a concurrent transaction caused, not the statement: serialization failure, deadlock, and a unique or
 * exclusion violation raised by a race (the winner committed the row this transaction checked was absent). Running
 * the whole work again sees the winner and answers as if it had come second.
 */
const RACE_SQLSTATES = new Set(['40001', '40P01', '23505', '23P01']);

export const isRaceFailure = (error: unknown): boolean => RACE_SQLSTATES.has(sqlStateOf(error) ?? '');
