import { UserErrorException } from '../common/errors';
import type { DomainChange } from '../common/journal';
import type { JournalConsumer, Tx } from '../common/kernel';
import { nearestPathSql } from './access.placement';

/**
 * The write side of access control, from the journal (so a mutation cannot forget it): before COMMIT, every
 * organisation a scoped writer's transaction changes must lie inside its scope's subtree today and, for a change
 * dated in the past, on the day it takes effect (where it stood then, or nearest to then). The organisations a change concerns are its `authority` when it names one, else:
 * - a restructuring proposed or cancelled: its SOURCE and MOVED participants and the TARGET it renames (what the
 *   proposer decides for; the receiving side may lie outside — whoever approves must hold every participant);
 * - a restructuring approved or applied: every participant, with old and new parents; an organisation the
 *   restructuring creates counts by its new parent (it is not in the tree until applied);
 * - anything else: `organizations`, and the organisations of its Organization, Congress and ReadinessReport
 *   entities (not a restructuring's new organisation, made at its proposal: that is placed, and checked, when applied). Principals, the term calendar and risk thresholds are ADMIN's alone.
 * Outside: FORBIDDEN in `userErrors`, and nothing is written.
 */
const ADMIN_ENTITIES = new Set(['Principal', 'TermCalendarEntry', 'RiskThreshold']);
const SKIPPED: ReadonlySet<DomainChange['kind']> = new Set(['PendingClaimed', 'PendingReleased']);

/** The organisations a change concerns, and the congresses whose organisations it concerns (resolved by the check's own statement). */
interface Concerned {
  organizations: string[];
  congresses: string[];
}

async function concerned(tx: Tx, change: DomainChange): Promise<Concerned> {
  const only = (organizations: string[]): Concerned => ({ organizations, congresses: [] });
  if (change.authority) return only(change.authority);
  const restructurings = change.entities.filter((e) => e.type === 'Restructuring').map((e) => e.id);
  if (change.kind === 'RestructuringProposed' || change.kind === 'RestructuringCancelled') {
    const rows = await tx.sql<{ id: string }>(
      `select organization_id as id from restructuring_participant
        where restructuring_id = any(?::uuid[]) and (role in ('SOURCE','MOVED') or (role = 'TARGET' and new_name is not null))`,
      [restructurings],
    );
    return only(rows.map((r) => r.id));
  }
  if (change.kind === 'RestructuringApproved' || change.kind === 'RestructuringApplied') {
    const rows = await tx.sql<{ id: string }>(
      `select x.id from restructuring_participant rp
         cross join lateral (values (rp.organization_id), (rp.new_parent_id), (rp.old_parent_id)) as x(id)
        where rp.restructuring_id = any(?::uuid[]) and x.id is not null
          and x.id not in (select c.organization_id from restructuring_participant c where c.restructuring_id = rp.restructuring_id and c.created_by_restructuring)`,
      [restructurings],
    );
    if (change.kind === 'RestructuringApproved') {
      // Approving answers for what applying will do: the parents that lose a dissolved, merged or moved organisation.
      const parents = await tx.sql<{ id: string }>(
        `select p.parent_id as id from restructuring_participant rp
           join organization_placement p on p.organization_id = rp.organization_id and p.valid_to is null
          where rp.restructuring_id = any(?::uuid[]) and rp.role in ('SOURCE','MOVED') and p.parent_id is not null`,
        [restructurings],
      );
      rows.push(...parents);
    }
    return only(rows.map((r) => r.id));
  }
  const ids = [...change.organizations, ...change.entities.filter((e) => e.type === 'Organization').map((e) => e.id)];
  if (change.kind === 'OrganizationCreated') {
    // A restructuring's new organisation is not in the tree until applied: its approval and application answer for it.
    const rows = await tx.sql<{ id: string }>(`select id from organization where id = any(?::uuid[]) and not pending_establishment`, [ids]);
    return only(rows.map((r) => r.id));
  }
  return { organizations: ids, congresses: change.entities.filter((e) => e.type === 'Congress').map((e) => e.id) };
}

export function createAccessConsumer(): JournalConsumer {
  return {
    name: 'access',
    async beforeCommit(tx, journal) {
      const { viewer, today } = tx.meta;
      // Principals are checked; the system (seeds, tools) and internal callers without a request are not.
      if (viewer.kind !== 'principal' || viewer.role === 'ADMIN') return;
      const refuse = (message: string) => {
        throw UserErrorException.of('FORBIDDEN', message, ['input']);
      };
      if (viewer.role !== 'EDITOR' || !viewer.scopeId) refuse('Only an ADMIN or an EDITOR may write.');
      // Scope is dated: each organisation must lie in the scope today and on the day its change takes effect.
      const checks = { organizations: new Map<string, { id: string; date: string }>(), congresses: new Map<string, { id: string; date: string }>() };
      const add = (into: Map<string, { id: string; date: string }>, id: string, date: string) => into.set(`${id}|${date}`, { id, date });
      for (const change of journal) {
        if (SKIPPED.has(change.kind)) continue;
        if (change.entities.some((e) => ADMIN_ENTITIES.has(e.type))) refuse('Only an ADMIN may change this.');
        const effectiveOn = 'effectiveOn' in change && typeof change.effectiveOn === 'string' && change.effectiveOn < today ? change.effectiveOn : null;
        const of = await concerned(tx, change);
        for (const [into, ids] of [[checks.organizations, of.organizations], [checks.congresses, of.congresses]] as const) {
          for (const id of ids) {
            add(into, id, today);
            if (effectiveOn) add(into, id, effectiveOn);
          }
        }
      }
      if (!checks.organizations.size && !checks.congresses.size) return;
      const orgs = [...checks.organizations.values()];
      const congresses = [...checks.congresses.values()];
      // One statement: a congress counts by its organisation, looked up here rather than in a statement of its own.
      const outside = await tx.sql<{ id: string }>(
        `with k as (
           select o.id, o.d from unnest(?::uuid[], ?::date[]) as o(id, d)
           union all
           select c.organization_id, kc.d from unnest(?::uuid[], ?::date[]) as kc(id, d) join congress c on c.id = kc.id)
         select k.id from k
          where not exists (select 1 from organization_placement s where s.organization_id = ?::uuid and s.valid_from <= k.d and (s.valid_to is null or s.valid_to > k.d))
             or not coalesce(${nearestPathSql('k.id', 'k.d')} @> array[?::uuid], false)`,
        [orgs.map((k) => k.id), orgs.map((k) => k.date), congresses.map((k) => k.id), congresses.map((k) => k.date), viewer.scopeId, viewer.scopeId],
      );
      // The message names no count: how many lie outside would tell of what the writer cannot see.
      if (outside.length) refuse('This change reaches outside your scope (today, or on the day it takes effect).');
    },
  };
}
