import { demoTree } from '../seeds/demo-tree';
import { enterpriseTransfer, endOfTheBlocs, financeMerger, taxRename } from '../seeds/history-2025';
import { ADVANCE, RECORD, RESCHEDULE, recordHeld, schedule } from './support/congress';
import { startTestApp, type TestApp } from './support/harness';
import { enact } from './support/restructuring';

// Each test replays on its own database: it passes alone (`-t`) and in any order.
let app: TestApp;
let ids: Map<string, string>;
beforeEach(async () => {
  app = await startTestApp({ today: '2026-11-27' });
  ids = await app.tree(demoTree);
});
afterEach(() => app.close());

/** Early 2025 on the tree of 4 December 2024: congresses in preparation, the Blocs ended, the Finance merger, the tax rename. */
async function replayEarly2025() {
  // Congresses that were being prepared when the Blocs ended.
  const bloc = await schedule(app, ids.get('KCQTW')!, '2025-10-14', '2025-10-17');
  await app.gql(ADVANCE, { input: { id: bloc.id, version: bloc.version, stage: 'PLAN_ISSUED', effectiveOn: '2024-11-15' } });
  const btc = await schedule(app, ids.get('BTC')!, '2025-08-05', '2025-08-07');
  await app.gql(ADVANCE, { input: { id: btc.id, version: btc.version, stage: 'DOCUMENTS_DRAFTED', effectiveOn: '2025-01-20' } });

  await enact(app, endOfTheBlocs);
  await enact(app, financeMerger);
  await enact(app, taxRename);
}

const codes = (nodes: { code: string }[]) => nodes.map((n) => n.code).sort();

/** Schedules and holds, deepest first, every congress below `code` on `date`, each on its own day before `by`. */
async function holdEverythingBelow(code: string, date: string) {
  const { body } = await app.gql(`query($c: String!, $d: Date) { organization(code: $c, asOf: $d) { descendants(first: 100) { nodes { id code depth congress { id version stage } } } } }`, { c: code, d: date });
  const nodes = body.data.organization.descendants.nodes as { id: string; code: string; depth: number; congress: { id: string; version: number; stage: string } | null }[];
  const deepest = Math.max(...nodes.map((n) => n.depth));
  for (const n of [...nodes].sort((a, b) => b.depth - a.depth)) {
    const day = `2025-0${3 + (deepest - n.depth)}-10`;
    const c = n.congress ?? (await schedule(app, ids.get(n.code) ?? Buffer.from(n.id, 'base64url').toString().split(':')[1], day));
    expect((await recordHeld(app, c, day)).userErrors).toEqual([]); // approves first: held only after approval
  }
}

