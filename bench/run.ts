import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { sqlOfClient } from '../src/common/sql';
import { findDrift } from '../src/progress/progress.rebuild';
import { histogram, scrape, total, type Scrape } from './metrics';

/**
 * `npm run bench -- [--orgs 100000] [--duration 10] [--reuse] [--port 4555]`: builds a synthetic national forest in
 * the database daihoi_bench_<orgs> at BENCH_DATABASE_URL, starts the API (production mode) on it, drives it over HTTP
 * with autocannon as a VIEWER scoped to the root (reads) and EDITORs scoped to committees (writes), and prints every
 * figure of step 8 beside its target. Statements per request and the pool's use come from the servers' GET /metrics.
 * Results go to bench/results/<orgs>.json. See bench/README.md.
 */

const args = process.argv.slice(2);
/** A `--name value` option of the command line, else `fallback`. */
export const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
export const ORGS = Number(opt('orgs', '100000'));
const DURATION = Number(opt('duration', '10'));
export const PORT = Number(opt('port', '4555'));
/** `--only limits` or `--only write`: that scenario alone, printed and not written to the results (while working on it). */
const ONLY = opt('only', '');
export const ROOT_DIR = path.resolve(__dirname, '../..');
const BASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = `daihoi_bench_${ORGS}`;
export const DB_URL = (() => {
  const u = new URL(BASE_URL);
  u.pathname = `/${DB_NAME}`;
  return u.toString();
})();
const RESULTS = path.join(ROOT_DIR, `bench/results/${ORGS}.json`);

export const DASHBOARD = `query($root: ID!, $asOf: Date) { node(id: $root) { ... on Organization {
  name progress(asOf: $asOf) { organizations congressesExpected held heldRatio overdue members byLevel { level organizations congressesExpected held overdue } }
  children(first: 50, asOf: $asOf) { totalCount nodes { name level progress { organizations congressesExpected held heldRatio overdue } congress { stage overdue } pendingRestructuring { kind } } }
} } }`;
const MINISTRY = `query($id: ID!) { node(id: $id) { ... on Organization {
  name progress { organizations held heldRatio overdue byStage { stage count } }
  descendants(first: 100) { totalCount nodes { name level congress { stage plannedStart overdue } } }
} } }`;
const OVERDUE_CONGRESSES = `query($root: ID!) { congresses(under: $root, overdue: true, first: 100) { totalCount nodes { plannedStart stage organization { name } } } }`;
const OVERDUE_ORGANIZATIONS = `query($root: ID!) { organizations(under: $root, overdue: true, first: 100) { totalCount nodes { name level overdueReason } } }`;
/**
 * Past-date roll-ups of the root's children (the largest subtrees): cost 1 + 1 + 50 × (1 + 10) = 552
 * (src/server/limits.cost.ts). The heavy client asks for a different day each time, so no answer can be reused.
 */
const HEAVY = `query($root: ID!, $asOf: Date!) { node(id: $root) { ... on Organization {
  children(first: 50, asOf: $asOf) { nodes { progress { held overdue members } } }
} } }`;
let heavyDay = 0;
/** The next day of 2025 for the heavy client. */
const heavyBody = (rootId: string) =>
  JSON.stringify({ query: HEAVY, variables: { root: rootId, asOf: new Date(Date.UTC(2025, 0, 1 + (heavyDay++ % 365))).toISOString().slice(0, 10) } });
/** The `limits` server's budget per minute: the dashboard (20 requests/s × its cost) stays within it, the heavy client does not. */
const LIMITS_BUDGET = 300_000;
const LIMITS_DASHBOARD_RATE = 20;
const ADVANCE = `mutation($input: CongressAdvanceInput!) { congressAdvance(input: $input) { congress { version } userErrors { code } } }`;
/** The main line a congress is walked along by the write scenario (back to its start with a reason). */
const CYCLE = ['PLAN_ISSUED', 'DOCUMENTS_DRAFTED', 'PERSONNEL_PLANNED', 'APPROVED'];
export const WRITERS = 8;

