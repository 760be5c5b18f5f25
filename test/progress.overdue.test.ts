import type { TreeSpec } from '../seeds/tree-builder';
import { CommitteeFormation } from '../src/congress/congress.enums';
import { recordCongressResult } from '../src/congress/congress.result.service';
import { ADVANCE, recordHeld, schedule } from './support/congress';
import { globalId, startTestApp, type TestApp } from './support/harness';
import { blocTree } from './support/trees';

const TODAY = '2026-11-27';
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ today: TODAY });
});
afterAll(() => app.close());

const drift = () => app.drift();
const uuidOf = async (code: string) => (await app.readBack<{ id: string }>(`select id from organization where code = $1`, [code]))[0].id;
/** A roll-up's overdue and held-late numbers, in total and for the base cells. */
const counts = (overdue: number, heldLate: number) => ({ overdue, heldLate, baseCell: { overdue, heldLate } });
const gid = (ids: Map<string, string>, code: string) => globalId('Organization', ids.get(code)!);

/** P-TW → P-BLOC → P-DBTC (above base) → `below` (default: a base cell P-BC of 12 members). */
function tree(p: string, below: TreeSpec[] = [{ code: `${p}-BC`, name: `Chi bộ cơ sở ${p}`, level: 'BASE_CELL', members: 12 }]): TreeSpec {
  return blocTree(p, [{ code: `${p}-DBTC`, name: `Đảng ủy Bộ Tài chính ${p}`, level: 'ABOVE_BASE', children: below }]);
}

async function gql(query: string, variables?: Record<string, unknown>) {
  const res = await app.gql(query, variables);
  expect(res.body.errors).toBeUndefined();
  return res.body.data;
}

async function advance(c: { id: string; version: number }, stage: string, effectiveOn: string) {
  const { congressAdvance } = await gql(ADVANCE, { input: { id: c.id, version: c.version, stage, effectiveOn } });
  expect(congressAdvance.userErrors).toEqual([]);
  return congressAdvance.congress as { id: string; version: number };
}

/** Held on time or late, through the API (approval recorded first when the rules ask for it). */
async function held(orgUuid: string, plannedStart: string, heldStart: string, heldEnd = heldStart) {
  const c = await schedule(app, orgUuid, plannedStart, plannedStart);
  const r = await recordHeld(app, c, heldStart, heldEnd);
  expect(r.userErrors).toEqual([]);
  return r.congress!;
}

const SET_CALENDAR = `mutation($input: TermCalendarSetInput!) { termCalendarSet(input: $input) { entry { deadline } userErrors { code } } }`;
/** Effective from 1 June 2025 (before every date these tests read), so each date sees it; setting it back the same day replaces it. */
async function setBaseCellDeadline(deadline: string) {
  const { termCalendarSet } = await gql(SET_CALENDAR, { input: { term: '2025-2030', level: 'BASE_CELL', deadline, maxDays: 2, effectiveOn: '2025-06-01' } });
  expect(termCalendarSet).toEqual({ entry: { deadline }, userErrors: [] });
}

/** `organizations(under: X, overdue: true, asOf: D)`: its total and the codes with their reasons. */
async function overdueList(under: string, date: string, overdue = true) {
  const { organizations } = await gql(
    `query($under: ID, $date: Date, $overdue: Boolean) { organizations(first: 100, under: $under, overdue: $overdue, asOf: $date) { totalCount nodes { code overdueReason } } }`,
    { under, date, overdue },
  );
  return organizations as { totalCount: number; nodes: { code: string; overdueReason: string | null }[] };
}

async function progressOf(under: string, date: string) {
  const { progress } = await gql(`query($under: ID!, $date: Date) { progress(under: $under, asOf: $date) { overdue heldLate byLevel { level overdue heldLate } } }`, { under, date });
  const baseCell = progress.byLevel.find((l: { level: string }) => l.level === 'BASE_CELL');
  return { overdue: progress.overdue, heldLate: progress.heldLate, baseCell: { overdue: baseCell.overdue, heldLate: baseCell.heldLate } };
}

