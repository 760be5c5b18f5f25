import { expectRefused, startTestApp, type TestApp } from './support/harness';
import { APPROVE, CANCEL, PROPOSE, applyOk, approveOk, idOf, proposeOk, type RestructuringRef } from './support/restructuring';
import { smallTree } from './support/trees';

/**
 * Restructuring status events are dated like everything else (issue 8): PROPOSED on `proposedOn` (default today, not
 * in the future), APPROVED on the decision date (not in the future, not before the proposal), CANCELLED on the day
 * given (default today, not before the last event), EFFECTIVE on the effective date; what was pending on a date
 * follows these dates. And organisations that follow their source into the target of a MERGE find it (role MOVED).
 */

const TODAY = '2026-11-27';
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ today: TODAY });
});
afterAll(() => app.close());

async function history(r: RestructuringRef) {
  const { body } = await app.gql(`query($id: ID!) { node(id: $id) { ... on Restructuring { history { effectiveOn toStatus } } } }`, { id: r.id });
  expect(body.errors).toBeUndefined();
  return body.data.node.history as { effectiveOn: string; toStatus: string }[];
}

async function pendingOn(code: string, asOf: string): Promise<string | null> {
  const { body } = await app.gql(`query($c: String!, $d: Date!) { organization(code: $c, asOf: $d) { pendingRestructuring { title } } }`, { c: code, d: asOf });
  expect(body.errors).toBeUndefined();
  return body.data.organization.pendingRestructuring?.title ?? null;
}

const rename = async (code: string, title: string, extra: Record<string, unknown> = {}) => ({
  kind: 'RENAME',
  title,
  effectiveOn: '2027-01-01',
  rename: { organization: await idOf(app, code), name: `${title} (tên mới)` },
  ...extra,
});

const decision = (r: RestructuringRef, decisionDate: string) => ({ id: r.id, version: r.version, decisionNumber: '9-QĐ/TW', decisionDate, issuer: 'Bộ Chính trị', effectiveOn: '2027-01-01' });

describe('status events carry their own dates', () => {
  it('PROPOSED on proposedOn, APPROVED on the decision date, CANCELLED on the day given; pending follows them', async () => {
    await app.tree(smallTree('DT1'));
    const r = await proposeOk(app, await rename('DT1-MA', 'DT1 đổi tên', { proposedOn: '2026-10-20' }));
    expect(await history(r)).toEqual([{ effectiveOn: '2026-10-20', toStatus: 'PROPOSED' }]);
    expect(await pendingOn('DT1-MA', '2026-10-19')).toBeNull();
    expect(await pendingOn('DT1-MA', '2026-10-20')).toBe('DT1 đổi tên');

    // The decision: not before the proposal, not in the future.
    await expectRefused(app, APPROVE, decision(r, '2026-10-19'), 'OUT_OF_ORDER', ['input', 'decisionDate']);
    await expectRefused(app, APPROVE, decision(r, '2026-11-28'), 'FUTURE_DATE', ['input', 'decisionDate']);
    const approved = await approveOk(app, r, '2027-01-01', '2026-11-05');
    expect(await history(r)).toEqual([
      { effectiveOn: '2026-10-20', toStatus: 'PROPOSED' },
      { effectiveOn: '2026-11-05', toStatus: 'APPROVED' },
    ]);

    // The withdrawal: not before the decision, not in the future.
    const cancel = (effectiveOn: string) => ({ id: approved.id, version: approved.version, reason: 'Rút đề án', effectiveOn });
    await expectRefused(app, CANCEL, cancel('2026-11-04'), 'OUT_OF_ORDER', ['input', 'effectiveOn']);
    await expectRefused(app, CANCEL, cancel('2026-11-28'), 'FUTURE_DATE', ['input', 'effectiveOn']);
    const { body } = await app.gql(CANCEL, { input: cancel('2026-11-20') });
    expect(body.data.restructuringCancel.userErrors).toEqual([]);
    expect(await history(r)).toEqual([
      { effectiveOn: '2026-10-20', toStatus: 'PROPOSED' },
      { effectiveOn: '2026-11-05', toStatus: 'APPROVED' },
      { effectiveOn: '2026-11-20', toStatus: 'CANCELLED' },
    ]);
    expect(await pendingOn('DT1-MA', '2026-11-19')).toBe('DT1 đổi tên');
    expect(await pendingOn('DT1-MA', '2026-11-20')).toBeNull();
  });

  it('refuses a proposal dated in the future; without dates, proposing and cancelling are dated today', async () => {
    await app.tree(smallTree('DT2'));
    await expectRefused(app, PROPOSE, await rename('DT2-MA', 'DT2 đổi tên', { proposedOn: '2026-11-28' }), 'FUTURE_DATE', ['input', 'proposedOn']);
    const r = await proposeOk(app, { ...(await rename('DT2-MA', 'DT2 đổi tên')), proposedOn: null }); // no date: today
    const { body } = await app.gql(CANCEL, { input: { id: r.id, version: r.version, reason: 'Rút đề án' } });
    expect(body.data.restructuringCancel.userErrors).toEqual([]);
    expect(await history(r)).toEqual([
      { effectiveOn: TODAY, toStatus: 'PROPOSED' },
      { effectiveOn: TODAY, toStatus: 'CANCELLED' },
    ]);
  });

  it('an applied restructuring reads: proposed, decided, in effect, each on its day', async () => {
    await app.tree(smallTree('DT3'));
    const r = await proposeOk(app, { kind: 'TRANSFER', title: 'DT3 chuyển giao', effectiveOn: '2025-03-01', proposedOn: '2025-01-10', moves: [{ organization: await idOf(app, 'DT3-MA-B1'), newParent: await idOf(app, 'DT3-MB') }] });
    await applyOk(app, await approveOk(app, r, '2025-03-01', '2025-02-01'));
    expect(await history(r)).toEqual([
      { effectiveOn: '2025-01-10', toStatus: 'PROPOSED' },
      { effectiveOn: '2025-02-01', toStatus: 'APPROVED' },
      { effectiveOn: '2025-03-01', toStatus: 'EFFECTIVE' },
    ]);
    expect(await pendingOn('DT3-MB', '2025-01-09')).toBeNull();
    expect(await pendingOn('DT3-MB', '2025-01-10')).toBe('DT3 chuyển giao');
    expect(await pendingOn('DT3-MB', '2025-03-01')).toBeNull();
  });
});

