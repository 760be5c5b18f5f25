import { demoTree } from '../seeds/demo-tree';
import { endOfTheBlocs, enterpriseTransfer, financeMerger, taxRename } from '../seeds/history-2025';
import { expectRefused, startTestApp, type TestApp } from './support/harness';
import { APPROVE, CANCEL, PROPOSE, applyOk, approveOk, enact, idOf, proposeOk, type RestructuringRef } from './support/restructuring';
import { smallTree } from './support/trees';

/**
 * Who finds a restructuring, in what order, with which role (issue 8, items 8–11): every organisation it touches —
 * moved, source, target, the parent left, the parent joined — while it is pending and once applied; moves to the
 * parent an organisation already has are refused at proposal; lineage follows what went where.
 */

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ today: '2026-11-27' });
});
afterAll(() => app.close());

interface Touch {
  title: string;
  roles: string[];
}

/** What an organisation says about its restructurings: the pending one and every one with its roles, in order. */
async function seenFrom(code: string): Promise<{ pending: string | null; touched: Touch[]; total: number }> {
  const { body } = await app.gql(
    `query($c: String!) { organization(code: $c) {
       pendingRestructuring { title }
       restructuringInvolvements(first: 50) { totalCount edges { roles node { title } } } } }`,
    { c: code },
  );
  expect(body.errors).toBeUndefined();
  const o = body.data.organization;
  return {
    pending: o.pendingRestructuring?.title ?? null,
    touched: o.restructuringInvolvements.edges.map((e: { roles: string[]; node: { title: string } }) => ({ title: e.node.title, roles: e.roles })),
    total: o.restructuringInvolvements.totalCount,
  };
}

/** What a restructuring says about the organisations it touches (codes only: ids of dated reads carry the date). */
async function restructuring(r: RestructuringRef) {
  const { body } = await app.gql(
    `query($id: ID!) { node(id: $id) { ... on Restructuring { status
       sources { code } targets { code }
       participants { role organization { code } newParent { code } oldParent { code } } } } }`,
    { id: r.id },
  );
  expect(body.errors).toBeUndefined();
  const n = body.data.node;
  const code = (o: { code: string } | null) => o?.code ?? null;
  return {
    status: n.status as string,
    sources: n.sources.map(code),
    targets: n.targets.map(code),
    participants: n.participants.map((p: any) => ({ role: p.role, organization: code(p.organization), newParent: code(p.newParent), oldParent: code(p.oldParent) })),
  };
}

const transfer = async (title: string, code: string, newParent: string, effectiveOn?: string) =>
  proposeOk(app, { kind: 'TRANSFER', title, effectiveOn, moves: [{ organization: await idOf(app, code), newParent: await idOf(app, newParent) }] });

describe('Organization.restructuringInvolvements (and the plain restructurings list): oldest first, with the roles on the edge', () => {
  it('orders by effective date (undated last), then by proposal, whatever order they were created in, and pages', async () => {
    await app.tree(smallTree('R8'));
    // Created out of chronological order: undated, then September, then two on 1 March.
    const undated = await proposeOk(app, {
      kind: 'ESTABLISH', title: 'R8 thành lập (chưa định ngày)',
      newTargets: [{ code: 'R8-MA-B2', name: 'Đảng bộ Cơ quan mới R8', level: 'BASE_COMMITTEE', parent: await idOf(app, 'R8-MA') }],
    });
    await proposeOk(app, { kind: 'RENAME', title: 'R8 đổi tên (01/9)', effectiveOn: '2025-09-01', rename: { organization: await idOf(app, 'R8-MA'), name: 'Đảng ủy Bộ mới R8' } });
    await transfer('R8 chuyển đi (01/3, trước)', 'R8-MA-B1', 'R8-MB', '2025-03-01');
    await transfer('R8 chuyển đến (01/3, sau)', 'R8-MB-B1', 'R8-MA', '2025-03-01');

    expect((await seenFrom('R8-MA')).touched).toEqual([
      { title: 'R8 chuyển đi (01/3, trước)', roles: ['OLD_PARENT'] },
      { title: 'R8 chuyển đến (01/3, sau)', roles: ['NEW_PARENT'] },
      { title: 'R8 đổi tên (01/9)', roles: ['TARGET'] },
      { title: 'R8 thành lập (chưa định ngày)', roles: ['NEW_PARENT'] },
    ]);

    // Once decided, the undated one takes its place by its date.
    await approveOk(app, undated, '2025-01-15');
    const first = await app.gql(
      `{ organization(code: "R8-MA") { restructuringInvolvements(first: 2) { totalCount pageInfo { hasNextPage endCursor } nodes { title } } } }`,
    );
    const page1 = first.body.data.organization.restructuringInvolvements;
    expect(page1.nodes.map((n: { title: string }) => n.title)).toEqual(['R8 thành lập (chưa định ngày)', 'R8 chuyển đi (01/3, trước)']);
    expect(page1).toMatchObject({ totalCount: 4, pageInfo: { hasNextPage: true } });
    const second = await app.gql(
      `query($after: String) { organization(code: "R8-MA") { restructuringInvolvements(first: 2, after: $after) { totalCount pageInfo { hasNextPage hasPreviousPage } nodes { title } } } }`,
      { after: page1.pageInfo.endCursor },
    );
    const page2 = second.body.data.organization.restructuringInvolvements;
    expect(page2.nodes.map((n: { title: string }) => n.title)).toEqual(['R8 chuyển đến (01/3, sau)', 'R8 đổi tên (01/9)']);
    expect(page2).toMatchObject({ totalCount: 4, pageInfo: { hasNextPage: false, hasPreviousPage: true } });

    // The plain list of the first API: the same restructurings in the same order.
    const list = await app.gql(`{ organization(code: "R8-MA") { restructurings { title } } }`);
    expect(list.body.errors).toBeUndefined();
    expect(list.body.data.organization.restructurings.map((n: { title: string }) => n.title)).toEqual([
      'R8 thành lập (chưa định ngày)',
      'R8 chuyển đi (01/3, trước)',
      'R8 chuyển đến (01/3, sau)',
      'R8 đổi tên (01/9)',
    ]);
  });
});

