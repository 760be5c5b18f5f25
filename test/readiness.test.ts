import { ADVANCE, recordHeld, schedule, type CongressRef } from './support/congress';
import { globalId, startTestApp, type TestApp } from './support/harness';
import { ACKNOWLEDGE, CHECKLIST, COMPLAINTS, DRAFT, ok as okIn, refused as refusedIn, RETURN, SUBMIT, uuid, type Token } from './support/readiness';
import { proposeOk } from './support/restructuring';
import { smallTree } from './support/trees';

/**
 * Readiness reports upward (issue "Step 7", item 2): draft → submit → return → resubmit → acknowledge, the parent's
 * progress counts following each step, one audit event per step, dated reads, the checklist computed from live data at
 * submission and kept, refusals with codes and nothing written (more refusals, access and batching:
 * readiness.rules.test.ts).
 */

const T0 = '2025-03-01';
jest.setTimeout(300_000);
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ today: T0 });
});
afterAll(() => app.close());

const ok = (query: string, input: Record<string, unknown>, as?: Token) => okIn(app, query, input, as);
const refused = (query: string, input: Record<string, unknown>, code: string, as?: Token) => refusedIn(app, query, input, code, as);

/** Runs one step and checks it wrote exactly one audit event, of its operation, naming the report. */
async function step(operation: string, query: string, input: Record<string, unknown>, as?: Token): Promise<any> {
  const before = (await app.readBack<{ id: string }>('select id from audit_event')).map((r) => r.id);
  const result = await ok(query, input, as);
  const added = await app.readBack<{ operation: string; entities: { type: string; id: string }[] }>(
    'select operation, entities from audit_event where not (id = any($1::uuid[]))',
    [before],
  );
  expect(added).toHaveLength(1);
  const [last] = added;
  expect(last.operation).toBe(operation);
  if (result.report) expect(last.entities).toContainEqual({ type: 'ReadinessReport', id: uuid(result.report.canonicalId) });
  return result;
}

async function counts(orgId: string, scope: 'SUBTREE' | 'CHILDREN', asOf?: string) {
  const { body } = await app.gql(`query($id: ID!, $scope: ProgressScope, $asOf: Date) { progress(under: $id, scope: $scope, asOf: $asOf) { readinessSubmitted readinessReturned readinessAcknowledged } }`, {
    id: globalId('Organization', orgId),
    scope,
    asOf,
  });
  expect(body.errors).toBeUndefined();
  const p = body.data.progress;
  return [p.readinessSubmitted, p.readinessReturned, p.readinessAcknowledged];
}

async function advance(c: CongressRef, stage: string, effectiveOn: string): Promise<CongressRef> {
  return (await ok(ADVANCE, { id: c.id, version: c.version, stage, effectiveOn })).congress;
}

