import { UserError, UserErrorException } from '../common/errors';
import type { Sql } from '../common/sql';
import { organizationsByIds } from '../organization/organization.repository';
import { PARENT_ROLES } from './restructuring.enums';

/** A move whose new parent is already its parent on the date: nothing would move (SAME_PARENT). */
export interface SameParentMove {
  organizationId: string;
  newParentId: string;
}

/**
 * Records the parents a restructuring touches: for each MOVED participant, the parent it has on `date` (the one it
 * leaves), then the OLD_PARENT and NEW_PARENT participants derived from the moves and the created targets (one row
 * per organisation and role, after the other participants). Called at proposal (the planned effective date, else
 * today), at the decision (the decided date) and when applied (the effective date, before anything moves), so the
 * record follows the tree until the change happens. Parents are not claimed: they stay free for other restructurings.
 * Returns, in the order of the moves, those that would leave their parent for that same parent.
 */
export async function recordParents(sql: Sql, restructuringId: string, date: string): Promise<SameParentMove[]> {
  const moves = await sql<{ organizationId: string; oldParentId: string | null; newParentId: string; position: number }>(
    `update restructuring_participant rp
        set old_parent_id = (select pl.parent_id from organization_placement pl
                              where pl.organization_id = rp.organization_id
                                and pl.valid_from <= ?::date and (pl.valid_to is null or pl.valid_to > ?::date))
      where rp.restructuring_id = ? and rp.role = 'MOVED'
      returning rp.organization_id as "organizationId", rp.old_parent_id as "oldParentId", rp.new_parent_id as "newParentId", rp.position`,
    [date, date, restructuringId],
  );
  await sql(`delete from restructuring_participant where restructuring_id = ? and role = any(?::text[])`, [restructuringId, PARENT_ROLES]);
  await sql(
    `insert into restructuring_participant (restructuring_id, organization_id, role, position)
     select ?::uuid, p.organization_id, p.role, t.last + row_number() over (order by p.role desc, p.first, p.organization_id)
       from (select old_parent_id as organization_id, 'OLD_PARENT' as role, min(position) as first
               from restructuring_participant where restructuring_id = ? and role = 'MOVED' and old_parent_id is not null group by 1
             union all
             select new_parent_id, 'NEW_PARENT', min(position)
               from restructuring_participant where restructuring_id = ? and role in ('MOVED', 'TARGET') and new_parent_id is not null group by 1) p
      cross join (select coalesce(max(position), -1) as last from restructuring_participant where restructuring_id = ?) t`,
    [restructuringId, restructuringId, restructuringId, restructuringId],
  );
  return moves
    .filter((m) => m.oldParentId === m.newParentId)
    .sort((a, b) => a.position - b.position)
    .map(({ organizationId, newParentId }) => ({ organizationId, newParentId }));
}

/** recordParents, refusing moves to the parent they already have on `date` (SAME_PARENT at `fieldOf(move)`). */
export async function recordParentsOrRefuse(sql: Sql, restructuringId: string, date: string, fieldOf: (move: SameParentMove) => string[]): Promise<void> {
  const same = await recordParents(sql, restructuringId, date);
  if (!same.length) return;
  const names = new Map((await organizationsByIds(sql, same.flatMap((m) => [m.organizationId, m.newParentId]))).map((o) => [o.id, o.name]));
  throw new UserErrorException(
    same.map((m) => UserError.of('SAME_PARENT', `${names.get(m.organizationId)} already sits under ${names.get(m.newParentId)} on ${date}: nothing would move.`, fieldOf(m))),
  );
}
