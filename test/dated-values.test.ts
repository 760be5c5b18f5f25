import { addDays } from '../src/common/dates';
import type { Tx } from '../src/common/kernel';
import { RestructuringKind } from '../src/restructuring/restructuring.enums';
import { cancelRestructuring } from '../src/restructuring/restructuring.lifecycle.service';
import { proposeRestructuring } from '../src/restructuring/restructuring.propose.service';
import { POSTPONE, RESCHEDULE, recordHeld, schedule } from './support/congress';
import { expectRefused, globalId, startTestApp, type TestApp } from './support/harness';
import { applyOk, approveOk, proposeOk } from './support/restructuring';
import { blocTree } from './support/trees';

/**
 * Everything that changes is dated (issue 9, item 5): a change today never rewrites a past report. The two
 * examples on data built here — a calendar change today and the 15 April 2025 overdue list, a +100 member change today
 * and the members of 4 December 2024 — then planned dates, pending restructurings and the timeline.
 */

const TODAY = '2026-11-27';
const YESTERDAY = addDays(TODAY, -1);
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ today: TODAY });
});
afterAll(() => app.close());

const drift = () => app.drift();

async function gql(query: string, variables?: Record<string, unknown>) {
  const res = await app.gql(query, variables);
  expect(res.body.errors).toBeUndefined();
  return res.body.data;
}

/** A write through the kernel as if today were `today` (how a proposal gets an earlier date than the server's today). */
const writeOn = <T>(today: string, operation: string, work: (tx: Tx) => Promise<T>) => app.kernel.withTransaction({ operation, today }, work);

const SET_CALENDAR = `mutation($input: TermCalendarSetInput!) {
  termCalendarSet(input: $input) { entry { level deadline version effectiveOn replacedOn } userErrors { code field } } }`;
const UPDATE = `mutation($input: OrganizationUpdateInput!) {
  organizationUpdate(input: $input) { organization { memberCount version } userErrors { code field } } }`;