describe('draft → submit → return → resubmit → acknowledge', () => {
  it('follows each step in the parent’s counts, keeps every version and the checklist of its day, and reads each day as it stood', async () => {
    const ids = await app.tree(smallTree('RD'));
    const id = (code: string) => ids.get(`RD-${code}`)!;
    const base = id('MA-B1');
    const org = globalId('Organization', base);

    // Live data: its own congress has its documents drafted; of its two cells one held its congress; complaints about
    // it (3 open, 1 resolved); a restructuring pending in its subtree.
    let own: CongressRef = await schedule(app, base, '2025-06-10', '2025-06-11');
    own = await advance(own, 'PLAN_ISSUED', '2025-01-05');
    own = await advance(own, 'DOCUMENTS_DRAFTED', '2025-02-01');
    expect((await recordHeld(app, await schedule(app, id('MA-B1-C1'), '2025-02-10'), '2025-02-10')).userErrors).toEqual([]);
    await schedule(app, id('MA-B1-C2'), '2025-04-10');
    await ok(COMPLAINTS, { congress: own.id, kind: 'COMPLAINT', status: 'RECEIVED', count: 3, effectiveOn: '2025-02-15' });
    await ok(COMPLAINTS, { congress: own.id, kind: 'DENUNCIATION', status: 'RESOLVED', count: 1, effectiveOn: '2025-02-15' });
    await proposeOk(app, { kind: 'RENAME', title: 'RD đổi tên', proposedOn: '2025-02-20', effectiveOn: '2025-09-01', rename: { organization: globalId('Organization', id('MA-B1-C2')), name: 'Chi bộ A2 mới' } });

    // The child's editor prepares and submits; the parent's editor decides.
    const child = await app.principal('EDITOR', base, { name: 'Văn phòng Đảng bộ Cơ quan A' });
    const parent = await app.principal('EDITOR', id('MA'), { name: 'Văn phòng Đảng ủy Bộ' });
    const { body: live } = await app.gql(`query($id: ID!) { node(id: $id) { ... on Organization { readinessChecklist { ${CHECKLIST} } progress(scope: CHILDREN) { congressesExpected held } } } }`, { id: org });
    const atT0 = { subordinateCongressesExpected: 2, subordinateCongressesHeld: 1, subordinateHeldRatio: 0.5, documentsDrafted: true, personnelPlanApproved: false, pendingRestructurings: 1, openComplaints: 3, congressStage: 'DOCUMENTS_DRAFTED' };
    expect(live.data.node.readinessChecklist).toEqual({ ...atT0, computedOn: T0 });
    expect(live.data.node.progress).toEqual({ congressesExpected: 2, held: 1 });
    expect(await counts(id('MA'), 'CHILDREN')).toEqual([0, 0, 0]);

    // 1 March: a draft — not counted upward, not its readiness.
    const draft = (await step('readinessReportDraft', DRAFT, { organization: org, narrative: 'Bản nháp' }, child)).report;
    expect(draft).toMatchObject({ version: 1, status: 'DRAFT', checklist: null, submittedOn: null, narrative: 'Bản nháp' });
    const drafted = (await step('readinessReportDraft', DRAFT, { organization: org, narrative: ' Chuẩn bị đại hội: văn kiện đã dự thảo. ' }, child)).report;
    expect(drafted).toMatchObject({ id: draft.id, version: 1, status: 'DRAFT', narrative: 'Chuẩn bị đại hội: văn kiện đã dự thảo.' });
    const { body: d1 } = await app.gql(`query($id: ID!) { node(id: $id) { ... on Organization { readiness { id } readinessDraft { id status } readinessReports(first: 5) { totalCount } } } }`, { id: org });
    expect(d1.data.node).toEqual({ readiness: null, readinessDraft: { id: draft.id, status: 'DRAFT' }, readinessReports: { totalCount: 0 } });
    expect(await counts(id('MA'), 'CHILDREN')).toEqual([0, 0, 0]);

    // 2 March: submitted (the draft's narrative, the draft consumed), the checklist computed now.
    app.setToday('2025-03-02');
    const v1 = (await step('readinessReportSubmit', SUBMIT, { organization: org }, child)).report;
    expect(v1).toMatchObject({
      id: draft.id,
      version: 1,
      status: 'SUBMITTED',
      narrative: 'Chuẩn bị đại hội: văn kiện đã dự thảo.',
      submittedOn: '2025-03-02',
      submittedBy: 'Văn phòng Đảng bộ Cơ quan A',
      returnReason: null,
      decidedOn: null,
      checklist: { ...atT0, computedOn: '2025-03-02' },
      organization: { code: 'RD-MA-B1' },
    });
    expect(Date.parse(v1.submittedAt)).not.toBeNaN();
    expect(await counts(id('MA'), 'CHILDREN')).toEqual([1, 0, 0]);
    expect(await counts(id('BLOC'), 'SUBTREE')).toEqual([1, 0, 0]);
    expect(await counts(id('BLOC'), 'CHILDREN')).toEqual([0, 0, 0]); // MA-B1 is not a child of the Bloc
    await refused(SUBMIT, { organization: org, narrative: 'Lần nữa' }, 'ALREADY_SUBMITTED', child);
    // The child's editor cannot decide on its own report: the authority is the parent.
    await refused(ACKNOWLEDGE, { report: v1.id }, 'FORBIDDEN', child);

    // 3 March: live data moves on (approved; complaints resolved); the submitted checklist does not.
    app.setToday('2025-03-03');
    own = await advance(own, 'PERSONNEL_PLANNED', '2025-03-03');
    own = await advance(own, 'APPROVED', '2025-03-03');
    await ok(COMPLAINTS, { congress: own.id, kind: 'COMPLAINT', status: 'RECEIVED', count: 0 });
    await ok(COMPLAINTS, { congress: own.id, kind: 'COMPLAINT', status: 'RESOLVED', count: 3 });
    const { body: moved } = await app.gql(`query($id: ID!) { node(id: $id) { ... on Organization { readinessChecklist { ${CHECKLIST} } readiness { checklist { ${CHECKLIST} } } } } }`, { id: org });
    expect(moved.data.node.readinessChecklist).toMatchObject({ personnelPlanApproved: true, openComplaints: 0, congressStage: 'APPROVED', computedOn: '2025-03-03' });
    expect(moved.data.node.readiness.checklist).toEqual({ ...atT0, computedOn: '2025-03-02' });

    // 5 March: the parent returns it, with a reason.
    app.setToday('2025-03-05');
    await refused(RETURN, { report: v1.id, reason: '   ' }, 'REQUIRED', parent);
    const returned = (await step('readinessReportReturn', RETURN, { report: v1.id, reason: 'Bổ sung tình hình giải quyết khiếu nại.', version: 1 }, parent)).report;
    expect(returned).toMatchObject({ version: 1, status: 'RETURNED', returnReason: 'Bổ sung tình hình giải quyết khiếu nại.', decidedOn: '2025-03-05', decidedBy: 'Văn phòng Đảng ủy Bộ' });
    expect(await counts(id('MA'), 'CHILDREN')).toEqual([0, 1, 0]);
    await refused(RETURN, { report: v1.id, reason: 'Lần nữa' }, 'NOT_SUBMITTED', parent);
    await refused(ACKNOWLEDGE, { report: v1.id }, 'NOT_SUBMITTED', parent);

    // 8 March: resubmitted: a new version, the old one kept; the checklist of this day.
    app.setToday('2025-03-08');
    const v2 = (await step('readinessReportSubmit', SUBMIT, { organization: org, narrative: 'Đã bổ sung: khiếu nại đã giải quyết xong.' }, child)).report;
    expect(v2).toMatchObject({ version: 2, status: 'SUBMITTED', submittedOn: '2025-03-08' });
    expect(v2.id).not.toBe(v1.id);
    expect(v2.checklist).toEqual({ ...atT0, personnelPlanApproved: true, openComplaints: 0, congressStage: 'APPROVED', computedOn: '2025-03-08' });
    expect(await counts(id('MA'), 'CHILDREN')).toEqual([1, 0, 0]);

    // 10 March: acknowledged (a stale version first).
    app.setToday('2025-03-10');
    await refused(ACKNOWLEDGE, { report: v2.id, version: 1 }, 'STALE_VERSION', parent);
    const acknowledged = (await step('readinessReportAcknowledge', ACKNOWLEDGE, { report: v2.id, version: 2 }, parent)).report;
    expect(acknowledged).toMatchObject({ version: 2, status: 'ACKNOWLEDGED', decidedOn: '2025-03-10', returnReason: null });
    expect(await counts(id('MA'), 'CHILDREN')).toEqual([0, 0, 1]);
    expect(await counts(id('BLOC'), 'SUBTREE')).toEqual([0, 0, 1]);
    await refused(SUBMIT, { organization: org, narrative: 'Lần ba' }, 'ALREADY_ACKNOWLEDGED', child);
    await refused(DRAFT, { organization: org, narrative: 'Lần ba' }, 'ALREADY_ACKNOWLEDGED', child);

    // Every version kept, newest first, each with its status today; paged.
    const { body: list } = await app.gql(`query($id: ID!) { node(id: $id) { ... on Organization {
      readinessReports(first: 1) { totalCount pageInfo { hasNextPage endCursor } nodes { version status returnReason } } } } }`, { id: org });
    const page = list.data.node.readinessReports;
    expect(page).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true }, nodes: [{ version: 2, status: 'ACKNOWLEDGED', returnReason: null }] });
    const { body: next } = await app.gql(`query($id: ID!, $after: String) { node(id: $id) { ... on Organization {
      readinessReports(first: 1, after: $after) { pageInfo { hasNextPage } nodes { version status returnReason } } } } }`, { id: org, after: page.pageInfo.endCursor });
    expect(next.data.node.readinessReports).toEqual({ pageInfo: { hasNextPage: false }, nodes: [{ version: 1, status: 'RETURNED', returnReason: 'Bổ sung tình hình giải quyết khiếu nại.' }] });

    // Each earlier day reads as it stood: readiness, the versions then, the parent's counts.
    const days: [string, [number, string] | null, number[]][] = [
      ['2025-03-01', null, [0, 0, 0]],
      ['2025-03-02', [1, 'SUBMITTED'], [1, 0, 0]],
      ['2025-03-04', [1, 'SUBMITTED'], [1, 0, 0]],
      ['2025-03-05', [1, 'RETURNED'], [0, 1, 0]],
      ['2025-03-08', [2, 'SUBMITTED'], [1, 0, 0]],
      ['2025-03-09', [2, 'SUBMITTED'], [1, 0, 0]],
      ['2025-03-10', [2, 'ACKNOWLEDGED'], [0, 0, 1]],
    ];
    for (const [day, readiness, expected] of days) {
      const { body } = await app.gql(`query($code: String!, $d: Date) { organization(code: $code, asOf: $d) {
        readiness { version status returnReason decidedOn asOf } readinessReports(first: 5) { totalCount nodes { version status } } } }`, { code: 'RD-MA-B1', d: day });
      expect(body.errors).toBeUndefined();
      const r = body.data.organization.readiness;
      expect({ day, readiness: r && [r.version, r.status] }).toEqual({ day, readiness });
      if (r) expect(r.asOf).toBe(day);
      if (r?.status !== 'RETURNED') expect(r?.returnReason ?? null).toBeNull();
      expect(body.data.organization.readinessReports.totalCount).toBe(readiness ? readiness[0] : 0);
      expect({ day, counts: await counts(id('MA'), 'CHILDREN', day) }).toEqual({ day, counts: expected });
    }
    // A version read on an earlier day has an id of its own; node() returns that view.
    const { body: past } = await app.gql(`{ organization(code: "RD-MA-B1", asOf: "2025-03-04") { readiness { id canonicalId } } }`);
    const dated = past.data.organization.readiness;
    expect(dated.canonicalId).toBe(v1.id);
    expect(dated.id).not.toBe(v1.id);
    const { body: viaNode } = await app.gql(`query($id: ID!) { node(id: $id) { ... on ReadinessReport { status returnReason asOf } } }`, { id: dated.id });
    expect(viaNode.data.node).toEqual({ status: 'SUBMITTED', returnReason: null, asOf: '2025-03-04' });
    const { body: before } = await app.gql(`query($id: ID!) { node(id: $id) { id } }`, {
      id: Buffer.from(`ReadinessReport:${uuid(v2.id)}@2025-03-07`).toString('base64url'),
    });
    expect(before.data.node).toBeNull(); // version 2 did not exist yet

    // The stored checklist of version 1 never changed; the complaints read on each day as counted then.
    const [row] = await app.readBack<{ checklist: Record<string, unknown> }>('select checklist from readiness_report where id = $1', [uuid(v1.id)]);
    expect(row.checklist).toMatchObject({ openComplaints: 3, personnelPlanApproved: false, computedOn: '2025-03-02' });
    const { body: complaints } = await app.gql(`{ d1: organization(code: "RD-MA-B1", asOf: "2025-03-02") { congress { complaints { kind status count } } }
      d2: organization(code: "RD-MA-B1") { congress { complaints { kind status count effectiveOn } } } }`);
    const open = (list: { status: string; count: number }[]) => list.filter((c) => c.status !== 'RESOLVED').reduce((n, c) => n + c.count, 0);
    expect(open(complaints.data.d1.congress.complaints)).toBe(3);
    expect(open(complaints.data.d2.congress.complaints)).toBe(0);
    expect(complaints.data.d2.congress.complaints).toContainEqual({ kind: 'COMPLAINT', status: 'RESOLVED', count: 3, effectiveOn: '2025-03-03' });
    expect(complaints.data.d2.congress.complaints).toHaveLength(6);
    expect(await app.drift()).toEqual([]);
  });
});
