import { expectRefused as refusedBy, startTestApp, type TestApp } from './support/harness';
import { ADVANCE, POSTPONE, RECORD, RESCHEDULE, SCHEDULE, approve, recordHeld, schedule } from './support/congress';
import { smallTree } from './support/trees';
import { globalId } from './support/harness';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ today: '2025-12-31' });
});
afterAll(() => app.close());

const expectRefused = (query: string, input: Record<string, unknown>, code: string, field?: string[]) => refusedBy(app, query, input, code, field);

describe('stages and history', () => {
  it('moves forward in order, may skip, keeps every change, and answers the stage on any date', async () => {
    const ids = await app.tree(smallTree('S1'));
    let c = await schedule(app, ids.get('S1-MA-B1')!, '2025-05-20', '2025-05-21');
    expect(c).toMatchObject({ stage: 'NOT_STARTED', term: '2025-2030', ordinal: 1, mode: 'FULL', deadline: '2025-06-30' });
    for (const [stage, effectiveOn] of [['PLAN_ISSUED', '2025-01-10'], ['PERSONNEL_PLANNED', '2025-03-05'], ['APPROVED', '2025-04-20']]) {
      const { body } = await app.gql(ADVANCE, { input: { id: c.id, version: c.version, stage, effectiveOn, actor: 'Văn phòng Đảng ủy' } });
      expect(body.data.congressAdvance.userErrors).toEqual([]);
      c = body.data.congressAdvance.congress;
    }
    for (const cell of ['S1-MA-B1-C1', 'S1-MA-B1-C2']) await recordHeld(app, await schedule(app, ids.get(cell)!, '2025-03-10'), '2025-03-10');
    const held = await recordHeld(app, c, '2025-05-20', '2025-05-21', { delegatesConvened: 120, delegatesAttending: 118, committeeSize: 15 });
    expect(held.userErrors).toEqual([]);
    expect(held.congress).toMatchObject({ stage: 'HELD', heldStart: '2025-05-20', heldEnd: '2025-05-21' });

    const { body } = await app.gql(`query($code: String!) {
      early: organization(code: $code, asOf: "2025-01-09") { congress { stage heldEnd } }
      plan: organization(code: $code, asOf: "2025-02-01") { congress { stage } }
      skipped: organization(code: $code, asOf: "2025-03-05") { congress { stage } }
      opening: organization(code: $code, asOf: "2025-05-20") { congress { stage heldStart } }
      closing: organization(code: $code, asOf: "2025-05-21") { congress { stage heldStart heldEnd } }
      now: organization(code: $code) { congress { stage delegatesConvened delegatesAttending committeeSize committeeFormation
        history { fromStage toStage effectiveOn actor } } }
    }`, { code: 'S1-MA-B1' });
    expect(body.errors).toBeUndefined();
    expect(body.data.early.congress).toEqual({ stage: 'NOT_STARTED', heldEnd: null });
    expect(body.data.plan.congress.stage).toBe('PLAN_ISSUED');
    expect(body.data.skipped.congress.stage).toBe('PERSONNEL_PLANNED');
    expect(body.data.opening.congress).toEqual({ stage: 'APPROVED', heldStart: null });
    expect(body.data.closing.congress).toEqual({ stage: 'HELD', heldStart: '2025-05-20', heldEnd: '2025-05-21' });
    expect(body.data.now.congress).toMatchObject({ stage: 'HELD', delegatesConvened: 120, delegatesAttending: 118, committeeSize: 15, committeeFormation: 'ELECTED' });
    expect(body.data.now.congress.history).toEqual([
      { fromStage: 'NOT_STARTED', toStage: 'PLAN_ISSUED', effectiveOn: '2025-01-10', actor: 'test admin' },
      { fromStage: 'PLAN_ISSUED', toStage: 'PERSONNEL_PLANNED', effectiveOn: '2025-03-05', actor: 'test admin' },
      { fromStage: 'PERSONNEL_PLANNED', toStage: 'APPROVED', effectiveOn: '2025-04-20', actor: 'test admin' },
      { fromStage: 'APPROVED', toStage: 'HELD', effectiveOn: '2025-05-21', actor: 'test admin' },
    ]);
  });

  it('goes back only with a reason, and that is recorded', async () => {
    const ids = await app.tree(smallTree('S2'));
    let c = await schedule(app, ids.get('S2-MA')!, '2025-08-10', '2025-08-12');
    const fwd = await app.gql(ADVANCE, { input: { id: c.id, version: c.version, stage: 'PERSONNEL_PLANNED', effectiveOn: '2025-06-01' } });
    c = fwd.body.data.congressAdvance.congress;
    await expectRefused(ADVANCE, { id: c.id, version: c.version, stage: 'DOCUMENTS_DRAFTED', effectiveOn: '2025-06-05' }, 'REASON_REQUIRED', ['input', 'reason']);
    await expectRefused(ADVANCE, { id: c.id, version: c.version, stage: 'PERSONNEL_PLANNED', effectiveOn: '2025-06-05' }, 'SAME_STAGE');
    await expectRefused(ADVANCE, { id: c.id, version: c.version, stage: 'HELD', effectiveOn: '2025-06-05' }, 'RESULT_REQUIRED');
    await expectRefused(ADVANCE, { id: c.id, version: c.version, stage: 'SUPERSEDED', effectiveOn: '2025-06-05' }, 'NOT_ALLOWED');
    await expectRefused(ADVANCE, { id: c.id, version: c.version, stage: 'RESULTS_CONFIRMED', effectiveOn: '2025-06-05' }, 'NOT_ALLOWED');
    await expectRefused(ADVANCE, { id: c.id, version: c.version, stage: 'APPROVED', effectiveOn: '2025-05-01' }, 'OUT_OF_ORDER');
    await expectRefused(ADVANCE, { id: c.id, version: c.version, stage: 'APPROVED', effectiveOn: '2026-01-01' }, 'FUTURE_DATE');
    const back = await app.gql(ADVANCE, { input: { id: c.id, version: c.version, stage: 'DOCUMENTS_DRAFTED', effectiveOn: '2025-06-05', reason: 'Cấp trên yêu cầu bổ sung báo cáo chính trị' } });
    expect(back.body.data.congressAdvance.userErrors).toEqual([]);
    expect(back.body.data.congressAdvance.congress.stage).toBe('DOCUMENTS_DRAFTED');
    const [event] = await app.readBack<{ note: string }>(`select note from congress_event e join congress c on c.id = e.congress_id
      join organization o on o.id = c.organization_id where o.code = 'S2-MA' and e.to_stage = 'DOCUMENTS_DRAFTED'`);
    expect(event.note).toContain('bổ sung báo cáo');
  });

  it('postpones with a reason and a new date, then resumes', async () => {
    const ids = await app.tree(smallTree('S3'));
    let c = await schedule(app, ids.get('S3-MB-B1')!, '2025-04-10', '2025-04-11');
    c = (await app.gql(ADVANCE, { input: { id: c.id, version: c.version, stage: 'APPROVED', effectiveOn: '2025-03-20' } })).body.data.congressAdvance.congress;
    await expectRefused(POSTPONE, { id: c.id, version: c.version, reason: ' ', plannedStart: '2025-06-10', plannedEnd: '2025-06-11', effectiveOn: '2025-04-01' }, 'REQUIRED', ['input', 'reason']);
    const p = await app.gql(POSTPONE, { input: { id: c.id, version: c.version, reason: 'Chờ hợp nhất', plannedStart: '2025-06-10', plannedEnd: '2025-06-11', effectiveOn: '2025-04-01' } });
    expect(p.body.data.congressPostpone.userErrors).toEqual([]);
    c = p.body.data.congressPostpone.congress;
    expect(c).toMatchObject({ stage: 'POSTPONED', plannedStart: '2025-06-10' });
    await expectRefused(ADVANCE, { id: c.id, version: c.version, stage: 'PLAN_ISSUED', effectiveOn: '2025-05-01' }, 'REASON_REQUIRED');
    const resumed = await app.gql(ADVANCE, { input: { id: c.id, version: c.version, stage: 'APPROVED', effectiveOn: '2025-05-01' } });
    expect(resumed.body.data.congressAdvance.congress.stage).toBe('APPROVED');
  });
});

