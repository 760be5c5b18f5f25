import { seedDemo } from '../seeds/DemoSeeder';
import { DEFAULT_LIMITS } from '../src/config';
import { planBurnup, pointsOf, trimTail } from '../src/web/dashboard/panels/burnup.model';
import { BURNUP_SETUP_QUERY, BURNUP_TIMELINE_QUERY, type BurnupSetup, type BurnupTimeline } from '../src/web/dashboard/panels/burnup.queries';
import { CALENDAR_QUERY, defaultWindow, exportUrl, type CalendarCongress, type CalendarPage } from '../src/web/dashboard/panels/calendar.queries';
import { addDays, collator, fmtDate, fmtInt, fmtMonth, fmtPercent, isIsoDate, parseDate } from '../src/web/dashboard/format';
import {
  mayDecide,
  READINESS_ACKNOWLEDGE_MUTATION,
  READINESS_QUERY,
  READINESS_RETURN_MUTATION,
  type ReadinessData,
  type ReadinessDecision,
} from '../src/web/dashboard/panels/readiness.queries';
import {
  pendingOn,
  RESTRUCTURINGS_QUERY,
  sourcesFor,
  statusOn,
  type PendingRestructuring,
  type RestructuringsPage,
} from '../src/web/dashboard/panels/restructurings.queries';
import { startTestApp, type TestApp } from './support/harness';

/**
 * The dashboard's panels (src/web/dashboard/panels, issue "Step 9"): each panel's GraphQL — the exact strings the
 * panels send — run against the API on the demo data, as the dashboard's viewers would send them, and compared with
 * what the API answers to other questions (the calendar's window against the whole calendar, the pending
 * restructurings against `pendingRestructuring`, the burn-up's last point against the roll-up). Readiness decisions:
 * an EDITOR of the parent acknowledges and returns; a VIEWER is refused (FORBIDDEN), and so is the child's own EDITOR.
 */

const TODAY = '2026-11-29';
jest.setTimeout(120_000);

let app: TestApp;
const ids = new Map<string, string>();
const tokens: Record<string, string> = {};

beforeAll(async () => {
  app = await startTestApp({ today: TODAY });
  await seedDemo(app.orm, TODAY);
  for (const code of ['TW', 'KCQTW', 'DCP', 'DBTC', 'BCT', 'BGDDT', 'BNG', 'BTC-HVTC-CB01', 'BTC', 'BTC-TCT']) {
    const { body } = await app.gql(`query($code: String!) { organization(code: $code) { id } }`, { code });
    ids.set(code, body.data.organization.id);
  }
  const uuid = async (code: string) => (await app.readBack<{ id: string }>('select id from organization where code = $1', [code]))[0].id;
  tokens.viewerDbtc = await app.principal('VIEWER', await uuid('DBTC'), { name: 'demo VIEWER' });
  tokens.viewerDcp = await app.principal('VIEWER', await uuid('DCP'));
  tokens.editorDcp = await app.principal('EDITOR', await uuid('DCP'), { name: 'Văn phòng Đảng ủy Chính phủ' });
  tokens.editorBgddt = await app.principal('EDITOR', await uuid('BGDDT'));
  tokens.editorBng = await app.principal('EDITOR', await uuid('BNG'));
  tokens.public = await app.principal('PUBLIC');
});
afterAll(() => app.close());

const id = (code: string) => ids.get(code)!;

/** One request as the dashboard sends it: no errors, within the per-query cost limit. */
async function run<T>(query: string, variables: Record<string, unknown>, as?: string): Promise<T> {
  const res = await app.gql<T>(query, variables, as === undefined ? {} : { as });
  expect(res.body.errors).toBeUndefined();
  expect(res.status).toBe(200);
  expect(res.cost?.requested).toBeLessThanOrEqual(DEFAULT_LIMITS.maxCostPerQuery);
  return res.body.data as T;
}

/** A request that must fail with a top-level error of `code`. */
async function failing(query: string, variables: Record<string, unknown>, as: string, code: string): Promise<void> {
  const res = await app.gql(query, variables, { as });
  expect(res.body.errors?.map((e) => e.extensions?.code)).toEqual([code]);
}

