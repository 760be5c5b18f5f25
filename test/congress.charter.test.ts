import { PROGRESS_FIELDS } from './support/brute-progress';
import { ADVANCE, POSTPONE, RECORD, RESCHEDULE, SCHEDULE, approve, recordHeld, schedule, type CongressRef } from './support/congress';
import { expectRefused as refusedBy, globalId, startTestApp, type TestApp } from './support/harness';
import { cellsTree, smallTree } from './support/trees';

/** The Party Charter's rules (../shared/domain/facts.md §1, §3) that the API refuses, each as data where it may change. */

const TODAY = '2027-12-31';
let app: TestApp;
beforeAll(async () => {
  // One check reads many past-date roll-ups in one query, past a client's cost cap (limits are tested in limits.test.ts).
  app = await startTestApp({ today: TODAY, limits: { maxCostPerQuery: 100_000 } });
});
afterAll(() => app.close());

const expectRefused = (query: string, input: Record<string, unknown>, code: string, field?: string[]) => refusedBy(app, query, input, code, field);
const org = (uuid: string) => globalId('Organization', uuid);
const drift = () => app.drift();

const CREATE = `mutation($input: OrganizationCreateInput!) {
  organizationCreate(input: $input) { organization { code level memberCount } userErrors { field code message } } }`;
const UPDATE = `mutation($input: OrganizationUpdateInput!) {
  organizationUpdate(input: $input) { organization { code memberCount version } userErrors { field code message } } }`;
const RULES = `query($term: String) { congressRules(term: $term) { term definedFor approvalRequired quorumNumerator quorumDenominator
  cellMinMembers cellCommitteeMinMembers smallCellMaxElected roundsPerTerm { level rounds } } }`;

/** A result to record: one day, elected, plus `extra`. */
const result = (c: CongressRef, day: string, extra: Record<string, unknown> = {}) => ({ id: c.id, version: c.version, heldStart: day, heldEnd: day, committeeFormation: 'ELECTED', ...extra });

async function recorded(input: Record<string, unknown>) {
  const { body } = await app.gql(RECORD, { input });
  expect(body.errors).toBeUndefined();
  expect(body.data.congressRecordResult.userErrors).toEqual([]);
  return body.data.congressRecordResult.congress;
}

async function advance(c: CongressRef, stage: string, effectiveOn: string): Promise<CongressRef & Record<string, unknown>> {
  const { body } = await app.gql(ADVANCE, { input: { id: c.id, version: c.version, stage, effectiveOn } });
  expect(body.data.congressAdvance.userErrors).toEqual([]);
  return body.data.congressAdvance.congress;
}

describe('the rules are data', () => {
  it('answers the Charter’s values for a term; a later term without its own follows the latest earlier one; an unknown term is null', async () => {
    const now = await app.gql(RULES);
    expect(now.body.errors).toBeUndefined();
    expect(now.body.data.congressRules).toEqual({
      term: '2025-2030',
      definedFor: '2025-2030',
      approvalRequired: true,
      quorumNumerator: 2,
      quorumDenominator: 3,
      cellMinMembers: 3,
      cellCommitteeMinMembers: 9,
      smallCellMaxElected: 2,
      roundsPerTerm: [
        { level: 'CENTRAL_COMMITTEE', rounds: 1 },
        { level: 'DIRECTLY_UNDER_CENTRAL', rounds: 1 },
        { level: 'ABOVE_BASE', rounds: 1 },
        { level: 'BASE_COMMITTEE', rounds: 1 },
        { level: 'BASE_CELL', rounds: 2 },
        { level: 'SUB_COMMITTEE', rounds: 1 },
        { level: 'CELL', rounds: 2 },
      ],
    });
    await app.readBack(`insert into term (code, starts_on, ends_on) values ('2030-2035', '2030-01-01', '2035-01-01')`);
    expect((await app.gql(RULES, { term: '2030-2035' })).body.data.congressRules).toMatchObject({ term: '2030-2035', definedFor: '2025-2030', quorumNumerator: 2 });
    expect((await app.gql(RULES, { term: '1990-1995' })).body.data.congressRules).toBeNull();
  });
});

