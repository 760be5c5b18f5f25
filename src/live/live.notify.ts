import type { JournalConsumer, Tx } from '../common/kernel';
import type { DomainChange } from '../common/journal';

/** The PostgreSQL channel every committed write is announced on (live updates and caches LISTEN to it). */
export const CHANGES_CHANNEL = 'daihoi_changes';

/** Under PostgreSQL's 8000-byte limit for a payload, with room to spare. */
export const MAX_PAYLOAD_BYTES = 7000;

/**
 * The payload of one notification, JSON:
 * - `organizations`: the organisations the transaction changed and all their ancestors (for a move: along the old
 *   and the new path), so a listener interested in X's subtree is told whenever X is listed;
 * - `truncated: true` when that list would not fit (or the change concerns the whole tree, e.g. a calendar change):
 *   `organizations` then holds only the roots of what changed — anything at or under them, and their ancestors, may
 *   have changed.
 */
export interface ChangeNotification {
  operation: string;
  /** The data version this transaction committed (a decimal string): see data_version, src/cache. */
  version: string;
  organizations: string[];
  truncated?: true;
}

/** Organisations a change names: those it alters and those it touched (entities). */
function named(change: DomainChange): string[] {
  return [...change.organizations, ...change.entities.filter((e) => e.type === 'Organization').map((e) => e.id)];
}

/** Changes that may alter any part of the tree (every organisation of a level, for a calendar or risk-threshold change). */
const WHOLE_TREE = new Set<DomainChange['kind']>(['CalendarChanged', 'RiskThresholdChanged']);

/**
 * One `pg_notify` per transaction, sent just before COMMIT in the same transaction: PostgreSQL delivers it on COMMIT
 * only, never after a rollback. The same statement raises the data version (the `data_version` row, locked from here to
 * COMMIT: the last statement of every write, so writers wait on it only for their COMMIT), which the response cache
 * keys answers by (src/cache/response-cache.ts). One statement builds the payload and sends it: the paths of the organisations named
 * (their open placement, else their latest one — an ended organisation's last path), and the first of these that fits:
 * 1. every organisation named with all its ancestors;
 * 2. the topmost organisations named (none of their ancestors named too), truncated;
 * 3. the roots of their trees (for a change concerning the whole tree: the roots of the tree), truncated;
 * 4. nothing listed, truncated (anything may have changed).
 */
export function createNotifyConsumer(opts: { onSent?: () => void } = {}): JournalConsumer {
  const onSent = opts.onSent;
  return {
    name: 'notify',
    // Delivered on COMMIT: counted then (the metrics' daihoi_notifications_sent_total), never after a rollback.
    ...(onSent ? { afterCommit: () => onSent() } : {}),
    async beforeCommit(tx: Tx, journal: readonly DomainChange[]): Promise<void> {
      const ids = [...new Set(journal.flatMap(named))];
      const whole = journal.some((c) => WHOLE_TREE.has(c.kind));
      const op = tx.meta.operation;
      // In the commit batch (src/common/kernel.ts `atCommit`): the data version's row is locked from there to COMMIT only.
      tx.atCommit(
        `with bump as (update data_version set version = version + 1 returning version),
         named as (select unnest(?::uuid[]) as id),
         placed as (
           select distinct on (p.organization_id) p.organization_id as id, p.path
             from organization_placement p where p.organization_id in (select id from named)
            order by p.organization_id, p.valid_to desc nulls first, p.valid_from desc),
         listed as (select id from named union select unnest(path) from placed),
         topmost as (
           select n.id from named n left join placed x on x.id = n.id
            where not exists (select 1 from named m where m.id <> n.id and m.id = any(x.path))),
         roots as (
           select coalesce(x.path[1], n.id) as id from named n left join placed x on x.id = n.id where not ?::boolean
           union select p.organization_id from organization_placement p where ?::boolean and p.depth = 0 and p.valid_to is null),
         payloads as (
           select 1 as tier, jsonb_build_object('operation', ?::text, 'organizations', coalesce((select jsonb_agg(id order by id) from listed), '[]')) as p
            where not ?::boolean
           union all
           select 2, jsonb_build_object('operation', ?::text, 'organizations', coalesce((select jsonb_agg(id order by id) from topmost), '[]'), 'truncated', true)
            where not ?::boolean
           union all
           select 3, jsonb_build_object('operation', ?::text, 'organizations', coalesce((select jsonb_agg(id order by id) from roots), '[]'), 'truncated', true)
           union all
           select 4, jsonb_build_object('operation', ?::text, 'organizations', '[]'::jsonb, 'truncated', true))
         select pg_notify(?, (select (p || jsonb_build_object('version', (select version::text from bump)))::text
                                from payloads where octet_length(p::text) <= ? order by tier limit 1))`,
        [ids, whole, whole, op, whole, op, whole, op, op, CHANGES_CHANNEL, MAX_PAYLOAD_BYTES],
      );
    },
  };
}