describe('the term calendar is dated', () => {
  it('a termCalendarSet today changes no overdue list, deadline or roll-up of 15 April 2025; today reads the new deadline, with no drift', async () => {
    // DV1-B (base committee) with five cells; the cells' deadline is 31 March 2025.
    const cells = [1, 2, 3, 4, 5].map((i) => ({ code: `DV1-C${i}`, name: `Chi bộ ${i} DV1`, level: 'CELL' as const, members: 12 }));
    const ids = await app.tree(blocTree('DV1', [{ code: 'DV1-M', name: 'Đảng ủy Bộ DV1', level: 'ABOVE_BASE', children: [{ code: 'DV1-B', name: 'Đảng bộ DV1', level: 'BASE_COMMITTEE', children: cells }] }]));
    const id = (code: string) => ids.get(code)!;
    expect((await recordHeld(app, await schedule(app, id('DV1-C1'), '2025-03-20'), '2025-03-20')).userErrors).toEqual([]); // on time
    expect((await recordHeld(app, await schedule(app, id('DV1-C2'), '2025-04-12'), '2025-04-12')).userErrors).toEqual([]); // late
    await schedule(app, id('DV1-C3'), '2025-04-18'); // not held: overdue
    await schedule(app, id('DV1-C4'), '2025-04-18');
    // DV1-C5 has nothing scheduled: overdue too (NOT_SCHEDULED).
    const base = globalId('Organization', id('DV1-B'));
    const read = (date: string) =>
      gql(
        `query($base: ID!, $date: Date) {
          progress(under: $base, asOf: $date) { overdue heldLate byLevel { level overdue heldLate } }
          children: progress(under: $base, scope: CHILDREN, asOf: $date) { overdue heldLate }
          organizations(first: 10, under: $base, overdue: true, asOf: $date) { totalCount nodes { code overdueReason } }
          congresses(first: 10, under: $base, overdue: true, asOf: $date) { totalCount nodes { organization { code } deadline } }
          termCalendar(asOf: $date) { level deadline maxDays }
          c2: organization(code: "DV1-C2", asOf: $date) { congress { deadline overdue heldLate } }
        }`,
        { base, date },
      );
    const dates = ['2025-03-31', '2025-04-15', '2025-04-25', YESTERDAY];
    const before = await Promise.all(dates.map(read));
    const april15 = before[1];
    expect(april15.organizations).toEqual({
      totalCount: 3,
      nodes: [{ code: 'DV1-C3', overdueReason: 'NOT_HELD' }, { code: 'DV1-C4', overdueReason: 'NOT_HELD' }, { code: 'DV1-C5', overdueReason: 'NOT_SCHEDULED' }],
    });
    expect(april15.progress).toMatchObject({ overdue: 3, heldLate: 1 });
    expect(april15.c2.congress).toEqual({ deadline: '2025-03-31', overdue: false, heldLate: true });

    try {
      const set = await gql(SET_CALENDAR, { input: { term: '2025-2030', level: 'CELL', deadline: '2025-04-20', maxDays: 1 } });
      expect(set.termCalendarSet).toEqual({ entry: { level: 'CELL', deadline: '2025-04-20', version: 2, effectiveOn: TODAY, replacedOn: null }, userErrors: [] });
      // Every earlier date reads exactly what it read before; undated, 15 April would have listed nobody.
      expect(await Promise.all(dates.map(read))).toEqual(before);
      // Today reads the new deadline: DV1-C2 was held on time after all, and the counters say so.
      const now = await read(TODAY);
      expect(now.c2.congress).toEqual({ deadline: '2025-04-20', overdue: false, heldLate: false });
      expect(now.progress).toMatchObject({ overdue: 3, heldLate: 0 });
      expect(now.termCalendar).toContainEqual({ level: 'CELL', deadline: '2025-04-20', maxDays: 1 });
      expect(await drift()).toEqual([]);
      const old = await gql(`{ termCalendar(asOf: "2025-04-15") { level deadline effectiveOn replacedOn } }`);
      expect(old.termCalendar).toContainEqual({ level: 'CELL', deadline: '2025-03-31', effectiveOn: null, replacedOn: TODAY });

      // Not in the future, not before the entry's last change.
      await expectRefused(app, SET_CALENDAR, { term: '2025-2030', level: 'CELL', deadline: '2025-04-30', maxDays: 1, effectiveOn: addDays(TODAY, 1) }, 'FUTURE_DATE', ['input', 'effectiveOn']);
      await expectRefused(app, SET_CALENDAR, { term: '2025-2030', level: 'CELL', deadline: '2025-04-30', maxDays: 1, effectiveOn: '2025-05-01' }, 'OUT_OF_ORDER', ['input', 'effectiveOn']);
    } finally {
      // Back the same day: it replaces today's entry.
      await gql(SET_CALENDAR, { input: { term: '2025-2030', level: 'CELL', deadline: '2025-03-31', maxDays: 1 } });
    }
    expect(await drift()).toEqual([]);
  });
});

