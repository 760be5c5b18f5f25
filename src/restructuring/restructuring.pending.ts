import { inputField, UserErrorException } from '../common/errors';
import { ref, type DomainChange } from '../common/journal';
import type { Tx } from '../common/kernel';
import type { OrganizationRow } from '../organization/organization.repository';

/** The organisations a pending restructuring claims: each takes part in at most one at a time. */

const f = inputField;

/** An organisation takes part in at most one pending restructuring (the table's primary key guarantees it). */
export async function claimPending(tx: Tx, restructuringId: string, orgIds: string[], orgs: Map<string, OrganizationRow>) {
  const { sql } = tx;
  const ids = [...new Set(orgIds)];
  const taken = await sql<{ organizationId: string; title: string }>(
    `select p.organization_id as "organizationId", r.title from restructuring_pending p join restructuring r on r.id = p.restructuring_id
      where p.organization_id = any(?::uuid[])`,
    [ids],
  );
  if (taken.length) {
    const list = taken.map((t) => `${orgs.get(t.organizationId)?.name ?? t.organizationId} («${t.title}»)`).join(', ');
    throw UserErrorException.of('ALREADY_PENDING', `Already part of a pending restructuring: ${list}.`, f('kind'));
  }
  const change: DomainChange = { kind: 'PendingClaimed', organizations: ids, entities: [ref('Restructuring', restructuringId), ...ids.map((o) => ref('Organization', o))] };
  const inserted = await tx.change(change, () =>
    sql(`insert into restructuring_pending (organization_id, restructuring_id) select unnest(?::uuid[]), ? on conflict do nothing returning organization_id`, [ids, restructuringId]),
  );
  if (inserted.length !== ids.length) throw UserErrorException.of('ALREADY_PENDING', 'Another restructuring claimed one of these organisations just now.', f('kind'));
}

/** The restructuring is no longer pending: its organisations are free again. */
export async function releasePending(tx: Tx, restructuringId: string): Promise<void> {
  const { sql } = tx;
  const ids = (await sql<{ id: string }>('select organization_id as id from restructuring_pending where restructuring_id = ?', [restructuringId])).map((r) => r.id);
  await tx.change(
    { kind: 'PendingReleased', organizations: ids, entities: [ref('Restructuring', restructuringId), ...ids.map((o) => ref('Organization', o))] },
    () => sql('delete from restructuring_pending where restructuring_id = ?', [restructuringId]),
  );
}