describe('rules that write nothing', () => {
  it('refuses an end before the start', async () => {
    const ids = await app.tree(smallTree('R1'));
    await expectRefused(SCHEDULE, { organization: globalId('Organization', ids.get('R1-MA-B1')!), plannedStart: '2025-05-10', plannedEnd: '2025-05-09' }, 'END_BEFORE_START', ['input', 'plannedEnd']);
    const c = await schedule(app, ids.get('R1-MA-B1')!, '2025-05-10', '2025-05-11');
    await expectRefused(RESCHEDULE, { id: c.id, version: c.version, plannedStart: '2025-05-10', plannedEnd: '2025-05-01' }, 'END_BEFORE_START');
    await expectRefused(RECORD, { id: c.id, version: c.version, heldStart: '2025-05-10', heldEnd: '2025-05-08', committeeFormation: 'ELECTED' }, 'END_BEFORE_START', ['input', 'heldEnd']);
  });

  it('refuses a congress longer than its level allows', async () => {
    const ids = await app.tree(smallTree('R2'));
    // A cell: 1 day; a base committee: 2 days (the 2025–2030 calendar).
    await expectRefused(SCHEDULE, { organization: globalId('Organization', ids.get('R2-MA-B1-C1')!), plannedStart: '2025-02-10', plannedEnd: '2025-02-11' }, 'TOO_LONG');
    const c = await schedule(app, ids.get('R2-MA-B1')!, '2025-05-10', '2025-05-11');
    await expectRefused(RECORD, { id: c.id, version: c.version, heldStart: '2025-05-10', heldEnd: '2025-05-12', committeeFormation: 'ELECTED' }, 'TOO_LONG');
  });

  it('refuses a congress held in the future', async () => {
    const ids = await app.tree(smallTree('R3'));
    const c = await approve(app, await schedule(app, ids.get('R3-MA-B1-C1')!, '2026-01-05'), '2025-12-20');
    await expectRefused(RECORD, { id: c.id, version: c.version, heldStart: '2026-01-05', heldEnd: '2026-01-05', committeeFormation: 'ELECTED' }, 'FUTURE_DATE', ['input', 'heldEnd']);
  });

  it('refuses elections at a two-content congress', async () => {
    const ids = await app.tree(smallTree('R4'));
    const c = await schedule(app, ids.get('R4-MB-B1-C1')!, '2025-03-01', '2025-03-01', { mode: 'TWO_CONTENT' });
    await expectRefused(RECORD, { id: c.id, version: c.version, heldStart: '2025-03-01', heldEnd: '2025-03-01', committeeFormation: 'ELECTED' }, 'ELECTION_NOT_ALLOWED', ['input', 'committeeFormation']);
    await expectRefused(
      RECORD,
      { id: c.id, version: c.version, heldStart: '2025-03-01', heldEnd: '2025-03-01', committeeFormation: 'APPOINTED', delegatesToSuperior: { elected: 3 } },
      'ELECTION_NOT_ALLOWED',
    );
    const ok = await recordHeld(app, c, '2025-03-01', '2025-03-01', { committeeFormation: 'INTERIM_APPOINTED', delegatesToSuperior: { appointed: 4 } });
    expect(ok.userErrors).toEqual([]);
  });

  it('refuses a stale version', async () => {
    const ids = await app.tree(smallTree('R5'));
    const c = await schedule(app, ids.get('R5-MA-B1-C2')!, '2025-02-20');
    const moved = await app.gql(RESCHEDULE, { input: { id: c.id, version: c.version, plannedStart: '2025-02-21', plannedEnd: '2025-02-21' } });
    expect(moved.body.data.congressReschedule.congress.version).toBe(c.version + 1);
    await expectRefused(ADVANCE, { id: c.id, version: c.version, stage: 'PLAN_ISSUED', effectiveOn: '2025-01-05' }, 'STALE_VERSION', ['input', 'version']);
    await expectRefused(RECORD, { id: c.id, version: c.version, heldStart: '2025-02-21', heldEnd: '2025-02-21', committeeFormation: 'ELECTED' }, 'STALE_VERSION');
    await expectRefused(POSTPONE, { id: c.id, version: c.version, reason: 'x', plannedStart: '2025-03-01', plannedEnd: '2025-03-01', effectiveOn: '2025-02-01' }, 'STALE_VERSION');
  });

  it('refuses a second congress for the same term, an unknown organisation and a malformed id', async () => {
    const ids = await app.tree(smallTree('R6'));
    await schedule(app, ids.get('R6-MA')!, '2025-08-01', '2025-08-02');
    await expectRefused(SCHEDULE, { organization: globalId('Organization', ids.get('R6-MA')!), plannedStart: '2025-08-05', plannedEnd: '2025-08-05' }, 'ALREADY_SCHEDULED');
    await expectRefused(SCHEDULE, { organization: globalId('Organization', '44444444-4444-4444-8444-444444444444'), plannedStart: '2025-08-05', plannedEnd: '2025-08-05' }, 'NOT_FOUND');
    await expectRefused(ADVANCE, { id: 'nope', version: 1, stage: 'PLAN_ISSUED' }, 'INVALID_ID');
  });
});