describe('a TRANSFER is seen from every organisation it touches', () => {
  it('moved, the parent it leaves, the parent it joins — pending and after apply — without claiming the parents', async () => {
    await app.tree(smallTree('R9'));
    const r = await transfer('R9 chuyển giao Cơ quan A', 'R9-MA-B1', 'R9-MB', '2025-06-01');
    // The parent that receives takes two more at once; the moved organisation gives up its own cells meanwhile.
    await transfer('R9 chuyển Chi bộ A1', 'R9-MA-B1-C1', 'R9-MB-B1', '2025-05-01');
    const c2 = await transfer('R9 chuyển Chi bộ A2', 'R9-MA-B1-C2', 'R9-MB-B1', '2025-04-01');

    const pending = {
      status: 'PROPOSED',
      sources: ['R9-MA'],
      targets: ['R9-MB'],
      participants: [
        { role: 'MOVED', organization: 'R9-MA-B1', newParent: 'R9-MB', oldParent: 'R9-MA' },
        { role: 'OLD_PARENT', organization: 'R9-MA', newParent: null, oldParent: null },
        { role: 'NEW_PARENT', organization: 'R9-MB', newParent: null, oldParent: null },
      ],
    };
    expect(await restructuring(r)).toEqual(pending);
    expect(await seenFrom('R9-MA-B1')).toEqual({
      pending: 'R9 chuyển giao Cơ quan A', // its own claim comes before the ones it is only a parent in
      total: 3,
      touched: [
        { title: 'R9 chuyển Chi bộ A2', roles: ['OLD_PARENT'] },
        { title: 'R9 chuyển Chi bộ A1', roles: ['OLD_PARENT'] },
        { title: 'R9 chuyển giao Cơ quan A', roles: ['MOVED'] },
      ],
    });
    expect(await seenFrom('R9-MA')).toEqual({ pending: 'R9 chuyển giao Cơ quan A', total: 1, touched: [{ title: 'R9 chuyển giao Cơ quan A', roles: ['OLD_PARENT'] }] });
    expect(await seenFrom('R9-MB')).toEqual({ pending: 'R9 chuyển giao Cơ quan A', total: 1, touched: [{ title: 'R9 chuyển giao Cơ quan A', roles: ['NEW_PARENT'] }] });
    expect(await seenFrom('R9-MB-B1')).toEqual({
      pending: 'R9 chuyển Chi bộ A2', // the earliest of the two it receives
      total: 2,
      touched: [
        { title: 'R9 chuyển Chi bộ A2', roles: ['NEW_PARENT'] },
        { title: 'R9 chuyển Chi bộ A1', roles: ['NEW_PARENT'] },
      ],
    });
    expect(await seenFrom('R9-BLOC')).toEqual({ pending: null, total: 0, touched: [] });
    // Parents are not claimed: only the three moved organisations count as taking part in a pending restructuring.
    const progress = await app.gql(`{ organization(code: "R9-TW") { progress { restructuringPending } } }`);
    expect(progress.body.data.organization.progress.restructuringPending).toBe(3);

    await applyOk(app, await approveOk(app, r, '2025-06-01', '2025-05-20'));
    expect(await restructuring(r)).toEqual({ ...pending, status: 'EFFECTIVE' });
    expect(await seenFrom('R9-MA')).toEqual({ pending: null, total: 1, touched: [{ title: 'R9 chuyển giao Cơ quan A', roles: ['OLD_PARENT'] }] });
    expect(await seenFrom('R9-MB')).toEqual({ pending: null, total: 1, touched: [{ title: 'R9 chuyển giao Cơ quan A', roles: ['NEW_PARENT'] }] });
    expect(await seenFrom('R9-MA-B1')).toMatchObject({ pending: 'R9 chuyển Chi bộ A2', total: 3 });

    // Withdrawn, it no longer counts as pending for the parent that was to receive it.
    expect((await app.gql(CANCEL, { input: { id: c2.id, version: c2.version, reason: 'Rút' } })).body.data.restructuringCancel.userErrors).toEqual([]);
    expect((await seenFrom('R9-MB-B1')).pending).toBe('R9 chuyển Chi bộ A1');
  });
});

