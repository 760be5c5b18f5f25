import { UserError, UserErrorException } from '../common/errors';
import { cellSizeError, currentRules } from '../congress/congress.rules';
import { ref } from '../common/journal';
import type { Tx } from '../common/kernel';
import type { Sql } from '../common/sql';
import { bumpVersion, NOW } from '../common/versioned';
import { foldVietnamese } from '../common/text';
import { openSuccessorCongress, supersedeCongresses } from '../congress/congress.successor';
import { organizationsByIds, placementsAt, type OrganizationRow } from '../organization/organization.repository';
import { lockTree } from '../organization/organization.lock';
import { endOrganization, placeOrganization, relocateSubtree, renameOrganization } from '../organization/organization.tree';
import { writeMembers } from '../organization/organization.members';
import { ParticipantRole, RestructuringKind, RestructuringStatus } from './restructuring.enums';
import { participantsOf, restructuringsByIds, type ParticipantRow, type RestructuringRow } from './restructuring.repository';
import { lockRestructuring, recordStatus } from './restructuring.lifecycle.service';
import { releasePending } from './restructuring.pending';
import { lineagePairs, recordLineage } from './restructuring.lineage';
import { recordParentsOrRefuse } from './restructuring.parents';

export interface ApplyHooks {
  /** Called after the first writes (tests inject a failure here to prove the transaction is all or nothing). */
  afterFirstWrites?: () => void | Promise<void>;
}

const FIELD = ['input', 'id'];

/**
 * Applies an approved restructuring to the tree from its effective date, in one transaction: created targets enter
 * the tree, subtrees move (children of merged or absorbed sources follow them into the target), sources end,
 * members follow, lineage is recorded from what went where (restructuring.lineage.ts), the sources' unheld
 * congresses are superseded, and each created target gets a two-content congress numbered I with an interim
 * appointed committee. Nothing earlier is overwritten.
 */
export async function applyRestructuring(tx: Tx, cmd: { id: string; version: number; actor?: string | null }, hooks: ApplyHooks = {}): Promise<RestructuringRow> {
  const { sql } = tx;
  await lockTree(sql, 'exclusive');
  const r = await lockRestructuring(sql, cmd.id, cmd.version);
  if (r.status === RestructuringStatus.EFFECTIVE) throw UserErrorException.of('ALREADY_APPLIED', 'This restructuring is already in effect.', FIELD);
  if (r.status === RestructuringStatus.CANCELLED) throw UserErrorException.of('NOT_ALLOWED', 'This restructuring was cancelled.', FIELD);
  if (r.status !== RestructuringStatus.APPROVED || !r.effectiveOn) {
    throw UserErrorException.of('NOT_APPROVED', 'Approve the restructuring (decision and effective date) before applying it.', FIELD);
  }
  const d = r.effectiveOn;
  const parts = await participantsOf(sql, [r.id]);
  const org = await organizationLookup(sql, parts);

  // 1. Created targets enter the tree, parents before children.
  let waiting = parts.filter((p) => p.createdByRestructuring);
  while (waiting.length) {
    const ready = waiting.filter((p) => !waiting.some((w) => w.organizationId === p.newParentId));
    if (!ready.length) throw UserErrorException.of('CYCLE', 'The new organisations of this restructuring sit under each other.', FIELD);
    for (const p of ready) {
      await placeOrganization(tx, org(p.organizationId), p.newParentId ? org(p.newParentId) : null, d, FIELD);
      await sql(`update organization set pending_establishment = false, established_on = ? where id = ?`, [d, p.organizationId]);
    }
    waiting = waiting.filter((p) => !ready.includes(p));
  }
  await hooks.afterFirstWrites?.();

  // 2. A new name from the effective date.
  for (const p of parts.filter((p) => p.role === ParticipantRole.TARGET && p.newName)) {
    const o = org(p.organizationId);
    const searchText = foldVietnamese([p.newName!, p.newShortName ?? '', o.code].join(' '));
    await renameOrganization(tx, o, p.newName!, p.newShortName, d, searchText, foldVietnamese(p.newName!));
  }

  // 3. Moves as decided (the parents they leave recorded first); for a merge or an absorption, what is not listed
  //    follows its source into the target, recorded as a MOVED participant (follows) so it finds the restructuring.
  const moves = parts.filter((p) => p.role === ParticipantRole.MOVED);
  const sources = parts.filter((p) => p.role === ParticipantRole.SOURCE).map((p) => org(p.organizationId));
  const targets = parts.filter((p) => p.role === ParticipantRole.TARGET && !p.newName).map((p) => org(p.organizationId));
  const follows = r.kind === RestructuringKind.MERGE || r.kind === RestructuringKind.ABSORB ? targets.length === 1 : false;
  const followers = follows ? await recordFollowers(sql, r.id, sources, targets[0], moves, d) : [];
  await recordParentsOrRefuse(sql, r.id, d, () => FIELD);
  const pathsAt = async () => (moves.length ? placementsAt(sql, moves.map((p) => ({ id: p.organizationId, date: d }))) : []);
  const pathsBefore = await pathsAt();
  for (const p of moves) await relocateSubtree(tx, org(p.organizationId), org(p.newParentId!), d, FIELD);
  const pathsAfter = await pathsAt();
  if (follows) {
    for (const child of followers) await relocateSubtree(tx, child, targets[0], d, FIELD);
    // Members follow from the effective date (the target's count before it stays for the dates before; the sources
    // keep theirs, and are gone from that day).
    const members = sources.reduce((n, s) => n + s.memberCount, 0);
    if (members) {
      const target = targets[0];
      const [now] = await sql<{ memberCount: number }>('select member_count as "memberCount" from organization where id = ?', [target.id]);
      await tx.change(
        {
          kind: 'MembersChanged',
          effectiveOn: d,
          organizations: [target.id],
          entities: [ref('Organization', target.id)],
          before: { memberCount: now.memberCount },
          after: { memberCount: now.memberCount + members, memberCountEffectiveOn: d },
        },
        async () => {
          await writeMembers(sql, { id: target.id, memberCount: now.memberCount + members, effectiveOn: d, today: null, field: FIELD });
          await bumpVersion(sql, 'organization', target.id);
        },
      );
    }
  }

  // 4. Sources end; each must have nothing left under it.
  for (const source of sources) await endOrganization(tx, source, d, FIELD);

  // 5. Lineage, both ways: each target continues the sources that really went into it.
  const pathOf = (rows: typeof pathsBefore, id: string) => rows.find((x) => x.organizationId === id)?.path ?? [];
  const paths = moves.map((p) => ({ id: p.organizationId, before: pathOf(pathsBefore, p.organizationId), after: pathOf(pathsAfter, p.organizationId) }));
  await recordLineage(sql, r.id, d, lineagePairs(r.kind, sources.map((x) => x.id), targets.map((x) => x.id), paths));

  // A cell it creates must hold the Charter's minimum once its members have come (CELL_TOO_SMALL).
  const rules = await currentRules(sql);
  for (const o of await organizationsByIds(sql, parts.filter((p) => p.createdByRestructuring).map((p) => p.organizationId))) {
    const error = cellSizeError(rules, o.level, o.memberCount, FIELD);
    if (error) throw new UserErrorException([UserError.of(error.code, `${o.name}: ${error.message}`, FIELD)]);
  }

  // 6. Congresses: the sources' will not take place; the new organisations hold a two-content congress, number I.
  await supersedeCongresses(tx, sources.map((s) => s.id), d, cmd.actor ?? null);
  for (const p of parts.filter((p) => p.createdByRestructuring)) await openSuccessorCongress(tx, p.organizationId, d);

  await releasePending(tx, r.id);
  await tx.change(
    {
      kind: 'RestructuringApplied',
      organizations: [],
      entities: [ref('Restructuring', r.id), ...[...new Set(parts.map((p) => p.organizationId))].map((id) => ref('Organization', id))],
      before: { status: r.status },
      after: { status: RestructuringStatus.EFFECTIVE, effectiveOn: d },
    },
    () => bumpVersion(sql, 'restructuring', r.id, { status: RestructuringStatus.EFFECTIVE, applied_at: NOW }),
  );
  await recordStatus(sql, r.id, r.status, RestructuringStatus.EFFECTIVE, cmd.actor, `in effect from ${d}`, d);
  return (await restructuringsByIds(sql, [r.id]))[0];
}