describe('organizations(overdue:) lists exactly what progress.overdue counts', () => {
  it('a new base cell with nothing scheduled is listed as NOT_SCHEDULED once its deadline passed, and counted the same on every date', async () => {
    const ids = await app.tree(
      tree('OV1', [
        { code: 'OV1-B1', name: 'Đảng bộ cơ sở OV1', level: 'BASE_COMMITTEE', children: [{ code: 'OV1-B1-C1', name: 'Chi bộ OV1', level: 'CELL', members: 12 }] },
      ]),
    );
    await held(ids.get('OV1-B1-C1')!, '2025-03-20', '2025-03-20');
    await held(ids.get('OV1-B1')!, '2025-06-20', '2025-06-20');
    // The scenario: a BASE_CELL established under the ministry committee on 15 March 2025, nothing scheduled.
    const { organizationCreate } = await gql(
      `mutation($input: OrganizationCreateInput!) { organizationCreate(input: $input) { organization { code } userErrors { code } } }`,
      { input: { code: 'OV1-NEW', name: 'Chi bộ cơ sở mới OV1', level: 'BASE_CELL', parent: gid(ids, 'OV1-DBTC'), establishedOn: '2025-03-15', memberCount: 12 } },
    );
    expect(organizationCreate).toEqual({ organization: { code: 'OV1-NEW' }, userErrors: [] });
    ids.set('OV1-NEW', await uuidOf('OV1-NEW'));
    const dbtc = gid(ids, 'OV1-DBTC');

    expect((await progressOf(dbtc, '2025-07-01')).overdue).toBe(1);
    const { congresses } = await gql(`query($under: ID) { congresses(first: 10, under: $under, overdue: true, asOf: "2025-07-01") { totalCount } }`, { under: dbtc });
    expect(congresses.totalCount).toBe(0); // no congress to list: hence the organisations' list
    expect(await overdueList(dbtc, '2025-07-01')).toEqual({ totalCount: 1, nodes: [{ code: 'OV1-NEW', overdueReason: 'NOT_SCHEDULED' }] });
    expect(await overdueList(dbtc, '2025-07-01', false)).toEqual({
      totalCount: 2,
      nodes: [
        { code: 'OV1-B1-C1', overdueReason: null }, // "Chi bộ OV1" sorts before "Đảng bộ cơ sở OV1"
        { code: 'OV1-B1', overdueReason: null },
      ],
    });
    // The deadline (30 June) is not before 30 June: not yet overdue; before it was established, not in the tree.
    expect(await overdueList(dbtc, '2025-06-30')).toEqual({ totalCount: 0, nodes: [] });
    const reasonOn = async (date: string) => (await gql(`{ organization(code: "OV1-NEW", asOf: "${date}") { overdueReason } }`)).organization.overdueReason;
    expect([await reasonOn('2025-03-01'), await reasonOn('2025-06-30'), await reasonOn('2025-07-01'), await reasonOn(TODAY)]).toEqual([null, null, 'NOT_SCHEDULED', 'NOT_SCHEDULED']);

    // For every organisation of the tree and dates on both paths (past dates live, today from the counters).
    for (const date of ['2025-03-01', '2025-06-30', '2025-07-01', '2025-09-01', '2025-11-01', TODAY]) {
      for (const code of ['OV1-TW', 'OV1-BLOC', 'OV1-DBTC', 'OV1-B1', 'OV1-B1-C1', 'OV1-NEW']) {
        const under = gid(ids, code);
        const [list, progress] = await Promise.all([overdueList(under, date), progressOf(under, date)]);
        expect({ date, code, listed: list.totalCount }).toEqual({ date, code, listed: progress.overdue });
      }
    }
    // On 1 Nov 2025 the whole tree is behind: the new cell, and the ministry committee and the bloc, none scheduled.
    expect((await overdueList(gid(ids, 'OV1-TW'), '2025-11-01')).nodes.map((n) => n.code).sort()).toEqual(['OV1-BLOC', 'OV1-DBTC', 'OV1-NEW']);

    // Once a congress is scheduled it is overdue because it is not held (scheduling is not dated: every date sees it).
    await schedule(app, ids.get('OV1-NEW')!, '2025-07-20');
    expect(await overdueList(dbtc, '2025-07-01')).toEqual({ totalCount: 1, nodes: [{ code: 'OV1-NEW', overdueReason: 'NOT_HELD' }] });
    expect((await gql(`query($under: ID) { congresses(first: 10, under: $under, overdue: true, asOf: "2025-07-01") { totalCount } }`, { under: dbtc })).congresses.totalCount).toBe(1);
  });

  it('overdueReason of a whole page costs one statement, whatever the number of organisations', async () => {
    const ids = await app.tree(
      tree('OV4', [
        { code: 'OV4-BC1', name: 'Chi bộ cơ sở 1 OV4', level: 'BASE_CELL', members: 12 },
        { code: 'OV4-BC2', name: 'Chi bộ cơ sở 2 OV4', level: 'BASE_CELL', members: 12 },
        { code: 'OV4-BC3', name: 'Chi bộ cơ sở 3 OV4', level: 'BASE_CELL', members: 12 },
      ]),
    );
    const query = (fields: string) => `{ organizations(first: 10, under: "${gid(ids, 'OV4-TW')}", asOf: "2025-11-01") { nodes { ${fields} } } }`;
    const plain = await app.gql(query('code'));
    const withReason = await app.gql(query('code overdueReason'));
    expect(withReason.body.errors).toBeUndefined();
    expect(withReason.body.data.organizations.nodes.map((n: { overdueReason: string }) => n.overdueReason)).toEqual(['NOT_SCHEDULED', 'NOT_SCHEDULED', 'NOT_SCHEDULED', 'NOT_SCHEDULED', 'NOT_SCHEDULED']);
    expect(withReason.statements - plain.statements).toBe(1);
  });
});