describe('a move to the parent it already has is refused at proposal', () => {
  it('on the planned effective date, else today, for a move of any kind; and at the decision on the decided date', async () => {
    await app.tree(smallTree('R10'));
    const [ma, b1, c1, c2, mb1] = await Promise.all(['R10-MA', 'R10-MA-B1', 'R10-MA-B1-C1', 'R10-MA-B1-C2', 'R10-MB-B1'].map((c) => idOf(app, c)));
    await expectRefused(app, PROPOSE, { kind: 'TRANSFER', title: 'Về chỗ cũ', moves: [{ organization: b1, newParent: ma }] }, 'SAME_PARENT', ['input', 'moves', '0', 'newParent']);
    await expectRefused(
      app, PROPOSE,
      { kind: 'DISSOLVE', title: 'Giải thể, một chi bộ ở lại', sources: [b1], moves: [{ organization: c1, newParent: mb1 }, { organization: c2, newParent: b1 }] },
      'SAME_PARENT', ['input', 'moves', '1', 'newParent'],
    );

    // C1 moves under MB-B1 from 1 June 2026: before that date MA-B1 is its parent, from it MB-B1.
    const moved = await app.gql(`mutation($input: OrganizationMoveInput!) { organizationMove(input: $input) { userErrors { code } } }`, {
      input: { id: c1, newParent: mb1, effectiveOn: '2026-06-01' },
    });
    expect(moved.body.data.organizationMove.userErrors).toEqual([]);
    await expectRefused(app, PROPOSE, { kind: 'TRANSFER', title: 'Trước ngày', effectiveOn: '2026-03-01', moves: [{ organization: c1, newParent: b1 }] }, 'SAME_PARENT', ['input', 'moves', '0', 'newParent']);
    await expectRefused(app, PROPOSE, { kind: 'TRANSFER', title: 'Hôm nay', moves: [{ organization: c1, newParent: mb1 }] }, 'SAME_PARENT', ['input', 'moves', '0', 'newParent']);

    // Planned for March (under MA-B1 then): accepted; decided for July (under MB-B1 by then): refused at the decision.
    const r = await proposeOk(app, { kind: 'TRANSFER', title: 'Tháng Ba', effectiveOn: '2026-03-01', moves: [{ organization: c1, newParent: mb1 }] });
    await expectRefused(app, APPROVE, { id: r.id, version: r.version, decisionNumber: '5-QĐ', decisionDate: '2026-06-20', issuer: 'Ban Thường vụ', effectiveOn: '2026-07-01' }, 'SAME_PARENT', ['input', 'effectiveOn']);
  });
});

describe('lineage follows what went where', () => {
  it('a REORGANIZE of two sources into two targets, each receiving from one source only', async () => {
    await app.tree(smallTree('R11'));
    const bloc = await idOf(app, 'R11-BLOC');
    const r = await proposeOk(app, {
      kind: 'REORGANIZE', title: 'R11 tổ chức lại', effectiveOn: '2025-05-01',
      sources: [await idOf(app, 'R11-MA'), await idOf(app, 'R11-MB')],
      newTargets: [
        { code: 'R11-X', name: 'Đảng ủy X R11', level: 'ABOVE_BASE', parent: bloc },
        { code: 'R11-Y', name: 'Đảng ủy Y R11', level: 'ABOVE_BASE', parent: bloc },
      ],
      moves: [
        { organization: await idOf(app, 'R11-MA-B1'), newParentCode: 'R11-X' },
        { organization: await idOf(app, 'R11-MB-B1'), newParentCode: 'R11-Y' },
      ],
    });
    await applyOk(app, await approveOk(app, r, '2025-05-01'));
    const { body } = await app.gql(`{
      x: organization(code: "R11-X") { predecessors { code } }
      y: organization(code: "R11-Y") { predecessors { code } }
      a: organization(code: "R11-MA") { successors { code } }
      b: organization(code: "R11-MB") { successors { code } }
    }`);
    expect(body.data).toEqual({
      x: { predecessors: [{ code: 'R11-MA' }] },
      y: { predecessors: [{ code: 'R11-MB' }] },
      a: { successors: [{ code: 'R11-X' }] },
      b: { successors: [{ code: 'R11-Y' }] },
    });
    expect((await seenFrom('R11-MA')).touched).toEqual([{ title: 'R11 tổ chức lại', roles: ['SOURCE', 'OLD_PARENT'] }]);
    expect((await seenFrom('R11-X')).touched).toEqual([{ title: 'R11 tổ chức lại', roles: ['TARGET', 'NEW_PARENT'] }]);
    expect((await seenFrom('R11-BLOC')).touched).toEqual([{ title: 'R11 tổ chức lại', roles: ['NEW_PARENT'] }]);
  });
});

