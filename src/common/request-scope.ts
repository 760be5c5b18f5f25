import { AsyncLocalStorage } from 'node:async_hooks';

/** What the server tracks per request without threading it through every call: its id and its SQL statements. */
export interface RequestScope {
  requestId: string;
  statements: number;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();

/** Called for every statement sent to PostgreSQL (at the driver, via knex's `query` event). */
export function countStatement(): void {
  const scope = requestScope.getStore();
  if (scope) scope.statements++;
}
