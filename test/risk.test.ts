import type { TreeSpec } from '../seeds/tree-builder';
import { ADVANCE, POSTPONE, RESCHEDULE, recordHeld, schedule, type CongressRef } from './support/congress';
import { expectRefused, globalId, startTestApp, type TestApp } from './support/harness';
import { applyOk, approveOk, idOf, proposeOk } from './support/restructuring';
import { blocTree, smallTree } from './support/trees';

/**
 * At-risk signals (issue "Step 7", item 3): each kind on a small tree, positive and a near miss, read on dates
 * (a risk that did not exist earlier), thresholds as dated data per level, and the three readings — `Congress.risks`,
 * `Progress.atRisk`, `congresses(risk:)` — always agreeing.
 */

const TODAY = '2026-11-27';
const KINDS = ['PLANNED_AFTER_DEADLINE', 'NOT_SCHEDULED_NEAR_DEADLINE', 'STUCK', 'POSTPONED_PAST_DEADLINE', 'SUBORDINATES_BEHIND'] as const;
type Kind = (typeof KINDS)[number];

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ today: TODAY });
});
afterAll(() => app.close());

async function gql(query: string, variables?: Record<string, unknown>, on: TestApp = app) {
  const res = await on.gql(query, variables);
  expect(res.body.errors).toBeUndefined();
  return res.body.data;
}

async function mutate(query: string, input: Record<string, unknown>): Promise<CongressRef> {
  const data = await gql(query, { input });
  const payload = Object.values(data)[0] as { congress: CongressRef; userErrors: unknown[] };
  expect(payload.userErrors).toEqual([]);
  return payload.congress;
}

const advance = (c: CongressRef, stage: string, effectiveOn: string) => mutate(ADVANCE, { id: c.id, version: c.version, stage, effectiveOn });
const postpone = (c: CongressRef, plannedStart: string, effectiveOn: string) =>
  mutate(POSTPONE, { id: c.id, version: c.version, reason: 'Chờ kiện toàn cấp ủy', plannedStart, plannedEnd: plannedStart, effectiveOn });
const reschedule = (c: CongressRef, plannedStart: string, effectiveOn: string) =>
  mutate(RESCHEDULE, { id: c.id, version: c.version, plannedStart, plannedEnd: plannedStart, effectiveOn });

/**
 * The risks under `root` on `date`, read three ways that must agree: each congress's `risks` (from the list), the
 * list's `totalCount` filtered by each kind, and the root's `progress { atRisk }`. Returns code → kinds (only the
 * congresses with some).
 */
async function risksUnder(root: string, date: string, on: TestApp = app): Promise<Record<string, Kind[]>> {
  const totals = KINDS.map((k) => `${k}: congresses(first: 1, under: $root, asOf: $date, risk: ${k}) { totalCount }`).join('\n');
  const data = await gql(
    `query($root: ID!, $date: Date) {
       all: congresses(first: 100, under: $root, asOf: $date) { totalCount nodes { organization { code } risks } }
       progress(under: $root, asOf: $date) { atRisk { kind count } }
       ${totals}
     }`,
    { root, date },
    on,
  );
  const byCode: Record<string, Kind[]> = {};
  const tally = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>;
  for (const n of data.all.nodes as { organization: { code: string }; risks: Kind[] }[]) {
    for (const k of n.risks) tally[k]++;
    if (n.risks.length) byCode[n.organization.code] = n.risks;
  }
  expect(data.progress.atRisk).toEqual(KINDS.map((kind) => ({ kind, count: tally[kind] })));
  expect(Object.fromEntries(KINDS.map((k) => [k, data[k].totalCount]))).toEqual(tally);
  return byCode;
}

/** P-TW → P-BLOC → P-M (above base) → P-B (base committee) → P-C1 … P-Cn (cells); returns code → uuid and the root's id. */
async function cellTree(p: string, cells = 2, base: Partial<TreeSpec> = {}) {
  const ids = await app.tree(
    blocTree(p, [
      {
        code: `${p}-M`,
        name: `Đảng ủy Bộ ${p}`,
        level: 'ABOVE_BASE',
        children: [
          {
            code: `${p}-B`,
            name: `Đảng bộ Cơ quan ${p}`,
            level: 'BASE_COMMITTEE',
            ...base,
            children: Array.from({ length: cells }, (_, i) => ({ code: `${p}-C${i + 1}`, name: `Chi bộ ${i + 1} ${p}`, level: 'CELL' as const, members: 12 })),
          },
        ],
      },
    ]),
  );
  return { id: (code: string) => ids.get(`${p}-${code}`)!, root: globalId('Organization', ids.get(`${p}-TW`)!) };
}

