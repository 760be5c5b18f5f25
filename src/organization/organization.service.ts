import crypto from 'node:crypto';
import { OptimisticLockError, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inputField, UserError, UserErrorException } from '../common/errors';
import { sqlOf, type Sql } from '../common/sql';
import { cleanTexts, foldVietnamese, type TextRule } from '../common/text';
import { Organization } from './organization.entity';
import { LEVEL_NAMES_VI, mayBeChildOf, OrganizationLevel } from './organization.levels';
import type { OrganizationRow } from './organization.repository';
import { lockTree, placementOn, placeOrganization, readOrganization, relocateSubtree } from './organization.tree';
import { trackSelf } from '../progress/progress.maintenance';
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


export async function createOrganization(em: EntityManager, input: OrganizationCreate): Promise<OrganizationRow> {
  const sql = sqlOf(em);
  const { name, shortName, errors } = checkAttributes(input);
  if (errors.length) throw new UserErrorException(errors);
  const code = normalizeCode(input.code);

  await lockTree(sql, 'shared');
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
  em.create(Organization, {
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
  });
  await flushMapped(em);
  const created = (await readOrganization(sql, id))!;
  if (!input.pending) await placeOrganization(sql, created, parent, input.establishedOn, f('parent'));
  return created;
}

export async function updateOrganization(em: EntityManager, input: OrganizationChange, today: string): Promise<OrganizationRow> {
  const sql = sqlOf(em);
  const { name, shortName, errors } = checkAttributes(input);
  if (errors.length) throw new UserErrorException(errors);
  const org = await em.findOne(Organization, { id: input.id });
  if (!org) throw UserErrorException.of('NOT_FOUND', 'No such organisation.', f('id'));
  if (org.version !== input.version) {
    throw UserErrorException.of('STALE_VERSION', `The organisation changed since you read it (version ${org.version}, you sent ${input.version}).`, f('version'));
  }
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
  if (input.memberCount != null) {
    await checkCellSize(sql, org.level, input.memberCount);
    org.memberCount = input.memberCount;
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
  await trackSelf(sql, [org.id], () => flushMapped(em));
  return (await readOrganization(sql, org.id))!;
}

/**
 * Moves an organisation and its subtree under a new parent from `effectiveOn` (see relocateSubtree).
 * Moves are serialised (one tree lock) so two concurrent moves cannot build a cycle between them.
 */
export async function moveOrganization(em: EntityManager, input: OrganizationMove): Promise<OrganizationRow> {
  const sql = sqlOf(em);
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
  await relocateSubtree(sql, org, parent, input.effectiveOn, f('newParent'));
  await sql('update organization set version = version + 1, updated_at = now() where id = ?', [input.id]);
  return (await readOrganization(sql, input.id))!;
}

/** A cell (chi bộ) has at least the Charter's minimum of members (CELL_TOO_SMALL; the minimum is data: congressRules). */
async function checkCellSize(sql: Sql, level: OrganizationLevel, members: number) {
  if (!CELL_LEVELS.has(level)) return;
  const error = cellSizeError(await currentRules(sql), level, members, f('memberCount'));
  if (error) throw new UserErrorException([error]);
}

async function flushMapped(em: EntityManager) {
  try {
    await em.flush();
  } catch (err) {
    if (err instanceof OptimisticLockError) throw UserErrorException.of('STALE_VERSION', 'The organisation changed while you edited it.', f('version'));
    if (err instanceof UniqueConstraintViolationException) throw UserErrorException.of('CODE_TAKEN', 'That code is already used.', f('code'));
    throw err;
  }
}
