import { globalId, startTestApp, type TestApp } from './support/harness';
import { smallTree } from './support/trees';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const MOVE = `mutation($input: OrganizationMoveInput!) {
  organizationMove(input: $input) { organization { code parent { code } } userErrors { code message } }
}`;

const codes = (conn: { nodes: { code: string }[] }) => conn.nodes.map((n) => n.code).sort();

describe('the tree on a date (asOf)', () => {
  it('answers the old parent before a move and the new one from its effective date, with history kept', async () => {
    const ids = await app.tree(smallTree('A1'));
    const id = (code: string) => globalId('Organization', ids.get(code)!);
    const moved = await app.gql(MOVE, { input: { id: id('A1-MA-B1'), newParent: id('A1-MB'), effectiveOn: '2025-03-01' } });
    expect(moved.body.data.organizationMove).toEqual({ organization: { code: 'A1-MA-B1', parent: { code: 'A1-MB' } }, userErrors: [] });

    const { body } = await app.gql(`{
      base: organization(code: "A1-MA-B1") {
        before: parent(asOf: "2025-02-28") { code }
        on: parent(asOf: "2025-03-01") { code }
        today: parent { code }
      }
      cell: organization(code: "A1-MA-B1-C1") {
        oldAncestors: ancestors(asOf: "2025-02-28") { code }
        newAncestors: ancestors(asOf: "2025-03-01") { code }
      }
      oldParent: organization(code: "A1-MA", asOf: "2025-02-28") {
        children(first: 10) { totalCount nodes { code parent { code } children(first: 10) { nodes { code } } } }
        descendants(first: 10, level: CELL) { totalCount }
        now: children(first: 10, asOf: "2025-03-01") { totalCount }
      }
      newParent: organization(code: "A1-MB") {
        children(first: 10) { nodes { code } }
        then: children(first: 10, asOf: "2025-02-28") { nodes { code } }
        descendants(first: 10, level: CELL) { totalCount }
      }
    }`);
    expect(body.errors).toBeUndefined();
    const d = body.data;
    expect(d.base).toEqual({ before: { code: 'A1-MA' }, on: { code: 'A1-MB' }, today: { code: 'A1-MB' } });
    expect(d.cell.oldAncestors.map((a: { code: string }) => a.code)).toEqual(['A1-TW', 'A1-BLOC', 'A1-MA', 'A1-MA-B1']);
    expect(d.cell.newAncestors.map((a: { code: string }) => a.code)).toEqual(['A1-TW', 'A1-BLOC', 'A1-MB', 'A1-MA-B1']);
    // The old parent on the old date still lists the moved node, and nested fields inherit that date.
    expect(d.oldParent.children.totalCount).toBe(1);
    expect(d.oldParent.children.nodes[0]).toEqual({ code: 'A1-MA-B1', parent: { code: 'A1-MA' }, children: { nodes: [{ code: 'A1-MA-B1-C1' }, { code: 'A1-MA-B1-C2' }] } });
    expect(d.oldParent.descendants.totalCount).toBe(2);
    expect(d.oldParent.now.totalCount).toBe(0);
    expect(codes(d.newParent.children)).toEqual(['A1-MA-B1', 'A1-MB-B1']);
    expect(codes(d.newParent.then)).toEqual(['A1-MB-B1']);
    expect(d.newParent.descendants.totalCount).toBe(3);

    // History is closed and reopened, never overwritten.
    const rows = await app.readBack<{ code: string; valid_from: string; valid_to: string | null }>(
      `select o.code, p.valid_from::text, p.valid_to::text from organization_placement p join organization o on o.id = p.organization_id
        where o.code like 'A1-MA-B1%' order by o.code, p.valid_from`,
    );
    expect(rows).toEqual([
      { code: 'A1-MA-B1', valid_from: '2020-01-01', valid_to: '2025-03-01' },
      { code: 'A1-MA-B1', valid_from: '2025-03-01', valid_to: null },
      { code: 'A1-MA-B1-C1', valid_from: '2020-01-01', valid_to: '2025-03-01' },
      { code: 'A1-MA-B1-C1', valid_from: '2025-03-01', valid_to: null },
      { code: 'A1-MA-B1-C2', valid_from: '2020-01-01', valid_to: '2025-03-01' },
      { code: 'A1-MA-B1-C2', valid_from: '2025-03-01', valid_to: null },
    ]);
  });

  it('lists organisations as they stood: before establishment there is nothing, under answers per date', async () => {
    const ids = await app.tree(smallTree('A2'));
    const id = (code: string) => globalId('Organization', ids.get(code)!);
    await app.gql(MOVE, { input: { id: id('A2-MB-B1'), newParent: id('A2-MA'), effectiveOn: '2024-07-01' } });
    const q = `query($u: ID, $d: Date) { organizations(first: 50, under: $u, asOf: $d) { totalCount } }`;
    const count = async (code: string, d: string) => (await app.gql(q, { u: id(code), d })).body.data.organizations.totalCount;
    expect(await count('A2-TW', '2019-12-31')).toBe(0);
    expect(await count('A2-TW', '2020-01-01')).toBe(8);
    expect(await count('A2-MA', '2024-06-30')).toBe(3);
    expect(await count('A2-MA', '2024-07-01')).toBe(5);
    expect(await count('A2-MB', '2024-07-01')).toBe(0);
  });

  it('a same-day second move corrects the first without a zero-length interval', async () => {
    const ids = await app.tree(smallTree('A3'));
    const id = (code: string) => globalId('Organization', ids.get(code)!);
    await app.gql(MOVE, { input: { id: id('A3-MA-B1'), newParent: id('A3-MB'), effectiveOn: '2025-05-01' } });
    const again = await app.gql(MOVE, { input: { id: id('A3-MA-B1-C1'), newParent: id('A3-MB-B1'), effectiveOn: '2025-05-01' } });
    expect(again.body.data.organizationMove.userErrors).toEqual([]);
    const { body } = await app.gql(`{ organization(code: "A3-MA-B1-C1", asOf: "2025-05-01") { ancestors { code } before: ancestors(asOf: "2025-04-30") { code } } }`);
    expect(body.data.organization.ancestors.map((a: { code: string }) => a.code)).toEqual(['A3-TW', 'A3-BLOC', 'A3-MB', 'A3-MB-B1']);
    expect(body.data.organization.before.map((a: { code: string }) => a.code)).toEqual(['A3-TW', 'A3-BLOC', 'A3-MA', 'A3-MA-B1']);
  });
});
