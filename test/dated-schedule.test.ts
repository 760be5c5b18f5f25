import { addDays } from '../src/common/dates';
import { WATERMARK_SQL } from '../src/congress/congress.repository';
import { bruteProgress, normalise, PROGRESS_FIELDS } from './support/brute-progress';
import { ADVANCE, POSTPONE, RECORD, RESCHEDULE, SCHEDULE, recordHeld, schedule } from './support/congress';
import { expectRefused, globalId, startTestApp, type TestApp } from './support/harness';
import { APPLY, approveOk, idOf, proposeOk } from './support/restructuring';
import { blocTree, smallTree } from './support/trees';

/**
 * Scheduling a congress is dated (issue 9, item 5): `congressSchedule(input: { effectiveOn })` is the day the plan was
 * made. Before it the congress is not there: no plan, no superior's deadline, its organisation NOT_SCHEDULED, no event.
 * So a congress scheduled today changes no read of an earlier date.
 */

const TODAY = '2026-11-27';
const YESTERDAY = addDays(TODAY, -1);

const uuidOf = (id: string) => Buffer.from(id, 'base64url').toString().split(':')[1];
const datedId = (type: string, uuid: string, date: string) => Buffer.from(`${type}:${uuid}@${date}`).toString('base64url');

async function gqlOk(app: TestApp, query: string, variables?: Record<string, unknown>) {
  const res = await app.gql(query, variables);
  expect(res.body.errors).toBeUndefined();
  return res.body.data;
}

