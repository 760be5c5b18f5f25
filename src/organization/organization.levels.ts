import { registerEnumType } from 'type-graphql';

/** Levels of the party organisation tree (the public contract's names). */
export enum OrganizationLevel {
  CENTRAL_COMMITTEE = 'CENTRAL_COMMITTEE',
  DIRECTLY_UNDER_CENTRAL = 'DIRECTLY_UNDER_CENTRAL',
  ABOVE_BASE = 'ABOVE_BASE',
  BASE_COMMITTEE = 'BASE_COMMITTEE',
  BASE_CELL = 'BASE_CELL',
  SUB_COMMITTEE = 'SUB_COMMITTEE',
  CELL = 'CELL',
}

registerEnumType(OrganizationLevel, {
  name: 'OrganizationLevel',
  description: 'Level of a party organisation.',
  valuesConfig: {
    CENTRAL_COMMITTEE: { description: 'Ban Chấp hành Trung ương — the national root; holds the National Congress.' },
    DIRECTLY_UNDER_CENTRAL: { description: 'Đảng bộ trực thuộc Trung ương — e.g. Đảng bộ Khối các cơ quan Trung ương.' },
    ABOVE_BASE: { description: 'Đảng bộ cấp trên trực tiếp cơ sở — e.g. Đảng ủy Bộ Tài chính.' },
    BASE_COMMITTEE: { description: 'Đảng bộ cơ sở — a base organisation with subordinate cells.' },
    BASE_CELL: { description: 'Chi bộ cơ sở — a base organisation that is a single cell.' },
    SUB_COMMITTEE: { description: 'Đảng bộ bộ phận — a sub-committee inside a base committee.' },
    CELL: { description: 'Chi bộ trực thuộc — a cell under a base committee or a sub-committee.' },
  },
});

export const LEVELS = Object.values(OrganizationLevel);

export const LEVEL_NAMES_VI: Record<OrganizationLevel, string> = {
  CENTRAL_COMMITTEE: 'Ban Chấp hành Trung ương',
  DIRECTLY_UNDER_CENTRAL: 'Đảng bộ trực thuộc Trung ương',
  ABOVE_BASE: 'Đảng bộ cấp trên trực tiếp cơ sở',
  BASE_COMMITTEE: 'Đảng bộ cơ sở',
  BASE_CELL: 'Chi bộ cơ sở',
  SUB_COMMITTEE: 'Đảng bộ bộ phận',
  CELL: 'Chi bộ trực thuộc',
};

/**
 * Which levels may sit directly under which. `null` = may be a root. A base committee given the powers of an
 * above-base committee (`aboveBasePowers`) may also have base organisations under it.
 */
export const ALLOWED_PARENTS: Record<OrganizationLevel, (OrganizationLevel | null)[]> = {
  CENTRAL_COMMITTEE: [null],
  DIRECTLY_UNDER_CENTRAL: [OrganizationLevel.CENTRAL_COMMITTEE],
  ABOVE_BASE: [OrganizationLevel.DIRECTLY_UNDER_CENTRAL, OrganizationLevel.ABOVE_BASE],
  BASE_COMMITTEE: [OrganizationLevel.DIRECTLY_UNDER_CENTRAL, OrganizationLevel.ABOVE_BASE],
  BASE_CELL: [OrganizationLevel.DIRECTLY_UNDER_CENTRAL, OrganizationLevel.ABOVE_BASE],
  SUB_COMMITTEE: [OrganizationLevel.BASE_COMMITTEE],
  CELL: [OrganizationLevel.BASE_COMMITTEE, OrganizationLevel.SUB_COMMITTEE],
};

export function mayBeChildOf(child: OrganizationLevel, parent: { level: OrganizationLevel; aboveBasePowers: boolean } | null): boolean {
  if (parent === null) return ALLOWED_PARENTS[child].includes(null);
  if (ALLOWED_PARENTS[child].includes(parent.level)) return true;
  return (
    parent.level === OrganizationLevel.BASE_COMMITTEE &&
    parent.aboveBasePowers &&
    (child === OrganizationLevel.BASE_COMMITTEE || child === OrganizationLevel.BASE_CELL)
  );
}