describe('each kind, positive and near miss, on the date read', () => {
  it('PLANNED_AFTER_DEADLINE: planned after the level’s deadline (31 Mar for cells), not on it; gone once held; a replan dates it', async () => {
    const { id, root } = await cellTree('RA', 4);
    const on = { effectiveOn: '2025-02-20' }; // scheduled shortly before: nothing is STUCK yet
    await schedule(app, id('C1'), '2025-04-02', '2025-04-02', on);
    await schedule(app, id('C2'), '2025-03-31', '2025-03-31', on); // on the deadline: in time
    const c3 = await schedule(app, id('C3'), '2025-03-25', '2025-03-25', on);
    const c4 = await schedule(app, id('C4'), '2025-04-03', '2025-04-03', on);
    expect((await recordHeld(app, c4, '2025-04-03')).userErrors).toEqual([]);
    await reschedule(c3, '2025-04-10', '2025-03-05');

    expect(await risksUnder(root, '2025-03-01')).toEqual({ 'RA-C1': ['PLANNED_AFTER_DEADLINE'], 'RA-C4': ['PLANNED_AFTER_DEADLINE'] });
    // The replan of 5 March: C3 is at risk from that day, not before; C4 is held on 3 April and at risk no more.
    expect(await risksUnder(root, '2025-03-05')).toEqual({ 'RA-C1': ['PLANNED_AFTER_DEADLINE'], 'RA-C3': ['PLANNED_AFTER_DEADLINE'], 'RA-C4': ['PLANNED_AFTER_DEADLINE'] });
    expect(await risksUnder(root, '2025-03-10')).toMatchObject({ 'RA-C3': ['PLANNED_AFTER_DEADLINE'] });
    expect((await risksUnder(root, '2025-04-03'))['RA-C4']).toBeUndefined();
    // Before it was scheduled a congress is not there: nothing listed, nothing counted.
    expect(await risksUnder(root, '2025-02-19')).toEqual({});
  });

  it('NOT_SCHEDULED_NEAR_DEADLINE: a merged cell’s congress with no date, within 30 days of its deadline; overdue (not this) once past', async () => {
    await app.tree(smallTree('RN'));
    const merge = await proposeOk(app, {
      kind: 'MERGE',
      title: 'Hợp nhất chi bộ RN',
      sources: [await idOf(app, 'RN-MA-B1-C1'), await idOf(app, 'RN-MA-B1-C2')],
      newTargets: [{ code: 'RN-NEW', name: 'Chi bộ hợp nhất RN', level: 'CELL', parent: await idOf(app, 'RN-MA-B1') }],
    });
    await applyOk(app, await approveOk(app, merge, '2025-02-25', '2025-02-20'));
    const root = await idOf(app, 'RN-TW');
    // Deadline 31 March: 34 days away on 25 February (outside the 30-day window), 30 on 1 March (inside), 0 on the 31st.
    expect(await risksUnder(root, '2025-02-25')).toEqual({});
    expect(await risksUnder(root, '2025-02-28')).toEqual({});
    expect(await risksUnder(root, '2025-03-01')).toEqual({ 'RN-NEW': ['NOT_SCHEDULED_NEAR_DEADLINE'] });
    expect(await risksUnder(root, '2025-03-26')).toEqual({ 'RN-NEW': ['NOT_SCHEDULED_NEAR_DEADLINE'] });
    // 1 April: past the deadline — overdue, and 35 days without a step (STUCK), no longer "near" it.
    expect(await risksUnder(root, '2025-04-01')).toEqual({ 'RN-NEW': ['STUCK'] });
    const { organization } = await gql(`{ organization(code: "RN-NEW") { congress { overdue(asOf: "2025-04-01") } } }`);
    expect(organization.congress.overdue).toBe(true);
  });

  it('STUCK: more than 30 days (cells) in one stage, counted from the last stage change; NOT_STARTED from the day it was scheduled', async () => {
    const { id, root } = await cellTree('RS', 2);
    const c1 = await schedule(app, id('C1'), '2025-03-20', '2025-03-20', { effectiveOn: '2025-01-01' });
    const issued = await advance(c1, 'PLAN_ISSUED', '2025-01-10');
    await schedule(app, id('C2'), '2025-03-21', '2025-03-21', { effectiveOn: '2025-01-05' });
    expect(await risksUnder(root, '2025-02-04')).toEqual({}); // C2: 30 days NOT_STARTED
    expect(await risksUnder(root, '2025-02-05')).toEqual({ 'RS-C2': ['STUCK'] });
    expect(await risksUnder(root, '2025-02-09')).toEqual({ 'RS-C2': ['STUCK'] }); // C1: 30 days PLAN_ISSUED
    expect(await risksUnder(root, '2025-02-10')).toEqual({ 'RS-C1': ['STUCK'], 'RS-C2': ['STUCK'] });
    await advance(issued, 'DOCUMENTS_DRAFTED', '2025-02-15');
    expect(await risksUnder(root, '2025-02-10')).toEqual({ 'RS-C1': ['STUCK'], 'RS-C2': ['STUCK'] }); // the past unchanged
    expect(await risksUnder(root, '2025-02-20')).toEqual({ 'RS-C2': ['STUCK'] });
  });

  it('POSTPONED_PAST_DEADLINE: postponed to after the deadline, or still postponed once it passed; not when the new date is in time', async () => {
    const { id, root } = await cellTree('RP', 2);
    const on = { effectiveOn: '2025-03-01' };
    const c1 = await schedule(app, id('C1'), '2025-03-20', '2025-03-20', on);
    const c2 = await schedule(app, id('C2'), '2025-03-18', '2025-03-18', on);
    await postpone(c1, '2025-04-05', '2025-03-15');
    await postpone(c2, '2025-03-28', '2025-03-10');
    expect(await risksUnder(root, '2025-03-14')).toEqual({}); // C2 postponed in time; C1 not yet postponed
    expect(await risksUnder(root, '2025-03-15')).toEqual({ 'RP-C1': ['PLANNED_AFTER_DEADLINE', 'POSTPONED_PAST_DEADLINE'] });
    // 1 April: C2 is still POSTPONED, its deadline passed.
    expect(await risksUnder(root, '2025-04-01')).toEqual({ 'RP-C1': ['PLANNED_AFTER_DEADLINE', 'POSTPONED_PAST_DEADLINE'], 'RP-C2': ['POSTPONED_PAST_DEADLINE'] });
  });

  it('SUBORDINATES_BEHIND: a planned congress with a direct subordinate unscheduled or ending on/after its start; the tree as it stood', async () => {
    const { id, root } = await cellTree('RB', 2);
    const on = { effectiveOn: '2025-03-01' };
    await schedule(app, id('B'), '2025-05-10', '2025-05-11', on);
    const c1 = await schedule(app, id('C1'), '2025-03-20', '2025-03-20', on);
    expect(await risksUnder(root, '2025-03-02')).toEqual({ 'RB-B': ['SUBORDINATES_BEHIND'] }); // C2 has no congress
    const c2 = await schedule(app, id('C2'), '2025-05-10', '2025-05-10', { effectiveOn: '2025-03-05' });
    expect(await risksUnder(root, '2025-03-06')).toEqual({ 'RB-B': ['SUBORDINATES_BEHIND'], 'RB-C2': ['PLANNED_AFTER_DEADLINE'] }); // ends on B's start
    await reschedule(c2, '2025-03-25', '2025-03-08');
    expect(await risksUnder(root, '2025-03-08')).toEqual({}); // ends before it: in order
    expect(await risksUnder(root, '2025-03-06')).toEqual({ 'RB-B': ['SUBORDINATES_BEHIND'], 'RB-C2': ['PLANNED_AFTER_DEADLINE'] });
    // A subordinate held does not hold it back even if it had been planned late.
    expect((await recordHeld(app, c1, '2025-03-20')).userErrors).toEqual([]);
    // A cell moved in on 12 March with no congress: behind from that day, not before.
    const other = await cellTree('RB2', 1);
    const { organizationMove } = await gql(
      `mutation($input: OrganizationMoveInput!) { organizationMove(input: $input) { userErrors { code } } }`,
      { input: { id: globalId('Organization', other.id('C1')), newParent: globalId('Organization', id('B')), effectiveOn: '2025-03-12' } },
    );
    expect(organizationMove.userErrors).toEqual([]);
    expect(await risksUnder(root, '2025-03-11')).toEqual({});
    expect(await risksUnder(root, '2025-03-12')).toEqual({ 'RB-B': ['SUBORDINATES_BEHIND'] });
  });
});

