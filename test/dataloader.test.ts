import type { TreeSpec } from '../seeds/tree-builder';
import { startTestApp, type TestApp } from './support/harness';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

/** A ministry committee with `n` base committees, each with two cells. */
function wideTree(p: string, n: number): TreeSpec {
  return {
    code: `${p}-TW`,
    name: `Trung ương ${p}`,
    level: 'CENTRAL_COMMITTEE',
    children: [{
      code: `${p}-BLOC`, name: `Khối ${p}`, level: 'DIRECTLY_UNDER_CENTRAL',
      children: [{
        code: `${p}-MIN`, name: `Đảng ủy Bộ ${p}`, level: 'ABOVE_BASE',
        children: Array.from({ length: n }, (_, i) => ({
          code: `${p}-B${i}`, name: `Đảng bộ ${p} ${i}`, level: 'BASE_COMMITTEE' as const,
          children: [1, 2].map((c) => ({ code: `${p}-B${i}-C${c}`, name: `Chi bộ ${c}`, level: 'CELL' as const, members: 10 })),
        })),
      }],
    }],
  };
}

const QUERY = `query($code: String!, $asOf: Date) {
  organization(code: $code, asOf: $asOf) {
    name
    children(first: 100) {
      totalCount
      nodes { code parent { code } children(first: 1) { totalCount } ancestors { code } depth }
    }
  }
}`;

describe('every nested field goes through per-request loaders', () => {
  it('issues the same number of SQL statements for 10 and for 100 children, today and on a past date', async () => {
    await app.tree(wideTree('D10', 10));
    await app.tree(wideTree('D100', 100));
    const counts: Record<string, number> = {};
    for (const [code, n] of [['D10-MIN', 10], ['D100-MIN', 100]] as const) {
      for (const asOf of [null, '2024-12-04']) {
        const res = await app.gql(QUERY, { code, asOf });
        expect(res.body.errors).toBeUndefined();
        expect(res.body.data.organization.children.totalCount).toBe(n);
        expect(res.body.data.organization.children.nodes).toHaveLength(n);
        expect(res.body.data.organization.children.nodes[0].children.totalCount).toBe(2);
        expect(res.body.data.organization.children.nodes[0].ancestors).toHaveLength(3);
        counts[`${n}@${asOf}`] = res.statements;
      }
    }
    process.stdout.write(`statements per request: ${JSON.stringify(counts)}\n`);
    expect(counts["10@null"]).toBeGreaterThan(0);
    expect(counts['100@null']).toBe(counts['10@null']);
    expect(counts['100@2024-12-04']).toBe(counts['10@2024-12-04']);
    expect(counts['10@null']).toBeLessThanOrEqual(5);
  });
});