describe('member counts are dated', () => {
  it('a +100 change today leaves the members of 4 December 2024 as they were; back-dated and absorbed members count from their day', async () => {
    const cells = [12, 16, 20].map((members, i) => ({ code: `DV2-C${i + 1}`, name: `Chi bộ ${i + 1} DV2`, level: 'CELL' as const, members }));
    const ids = await app.tree(blocTree('DV2', [{ code: 'DV2-M', name: 'Đảng ủy Bộ DV2', level: 'ABOVE_BASE', children: [{ code: 'DV2-B', name: 'Đảng bộ DV2', level: 'BASE_COMMITTEE', children: cells }] }]));
    const gid = (code: string) => globalId('Organization', ids.get(code)!);
    const read = (date: string) =>
      gql(
        `query($m: ID!, $b: ID!, $date: Date) {
          ministry: progress(under: $m, asOf: $date) { members }
          children: progress(under: $b, scope: CHILDREN, asOf: $date) { members }
          cells: organization(code: "DV2-B", asOf: $date) { children(first: 10) { nodes { code memberCount } } }
        }`,
        { m: gid('DV2-M'), b: gid('DV2-B'), date },
      );
    const version = async (code: string) => (await gql(`{ organization(code: "${code}") { version } }`)).organization.version as number;
    const dates = ['2024-12-04', '2025-06-01', YESTERDAY];
    const before = await Promise.all(dates.map(read));
    expect(before[0].ministry.members).toBe(48);

    const plus100 = await gql(UPDATE, { input: { id: gid('DV2-C1'), version: await version('DV2-C1'), memberCount: 112 } });
    expect(plus100.organizationUpdate).toEqual({ organization: { memberCount: 112, version: 2 }, userErrors: [] });
    expect(await Promise.all(dates.map(read))).toEqual(before); // undated, 4 December 2024 would say 148
    expect((await read(TODAY)).ministry.members).toBe(148);
    const c1 = await gql(`{ organization(code: "DV2-C1") { memberCount then: memberCount(asOf: "2024-12-04") old: memberCount(asOf: "${YESTERDAY}") } }`);
    expect(c1.organization).toEqual({ memberCount: 112, then: 12, old: 12 });

    // Back-dated: from 1 January 2025 on.
    const c2 = await gql(UPDATE, { input: { id: gid('DV2-C2'), version: await version('DV2-C2'), memberCount: 26, memberCountEffectiveOn: '2025-01-01' } });
    expect(c2.organizationUpdate.userErrors).toEqual([]);
    const c2On = await gql(`{ organization(code: "DV2-C2") { before: memberCount(asOf: "2024-12-31") from: memberCount(asOf: "2025-01-01") } }`);
    expect(c2On.organization).toEqual({ before: 16, from: 26 });
    expect([(await read('2024-12-04')).ministry.members, (await read('2025-06-01')).ministry.members]).toEqual([48, 58]);

    // Not in the future; not before the count's last change.
    await expectRefused(app, UPDATE, { id: gid('DV2-C1'), version: 2, memberCount: 50, memberCountEffectiveOn: addDays(TODAY, 1) }, 'FUTURE_DATE', ['input', 'memberCountEffectiveOn']);
    await expectRefused(app, UPDATE, { id: gid('DV2-C1'), version: 2, memberCount: 50, memberCountEffectiveOn: '2025-06-01' }, 'OUT_OF_ORDER', ['input', 'memberCountEffectiveOn']);

    // An absorption moves DV2-C3's members into DV2-C2 on its effective date, not before.
    const proposed = await proposeOk(app, { kind: 'ABSORB', title: 'Sáp nhập DV2', sources: [gid('DV2-C3')], targets: [gid('DV2-C2')] });
    await applyOk(app, await approveOk(app, proposed, '2025-03-01', '2025-02-20'));
    const absorbed = await gql(`{ organization(code: "DV2-C2") { before: memberCount(asOf: "2025-02-28") from: memberCount(asOf: "2025-03-01") } }`);
    expect(absorbed.organization).toEqual({ before: 26, from: 46 });
    expect([(await read('2025-02-28')).ministry.members, (await read('2025-03-01')).ministry.members, (await read(TODAY)).ministry.members]).toEqual([58, 58, 158]);
    expect((await read('2024-12-04')).ministry.members).toBe(48);
    expect(await drift()).toEqual([]);

    // A dated member count costs no statement: the rows carry their (short) history.
    const page = (fields: string) => app.gql(`{ organization(code: "DV2-B", asOf: "2024-12-04") { children(first: 10) { nodes { ${fields} } } } }`);
    const plain = await page('code');
    const dated = await page(`code memberCount now: memberCount(asOf: "${TODAY}")`);
    expect(dated.body.data.organization.children.nodes).toEqual([
      { code: 'DV2-C1', memberCount: 12, now: 112 },
      { code: 'DV2-C2', memberCount: 16, now: 46 },
      { code: 'DV2-C3', memberCount: 20, now: 20 },
    ]);
    expect(dated.statements).toBe(plain.statements);
  });
});

