import { applyRestructuring } from '../src/restructuring/restructuring.apply';
import type { TreeSpec } from '../seeds/tree-builder';
import { expectRefused, snapshot, startTestApp, type TestApp } from './support/harness';
import { APPLY, APPROVE, CANCEL, PROPOSE, PROPOSED_ON, idOf } from './support/restructuring';
import { smallTree } from './support/trees';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ today: '2026-11-27' });
});
afterAll(() => app.close());

const refused = (query: string, input: Record<string, unknown>, code: string) => expectRefused(app, query, input, code);

async function propose(input: Record<string, unknown>) {
  const { body } = await app.gql(PROPOSE, { input: { proposedOn: PROPOSED_ON, ...input } });
  expect(body.data.restructuringPropose.userErrors).toEqual([]);
  return body.data.restructuringPropose.restructuring as { id: string; version: number };
}

async function approve(r: { id: string; version: number }, effectiveOn = '2025-03-01', decisionDate = '2025-02-20') {
  const { body } = await app.gql(APPROVE, { input: { id: r.id, version: r.version, decisionNumber: '12-QĐ/ĐU', decisionDate, issuer: 'Ban Thường vụ', effectiveOn } });
  expect(body.data.restructuringApprove.userErrors).toEqual([]);
  return body.data.restructuringApprove.restructuring as { id: string; version: number };
}

const mergeOf = async (p: string) => ({
  kind: 'MERGE',
  title: `Hợp nhất ${p}`,
  sources: [await idOf(app, `${p}-MA`), await idOf(app, `${p}-MB`)],
  newTargets: [{ code: `${p}-MAB`, name: `Đảng ủy Bộ hợp nhất ${p}`, level: 'ABOVE_BASE', parent: await idOf(app, `${p}-BLOC`) }],
});

