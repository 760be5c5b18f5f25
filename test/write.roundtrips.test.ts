import { ADVANCE, schedule } from './support/congress';
import { systemViewer } from '../src/common/kernel';
import { fromGlobalId } from '../src/common/global-id';
import { startTestApp, type TestApp } from './support/harness';

/**
 * The write path's round trips to PostgreSQL: each statement costs the API's one Node thread CPU (MikroORM, knex,
 * node-postgres) and a socket write, so a write's cost follows its count. An EDITOR scoped to a ministry-level
 * committee advancing one of its congresses is the common write; its statements are listed here (knex's `query`
 * event, as the server counts them) and held to a number, so a round trip added to the path fails this test.
 */

const TODAY = '2026-11-27';
let app: TestApp;
let ids: Map<string, string>;
beforeAll(async () => {
  app = await startTestApp({ today: TODAY });
  ids = await app.tree({
    code: 'TW',
    name: 'Trung ương',
    level: 'CENTRAL_COMMITTEE',
    children: [
      {
        code: 'K',
        name: 'Khối',
        level: 'DIRECTLY_UNDER_CENTRAL',
        children: [
          { code: 'B', name: 'Đảng ủy Bộ', level: 'ABOVE_BASE', members: 10, children: [{ code: 'B-C1', name: 'Chi bộ 1', level: 'BASE_CELL', members: 12 }] },
          { code: 'B2', name: 'Đảng ủy Bộ khác', level: 'ABOVE_BASE', members: 7 },
        ],
      },
    ],
  });
});
afterAll(() => app.close());

const fromGlobal = (id: string) => fromGlobalId(id).id;

/**
 * Every statement knex sends while `fn` runs (BEGIN and COMMIT included; a multi-statement batch is one), but the
 * refresh of a token's last use (at most once a minute, not the request's work: src/access/access.authenticate.ts).
 */
async function statementsOf<T>(fn: () => Promise<T>): Promise<{ value: T; statements: string[] }> {
  const knex = app.orm.em.getConnection().getKnex();
  const seen: string[] = [];
  const listener = (q: { sql: string }) => seen.push(q.sql.replace(/\s+/g, ' ').trim());
  knex.on('query', listener);
  try {
    const value = await fn();
    return { value, statements: seen.filter((s) => !s.startsWith('update access_token set last_used_at')) };
  } finally {
    knex.off('query', listener);
  }
}

/** Round trips of an EDITOR's congressAdvance through the API (was 18 before the write path was folded: see below). */
const ADVANCE_ROUND_TRIPS = 13;

describe('an EDITOR’s congressAdvance', () => {
  it(`takes ${ADVANCE_ROUND_TRIPS} round trips, each time, as the server counts them; the tree lock first in the transaction`, async () => {
    const editor = await app.principal('EDITOR', ids.get('B')!, { name: 'editor B' });
    let c = await schedule(app, ids.get('B')!, '2026-12-10', '2026-12-11');
    const stages = ['PLAN_ISSUED', 'DOCUMENTS_DRAFTED', 'PERSONNEL_PLANNED'];
    for (const [i, stage] of stages.entries()) {
      const { value: res, statements } = await statementsOf(() =>
        app.gql(ADVANCE, { input: { id: c.id, version: c.version, stage, effectiveOn: `2026-11-2${i + 1}` } }, { as: editor }),
      );
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.congressAdvance.userErrors).toEqual([]);
      expect(res.body.data.congressAdvance.congress).toMatchObject({ stage, version: c.version + 1, deadline: '2025-08-31', plannedStart: '2026-12-10' });
      c = res.body.data.congressAdvance.congress;
      if (i === 0) process.stdout.write(`congressAdvance as an EDITOR, ${statements.length} round trips:\n${statements.map((t, n) => `${n + 1}. ${t.slice(0, 140)}`).join('\n')}\n`);
      // 1 the token (and the data version); 2–3 the input's congress and its placement (access.middleware.ts); BEGIN;
      // the tree lock, the congress locked with its history; the counters' "before"; the event, the row and its reading
      // back; the counters' "after"; the scope check; the commit batch; COMMIT; the payload's organisation (with the
      // placements its scope check reads) and its term's calendar.
      expect(statements.length).toBe(ADVANCE_ROUND_TRIPS);
      expect(res.statements).toBe(statements.length);
      const begin = statements.indexOf('BEGIN;');
      expect(statements[begin + 1]).toMatch(/^with tree_lock as materialized \(select pg_advisory_xact_lock_shared\(727001\)\).* from congress c .*for update of c$/);
    }
    const [row] = await app.readBack<{ stage: string; version: number; events: number }>(
      `select c.stage, c.version, (select count(*)::int from congress_event e where e.congress_id = c.id) as events from congress c where c.id = $1`,
      [fromGlobal(c.id)],
    );
    expect(row).toEqual({ stage: 'PERSONNEL_PLANNED', version: c.version, events: 3 });
    expect(await app.drift()).toEqual([]);
  });

  it('refuses as before within the same statements: a stale version, outside the scope', async () => {
    const editor = await app.principal('EDITOR', ids.get('B')!, { name: 'editor B again' });
    const c = await schedule(app, ids.get('B2')!, '2026-12-10', '2026-12-11');
    const stale = await app.gql(ADVANCE, { input: { id: c.id, version: c.version + 1, stage: 'PLAN_ISSUED' } });
    expect(stale.body.data.congressAdvance.userErrors.map((e: { code: string }) => e.code)).toEqual(['STALE_VERSION']);
    const outside = await app.gql(ADVANCE, { input: { id: c.id, version: c.version, stage: 'PLAN_ISSUED' } }, { as: editor });
    expect(outside.body.data.congressAdvance.userErrors.map((e: { code: string }) => e.code)).toEqual(['NOT_FOUND']);
    const [row] = await app.readBack<{ version: number }>(`select version from congress where id = $1`, [fromGlobal(c.id)]);
    expect(row.version).toBe(c.version);
  });
});

describe('the tree lock left to the first statement (treeLockInFirstStatement)', () => {
  const meta = { operation: 'test', viewer: systemViewer('test'), today: TODAY };
  const held = `select count(*)::int as n from pg_locks where locktype = 'advisory' and objid = 727001 and pid = pg_backend_pid()`;

  it('is taken before a tx.sql statement that does not take it', async () => {
    const rows = await app.kernel.withTransaction(meta, (tx) => tx.sql<{ n: number }>(held), { treeLockInFirstStatement: true });
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('is taken once by the statement that asks for it', async () => {
    const rows = await app.kernel.withTransaction(
      meta,
      async (tx) => {
        const lock = tx.takeTreeLock();
        expect(lock).toMatch(/pg_advisory_xact_lock_shared/);
        expect(tx.takeTreeLock()).toBeNull();
        return tx.sql<{ n: number }>(`with tree_lock as materialized (select ${lock}) ${held} and exists (select 1 from tree_lock)`);
      },
      { treeLockInFirstStatement: true },
    );
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('fails the transaction when the work never took it', async () => {
    await expect(app.kernel.withTransaction(meta, async () => 1, { treeLockInFirstStatement: true })).rejects.toThrow(/never taken/);
  });
});
