import { seedDemo } from '../seeds/DemoSeeder';
import { PENDING_MERGER } from '../seeds/demo-2025';
import { HISTORY_2025 } from '../seeds/history-2025';
import { startTestApp, type TestApp } from './support/harness';
import { ADVANCE, RECORD } from './support/congress';

const TODAY = '2026-11-27';
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ today: TODAY });
  await seedDemo(app.orm, TODAY);
});
afterAll(() => app.close());

describe('the demo seed', () => {
  it('holds the tree of 4 December 2024: the Bloc, its ministry committees, at least 60 organisations over 5 levels', async () => {
    const { body } = await app.gql(`{
      bloc: organization(code: "KCQTW", asOf: "2024-12-04") { name children(first: 50) { totalCount nodes { code level } } }
      btc: organization(code: "BTC", asOf: "2024-12-04") { name children(first: 50) { nodes { name } } }
      all: organizations(first: 1, asOf: "2024-12-04") { totalCount }
      ${['CENTRAL_COMMITTEE', 'DIRECTLY_UNDER_CENTRAL', 'ABOVE_BASE', 'BASE_COMMITTEE', 'BASE_CELL', 'SUB_COMMITTEE', 'CELL']
        .map((l) => `${l}: organizations(first: 1, level: ${l}) { totalCount }`).join('\n')}
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.bloc.name).toBe('Đảng bộ Khối các cơ quan Trung ương');
    expect(body.data.bloc.children.nodes.filter((n: { level: string }) => n.level === 'ABOVE_BASE').length).toBeGreaterThanOrEqual(8);
    expect(body.data.btc.children.nodes.map((n: { name: string }) => n.name)).toEqual(expect.arrayContaining(['Đảng ủy Tổng cục Thuế', 'Đảng bộ Kho bạc Nhà nước']));
    expect(body.data.all.totalCount).toBeGreaterThanOrEqual(60);
    const levelsPresent = ['CENTRAL_COMMITTEE', 'DIRECTLY_UNDER_CENTRAL', 'ABOVE_BASE', 'BASE_COMMITTEE', 'BASE_CELL', 'SUB_COMMITTEE', 'CELL'].filter((l) => body.data[l].totalCount > 0);
    expect(levelsPresent.length).toBeGreaterThanOrEqual(5);
  });

  it('tells a realistic congress history: on 4 Dec 2024 some cells held, base organisations preparing, ministries planning', async () => {
    const stages = async (level: string, asOf: string) => {
      const { body } = await app.gql(`query($asOf: Date) { congresses(first: 100, asOf: $asOf) { nodes { stage pilot organization { level } } } }`, { asOf });
      expect(body.errors).toBeUndefined();
      return body.data.congresses.nodes.filter((n: any) => n.organization.level === level).map((n: any) => n.stage) as string[];
    };
    const cells = await stages('CELL', '2024-12-04');
    expect(cells.filter((s) => s === 'HELD' || s === 'RESULTS_CONFIRMED').length).toBeGreaterThan(0);
    expect(cells.filter((s) => s !== 'HELD' && s !== 'RESULTS_CONFIRMED').length).toBeGreaterThan(0);
    const bases = await stages('BASE_COMMITTEE', '2024-12-04');
    expect(bases.some((s) => ['PLAN_ISSUED', 'DOCUMENTS_DRAFTED'].includes(s))).toBe(true);
    const ministries = await stages('ABOVE_BASE', '2024-12-04');
    expect(ministries.every((s) => ['NOT_STARTED', 'PLAN_ISSUED'].includes(s))).toBe(true);

    const pilot = await app.gql(`{ congresses(first: 5, pilot: true) { nodes { organization { code } plannedStart stage } } }`);
    expect(pilot.body.data.congresses.nodes).toEqual([{ organization: { code: 'BTC-CQ' }, plannedStart: '2025-03-20', stage: 'RESULTS_CONFIRMED' }]);
    const overdue = await app.gql(`{ congresses(first: 100, overdue: true, asOf: "2025-04-15") { totalCount } }`);
    expect(overdue.body.data.congresses.totalCount).toBeGreaterThan(0);
  });

  it('gives every established organisation a congress', async () => {
    const [{ orgs, congresses }] = await app.readBack<{ orgs: number; congresses: number }>(
      'select (select count(*)::int from organization where not pending_establishment) as orgs, (select count(*)::int from congress) as congresses',
    );
    expect(congresses).toBe(orgs);
  });

  it('tells what 2025 did: the Blocs ended, the Finance merger with its congress lần thứ I, the National Congress, a pending merger', async () => {
    const { body } = await app.gql(`{
      root: organization(code: "TW") { children(first: 10) { nodes { code } } congress { stage ordinal heldStart heldEnd delegatesConvened } }
      merged: organization(code: "DBTC") { predecessors { code } congress { mode ordinal stage heldStart heldEnd committeeFormation } }
      evn: organization(code: "EVN") { parent { code } }
      pending: organization(code: "BTC-HVTC-CB01") { pendingRestructuring { kind status effectiveOn } }
      done: restructurings(first: 10, status: EFFECTIVE) { totalCount }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.root.children.nodes.map((n: { code: string }) => n.code).sort()).toEqual(['DCP', 'DCQD', 'DQH']);
    expect(body.data.root.congress).toEqual({ stage: 'HELD', ordinal: 14, heldStart: '2026-01-19', heldEnd: '2026-01-23', delegatesConvened: 1586 });
    expect(body.data.merged.predecessors.map((n: { code: string }) => n.code).sort()).toEqual(['BKHDT', 'BTC']);
    expect(body.data.merged.congress).toMatchObject({ mode: 'TWO_CONTENT', ordinal: 1, heldStart: '2025-08-20', heldEnd: '2025-08-21', committeeFormation: 'APPOINTED' });
    expect(body.data.evn.parent.code).toBe('DBTC');
    expect(body.data.pending.pendingRestructuring).toEqual({ kind: 'MERGE', status: 'PROPOSED', effectiveOn: '2027-01-01' });
    expect(body.data.done.totalCount).toBe(4);
  });
});

/** Everything a reseed could draw differently: ids, the calendar's order of ties, cursors, dates. */
const EVERY_ID = `{
  congresses(first: 100) { totalCount edges { cursor node { id plannedStart organization { id code } } } }
  restructurings(first: 10) { edges { cursor node { id kind effectiveOn participants { organization { id } } } } }
  organizations(first: 100) { edges { cursor node { id code } } }
}`;

describe('reseeding', () => {
  it('reproduces the demo exactly: the same ids, the same order of ties in the calendar, the same cursors', async () => {
    const again = await startTestApp({ today: TODAY });
    try {
      await seedDemo(again.orm, TODAY);
      const [first, second] = [await app.gql(EVERY_ID), await again.gql(EVERY_ID)];
      expect(first.body.errors).toBeUndefined();
      expect(first.body.data.congresses.totalCount).toBeGreaterThan(100);
      expect(second.body).toEqual(first.body);
    } finally {
      await again.close();
    }
  });
});

const HELD = ['HELD', 'RESULTS_CONFIRMED'];
/** The step that follows each stage a congress can read as; HELD is recorded with congressRecordResult. */
const NEXT: Record<string, string | undefined> = {
  NOT_STARTED: 'PLAN_ISSUED',
  PLAN_ISSUED: 'DOCUMENTS_DRAFTED',
  DOCUMENTS_DRAFTED: 'PERSONNEL_PLANNED',
  PERSONNEL_PLANNED: 'APPROVED',
  POSTPONED: 'APPROVED',
  APPROVED: 'HELD',
  HELD: 'RESULTS_CONFIRMED',
};

interface Shown {
  id: string;
  version: number;
  stage: string;
  mode: string;
  organization: { code: string; children: { nodes: { code: string; congress: { stage: string } | null }[] } };
}

async function everyCongress(app: TestApp): Promise<Shown[]> {
  const out: Shown[] = [];
  let after: string | null = null;
  do {
    const { body }: { body: any } = await app.gql(
      `query($after: String) { congresses(first: 100, after: $after) { pageInfo { hasNextPage endCursor }
         nodes { id version stage mode organization { code children(first: 50) { nodes { code congress { stage } } } } } } }`,
      { after },
    );
    expect(body.errors).toBeUndefined();
    out.push(...body.data.congresses.nodes);
    after = body.data.congresses.pageInfo.hasNextPage ? body.data.congresses.pageInfo.endCursor : null;
  } while (after);
  return out;
}

describe.each(['2025-04-15', '2025-02-10'])('the demo seeded with TODAY=%s', (today) => {
  let dated: TestApp;
  beforeAll(async () => {
    dated = await startTestApp({ today, limits: { maxCostPerQuery: 100_000 } }); // one query reads every congress it shows
    await seedDemo(dated.orm, today);
  });
  afterAll(() => dated.close());

  it('holds only what happened up to today: no change effective later, decided-but-not-effective decisions pending', async () => {
    const [after] = await dated.readBack<Record<string, number>>(
      `select
         (select count(*)::int from congress_event where effective_on > $1) as "congressEvents",
         (select count(*)::int from congress where held_start > $1 or held_end > $1) as "congressesHeld",
         (select count(*)::int from organization_placement where valid_from > $1 or valid_to > $1) as placements,
         (select count(*)::int from organization_name where valid_from > $1 or valid_to > $1) as names,
         (select count(*)::int from organization where (established_on > $1 and not pending_establishment) or ended_on > $1) as organizations,
         (select count(*)::int from organization_lineage where effective_on > $1) as lineage,
         (select count(*)::int from restructuring where decision_date > $1 or (status = 'EFFECTIVE' and effective_on > $1)) as restructurings`,
      [today],
    );
    expect(after).toEqual({ congressEvents: 0, congressesHeld: 0, placements: 0, names: 0, organizations: 0, lineage: 0, restructurings: 0 });
    const [before] = await dated.readBack<{ events: number }>('select count(*)::int as events from congress_event where effective_on <= $1', [today]);
    expect(before.events).toBeGreaterThan(50);

    const { body } = await dated.gql(`{
      effective: restructurings(first: 10, status: EFFECTIVE) { nodes { title } }
      approved: restructurings(first: 10, status: APPROVED) { nodes { title } }
      proposed: restructurings(first: 10, status: PROPOSED) { totalCount }
    }`);
    expect(body.errors).toBeUndefined();
    const titles = (ds: typeof HISTORY_2025) => ds.map((d) => d.title).sort();
    expect(body.data.effective.nodes.map((n: { title: string }) => n.title).sort()).toEqual(titles(HISTORY_2025.filter((d) => d.effectiveOn <= today)));
    expect(body.data.approved.nodes.map((n: { title: string }) => n.title).sort()).toEqual(titles(HISTORY_2025.filter((d) => d.decisionDate <= today && d.effectiveOn > today)));
    expect(body.data.proposed.totalCount).toBe(today >= PENDING_MERGER.proposedOn ? 1 : 0); // the Academy's merger
  });

  it('accepts the next step on every congress it shows, with the stage it reads as, and still rolls up', async () => {
    const shown = await everyCongress(dated);
    const refused: string[] = [];
    let written = 0;
    for (const c of shown) {
      const next = NEXT[c.stage];
      if (!next) continue;
      const input = { id: c.id, version: c.version };
      const { body }: { body: any } =
        next === 'HELD'
          ? await dated.gql(RECORD, { input: { ...input, heldStart: today, heldEnd: today, committeeFormation: c.mode === 'TWO_CONTENT' ? 'APPOINTED' : 'ELECTED' } })
          : await dated.gql(ADVANCE, { input: { ...input, stage: next, effectiveOn: today } });
      expect(body.errors).toBeUndefined();
      const payload = body.data.congressRecordResult ?? body.data.congressAdvance;
      const codes: string[] = payload.userErrors.map((e: { code: string }) => e.code);
      // Lower levels first: recording a committee whose subordinates are still preparing is rightly refused.
      const waiting = c.organization.children.nodes.filter((n) => n.congress && !HELD.includes(n.congress.stage) && n.congress.stage !== 'SUPERSEDED');
      if (codes.length === 1 && codes[0] === 'SUBORDINATES_NOT_DONE' && waiting.length) continue;
      if (codes.length || payload.congress.stage !== next) refused.push(`${c.organization.code} ${c.stage} → ${next}: ${JSON.stringify(payload.userErrors)}`);
      else written++;
    }
    expect(refused).toEqual([]);
    expect(written).toBeGreaterThan(10);

    const after = await everyCongress(dated);
    const { body } = await dated.gql(
      `query($today: Date!) { organization(code: "TW") { progress { organizations held overdue byStage { stage count } byLevel { level held }
         timeline(from: "2024-01-01", to: $today, interval: MONTH) { periodStart held } } } }`,
      { today },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.organization.progress.held).toBe(after.filter((c) => c.organization.code !== 'TW' && HELD.includes(c.stage)).length);
  });
});