describe('readings agree and are batched', () => {
  it('CHILDREN scope counts the direct children only; a Congress read on a date answers its risks then; statements do not grow with the list', async () => {
    const { id, root } = await cellTree('RC', 3);
    for (const c of ['C1', 'C2', 'C3']) await schedule(app, id(c), '2025-04-02', '2025-04-02', { effectiveOn: '2025-03-01' });
    const data = await gql(
      `query($b: String!) { organization(code: $b) { progress(scope: CHILDREN, asOf: "2025-03-02") { atRisk { kind count } } } }`,
      { b: 'RC-M' },
    );
    expect(data.organization.progress.atRisk.find((r: { kind: string }) => r.kind === 'PLANNED_AFTER_DEADLINE').count).toBe(0); // cells are grandchildren of M
    const base = await gql(`{ organization(code: "RC-B") { progress(scope: CHILDREN, asOf: "2025-03-02") { atRisk { kind count } } } }`);
    expect(base.organization.progress.atRisk.find((r: { kind: string }) => r.kind === 'PLANNED_AFTER_DEADLINE').count).toBe(3);
    // A Congress reached through an organisation read on a date answers its risks on that date.
    const cellOn = async (date: string) =>
      (await gql(`query($d: Date) { organizations(first: 1, search: "Chi bộ 1 RC", asOf: $d) { nodes { code congress { risks } } } }`, { d: date })).organizations.nodes[0];
    expect(await cellOn('2025-03-02')).toEqual({ code: 'RC-C1', congress: { risks: ['PLANNED_AFTER_DEADLINE'] } });
    expect(await cellOn('2025-02-28')).toEqual({ code: 'RC-C1', congress: null }); // not scheduled yet then

    const query = `query($root: ID!) { congresses(first: 100, under: $root, asOf: "2025-03-02") { nodes { risks } } progress(under: $root, asOf: "2025-03-02") { atRisk { count } } }`;
    // The current term and its calendar are read once per data version (src/cache): a request after a write reads
    // them, the next ones do not. Each measured request follows a warm-up under another name (not a cached answer).
    const warm = (r: string) => app.gql(query.replace('query(', 'query Warm('), { root: r });
    await warm(root);
    const small = await app.gql(query, { root });
    const big = await cellTree('RC2', 12);
    for (let i = 1; i <= 12; i++) await schedule(app, big.id(`C${i}`), '2025-04-02', '2025-04-02', { effectiveOn: '2025-03-01' });
    await warm(big.root);
    const large = await app.gql(query, { root: big.root });
    expect(large.body.data.congresses.nodes).toHaveLength(12);
    expect(large.statements).toBe(small.statements);
  });
});

