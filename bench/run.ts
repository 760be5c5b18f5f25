import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { sqlOfClient } from '../src/common/sql';
import { findDrift } from '../src/progress/progress.rebuild';

/**
 * `npm run bench -- [--orgs 100000] [--duration 10] [--reuse]`: builds a synthetic national tree in the database at
 * BENCH_DATABASE_URL (default: the machine's PostgreSQL, database daihoi_bench), starts the API (production mode) on
 * it, drives it over HTTP with autocannon and prints p50/p95/p99, requests/s, SQL statements per request and the
 * server's peak RSS beside each target, plus the database floor. Results go to bench/results/<orgs>.json.
 */

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const ORGS = Number(opt('orgs', '100000'));
const DURATION = Number(opt('duration', '10'));
const PORT = Number(opt('port', '4555'));
const ROOT_DIR = path.resolve(__dirname, '../..');
const BASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_URL = (() => {
  const u = new URL(BASE_URL);
  u.pathname = `/daihoi_bench_${ORGS}`;
  return u.toString();
})();
const API = `http://127.0.0.1:${PORT}/graphql`;

const DASHBOARD = `query($root: ID!) { node(id: $root) { ... on Organization {
  name progress { organizations congressesExpected held heldRatio overdue members byLevel { level organizations congressesExpected held overdue } }
  children(first: 50) { totalCount nodes { name level progress { organizations congressesExpected held heldRatio overdue } congress { stage overdue } pendingRestructuring { kind } } }
} } }`;
const MINISTRY = `query($id: ID!) { node(id: $id) { ... on Organization {
  name progress { organizations held heldRatio overdue byStage { stage count } }
  descendants(first: 100) { totalCount nodes { name level congress { stage plannedStart overdue } } }
} } }`;
const OVERDUE = `query($root: ID!) { congresses(under: $root, overdue: true, first: 100) { totalCount nodes { plannedStart stage organization { name } } } }`;
/** Past-date roll-ups of the root's children (the largest subtrees): cost 1 + 1 + 50 × (1 + 10) = 552 (src/server/limits.cost.ts). */
const HEAVY = `query($root: ID!) { node(id: $root) { ... on Organization {
  children(first: 50, asOf: "2025-06-01") { nodes { progress { held overdue members } } }
} } }`;
/** The `limits` server's budget per minute: the dashboard (20 requests/s × 204 points) stays within it, the heavy client does not. */
const LIMITS_BUDGET = 300_000;
const LIMITS_DASHBOARD_RATE = 20;
const ADVANCE = `mutation($input: CongressAdvanceInput!) { congressAdvance(input: $input) { congress { version } userErrors { code } } }`;

const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64url');

interface Row {
  scenario: string;
  connections: number;
  p50: number;
  /** autocannon reports p97.5, not p95: an upper bound of p95, held to the p95 targets. */
  p97_5: number;
  p99: number;
  rps: number;
  errors: number;
  statements: number | null;
}

async function admin<T>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