describe('replaying 2025 on the tree of 4 December 2024', () => {
  it('ends the Blocs, moves each committee to its new central committee, merges Finance with Planning and Investment, and keeps every earlier date answerable', async () => {
    await replayEarly2025();

    const { body } = await app.gql(`{
      article: organization(code: "KCQTW", asOf: "2024-12-04") { name endedOn children(first: 50) { totalCount nodes { code } } }
      blocAfter: organization(code: "KCQTW", asOf: "2025-02-03") { parent { code } children(first: 50) { totalCount } successors { code } congress { stage } }
      blocBefore: organization(code: "KCQTW", asOf: "2025-02-02") { congress { stage } }
      rootThen: organization(code: "TW", asOf: "2024-12-04") { children(first: 10) { nodes { code } } }
      rootNow: organization(code: "TW", asOf: "2025-03-01") { children(first: 10) { nodes { code } } }
      gov: organization(code: "DCP", asOf: "2025-03-01") { level establishedOn predecessors { code } children(first: 50) { nodes { code } } }
      govFeb: organization(code: "DCP", asOf: "2025-02-03") { children(first: 50) { nodes { code } } }
      btcParents: organization(code: "BTC") { before: parent(asOf: "2025-02-02") { code } after: parent(asOf: "2025-02-03") { code } endedOn
        successors { code } congress { stage history { toStage effectiveOn } } }
      merged: organization(code: "DBTC", asOf: "2025-03-01") { name level parent { code } predecessors { code }
        children(first: 50) { totalCount nodes { code } }
        congress { mode ordinal stage committeeFormation } }
      tax: organization(code: "BTC-TCT") { before: ancestors(asOf: "2025-02-28") { code } after: ancestors(asOf: "2025-03-01") { code } }
      taxOld: organization(code: "BTC-TCT", asOf: "2025-02-28") { name }
      taxNew: organization(code: "BTC-TCT", asOf: "2025-03-01") { name }
      vpqh: organization(code: "VPQH", asOf: "2025-06-01") { ancestors { code } }
    }`);
    expect(body.errors).toBeUndefined();
    const d = body.data;
    // 4 Dec 2024: the tree of the seed article.
    expect(d.article.children.totalCount).toBe(12);
    expect(codes(d.article.children.nodes)).toEqual(['BCT', 'BGDDT', 'BKHDT', 'BND', 'BNG', 'BTC', 'BTP', 'BYT', 'TCCS', 'VPCP', 'VPQH', 'VPTW']);
    expect(d.article.endedOn).toBe('2025-02-03');
    expect(codes(d.rootThen.children.nodes)).toEqual(['KCQTW', 'KDNTW']);
    // From 3 Feb 2025: the Bloc is gone, each committee under its own new central committee.
    expect(d.blocAfter).toMatchObject({ parent: null, children: { totalCount: 0 }, congress: { stage: 'SUPERSEDED' } });
    expect(codes(d.blocAfter.successors)).toEqual(['DCP', 'DCQD', 'DQH']);
    expect(d.blocBefore.congress.stage).toBe('PLAN_ISSUED');
    expect(codes(d.rootNow.children.nodes)).toEqual(['DCP', 'DCQD', 'DQH']);
    expect(d.gov).toMatchObject({ level: 'DIRECTLY_UNDER_CENTRAL', establishedOn: '2025-02-03' });
    expect(codes(d.gov.predecessors)).toEqual(['KCQTW', 'KDNTW']);
    expect(codes(d.govFeb.children.nodes)).toEqual(['BCT', 'BGDDT', 'BKHDT', 'BNG', 'BTC', 'BTP', 'BYT', 'EVN', 'VPCP']);
    expect(codes(d.gov.children.nodes)).toEqual(['BCT', 'BGDDT', 'BNG', 'BTP', 'BYT', 'DBTC', 'EVN', 'VPCP']);
    expect(d.vpqh.ancestors.map((a: { code: string }) => a.code)).toEqual(['TW', 'DQH']);
    // 1 Mar 2025: the merger; lineage both ways; the sources' congress superseded, the new one two-content, number I.
    expect(d.btcParents).toMatchObject({ before: { code: 'KCQTW' }, after: { code: 'DCP' }, endedOn: '2025-03-01', successors: [{ code: 'DBTC' }] });
    expect(d.btcParents.congress.stage).toBe('SUPERSEDED');
    expect(d.btcParents.congress.history.at(-1)).toEqual({ toStage: 'SUPERSEDED', effectiveOn: '2025-03-01' });
    expect(d.merged).toMatchObject({ name: 'Đảng bộ Bộ Tài chính', level: 'ABOVE_BASE', parent: { code: 'DCP' } });
    expect(codes(d.merged.predecessors)).toEqual(['BKHDT', 'BTC']);
    expect(codes(d.merged.children.nodes)).toEqual(['BKHDT-CQ', 'BKHDT-TCTK', 'BKHDT-VCL', 'BTC-CQ', 'BTC-HVTC', 'BTC-KBNN', 'BTC-TCDT', 'BTC-TCHQ', 'BTC-TCT', 'BTC-UBCK']);
    expect(d.merged.congress).toEqual({ mode: 'TWO_CONTENT', ordinal: 1, stage: 'NOT_STARTED', committeeFormation: 'INTERIM_APPOINTED' });
    expect(d.tax.before.map((a: { code: string }) => a.code)).toEqual(['TW', 'DCP', 'BTC']);
    expect(d.tax.after.map((a: { code: string }) => a.code)).toEqual(['TW', 'DCP', 'DBTC']);
    expect(d.taxOld.name).toBe('Đảng ủy Tổng cục Thuế');
    expect(d.taxNew.name).toBe('Đảng ủy Cục Thuế');
  });

  it('after the merger, the merged committee holds its two-content congress, number I, once everything below it is held', async () => {
    await replayEarly2025();
    await holdEverythingBelow('DBTC', '2025-08-19');
    const { body } = await app.gql(`{ organization(code: "DBTC") { congress { id version } } }`);
    let c = body.data.organization.congress;
    c = (await app.gql(RESCHEDULE, { input: { id: c.id, version: c.version, plannedStart: '2025-08-20', plannedEnd: '2025-08-21' } })).body.data.congressReschedule.congress;
    const elected = await app.gql(RECORD, { input: { id: c.id, version: c.version, heldStart: '2025-08-20', heldEnd: '2025-08-21', committeeFormation: 'ELECTED' } });
    expect(elected.body.data.congressRecordResult.userErrors[0].code).toBe('ELECTION_NOT_ALLOWED');
    const held = await recordHeld(app, c, '2025-08-20', '2025-08-21', { delegatesConvened: 283, committeeFormation: 'APPOINTED', delegatesToSuperior: { appointed: 30 } });
    expect(held.userErrors).toEqual([]);
    expect(held.congress).toMatchObject({ mode: 'TWO_CONTENT', ordinal: 1, stage: 'HELD', heldStart: '2025-08-20', committeeFormation: 'APPOINTED' });

    // 15 Dec 2025: an enterprise committee transferred unchanged, its subtree with it.
    await enact(app, enterpriseTransfer);
    const after = await app.gql(`{ evn: organization(code: "EVN-CQ-CB01") { before: ancestors(asOf: "2025-12-14") { code } after: ancestors(asOf: "2025-12-15") { code } } }`);
    expect(after.body.data.evn.before.map((a: { code: string }) => a.code)).toEqual(['TW', 'DCP', 'EVN', 'EVN-CQ']);
    expect(after.body.data.evn.after.map((a: { code: string }) => a.code)).toEqual(['TW', 'DCP', 'DBTC', 'EVN', 'EVN-CQ']);
  });
});
