import { DemoSeeder } from '../seeds/DemoSeeder';
import { startTestApp, type TestApp } from './support/harness';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ today: '2026-11-27' });
  await app.orm.getSeeder().seed(DemoSeeder);
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
      pending: organization(code: "BTC-HVTC-CB01") { pendingRestructuring { kind status } }
      done: restructurings(first: 10, status: EFFECTIVE) { totalCount }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.root.children.nodes.map((n: { code: string }) => n.code).sort()).toEqual(['DCP', 'DCQD', 'DQH']);
    expect(body.data.root.congress).toEqual({ stage: 'HELD', ordinal: 14, heldStart: '2026-01-19', heldEnd: '2026-01-23', delegatesConvened: 1586 });
    expect(body.data.merged.predecessors.map((n: { code: string }) => n.code).sort()).toEqual(['BKHDT', 'BTC']);
    expect(body.data.merged.congress).toMatchObject({ mode: 'TWO_CONTENT', ordinal: 1, heldStart: '2025-08-20', heldEnd: '2025-08-21', committeeFormation: 'APPOINTED' });
    expect(body.data.evn.parent.code).toBe('DBTC');
    expect(body.data.pending.pendingRestructuring).toEqual({ kind: 'MERGE', status: 'PROPOSED' });
    expect(body.data.done.totalCount).toBe(4);
  });
});
