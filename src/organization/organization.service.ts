import crypto from 'node:crypto';
import { LockMode, OptimisticLockError, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inputField, UserError, UserErrorException } from '../common/errors';
import { changedFields, ref } from '../common/journal';
import type { Tx } from '../common/kernel';
import type { Sql } from '../common/sql';
import { cleanTexts, foldVietnamese, type TextRule } from '../common/text';
import { bumpVersion } from '../common/versioned';
import { Organization } from './organization.entity';
import { LEVEL_NAMES_VI, mayBeChildOf, OrganizationLevel } from './organization.levels';
import type { OrganizationRow } from './organization.repository';
import { lockTree } from './organization.lock';
import { checkMembersDate, keepEarlierCount } from './organization.members';
import { placementOn, placeOrganization, readOrganization, relocateSubtree } from './organization.tree';
import { CELL_LEVELS, cellSizeError, currentRules } from '../congress/congress.rules';

/** The rules of the tree. Every function runs inside the caller's transaction and throws UserErrorException. */

export const CODE_RE = /^[A-Z0-9][A-Z0-9._-]{0,39}$/;
export const MAX_NAME = 300;
export const MAX_SHORT_NAME = 100;
export const MAX_MEMBERS = 10_000_000;

export interface OrganizationCreate {
  /** Fixed id (demo seed: derived from the code); random when omitted. */
  id?: string;
  code: string;
  name: string;
  shortName?: string | null;
  level: OrganizationLevel;
  parentId: string | null;
  memberCount?: number;
  aboveBasePowers?: boolean;
  establishedOn: string;
  /** Created for a proposed restructuring: recorded, but in the tree only once the restructuring is applied. */
  pending?: boolean;
}

export interface OrganizationChange {
  id: string;
  version: number;
  code?: string | null;
  name?: string | null;
  shortName?: string | null;
  memberCount?: number | null;
  /** The first day of the new member count; default: today. */
  memberCountEffectiveOn?: string | null;
  aboveBasePowers?: boolean | null;
}

export interface OrganizationMove {
  id: string;
  newParentId: string;
  effectiveOn: string;
  version?: number | null;
}

const f = inputField;

/** The rules of an organisation's name and short name, wherever they are given (`field`: their input path). */
export const nameRule = (field: string[]): TextRule => ({ field, label: 'Name', max: MAX_NAME, singleLine: true, required: true });
export const shortNameRule = (field: string[]): TextRule => ({ field, label: 'Short name', max: MAX_SHORT_NAME, singleLine: true });

/** Checks the attributes given; returns the cleaned name and short name (null: absent, or a blank short name). */
function checkAttributes(input: { code?: string | null; name?: string | null; shortName?: string | null; memberCount?: number | null }) {
  const { values, errors } = cleanTexts({
    name: [input.name, { ...nameRule(f('name')), required: input.name != null }], // absent in an update: unchanged
    shortName: [input.shortName, shortNameRule(f('shortName'))],
  });
  if (input.code != null && !CODE_RE.test(normalizeCode(input.code))) {
    errors.push(UserError.of('INVALID_CODE', 'Code must be 1–40 letters, digits, ".", "_" or "-", starting with a letter or digit.', f('code')));
  }
  if (input.memberCount != null && (!Number.isInteger(input.memberCount) || input.memberCount < 0 || input.memberCount > MAX_MEMBERS)) {
    errors.push(UserError.of('OUT_OF_RANGE', `Member count must be from 0 to ${MAX_MEMBERS}.`, f('memberCount')));
  }
  return { ...values, errors };
}

export const normalizeCode = (code: string) => code.trim().toUpperCase();
const searchTextOf = (o: { code: string; name: string; shortName?: string | null }) =>
  foldVietnamese([o.name, o.shortName ?? '', o.code].join(' '));


