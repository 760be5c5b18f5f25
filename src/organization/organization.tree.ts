import { toGlobalId } from '../common/global-id';
import { UserErrorException } from '../common/errors';
import { ref, type DomainChange } from '../common/journal';
import type { Tx } from '../common/kernel';
import type { Sql } from '../common/sql';
import { bumpVersion } from '../common/versioned';
import { LEVEL_NAMES_VI, mayBeChildOf } from './organization.levels';
import { organizationsByIds, placementsAt, type OrganizationRow, type PlacementRow } from './organization.repository';

/**
 * Primitive changes of the dated tree, shared by moves and restructurings. Each checks its own rules and throws
 * UserErrorException; each runs inside the caller's transaction and records its change in the journal. History is
 * closed and reopened, never rewritten.
 */

export async function placementOn(sql: Sql, id: string, date: string): Promise<PlacementRow | null> {
  const [row] = await placementsAt(sql, [{ id, date }]);
  return row ?? null;
}

export async function readOrganization(sql: Sql, id: string): Promise<OrganizationRow | null> {
  const [row] = await organizationsByIds(sql, [id]);
  return row ?? null;
}

/** The parent must be in the tree from `date` on, with no change recorded after it. */
async function openPlacementOf(sql: Sql, parent: OrganizationRow, date: string, field: string[]): Promise<PlacementRow> {
  const there = await placementOn(sql, parent.id, date);
  if (!there || there.validTo !== null) {
    throw UserErrorException.of('PARENT_NOT_ACTIVE', `${parent.name} is not in the tree from ${date} on.`, field);
  }
  return there;
}

/** Puts an organisation (not yet in the tree) under `parent` from `date`. */
export async function placeOrganization(tx: Tx, org: OrganizationRow, parent: OrganizationRow | null, date: string, field: string[]): Promise<void> {
  const { sql } = tx;
  let path = [org.id];
  if (parent) {
    const there = await openPlacementOf(sql, parent, date, field);
    if (!mayBeChildOf(org.level, parent)) {
      throw UserErrorException.of('LEVEL_NOT_ALLOWED', `A ${LEVEL_NAMES_VI[org.level]} cannot sit under a ${LEVEL_NAMES_VI[parent.level]}.`, field);
    }
    path = [...there.path, org.id];
  } else if (!mayBeChildOf(org.level, null)) {
    throw UserErrorException.of('REQUIRED', 'Only a CENTRAL_COMMITTEE may be a root.', field);
  }
  const change: DomainChange = { kind: 'OrganizationPlaced', effectiveOn: date, organizations: [org.id], entities: [ref('Organization', org.id)], after: { parent: parent ? toGlobalId('Organization', parent.id) : null } };
  await tx.change(change, () =>
    sql(`insert into organization_placement (organization_id, parent_id, path, depth, valid_from) values (?, ?, ?::uuid[], ?, ?)`, [
      org.id,
      parent?.id ?? null,
      path,
      path.length - 1,
      date,
    ]),
  );
}

/**
 * Moves an organisation with its subtree under `parent` from `date`: closes the subtree's open placements on that
 * day and opens new ones with the new paths. O(size of the subtree).
 */
export async function relocateSubtree(tx: Tx, org: OrganizationRow, parent: OrganizationRow, date: string, field: string[]): Promise<void> {
  const { sql } = tx;
  const here = await placementOn(sql, org.id, date);
  if (!here) throw UserErrorException.of('NOT_ACTIVE', `${org.name} is not in the tree on ${date}.`, field);
  const there = await openPlacementOf(sql, parent, date, field);
  if (there.path.includes(org.id)) {
    throw UserErrorException.of('CYCLE', `${org.name} cannot be moved under itself or one of its descendants (${parent.name}).`, field);
  }
  if (here.parentId === parent.id) throw UserErrorException.of('SAME_PARENT', `${org.name} already sits under ${parent.name}.`, field);
  if (!mayBeChildOf(org.level, parent)) {
    throw UserErrorException.of('LEVEL_NOT_ALLOWED', `A ${LEVEL_NAMES_VI[org.level]} cannot sit under a ${LEVEL_NAMES_VI[parent.level]}.`, field);
  }
  const [later] = await sql(
    `select 1 from organization_placement p
      where p.path @> array[?::uuid] and (p.valid_from > ? or (p.valid_to is not null and p.valid_to > ?)) limit 1`,
    [org.id, date, date],
  );
  if (later) {
    throw UserErrorException.of('OUT_OF_ORDER', `The subtree of ${org.name} already has changes dated after ${date}; record changes in date order.`, field);
  }
  await tx.change(
    {
      kind: 'OrganizationMoved',
      effectiveOn: date,
      subtreeRoot: org.id,
      organizations: [...new Set([org.id, ...(here.parentId ? [here.parentId] : []), parent.id])],
      entities: [ref('Organization', org.id)],
      before: { parent: here.parentId && toGlobalId('Organization', here.parentId) },
      after: { parent: toGlobalId('Organization', parent.id) },
    },
    () => rewritePaths(sql, org, parent, there, date),
  );
}