describe('a congress is held only after the superior’s approval', () => {
  it('refuses HELD from NOT_STARTED, from PERSONNEL_PLANNED and from a postponement before approval, writing nothing; accepts it once APPROVED', async () => {
    const ids = await app.tree(smallTree('A1'));
    let c = await schedule(app, ids.get('A1-MA-B1-C1')!, '2025-03-10');
    await expectRefused(RECORD, result(c, '2025-03-10'), 'NOT_APPROVED', ['input', 'id']);
    c = await advance(c, 'PERSONNEL_PLANNED', '2025-02-01');
    await expectRefused(RECORD, result(c, '2025-03-10'), 'NOT_APPROVED', ['input', 'id']);
    const p = await app.gql(POSTPONE, { input: { id: c.id, version: c.version, reason: 'Chờ ý kiến cấp trên', plannedStart: '2025-03-12', plannedEnd: '2025-03-12', effectiveOn: '2025-02-05' } });
    c = p.body.data.congressPostpone.congress;
    await expectRefused(RECORD, result(c, '2025-03-12'), 'NOT_APPROVED', ['input', 'id']);
    c = await approve(app, c, '2025-02-20');
    const held = await recorded(result(c, '2025-03-12'));
    expect(held.stage).toBe('HELD');
  });

  it('accepts a congress approved, then postponed', async () => {
    const ids = await app.tree(smallTree('A2'));
    let c = await approve(app, await schedule(app, ids.get('A2-MA-B1-C1')!, '2025-03-10'), '2025-02-20');
    const p = await app.gql(POSTPONE, { input: { id: c.id, version: c.version, reason: 'Lùi ngày', plannedStart: '2025-03-20', plannedEnd: '2025-03-20', effectiveOn: '2025-03-01' } });
    c = p.body.data.congressPostpone.congress;
    expect(c).toMatchObject({ stage: 'POSTPONED' });
    expect((await recorded(result(c, '2025-03-20'))).stage).toBe('HELD');
  });

  it('follows the data: with approval not required for the term, HELD straight from PERSONNEL_PLANNED is accepted', async () => {
    const ids = await app.tree(smallTree('A3'));
    const c = await advance(await schedule(app, ids.get('A3-MA-B1-C1')!, '2025-03-10'), 'PERSONNEL_PLANNED', '2025-02-01');
    await app.readBack(`update congress_rule set approval_required = false where term = '2025-2030'`);
    try {
      expect((await app.gql(RULES)).body.data.congressRules.approvalRequired).toBe(false);
      expect((await recorded(result(c, '2025-03-10'))).stage).toBe('HELD');
    } finally {
      await app.readBack(`update congress_rule set approval_required = true where term = '2025-2030'`);
    }
  });
});

