import { Client } from 'pg';
import { FairTurns, StatementSlots } from '../src/common/request-scope';
import { parseMetrics, total } from '../bench/metrics';
import { startTestApp, type TestApp } from './support/harness';
import { withDatabase } from './support/databases';
import { smallTree } from './support/trees';

/**
 * Limits on SQL per request (src/common/request-scope.ts, src/database/orm.ts): at most SQL_MAX_CONCURRENT_PER_REQUEST
 * statements of one request at once, SQL_MAX_CONCURRENT_PER_PRINCIPAL of one principal's requests, and
 * SQL_MAX_CONCURRENT_PAST_DATE of every principal's past-date reads; writes unaffected; statements past
 * STATEMENT_TIMEOUT_MS cancelled.
 */

const TODAY = '2026-11-27';
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('SQL per request: concurrent statements and the statement timeout', () => {
  let capped: TestApp;
  let loose: TestApp;
  let timed: TestApp;
  const admin = () => process.env.DAIHOI_TEST_ADMIN_URL as string;
  beforeAll(async () => {
    // WIDE reads a past date: no past-date lane here, so that only the per-request cap is seen.
    capped = await startTestApp({ today: TODAY, limits: { maxConcurrentStatements: 1, maxConcurrentPastDateStatements: 0 } });
    loose = await startTestApp({ today: TODAY, limits: { maxConcurrentStatements: 4, maxConcurrentPastDateStatements: 0 } });
    timed = await startTestApp({ today: TODAY, limits: { statementTimeoutMs: 1000 } });
    for (const app of [capped, loose, timed]) await app.tree(smallTree('S'));
  });
  afterAll(async () => {
    await Promise.all([capped.close(), loose.close(), timed.close()]);
  });

  const databaseOf = async (app: TestApp) => (await app.readBack<{ d: string }>('select current_database() as d'))[0].d;
  /** Holds every table the query below reads, in one transaction, until released. */
  async function lockTables(app: TestApp) {
    const locker = new Client({ connectionString: withDatabase(admin(), await databaseOf(app)) });
    await locker.connect();
    await locker.query('begin');
    await locker.query('lock table organization, organization_placement, organization_name, congress, restructuring, progress_counter in access exclusive mode');
    const [{ pid }] = (await locker.query('select pg_backend_pid() as pid')).rows;
    return { pid: pid as number, release: () => locker.query('rollback').then(() => locker.end()) };
  }
  /** The most statements of the app's database seen waiting on a lock at once, polled until `enough` are seen (bounded). */
  async function mostWaiting(app: TestApp, lockerPid: number, enough: number): Promise<number> {
    const database = await databaseOf(app);
    const c = new Client({ connectionString: admin() });
    await c.connect();
    let most = 0;
    try {
      for (let i = 0; i < 60 && most < enough; i++) {
        await new Promise((r) => setTimeout(r, 50));
        const { rows } = await c.query(`select count(*)::int as n from pg_stat_activity where datname = $1 and wait_event_type = 'Lock' and pid <> $2`, [database, lockerPid]);
        most = Math.max(most, rows[0].n);
      }
      // A few more looks: the cap must hold for as long as the request waits.
      for (let i = 0; i < 5; i++) {
        const { rows } = await c.query(`select count(*)::int as n from pg_stat_activity where datname = $1 and wait_event_type = 'Lock' and pid <> $2`, [database, lockerPid]);
        most = Math.max(most, rows[0].n);
      }
    } finally {
      await c.end();
    }
    return most;
  }
  // Five root fields, five loaders: five statements the request would otherwise send at once.
  const WIDE = `query($root: ID!) {
    organizations(first: 5) { totalCount }
    congresses(first: 5) { totalCount }
    restructurings(first: 5) { totalCount }
    organization(code: "S-TW") { name }
    progress(under: $root, asOf: "2025-06-01") { held }
  }`;

  it('one request runs at most SQL_MAX_CONCURRENT_PER_REQUEST statements at once (the others wait their turn), and answers in full', async () => {
    const runs: [TestApp, number][] = [
      [capped, 1],
      [loose, 4],
    ];
    const seen: number[] = [];
    for (const [app, cap] of runs) {
      const root = (await app.gql('{ organization(code: "S-TW") { id } }')).body.data.organization.id;
      const lock = await lockTables(app);
      let pending: ReturnType<TestApp['gql']>;
      try {
        pending = app.gql(WIDE, { root });
        seen.push(await mostWaiting(app, lock.pid, cap));
      } finally {
        await lock.release();
      }
      const res = await pending!;
      expect(res.body.errors).toBeUndefined();
      expect((res.body.data as { organization: { name: string } }).organization.name).toBe('Ban Chấp hành S');
    }
    expect(seen[0]).toBe(1);
    expect(seen[1]).toBeGreaterThan(1); // without the cap they would all wait at once
  });

  it('one principal’s requests together run at most SQL_MAX_CONCURRENT_PER_PRINCIPAL statements at once; another principal is not held back', async () => {
    // No response cache: identical requests would share one execution (src/cache/response-cache.ts).
    const app = await startTestApp({ today: TODAY, limits: { maxConcurrentStatements: 3, maxConcurrentStatementsPerPrincipal: 2, maxConcurrentPastDateStatements: 0 }, responseCacheMb: 0 });
    try {
      await app.tree(smallTree('S'));
      const root = (await app.gql('{ organization(code: "S-TW") { id } }')).body.data.organization.id;
      const other = await app.principal('ADMIN', null, { name: 'another admin' });
      const lock = await lockTables(app);
      let pending: ReturnType<TestApp['gql']>[] = [];
      let seen: number;
      let seenWithOther: number;
      try {
        // Four requests of one principal, each able to send 3 statements at once: 2 run, the rest wait their turn.
        pending = range(4).map(() => app.gql(WIDE, { root }));
        seen = await mostWaiting(app, lock.pid, 2);
        // Another principal's request gets its own turns.
        pending.push(app.gql(WIDE, { root }, { as: other }));
        seenWithOther = await mostWaiting(app, lock.pid, 5);
      } finally {
        await lock.release();
      }
      for (const res of await Promise.all(pending)) expect(res.body.errors).toBeUndefined();
      expect(seen).toBe(2);
      expect(seenWithOther).toBeGreaterThan(2); // the other principal's statements wait beside them, not behind them
    } finally {
      await app.close();
    }
  });

  it('past-date reads of every principal together run at most SQL_MAX_CONCURRENT_PAST_DATE statements at once; today’s reads are not held back', async () => {
    const app = await startTestApp({ today: TODAY, limits: { maxConcurrentStatements: 3, maxConcurrentStatementsPerPrincipal: 4, maxConcurrentPastDateStatements: 1 }, responseCacheMb: 0 });
    try {
      await app.tree(smallTree('S'));
      const root = (await app.gql('{ organization(code: "S-TW") { id } }')).body.data.organization.id;
      const others = [await app.principal('ADMIN', null, { name: 'second admin' }), await app.principal('ADMIN', null, { name: 'third admin' })];
      const TODAYS = WIDE.replace('asOf: "2025-06-01"', '');
      expect(TODAYS).not.toContain('asOf');
      const lock = await lockTables(app);
      let pending: ReturnType<TestApp['gql']>[] = [];
      let seenPast: number;
      let seenWithToday: number;
      let seenOwnToday: number;
      let lane = 0;
      try {
        // Two principals' past-date reads (3 statements each at once otherwise): one statement at a time in all.
        pending = [app.gql(WIDE, { root }), app.gql(WIDE, { root }), app.gql(WIDE, { root }, { as: others[0] })];
        seenPast = await mostWaiting(app, lock.pid, 2);
        // The others wait in the lane, and operators see them (GET /metrics).
        const scrape = parseMetrics(await (await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${app.adminToken}` } })).text());
        lane = total(scrape, 'daihoi_sql_past_date_waiting');
        // A read of today by the principal whose past-date reads wait: those hold none of its turns, so it runs.
        pending.push(app.gql(TODAYS, { root }));
        seenOwnToday = await mostWaiting(app, lock.pid, 2);
        // A read of today by a third principal takes its own turns beside them.
        pending.push(app.gql(TODAYS, { root }, { as: others[1] }));
        seenWithToday = await mostWaiting(app, lock.pid, seenOwnToday + 1);
      } finally {
        await lock.release();
      }
      for (const res of await Promise.all(pending)) expect(res.body.errors).toBeUndefined();
      expect(seenPast).toBe(1);
      expect(lane).toBeGreaterThanOrEqual(2); // each of the three requests has statements ready: all but one wait
      expect(seenOwnToday).toBeGreaterThan(1);
      expect(seenWithToday).toBeGreaterThan(seenOwnToday);
    } finally {
      await app.close();
    }
  });

  it('a request whose client leaves while it waits for a turn runs no statement when the turn comes (CLIENT_CLOSED in /metrics)', async () => {
    const app = await startTestApp({ today: TODAY, limits: { maxConcurrentStatements: 1, maxConcurrentPastDateStatements: 1 }, responseCacheMb: 0 });
    try {
      await app.tree(smallTree('S'));
      const root = (await app.gql('{ organization(code: "S-TW") { id } }')).body.data.organization.id;
      const other = await app.principal('ADMIN', null, { name: 'leaving admin' });
      const scrape = async () => parseMetrics(await (await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${app.adminToken}` } })).text());
      const closed = (m: ReturnType<typeof parseMetrics>) => total(m, 'daihoi_graphql_requests_total', { outcome: 'CLIENT_CLOSED' });
      const before = await scrape();
      const lock = await lockTables(app);
      const leaving = new AbortController();
      let first: ReturnType<TestApp['gql']>;
      let abandoned: Promise<unknown>;
      try {
        first = app.gql(WIDE, { root }); // takes the lane, then waits on the lock
        await mostWaiting(app, lock.pid, 1);
        abandoned = fetch(`${app.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${other}` },
          body: JSON.stringify({ query: WIDE, variables: { root } }),
          signal: leaving.signal,
        }).catch((err: Error) => err.name);
        // It waits in the lane behind the first; then its client leaves.
        for (let i = 0; i < 100 && total(await scrape(), 'daihoi_sql_past_date_waiting') < 1; i++) await new Promise((r) => setTimeout(r, 20));
        leaving.abort();
        expect(await abandoned!).toBe('AbortError');
        await new Promise((r) => setTimeout(r, 100));
      } finally {
        await lock.release();
      }
      expect((await first!).body.errors).toBeUndefined();
      let after = await scrape();
      for (let i = 0; i < 100 && closed(after) === closed(before); i++) {
        await new Promise((r) => setTimeout(r, 50));
        after = await scrape();
      }
      expect(closed(after) - closed(before)).toBe(1);
    } finally {
      await app.close();
    }
  });

  it('FairTurns gives turns in rounds between keys: a key with many waiting gets one turn per round', async () => {
    const turns = new FairTurns(1);
    const order: string[] = [];
    const gates = new Map<string, () => void>();
    const run = (key: string, label: string) =>
      turns.run(key, async () => {
        order.push(label);
        await new Promise<void>((r) => gates.set(label, r));
      });
    const all = [run('a', 'a1'), run('a', 'a2'), run('a', 'a3'), run('b', 'b1'), run('c', 'c1'), run('b', 'b2')];
    for (let i = 0; i < all.length; i++) {
      await new Promise((r) => setImmediate(r));
      gates.get(order[order.length - 1])!();
    }
    await Promise.all(all);
    // a1 was running when the rest queued: b and c come before a's second turn, then round after round.
    expect(order).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3']);
  });

  it('keeps writes working: a mutation (statements in its transaction do not queue) under a cap of 1', async () => {
    const id = (await capped.gql('{ organization(code: "S-MA") { id } }')).body.data.organization.id;
    const { body } = await capped.gql('mutation($input: OrganizationUpdateInput!) { organizationUpdate(input: $input) { organization { name version } userErrors { code } } }', {
      input: { id, version: 1, name: 'Đảng ủy Bộ S (đổi tên)' },
    });
    expect(body.data.organizationUpdate).toEqual({ organization: { name: 'Đảng ủy Bộ S (đổi tên)', version: 2 }, userErrors: [] });
  });

  it('a statement running past STATEMENT_TIMEOUT_MS is cancelled: SERVICE_UNAVAILABLE (503, Retry-After), and the next request is served', async () => {
    const lock = await lockTables(timed);
    let res;
    try {
      res = await timed.gql('{ organization(code: "S-TW") { name } }');
    } finally {
      await lock.release();
    }
    expect(res.status).toBe(503);
    expect(res.body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE' }) })]);
    const again = await timed.gql('{ organization(code: "S-TW") { name } }');
    expect(again.body).toMatchObject({ data: { organization: { name: 'Ban Chấp hành S' } } });
  });

  it('the pool’s connections run each statement without parallel workers (SQL_PARALLEL_WORKERS=0), as configured otherwise', async () => {
    const setting = async (app: TestApp) =>
      ((await app.orm.em.fork().getConnection().execute('show max_parallel_workers_per_gather')) as { max_parallel_workers_per_gather: string }[])[0].max_parallel_workers_per_gather;
    expect(await setting(capped)).toBe('0');
    const two = await startTestApp({ today: TODAY, limits: { parallelWorkersPerStatement: 2 } });
    try {
      expect(await setting(two)).toBe('2');
    } finally {
      await two.close();
    }
  });

  it('StatementSlots lets `max` run at once, the rest in order', async () => {
    const slots = new StatementSlots(3);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const gates = range(10).map(() => {
      let open!: () => void;
      const p = new Promise<void>((r) => (open = r));
      return { p, open };
    });
    const all = range(10).map((i) =>
      slots.run(async () => {
        running++;
        most = Math.max(most, running);
        order.push(i);
        await gates[i].p;
        running--;
      }),
    );
    for (const g of gates) {
      await new Promise((r) => setImmediate(r));
      g.open();
    }
    await Promise.all(all);
    expect(most).toBe(3);
    expect(order).toEqual(range(10));
  });
});