describe('organisations that follow their source into the target of a MERGE', () => {
  it('are recorded as MOVED (old parent: the source, new parent: the target) and find it, as do their parents', async () => {
    await app.tree(smallTree('DT4'));
    const title = 'DT4 hợp nhất hai đảng bộ cơ quan';
    const r = await proposeOk(app, {
      kind: 'MERGE', title, effectiveOn: '2025-03-01', proposedOn: '2025-02-01',
      sources: [await idOf(app, 'DT4-MA-B1'), await idOf(app, 'DT4-MB-B1')],
      newTargets: [{ code: 'DT4-MA-B9', name: 'Đảng bộ Cơ quan hợp nhất DT4', level: 'BASE_COMMITTEE', parent: await idOf(app, 'DT4-MA') }],
    });
    await applyOk(app, await approveOk(app, r, '2025-03-01', '2025-02-15'));

    const { body } = await app.gql(
      `query($id: ID!) { node(id: $id) { ... on Restructuring { participants { role organization { code } oldParent { code } newParent { code } } } } }`,
      { id: r.id },
    );
    expect(body.errors).toBeUndefined();
    const code = (o: { code: string } | null) => o?.code ?? null;
    const moved = body.data.node.participants
      .filter((p: any) => p.role === 'MOVED')
      .map((p: any) => ({ organization: code(p.organization), oldParent: code(p.oldParent), newParent: code(p.newParent) }));
    expect(moved).toEqual([
      { organization: 'DT4-MA-B1-C1', oldParent: 'DT4-MA-B1', newParent: 'DT4-MA-B9' },
      { organization: 'DT4-MA-B1-C2', oldParent: 'DT4-MA-B1', newParent: 'DT4-MA-B9' },
      { organization: 'DT4-MB-B1-C1', oldParent: 'DT4-MB-B1', newParent: 'DT4-MA-B9' },
    ]);

    const roles = async (c: string) => {
      const res = await app.gql(
        `query($c: String!) { organization(code: $c, asOf: "2025-02-20") { restructuringInvolvements(first: 10) { edges { roles node { title } } } } }`,
        { c },
      );
      expect(res.body.errors).toBeUndefined();
      return res.body.data.organization.restructuringInvolvements.edges.map((e: any) => ({ title: e.node.title, roles: e.roles }));
    };
    expect(await roles('DT4-MA-B1-C1')).toEqual([{ title, roles: ['MOVED'] }]);
    expect(await roles('DT4-MB-B1-C1')).toEqual([{ title, roles: ['MOVED'] }]);
    expect(await roles('DT4-MA-B1')).toEqual([{ title, roles: ['SOURCE', 'OLD_PARENT'] }]);

    const target = await app.gql(`{ organization(code: "DT4-MA-B9") { restructuringInvolvements(first: 10) { edges { roles } } } }`);
    expect(target.body.data.organization.restructuringInvolvements.edges).toEqual([{ roles: ['TARGET', 'NEW_PARENT'] }]);

    const under = await app.gql(`query($u: ID!) { restructurings(under: $u, first: 10) { totalCount nodes { title } } }`, { u: await idOf(app, 'DT4-MB-B1-C1') });
    expect(under.body.errors).toBeUndefined();
    expect(under.body.data.restructurings).toEqual({ totalCount: 1, nodes: [{ title }] });

    // While it was pending (from the proposal to the effective date) they find it as their pending restructuring too.
    expect(await pendingOn('DT4-MA-B1-C1', '2025-01-31')).toBeNull();
    expect(await pendingOn('DT4-MA-B1-C1', '2025-02-20')).toBe(title);
    expect(await pendingOn('DT4-MA-B1-C1', '2025-03-01')).toBeNull();
  });
});
