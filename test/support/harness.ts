import 'reflect-metadata';
import crypto from 'node:crypto';
import type { Server } from 'node:http';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { systemViewer, type Kernel, type Role, type TreeLockMode, type Tx } from '../../src/common/kernel';
import { createPrincipal } from '../../src/access/principal.service';
import { silentLogger, type Logger } from '../../src/common/log';
import { DEFAULT_LIMITS, type LimitsConfig } from '../../src/config';
import { databaseReady, initOrm } from '../../src/database/orm';
import { findDrift, type Drift } from '../../src/progress/progress.rebuild';
import { sqlOf } from '../../src/common/sql';
import { createAppKernel } from '../../src/kernel';
import { createApp } from '../../src/server/app';
import type { LiveServer } from '../../src/server/live.server';
import { Metrics } from '../../src/server/metrics';
import { buildTree, type TreeSpec } from '../../seeds/tree-builder';
import { adminQuery, runPrefix, templateName, withDatabase } from './databases';

export interface GqlResult<T = any> {
  status: number;
  /** The response body, but for `extensions.cost` (in `cost`), so tests can compare bodies whole. */
  body: { data?: T; errors?: { message: string; path?: string[]; extensions?: { code?: string } & Record<string, unknown> }[]; extensions?: Record<string, unknown> };
  /** SQL statements the server sent to PostgreSQL for this request, counted at the driver. */
  statements: number;
  /** The response's `extensions.cost` (src/server/limits.plugin.ts). */
  cost?: { requested: number; limit?: number; remaining?: number; resetAt?: string };
}

/** Takes `extensions.cost` out of a response body (dropping `extensions` when nothing else is in it). */
export function withoutCost(json: Record<string, any>): { body: any; cost: GqlResult['cost'] } {
  const { extensions, ...body } = json;
  if (!extensions) return { body, cost: undefined };
  const { cost, ...others } = extensions;
  return { body: Object.keys(others).length ? { ...body, extensions: others } : body, cost };
}

export interface TestApp {
  url: string;
  orm: MikroORM;
  /** The application's write path, the one the server uses. */
  kernel: Kernel;
  /** Its live updates (src/server/live.server.ts): the hub, the change listener. */
  live: LiveServer;
  /** Runs `work` in one kernel transaction (a system viewer, operation `test` unless named), as a tool would. */
  write<T>(work: (tx: Tx) => Promise<T>, opts?: { operation?: string; treeLock?: TreeLockMode }): Promise<T>;
  /**
   * One GraphQL request over HTTP. It carries the harness's ADMIN token unless `as` names another token (a string
   * from `principal()`), or `null` for no Authorization header at all.
   */
  gql<T = any>(query: string, variables?: Record<string, unknown>, opts?: { as?: string | null; headers?: Record<string, string> }): Promise<GqlResult<T>>;
  /** Makes a principal through the service (as the system) and returns its token. `scope`: an organisation uuid. */
  principal(role: Role, scope?: string | null, opts?: { name?: string; expiresAt?: Date | null }): Promise<string>;
  /** The harness's own ADMIN token. */
  adminToken: string;
  /** Moves the service's "today" (requests and `write`) to `date`, as the next day would (for tests of dated steps). */
  setToday(date: string): void;
  /** Builds a subtree through the same service the API uses; returns code → uuid. */
  tree(spec: TreeSpec, parentId?: string | null, establishedOn?: string): Promise<Map<string, string>>;
  /** Reads through a brand-new connection: what is committed, never the request's cache. */
  readBack<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Every difference between the stored roll-up counters and their recomputation (empty: no drift). */
  drift(): Promise<Drift[]>;
  close(): Promise<void>;
}

