import crypto from 'node:crypto';
import { inputField, UserError, UserErrorException } from '../common/errors';
import { ref } from '../common/journal';
import type { Tx } from '../common/kernel';
import { actorRule, cleanTexts, noteRule } from '../common/text';
import { LEVEL_NAMES_VI, mayBeChildOf, type OrganizationLevel } from '../organization/organization.levels';
import { organizationsByIds, type OrganizationRow } from '../organization/organization.repository';
import { createOrganization, nameRule, shortNameRule } from '../organization/organization.service';
import { ParticipantRole, RestructuringKind, RestructuringStatus } from './restructuring.enums';
import { recordStatus, singleLine } from './restructuring.lifecycle.service';
import { restructuringsByIds, type RestructuringRow } from './restructuring.repository';
import { recordParentsOrRefuse } from './restructuring.parents';
import { claimPending } from './restructuring.pending';

/**
 * Proposing a restructuring: its shape, participants, new targets and pending claims. Approving, cancelling:
 * restructuring.lifecycle.service.ts; applying: restructuring.apply.ts.
 */

export interface NewTargetCommand {
  /** Fixed id (the demo seed derives ids from codes); random when omitted. */
  id?: string;
  code: string;
  name: string;
  shortName?: string | null;
  level: OrganizationLevel;
  parentId?: string | null;
  parentCode?: string | null;
  memberCount?: number | null;
}

export interface ProposeCommand {
  /** Fixed id (the demo seed derives ids from codes); random when omitted. */
  id?: string;
  kind: RestructuringKind;
  title: string;
  note?: string | null;
  effectiveOn?: string | null;
  /** The day it was proposed (default today; not in the future): its PROPOSED event, pending from that day. */
  proposedOn?: string | null;
  sources: string[];
  targets: string[];
  newTargets: NewTargetCommand[];
  moves: { organizationId: string; newParentId?: string | null; newParentCode?: string | null }[];
  rename?: { organizationId: string; name: string; shortName?: string | null } | null;
  actor?: string | null;
}

const f = inputField;

function checkShape(cmd: ProposeCommand): UserError | null {
  const s = cmd.sources.length;
  const t = cmd.targets.length;
  const n = cmd.newTargets.length;
  const m = cmd.moves.length;
  const bad = (message: string) => UserError.of('INVALID_PARTICIPANTS', message, f('kind'));
  if (cmd.rename && cmd.kind !== RestructuringKind.RENAME && cmd.kind !== RestructuringKind.REORGANIZE) return bad('Only RENAME and REORGANIZE rename.');
  switch (cmd.kind) {
    case RestructuringKind.MERGE:
      return s >= 2 && n === 1 && t === 0 ? null : bad('A merge (hợp nhất) ends two or more sources and creates one new target.');
    case RestructuringKind.ABSORB:
      return s >= 1 && t === 1 && n === 0 ? null : bad('An absorption (sáp nhập) ends sources into one existing target.');
    case RestructuringKind.SPLIT:
      return s === 1 && t + n >= 2 ? null : bad('A split (chia tách) ends one source into two or more targets.');
    case RestructuringKind.DISSOLVE:
    case RestructuringKind.END_OPERATION:
      return s >= 1 && t + n === 0 ? null : bad('Dissolving or ending operation ends sources and has no target.');
    case RestructuringKind.ESTABLISH:
      return n >= 1 && s === 0 && t === 0 ? null : bad('Establishing creates new targets and ends nothing.');
    case RestructuringKind.TRANSFER:
      return m >= 1 && s + t + n === 0 ? null : bad('A transfer (chuyển giao nguyên trạng) only moves subtrees.');
    case RestructuringKind.RENAME:
      return cmd.rename && s + t + n + m === 0 ? null : bad('A rename names one organisation and nothing else.');
    default:
      return s + t + n + m > 0 || cmd.rename ? null : bad('Nothing to reorganise.');
  }
}

