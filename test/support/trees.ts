import type { TreeSpec } from '../../seeds/tree-builder';

/** The top of every test tree, codes prefixed so each test builds its own: P-TW (central) → P-BLOC → `below`. */
export function blocTree(p: string, below: TreeSpec[]): TreeSpec {
  return {
    code: `${p}-TW`,
    name: `Ban Chấp hành ${p}`,
    level: 'CENTRAL_COMMITTEE',
    children: [{ code: `${p}-BLOC`, name: `Đảng bộ Khối ${p}`, level: 'DIRECTLY_UNDER_CENTRAL', children: below }],
  };
}

/**
 * A small tree:
 *   P-TW (central) → P-BLOC → P-MA (ministry A) → P-MA-B1 (base) → P-MA-B1-C1, P-MA-B1-C2 (cells)
 *                           → P-MB (ministry B) → P-MB-B1 (base) → P-MB-B1-C1
 */
export function smallTree(p: string): TreeSpec {
  return blocTree(p, [
    {
      code: `${p}-MA`,
      name: `Đảng ủy Bộ Tài chính ${p}`,
      level: 'ABOVE_BASE',
      children: [
        {
          code: `${p}-MA-B1`,
          name: `Đảng bộ Cơ quan A ${p}`,
          level: 'BASE_COMMITTEE',
          children: [
            { code: `${p}-MA-B1-C1`, name: `Chi bộ A1 ${p}`, level: 'CELL', members: 12 },
            { code: `${p}-MA-B1-C2`, name: `Chi bộ A2 ${p}`, level: 'CELL', members: 20 },
          ],
        },
      ],
    },
    {
      code: `${p}-MB`,
      name: `Đảng ủy Bộ Kế hoạch ${p}`,
      level: 'ABOVE_BASE',
      children: [
        {
          code: `${p}-MB-B1`,
          name: `Đảng bộ Cơ quan B ${p}`,
          level: 'BASE_COMMITTEE',
          children: [{ code: `${p}-MB-B1-C1`, name: `Chi bộ B1 ${p}`, level: 'CELL', members: 15 }],
        },
      ],
    },
  ]);
}

/**
 * Cells of chosen sizes:
 *   P-TW → P-BLOC → P-M (ministry) → P-B (base committee) → P-C1, P-C2, … (cells, `cellMembers`)
 *                                  → P-BC1, P-BC2, … (base cells, `baseCellMembers`)
 */
export function cellsTree(p: string, cellMembers: number[], baseCellMembers: number[] = []): TreeSpec {
  return blocTree(p, [
    {
      code: `${p}-M`,
      name: `Đảng ủy Bộ ${p}`,
      level: 'ABOVE_BASE',
      children: [
        {
          code: `${p}-B`,
          name: `Đảng bộ Cơ quan ${p}`,
          level: 'BASE_COMMITTEE',
          children: cellMembers.map((members, i) => ({ code: `${p}-C${i + 1}`, name: `Chi bộ ${i + 1} ${p}`, level: 'CELL' as const, members })),
        },
        ...baseCellMembers.map((members, i) => ({ code: `${p}-BC${i + 1}`, name: `Chi bộ cơ sở ${i + 1} ${p}`, level: 'BASE_CELL' as const, members })),
      ],
    },
  ]);
}