describe('a congress scheduled today', () => {
  // Its own database: the test follows the latest dated change (the watermark) from the counters path to the live one.
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ today: TODAY });
  });
  afterAll(() => app.close());

  it('leaves every read of an earlier date as it was: roll-ups on both paths, overdue list and reasons, the calendar, a congress’s fields, schedule conflicts', async () => {
    // DS1-B (base committee, plans 10–11 May 2025) and three cells (deadline 31 March 2025): C1 held on 10 March,
    // C3 planned for 20 March and never held, C2 with nothing scheduled. All scheduled long ago but C2.
    const cells = [1, 2, 3].map((i) => ({ code: `DS1-C${i}`, name: `Chi bộ ${i} DS1`, level: 'CELL' as const, members: 12 }));
    const ids = await app.tree(blocTree('DS1', [{ code: 'DS1-M', name: 'Đảng ủy Bộ DS1', level: 'ABOVE_BASE', children: [{ code: 'DS1-B', name: 'Đảng bộ DS1', level: 'BASE_COMMITTEE', children: cells }] }]));
    const id = (code: string) => ids.get(code)!;
    expect((await recordHeld(app, await schedule(app, id('DS1-C1'), '2025-03-10'), '2025-03-10')).userErrors).toEqual([]);
    await schedule(app, id('DS1-C3'), '2025-03-20');
    await schedule(app, id('DS1-B'), '2025-05-10', '2025-05-11');
    const [m, b] = [globalId('Organization', id('DS1-M')), globalId('Organization', id('DS1-B'))];
    const read = (date: string) =>
      gqlOk(
        app,
        `query($m: ID!, $b: ID!, $date: Date) {
          subtree: progress(under: $m, asOf: $date) { ${PROGRESS_FIELDS} upcoming(days: 30) }
          children: progress(under: $b, scope: CHILDREN, asOf: $date) { ${PROGRESS_FIELDS} upcoming(days: 30) }
          overdueList: organizations(first: 10, under: $m, overdue: true, asOf: $date) { totalCount nodes { code overdueReason } }
          calendar: congresses(first: 10, under: $m, asOf: $date) { totalCount nodes { organization { code } plannedStart stage } }
          april: congresses(first: 10, under: $m, from: "2025-04-01", to: "2025-04-30", asOf: $date) { totalCount }
          late: congresses(first: 10, under: $m, overdue: true, asOf: $date) { totalCount nodes { organization { code } deadline } }
          notStarted: congresses(first: 10, under: $m, stage: NOT_STARTED, asOf: $date) { totalCount }
          base: organization(code: "DS1-B", asOf: $date) {
            congress { plannedStart deadline overdue heldLate stage scheduleConflicts { reason organization { code } congress { id } } }
          }
          c2: organization(code: "DS1-C2", asOf: $date) { overdueReason congress { id } }
          c3: organization(code: "DS1-C3", asOf: $date) { congress { plannedStart deadline overdue stage } }
        }`,
        { m, b, date },
      );
    const watermark = async () => (await app.readBack<{ d: string }>(`select d::text as d from (${WATERMARK_SQL}) w`))[0].d;
    const dates = ['2025-03-15', '2025-04-15', YESTERDAY];
    expect(await watermark()).toBe('2025-03-10'); // C1 held: every date below is read from the counters
    const before = await Promise.all(dates.map(read));
    const april15 = before[1];
    expect(april15.overdueList).toEqual({ totalCount: 2, nodes: [{ code: 'DS1-C2', overdueReason: 'NOT_SCHEDULED' }, { code: 'DS1-C3', overdueReason: 'NOT_HELD' }] });
    expect(april15.base.congress.scheduleConflicts).toEqual([{ reason: 'NOT_SCHEDULED', organization: { code: 'DS1-C2' }, congress: null }]);
    expect(april15.c2).toEqual({ overdueReason: 'NOT_SCHEDULED', congress: null });
    expect([before[0].children.upcoming, april15.april.totalCount, april15.subtree.twoContent]).toEqual([1, 0, 0]);

    // Today C2 plans 10 April 2025, a two-content congress, with a deadline of its superior's: 28 February 2025.
    const scheduled = await gqlOk(app, SCHEDULE, {
      input: { organization: globalId('Organization', id('DS1-C2')), plannedStart: '2025-04-10', plannedEnd: '2025-04-10', mode: 'TWO_CONTENT', deadline: '2025-02-28' },
    });
    expect(scheduled.congressSchedule.userErrors).toEqual([]);
    const congress = uuidOf(scheduled.congressSchedule.congress.id);
    expect(await app.readBack(`select scheduled_on::text as "scheduledOn", planned_since::text as "plannedSince" from congress where id = $1`, [congress])).toEqual([
      { scheduledOn: TODAY, plannedSince: TODAY },
    ]);
    expect(await watermark()).toBe(TODAY); // every earlier date is now read live
    // Undated, 15 April would list C2 as NOT_HELD (late by its own deadline), in the April calendar, with no conflict.
    expect(await Promise.all(dates.map(read))).toEqual(before);
    for (const date of dates) expect({ date, ...normalise((await read(date)).subtree) }).toEqual({ date, ...(await bruteProgress(app, [id('DS1-M')], date, 'SUBTREE')).get(id('DS1-M'))! });

    // The congress read on an earlier date: not scheduled yet — no plan, the calendar's deadline, no history.
    const view = await gqlOk(app, `{ node(id: "${datedId('Congress', congress, '2025-04-15')}") { ... on Congress {
      plannedStart plannedEnd deadline overdue heldLate stage history { toStage } scheduleConflicts { reason } } } }`);
    expect(view.node).toEqual({ plannedStart: null, plannedEnd: null, deadline: '2025-03-31', overdue: true, heldLate: false, stage: 'NOT_STARTED', history: [], scheduleConflicts: [] });
    // Read today: its plan and its superior's deadline, from today on only (on 15 March it was not yet overdue).
    const c2 = await gqlOk(app, `{ organization(code: "DS1-C2") { overdueReason congress { plannedStart deadline overdue march: overdue(asOf: "2025-03-15") } } }`);
    expect(c2.organization).toEqual({ overdueReason: 'NOT_HELD', congress: { plannedStart: '2025-04-10', deadline: '2025-02-28', overdue: true, march: false } });
    const today = await read(TODAY);
    expect(today.overdueList.nodes).toEqual([
      { code: 'DS1-C2', overdueReason: 'NOT_HELD' },
      { code: 'DS1-C3', overdueReason: 'NOT_HELD' },
      { code: 'DS1-B', overdueReason: 'NOT_HELD' }, // past its 30 June 2025 deadline, on every date after it
    ]);
    expect(today.subtree.twoContent).toBe(1);
    expect({ ...normalise(today.subtree) }).toEqual((await bruteProgress(app, [id('DS1-M')], TODAY, 'SUBTREE')).get(id('DS1-M'))!);
    expect(await app.drift()).toEqual([]);
  });
});