describe('burn-up', () => {
  async function burnup(code: string, asOf: string | null, as?: string) {
    const setup = await run<BurnupSetup>(BURNUP_SETUP_QUERY, { id: id(code), asOf }, as);
    const plan = planBurnup(setup, asOf ?? TODAY);
    expect(plan).not.toBeNull();
    const data = await run<BurnupTimeline>(BURNUP_TIMELINE_QUERY, { id: id(code), asOf, from: plan!.from, to: plan!.to, interval: plan!.interval }, as);
    return { setup, plan: plan!, timeline: data.progress.timeline };
  }

  it('charts the whole tree from its first congress, with the deadlines of the levels in it, its last point the roll-up', async () => {
    const { setup, plan, timeline } = await burnup('TW', null);
    expect(plan.from).toBe('2024-11-01'); // the first cells planned in November 2024
    expect(plan.to).toBe(TODAY);
    expect(plan.interval).toBe('MONTH');
    // The term calendar's deadlines (README), for the levels below the root (the root itself is not in its roll-up).
    expect(plan.deadlines).toEqual([
      { date: '2025-03-31', levels: expect.arrayContaining(['CELL', 'SUB_COMMITTEE']) },
      { date: '2025-06-30', levels: expect.arrayContaining(['BASE_COMMITTEE', 'BASE_CELL']) },
      { date: '2025-08-31', levels: ['ABOVE_BASE'] },
      { date: '2025-10-31', levels: ['DIRECTLY_UNDER_CENTRAL'] },
    ]);
    for (const d of plan.deadlines) for (const l of d.levels) expect(setup.termCalendar).toContainEqual({ level: l, deadline: d.date });
    // The README's burn-up (November 2024 to April 2025), then cumulative, ending on the roll-up of today.
    expect(timeline.slice(0, 6).map((p) => p.held)).toEqual([9, 18, 42, 46, 54, 67]);
    expect(timeline.map((p) => p.held)).toEqual([...timeline.map((p) => p.held)].sort((a, b) => a - b));
    expect(timeline.at(-1)!.held).toBe(setup.progress.held);
    expect(setup.progress.held).toBe(setup.progress.congressesExpected);
    // Past the last deadline the flat tail is cut: the chart ends one period after the last congress held.
    const points = trimTail(pointsOf(timeline, plan.to), '2025-10-31');
    expect(points.length).toBeLessThan(timeline.length);
    expect(points.at(-1)!.held).toBe(setup.progress.held);
    expect(points.at(-2)!.held).toBe(setup.progress.held);
    expect(points.at(-3)!.held).toBeLessThan(setup.progress.held);
  });

  it('honours asOf: on 15 April 2025 the tree had held 59 of 104, and the chart stops that day', async () => {
    const { setup, plan, timeline } = await burnup('TW', '2025-04-15');
    expect(setup.progress).toMatchObject({ congressesExpected: 104, held: 59 });
    expect(plan.to).toBe('2025-04-15');
    expect(timeline.at(-1)).toEqual({ periodStart: '2025-04-01', held: 59 });
    const points = pointsOf(timeline, plan.to);
    expect(points.at(-1)).toEqual({ date: '2025-04-15', held: 59 });
    expect(points[0]).toEqual({ date: '2024-11-30', held: 9 });
    expect(trimTail(points, plan.deadlines.at(-1)!.date)).toEqual(points); // nothing cut before the last deadline
  });

  it('reads a Bloc that has since ended, on a date it stood, and a ministry as its VIEWER sees it', async () => {
    const bloc = await burnup('KCQTW', '2024-12-04');
    expect(bloc.setup.progress.congressesExpected).toBeGreaterThan(0);
    expect(bloc.timeline.at(-1)!.held).toBe(bloc.setup.progress.held);
    const ministry = await burnup('DBTC', null, tokens.viewerDbtc);
    expect(ministry.timeline.at(-1)!.held).toBe(ministry.setup.progress.held);
    expect(ministry.plan.deadlines.map((d) => d.date)).not.toContain('2025-10-31'); // no DIRECTLY_UNDER_CENTRAL below it
  });

  it('plans weekly points for a short window and nothing when no congress is expected', () => {
    const setup = (first: string | null, expected = 3): BurnupSetup => ({
      termCalendar: [{ level: 'CELL', deadline: '2025-03-31' }, { level: 'ABOVE_BASE', deadline: '2025-08-31' }],
      progress: { congressesExpected: expected, held: 1, heldRatio: 1 / 3, byLevel: [{ level: 'CELL', congressesExpected: expected }, { level: 'ABOVE_BASE', congressesExpected: 0 }] },
      congresses: { nodes: first ? [{ plannedStart: first }] : [] },
    });
    expect(planBurnup(setup('2025-01-20'), '2025-02-10')).toMatchObject({ from: '2025-01-01', to: '2025-02-10', interval: 'WEEK', deadlines: [{ date: '2025-03-31', levels: ['CELL'] }] });
    expect(planBurnup(setup(null), '2025-02-10')).toMatchObject({ from: '2024-10-01', interval: 'WEEK' }); // 180 days before the deadline
    expect(planBurnup(setup('2024-06-03'), '2025-02-10')).toMatchObject({ from: '2024-06-01', interval: 'MONTH' });
    expect(planBurnup(setup('2025-01-20', 0), '2025-02-10')).toBeNull();
    expect(pointsOf([{ periodStart: '2025-01-27', held: 1 }, { periodStart: '2025-02-03', held: 2 }], '2025-02-05')).toEqual([
      { date: '2025-02-02', held: 1 },
      { date: '2025-02-05', held: 2 },
    ]);
  });
});