describe('the demo history, replayed through the API', () => {
  it('each organisation sees the 2025 decisions with its roles, a TRANSFER has parents as sources and targets, and each new central committee continues only the Bloc whose committees went into it', async () => {
    await app.tree(demoTree);
    for (const d of [endOfTheBlocs, financeMerger, taxRename, enterpriseTransfer]) await enact(app, d);
    const blocs = endOfTheBlocs.title;
    const merger = financeMerger.title;
    const evn = enterpriseTransfer.title;
    const touched = async (code: string) => (await seenFrom(code)).touched;
    // The EVN example of the issue: the February reorganisation before the December transfer.
    expect(await touched('EVN')).toEqual([{ title: blocs, roles: ['MOVED'] }, { title: evn, roles: ['MOVED'] }]);
    expect(await touched('DCP')).toEqual([
      { title: blocs, roles: ['TARGET', 'NEW_PARENT'] },
      { title: merger, roles: ['NEW_PARENT'] },
      { title: evn, roles: ['OLD_PARENT'] },
    ]);
    expect(await touched('DBTC')).toEqual([{ title: merger, roles: ['TARGET', 'NEW_PARENT'] }, { title: evn, roles: ['NEW_PARENT'] }]);
    // What follows its source into the merged committee finds the merger (MOVED), as does the source it leaves.
    expect(await touched('BTC-TCT')).toEqual([{ title: merger, roles: ['MOVED'] }, { title: taxRename.title, roles: ['TARGET'] }]);
    expect(await touched('BTC-KBNN')).toEqual([{ title: merger, roles: ['MOVED'] }]);
    expect(await touched('BTC')).toEqual([{ title: blocs, roles: ['MOVED'] }, { title: merger, roles: ['SOURCE', 'OLD_PARENT'] }]);
    const under = await app.gql(`query($u: ID!) { restructurings(under: $u, first: 10) { nodes { title } } }`, { u: await idOf(app, 'BTC-KBNN') });
    expect(under.body.data.restructurings.nodes).toEqual([{ title: merger }]);
    expect(await touched('KCQTW')).toEqual([{ title: blocs, roles: ['SOURCE', 'OLD_PARENT'] }]);
    expect(await touched('KDNTW')).toEqual([{ title: blocs, roles: ['SOURCE', 'OLD_PARENT'] }]);
    expect(await touched('TW')).toEqual([{ title: blocs, roles: ['NEW_PARENT'] }]);

    const { body } = await app.gql(`{
      evn: organization(code: "EVN") { restructuringInvolvements(first: 10) { nodes { kind sources { code } targets { code } } } }
      dcqd: organization(code: "DCQD") { predecessors { code } }
      dqh: organization(code: "DQH") { predecessors { code } }
      dcp: organization(code: "DCP") { predecessors { code } }
      kcqtw: organization(code: "KCQTW") { successors { code } }
      kdntw: organization(code: "KDNTW") { successors { code } }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.evn.restructuringInvolvements.nodes[1]).toEqual({ kind: 'TRANSFER', sources: [{ code: 'DCP' }], targets: [{ code: 'DBTC' }] });
    const codes = (xs: { code: string }[]) => xs.map((x) => x.code).sort();
    // VPTW, BND and TCCS came from KCQTW into DCQD; VPQH from KCQTW into DQH; EVN from KDNTW into DCP.
    expect(codes(body.data.dcqd.predecessors)).toEqual(['KCQTW']);
    expect(codes(body.data.dqh.predecessors)).toEqual(['KCQTW']);
    expect(codes(body.data.dcp.predecessors)).toEqual(['KCQTW', 'KDNTW']);
    expect(codes(body.data.kcqtw.successors)).toEqual(['DCP', 'DCQD', 'DQH']);
    expect(codes(body.data.kdntw.successors)).toEqual(['DCP']);
  });
});