/**
 * Records, as MOVED participants with `follows` (new parent: the target; the parent they leave, their source, is
 * recorded by recordParents), the children of the sources on `date` that no decided move takes elsewhere.
 * Returns them, in a stable order, to be moved.
 */
async function recordFollowers(sql: Sql, restructuringId: string, sources: OrganizationRow[], target: OrganizationRow, moves: ParticipantRow[], date: string): Promise<OrganizationRow[]> {
  const moved = new Set(moves.map((p) => p.organizationId));
  const children = await sql<{ id: string }>(
    `select organization_id as id from organization_placement
      where parent_id = any(?::uuid[]) and valid_from <= ?::date and (valid_to is null or valid_to > ?::date)
      order by array_position(?::uuid[], parent_id), organization_id`,
    [sources.map((x) => x.id), date, date, sources.map((x) => x.id)],
  );
  const ids = children.map((c) => c.id).filter((id) => !moved.has(id));
  if (!ids.length) return [];
  await sql(
    `insert into restructuring_participant (restructuring_id, organization_id, role, position, new_parent_id, follows)
     select ?::uuid, x.id, 'MOVED', t.last + x.i, ?::uuid, true
       from unnest(?::uuid[]) with ordinality as x(id, i)
      cross join (select coalesce(max(position), -1) as last from restructuring_participant where restructuring_id = ?) t`,
    [restructuringId, target.id, ids, restructuringId],
  );
  const rows = new Map((await organizationsByIds(sql, ids)).map((o) => [o.id, o]));
  return ids.map((id) => rows.get(id)!);
}

async function organizationLookup(sql: Sql, parts: ParticipantRow[]) {
  const ids = [...new Set(parts.flatMap((p) => [p.organizationId, p.newParentId]).filter((x): x is string => !!x))];
  const rows = new Map((await organizationsByIds(sql, ids)).map((o) => [o.id, o]));
  return (id: string): OrganizationRow => rows.get(id)!;
}