describe('nothing happens to a congress before the day it was scheduled', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ today: TODAY });
  });
  afterAll(() => app.close());

  it('refuses a scheduling day in the future (FUTURE_DATE), and any stage change, postponement, new plan or result dated before it (OUT_OF_ORDER)', async () => {
    const ids = await app.tree(smallTree('DS2'));
    const cell = ids.get('DS2-MA-B1-C1')!;
    const plan = { organization: globalId('Organization', cell), plannedStart: '2025-03-10', plannedEnd: '2025-03-10' };
    await expectRefused(app, SCHEDULE, { ...plan, effectiveOn: addDays(TODAY, 1) }, 'FUTURE_DATE', ['input', 'effectiveOn']);

    // Scheduled on 1 February 2025.
    const c = await schedule(app, cell, '2025-03-10', '2025-03-10', { effectiveOn: '2025-02-01' });
    const ref = { id: c.id, version: c.version };
    await expectRefused(app, ADVANCE, { ...ref, stage: 'PLAN_ISSUED', effectiveOn: '2025-01-31' }, 'OUT_OF_ORDER', ['input', 'effectiveOn']);
    await expectRefused(app, POSTPONE, { ...ref, reason: 'Chờ kiện toàn', plannedStart: '2025-03-20', plannedEnd: '2025-03-20', effectiveOn: '2025-01-31' }, 'OUT_OF_ORDER', ['input', 'effectiveOn']);
    await expectRefused(app, RESCHEDULE, { ...ref, plannedStart: '2025-03-20', plannedEnd: '2025-03-20', effectiveOn: '2025-01-31' }, 'OUT_OF_ORDER', ['input', 'effectiveOn']);

    // From that day on, changes are recorded; a result closing before it is refused all the same.
    const approved = await gqlOk(app, ADVANCE, { input: { ...ref, stage: 'APPROVED', effectiveOn: '2025-02-01' } });
    expect(approved.congressAdvance.userErrors).toEqual([]);
    const { id, version } = approved.congressAdvance.congress;
    const errors = await expectRefused(app, RECORD, { id, version, heldStart: '2025-01-31', heldEnd: '2025-01-31', committeeFormation: 'ELECTED' }, 'OUT_OF_ORDER', ['input', 'heldEnd']);
    expect(errors.find((e) => e.code === 'OUT_OF_ORDER')?.message).toContain('scheduled on 2025-02-01');

    // The day before: no congress for the organisation; the congress itself has no plan and no history then.
    const before = await gqlOk(app, `{ organization(code: "DS2-MA-B1-C1", asOf: "2025-01-31") { congress { id } congresses { id } } }`);
    expect(before.organization).toEqual({ congress: null, congresses: [] });
    const view = await gqlOk(app, `{ node(id: "${datedId('Congress', uuidOf(c.id), '2025-01-31')}") { ... on Congress { plannedStart stage history { toStage } } } }`);
    expect(view.node).toEqual({ plannedStart: null, stage: 'NOT_STARTED', history: [] });
    const on = await gqlOk(app, `{ organization(code: "DS2-MA-B1-C1", asOf: "2025-02-01") { congress { plannedStart stage } } }`);
    expect(on.organization.congress).toEqual({ plannedStart: '2025-03-10', stage: 'APPROVED' });
  });

  it('a restructuring schedules the congress of an organisation it forms on its effective date, and cannot supersede one scheduled after it', async () => {
    await app.tree(smallTree('DS3'));
    const merge = await proposeOk(app, {
      kind: 'MERGE',
      title: 'Hợp nhất chi bộ DS3',
      sources: [await idOf(app, 'DS3-MA-B1-C1'), await idOf(app, 'DS3-MA-B1-C2')],
      newTargets: [{ code: 'DS3-NEW', name: 'Chi bộ hợp nhất DS3', level: 'CELL', parent: await idOf(app, 'DS3-MA-B1') }],
    });
    const approved = await approveOk(app, merge, '2025-03-01', '2025-02-20');
    expect((await gqlOk(app, APPLY, { input: { id: approved.id, version: approved.version } })).restructuringApply.userErrors).toEqual([]);
    const rows = await app.readBack(
      `select c.scheduled_on::text as "scheduledOn", c.planned_since::text as "plannedSince", c.mode from congress c join organization o on o.id = c.organization_id where o.code = 'DS3-NEW'`,
    );
    expect(rows).toEqual([{ scheduledOn: '2025-03-01', plannedSince: '2025-03-01', mode: 'TWO_CONTENT' }]);

    // A cell whose congress was scheduled today cannot be ended, its congress superseded, on 1 March 2025.
    await schedule(app, (await app.readBack<{ id: string }>(`select id from organization where code = 'DS3-MB-B1-C1'`))[0].id, '2025-03-10', '2025-03-10', { effectiveOn: TODAY });
    const dissolve = await proposeOk(app, { kind: 'DISSOLVE', title: 'Giải thể DS3-MB-B1-C1', sources: [await idOf(app, 'DS3-MB-B1-C1')] });
    const decided = await approveOk(app, dissolve, '2025-03-01', '2025-02-20');
    await expectRefused(app, APPLY, { id: decided.id, version: decided.version }, 'OUT_OF_ORDER');
  });
});