/** An API on its own fresh database (cloned from the migrated template), served over real HTTP on a free port. */
export async function startTestApp(
  opts: { today?: string; logger?: Logger; acquireTimeoutMs?: number; anonymousRole?: 'PUBLIC' | null; limits?: Partial<LimitsConfig>; responseCacheMb?: number; slowRequestMs?: number; metricsPublic?: boolean } = {},
): Promise<TestApp> {
  // The production limits, but a budget per minute the suite's many requests cannot spend (test/limits.test.ts spends it).
  const limits: LimitsConfig = { ...DEFAULT_LIMITS, costBudgetPerMinute: 1_000_000_000, ...opts.limits };
  const adminUrl = process.env.DAIHOI_TEST_ADMIN_URL;
  if (!adminUrl) throw new Error('DAIHOI_TEST_ADMIN_URL is not set: run the tests through jest (globalSetup).');
  const database = `${runPrefix()}${crypto.randomBytes(6).toString('hex')}`;
  const template = await ensureTemplate(adminUrl);
  await adminQuery(adminUrl, `create database ${database} template ${template}`);
  const dbUrl = withDatabase(adminUrl, database);
  const orm = await initOrm(dbUrl, { poolMax: 10, logger: silentLogger, acquireTimeoutMs: opts.acquireTimeoutMs, statementTimeoutMs: limits.statementTimeoutMs, parallelWorkers: limits.parallelWorkersPerStatement });
  let today = opts.today ?? '2026-11-27';
  // One app's metrics, shared by its server and its kernel (as src/main.ts wires them).
  const metrics = new Metrics();
  const kernel = createAppKernel(orm, { logger: opts.logger ?? silentLogger, metrics });
  const write: TestApp['write'] = (work, o = {}) =>
    kernel.withTransaction({ operation: o.operation ?? 'test', viewer: systemViewer('test'), today }, work, { treeLock: o.treeLock });
  const { app, apollo, attachLive } = await createApp({
    orm,
    kernel,
    // The response cache is on, as in production: every test that reads after a write checks it serves nothing stale.
    config: { introspection: true, sqlStatementHeader: true, anonymousRole: opts.anonymousRole ?? null, limits, responseCacheMb: opts.responseCacheMb ?? 8, slowRequestMs: opts.slowRequestMs ?? 0, metricsPublic: opts.metricsPublic ?? false },
    metrics,
    logger: opts.logger ?? silentLogger,
    today: () => today,
    ready: () => databaseReady(orm),
  });
  const principal: TestApp['principal'] = async (role, scope = null, o = {}) =>
    write(async (tx) => (await createPrincipal(tx, { name: o.name ?? `test ${role}`, role, scopeId: scope, expiresAt: o.expiresAt ?? null })).token, { operation: 'testPrincipal' });
  const adminToken = await principal('ADMIN', null, { name: 'test admin' });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  // Longer than the test client's (undici's) idle keep-alive: the server never closes a socket the client is about to
  // reuse (ECONNRESET when both sides share one busy event loop).
  server.keepAliveTimeout = 60_000;
  // Live updates (subscriptions over WebSocket) on the same server, as src/main.ts attaches them.
  const live = await attachLive(server);
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  return {
    url,
    orm,
    kernel,
    live,
    write,
    adminToken,
    principal,
    setToday(date) {
      today = date;
    },
    async gql(query, variables, o = {}) {
      const token = o.as === undefined ? adminToken : o.as;
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...(o.headers ?? {}) },
        body: JSON.stringify({ query, variables }),
      });
      const { body, cost } = withoutCost((await res.json()) as Record<string, any>);
      return { status: res.status, body, cost, statements: Number(res.headers.get('x-sql-statements') ?? NaN) };
    },
    async tree(spec, parentId = null, establishedOn = '2020-01-01') {
      return write((tx) => buildTree(tx, spec, { parentId, establishedOn }), { operation: 'testTree' });
    },
    drift: () => findDrift(sqlOf(orm.em.fork() as EntityManager)),
    async readBack(text, params = []) {
      const client = new Client({ connectionString: dbUrl });
      await client.connect();
      try {
        return (await client.query(text, params)).rows;
      } finally {
        await client.end();
      }
    },
    async close() {
      await live.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await apollo.stop();
      await orm.close(true);
      await adminQuery(adminUrl, `drop database if exists ${database} with (force)`);
    },
  };
}

/** Creates and migrates the template once per run; an advisory lock makes parallel test files wait for the first. */
async function ensureTemplate(adminUrl: string): Promise<string> {
  const TEMPLATE_DB = templateName();
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock(727002)');
    const found = await client.query('select 1 from pg_database where datname = $1', [TEMPLATE_DB]);
    if (found.rowCount === 0) {
      const building = `${TEMPLATE_DB}_building`;
      await client.query(`drop database if exists ${building} with (force)`);
      await client.query(`create database ${building}`);
      const orm = await initOrm(withDatabase(adminUrl, building), { poolMax: 2, logger: silentLogger });
      await orm.getMigrator().up();
      await orm.close(true);
      await client.query(`alter database ${building} rename to ${TEMPLATE_DB}`);
    }
  } finally {
    await client.query('select pg_advisory_unlock(727002)').catch(() => undefined);
    await client.end();
  }
  return TEMPLATE_DB;
}

export const globalId = (type: string, uuid: string) => Buffer.from(`${type}:${uuid}`).toString('base64url');

export const SNAPSHOT_TABLES = [
  'organization',
  'organization_placement',
  'organization_name',
  'congress',
  'congress_event',
  'term_calendar',
  'term_calendar_history',
  'organization_member_count',
  'congress_plan_history',
  'restructuring',
  'restructuring_participant',
  'restructuring_pending',
  'restructuring_event',
  'organization_lineage',
  'congress_rule',
  'congress_level_rule',
  'progress_counter',
  'progress_override',
  'readiness_report',
  'congress_complaint_count',
  'risk_threshold',
  'risk_threshold_history',
];

/** Everything the business tables hold, read through a fresh connection, for "the database is unchanged" assertions. */
export async function snapshot(app: TestApp) {
  // One statement on one fresh connection: each table's row count and a digest of all its rows (in a stable order).
  const rows = await app.readBack<{ t: string; n: number; digest: string }>(
    SNAPSHOT_TABLES.map((table) => `select '${table}' as t, count(*)::int as n, md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as digest from ${table} x`).join(' union all '),
  );
  return Object.fromEntries(rows.map((r) => [r.t, { rows: r.n, digest: r.digest }]));
}

/**
 * Runs a mutation that must be refused with `code` (at `field`, when given): no top-level error, every payload field
 * but `userErrors` null, and every business table exactly as before. Returns the user errors.
 */
export async function expectRefused(app: TestApp, query: string, input: Record<string, unknown>, code: string, field?: string[]) {
  const before = await snapshot(app);
  const { body } = await app.gql(query, { input });
  expect(body.errors).toBeUndefined();
  const { userErrors, ...rest } = Object.values(body.data)[0] as { userErrors: { code: string; field: string[] | null; message: string }[] };
  for (const value of Object.values(rest)) expect(value).toBeNull();
  expect(userErrors.map((e) => e.code)).toContain(code);
  if (field) expect(userErrors.find((e) => e.code === code)?.field).toEqual(field);
  expect(await snapshot(app)).toEqual(before);
  return userErrors;
}