export async function createOrganization(tx: Tx, input: OrganizationCreate): Promise<OrganizationRow> {
  const { sql, em } = tx;
  const { name, shortName, errors } = checkAttributes(input);
  if (errors.length) throw new UserErrorException(errors);
  const code = normalizeCode(input.code);

  // The kernel holds the tree lock (shared) from the start of the transaction.
  let parent: OrganizationRow | null = null;
  if (input.pending) {
    // Placed by its restructuring on apply, where the parent and level are checked on the effective date.
  } else if (input.parentId) {
    parent = await readOrganization(sql, input.parentId);
    if (!parent) throw UserErrorException.of('NOT_FOUND', 'The parent organisation does not exist.', f('parent'));
    const placement = await placementOn(sql, parent.id, input.establishedOn);
    if (!placement || placement.validTo !== null) {
      throw UserErrorException.of(
        'PARENT_NOT_ACTIVE',
        `The parent is not in the tree from ${input.establishedOn} on (not yet established, ended, or moved later).`,
        f('parent'),
      );
    }
    if (!mayBeChildOf(input.level, parent)) {
      throw UserErrorException.of('LEVEL_NOT_ALLOWED', `A ${LEVEL_NAMES_VI[input.level]} cannot sit under a ${LEVEL_NAMES_VI[parent.level]}.`, f('level'));
    }
  } else if (!mayBeChildOf(input.level, null)) {
    throw UserErrorException.of('REQUIRED', 'Only a CENTRAL_COMMITTEE may be created without a parent.', f('parent'));
  }

  const [taken] = await sql('select 1 from organization where code = ?', [code]);
  if (taken) throw UserErrorException.of('CODE_TAKEN', `Code ${code} is already used.`, f('code'));
  if (!input.pending) await checkCellSize(sql, input.level, input.memberCount ?? 0); // a pending one gets its members on apply

  const id = input.id ?? crypto.randomUUID();
  const attributes = {
    id,
    code,
    name: name!,
    shortName,
    level: input.level,
    aboveBasePowers: input.aboveBasePowers ?? false,
    memberCount: input.memberCount ?? 0,
    establishedOn: input.establishedOn,
    endedOn: null,
    pendingEstablishment: input.pending ?? false,
    searchText: searchTextOf({ code, name: name!, shortName }),
    sortKey: foldVietnamese(name!),
  };
  const recorded = { code, name, shortName, level: input.level, memberCount: attributes.memberCount, aboveBasePowers: attributes.aboveBasePowers, establishedOn: input.establishedOn };
  // Not counted until placed (OrganizationPlaced below, or when its restructuring is applied).
  await tx.change({ kind: 'OrganizationCreated', organizations: [], entities: [ref('Organization', id)], after: recorded }, async () => {
    em.create(Organization, attributes);
    await flushMapped(em);
  });
  const created = (await readOrganization(sql, id))!;
  if (!input.pending) await placeOrganization(tx, created, parent, input.establishedOn, f('parent'));
  return created;
}

