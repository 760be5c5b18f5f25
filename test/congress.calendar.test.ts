import type { TreeSpec } from '../seeds/tree-builder';
import { globalId, snapshot, startTestApp, type TestApp } from './support/harness';
import { recordHeld, schedule } from './support/congress';
import { smallTree } from './support/trees';

let app: TestApp;
beforeAll(async () => {
  // The statement-count test below reads 100 children with 5 each (cost 2002: src/server/limits.cost.ts), past the cap.
  app = await startTestApp({ today: '2025-12-31', limits: { maxCostPerQuery: 10_000 } });
});
afterAll(() => app.close());

const CALENDAR = `query($under: ID, $from: Date, $to: Date, $first: Int!, $after: String, $asOf: Date, $overdue: Boolean, $stage: CongressStage, $orderBy: CongressOrderField) {
  congresses(under: $under, from: $from, to: $to, first: $first, after: $after, asOf: $asOf, overdue: $overdue, stage: $stage, orderBy: $orderBy) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { plannedStart stage overdue organization { code } }
  }
}`;

/** A bloc with `n` base committees directly under it, each with one cell. */
function bloc(p: string, n: number): TreeSpec {
  return {
    code: `${p}-TW`, name: `TW ${p}`, level: 'CENTRAL_COMMITTEE',
    children: [{
      code: `${p}-BLOC`, name: `Khối ${p}`, level: 'DIRECTLY_UNDER_CENTRAL',
      children: Array.from({ length: n }, (_, i) => ({
        code: `${p}-B${String(i).padStart(2, '0')}`, name: `Đảng bộ ${p} ${i}`, level: 'BASE_COMMITTEE' as const,
        children: [{ code: `${p}-B${String(i).padStart(2, '0')}-C`, name: `Chi bộ ${i}`, level: 'CELL' as const, members: 9 }],
      })),
    }],
  };
}

async function pageAll(vars: Record<string, unknown>, first: number) {
  const seen: { plannedStart: string; organization: { code: string } }[] = [];
  let after: string | null = null;
  let total = -1;
  for (let guard = 0; guard < 100; guard++) {
    const { body }: any = await app.gql(CALENDAR, { ...vars, first, after });
    expect(body.errors).toBeUndefined();
    total = body.data.congresses.totalCount;
    seen.push(...body.data.congresses.nodes);
    if (!body.data.congresses.pageInfo.hasNextPage) break;
    after = body.data.congresses.pageInfo.endCursor;
  }
  return { seen, total };
}