describe('congress calendar', () => {
  /** Every page of the panel's query (`first` small, so paging is exercised). */
  async function calendar(under: string, from: string, to: string, asOf: string | null, as?: string) {
    const rows: CalendarCongress[] = [];
    let after: string | null = null;
    let total = -1;
    for (let pages = 0; pages < 50; pages++) {
      const page: CalendarPage['congresses'] = (await run<CalendarPage>(CALENDAR_QUERY, { under, from, to, asOf, first: 10, after }, as)).congresses;
      total = page.totalCount;
      rows.push(...page.nodes);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    return { rows, total };
  }

  /** The whole calendar below `under` on the date, without a window: what the API says is planned in [from, to]. */
  async function inWindow(under: string, from: string, to: string, asOf: string): Promise<string[]> {
    const found: string[] = [];
    let after: string | null = null;
    for (;;) {
      const { body }: { body: { data?: any; errors?: unknown[] } } = await app.gql(
        `query($under: ID!, $asOf: Date, $after: String) { congresses(under: $under, asOf: $asOf, first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { id plannedStart } } }`,
        { under, asOf, after },
      );
      expect(body.errors).toBeUndefined();
      const c: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: { id: string; plannedStart: string | null }[] } = body.data.congresses;
      for (const n of c.nodes) if (n.plannedStart && n.plannedStart >= from && n.plannedStart <= to) found.push(n.id);
      if (!c.pageInfo.hasNextPage) return found;
      after = c.pageInfo.endCursor;
    }
  }

  it('lists, page by page, exactly the congresses the API says are planned in the window around asOf', async () => {
    const w = defaultWindow({ asOf: '2025-04-15', today: TODAY });
    expect(w).toEqual({ from: '2025-03-16', to: '2025-05-15', asOf: '2025-04-15' });
    const { rows, total } = await calendar(id('TW'), w.from, w.to, w.asOf);
    expect(rows.length).toBe(total);
    expect(total).toBeGreaterThan(10);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    expect(rows.map((r) => r.id).sort()).toEqual((await inWindow(id('TW'), w.from, w.to, '2025-04-15')).sort());
    const starts = rows.map((r) => r.plannedStart!);
    expect(starts).toEqual([...starts].sort());
    for (const r of rows) {
      expect(r.plannedStart! >= w.from && r.plannedStart! <= w.to).toBe(true);
      expect(r.organization.name).toEqual(expect.any(String));
      expect(Array.isArray(r.risks)).toBe(true);
    }
    // The README's calendar of that day starts with the Finance ministry's base committee, held on time.
    expect(rows.find((r) => r.organization.name === 'Đảng bộ Cơ quan Bộ Tài chính')).toMatchObject({ plannedStart: '2025-03-20', stage: 'RESULTS_CONFIRMED', overdue: false });
  });

  it('shows overdue congresses and risks as the API reads them on the date', async () => {
    // 5 July 2025: Đảng bộ Cơ quan Bộ Công Thương is overdue (README).
    const { rows } = await calendar(id('TW'), '2025-01-01', '2025-12-31', '2025-07-05');
    expect(rows.filter((r) => r.overdue).map((r) => r.organization.name)).toContain('Đảng bộ Cơ quan Bộ Công Thương');
  });

  it('answers the default window of today, and a ministry for its VIEWER', async () => {
    const w = defaultWindow({ asOf: null, today: TODAY });
    expect(w).toEqual({ from: TODAY, to: addDays(TODAY, 60), asOf: null });
    const all = await calendar(id('TW'), w.from, w.to, null);
    expect(all.rows.length).toBe(all.total);
    const ministry = await calendar(id('DBTC'), '2024-01-01', '2026-12-31', null, tokens.viewerDbtc);
    expect(ministry.total).toBeGreaterThan(0);
    expect(ministry.rows.length).toBe(ministry.total);
  });

  it('downloads, with the token, the export of the same window: one row per congress the panel lists', async () => {
    const w = defaultWindow({ asOf: '2025-04-15', today: TODAY });
    const { total } = await calendar(id('DBTC'), w.from, w.to, w.asOf, tokens.viewerDbtc);
    const res = await fetch(`${app.url}${exportUrl('csv', id('DBTC'), w)}`, { headers: { authorization: `Bearer ${tokens.viewerDbtc}` } });
    expect(res.status).toBe(200);
    const lines = (await res.text()).split(/\r?\n/).filter((l) => l.trim() !== '');
    expect(lines.length).toBe(total + 1); // a header, then the rows
    const xlsx = await fetch(`${app.url}${exportUrl('xlsx', id('DBTC'), w)}`, { headers: { authorization: `Bearer ${tokens.viewerDbtc}` } });
    expect(xlsx.status).toBe(200);
    expect(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString()).toBe('PK'); // a zip, as XLSX files are
  });

  it('points the download at the export of the same window', () => {
    expect(exportUrl('csv', 'T3Jn', { from: '2025-03-16', to: '2025-05-15', asOf: null })).toBe('/export/congresses.csv?under=T3Jn&from=2025-03-16&to=2025-05-15');
    expect(exportUrl('xlsx', 'T3Jn', { from: '2025-03-16', to: '2025-05-15', asOf: '2025-04-15' })).toBe(
      '/export/congresses.xlsx?under=T3Jn&from=2025-03-16&to=2025-05-15&asOf=2025-04-15',
    );
  });
});