export async function proposeRestructuring(tx: Tx, cmd: ProposeCommand, today: string): Promise<RestructuringRow> {
  const { sql } = tx;
  const { values: text, errors } = cleanTexts({
    title: [cmd.title, singleLine(f('title'), 'The title', 500)],
    note: [cmd.note, noteRule(f('note'))],
    actor: [cmd.actor, actorRule(f('actor'))],
    renameName: [cmd.rename?.name, { ...nameRule(f('rename', 'name')), required: cmd.rename != null }],
    renameShortName: [cmd.rename?.shortName, shortNameRule(f('rename', 'shortName'))],
  });
  const shape = checkShape(cmd);
  if (shape) errors.push(shape);
  const proposedOn = cmd.proposedOn ?? today;
  if (proposedOn > today) errors.push(UserError.of('FUTURE_DATE', `${proposedOn} is in the future (today is ${today}).`, f('proposedOn')));
  if (errors.length) throw new UserErrorException(errors);

  // Every existing organisation named, with where it was named.
  const named: [string, string[]][] = [
    ...cmd.sources.map((id, i) => [id, f('sources', i)] as [string, string[]]),
    ...cmd.targets.map((id, i) => [id, f('targets', i)] as [string, string[]]),
    ...cmd.moves.map((m, i) => [m.organizationId, f('moves', i, 'organization')] as [string, string[]]),
    ...cmd.moves.map((m, i) => [m.newParentId, f('moves', i, 'newParent')] as [string, string[]]).filter(([id]) => id),
    ...cmd.newTargets.map((t, i) => [t.parentId, f('newTargets', i, 'parent')] as [string, string[]]).filter(([id]) => id),
    ...(cmd.rename ? [[cmd.rename.organizationId, f('rename', 'organization')] as [string, string[]]] : []),
  ];
  const orgs = new Map((await organizationsByIds(sql, [...new Set(named.map(([id]) => id))])).map((o) => [o.id, o]));
  for (const [id, field] of named) {
    const org = orgs.get(id);
    if (!org) throw UserErrorException.of('NOT_FOUND', 'No such organisation.', field);
    if (org.endedOn || org.pendingEstablishment) throw UserErrorException.of('NOT_ACTIVE', `${org.name} has ended or is not established yet.`, field);
  }
  const roles = new Map<string, string>();
  for (const [id, role] of [...cmd.sources.map((id) => [id, 'source']), ...cmd.targets.map((id) => [id, 'target']), ...cmd.moves.map((m) => [m.organizationId, 'moved'])]) {
    if (roles.has(id)) throw UserErrorException.of('INVALID_PARTICIPANTS', `${orgs.get(id)!.name} is named twice (${roles.get(id)} and ${role}).`, f('kind'));
    roles.set(id, role);
  }

  // The organisations this proposal will claim, locked (in id order) before the participant rows take a key-share lock
  // on them: concurrent proposals for the same organisation then queue here instead of deadlocking on the upgrade.
  const claimed = [...new Set([...roles.keys(), ...(cmd.rename ? [cmd.rename.organizationId] : [])])].sort();
  await sql('select 1 from organization where id = any(?::uuid[]) order by id for update', [claimed]);
  const id = cmd.id ?? crypto.randomUUID();
  const effectiveOn = cmd.effectiveOn ?? null;
  await tx.change(
    {
      kind: 'RestructuringProposed',
      organizations: [],
      entities: [ref('Restructuring', id), ...[...new Set(named.map(([orgId]) => orgId))].map((orgId) => ref('Organization', orgId))],
      after: { kind: cmd.kind, title: text.title, effectiveOn },
    },
    () => sql(`insert into restructuring (id, kind, title, note, effective_on) values (?, ?, ?, ?, ?)`, [id, cmd.kind, text.title, text.note, effectiveOn]),
  );

  // New targets: recorded now (so participants can point at them), in the tree only once applied.
  const created = new Map<string, OrganizationRow>();
  for (const [i, t] of cmd.newTargets.entries()) {
    const row = await createOrganization(tx, {
      id: t.id,
      code: t.code,
      name: t.name,
      shortName: t.shortName,
      level: t.level,
      parentId: null,
      memberCount: t.memberCount ?? 0,
      establishedOn: effectiveOn ?? today,
      pending: true,
    }).catch((err) => {
      if (err instanceof UserErrorException) throw new UserErrorException(err.errors.map((e) => UserError.of(e.code, e.message, f('newTargets', i, ...(e.field ?? []).slice(1)))));
      throw err;
    });
    created.set(row.code, row);
  }
  // A new organisation cannot sit under itself, directly or through other new ones.
  for (const [i, t] of cmd.newTargets.entries()) {
    const seen = new Set<string>();
    let code: string | null | undefined = t.code.trim().toUpperCase();
    while (code && !seen.has(code)) {
      seen.add(code);
      const next = cmd.newTargets.find((x) => x.code.trim().toUpperCase() === code);
      code = next && !next.parentId ? next.parentCode?.trim().toUpperCase() : null;
    }
    if (code) throw UserErrorException.of('CYCLE', `${t.code} would sit under itself.`, f('newTargets', i, 'parentCode'));
  }
  const resolveParent = (parentId: string | null | undefined, parentCode: string | null | undefined, field: string[]): OrganizationRow => {
    if (parentId) return orgs.get(parentId)!;
    const byCode = parentCode ? created.get(parentCode.trim().toUpperCase()) : undefined;
    if (!byCode) throw UserErrorException.of('NOT_FOUND', `Give a parent: an existing organisation or the code of a new one in this proposal.`, field);
    return byCode;
  };
  const checkLevel = (child: OrganizationRow, parent: OrganizationRow, field: string[]) => {
    if (!mayBeChildOf(child.level, parent)) {
      throw UserErrorException.of('LEVEL_NOT_ALLOWED', `A ${LEVEL_NAMES_VI[child.level]} cannot sit under a ${LEVEL_NAMES_VI[parent.level]}.`, field);
    }
  };

  let position = 0;
  const participant = (orgId: string, role: ParticipantRole, extra: { newParentId?: string | null; newName?: string | null; newShortName?: string | null; created?: boolean } = {}) =>
    sql(
      `insert into restructuring_participant (restructuring_id, organization_id, role, position, new_parent_id, new_name, new_short_name, created_by_restructuring)
       values (?, ?, ?, ?, ?, ?, ?, ?)`,
      [id, orgId, role, position++, extra.newParentId ?? null, extra.newName ?? null, extra.newShortName ?? null, extra.created ?? false],
    );
  for (const s of cmd.sources) await participant(s, ParticipantRole.SOURCE);
  for (const t of cmd.targets) await participant(t, ParticipantRole.TARGET);
  for (const [i, t] of cmd.newTargets.entries()) {
    const row = created.get(t.code.trim().toUpperCase())!;
    const parent = t.parentId || t.parentCode ? resolveParent(t.parentId, t.parentCode, f('newTargets', i, 'parent')) : null;
    if (parent) checkLevel(row, parent, f('newTargets', i, 'level'));
    else if (!mayBeChildOf(row.level, null)) throw UserErrorException.of('REQUIRED', 'A new organisation needs a parent.', f('newTargets', i, 'parent'));
    await participant(row.id, ParticipantRole.TARGET, { newParentId: parent?.id, created: true });
  }
  for (const [i, m] of cmd.moves.entries()) {
    const parent = resolveParent(m.newParentId, m.newParentCode, f('moves', i, 'newParent'));
    checkLevel(orgs.get(m.organizationId)!, parent, f('moves', i, 'newParent'));
    await participant(m.organizationId, ParticipantRole.MOVED, { newParentId: parent.id });
  }
  if (cmd.rename) {
    await participant(cmd.rename.organizationId, ParticipantRole.TARGET, { newName: text.renameName, newShortName: text.renameShortName });
  }

  // A move to the parent it already has on the planned date (else the day proposed) would move nothing.
  await recordParentsOrRefuse(sql, id, effectiveOn ?? proposedOn, (m) => f('moves', cmd.moves.findIndex((x) => x.organizationId === m.organizationId), 'newParent'));
  await claimPending(tx, id, [...roles.keys(), ...[...created.values()].map((o) => o.id), ...(cmd.rename ? [cmd.rename.organizationId] : [])], orgs);
  await recordStatus(sql, id, null, RestructuringStatus.PROPOSED, text.actor, null, proposedOn);
  return (await restructuringsByIds(sql, [id]))[0];
}