describe('the congress calendar', () => {
  it('returns exactly the congresses planned in a window, by date, paged without duplicates or gaps — ties included', async () => {
    const ids = await app.tree(bloc('W1', 12));
    const outside = await app.tree(smallTree('W1X'));
    // 7 congresses on one date (more than a page holds), others spread in and out of the window.
    const plan: [string, string][] = [
      ['W1-B00-C', '2024-12-20'], ['W1-B01-C', '2025-01-01'], ['W1-B02-C', '2025-02-14'],
      ...['W1-B03-C', 'W1-B04-C', 'W1-B05-C', 'W1-B06-C', 'W1-B07-C', 'W1-B08-C', 'W1-B09-C'].map((c) => [c, '2025-03-15'] as [string, string]),
      ['W1-B10-C', '2025-03-31'], ['W1-B11-C', '2025-04-01'], ['W1-B00', '2025-05-05'],
    ];
    for (const [code, d] of plan) await schedule(app, ids.get(code)!, d, d);
    await schedule(app, outside.get('W1X-MA-B1-C1')!, '2025-02-01'); // in the window, but not under the bloc
    const under = globalId('Organization', ids.get('W1-BLOC')!);

    const expected = plan.filter(([, d]) => d >= '2025-01-01' && d <= '2025-03-31').map(([, d]) => d);
    for (const first of [3, 100]) {
      const { seen, total } = await pageAll({ under, from: '2025-01-01', to: '2025-03-31' }, first);
      expect(total).toBe(expected.length);
      expect(seen.map((s) => s.plannedStart)).toEqual(expected);
      const codes = seen.map((s) => s.organization.code);
      expect(new Set(codes).size).toBe(codes.length);
      expect(codes).not.toContain('W1X-MA-B1-C1');
    }
  });

  it('marks a base committee not held by 30 June 2025 overdue on 1 July, not on 30 June', async () => {
    const ids = await app.tree(smallTree('O1'));
    const c = await schedule(app, ids.get('O1-MB-B1')!, '2025-06-25', '2025-06-26');
    const q = `query($code: String!, $d: Date) { organization(code: $code, asOf: $d) { congress { deadline overdue stage } } }`;
    const on = async (d: string) => (await app.gql(q, { code: 'O1-MB-B1', d })).body.data.organization.congress;
    expect(await on('2025-06-30')).toEqual({ deadline: '2025-06-30', overdue: false, stage: 'NOT_STARTED' });
    expect(await on('2025-07-01')).toEqual({ deadline: '2025-06-30', overdue: true, stage: 'NOT_STARTED' });

    const under = globalId('Organization', ids.get('O1-TW')!);
    const list = async (d: string) => (await app.gql(CALENDAR, { under, first: 50, asOf: d, overdue: true })).body.data.congresses.nodes.map((n: any) => n.organization.code);
    expect(await list('2025-06-30')).toEqual([]);
    expect(await list('2025-07-01')).toEqual(['O1-MB-B1']);

    // Held late (the cell first): no longer overdue from its closing day on; still overdue the day before.
    expect((await recordHeld(app, await schedule(app, ids.get('O1-MB-B1-C1')!, '2025-03-01'), '2025-03-01')).userErrors).toEqual([]);
    expect((await recordHeld(app, c, '2025-07-09', '2025-07-10')).userErrors).toEqual([]);
    expect(await on('2025-07-09')).toMatchObject({ overdue: true, stage: 'NOT_STARTED' });
    expect(await on('2025-07-10')).toMatchObject({ overdue: false, stage: 'HELD' });
    expect(await list('2025-07-10')).toEqual([]);
  });

  it('takes deadlines from the term calendar, editable by mutation, unless the superior set one', async () => {
    const ids = await app.tree(smallTree('T1'));
    await schedule(app, ids.get('T1-MA-B1-C1')!, '2025-03-20');
    await schedule(app, ids.get('T1-MA-B1-C2')!, '2025-03-20', '2025-03-20', { deadline: '2025-04-15' });
    const q = `{ a: organization(code: "T1-MA-B1-C1", asOf: "2025-04-10") { congress { deadline overdue } }
                 b: organization(code: "T1-MA-B1-C2", asOf: "2025-04-10") { congress { deadline overdue } } }`;
    expect((await app.gql(q)).body.data).toEqual({ a: { congress: { deadline: '2025-03-31', overdue: true } }, b: { congress: { deadline: '2025-04-15', overdue: false } } });

    const SET = `mutation($input: TermCalendarSetInput!) { termCalendarSet(input: $input) { entry { term level deadline maxDays version } userErrors { code field } } }`;
    const before = await snapshot(app);
    const bad = await app.gql(SET, { input: { term: '2025-2030', level: 'CELL', deadline: '2025-04-30', maxDays: 0 } });
    expect(bad.body.data.termCalendarSet.userErrors).toEqual([{ code: 'OUT_OF_RANGE', field: ['input', 'maxDays'] }]);
    const unknown = await app.gql(SET, { input: { term: '1990-1995', level: 'CELL', deadline: '2025-04-30', maxDays: 1 } });
    expect(unknown.body.data.termCalendarSet.userErrors[0].code).toBe('NOT_FOUND');
    expect(await snapshot(app)).toEqual(before);

    // Dated: in force from 1 April 2025, so 10 April reads it (setting it back the same day replaces it).
    try {
      const set = await app.gql(SET, { input: { term: '2025-2030', level: 'CELL', deadline: '2025-04-30', maxDays: 1, effectiveOn: '2025-04-01' } });
      expect(set.body.data.termCalendarSet).toEqual({ entry: { term: '2025-2030', level: 'CELL', deadline: '2025-04-30', maxDays: 1, version: 2 }, userErrors: [] });
      expect((await app.gql(q)).body.data.a).toEqual({ congress: { deadline: '2025-04-30', overdue: false } });
      const stale = await app.gql(SET, { input: { term: '2025-2030', level: 'CELL', deadline: '2025-03-31', maxDays: 1, version: 1, effectiveOn: '2025-04-01' } });
      expect(stale.body.data.termCalendarSet.userErrors[0].code).toBe('STALE_VERSION');
    } finally {
      await app.gql(SET, { input: { term: '2025-2030', level: 'CELL', deadline: '2025-03-31', maxDays: 1, effectiveOn: '2025-04-01' } });
    }
    const cal = await app.gql(`{ termCalendar { level deadline maxDays } }`);
    expect(cal.body.data.termCalendar).toContainEqual({ level: 'BASE_COMMITTEE', deadline: '2025-06-30', maxDays: 2 });
    expect(cal.body.data.termCalendar).toContainEqual({ level: 'CENTRAL_COMMITTEE', deadline: '2026-01-31', maxDays: 5 });
  });

  it('costs the same number of SQL statements for 10 and for 40 organisations with their congresses', async () => {
    const counts: number[] = [];
    for (const [p, n] of [['N10', 10], ['N40', 40]] as const) {
      const ids = await app.tree(bloc(p, n));
      for (let i = 0; i < n; i++) await schedule(app, ids.get(`${p}-B${String(i).padStart(2, '0')}-C`)!, '2025-03-10');
      const res = await app.gql(`query($code: String!) { organization(code: $code, asOf: "2025-04-01") {
        children(first: 100) { nodes { code congress { stage deadline overdue plannedStart history { toStage } organization { code } }
          children(first: 5) { nodes { congress { stage overdue scheduleConflicts { reason } } } } } } } }`, { code: `${p}-BLOC` });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.organization.children.nodes).toHaveLength(n);
      expect(res.body.data.organization.children.nodes[0].children.nodes[0].congress.overdue).toBe(true);
      counts.push(res.statements);
    }
    process.stdout.write(`statements per request (10 vs 40 organisations with congresses): ${counts.join(' vs ')}\n`);
    // One batch per loader and tree depth: a constant, not one per organisation. Two depths resolving in the same
    // tick may share a batch, so the figure can be one lower on a given run; it never grows with the list.
    expect(counts[0]).toBeLessThanOrEqual(9);
    expect(counts[1]).toBeLessThanOrEqual(9);
    expect(Math.abs(counts[1] - counts[0])).toBeLessThanOrEqual(1);
  });
});