describe('planned dates are dated', () => {
  it('a postponement and a reschedule keep the earlier plans for the dates before them: dates, deadline, the calendar list, upcoming', async () => {
    const ids = await app.tree(
      blocTree('DV3', [{ code: 'DV3-M', name: 'Đảng ủy Bộ DV3', level: 'ABOVE_BASE', children: [{ code: 'DV3-B', name: 'Đảng bộ DV3', level: 'BASE_COMMITTEE', children: [{ code: 'DV3-C', name: 'Chi bộ DV3', level: 'CELL', members: 12 }] }] }]),
    );
    const m = globalId('Organization', ids.get('DV3-M')!);
    // The base committee (deadline 30 June 2025) plans 10–11 May, postpones on 5 May to 20–21 May.
    let c = await schedule(app, ids.get('DV3-B')!, '2025-05-10', '2025-05-11');
    const postponed = await gql(POSTPONE, { input: { id: c.id, version: c.version, reason: 'Hoàn thiện văn kiện', plannedStart: '2025-05-20', plannedEnd: '2025-05-21', effectiveOn: '2025-05-05' } });
    expect(postponed.congressPostpone.userErrors).toEqual([]);
    c = postponed.congressPostpone.congress;
    const read = (date: string) =>
      gql(
        `query($m: ID!, $date: Date) {
          organization(code: "DV3-B", asOf: $date) { congress { plannedStart plannedEnd deadline overdue } }
          may: congresses(first: 10, under: $m, from: "2025-05-01", to: "2025-05-31", asOf: $date) { totalCount nodes { plannedStart } }
          june: congresses(first: 10, under: $m, from: "2025-06-01", to: "2025-06-30", asOf: $date) { totalCount }
          progress(under: $m, asOf: $date) { overdue upcoming(days: 30) }
          overdueList: organizations(first: 10, under: $m, overdue: true, asOf: $date) { totalCount }
        }`,
        { m, date },
      );
    const dates = ['2025-04-15', '2025-05-04', '2025-05-05', YESTERDAY];
    const before = await Promise.all(dates.map(read));
    expect(before.map((b) => b.organization.congress.plannedStart)).toEqual(['2025-05-10', '2025-05-10', '2025-05-20', '2025-05-20']);
    expect(before[0].progress).toEqual({ overdue: 1, upcoming: 1 }); // DV3-C is overdue (cells: 31 March); DV3-B starts within 30 days

    // Today the superior moves the plan to June, with a deadline of its own: 1 April 2025.
    const moved = await gql(RESCHEDULE, { input: { id: c.id, version: c.version, plannedStart: '2025-06-10', plannedEnd: '2025-06-11', deadline: '2025-04-01' } });
    expect(moved.congressReschedule.userErrors).toEqual([]);
    expect(await Promise.all(dates.map(read))).toEqual(before); // undated, 15 April would count DV3-B overdue and list no May congress
    const now = await read(TODAY);
    expect(now.organization.congress).toEqual({ plannedStart: '2025-06-10', plannedEnd: '2025-06-11', deadline: '2025-04-01', overdue: true });
    expect([now.may.totalCount, now.june.totalCount]).toEqual([0, 1]);
    expect(await drift()).toEqual([]);

    c = moved.congressReschedule.congress;
    const again = { id: c.id, version: c.version, plannedStart: '2025-06-12', plannedEnd: '2025-06-13' };
    await expectRefused(app, RESCHEDULE, { ...again, effectiveOn: '2025-06-01' }, 'OUT_OF_ORDER', ['input', 'effectiveOn']);
    await expectRefused(app, RESCHEDULE, { ...again, effectiveOn: addDays(TODAY, 1) }, 'FUTURE_DATE', ['input', 'effectiveOn']);
  });
});

