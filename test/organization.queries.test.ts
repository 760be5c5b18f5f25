import { globalId, startTestApp, type TestApp } from './support/harness';
import { smallTree } from './support/trees';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

describe('reading the tree', () => {
  it('serves an organisation with its children, parent, ancestors and depth', async () => {
    await app.tree(smallTree('Q1'));
    const { body } = await app.gql(`{
      organization(code: "q1-bloc") {
        code name level depth
        parent { code }
        ancestors { code }
        children(first: 10) { totalCount nodes { code level parent { code } } }
      }
    }`);
    expect(body.errors).toBeUndefined();
    const org = body.data.organization;
    expect(org).toMatchObject({ code: 'Q1-BLOC', level: 'DIRECTLY_UNDER_CENTRAL', depth: 1, parent: { code: 'Q1-TW' } });
    expect(org.ancestors).toEqual([{ code: 'Q1-TW' }]);
    expect(org.children.totalCount).toBe(2);
    expect(org.children.nodes).toEqual([
      { code: 'Q1-MB', level: 'ABOVE_BASE', parent: { code: 'Q1-BLOC' } },
      { code: 'Q1-MA', level: 'ABOVE_BASE', parent: { code: 'Q1-BLOC' } },
    ]);
  });

  it('lists ancestors root first and descendants by depth, filtered by level', async () => {
    await app.tree(smallTree('Q2'));
    const { body } = await app.gql(`{
      cell: organization(code: "Q2-MA-B1-C2") { ancestors { code } depth }
      bloc: organization(code: "Q2-BLOC") {
        descendants(first: 20) { totalCount nodes { code } }
        cells: descendants(first: 20, level: CELL) { totalCount nodes { code } }
      }
    }`);
    expect(body.data.cell).toEqual({ ancestors: ['Q2-TW', 'Q2-BLOC', 'Q2-MA', 'Q2-MA-B1'].map((code) => ({ code })), depth: 4 });
    expect(body.data.bloc.descendants.totalCount).toBe(7);
    expect(body.data.bloc.descendants.nodes.map((n: { code: string }) => n.code).slice(0, 2).sort()).toEqual(['Q2-MA', 'Q2-MB']);
    expect(body.data.bloc.cells.nodes.map((n: { code: string }) => n.code).sort()).toEqual(['Q2-MA-B1-C1', 'Q2-MA-B1-C2', 'Q2-MB-B1-C1']);
  });

  it('answers null for an unknown code', async () => {
    const { body } = await app.gql(`{ organization(code: "NO-SUCH-CODE") { name } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.organization).toBeNull();
  });

  it('resolves node and nodes by global id, null for unknown ones', async () => {
    const ids = await app.tree(smallTree('Q3'));
    const known = globalId('Organization', ids.get('Q3-MA')!);
    const unknown = globalId('Organization', '00000000-0000-4000-8000-000000000000');
    const { body } = await app.gql(`query($a: ID!, $b: ID!) {
      node(id: $a) { id ... on Organization { code } }
      nodes(ids: [$a, $b]) { ... on Organization { code } }
    }`, { a: known, b: unknown });
    expect(body.errors).toBeUndefined();
    expect(body.data.node).toEqual({ id: known, code: 'Q3-MA' });
    expect(body.data.nodes).toEqual([{ code: 'Q3-MA' }, null]);
  });

  it.each([
    ['node(id: "not-an-id") { id }'],
    ['node(id: "T3JnYW5pemF0aW9uOjEyMw") { id }'],
    ['organizations(first: 5, under: "%%%") { totalCount }'],
  ])('refuses a malformed global id with BAD_USER_INPUT: %s', async (field) => {
    const { body } = await app.gql(`{ ${field} }`);
    expect(body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses page sizes outside 1..100 and foreign cursors', async () => {
    for (const first of [0, 101, -1]) {
      const { body } = await app.gql(`{ organizations(first: ${first}) { totalCount } }`);
      expect(body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
    const { body } = await app.gql(`{ organizations(first: 5, after: "bm9wZQ") { totalCount } }`);
    expect(body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('finds organisations ignoring Vietnamese diacritics and case', async () => {
    const ids = await app.tree(smallTree('Q4'));
    const under = globalId('Organization', ids.get('Q4-TW')!);
    for (const search of ['bo tai chinh', 'BỘ TÀI CHÍNH', 'Bộ tài Chính', 'dang uy bo tai']) {
      const { body } = await app.gql(`query($s: String, $u: ID) { organizations(first: 10, search: $s, under: $u) { totalCount nodes { name } } }`, { s: search, u: under });
      expect(body.data.organizations.nodes).toEqual([{ name: 'Đảng ủy Bộ Tài chính Q4' }]);
    }
    const { body } = await app.gql(`query($u: ID) { organizations(first: 10, search: "đảng BỘ cơ QUAN", under: $u) { totalCount } }`, { u: under });
    expect(body.data.organizations.totalCount).toBe(2);
    const wild = await app.gql(`query($u: ID) { organizations(first: 10, search: "%", under: $u) { totalCount } }`, { u: under });
    expect(wild.body.data.organizations.totalCount).toBe(0);
  });

  it('pages through organisations with first/after, without gaps or duplicates', async () => {
    const ids = await app.tree(smallTree('Q5'));
    const under = globalId('Organization', ids.get('Q5-TW')!);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const { body }: any = await app.gql(`query($u: ID, $a: String) { organizations(first: 3, under: $u, after: $a) {
        totalCount pageInfo { hasNextPage endCursor } nodes { code } } }`, { u: under, a: after });
      const conn = body.data.organizations;
      expect(conn.totalCount).toBe(8);
      seen.push(...conn.nodes.map((n: { code: string }) => n.code));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
  });
});