describe('restructuring rules, each refused with nothing written', () => {
  it('a cell it creates with fewer members than the Charter’s minimum (CELL_TOO_SMALL at apply); three pass', async () => {
    await app.tree(smallTree('CS'));
    const establish = async (code: string, memberCount: number) =>
      approve(
        await propose({
          kind: 'ESTABLISH',
          title: `Thành lập ${code}`,
          newTargets: [{ code, name: `Chi bộ ${code}`, level: 'CELL', parent: await idOf(app, 'CS-MA-B1'), memberCount }],
        }),
      );
    const small = await establish('CS-ONE', 1);
    await refused(APPLY, { id: small.id, version: small.version }, 'CELL_TOO_SMALL');
    const three = await establish('CS-THREE', 3);
    const { body } = await app.gql(APPLY, { input: { id: three.id, version: three.version } });
    expect(body.data.restructuringApply.userErrors).toEqual([]);
  });

  it('an organisation in two pending restructurings at once', async () => {
    await app.tree(smallTree('P1'));
    await propose(await mergeOf('P1'));
    await refused(PROPOSE, { kind: 'DISSOLVE', title: 'Giải thể', sources: [await idOf(app, 'P1-MB')] }, 'ALREADY_PENDING');
    const { body } = await app.gql(`{ organization(code: "P1-MA") { pendingRestructuring { kind status title } } other: organization(code: "P1-TW") { pendingRestructuring { id } } }`);
    expect(body.data.organization.pendingRestructuring).toEqual({ kind: 'MERGE', status: 'PROPOSED', title: 'Hợp nhất P1' });
    expect(body.data.other.pendingRestructuring).toBeNull();
  });

  it('applying before approval, and applying twice', async () => {
    await app.tree(smallTree('P2'));
    let r = await propose(await mergeOf('P2'));
    await refused(APPLY, { id: r.id, version: r.version }, 'NOT_APPROVED');
    r = await approve(r);
    const applied = await app.gql(APPLY, { input: { id: r.id, version: r.version } });
    expect(applied.body.data.restructuringApply.userErrors).toEqual([]);
    const now = applied.body.data.restructuringApply.restructuring;
    expect(now.status).toBe('EFFECTIVE');
    await refused(APPLY, { id: now.id, version: now.version }, 'ALREADY_APPLIED');
    await refused(CANCEL, { id: now.id, version: now.version, reason: 'Muộn' }, 'NOT_ALLOWED');
  });

  it('an effective date before the decision date', async () => {
    await app.tree(smallTree('P3'));
    const r = await propose(await mergeOf('P3'));
    await refused(APPROVE, { id: r.id, version: r.version, decisionNumber: '1-QĐ', decisionDate: '2025-03-10', issuer: 'Bộ Chính trị', effectiveOn: '2025-03-01' }, 'EFFECTIVE_BEFORE_DECISION');
  });

  it('a transfer that would create a cycle', async () => {
    const tree: TreeSpec = {
      code: 'P4-TW', name: 'TW P4', level: 'CENTRAL_COMMITTEE',
      children: [{ code: 'P4-BLOC', name: 'Khối P4', level: 'DIRECTLY_UNDER_CENTRAL', children: [
        { code: 'P4-M', name: 'Đảng ủy P4', level: 'ABOVE_BASE', children: [{ code: 'P4-M-SUB', name: 'Đảng ủy trực thuộc P4', level: 'ABOVE_BASE' }] },
      ] }],
    };
    await app.tree(tree);
    let r = await propose({ kind: 'TRANSFER', title: 'Chuyển giao vòng', moves: [{ organization: await idOf(app, 'P4-M'), newParent: await idOf(app, 'P4-M-SUB') }] });
    r = await approve(r);
    await refused(APPLY, { id: r.id, version: r.version }, 'CYCLE');
  });

  it('ending an organisation whose children the same restructuring does not move', async () => {
    await app.tree(smallTree('P5'));
    let r = await propose({ kind: 'DISSOLVE', title: 'Giải thể P5', sources: [await idOf(app, 'P5-MA-B1')] });
    r = await approve(r);
    const errors = await refused(APPLY, { id: r.id, version: r.version }, 'CHILDREN_NOT_MOVED');
    expect(errors[0].message).toContain('Chi bộ A1 P5');
    // Moving the cells in the same decision makes it valid.
    await app.gql(CANCEL, { input: { id: r.id, version: r.version, reason: 'Thiếu phương án cho các chi bộ' } });
    let ok = await propose({
      kind: 'DISSOLVE', title: 'Giải thể P5 (có phương án)', sources: [await idOf(app, 'P5-MA-B1')],
      moves: [{ organization: await idOf(app, 'P5-MA-B1-C1'), newParent: await idOf(app, 'P5-MB-B1') }, { organization: await idOf(app, 'P5-MA-B1-C2'), newParent: await idOf(app, 'P5-MB-B1') }],
    });
    ok = await approve(ok);
    const applied = await app.gql(APPLY, { input: { id: ok.id, version: ok.version } });
    expect(applied.body.data.restructuringApply.userErrors).toEqual([]);
  });

  it('a stale version', async () => {
    await app.tree(smallTree('P6'));
    const r = await propose(await mergeOf('P6'));
    await approve(r);
    await refused(APPLY, { id: r.id, version: r.version }, 'STALE_VERSION');
    await refused(CANCEL, { id: r.id, version: r.version, reason: 'x' }, 'STALE_VERSION');
  });

  it('proposals of the wrong shape, unknown organisations and malformed ids', async () => {
    await app.tree(smallTree('P7'));
    await refused(PROPOSE, { kind: 'MERGE', title: 'Một nguồn', sources: [await idOf(app, 'P7-MA')], newTargets: [{ code: 'P7-X', name: 'X', level: 'ABOVE_BASE', parent: await idOf(app, 'P7-BLOC') }] }, 'INVALID_PARTICIPANTS');
    await refused(PROPOSE, { kind: 'DISSOLVE', title: 'x', sources: ['T3JnYW5pemF0aW9uOjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMA'] }, 'NOT_FOUND');
    await refused(PROPOSE, { kind: 'DISSOLVE', title: 'x', sources: ['garbage'] }, 'INVALID_ID');
    await refused(PROPOSE, { kind: 'DISSOLVE', title: ' ', sources: [await idOf(app, 'P7-MA')] }, 'REQUIRED');
    await refused(PROPOSE, { ...(await mergeOf('P7')), newTargets: [{ code: 'P7-MA', name: 'Trùng mã', level: 'ABOVE_BASE', parent: await idOf(app, 'P7-BLOC') }] }, 'CODE_TAKEN');
  });
});

