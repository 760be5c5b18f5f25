import type { EntityManager } from '@mikro-orm/postgresql';
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
      bloc: organization(code: "KCQTW") { name children(first: 50) { totalCount nodes { code level } } }
      btc: organization(code: "BTC") { name children(first: 50) { nodes { name } } }
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

  it('loads 105 organisations and one congress each in a few seconds through the services', async () => {
    const [{ orgs, congresses }] = await app.readBack<{ orgs: number; congresses: number }>(
      'select (select count(*)::int from organization) as orgs, (select count(*)::int from congress) as congresses',
    );
    expect(congresses).toBe(orgs);
    void (null as unknown as EntityManager);
  });
});