describe('lower levels first, upper levels after', () => {
  it('holds a cell, then its base committee, then the ministry committee — never the other way', async () => {
    const ids = await app.tree(smallTree('L1'));
    const ministry = await approve(app, await schedule(app, ids.get('L1-MA')!, '2025-08-20', '2025-08-21'), '2025-02-01');
    const base = await approve(app, await schedule(app, ids.get('L1-MA-B1')!, '2025-05-10', '2025-05-11'), '2025-02-01');
    const cell1 = await schedule(app, ids.get('L1-MA-B1-C1')!, '2025-03-01');
    const cell2 = await schedule(app, ids.get('L1-MA-B1-C2')!, '2025-03-02');

    const errors = await expectRefused(RECORD, { id: ministry.id, version: ministry.version, heldStart: '2025-08-20', heldEnd: '2025-08-21', committeeFormation: 'ELECTED' }, 'SUBORDINATES_NOT_DONE');
    expect(errors[0].message).toContain('Đảng bộ Cơ quan A L1 (L1-MA-B1)');
    const baseErrors = await expectRefused(RECORD, { id: base.id, version: base.version, heldStart: '2025-05-10', heldEnd: '2025-05-11', committeeFormation: 'ELECTED' }, 'SUBORDINATES_NOT_DONE');
    expect(baseErrors[0].message).toContain('Chi bộ A1 L1');
    expect(baseErrors[0].message).toContain('Chi bộ A2 L1');

    expect((await recordHeld(app, cell1, '2025-03-01')).userErrors).toEqual([]);
    const stillOne = await expectRefused(RECORD, { id: base.id, version: base.version, heldStart: '2025-05-10', heldEnd: '2025-05-11', committeeFormation: 'ELECTED' }, 'SUBORDINATES_NOT_DONE');
    expect(stillOne[0].message).not.toContain('Chi bộ A1 L1');
    expect((await recordHeld(app, cell2, '2025-03-02')).userErrors).toEqual([]);
    expect((await recordHeld(app, base, '2025-05-10', '2025-05-11')).userErrors).toEqual([]);
    expect((await recordHeld(app, ministry, '2025-08-20', '2025-08-21')).userErrors).toEqual([]);
  });

  it('counts a subordinate held after the parent’s closing day as not done', async () => {
    const ids = await app.tree(smallTree('L2'));
    const base = await schedule(app, ids.get('L2-MB-B1')!, '2025-03-10', '2025-03-10');
    const cell = await schedule(app, ids.get('L2-MB-B1-C1')!, '2025-03-20');
    expect((await recordHeld(app, cell, '2025-03-20')).userErrors).toEqual([]);
    const refused = await recordHeld(app, base, '2025-03-10', '2025-03-10');
    expect(refused.userErrors.map((e) => e.code)).toEqual(['SUBORDINATES_NOT_DONE']);
  });

  it('shows a parent scheduled before its subordinates as a conflict, without refusing it', async () => {
    const ids = await app.tree(smallTree('L3'));
    await schedule(app, ids.get('L3-MA-B1')!, '2025-03-01', '2025-03-02');
    await schedule(app, ids.get('L3-MA-B1-C1')!, '2025-03-05');
    await schedule(app, ids.get('L3-MA-B1-C2')!, '2025-02-10');
    const { body } = await app.gql(`{ organization(code: "L3-MA-B1", asOf: "2025-01-15") { congress { scheduleConflicts { reason organization { code } congress { plannedStart } } } } }`);
    expect(body.data.organization.congress.scheduleConflicts).toEqual([
      { reason: 'PLANNED_AFTER', organization: { code: 'L3-MA-B1-C1' }, congress: { plannedStart: '2025-03-05' } },
    ]);
    const ministry = await app.gql(`{ organization(code: "L3-MB") { congress { id } } }`);
    expect(ministry.body.data.organization.congress).toBeNull();
  });
});