describe('a congress is valid only when more than two-thirds of those convened attend', () => {
  it('refuses exactly two-thirds, writing nothing; one more passes', async () => {
    const ids = await app.tree(smallTree('Q1'));
    const c1 = await approve(app, await schedule(app, ids.get('Q1-MA-B1-C1')!, '2025-03-10'), '2025-02-20');
    await expectRefused(RECORD, result(c1, '2025-03-10', { delegatesConvened: 9, delegatesAttending: 6 }), 'NO_QUORUM', ['input', 'delegatesAttending']);
    await expectRefused(RECORD, result(c1, '2025-03-10', { delegatesConvened: 9, delegatesAttending: 5 }), 'NO_QUORUM', ['input', 'delegatesAttending']);
    expect(await recorded(result(c1, '2025-03-10', { delegatesConvened: 9, delegatesAttending: 7 }))).toMatchObject({ stage: 'HELD' });

    const c2 = await approve(app, await schedule(app, ids.get('Q1-MA-B1-C2')!, '2025-03-11'), '2025-02-20');
    await expectRefused(RECORD, result(c2, '2025-03-11', { delegatesConvened: 300, delegatesAttending: 200 }), 'NO_QUORUM', ['input', 'delegatesAttending']);
    expect(await recorded(result(c2, '2025-03-11', { delegatesConvened: 300, delegatesAttending: 201 }))).toMatchObject({ stage: 'HELD' });
  });

  it('cannot be skipped by leaving a count out; an elected committee has someone in it and fits in its cell', async () => {
    const ids = await app.tree(smallTree('Q2'));
    const c1 = await approve(app, await schedule(app, ids.get('Q2-MA-B1-C1')!, '2025-03-10'), '2025-02-20');
    await expectRefused(RECORD, result(c1, '2025-03-10', { delegatesAttending: 1 }), 'REQUIRED', ['input', 'delegatesConvened']);
    await expectRefused(RECORD, result(c1, '2025-03-10', { delegatesConvened: 12, delegatesAttending: 12, committeeSize: 0 }), 'OUT_OF_RANGE', ['input', 'committeeSize']);
    await expectRefused(RECORD, result(c1, '2025-03-10', { delegatesConvened: 12, delegatesAttending: 12, committeeSize: 13 }), 'OUT_OF_RANGE', ['input', 'committeeSize']);
    expect(await recorded(result(c1, '2025-03-10', { delegatesConvened: 12, delegatesAttending: 12, committeeSize: 12 }))).toMatchObject({ stage: 'HELD' });
  });
});

describe('a cell has at least 3 members', () => {
  it('refuses creating a cell or a base cell with fewer, writing nothing; exactly 3 passes; other levels have no minimum', async () => {
    const ids = await app.tree(smallTree('Z1'));
    const base = org(ids.get('Z1-MA-B1')!);
    const ministry = org(ids.get('Z1-MA')!);
    await expectRefused(CREATE, { code: 'Z1-CX', name: 'Chi bộ nhỏ', level: 'CELL', parent: base, memberCount: 2 }, 'CELL_TOO_SMALL', ['input', 'memberCount']);
    await expectRefused(CREATE, { code: 'Z1-BCX', name: 'Chi bộ cơ sở nhỏ', level: 'BASE_CELL', parent: ministry }, 'CELL_TOO_SMALL', ['input', 'memberCount']);
    const cell = await app.gql(CREATE, { input: { code: 'Z1-CX', name: 'Chi bộ ba người', level: 'CELL', parent: base, memberCount: 3 } });
    expect(cell.body.data.organizationCreate).toEqual({ organization: { code: 'Z1-CX', level: 'CELL', memberCount: 3 }, userErrors: [] });
    const baseCell = await app.gql(CREATE, { input: { code: 'Z1-BCX', name: 'Chi bộ cơ sở ba người', level: 'BASE_CELL', parent: ministry, memberCount: 3 } });
    expect(baseCell.body.data.organizationCreate.userErrors).toEqual([]);
    const committee = await app.gql(CREATE, { input: { code: 'Z1-BX', name: 'Đảng bộ cơ sở mới', level: 'BASE_COMMITTEE', parent: ministry } });
    expect(committee.body.data.organizationCreate).toEqual({ organization: { code: 'Z1-BX', level: 'BASE_COMMITTEE', memberCount: 0 }, userErrors: [] });
  });

  it('refuses updating a cell’s member count below 3, writing nothing; 3 passes; a base committee may have none of its own', async () => {
    const ids = await app.tree(smallTree('Z2'));
    const cell = org(ids.get('Z2-MA-B1-C1')!);
    await expectRefused(UPDATE, { id: cell, version: 1, memberCount: 2 }, 'CELL_TOO_SMALL', ['input', 'memberCount']);
    expect((await app.gql(UPDATE, { input: { id: cell, version: 1, memberCount: 3 } })).body.data.organizationUpdate).toEqual({
      organization: { code: 'Z2-MA-B1-C1', memberCount: 3, version: 2 },
      userErrors: [],
    });
    const base = await app.gql(UPDATE, { input: { id: org(ids.get('Z2-MA-B1')!), version: 1, memberCount: 0 } });
    expect(base.body.data.organizationUpdate.userErrors).toEqual([]);
  });

  it('holds for trees built by the seeds’ and tests’ builder too', async () => {
    await expect(app.tree(cellsTree('Z3', [2]))).rejects.toThrow('CELL_TOO_SMALL');
  });
});