function run(cmd: string, cmdArgs: string[], env: NodeJS.ProcessEnv) {
  const r = spawnSync(cmd, cmdArgs, { env: { ...process.env, ...env }, cwd: ROOT_DIR, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${cmd} ${cmdArgs.join(' ')} failed`);
}

/**
 * The API on `port`. Every bench client comes from 127.0.0.1, one anonymous budget: it is made large enough here for
 * the scenarios to measure the service, not its budget (the `limits` scenario starts its own server).
 */
/** The bench's ADMIN token (BOOTSTRAP_TOKEN of the main server): every main scenario sends it. */
const BENCH_TOKEN = `dh_${crypto.randomBytes(32).toString('base64url')}`;
const AUTH = { authorization: `Bearer ${BENCH_TOKEN}` };

async function startServer(port = PORT, env: NodeJS.ProcessEnv = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: ROOT_DIR,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: DB_URL,
      SQL_STATEMENT_HEADER: 'true',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      DB_POOL_MAX: '20',
      INTROSPECTION: 'false',
      COST_BUDGET_PER_MINUTE: '1000000000',
      BOOTSTRAP_TOKEN: BENCH_TOKEN,
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return child;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill();
  throw new Error('the API did not become ready');
}

async function post(query: string, variables: Record<string, unknown>) {
  const res = await fetch(API, { method: 'POST', headers: { 'content-type': 'application/json', ...AUTH }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return { statements: Number(res.headers.get('x-sql-statements')), body };
}

async function cannon(opts: Omit<autocannon.Options, 'url'> & { url?: string }): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ url: API, ...opts, method: 'POST', headers: { 'content-type': 'application/json', ...(opts.url ? {} : AUTH), ...opts.headers } }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

const rowOf = (scenario: string, connections: number, r: autocannon.Result, statements: number | null, extraErrors = 0): Row => ({
  scenario,
  connections,
  p50: r.latency.p50,
  p97_5: r.latency.p97_5,
  p99: r.latency.p99,
  rps: Math.round(r.requests.average),
  errors: r.errors + r.non2xx + r.timeouts + extraErrors,
  statements,
});

function peakRss(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
}

async function main() {
  // 1. The synthetic tree (reused when the database already holds one of this size).
  const exists = (await admin<{ n: number }>(BASE_URL, 'select count(*)::int as n from pg_database where datname = $1', [`daihoi_bench_${ORGS}`]))[0].n > 0;
  if (!exists) await admin(BASE_URL, `create database daihoi_bench_${ORGS}`);
  const have = exists ? await admin<{ n: number }>(DB_URL, `select count(*)::int as n from organization`).catch(() => [{ n: 0 }]) : [{ n: 0 }];
  if (!args.includes('--reuse') || have[0].n !== ORGS) {
    console.log(`seeding a synthetic tree of ${ORGS} organisations…`);
    run(process.execPath, ['dist/src/tools/seed-synthetic.js', '--orgs', String(ORGS), '--replace'], { DATABASE_URL: DB_URL, SEED_DEMO: 'false' });
  }
  const server = await startServer();
  try {
    const [root] = await admin<{ id: string }>(DB_URL, `select id from organization where level = 'CENTRAL_COMMITTEE' and ended_on is null limit 1`);
    const [ministry] = await admin<{ id: string }>(
      DB_URL,
      `select p.parent_id as id from organization_placement p join organization o on o.id = p.parent_id
        where p.valid_to is null and o.level = 'ABOVE_BASE' group by p.parent_id order by count(*) desc limit 1`,
    );
    const rootId = gid('Organization', root.id);
    const dashBody = JSON.stringify({ query: DASHBOARD, variables: { root: rootId } });
    const rows: Row[] = [];
    const statementsOf = async (q: string, v: Record<string, unknown>) => (await post(q, v)).statements;
    const dashStatements = await statementsOf(DASHBOARD, { root: rootId });
    for (let i = 0; i < 20; i++) await post(DASHBOARD, { root: rootId }); // warm up

    rows.push(rowOf('dashboard', 1, await cannon({ connections: 1, duration: DURATION, body: dashBody }), dashStatements));
    rows.push(rowOf('dashboard', 16, await cannon({ connections: 16, duration: DURATION, body: dashBody }), dashStatements));
    const minBody = JSON.stringify({ query: MINISTRY, variables: { id: gid('Organization', ministry.id) } });
    rows.push(rowOf('ministry', 1, await cannon({ connections: 1, duration: DURATION, body: minBody }), await statementsOf(MINISTRY, { id: gid('Organization', ministry.id) })));
    const overBody = JSON.stringify({ query: OVERDUE, variables: { root: rootId } });
    rows.push(rowOf('overdue', 1, await cannon({ connections: 1, duration: DURATION, body: overBody }), await statementsOf(OVERDUE, { root: rootId })));

    // Writes: congressAdvance on random cells (each used once, so the version is known) while the dashboard runs.
    const cells = await admin<{ id: string; version: number; stage: string }>(
      DB_URL,
      `select c.id, c.version, c.stage from congress c join organization o on o.id = c.organization_id
        where o.level = 'CELL' and c.stage in ('NOT_STARTED', 'PLAN_ISSUED', 'DOCUMENTS_DRAFTED') order by random() limit 20000`,
    );
    let next = 0;
    let userErrors = 0;
    const writeStatements = (await post(ADVANCE, { input: { id: gid('Congress', cells[0].id), version: cells[0].version, stage: 'APPROVED' } })).statements;
    next = 1;
    const [writes, during] = await Promise.all([
      cannon({
        connections: 4,
        duration: DURATION,
        requests: [
          {
            setupRequest: (req) => {
              const c = cells[next++ % cells.length];
              return { ...req, body: JSON.stringify({ query: ADVANCE, variables: { input: { id: gid('Congress', c.id), version: c.version, stage: 'APPROVED', reason: 'bench' } } }) };
            },
            onResponse: (_status, body) => {
              if (/"userErrors":\[\{/.test(body) || /"errors"/.test(body)) userErrors++;
            },
          },
        ],
      }),
      cannon({ connections: 8, duration: DURATION, body: dashBody }),
    ]);
    rows.push(rowOf('write', 4, writes, writeStatements, userErrors));
    rows.push(rowOf('dashboard during writes', 8, during, dashStatements));

    // Limits: a client at its budget in a loop beside another client's dashboard.
    const limits = await limitsScenario(rootId);
    rows.push(rowOf(`dashboard at ${LIMITS_DASHBOARD_RATE}/s, quiet (limits server)`, 1, limits.quiet, dashStatements));
    rows.push(rowOf(`dashboard at ${LIMITS_DASHBOARD_RATE}/s beside a client at its budget`, 1, limits.loaded, dashStatements));
    rows.push({
      ...rowOf(`heavy client at its budget (${limits.primed} spent first; then ${limits.refused} refused, ${limits.served} served)`, 8, limits.heavy, null),
      errors: limits.heavy.errors + limits.heavy.timeouts,
    });

    // The database floor: the same roll-up read straight through pg (root and its first 50 children's counters).
    const client = new Client({ connectionString: DB_URL });
    await client.connect();
    const children = (await client.query(`select organization_id as id from organization_placement where parent_id = $1 and valid_to is null limit 50`, [root.id])).rows.map((r) => r.id);
    const ids = `{${[root.id, ...children].join(',')}}`;
    const floor: number[] = [];
    for (let i = 0; i < 300; i++) {
      const t = process.hrtime.bigint();
      await client.query(`select * from progress_counter where organization_id = any($1::uuid[])`, [ids]);
      floor.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    floor.sort((a, b) => a - b);
    const floorP50 = floor[Math.floor(floor.length / 2)];
    const drift = await findDrift(sqlOfClient(client), 10);
    await client.end();
    const rss = peakRss(server.pid!);

    const dash1 = rows[0];
    const dash16 = rows[1];
    const write = rows.find((r) => r.scenario === 'write')!;
    const targets = [
      ['dashboard p95 at c=1 (p97.5 shown)', `${dash1.p97_5} ms`, '≤ 25 ms', dash1.p97_5 <= 25],
      [
        'dashboard p95 beside a client at its budget (p97.5 shown; quiet beside it)',
        `${limits.loaded.latency.p97_5} ms (quiet ${limits.quiet.latency.p97_5} ms)`,
        '≤ 25 ms',
        limits.loaded.latency.p97_5 <= 25,
      ],
      ['dashboard req/s at c=16', `${dash16.rps}`, '≥ 300', dash16.rps >= 300],
      ['write p95 (p97.5 shown)', `${write.p97_5} ms`, '≤ 30 ms', write.p97_5 <= 30],
      ['write errors', `${write.errors}`, '0', write.errors === 0],
      ['drift after writes', `${drift.length}`, '0', drift.length === 0],
      ['dashboard SQL statements', `${dashStatements}`, '≤ 8', dashStatements <= 8],
    ] as const;
    console.log(`\n## ${ORGS.toLocaleString('en')} organisations, ${DURATION} s per scenario\n`);
    console.log('| scenario | conns | p50 ms | p97.5 ms | p99 ms | req/s | errors | SQL/request |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.scenario} | ${r.connections} | ${r.p50} | ${r.p97_5} | ${r.p99} | ${r.rps} | ${r.errors} | ${r.statements ?? ''} |`);
    console.log(`\nserver peak RSS: ${(rss / 1048576).toFixed(0)} MiB`);
    console.log(`database floor (counters of root + 50 children through pg): p50 ${floorP50.toFixed(2)} ms; dashboard p50 / floor = ${(dash1.p50 / floorP50).toFixed(1)}×\n`);
    console.log('| target | reached | wanted | met |');
    console.log('|---|---|---|---|');
    for (const [name, got, want, ok] of targets) console.log(`| ${name} | ${got} | ${want} | ${ok ? 'yes' : 'no'} |`);
    const out = { organizations: ORGS, durationSeconds: DURATION, date: new Date().toISOString(), rows, peakRssBytes: rss, floorP50Ms: floorP50, drift: drift.length, targets: targets.map(([name, got, want, ok]) => ({ name, got, want, ok })) };
    fs.mkdirSync(path.join(ROOT_DIR, 'bench/results'), { recursive: true });
    fs.writeFileSync(path.join(ROOT_DIR, `bench/results/${ORGS}.json`), JSON.stringify(out, null, 2) + '\n');
  } finally {
    server.kill('SIGTERM');
  }
}

/**
 * `limits`: a second API (port + 1) with a budget of LIMITS_BUDGET points per minute. The dashboard is a principal's
 * (BOOTSTRAP_TOKEN) at LIMITS_DASHBOARD_RATE requests/s, the heavy client anonymous (ANONYMOUS_ROLE=PUBLIC): separate
 * budgets. First the dashboard alone; then the heavy client spends its whole budget on HEAVY (8 at once, until the
 * first RATE_LIMITED, at most 60 s) and goes on in a loop — refused before execution until its window starts afresh,
 * then spending it again — while the dashboard runs again. Compare the dashboard's p97.5 quiet and loaded.
 */
async function limitsScenario(rootId: string) {
  const port = PORT + 1;
  const url = `http://127.0.0.1:${port}/graphql`;
  const token = `dh_${crypto.randomBytes(32).toString('base64url')}`;
  const server = await startServer(port, { ANONYMOUS_ROLE: 'PUBLIC', BOOTSTRAP_TOKEN: token, COST_BUDGET_PER_MINUTE: String(LIMITS_BUDGET) });
  try {
    const auth = { authorization: `Bearer ${token}` };
    const dashBody = JSON.stringify({ query: DASHBOARD, variables: { root: rootId } });
    const heavyBody = JSON.stringify({ query: HEAVY, variables: { root: rootId } });
    const send = async (body: string, headers: Record<string, string> = {}) => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      await res.text();
      return res.status;
    };
    for (let i = 0; i < 20; i++) await send(dashBody, auth); // warm up
    const dashboard = () => cannon({ url, connections: 1, overallRate: LIMITS_DASHBOARD_RATE, duration: DURATION, body: dashBody, headers: auth });
    const quiet = await dashboard();

    let primed = 0;
    let atBudget = false;
    const until = Date.now() + 60_000;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (!atBudget && Date.now() < until) {
          if ((await send(heavyBody)) === 429) atBudget = true;
          else primed++;
        }
      }),
    );
    let refused = 0;
    let served = 0;
    const [loaded, heavy] = await Promise.all([
      dashboard(),
      cannon({
        url,
        connections: 8,
        duration: DURATION,
        requests: [{ body: heavyBody, onResponse: (status: number) => void (status === 429 ? refused++ : served++) }],
      }),
    ]);
    return { quiet, loaded, heavy, primed, refused, served };
  } finally {
    server.kill('SIGTERM');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