async function rewritePaths(sql: Sql, org: OrganizationRow, parent: OrganizationRow, there: PlacementRow, date: string): Promise<void> {
  const newPath = `?::uuid[] || p.path[array_position(p.path, ?::uuid):]`;
  // Rows that start on the day itself are re-pointed in place (a same-day correction: no zero-length interval).
  await sql(
    `update organization_placement p
        set path = ${newPath}, depth = cardinality(${newPath}) - 1,
            parent_id = case when p.organization_id = ? then ?::uuid else p.parent_id end
      where p.path @> array[?::uuid] and p.valid_to is null and p.valid_from = ?`,
    [there.path, org.id, there.path, org.id, org.id, parent.id, org.id, date],
  );
  const closed = await sql<{ id: string }>(
    `update organization_placement p set valid_to = ? where p.path @> array[?::uuid] and p.valid_to is null and p.valid_from < ? returning p.id`,
    [date, org.id, date],
  );
  if (closed.length) {
    await sql(
      `insert into organization_placement (organization_id, parent_id, path, depth, valid_from)
       select p.organization_id, case when p.organization_id = ? then ?::uuid else p.parent_id end,
              ${newPath}, cardinality(${newPath}) - 1, ?
         from organization_placement p where p.id = any(?::bigint[])`,
      [org.id, parent.id, there.path, org.id, there.path, org.id, date, closed.map((r) => r.id)],
    );
  }
}

/** The organisation is gone from `date` on. It must have no children left in the tree on that day. */
export async function endOrganization(tx: Tx, org: OrganizationRow, date: string, field: string[]): Promise<void> {
  const { sql } = tx;
  const here = await placementOn(sql, org.id, date);
  if (!here || here.validTo !== null || here.validFrom >= date) {
    throw UserErrorException.of('NOT_ACTIVE', `${org.name} is not in the tree up to ${date}, or has changes after it.`, field);
  }
  const left = await sql<{ name: string }>(
    `select o.name from organization_placement p join organization o on o.id = p.organization_id
      where p.parent_id = ? and (p.valid_to is null or p.valid_to > ?) order by o.sort_key limit 6`,
    [org.id, date],
  );
  if (left.length) {
    const names = left.slice(0, 5).map((r) => r.name).join(', ') + (left.length > 5 ? ', …' : '');
    throw UserErrorException.of('CHILDREN_NOT_MOVED', `${org.name} still has organisations under it on or after ${date} that this change does not move: ${names}.`, field);
  }
  const change: DomainChange = { kind: 'OrganizationEnded', effectiveOn: date, organizations: [org.id], entities: [ref('Organization', org.id)], before: { endedOn: null }, after: { endedOn: date } };
  await tx.change(change, async () => {
    await sql('update organization_placement set valid_to = ? where organization_id = ? and valid_to is null', [date, org.id]);
    await bumpVersion(sql, 'organization', org.id, { ended_on: date });
  });
}

/** A new name from `date`; the old one keeps answering for earlier dates. */
export async function renameOrganization(tx: Tx, org: OrganizationRow, name: string, shortName: string | null, date: string, searchText: string, sortKey: string): Promise<void> {
  const { sql } = tx;
  const [last] = await sql<{ validTo: string }>(`select max(valid_to)::text as "validTo" from organization_name where organization_id = ?`, [org.id]);
  const from = last?.validTo ?? org.establishedOn;
  if (date <= from) throw UserErrorException.of('OUT_OF_ORDER', `${org.name} already has a name change on or after ${date}.`, ['input', 'effectiveOn']);
  const change: DomainChange = {
    kind: 'OrganizationRenamed',
    effectiveOn: date,
    organizations: [], // a name counts nowhere in the roll-up
    entities: [ref('Organization', org.id)],
    before: { name: org.name, shortName: org.shortName },
    after: { name, shortName },
  };
  await tx.change(change, async () => {
    await sql(`insert into organization_name (organization_id, name, short_name, valid_from, valid_to) values (?, ?, ?, ?, ?)`, [
      org.id,
      org.name,
      org.shortName,
      from,
      date,
    ]);
    await bumpVersion(sql, 'organization', org.id, { name, short_name: shortName, search_text: searchText, sort_key: sortKey, renamed: true });
  });
}