export async function updateOrganization(tx: Tx, input: OrganizationChange, today: string): Promise<OrganizationRow> {
  const { sql, em } = tx;
  const { name, shortName, errors } = checkAttributes(input);
  if (errors.length) throw new UserErrorException(errors);
  // Locked before the version is compared: two updates of one organisation queue here, and the second finds the
  // version the first wrote (STALE_VERSION) before it writes anything (the member-count history included).
  const org = await em.findOne(Organization, { id: input.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!org) throw UserErrorException.of('NOT_FOUND', 'No such organisation.', f('id'));
  if (org.version !== input.version) {
    throw UserErrorException.of('STALE_VERSION', `The organisation changed since you read it (version ${org.version}, you sent ${input.version}).`, f('version'));
  }
  const before = attributesOf(org);
  if (input.code != null) {
    const code = normalizeCode(input.code);
    if (code !== org.code) {
      const [taken] = await sql('select 1 from organization where code = ?', [code]);
      if (taken) throw UserErrorException.of('CODE_TAKEN', `Code ${code} is already used.`, f('code'));
      org.code = code;
    }
  }
  if (name != null) {
    org.name = name;
    org.sortKey = foldVietnamese(org.name);
  }
  if (input.shortName != null) org.shortName = shortName;
  // A member count is dated: the count it replaces stays in force for the dates before (organization.members.ts).
  const members = input.memberCount != null && input.memberCount !== org.memberCount ? { from: org.memberCount, since: org.membersSince ?? null } : null;
  if (members) {
    const effectiveOn = input.memberCountEffectiveOn ?? today;
    checkMembersDate(members.since, effectiveOn, today, f('memberCountEffectiveOn'));
    await checkCellSize(sql, org.level, input.memberCount!);
    org.memberCount = input.memberCount!;
    org.membersSince = effectiveOn;
  }
  if (input.aboveBasePowers != null && input.aboveBasePowers !== org.aboveBasePowers) {
    if (!input.aboveBasePowers) {
      const [baseChild] = await sql(
        `select 1 from organization_placement p join organization o on o.id = p.organization_id
          where p.parent_id = ? and (p.valid_to is null or p.valid_to > ?) and o.level in ('BASE_COMMITTEE', 'BASE_CELL') limit 1`,
        [org.id, today],
      );
      if (baseChild) {
        throw UserErrorException.of('LEVEL_NOT_ALLOWED', 'Base organisations sit under it: move them before withdrawing above-base powers.', f('aboveBasePowers'));
      }
    }
    org.aboveBasePowers = input.aboveBasePowers;
  }
  org.searchText = searchTextOf(org);
  const { before: was, after: is } = changedFields(before, attributesOf(org));
  const entities = [ref('Organization', org.id)];
  if (members) {
    // Only the member count counts in the roll-up: a change of it is MembersChanged (with whatever else changed).
    const effectiveOn = org.membersSince!;
    await tx.change({ kind: 'MembersChanged', effectiveOn, organizations: [org.id], entities, before: was, after: { ...is, memberCountEffectiveOn: effectiveOn } }, async () => {
      await keepEarlierCount(sql, org.id, members.from, members.since, effectiveOn);
      await flushMapped(em);
    });
  } else {
    await tx.change({ kind: 'OrganizationUpdated', organizations: [], entities, before: was, after: is }, () => flushMapped(em));
  }
  return (await readOrganization(sql, org.id))!;
}

/**
 * Moves an organisation and its subtree under a new parent from `effectiveOn` (see relocateSubtree).
 * Moves are serialised (one tree lock) so two concurrent moves cannot build a cycle between them.
 */
export async function moveOrganization(tx: Tx, input: OrganizationMove): Promise<OrganizationRow> {
  const { sql } = tx;
  await lockTree(sql, 'exclusive');
  const [locked] = await sql<{ version: number }>('select version from organization where id = ? for update', [input.id]);
  if (!locked) throw UserErrorException.of('NOT_FOUND', 'No such organisation.', f('id'));
  if (input.version != null && input.version !== locked.version) {
    throw UserErrorException.of('STALE_VERSION', `The organisation changed since you read it (version ${locked.version}, you sent ${input.version}).`, f('version'));
  }
  const org = (await readOrganization(sql, input.id))!;
  const parent = await readOrganization(sql, input.newParentId);
  if (!parent) throw UserErrorException.of('NOT_FOUND', 'The new parent does not exist.', f('newParent'));
  const here = await placementOn(sql, org.id, input.effectiveOn);
  if (!here) throw UserErrorException.of('NOT_ACTIVE', `The organisation is not in the tree on ${input.effectiveOn}.`, f('effectiveOn'));
  await relocateSubtree(tx, org, parent, input.effectiveOn, f('newParent'));
  await bumpVersion(sql, 'organization', input.id);
  return (await readOrganization(sql, input.id))!;
}

/** A cell (chi bộ) has at least the Charter's minimum of members (CELL_TOO_SMALL; the minimum is data: congressRules). */
async function checkCellSize(sql: Sql, level: OrganizationLevel, members: number) {
  if (!CELL_LEVELS.has(level)) return;
  const error = cellSizeError(await currentRules(sql), level, members, f('memberCount'));
  if (error) throw new UserErrorException([error]);
}

const attributesOf = (o: Organization): Record<string, unknown> => ({
  code: o.code,
  name: o.name,
  shortName: o.shortName ?? null,
  memberCount: o.memberCount,
  aboveBasePowers: o.aboveBasePowers,
});

async function flushMapped(em: EntityManager) {
  try {
    await em.flush();
  } catch (err) {
    if (err instanceof OptimisticLockError) throw UserErrorException.of('STALE_VERSION', 'The organisation changed while you edited it.', f('version'));
    if (err instanceof UniqueConstraintViolationException) throw UserErrorException.of('CODE_TAKEN', 'That code is already used.', f('code'));
    throw err;
  }
}