describe('a congress held after its deadline: overdue until held, heldLate from its closing day', () => {
  it('Congress.overdue/heldLate and Progress.overdue/heldLate on each date, and a calendar change moving heldLate with no drift', async () => {
    const ids = await app.tree(tree('OV2'));
    const dbtc = gid(ids, 'OV2-DBTC');
    // Deadline 30 June 2025; held 9–10 July; results confirmed 1 August (so 10–31 July are read live, today from the counters).
    const c = await held(ids.get('OV2-BC')!, '2025-06-20', '2025-07-09', '2025-07-10');
    await advance(c, 'RESULTS_CONFIRMED', '2025-08-01');
    const dates = ['2025-06-30', '2025-07-01', '2025-07-09', '2025-07-10', '2025-07-20', TODAY];
    const congressOn = async (date: string) =>
      (await gql(`{ organization(code: "OV2-BC") { congress { overdue(asOf: "${date}") heldLate(asOf: "${date}") } } }`)).organization.congress;
    const read = async () => ({
      congress: await Promise.all(dates.map(congressOn)),
      progress: await Promise.all(dates.map((d) => progressOf(dbtc, d))),
      listed: await Promise.all(dates.map(async (d) => (await overdueList(dbtc, d)).nodes)),
    });
    const late = (overdue: boolean, heldLate: boolean) => ({ overdue, heldLate });
    const notHeld = [{ code: 'OV2-BC', overdueReason: 'NOT_HELD' }];
    expect(await read()).toEqual({
      congress: [late(false, false), late(true, false), late(true, false), late(false, true), late(false, true), late(false, true)],
      progress: [counts(0, 0), counts(1, 0), counts(1, 0), counts(0, 1), counts(0, 1), counts(0, 1)],
      listed: [[], notHeld, notHeld, [], [], []],
    });

    try {
      // The deadline moves past the closing day: it was never late, nor overdue before 16 July.
      await setBaseCellDeadline('2025-07-15');
      expect(await drift()).toEqual([]);
      expect(await read()).toEqual({
        congress: dates.map(() => late(false, false)),
        progress: dates.map(() => counts(0, 0)),
        listed: dates.map(() => []),
      });
      const stored = await app.readBack<{ code: string; late: number }>(
        `select o.code, pc.lv_base_cell_held_late as late from progress_counter pc join organization o on o.id = pc.organization_id where o.code like 'OV2-%' order by o.code`,
      );
      expect(stored).toEqual([{ code: 'OV2-BC', late: 0 }, { code: 'OV2-BLOC', late: 0 }, { code: 'OV2-DBTC', late: 0 }, { code: 'OV2-TW', late: 0 }]);
    } finally {
      await setBaseCellDeadline('2025-06-30');
    }
    expect(await drift()).toEqual([]);
    expect((await read()).progress).toEqual([counts(0, 0), counts(1, 0), counts(1, 0), counts(0, 1), counts(0, 1), counts(0, 1)]);
  });

  it('a calendar change waits for a writer that computed its counts with the old deadline, and nothing drifts', async () => {
    const ids = await app.tree(tree('OV3'));
    const c = await schedule(app, ids.get('OV3-BC')!, '2025-06-20', '2025-06-20');
    const approved = await advance(c, 'APPROVED', '2025-06-01');
    const [{ id: congressId }] = await app.readBack<{ id: string }>(`select id from congress where organization_id = $1`, [ids.get('OV3-BC')]);
    // A writer records the congress as held late (deadline 30 June) and has not committed yet…
    let recorded!: () => void;
    const isRecorded = new Promise<void>((resolve) => (recorded = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const writer = app.write(async (tx) => {
      await recordCongressResult(tx, { id: congressId, version: approved.version, heldStart: '2025-07-10', heldEnd: '2025-07-10', committeeFormation: CommitteeFormation.ELECTED }, TODAY);
      recorded();
      await released;
    });
    await isRecorded;
    // …when the calendar moves the deadline past its closing day: the change waits for the writer to finish.
    let calendarDone = false;
    const calendar = setBaseCellDeadline('2025-07-15').then(() => (calendarDone = true));
    try {
      await new Promise((r) => setTimeout(r, 500));
      expect(calendarDone).toBe(false);
    } finally {
      release();
      await writer;
      await calendar;
    }
    try {
      expect(await drift()).toEqual([]);
      expect(await progressOf(gid(ids, 'OV3-DBTC'), TODAY)).toEqual(counts(0, 0));
    } finally {
      await setBaseCellDeadline('2025-06-30');
    }
    expect(await drift()).toEqual([]);
    expect(await progressOf(gid(ids, 'OV3-DBTC'), TODAY)).toEqual(counts(0, 1));
  });
});