describe('pending restructurings', () => {
  async function pending(under: string, asOf: string | null, as?: string): Promise<PendingRestructuring[]> {
    const date = asOf ?? TODAY;
    const found = new Map<string, PendingRestructuring>();
    for (const s of sourcesFor({ asOf, today: TODAY })) {
      let after: string | null = null;
      for (;;) {
        const page: RestructuringsPage['restructurings'] = (await run<RestructuringsPage>(RESTRUCTURINGS_QUERY, { under, status: s.status, from: s.from, first: 20, after }, as)).restructurings;
        for (const r of page.nodes) if (pendingOn(r, date)) found.set(r.id, r);
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
    }
    return [...found.values()];
  }

  async function pendingOf(code: string, asOf: string | null): Promise<string | null> {
    const { body } = await app.gql(`query($code: String!, $asOf: Date) { organization(code: $code, asOf: $asOf) { pendingRestructuring { id } } }`, { code, asOf });
    expect(body.errors).toBeUndefined();
    return body.data.organization.pendingRestructuring?.id ?? null;
  }

  it('lists today the proposed merger of two cells, as the organisations it touches say', async () => {
    const rows = await pending(id('TW'), null);
    expect(rows.map((r) => [r.kind, statusOn(r, TODAY), r.effectiveOn])).toEqual([['MERGE', 'PROPOSED', '2027-01-01']]);
    expect(rows[0].id).toBe(await pendingOf('BTC-HVTC-CB01', null));
    expect(rows[0].participants.filter((p) => p.role === 'SOURCE').map((p) => p.organization.code).sort()).toEqual(['BTC-HVTC-CB01', 'BTC-HVTC-CB02']);
    expect(rows[0].participants.find((p) => p.role === 'TARGET')).toMatchObject({ created: true, organization: { code: 'BTC-HVTC-CB10' } });
    // The ministry's VIEWER sees it too (the cells are in its subtree); nothing is pending under another ministry.
    expect((await pending(id('DBTC'), null, tokens.viewerDbtc)).map((r) => r.id)).toEqual([rows[0].id]);
    expect(await pending(id('BCT'), null)).toEqual([]);
  });

  it('lists on a past date what was pending then, with its status then, though it has taken effect since', async () => {
    // 28 February 2025: the Finance merger and the tax rename were decided that day, in effect from 1 March.
    const rows = await pending(id('TW'), '2025-02-28');
    expect(rows.map((r) => r.kind).sort()).toEqual(['MERGE', 'RENAME']);
    for (const r of rows) {
      expect(r.status).toBe('EFFECTIVE');
      expect(statusOn(r, '2025-02-28')).toBe('APPROVED');
      expect(r.effectiveOn).toBe('2025-03-01');
    }
    expect(rows.map((r) => r.id).sort()).toEqual([await pendingOf('BTC', '2025-02-28'), await pendingOf('BTC-TCT', '2025-02-28')].sort());
    // The day after, both are in effect; the cells' merger was not proposed yet.
    expect(await pending(id('TW'), '2025-03-01')).toEqual([]);
  });

  it('reads the lists it needs for a date', () => {
    expect(sourcesFor({ asOf: null, today: TODAY })).toEqual([
      { status: 'PROPOSED', from: null },
      { status: 'APPROVED', from: null },
      { status: 'EFFECTIVE', from: '2026-11-30' },
    ]);
    expect(sourcesFor({ asOf: '2025-02-28', today: TODAY }).map((s) => s.status)).toEqual(['PROPOSED', 'APPROVED', 'EFFECTIVE', 'CANCELLED']);
  });
});

describe('readiness reports', () => {
  const readiness = (code: string, asOf: string | null, as?: string, full = true, after: string | null = null) =>
    run<ReadinessData>(READINESS_QUERY, { id: id(code), asOf, first: 50, after, full }, as);

  it('shows the Bloc’s ministry committees at the end of January 2025 as the README does, without buttons', async () => {
    const { node } = await readiness('KCQTW', '2025-01-31');
    expect(node!.children.totalCount).toBe(12);
    const byCode = new Map(node!.children.nodes.map((c) => [c.code, c.readiness]));
    expect(byCode.get('BCT')).toMatchObject({ version: 1, status: 'SUBMITTED', submittedOn: '2025-01-27', decidedOn: null });
    expect(byCode.get('BKHDT')).toMatchObject({ version: 1, status: 'ACKNOWLEDGED', decidedOn: '2025-01-15' });
    expect(byCode.get('BTC')).toMatchObject({ version: 2, status: 'ACKNOWLEDGED', checklist: { subordinateCongressesExpected: 7, openComplaints: 2 } });
    expect(byCode.get('BNG')).toBeNull();
    // A past date: nobody decides on it from the dashboard, not even an ADMIN.
    expect(mayDecide({ asOf: '2025-01-31', today: TODAY, viewer: { role: 'ADMIN' } }, node!.viewerCanUpdate)).toBe(false);
  });

  it('lets an EDITOR of the parent acknowledge a child’s report, then the panel reads it acknowledged', async () => {
    const { node } = await readiness('DCP', null, tokens.editorDcp);
    expect(node!.viewerCanUpdate).toBe(true);
    expect(mayDecide({ asOf: null, today: TODAY, viewer: { role: 'EDITOR' } }, node!.viewerCanUpdate)).toBe(true);
    expect(mayDecide({ asOf: TODAY, today: TODAY, viewer: { role: 'EDITOR' } }, node!.viewerCanUpdate)).toBe(true);
    const bct = node!.children.nodes.find((c) => c.code === 'BCT')!.readiness!;
    expect(bct).toMatchObject({ status: 'SUBMITTED', version: 1 });

    // A version that is not the one read is refused, and nothing changes.
    const stale = await run<{ readinessReportAcknowledge: ReadinessDecision }>(READINESS_ACKNOWLEDGE_MUTATION, { report: bct.id, version: 99 }, tokens.editorDcp);
    expect(stale.readinessReportAcknowledge.userErrors.map((e) => e.code)).toEqual(['STALE_VERSION']);

    const done = await run<{ readinessReportAcknowledge: ReadinessDecision }>(READINESS_ACKNOWLEDGE_MUTATION, { report: bct.id, version: bct.version }, tokens.editorDcp);
    expect(done.readinessReportAcknowledge).toEqual({ report: { id: bct.id, status: 'ACKNOWLEDGED', version: 1, decidedOn: TODAY }, userErrors: [] });
    const after = await readiness('DCP', null, tokens.viewerDcp);
    expect(after.node!.children.nodes.find((c) => c.code === 'BCT')!.readiness).toMatchObject({ status: 'ACKNOWLEDGED', decidedOn: TODAY });
    // Final: a second decision is a user error the panel shows.
    const again = await run<{ readinessReportAcknowledge: ReadinessDecision }>(READINESS_ACKNOWLEDGE_MUTATION, { report: bct.id, version: 1 }, tokens.editorDcp);
    expect(again.readinessReportAcknowledge.userErrors.map((e) => e.code)).toEqual(['NOT_SUBMITTED']);
  });

  it('lets an EDITOR of the parent return a report with a reason (a blank one is refused), shown to the parent’s VIEWER', async () => {
    const submitted = await run<{ readinessReportSubmit: { report: { id: string; version: number } | null; userErrors: unknown[] } }>(
      `mutation($org: ID!) { readinessReportSubmit(input: { organization: $org, narrative: "Báo cáo chuẩn bị đại hội." }) { report { id version } userErrors { code message } } }`,
      { org: id('BGDDT') },
      tokens.editorBgddt,
    );
    expect(submitted.readinessReportSubmit.userErrors).toEqual([]);
    const report = submitted.readinessReportSubmit.report!;

    const blank = await run<{ readinessReportReturn: ReadinessDecision }>(READINESS_RETURN_MUTATION, { report: report.id, version: report.version, reason: '  ' }, tokens.editorDcp);
    expect(blank.readinessReportReturn.userErrors.map((e) => e.code)).toEqual(['REQUIRED']);
    expect(blank.readinessReportReturn.report).toBeNull();

    const reason = 'Đề nghị bổ sung phương án nhân sự.';
    const returned = await run<{ readinessReportReturn: ReadinessDecision }>(READINESS_RETURN_MUTATION, { report: report.id, version: report.version, reason }, tokens.editorDcp);
    expect(returned.readinessReportReturn.userErrors).toEqual([]);
    expect(returned.readinessReportReturn.report).toMatchObject({ status: 'RETURNED', decidedOn: TODAY });
    const { node } = await readiness('DCP', null, tokens.viewerDcp);
    expect(node!.viewerCanUpdate).toBe(false);
    expect(node!.children.nodes.find((c) => c.code === 'BGDDT')!.readiness).toMatchObject({ status: 'RETURNED', returnReason: reason, submittedOn: TODAY });
  });

  it('refuses a VIEWER (FORBIDDEN) and the child’s own EDITOR (userErrors), and shows them no buttons', async () => {
    const submitted = await run<{ readinessReportSubmit: { report: { id: string; version: number } | null; userErrors: unknown[] } }>(
      `mutation($org: ID!) { readinessReportSubmit(input: { organization: $org, narrative: "Sẵn sàng." }) { report { id version } userErrors { code } } }`,
      { org: id('BNG') },
      tokens.editorBng,
    );
    expect(submitted.readinessReportSubmit.userErrors).toEqual([]);
    const report = submitted.readinessReportSubmit.report!;

    const asViewer = await readiness('DCP', null, tokens.viewerDcp);
    expect(mayDecide({ asOf: null, today: TODAY, viewer: { role: 'VIEWER' } }, asViewer.node!.viewerCanUpdate)).toBe(false);
    await failing(READINESS_ACKNOWLEDGE_MUTATION, { report: report.id, version: report.version }, tokens.viewerDcp, 'FORBIDDEN');
    await failing(READINESS_RETURN_MUTATION, { report: report.id, version: report.version, reason: 'Không' }, tokens.viewerDcp, 'FORBIDDEN');

    // The child's EDITOR may not decide on its own report: its scope does not hold the parent (nor may it open the
    // parent's page: an ancestor shows only its name).
    await failing(READINESS_QUERY, { id: id('DCP'), asOf: null, first: 50, after: null, full: true }, tokens.editorBng, 'FORBIDDEN');
    const own = await run<{ readinessReportAcknowledge: ReadinessDecision }>(READINESS_ACKNOWLEDGE_MUTATION, { report: report.id, version: report.version }, tokens.editorBng);
    expect(own.readinessReportAcknowledge.userErrors.map((e) => e.code)).toEqual(['FORBIDDEN']);

    const still = await readiness('DCP', null);
    expect(still.node!.children.nodes.find((c) => c.code === 'BNG')!.readiness).toMatchObject({ status: 'SUBMITTED', version: report.version });
  });

  it('reads for PUBLIC without the fields closed to it', async () => {
    const { node } = await readiness('DCP', null, tokens.public, false);
    expect(node!.viewerCanUpdate).toBe(false);
    expect(node!.children.nodes.length).toBeGreaterThan(0);
    const bct = node!.children.nodes.find((c) => c.code === 'BCT')!.readiness!;
    expect(bct).not.toHaveProperty('returnReason');
    expect(bct.checklist).not.toHaveProperty('openComplaints');
    // With the closed fields asked, PUBLIC gets errors: the panel must not ask them.
    const res = await app.gql(READINESS_QUERY, { id: id('DCP'), asOf: null, first: 50, after: null, full: true }, { as: tokens.public });
    expect(res.body.errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN');
  });

  it('pages the children', async () => {
    const first = await run<ReadinessData>(READINESS_QUERY, { id: id('KCQTW'), asOf: '2025-01-31', first: 5, after: null, full: true });
    expect(first.node!.children.pageInfo.hasNextPage).toBe(true);
    const second = await run<ReadinessData>(READINESS_QUERY, { id: id('KCQTW'), asOf: '2025-01-31', first: 50, after: first.node!.children.pageInfo.endCursor, full: true });
    expect(first.node!.children.nodes.length + second.node!.children.nodes.length).toBe(12);
  });
});

describe('formatting', () => {
  it('shows dates as dd/mm/yyyy, reads them typed that way, and sorts Vietnamese names', () => {
    expect(fmtDate('2025-03-31')).toBe('31/03/2025');
    expect(fmtDate(null)).toBe('—');
    expect(fmtMonth('2025-03-01')).toBe('03/2025');
    // What people type in the date fields (the page never shows the browser's mm/dd/yyyy).
    expect(parseDate('04/12/2024')).toBe('2024-12-04');
    expect(parseDate(' 4/12/2024 ')).toBe('2024-12-04');
    expect(parseDate('04.12.2024')).toBe('2024-12-04');
    expect(parseDate('2024-12-04')).toBe('2024-12-04');
    for (const wrong of ['12/31/2024', '31/02/2025', '2024-13-01', '04/12/24', 'hôm nay', '']) expect([wrong, parseDate(wrong)]).toEqual([wrong, null]);
    expect(isIsoDate('2025-02-29')).toBe(false);
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(['Đảng ủy Bộ Y tế', 'Chi bộ Vụ A', 'Đảng bộ Báo Nhân Dân', 'Dân vận', 'Chi bộ 10', 'Chi bộ 2'].sort(collator.compare)).toEqual([
      'Chi bộ 2',
      'Chi bộ 10',
      'Chi bộ Vụ A',
      'Dân vận',
      'Đảng bộ Báo Nhân Dân',
      'Đảng ủy Bộ Y tế',
    ]);
  });

  it('writes numbers the Vietnamese way', () => {
    expect(fmtInt(1723)).toBe('1.723');
    expect(fmtPercent(0.659)).toBe('65,9%');
    expect(fmtPercent(Number.NaN)).toBe('0%');
  });
});
