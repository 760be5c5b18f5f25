import { histogram, parseMetrics, pool, quantileDelta, series, total, type Scrape } from '../bench/metrics';
import { createLogger } from '../src/common/log';
import { MAX_OPERATION_NAMES, Metrics } from '../src/server/metrics';
import { SCHEDULED_ON } from './support/congress';
import { globalId, startTestApp, type TestApp } from './support/harness';
import { smallTree } from './support/trees';

type LogLine = Record<string, any>;

const ORG_NAME = `query OrgName($id: ID!) { node(id: $id) { ... on Organization { name } } }`;
const BAD_PAGE = `query BadPage { congresses(first: 0) { totalCount } }`;
const SCHEDULE = `mutation Schedule($input: CongressScheduleInput!) {
  congressSchedule(input: $input) { congress { id } userErrors { code message } } }`;

async function getMetrics(app: TestApp, token?: string | null) {
  const res = await fetch(`${app.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

async function scrapeOf(app: TestApp, token = app.adminToken): Promise<Scrape> {
  const res = await getMetrics(app, token);
  expect(res.status).toBe(200);
  return parseMetrics(res.text);
}

const lines: LogLine[] = [];
/** The mutation of the first test, as the response told it (its slow-request line must say the same). */
let scheduled: { statements: number; cost: number } | undefined;
let app: TestApp;
let ids: Map<string, string>;
beforeAll(async () => {
  app = await startTestApp({ logger: createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) }), slowRequestMs: 1 });
  ids = await app.tree(smallTree('MX'));
});
afterAll(() => app.close());

describe('GET /metrics', () => {
  it('counts requests by operation and outcome, their latency, SQL statements and cost; flushes and notifications', async () => {
    const before = await scrapeOf(app);
    const orgId = globalId('Organization', ids.get('MX-MA')!);
    let statements = 0;
    let cost = 0;
    for (let i = 0; i < 3; i++) {
      const r = await app.gql(ORG_NAME, { id: orgId });
      expect(r.body.errors).toBeUndefined();
      statements += r.statements;
      cost += r.cost!.requested;
    }
    const bad = await app.gql(BAD_PAGE);
    expect(bad.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    statements += bad.statements;
    const anonymous = await app.gql(ORG_NAME, { id: orgId }, { as: null });
    expect(anonymous.status).toBe(401);

    const input = { organization: globalId('Organization', ids.get('MX-MA-B1-C1')!), plannedStart: '2025-02-10', plannedEnd: '2025-02-10', effectiveOn: SCHEDULED_ON };
    const write = await app.gql(SCHEDULE, { input }, { headers: { 'x-request-id': 'metrics-test-schedule' } });
    expect(write.body.errors).toBeUndefined();
    expect(write.body.data.congressSchedule.userErrors).toEqual([]);
    statements += write.statements;
    cost += write.cost!.requested;
    scheduled = { statements: write.statements, cost: write.cost!.requested };

    const after = await scrapeOf(app);
    const delta = (name: string, labels: Record<string, string> = {}) => total(after, name, labels) - total(before, name, labels);

    expect(delta('daihoi_graphql_requests_total', { operation: 'OrgName', outcome: 'ok' })).toBe(3);
    expect(delta('daihoi_graphql_requests_total', { operation: 'BadPage', outcome: 'BAD_USER_INPUT' })).toBe(1);
    expect(delta('daihoi_graphql_requests_total', { operation: 'anonymous', outcome: 'UNAUTHENTICATED' })).toBe(1);
    expect(delta('daihoi_graphql_requests_total', { operation: 'Schedule', outcome: 'ok' })).toBe(1);
    expect(delta('daihoi_graphql_requests_total')).toBe(6);

    const latency = histogram(after, 'daihoi_graphql_request_duration_seconds', { operation: 'OrgName' });
    expect(latency.count).toBe(3);
    expect(latency.sum).toBeGreaterThan(0);
    expect(series(after, 'daihoi_graphql_request_duration_seconds_bucket', { operation: 'OrgName', le: '0.001' })).toHaveLength(1);
    expect(quantileDelta(before, after, 'daihoi_graphql_request_duration_seconds', 0.5, { operation: 'Schedule' })).toBeGreaterThan(0);

    // Every request's statements (as each response's x-sql-statements told), the 401 one with none.
    expect(delta('daihoi_sql_statements_total')).toBe(statements);
    expect(delta('daihoi_sql_statements_per_request_count')).toBe(6);
    expect(delta('daihoi_sql_statements_per_request_sum')).toBe(statements);
    // Cost spent by the ADMIN: the refused BadPage spent nothing.
    expect(delta('daihoi_graphql_cost_points_total', { role: 'ADMIN' })).toBe(cost);

    // The one write: one flush of the counters before COMMIT, one notification after it.
    expect(delta('daihoi_progress_flush_seconds_count')).toBe(1);
    expect(delta('daihoi_progress_flush_seconds_sum')).toBeGreaterThan(0);
    expect(delta('daihoi_notifications_sent_total')).toBe(1);

    const p = pool(after);
    for (const state of ['used', 'free', 'pending', 'creating']) expect(series(after, 'daihoi_db_pool_connections', { state })).toHaveLength(1);
    expect(p.max).toBe(10);
    expect(p.used + p.free).toBeGreaterThan(0);
    expect(p.pending).toBe(0);
    expect(delta('daihoi_db_pool_acquire_seconds_count')).toBeGreaterThan(0);

    // prom-client's process metrics, on the app's own registry.
    expect(after.has('process_cpu_user_seconds_total')).toBe(true);
    expect(series(after, 'nodejs_eventloop_lag_seconds')).toHaveLength(1);
  });

  it('logs a request slower than SLOW_REQUEST_MS once, with its operation, cost, statements and duration', async () => {
    const slow = lines.filter((l) => l.msg === 'slow request' && l.requestId === 'metrics-test-schedule');
    expect(slow).toHaveLength(1);
    expect(slow[0]).toMatchObject({ level: 'warn', operation: 'Schedule', outcome: 'ok' });
    expect(slow[0].durationMs).toBeGreaterThanOrEqual(1);
    // The figures the response reported (x-sql-statements, extensions.cost).
    expect(scheduled).toBeDefined();
    expect(slow[0].statements).toBe(scheduled!.statements);
    expect(slow[0].cost).toBe(scheduled!.cost);
    expect(slow[0].cost).toBeGreaterThanOrEqual(10);
  });

  it('answers an ADMIN token only: 401 without a valid token, 403 for another role', async () => {
    const none = await getMetrics(app, null);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(JSON.parse(none.text).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await getMetrics(app, 'dh_' + 'x'.repeat(43))).status).toBe(401);
    expect((await getMetrics(app, 'not a token')).status).toBe(401);

    const viewer = await app.principal('VIEWER', ids.get('MX-MA')!);
    const refused = await getMetrics(app, viewer);
    expect(refused.status).toBe(403);
    expect(refused.text).not.toContain('daihoi_');
    expect(JSON.parse(refused.text).errors[0].extensions.code).toBe('FORBIDDEN');

    const ok = await getMetrics(app, app.adminToken);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(ok.text).toContain('# TYPE daihoi_graphql_requests_total counter');
  });

  it('with METRICS_PUBLIC answers without a token; each app counts in its own registry; SLOW_REQUEST_MS=0 logs nothing', async () => {
    const quiet: LogLine[] = [];
    const open = await startTestApp({ metricsPublic: true, slowRequestMs: 0, logger: createLogger('info', { write: (line: string) => void quiet.push(JSON.parse(line)) }) });
    try {
      await open.gql(`query Fresh { __typename }`);
      const res = await getMetrics(open, null);
      expect(res.status).toBe(200);
      const s = parseMetrics(res.text);
      expect(total(s, 'daihoi_graphql_requests_total', { operation: 'Fresh', outcome: 'ok' })).toBe(1);
      // The other app's requests are not here.
      expect(series(s, 'daihoi_graphql_requests_total', { operation: 'OrgName' })).toEqual([]);
      expect(quiet.filter((l) => l.msg === 'slow request')).toEqual([]);
    } finally {
      await open.close();
    }
  });
});

describe('the operation label', () => {
  it(`keeps ${MAX_OPERATION_NAMES} distinct names, then counts new ones as "other"`, () => {
    const m = new Metrics({ processMetrics: false });
    expect(m.operationLabel(null)).toBe('anonymous');
    expect(m.operationLabel('')).toBe('anonymous');
    expect(m.operationLabel('not-a-name')).toBe('other');
    expect(m.operationLabel('x'.repeat(101))).toBe('other');
    for (let i = 0; i < MAX_OPERATION_NAMES; i++) expect(m.operationLabel(`Op${i}`)).toBe(`Op${i}`);
    expect(m.operationLabel('OneTooMany')).toBe('other');
    expect(m.operationLabel('Op7')).toBe('Op7');
  });

  it('an unknown outcome is counted as "other", never as a new label value', async () => {
    const m = new Metrics({ processMetrics: false });
    m.recordRequest({ operation: 'A', outcome: 'SOMETHING_ELSE', role: null, durationSeconds: 0.002, statements: 1, costSpent: 0 });
    const s = parseMetrics(await m.render());
    expect(total(s, 'daihoi_graphql_requests_total', { operation: 'A', outcome: 'other' })).toBe(1);
    expect(s.has('process_cpu_user_seconds_total')).toBe(false);
  });
});
