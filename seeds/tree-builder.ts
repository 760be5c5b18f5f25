import type { Tx } from '../src/common/kernel';
import { uuidFromName } from '../src/common/uuid';
import { hash } from './hash';
import { OrganizationLevel } from '../src/organization/organization.levels';
import { createOrganization } from '../src/organization/organization.service';

/** A subtree to build: shared by the demo seed and the tests, so both go through the same service rules. */
export interface TreeSpec {
  code: string;
  name: string;
  level: OrganizationLevel | keyof typeof OrganizationLevel;
  shortName?: string;
  members?: number;
  aboveBasePowers?: boolean;
  establishedOn?: string;
  children?: TreeSpec[];
}

/** Builds the tree depth first; ids are derived from codes so they are stable across rebuilds. Returns code → uuid. */
export async function buildTree(tx: Tx, spec: TreeSpec, opts: { parentId?: string | null; establishedOn: string }): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const visit = async (node: TreeSpec, parentId: string | null) => {
    const row = await createOrganization(tx, {
      id: uuidFromName('Organization', node.code),
      code: node.code,
      name: node.name,
      shortName: node.shortName ?? null,
      level: node.level as OrganizationLevel,
      parentId,
      memberCount: node.members ?? 0,
      aboveBasePowers: node.aboveBasePowers ?? false,
      establishedOn: node.establishedOn ?? opts.establishedOn,
    });
    ids.set(row.code, row.id);
    tx.em.clear(); // keep the unit of work small while building large trees
    for (const child of node.children ?? []) await visit(child, row.id);
  };
  await visit(spec, opts.parentId ?? null);
  return ids;
}

/** Cells named after the units they serve, with member counts from a small deterministic generator. */
export function cells(prefix: string, names: string[], level: 'CELL' | 'BASE_CELL' = 'CELL'): TreeSpec[] {
  return names.map((unit, i) => ({
    code: `${prefix}-CB${String(i + 1).padStart(2, '0')}`,
    name: `Chi bộ ${unit}`,
    level,
    members: plausibleMembers(`${prefix}:${unit}`),
  }));
}

function plausibleMembers(seed: string): number {
  return 9 + (hash(seed) % 48); // 9–56 members: a cell with its own committee (chi ủy)
}