describe('a cell under 9 members elects a secretary (and may elect a deputy), not a committee', () => {
  it('refuses a committee of 3 at a cell of 8 and at a base cell of 5, writing nothing; 2 passes; a cell of 9 elects a committee', async () => {
    const ids = await app.tree(cellsTree('K1', [8, 9], [5]));
    const c8 = await approve(app, await schedule(app, ids.get('K1-C1')!, '2025-03-10'), '2025-02-20');
    await expectRefused(RECORD, result(c8, '2025-03-10', { committeeSize: 3 }), 'CELL_COMMITTEE_NOT_ALLOWED', ['input', 'committeeSize']);
    expect(await recorded(result(c8, '2025-03-10', { committeeSize: 2 }))).toMatchObject({ stage: 'HELD', committeeSize: 2 });

    const c9 = await approve(app, await schedule(app, ids.get('K1-C2')!, '2025-03-11'), '2025-02-20');
    expect(await recorded(result(c9, '2025-03-11', { committeeSize: 3 }))).toMatchObject({ stage: 'HELD', committeeSize: 3 });

    const bc5 = await approve(app, await schedule(app, ids.get('K1-BC1')!, '2025-05-10'), '2025-04-20');
    await expectRefused(RECORD, result(bc5, '2025-05-10', { committeeSize: 3 }), 'CELL_COMMITTEE_NOT_ALLOWED', ['input', 'committeeSize']);
    expect(await recorded(result(bc5, '2025-05-10', { committeeSize: 1 }))).toMatchObject({ stage: 'HELD', committeeSize: 1 });
  });
});

describe('a full congress elects its committee; a two-content congress elects no one', () => {
  it('refuses an appointed committee at a FULL congress and any election at a TWO_CONTENT one, writing nothing', async () => {
    const ids = await app.tree(smallTree('F1'));
    const full = await approve(app, await schedule(app, ids.get('F1-MA-B1-C1')!, '2025-03-10'), '2025-02-20');
    await expectRefused(RECORD, result(full, '2025-03-10', { committeeFormation: 'APPOINTED' }), 'APPOINTMENT_NOT_ALLOWED', ['input', 'committeeFormation']);
    await expectRefused(RECORD, result(full, '2025-03-10', { committeeFormation: 'INTERIM_APPOINTED' }), 'APPOINTMENT_NOT_ALLOWED', ['input', 'committeeFormation']);
    expect(await recorded(result(full, '2025-03-10'))).toMatchObject({ stage: 'HELD', committeeFormation: 'ELECTED' });

    const two = await approve(app, await schedule(app, ids.get('F1-MA-B1-C2')!, '2025-03-11', '2025-03-11', { mode: 'TWO_CONTENT' }), '2025-02-20');
    await expectRefused(RECORD, result(two, '2025-03-11'), 'ELECTION_NOT_ALLOWED', ['input', 'committeeFormation']);
    await expectRefused(RECORD, result(two, '2025-03-11', { committeeFormation: 'APPOINTED', delegatesToSuperior: { elected: 2 } }), 'ELECTION_NOT_ALLOWED', ['input', 'delegatesToSuperior']);
    expect(await recorded(result(two, '2025-03-11', { committeeFormation: 'APPOINTED', delegatesToSuperior: { appointed: 2 } }))).toMatchObject({ stage: 'HELD', committeeFormation: 'APPOINTED' });
  });
});

