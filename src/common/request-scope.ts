import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from './log';

/**
 * What the server tracks per request without threading it through every call: its id, its logger (a child carrying
 * the id), its SQL statements, and the first database-outage error it met (reported once per request).
 */
export interface RequestScope {
  requestId: string;
  logger: Logger;
  statements: number;
  outage?: unknown;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();

/** Called for every statement sent to PostgreSQL (at the driver, via knex's `query` event). */
export function countStatement(): void {
  const scope = requestScope.getStore();
  if (scope) scope.statements++;
}
