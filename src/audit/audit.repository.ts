import type { SortKey } from '../common/connection';
import { keysetPage, keysetPageSql, type KeysetRow, type Sql, type Statement } from '../common/sql';
import type { AuditEntityChange, AuditEntityRef, AuditPrincipal, AuditRecord } from './audit.record';

/** Writes and reads of `audit_event` (append-only: nothing here updates or deletes). */

export interface AuditEventRow {
  id: string;
  occurredAt: Date;
  principal: AuditPrincipal;
  operation: string;
  requestId: string | null;
  entities: AuditEntityRef[];
  changes: AuditEntityChange[];
}

const COLUMNS = `e.id, e.occurred_at as "occurredAt", e.principal, e.operation, e.request_id as "requestId", e.entities, e.changes`;

/** One statement: the transaction's event. */
/** The statement that records one audit event (run it, or queue it in a transaction's commit batch). */
export function insertAuditEvent(r: AuditRecord): Statement {
  return {
    text: `insert into audit_event (principal, operation, request_id, entities, changes, organizations)
           values (?::jsonb, ?, ?, ?::jsonb, ?::jsonb, ?::uuid[])`,
    params: [JSON.stringify(r.principal), r.operation, r.requestId, JSON.stringify(r.entities), JSON.stringify(r.changes), r.organizations],
  };
}

export async function auditEventsByIds(sql: Sql, ids: readonly string[]): Promise<AuditEventRow[]> {
  return sql(`select ${COLUMNS} from audit_event e where e.id = any(?::uuid[])`, [ids]);
}

export interface AuditSearch {
  /** An organisation: events touching it or an organisation of its subtree (see `subtreeSql`). */
  under: string | null;
  entity: AuditEntityRef | null;
  operation: string | null;
  /** Instants: from inclusive, to exclusive. */
  from: Date | null;
  to: Date | null;
  /** The request's today, for the tree `under` is read in. */
  today: string;
  first: number;
  after: SortKey | null;
}

/**
 * The organisations `under` covers: those at or below it in today's tree; one that is not in today's tree counts
 * where it stood when it ended, and one placed from a later date counts where it will stand too.
 */
const SUBTREE_SQL = `array(
  select p.organization_id from organization_placement p join organization o on o.id = p.organization_id
   where p.path @> array[?::uuid]
     and ((p.valid_from <= ?::date and (p.valid_to is null or p.valid_to > ?::date)) or p.valid_to is null or p.valid_to = o.ended_on))`;

/** The instant an event is sorted by, as text that sorts like it (microseconds, UTC). */
const SORT_VALUE = `to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') collate "C"`;

/** Events, newest first, filtered; keyset paging and the total in one statement. */
export async function searchAuditEvents(sql: Sql, q: AuditSearch): Promise<{ rows: (AuditEventRow & { sortValue: string })[]; total: number }> {
  const where: string[] = ['true'];
  const params: unknown[] = [];
  if (q.under) {
    where.push(`e.organizations && ${SUBTREE_SQL}`);
    params.push(q.under, q.today, q.today);
  }
  if (q.entity) {
    where.push('e.entities @> ?::jsonb');
    params.push(JSON.stringify([{ type: q.entity.type, id: q.entity.id }]));
  }
  if (q.operation !== null) {
    where.push('e.operation = ?');
    params.push(q.operation);
  }
  if (q.from) {
    where.push('e.occurred_at >= ?::timestamptz');
    params.push(q.from.toISOString());
  }
  if (q.to) {
    where.push('e.occurred_at < ?::timestamptz');
    params.push(q.to.toISOString());
  }
  const filtered = `select ${COLUMNS}, ${SORT_VALUE} as "sortValue" from audit_event e where ${where.join(' and ')}`;
  const rows = await sql<KeysetRow<AuditEventRow & { sortValue: string }>>(
    `with f as (${filtered}) ${keysetPageSql({ after: !!q.after, descending: true })}`,
    [...params, ...(q.after ?? []), q.first + 1],
  );
  return keysetPage(rows);
}