describe('pending restructurings are dated', () => {
  it('pendingRestructuring(asOf) and progress.restructuringPending: proposed on or before the date, neither in effect nor cancelled by it', async () => {
    const cells = [1, 2, 3].map((i) => ({ code: `DV4-C${i}`, name: `Chi bộ ${i} DV4`, level: 'CELL' as const, members: 12 }));
    const ids = await app.tree(blocTree('DV4', [{ code: 'DV4-M', name: 'Đảng ủy Bộ DV4', level: 'ABOVE_BASE', children: [{ code: 'DV4-B', name: 'Đảng bộ DV4', level: 'BASE_COMMITTEE', children: cells }] }]));
    const id = (code: string) => ids.get(code)!;
    const absorb = (source: string, target: string, proposedOn: string) =>
      writeOn(proposedOn, 'restructuringPropose', (tx) =>
        proposeRestructuring(tx, { kind: RestructuringKind.ABSORB, title: `${source} vào ${target}`, effectiveOn: '2025-07-01', sources: [id(source)], targets: [id(target)], newTargets: [], moves: [] }, proposedOn),
      );
    // R1: DV4-C1 into DV4-C2, proposed 1 May 2025, withdrawn 1 June. R2: DV4-C1 into DV4-C3, proposed 15 June, in effect 1 July.
    const r1 = await absorb('DV4-C1', 'DV4-C2', '2025-05-01');
    await writeOn('2025-06-01', 'restructuringCancel', (tx) => cancelRestructuring(tx, { id: r1.id, version: r1.version, reason: 'Chưa đủ điều kiện' }));
    const r2 = await absorb('DV4-C1', 'DV4-C3', '2025-06-15');
    await applyOk(app, await approveOk(app, { id: globalId('Restructuring', r2.id), version: r2.version }, '2025-07-01', '2025-06-20'));

    const dates = ['2025-04-30', '2025-05-01', '2025-05-31', '2025-06-01', '2025-06-15', '2025-06-30', '2025-07-01', TODAY];
    const title = async (code: string, date: string) =>
      (await gql(`{ organization(code: "${code}") { pendingRestructuring(asOf: "${date}") { title } } }`)).organization.pendingRestructuring?.title ?? null;
    const [t1, t2] = ['DV4-C1 vào DV4-C2', 'DV4-C1 vào DV4-C3'];
    expect(await Promise.all(dates.map((d) => title('DV4-C1', d)))).toEqual([null, t1, t1, null, t2, t2, null, null]);
    expect(await Promise.all(dates.map((d) => title('DV4-C2', d)))).toEqual([null, t1, t1, null, null, null, null, null]);
    expect(await Promise.all(dates.map((d) => title('DV4-C3', d)))).toEqual([null, null, null, null, t2, t2, null, null]);
    // Nested: inherits the date the organisation was read at.
    expect((await gql(`{ organization(code: "DV4-C3", asOf: "2025-06-20") { pendingRestructuring { status } } }`)).organization.pendingRestructuring).toEqual({ status: 'EFFECTIVE' });

    const base = globalId('Organization', id('DV4-B'));
    const pending = async (date: string, scope: string) => (await gql(`{ progress(under: "${base}", scope: ${scope}, asOf: "${date}") { restructuringPending } }`)).progress.restructuringPending;
    const want = [0, 2, 2, 0, 2, 2, 0, 0];
    expect(await Promise.all(dates.map((d) => pending(d, 'SUBTREE')))).toEqual(want);
    expect(await Promise.all(dates.map((d) => pending(d, 'CHILDREN')))).toEqual(want);
    const history = await gql(`{ node(id: "${globalId('Restructuring', r2.id)}") { ... on Restructuring { history { toStatus effectiveOn } } } }`);
    expect(history.node.history).toEqual([
      { toStatus: 'PROPOSED', effectiveOn: '2025-06-15' },
      { toStatus: 'APPROVED', effectiveOn: '2025-06-20' }, // the decision date
      { toStatus: 'EFFECTIVE', effectiveOn: '2025-07-01' },
    ]);
    expect(await drift()).toEqual([]);
  });
});

describe('the timeline counts each point on its own date', () => {
  it('a cell held in March and moved to another ministry in June counts under the first until May and the second from June, whatever the read date', async () => {
    const ids = await app.tree(
      blocTree('DV5', [
        { code: 'DV5-MA', name: 'Đảng ủy Bộ A DV5', level: 'ABOVE_BASE', children: [{ code: 'DV5-A', name: 'Đảng bộ A DV5', level: 'BASE_COMMITTEE', children: [{ code: 'DV5-C', name: 'Chi bộ DV5', level: 'CELL', members: 12 }] }] },
        { code: 'DV5-MB', name: 'Đảng ủy Bộ B DV5', level: 'ABOVE_BASE', children: [{ code: 'DV5-B', name: 'Đảng bộ B DV5', level: 'BASE_COMMITTEE' }] },
      ]),
    );
    const gid = (code: string) => globalId('Organization', ids.get(code)!);
    expect((await recordHeld(app, await schedule(app, ids.get('DV5-C')!, '2025-03-20'), '2025-03-20')).userErrors).toEqual([]);
    const move = await gql(`mutation($input: OrganizationMoveInput!) { organizationMove(input: $input) { userErrors { code } } }`, {
      input: { id: gid('DV5-C'), newParent: gid('DV5-B'), effectiveOn: '2025-06-01' },
    });
    expect(move.organizationMove.userErrors).toEqual([]);
    const timeline = async (code: string, asOf: string) =>
      (await gql(`{ progress(under: "${gid(code)}", asOf: "${asOf}") { timeline(from: "2025-01-01", to: "2025-08-31", interval: MONTH) { held } } }`)).progress.timeline.map(
        (p: { held: number }) => p.held,
      );
    for (const asOf of ['2025-04-15', TODAY]) {
      expect({ asOf, a: await timeline('DV5-MA', asOf), b: await timeline('DV5-MB', asOf), all: await timeline('DV5-TW', asOf) }).toEqual({
        asOf,
        a: [0, 0, 1, 1, 1, 0, 0, 0],
        b: [0, 0, 0, 0, 0, 1, 1, 1],
        all: [0, 0, 1, 1, 1, 1, 1, 1],
      });
    }
  });
});
