import { schedule, type CongressRef } from './support/congress';
import { globalId, startTestApp, type TestApp } from './support/harness';
import { ACKNOWLEDGE, COMPLAINTS, DRAFT, ok as okIn, refused as refusedIn, RETURN, SUBMIT, type Token } from './support/readiness';
import { cellsTree, smallTree } from './support/trees';

/** Readiness reports and complaints counts: refusals with codes and nothing written, access, batching. */

jest.setTimeout(300_000);
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ today: '2025-03-01' });
});
afterAll(() => app.close());

const ok = (query: string, input: Record<string, unknown>, as?: Token) => okIn(app, query, input, as);
const refused = (query: string, input: Record<string, unknown>, code: string, as?: Token) => refusedIn(app, query, input, code, as);

describe('refusals', () => {
  let ids: Map<string, string>;
  const id = (code: string) => globalId('Organization', ids.get(`RR-${code}`)!);
  let congress: CongressRef;
  beforeAll(async () => {
    app.setToday('2025-03-01');
    ids = await app.tree(smallTree('RR'));
    congress = await schedule(app, ids.get('RR-MA-B1')!, '2025-06-10', '2025-06-11');
  });

  it('submit: no parent, no congress, no narrative, a narrative too long, a malformed or missing organisation', async () => {
    await refused(SUBMIT, { organization: id('TW'), narrative: 'Gốc' }, 'NO_PARENT');
    await refused(SUBMIT, { organization: id('MB'), narrative: 'Chưa có đại hội' }, 'NO_CONGRESS');
    await refused(SUBMIT, { organization: id('MA-B1') }, 'REQUIRED');
    await refused(SUBMIT, { organization: id('MA-B1'), narrative: '\u200b ' }, 'REQUIRED');
    await refused(SUBMIT, { organization: id('MA-B1'), narrative: 'x'.repeat(10_001) }, 'TOO_LONG');
    await refused(SUBMIT, { organization: 'not-an-id', narrative: 'x' }, 'INVALID_ID');
    await refused(SUBMIT, { organization: globalId('Organization', '0e0e0e0e-0000-4000-8000-0000000000f1'), narrative: 'x' }, 'NOT_FOUND');
    // A blank draft does not make a narrative.
    await ok(DRAFT, { organization: id('MA-B1') });
    await refused(SUBMIT, { organization: id('MA-B1') }, 'REQUIRED');
  });

  it('return and acknowledge: only a submitted report, a reason required', async () => {
    const { report } = await ok(SUBMIT, { organization: id('MA-B1'), narrative: 'Báo cáo' });
    await refused(RETURN, { report: report.id, reason: '' }, 'REQUIRED');
    await refused(RETURN, { report: report.id, reason: 'x'.repeat(2001) }, 'TOO_LONG');
    await refused(ACKNOWLEDGE, { report: globalId('ReadinessReport', '0e0e0e0e-0000-4000-8000-0000000000f1') }, 'NOT_FOUND');
    await refused(ACKNOWLEDGE, { report: id('MA') }, 'INVALID_ID');
    await refused(ACKNOWLEDGE, { report: report.id, version: 3 }, 'STALE_VERSION');
    await ok(ACKNOWLEDGE, { report: report.id });
    await refused(RETURN, { report: report.id, reason: 'Muộn' }, 'NOT_SUBMITTED');
  });

  it('complaints: a count out of range, a date in the future, before the latest count, or before the congress was scheduled', async () => {
    await refused(COMPLAINTS, { congress: congress.id, kind: 'COMPLAINT', status: 'RECEIVED', count: -1 }, 'INVALID_COUNT');
    await refused(COMPLAINTS, { congress: congress.id, kind: 'COMPLAINT', status: 'RECEIVED', count: 1, effectiveOn: '2025-03-02' }, 'FUTURE_DATE');
    await refused(COMPLAINTS, { congress: congress.id, kind: 'COMPLAINT', status: 'RECEIVED', count: 1, effectiveOn: '2023-12-31' }, 'BEFORE_SCHEDULED');
    await ok(COMPLAINTS, { congress: congress.id, kind: 'COMPLAINT', status: 'RECEIVED', count: 2, effectiveOn: '2025-02-10' });
    await refused(COMPLAINTS, { congress: congress.id, kind: 'COMPLAINT', status: 'RECEIVED', count: 1, effectiveOn: '2025-02-09' }, 'OUT_OF_ORDER');
    await refused(COMPLAINTS, { congress: globalId('Congress', '0e0e0e0e-0000-4000-8000-0000000000f1'), kind: 'COMPLAINT', status: 'RECEIVED', count: 1 }, 'NOT_FOUND');
  });
});

describe('access', () => {
  it('hides narratives, return reasons, submitters and complaints from PUBLIC; shows statuses and the checklist’s numbers', async () => {
    app.setToday('2025-03-01');
    const ids = await app.tree(smallTree('RP'));
    const c = await schedule(app, ids.get('RP-MA-B1')!, '2025-06-10', '2025-06-11');
    await ok(SUBMIT, { organization: globalId('Organization', ids.get('RP-MA-B1')!), narrative: 'Nội bộ' });
    await ok(COMPLAINTS, { congress: c.id, kind: 'DENUNCIATION', status: 'RECEIVED', count: 1 });
    const pub = await app.principal('PUBLIC');
    const { body } = await app.gql(`{ organization(code: "RP-MA-B1") { readiness { status narrative checklist { documentsDrafted } } congress { complaints { count } } } }`, {}, { as: pub });
    const forbidden = (body.errors ?? []).filter((e) => e.extensions?.code === 'FORBIDDEN').map((e) => e.path?.join('.'));
    expect(forbidden.sort()).toEqual(['organization.congress.complaints', 'organization.readiness.narrative']);
    expect(body.data?.organization?.readiness).toMatchObject({ status: 'SUBMITTED', narrative: null, checklist: { documentsDrafted: false } });
    const viewer = await app.principal('VIEWER', ids.get('RP-MA')!);
    const seen = await app.gql(`{ organization(code: "RP-MA-B1") { readiness { narrative } congress { complaints { kind status count } } } }`, {}, { as: viewer });
    expect(seen.body.errors).toBeUndefined();
    expect(seen.body.data.organization.readiness.narrative).toBe('Nội bộ');
    expect(seen.body.data.organization.congress.complaints).toContainEqual({ kind: 'DENUNCIATION', status: 'RECEIVED', count: 1 });
  });
});

describe('batching', () => {
  const QUERY = (code: string) => `{ organization(code: "${code}") { children(first: 50) { nodes { code
    readiness { status checklist { computedOn } } readinessReports(first: 3) { totalCount } readinessDraft { id }
    readinessChecklist { subordinateCongressesHeld openComplaints pendingRestructurings }
    progress(scope: CHILDREN) { readinessSubmitted readinessReturned readinessAcknowledged } } } } }`;

  it('answers readiness fields of many organisations in as many statements as of two', async () => {
    await app.tree(cellsTree('RB2', [12, 12]));
    await app.tree(cellsTree('RB7', [12, 12, 12, 12, 12, 12, 12]));
    const two = await app.gql(QUERY('RB2-B'));
    const seven = await app.gql(QUERY('RB7-B'));
    expect(two.body.errors).toBeUndefined();
    expect(seven.body.data.organization.children.nodes).toHaveLength(7);
    expect(seven.statements).toBe(two.statements);
  });
});
