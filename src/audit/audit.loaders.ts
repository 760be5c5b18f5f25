import DataLoader from 'dataloader';
import type { Sql } from '../common/sql';
import { auditEventsByIds, type AuditEventRow } from './audit.repository';

/**
 * Audit events by id, one loader per request (kept beside the request's loader set, keyed by it). Events never
 * change, so nothing a mutation does needs clearing here.
 */
const perRequest = new WeakMap<object, DataLoader<string, AuditEventRow | null>>();

export function auditEventLoader(request: object, sql: () => Sql): DataLoader<string, AuditEventRow | null> {
  let loader = perRequest.get(request);
  if (!loader) {
    loader = new DataLoader(async (ids) => {
      const rows = new Map((await auditEventsByIds(sql(), ids)).map((r) => [r.id, r]));
      return ids.map((id) => rows.get(id) ?? null);
    });
    perRequest.set(request, loader);
  }
  return loader;
}