describe('all or nothing', () => {
  it('an apply killed half-way leaves nothing applied, read back through a fresh connection', async () => {
    await app.tree(smallTree('K1'));
    const r = await approve(await propose(await mergeOf('K1')));
    const before = await snapshot(app);
    const uuid = Buffer.from(r.id, 'base64url').toString().split(':')[1];
    let firstWritesSeen = false;
    await expect(
      app.write(
        (tx) =>
          applyRestructuring(tx, { id: uuid, version: r.version }, {
            afterFirstWrites: async () => {
              const [placed] = await tx.sql<{ n: number }>(
                `select count(*)::int as n from organization_placement p join organization o on o.id = p.organization_id where o.code = 'K1-MAB'`,
              );
              firstWritesSeen = placed.n === 1;
              throw new Error('injected failure after the first writes');
            },
          }),
        { treeLock: 'exclusive' },
      ),
    ).rejects.toThrow('injected failure');
    expect(firstWritesSeen).toBe(true);
    expect(await snapshot(app)).toEqual(before);
    const [row] = await app.readBack<{ status: string; pending: boolean }>(
      `select r.status, o.pending_establishment as pending from restructuring r, organization o where r.id = $1 and o.code = 'K1-MAB'`, [uuid]);
    expect(row).toEqual({ status: 'APPROVED', pending: true });
  });
});

describe('findings of review', () => {
  it('a new organisation that would sit under itself is refused at proposal', async () => {
    await app.tree(smallTree('Z1'));
    await refused(PROPOSE, { kind: 'ESTABLISH', title: 'Tự làm cấp trên', newTargets: [{ code: 'Z1-X', name: 'X', level: 'ABOVE_BASE', parentCode: 'Z1-X' }] }, 'CYCLE');
    await refused(PROPOSE, {
      kind: 'ESTABLISH', title: 'Vòng',
      newTargets: [{ code: 'Z1-A', name: 'A', level: 'ABOVE_BASE', parentCode: 'Z1-B' }, { code: 'Z1-B', name: 'B', level: 'ABOVE_BASE', parentCode: 'Z1-A' }],
    }, 'CYCLE');
  });

  it('an organisation with a child placed under it from a later date cannot end', async () => {
    await app.tree(smallTree('Z2'));
    const move = await app.gql(`mutation($input: OrganizationMoveInput!) { organizationMove(input: $input) { userErrors { code } } }`, {
      input: { id: await idOf(app, 'Z2-MB-B1-C1'), newParent: await idOf(app, 'Z2-MA-B1'), effectiveOn: '2026-06-01' },
    });
    expect(move.body.data.organizationMove.userErrors).toEqual([]);
    let r = await propose({
      kind: 'DISSOLVE', title: 'Giải thể Z2', sources: [await idOf(app, 'Z2-MA-B1')],
      moves: [{ organization: await idOf(app, 'Z2-MA-B1-C1'), newParent: await idOf(app, 'Z2-MB-B1') }, { organization: await idOf(app, 'Z2-MA-B1-C2'), newParent: await idOf(app, 'Z2-MB-B1') }],
    });
    r = await approve(r, '2026-03-01', '2026-02-01');
    await refused(APPLY, { id: r.id, version: r.version }, 'CHILDREN_NOT_MOVED');
  });
});