describe('a cell holds two congresses in a term: the term-opening one and a mid-term one', () => {
  const SCHEDULE_ROUND = `mutation($input: CongressScheduleInput!) {
    congressSchedule(input: $input) { congress { id version round ordinal stage deadline overdue } userErrors { field code message } } }`;
  const ROUNDS = `query($code: String!) { organization(code: $code) {
    congress { round ordinal stage heldEnd } mid: congress(round: 2) { round ordinal stage heldEnd } congresses { term round stage } } }`;

  it('schedules and holds round 1, then round 2; round 2 waits for round 1 and starts after it; Organization.congress stays round 1', async () => {
    const ids = await app.tree(smallTree('W1'));
    const cell = org(ids.get('W1-MA-B1-C1')!);
    const midTerm = { organization: cell, plannedStart: '2027-09-15', plannedEnd: '2027-09-15', round: 2, effectiveOn: '2027-06-01' };
    const first = await schedule(app, ids.get('W1-MA-B1-C1')!, '2025-03-10', '2025-03-10', { ordinal: 4 });
    await expectRefused(SCHEDULE, midTerm, 'PREVIOUS_ROUND_NOT_HELD', ['input', 'round']);
    expect((await recordHeld(app, first, '2025-03-10')).userErrors).toEqual([]);
    await expectRefused(SCHEDULE, { ...midTerm, plannedStart: '2025-03-10', plannedEnd: '2025-03-10' }, 'BEFORE_PREVIOUS_ROUND', ['input', 'plannedStart']);
    await expectRefused(SCHEDULE, { ...midTerm, round: 3 }, 'ROUND_NOT_ALLOWED', ['input', 'round']);

    const scheduled = await app.gql(SCHEDULE_ROUND, { input: midTerm });
    expect(scheduled.body.data.congressSchedule.userErrors).toEqual([]);
    // Ordinal (lần thứ) one more than round 1's; no calendar deadline (those are the term-opening congresses').
    expect(scheduled.body.data.congressSchedule.congress).toMatchObject({ round: 2, ordinal: 5, deadline: null, overdue: false, stage: 'NOT_STARTED' });
    await expectRefused(SCHEDULE, midTerm, 'ALREADY_SCHEDULED', ['input', 'organization']);
    const { id, version } = scheduled.body.data.congressSchedule.congress;
    await expectRefused(RESCHEDULE, { id, version, plannedStart: '2025-03-10', plannedEnd: '2025-03-10' }, 'BEFORE_PREVIOUS_ROUND', ['input', 'plannedStart']);
    const second = await approve(app, scheduled.body.data.congressSchedule.congress, '2027-09-01');
    expect((await recordHeld(app, second, '2027-09-15')).userErrors).toEqual([]);

    const { body } = await app.gql(ROUNDS, { code: 'W1-MA-B1-C1' });
    expect(body.errors).toBeUndefined();
    expect(body.data.organization).toEqual({
      congress: { round: 1, ordinal: 4, stage: 'HELD', heldEnd: '2025-03-10' },
      mid: { round: 2, ordinal: 5, stage: 'HELD', heldEnd: '2027-09-15' },
      congresses: [
        { term: '2025-2030', round: 1, stage: 'HELD' },
        { term: '2025-2030', round: 2, stage: 'HELD' },
      ],
    });
  });

  it('refuses round 2 for a level that holds one congress a term (even with round 1 held), and a round below 1', async () => {
    const ids = await app.tree(smallTree('W2'));
    for (const [code, day] of [['W2-MA-B1-C1', '2025-03-10'], ['W2-MA-B1-C2', '2025-03-11']]) {
      expect((await recordHeld(app, await schedule(app, ids.get(code)!, day), day)).userErrors).toEqual([]);
    }
    expect((await recordHeld(app, await schedule(app, ids.get('W2-MA-B1')!, '2025-05-10', '2025-05-11'), '2025-05-10', '2025-05-11')).userErrors).toEqual([]);
    await expectRefused(SCHEDULE, { organization: org(ids.get('W2-MA-B1')!), plannedStart: '2027-09-15', plannedEnd: '2027-09-15', round: 2 }, 'ROUND_NOT_ALLOWED', ['input', 'round']);
    await expectRefused(SCHEDULE, { organization: org(ids.get('W2-MB-B1-C1')!), plannedStart: '2025-03-10', plannedEnd: '2025-03-10', round: 0 }, 'OUT_OF_RANGE', ['input', 'round']);
  });

  it('changes no roll-up number, no overdue list and no "lower levels first" check: they count the term-opening congress only', async () => {
    const ids = await app.tree(smallTree('W3'));
    const first = await schedule(app, ids.get('W3-MA-B1-C1')!, '2025-03-10');
    expect((await recordHeld(app, first, '2025-03-10')).userErrors).toEqual([]);
    await schedule(app, ids.get('W3-MA-B1-C2')!, '2025-03-20'); // not held: overdue from 1 April 2025
    expect((await recordHeld(app, await schedule(app, ids.get('W3-MB-B1-C1')!, '2025-03-12'), '2025-03-12')).userErrors).toEqual([]);

    const roots = ['W3-TW', 'W3-MA-B1', 'W3-MB-B1'].map((code) => org(ids.get(code)!));
    const dates = ['2025-06-01', '2027-08-20', '2027-09-15', '2027-10-01', TODAY];
    const numbers = async () => {
      const fields = `${PROGRESS_FIELDS} upcoming(days: 60) timeline(from: "2025-01-01", to: "2027-12-31") { periodStart held }`;
      const query = `{ ${roots.flatMap((id, i) => dates.flatMap((d, j) => ['SUBTREE', 'CHILDREN'].map((scope) =>
        `p${i}_${j}_${scope}: progress(under: "${id}", scope: ${scope}, asOf: "${d}") { ${fields} }`))).join('\n')}
        ${dates.map((d, j) => `o${j}: congresses(first: 50, under: "${roots[0]}", overdue: true, asOf: "${d}") { totalCount nodes { organization { code } } }`).join('\n')}
        cell: organization(code: "W3-MA-B1-C1") { congress { round stage heldEnd version } } }`;
      const { body } = await app.gql(query);
      expect(body.errors).toBeUndefined();
      return body.data;
    };
    const before = await numbers();
    expect(before.o0.totalCount).toBe(1); // the unheld cell: the comparison below is not between zeros
    expect(before.p0_0_SUBTREE.held).toBe(2);

    const midTerm = await app.gql(SCHEDULE, { input: { organization: org(ids.get('W3-MA-B1-C1')!), plannedStart: '2027-09-15', plannedEnd: '2027-09-15', round: 2, effectiveOn: '2027-06-01' } });
    expect(midTerm.body.data.congressSchedule.userErrors).toEqual([]);
    expect(await numbers()).toEqual(before);
    expect(await drift()).toEqual([]);
    const second = await approve(app, midTerm.body.data.congressSchedule.congress, '2027-09-01');
    expect((await recordHeld(app, second, '2027-09-15')).userErrors).toEqual([]);
    expect(await numbers()).toEqual(before);
    expect(await drift()).toEqual([]);

    // A base committee is held after its cells' term-opening congresses, whatever their mid-term ones do.
    const other = await app.gql(SCHEDULE, { input: { organization: org(ids.get('W3-MB-B1-C1')!), plannedStart: '2027-09-20', plannedEnd: '2027-09-20', round: 2 } });
    expect(other.body.data.congressSchedule.userErrors).toEqual([]);
    const base = await schedule(app, ids.get('W3-MB-B1')!, '2025-05-10', '2025-05-11');
    expect((await recordHeld(app, base, '2025-05-10', '2025-05-11')).userErrors).toEqual([]);
  });
});