describe('thresholds: data per term and level, dated', () => {
  let own: TestApp;
  beforeAll(async () => {
    own = await startTestApp({ today: TODAY }); // thresholds are global: this block changes them on its own database
  });
  afterAll(() => own.close());

  const SET = `mutation($input: RiskThresholdSetInput!) { riskThresholdSet(input: $input) {
    threshold { term definedFor level notScheduledWindowDays stuckDays version effectiveOn replacedOn } userErrors { field code } } }`;
  const set = async (input: Record<string, unknown>) => (await gql(SET, { input }, own)).riskThresholdSet;

  it('are seeded for every level; changing one level changes that level’s answers from the day it takes effect', async () => {
    const { riskThresholds } = await gql(`{ riskThresholds { level notScheduledWindowDays stuckDays definedFor effectiveOn } }`, undefined, own);
    expect(riskThresholds.map((t: { level: string }) => t.level)).toEqual(['CENTRAL_COMMITTEE', 'DIRECTLY_UNDER_CENTRAL', 'ABOVE_BASE', 'BASE_COMMITTEE', 'BASE_CELL', 'SUB_COMMITTEE', 'CELL']);
    expect(riskThresholds.find((t: { level: string }) => t.level === 'CELL')).toEqual({ level: 'CELL', notScheduledWindowDays: 30, stuckDays: 30, definedFor: '2025-2030', effectiveOn: null });

    // A cell and a base committee, each 40 days in PLAN_ISSUED on 20 February: the cell (30) is stuck, the base (45) not.
    const ids = await own.tree(blocTree('RT', [{ code: 'RT-B', name: 'Đảng bộ RT', level: 'BASE_COMMITTEE', children: [{ code: 'RT-C', name: 'Chi bộ RT', level: 'CELL', members: 12 }] }]));
    const root = globalId('Organization', ids.get('RT-TW')!);
    const cell = await schedule(own, ids.get('RT-C')!, '2025-03-20', '2025-03-20', { effectiveOn: '2025-01-01' });
    const base = await schedule(own, ids.get('RT-B')!, '2025-05-20', '2025-05-21', { effectiveOn: '2025-01-01' });
    for (const c of [cell, base]) {
      const { congressAdvance } = await gql(ADVANCE, { input: { id: c.id, version: c.version, stage: 'PLAN_ISSUED', effectiveOn: '2025-01-11' } }, own);
      expect(congressAdvance.userErrors).toEqual([]);
    }
    expect(await risksUnder(root, '2025-02-20', own)).toEqual({ 'RT-C': ['STUCK'] });

    // From 15 February: cells 50 days, base committees 35.
    expect(await set({ term: '2025-2030', level: 'CELL', notScheduledWindowDays: 30, stuckDays: 50, effectiveOn: '2025-02-15', version: 1 })).toEqual({
      threshold: { term: '2025-2030', definedFor: '2025-2030', level: 'CELL', notScheduledWindowDays: 30, stuckDays: 50, version: 2, effectiveOn: '2025-02-15', replacedOn: null },
      userErrors: [],
    });
    expect((await set({ term: '2025-2030', level: 'BASE_COMMITTEE', notScheduledWindowDays: 45, stuckDays: 35, effectiveOn: '2025-02-15' })).userErrors).toEqual([]);
    expect(await risksUnder(root, '2025-02-20', own)).toEqual({ 'RT-B': ['STUCK'] });
    // Before 15 February the old thresholds hold: on 14 February (34 days) the cell was stuck, the base not.
    expect(await risksUnder(root, '2025-02-14', own)).toEqual({ 'RT-C': ['STUCK'] });
    const { riskThresholds: then } = await gql(`{ riskThresholds(asOf: "2025-02-14") { level stuckDays replacedOn } }`, undefined, own);
    expect(then.find((t: { level: string }) => t.level === 'CELL')).toEqual({ level: 'CELL', stuckDays: 30, replacedOn: '2025-02-15' });
  });

  it('a term without its own entries follows the latest earlier term; refusals are coded and write nothing', async () => {
    const { riskThresholds } = await gql(`{ riskThresholds(term: "2020-2025") { term definedFor level } }`, undefined, own);
    expect(riskThresholds).toHaveLength(7);
    expect((await gql(`{ riskThresholds(term: "1990-1995") { level } }`, undefined, own)).riskThresholds).toEqual([]);
    const ok = { term: '2025-2030', level: 'CELL', notScheduledWindowDays: 30, stuckDays: 40 };
    const stored = () => own.readBack(`select t::text from risk_threshold t union all select h::text from risk_threshold_history h order by 1`);
    const before = await stored();
    await expectRefused(own, SET, { ...ok, term: '1990-1995' }, 'NOT_FOUND', ['input', 'term']); // every business table unchanged
    await expectRefused(own, SET, { ...ok, effectiveOn: '2025-02-01' }, 'OUT_OF_ORDER', ['input', 'effectiveOn']); // the last change: 15 Feb
    const refusals: [Record<string, unknown>, string, string][] = [
      [{ stuckDays: 0 }, 'OUT_OF_RANGE', 'stuckDays'],
      [{ notScheduledWindowDays: 400 }, 'OUT_OF_RANGE', 'notScheduledWindowDays'],
      [{ version: 1 }, 'STALE_VERSION', 'version'],
      [{ effectiveOn: '2027-01-01' }, 'FUTURE_DATE', 'effectiveOn'],
    ];
    for (const [change, code, field] of refusals) expect(await set({ ...ok, ...change })).toEqual({ threshold: null, userErrors: [{ code, field: ['input', field] }] });
    expect(await stored()).toEqual(before);
  });

  it('only an ADMIN sets them; any authenticated viewer reads them', async () => {
    const scope = (await own.tree(smallTree('RV'))).get('RV-MA')!;
    const viewer = await own.principal('VIEWER', scope);
    const editor = await own.principal('EDITOR', scope);
    const input = { term: '2025-2030', level: 'CELL', notScheduledWindowDays: 30, stuckDays: 40 };
    for (const as of [viewer, editor]) {
      const { body } = await own.gql(SET, { input }, { as });
      expect(body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    expect((await own.gql(`{ riskThresholds { level } }`, undefined, { as: viewer })).body.data.riskThresholds).toHaveLength(7);
    expect((await own.gql(`{ riskThresholds { level } }`, undefined, { as: null })).body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