export const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64url');

interface Row {
  scenario: string;
  connections: number;
  p50: number;
  /** autocannon reports p97.5, not p95: an upper bound of p95, held to the p95 targets. */
  p97_5: number;
  p99: number;
  rps: number;
  errors: number;
  /** SQL statements per request, from the server's /metrics (histogram sum ÷ count over the run). */
  statements: number | null;
}

export async function admin<T>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

/** The bench's ADMIN token (BOOTSTRAP_TOKEN of every server it starts): it makes the other principals and reads /metrics. */
export const ADMIN_TOKEN = `dh_${crypto.randomBytes(32).toString('base64url')}`;

export interface Api {
  url: string;
  base: string;
  child: ChildProcess;
}

export async function startServer(port: number, env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []): Promise<Api> {
  const child = spawn(process.execPath, [...nodeArgs, 'dist/src/main.js'], {
    cwd: ROOT_DIR,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: DB_URL,
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      DB_POOL_MAX: '20',
      INTROSPECTION: 'false',
      COST_BUDGET_PER_MINUTE: '1000000000',
      BOOTSTRAP_TOKEN: ADMIN_TOKEN,
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 400; i++) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) return { url: `${base}/graphql`, base, child };
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill();
  throw new Error('the API did not become ready');
}

export async function post(api: Api, token: string, query: string, variables: Record<string, unknown>) {
  const res = await fetch(api.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { errors?: unknown; data?: any };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

export async function cannon(api: Api, token: string | null, opts: Omit<autocannon.Options, 'url'>): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      { url: api.url, ...opts, method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...opts.headers } },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

/** Runs `work` between two scrapes of the server's /metrics; returns its result and the statements per GraphQL request. */
async function measured<T>(api: Api, work: () => Promise<T>): Promise<{ result: T; statements: number | null; after: Scrape }> {
  const before = await scrape(api.base, ADMIN_TOKEN);
  const result = await work();
  const after = await scrape(api.base, ADMIN_TOKEN);
  const name = 'daihoi_sql_statements_per_request';
  const d = { sum: histogram(after, name).sum - histogram(before, name).sum, count: histogram(after, name).count - histogram(before, name).count };
  return { result, statements: d.count > 0 ? Math.round((d.sum / d.count) * 10) / 10 : null, after };
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

export function peakRss(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
}

/** Seeds the synthetic tree unless `--reuse` (or `reuse`) finds one of this size; returns how long seeding took (null: reused). */
export async function ensureTree(reuse = args.includes('--reuse')): Promise<number | null> {
  const exists = (await admin<{ n: number }>(BASE_URL, 'select count(*)::int as n from pg_database where datname = $1', [DB_NAME]))[0].n > 0;
  if (!exists) await admin(BASE_URL, `create database ${DB_NAME}`);
  const have = exists ? await admin<{ n: number }>(DB_URL, `select count(*)::int as n from organization`).catch(() => [{ n: 0 }]) : [{ n: 0 }];
  if (reuse && have[0].n === ORGS) return null;
  console.log(`seeding a synthetic tree of ${ORGS} organisations…`);
  const started = Date.now();
  const r = spawnSync(process.execPath, ['dist/src/tools/seed-synthetic.js', '--orgs', String(ORGS), '--replace'], {
    env: { ...process.env, DATABASE_URL: DB_URL, SEED_DEMO: 'false', STATEMENT_TIMEOUT_MS: '0' },
    cwd: ROOT_DIR,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('seed:synthetic failed');
  return (Date.now() - started) / 1000;
}

async function main() {
  const seeded = await ensureTree();
  const previous = fs.existsSync(RESULTS) ? (JSON.parse(fs.readFileSync(RESULTS, 'utf8')) as { seedSeconds?: number | null }) : null;
  const seedSeconds = seeded ?? previous?.seedSeconds ?? null;

  // Three servers on the same database: the production configuration, the same without the response cache (every
  // answer computed: what a first request, or any request while writes commit, costs), and one with a budget (limits).
  const main = await startServer(PORT);
  const uncached = await startServer(PORT + 2, { RESPONSE_CACHE_MB: '0' });
  const servers: ChildProcess[] = [main.child, uncached.child];
  try {
    const [root] = await admin<{ id: string }>(DB_URL, `select id from organization where level = 'CENTRAL_COMMITTEE' and ended_on is null order by code limit 1`);
    const [ministry] = await admin<{ id: string }>(
      DB_URL,
      `select p.parent_id as id from organization_placement p join organization o on o.id = p.parent_id
        where p.valid_to is null and o.level = 'ABOVE_BASE' group by p.parent_id order by count(*) desc, p.parent_id limit 1`,
    );
    const rootId = gid('Organization', root.id);

    // Principals: a VIEWER scoped to the root reads; each writer is an EDITOR scoped to the committee its congresses are under.
    const makePrincipal = async (name: string, role: string, scope: string) => {
      const data = await post(main, ADMIN_TOKEN, `mutation($input: PrincipalCreateInput!) { principalCreate(input: $input) { token userErrors { code } } }`, {
        input: { name, role, scope: gid('Organization', scope) },
      });
      if (!data.principalCreate.token) throw new Error(JSON.stringify(data.principalCreate.userErrors));
      return data.principalCreate.token as string;
    };
    const viewer = await makePrincipal(`bench viewer ${Date.now()}`, 'VIEWER', root.id);

    const rows: Row[] = [];
    const dashBody = JSON.stringify({ query: DASHBOARD, variables: { root: rootId } });
    if (ONLY) {
      await onlyScenario(ONLY, { main, rootId, viewer, dashBody, makePrincipal, servers });
      return;
    }
    for (let i = 0; i < 20; i++) await post(main, viewer, DASHBOARD, { root: rootId }); // warm up
    for (let i = 0; i < 5; i++) await post(uncached, viewer, DASHBOARD, { root: rootId });

    const read = async (api: Api, label: string, connections: number, body: string) => {
      const m = await measured(api, () => cannon(api, viewer, { connections, duration: DURATION, body }));
      const row = rowOf(label, connections, m.result, m.statements);
      rows.push(row);
      return row;
    };
    const dash1 = await read(main, 'dashboard', 1, dashBody);
    const dash16 = await read(main, 'dashboard', 16, dashBody);
    const dashCold1 = await read(uncached, 'dashboard, uncached', 1, dashBody);
    const dashCold16 = await read(uncached, 'dashboard, uncached', 16, dashBody);
    const minBody = JSON.stringify({ query: MINISTRY, variables: { id: gid('Organization', ministry.id) } });
    const ministry1 = await read(main, 'ministry', 1, minBody);
    const ministryCold = await read(uncached, 'ministry, uncached', 1, minBody);
    const overC = JSON.stringify({ query: OVERDUE_CONGRESSES, variables: { root: rootId } });
    const overO = JSON.stringify({ query: OVERDUE_ORGANIZATIONS, variables: { root: rootId } });
    const overdueC = await read(main, 'overdue congresses', 1, overC);
    const overdueCCold = await read(uncached, 'overdue congresses, uncached', 1, overC);
    const overdueO = await read(main, 'overdue organizations', 1, overO);
    const overdueOCold = await read(uncached, 'overdue organizations, uncached', 1, overO);

    // The dashboard on a past date: three months before the latest dated change (every request computed: uncached).
    const watermark = await pastWatermark();
    const pastBody = JSON.stringify({ query: DASHBOARD, variables: { root: rootId, asOf: watermark } });
    await post(uncached, viewer, DASHBOARD, { root: rootId, asOf: watermark }).catch((err) => console.log(`past-date dashboard: ${String(err).slice(0, 200)}`));
    const past = await read(uncached, `dashboard asOf ${watermark} (3 months before the latest change), uncached`, 1, pastBody);
    const april = await read(uncached, 'dashboard asOf 2025-04-15, uncached', 1, JSON.stringify({ query: DASHBOARD, variables: { root: rootId, asOf: '2025-04-15' } }));

    // Writes: congressAdvance by WRITERS EDITORs, each on congresses under its own committee, while the dashboard runs at 8.
    const writers = await writerSetup(makePrincipal);
    let userErrors = 0;
    let samples: Scrape[] = [];
    const sampling = setInterval(() => void scrape(main.base, ADMIN_TOKEN).then((s) => samples.push(s)).catch(() => undefined), 1000);
    const [writes, during] = await Promise.all([
      measured(main, () =>
        cannon(main, null, {
          connections: WRITERS,
          duration: DURATION,
          requests: advanceRequests(writers, () => userErrors++),
        }),
      ),
      cannon(main, viewer, { connections: 8, duration: DURATION, body: dashBody }),
    ]);
    clearInterval(sampling);
    const write = rowOf(`write (congressAdvance, ${WRITERS} EDITORs)`, WRITERS, writes.result, writes.statements, userErrors);
    rows.push(write);
    rows.push(rowOf('dashboard during writes', 8, during, null));
    const poolPending = Math.max(0, ...samples.map((s) => total(s, 'daihoi_db_pool_connections', { state: 'pending' })));
    const poolUsed = Math.max(0, ...samples.map((s) => total(s, 'daihoi_db_pool_connections', { state: 'used' })));
    samples = [];

    // Limits: a client at its budget in a loop beside another client's dashboard.
    const limits = await limitsScenario(rootId, viewer, servers);
    rows.push(rowOf(`dashboard at ${LIMITS_DASHBOARD_RATE}/s, quiet (limits server)`, 1, limits.quiet, null));
    rows.push(rowOf(`dashboard at ${LIMITS_DASHBOARD_RATE}/s beside a client at its budget`, 1, limits.loaded, null));
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
    const rssEach = servers.map((s) => peakRss(s.pid!));
    const rss = Math.max(...rssEach);
    console.log(`peak RSS per server (production, uncached, limits): ${rssEach.map((b) => `${(b / 1048576).toFixed(0)} MiB`).join(', ')}`);

    const small = path.join(ROOT_DIR, 'bench/results/1000.json');
    const smallStatements = ORGS !== 1000 && fs.existsSync(small) ? ((JSON.parse(fs.readFileSync(small, 'utf8')) as { dashboardStatements?: number }).dashboardStatements ?? null) : null;
    const dashStatements = dashCold1.statements ?? NaN;
    const writeRate = write.rps;
    const targets: [string, string, string, boolean][] = [
      ['dashboard p95, 1 connection (p97.5 shown; uncached beside it)', `${dash1.p97_5} ms (${dashCold1.p97_5} ms)`, '≤ 10 ms', dash1.p97_5 <= 10],
      ['dashboard requests/s, 16 connections (uncached beside it)', `${dash16.rps} (${dashCold16.rps})`, '≥ 400', dash16.rps >= 400],
      ['API p50 ÷ database floor (uncached beside it)', `${(dash1.p50 / floorP50).toFixed(1)}× (${(dashCold1.p50 / floorP50).toFixed(1)}×)`, '≤ 3×', dash1.p50 / floorP50 <= 3],
      [
        'SQL statements per dashboard, computed (cached: 1)',
        `${dashStatements}${smallStatements !== null ? ` (${smallStatements} at 1,000)` : ''}`,
        '≤ 8, same at 1,000',
        dashStatements <= 8 && (smallStatements === null || smallStatements === dashStatements),
      ],
      ['ministry p95, 1 connection (uncached beside it)', `${ministry1.p97_5} ms (${ministryCold.p97_5} ms)`, '≤ 15 ms', ministry1.p97_5 <= 15],
      [
        'overdue lists p95: congresses / organizations (uncached beside them)',
        `${overdueC.p97_5} / ${overdueO.p97_5} ms (${overdueCCold.p97_5} / ${overdueOCold.p97_5} ms)`,
        '≤ 50 ms',
        Math.max(overdueC.p97_5, overdueO.p97_5) <= 50,
      ],
      ['dashboard on a past date p95, computed every time', `${past.p97_5} ms${past.errors ? ` (${past.errors} errors)` : ''}`, '≤ 200 ms', past.p97_5 <= 200 && past.errors === 0],
      ['writes/s while the dashboard runs at 8', `${writeRate}`, '≥ 300', writeRate >= 300],
      ['write p95 (p97.5 shown)', `${write.p97_5} ms`, '≤ 30 ms', write.p97_5 <= 30],
      ['write errors / drift after writes', `${write.errors} / ${drift.length}`, '0 / 0', write.errors === 0 && drift.length === 0],
      [
        'dashboard p95 beside a client at its budget ÷ quiet',
        `${limits.loaded.latency.p97_5} ÷ ${limits.quiet.latency.p97_5} ms = ${(limits.loaded.latency.p97_5 / Math.max(1, limits.quiet.latency.p97_5)).toFixed(1)}×`,
        '≤ 2×',
        limits.loaded.latency.p97_5 <= 2 * Math.max(1, limits.quiet.latency.p97_5),
      ],
      ['peak RSS of a server', `${(rss / 1048576).toFixed(0)} MiB`, '≤ 300 MiB', rss <= 300 * 1048576],
      ['seed:synthetic', seedSeconds === null ? 'not measured' : `${seedSeconds.toFixed(0)} s`, '< 180 s', seedSeconds !== null && seedSeconds < 180],
    ];
    console.log(`\n## ${ORGS.toLocaleString('en')} organisations, ${DURATION} s per scenario\n`);
    console.log('| scenario | conns | p50 ms | p97.5 ms | p99 ms | req/s | errors | SQL/request |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.scenario} | ${r.connections} | ${r.p50} | ${r.p97_5} | ${r.p99} | ${r.rps} | ${r.errors} | ${r.statements ?? ''} |`);
    console.log(`\nserver peak RSS: ${(rss / 1048576).toFixed(0)} MiB; pool during writes: up to ${poolUsed} connections in use, ${poolPending} waiting`);
    console.log(`database floor (counters of root + 50 children through pg): p50 ${floorP50.toFixed(2)} ms\n`);
    console.log('| target | reached | wanted | met |');
    console.log('|---|---|---|---|');
    for (const [name, got, want, ok] of targets) console.log(`| ${name} | ${got} | ${want} | ${ok ? 'yes' : 'no'} |`);
    const out = {
      organizations: ORGS,
      durationSeconds: DURATION,
      date: new Date().toISOString(),
      rows,
      dashboardStatements: dashStatements,
      peakRssBytes: rss,
      peakRssBytesPerServer: { production: rssEach[0], uncached: rssEach[1], limits: rssEach[2] ?? null },
      floorP50Ms: floorP50,
      pool: { maxUsed: poolUsed, maxPending: poolPending },
      drift: drift.length,
      seedSeconds,
      targets: targets.map(([name, got, want, ok]) => ({ name, got, want, ok })),
    };
    fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
    fs.writeFileSync(RESULTS, JSON.stringify(out, null, 2) + '\n');
  } finally {
    for (const s of servers) s.kill('SIGTERM');
  }
}

/**
 * The write scenario's request: each autocannon connection is one writer (an EDITOR), walking its own congresses along
 * CYCLE with the version it last read; a refused write (a user error or no answer) calls `refused`.
 */
export function advanceRequests(writers: { list: Writer[]; next: number }, refused: () => void): autocannon.Request[] {
  return [
    {
      setupRequest: (req, context: Record<string, any>) => {
        if (context.writer === undefined) context.writer = writers.next++ % writers.list.length;
        const w = writers.list[context.writer];
        const c = w.congresses[w.at++ % w.congresses.length];
        const stage = CYCLE[(CYCLE.indexOf(c.stage) + 1) % CYCLE.length];
        context.pending = { c, stage };
        return {
          ...req,
          headers: { ...req.headers, authorization: `Bearer ${w.token}` },
          body: JSON.stringify({ query: ADVANCE, variables: { input: { id: gid('Congress', c.id), version: c.version, stage, reason: 'bench' } } }),
        };
      },
      onResponse: (_status, body, context: Record<string, any>) => {
        const out = JSON.parse(body)?.data?.congressAdvance;
        if (!out || out.userErrors.length) return refused();
        context.pending.c.version = out.congress.version;
        context.pending.c.stage = context.pending.stage;
      },
    },
  ];
}

interface Writer {
  token: string;
  at: number;
  congresses: { id: string; version: number; stage: string }[];
}

/**
 * The writers: the WRITERS above-base committees with the most congresses on the main line below them (ties by id), an
 * EDITOR scoped to each, and those congresses (each connection walks its own, so versions are known).
 */
export async function writerSetup(makePrincipal: (name: string, role: string, scope: string) => Promise<string>): Promise<{ list: Writer[]; next: number }> {
  const committees = await admin<{ id: string; n: number }>(
    DB_URL,
    `select p.path[a.i] as id, count(*)::int as n
       from congress c join organization_placement p on p.organization_id = c.organization_id and p.valid_to is null
       join lateral generate_subscripts(p.path, 1) a(i) on true
       join organization o on o.id = p.path[a.i] and o.level = 'ABOVE_BASE'
      where c.stage = any($1::text[]) and a.i < cardinality(p.path)
      group by 1 order by 2 desc, 1 limit $2`,
    [CYCLE, WRITERS],
  );
  const list: Writer[] = [];
  for (const [i, committee] of committees.entries()) {
    const congresses = await admin<{ id: string; version: number; stage: string }>(
      DB_URL,
      `select c.id, c.version, c.stage from congress c join organization_placement p on p.organization_id = c.organization_id and p.valid_to is null
        where c.stage = any($1::text[]) and p.path @> array[$2::uuid] and p.organization_id <> $2::uuid order by c.id limit 2000`,
      [CYCLE, committee.id],
    );
    list.push({ token: await makePrincipal(`bench editor ${i} ${Date.now()}`, 'EDITOR', committee.id), at: 0, congresses });
  }
  return { list, next: 0 };
}

/** Three months before the latest dated change: the past date of the past-date dashboard. */
async function pastWatermark(): Promise<string> {
  const [{ watermark }] = await admin<{ watermark: string }>(
    DB_URL,
    `select (greatest((select max(valid_from) from organization_placement), (select max(effective_on) from congress_event),
                      (select max(scheduled_on) from congress), (select max(effective_on) from restructuring_event)) - interval '3 months')::date::text as watermark`,
  );
  return watermark;
}

/** One scenario alone (`--only`), its rows printed. */
async function onlyScenario(
  name: string,
  ctx: { main: Api; rootId: string; viewer: string; dashBody: string; makePrincipal: (name: string, role: string, scope: string) => Promise<string>; servers: ChildProcess[] },
) {
  const rows: Row[] = [];
  if (name === 'limits') {
    const limits = await limitsScenario(ctx.rootId, ctx.viewer, ctx.servers);
    rows.push(rowOf(`dashboard at ${LIMITS_DASHBOARD_RATE}/s, quiet (limits server)`, 1, limits.quiet, null));
    rows.push(rowOf(`dashboard at ${LIMITS_DASHBOARD_RATE}/s beside a client at its budget`, 1, limits.loaded, null));
    rows.push(rowOf(`heavy client (${limits.primed} spent first; then ${limits.refused} refused, ${limits.served} served)`, 8, limits.heavy, null));
  } else if (name === 'write') {
    const writers = await writerSetup(ctx.makePrincipal);
    const main = ctx.main;
    let userErrors = 0;
    const [writes, during] = await Promise.all([
      measured(main, () => cannon(main, null, { connections: WRITERS, duration: DURATION, requests: advanceRequests(writers, () => userErrors++) })),
      cannon(main, ctx.viewer, { connections: 8, duration: DURATION, body: ctx.dashBody }),
    ]);
    rows.push(rowOf(`write (congressAdvance, ${WRITERS} EDITORs)`, WRITERS, writes.result, writes.statements, userErrors));
    rows.push(rowOf('dashboard during writes', 8, during, null));
  } else if (name === 'past') {
    const uncached = await startServer(PORT + 2, { RESPONSE_CACHE_MB: '0' });
    ctx.servers.push(uncached.child);
    const watermark = await pastWatermark();
    const body = JSON.stringify({ query: DASHBOARD, variables: { root: ctx.rootId, asOf: watermark } });
    await post(uncached, ctx.viewer, DASHBOARD, { root: ctx.rootId, asOf: watermark });
    const m = await measured(uncached, () => cannon(uncached, ctx.viewer, { connections: 1, duration: DURATION, body }));
    rows.push(rowOf(`dashboard asOf ${watermark}, uncached`, 1, m.result, m.statements));
  } else throw new Error(`--only ${name}: limits, write or past`);
  for (const r of rows) console.log(`${r.scenario}: p50 ${r.p50} ms, p97.5 ${r.p97_5} ms, ${r.rps}/s, errors ${r.errors}, SQL ${r.statements ?? '-'}`);
}

/**
 * `limits`: a server (port + 1) with a budget of LIMITS_BUDGET points per minute. The dashboard is the VIEWER's at
 * LIMITS_DASHBOARD_RATE requests/s, the heavy client anonymous (ANONYMOUS_ROLE=PUBLIC): separate budgets. First the
 * dashboard alone; then the heavy client spends its whole budget on HEAVY (8 at once, until the first RATE_LIMITED, at
 * most 60 s) and goes on in a loop — refused before execution until its window starts afresh, then spending it again —
 * while the dashboard runs again. Compare the dashboard's p97.5 quiet and loaded.
 */
async function limitsScenario(rootId: string, viewer: string, servers: ChildProcess[]) {
  const api = await startServer(PORT + 1, { ANONYMOUS_ROLE: 'PUBLIC', COST_BUDGET_PER_MINUTE: String(LIMITS_BUDGET) });
  servers.push(api.child);
  const dashBody = JSON.stringify({ query: DASHBOARD, variables: { root: rootId } });
  const send = async (body: string, headers: Record<string, string> = {}) => {
    const res = await fetch(api.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    await res.text();
    return res.status;
  };
  for (let i = 0; i < 20; i++) await send(dashBody, { authorization: `Bearer ${viewer}` }); // warm up
  const dashboard = () => cannon(api, viewer, { connections: 1, overallRate: LIMITS_DASHBOARD_RATE, duration: DURATION, body: dashBody });
  const quiet = await dashboard();

  let primed = 0;
  let atBudget = false;
  const until = Date.now() + 60_000;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (!atBudget && Date.now() < until) {
        if ((await send(heavyBody(rootId))) === 429) atBudget = true;
        else primed++;
      }
    }),
  );
  let refused = 0;
  let served = 0;
  const [loaded, heavy] = await Promise.all([
    dashboard(),
    cannon(api, null, {
      connections: 8,
      duration: DURATION,
      requests: [{ setupRequest: (req) => ({ ...req, body: heavyBody(rootId) }), onResponse: (status: number) => void (status === 429 ? refused++ : served++) }],
    }),
  ]);
  return { quiet, loaded, heavy, primed, refused, served };
}

// Run, unless imported for its helpers (bench/export.ts).
if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
