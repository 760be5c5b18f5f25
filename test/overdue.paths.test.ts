import type { EntityManager } from '@mikro-orm/postgresql';
import { addDays } from '../src/common/dates';
import type { SortKey } from '../src/common/connection';
import { sqlOf, type Sql } from '../src/common/sql';
import { notScheduledCount, overdueCondition, overdueFilter, overdueReasonSql } from '../src/congress/congress.overdue';
import { overdueCongressPage, searchCongresses, WATERMARK_SQL } from '../src/congress/congress.repository';
import { CongressOrderField } from '../src/congress/congress.enums';
import { OrganizationLevel } from '../src/organization/organization.levels';
import { filterPage, searchOrganizations } from '../src/organization/organization.repository';
import { ADVANCE, POSTPONE, RESCHEDULE, recordHeld, schedule, type CongressRef } from './support/congress';
import { globalId, startTestApp, type TestApp } from './support/harness';
import { blocTree } from './support/trees';

/**
 * The overdue lists' fast paths (`organizations(under:, overdue:)`: the roll-up's count and filterPage;
 * `congresses(under:, overdue: true)`: overdueCongressPage) answer exactly what the general statements answer — the
 * same rows in the same order, page after page, and the same total — for every organisation of a tree whose subtrees
 * hold overdue and non-overdue congresses (held, held late, open, postponed, superseded deadlines of their own, planned
 * on the same day, rescheduled, scheduled late, never planned, nothing scheduled), on past dates and today, each way
 * of reading a page.
 */

const TODAY = '2026-11-27';
const DATES = ['2025-03-15', '2025-04-15', '2025-06-30', '2025-07-15', '2025-09-10', '2025-11-15', '2026-06-01', addDays(TODAY, -1), TODAY];

let app: TestApp;
let sql: Sql;
let ids: Map<string, string>;
const id = (code: string) => ids.get(code)!;
const codeOf = new Map<string, string>();

const cell = (code: string, name: string) => ({ code, name, level: 'CELL' as const, members: 10 });

beforeAll(async () => {
  app = await startTestApp({ today: TODAY });
  sql = sqlOf(app.orm.em.fork() as EntityManager);
  ids = await app.tree(
    blocTree('OP', [
      {
        code: 'OP-MA',
        name: 'Đảng ủy Bộ A OP',
        level: 'ABOVE_BASE',
        children: [
          {
            code: 'OP-MA-B1',
            name: 'Đảng bộ cơ sở A1 OP',
            level: 'BASE_COMMITTEE',
            children: [1, 2, 3, 4, 5].map((i) => cell(`OP-MA-B1-C${i}`, `Chi bộ A${i} OP`)),
          },
          { code: 'OP-MA-BC1', name: 'Chi bộ cơ sở A OP', level: 'BASE_CELL', members: 12 },
          { code: 'OP-MA-BC2', name: 'Chi bộ cơ sở A bis OP', level: 'BASE_CELL', members: 12 },
        ],
      },
      {
        code: 'OP-MB',
        name: 'Đảng ủy Bộ B OP',
        level: 'ABOVE_BASE',
        children: [
          { code: 'OP-MB-B1', name: 'Đảng bộ cơ sở B1 OP', level: 'BASE_COMMITTEE', children: [1, 2, 3, 4].map((i) => cell(`OP-MB-B1-C${i}`, `Chi bộ B${i} OP`)) },
          { code: 'OP-MB-BC1', name: 'Chi bộ cơ sở B OP', level: 'BASE_CELL', members: 12 },
        ],
      },
    ]),
  );
  for (const [code, uuid] of ids) codeOf.set(uuid, code);
  const ok = async (query: string, input: Record<string, unknown>, field: string) => {
    const { body } = await app.gql(query, { input });
    expect(body.errors).toBeUndefined();
    expect(body.data[field].userErrors).toEqual([]);
    return body.data[field].congress as CongressRef;
  };
  // Cells: deadline 31 March 2025; base organisations 30 June; ministries 31 August; the bloc 31 October.
  expect((await recordHeld(app, await schedule(app, id('OP-MA-B1-C1'), '2025-03-10'), '2025-03-10')).userErrors).toEqual([]);
  const c2 = await schedule(app, id('OP-MA-B1-C2'), '2025-03-20'); // never held
  expect((await recordHeld(app, await schedule(app, id('OP-MA-B1-C3'), '2025-03-20'), '2025-05-05')).userErrors).toEqual([]); // the same day as C2, held late
  await schedule(app, id('OP-MA-B1-C4'), '9999-12-31'); // sorts with the unplanned ones
  await schedule(app, id('OP-MA-B1-C5'), '2025-03-25', '2025-03-25', { deadline: '2026-12-31' }); // its own deadline, not passed
  const bc1 = await schedule(app, id('OP-MA-BC1'), '2025-06-01');
  await ok(POSTPONE, { id: bc1.id, version: bc1.version, reason: 'Chờ kiện toàn', plannedStart: '2025-07-20', plannedEnd: '2025-07-20', effectiveOn: '2025-06-20' }, 'congressPostpone');
  await schedule(app, id('OP-MA-BC2'), '2025-06-10');
  const mb1 = await schedule(app, id('OP-MB-B1-C1'), '2025-03-15');
  await ok(RESCHEDULE, { id: mb1.id, version: mb1.version, plannedStart: '2025-09-15', plannedEnd: '2025-09-15', effectiveOn: '2025-09-01' }, 'congressReschedule');
  await schedule(app, id('OP-MB-B1-C2'), '2025-03-05', '2025-03-05', { deadline: '2025-02-28' }); // its own deadline, passed early
  expect((await recordHeld(app, await schedule(app, id('OP-MB-B1-C3'), '2025-03-28'), '2025-03-28')).userErrors).toEqual([]);
  await schedule(app, id('OP-MB-B1-C4'), '2025-03-22', '2025-03-22', { effectiveOn: '2025-08-01' }); // NOT_SCHEDULED until then
  await schedule(app, id('OP-MB-B1'), '2025-06-15');
  // OP-MB-BC1, the ministries, the bloc and the centre: nothing scheduled. A congress planned before plans were dated:
  await app.write((tx) => tx.sql(`update congress set planned_start = null, planned_end = null where organization_id = ?`, [id('OP-MA-BC2')]));
  // Today's step: every earlier date is before the latest dated change, today is on it.
  await ok(ADVANCE, { id: c2.id, version: c2.version, stage: 'PLAN_ISSUED', effectiveOn: TODAY }, 'congressAdvance');
  expect((await app.readBack<{ d: string }>(`select d::text as d from (${WATERMARK_SQL}) w`))[0].d).toBe(TODAY);
});
afterAll(() => app.close());

/** Every page of a keyset-paged list, `first` at a time: the rows' keys and each page's total. */
async function allPages<R>(first: number, read: (after: SortKey | null) => Promise<{ rows: R[]; total: number | null }>, keyOf: (r: R) => SortKey) {
  const out: { keys: SortKey[]; totals: (number | null)[] } = { keys: [], totals: [] };
  let after: SortKey | null = null;
  for (let guard = 0; guard < 50; guard++) {
    const page = await read(after);
    out.totals.push(page.total);
    const rows = page.rows.slice(0, first);
    out.keys.push(...rows.map(keyOf));
    if (page.rows.length <= first) return out;
    after = keyOf(rows[rows.length - 1]);
  }
  throw new Error('too many pages');
}

/** The reasons `Organization.overdueReason` gives on `date` (the roll-up's loader statement: the general definition). */
async function overdueReasonsOf(uuids: string[], date: string): Promise<(string | null)[]> {
  const rows = await sql<{ keyIndex: number; reason: string | null }>(
    `select (k.i - 1)::int as "keyIndex", ${overdueReasonSql('k.id', 'o.level', 'k.d')} as reason
       from unnest(?::uuid[], ?::date[]) with ordinality as k(id, d, i) join organization o on o.id = k.id`,
    [uuids, uuids.map(() => date)],
  );
  const out: (string | null)[] = uuids.map(() => null);
  for (const r of rows) out[r.keyIndex] = r.reason;
  return out;
}

const UNDER = ['OP-TW', 'OP-BLOC', 'OP-MA', 'OP-MA-B1', 'OP-MA-BC1', 'OP-MB', 'OP-MB-B1'];

describe('organizations(under:, overdue:): filterPage reads the rows the general statement reads', () => {
  it.each(DATES)('on %s, for every subtree, both ways, overdue or not, page after page', async (date) => {
    let listed = 0;
    for (const code of UNDER) {
      for (const overdue of [true, false]) {
        for (const inclusive of [false, true]) {
          for (const first of [2, 100]) {
            const base = { date, first, level: null, under: id(code), underInclusive: inclusive };
            const general = await allPages(first, (after) => searchOrganizations(sql, { ...base, after, search: [], conditions: [overdueCondition('o', 'p', date, overdue)] }), (r) => [r.sortKey, r.id]);
            listed += general.keys.length;
            for (const reading of ['subtree', 'walk', 'walk-filter-first'] as const) {
              const reasons: unknown[] = [];
              const fast = await allPages(
                first,
                async (after) => {
                  const rows = await filterPage(sql, { ...base, after, filter: overdueFilter('o', date, overdue), reading });
                  reasons.push(...rows.slice(0, first).map((r) => r.value));
                  return { rows, total: null };
                },
                (r) => [r.sortKey, r.id],
              );
              // Each row's value is its reason on the date, as the organisation's own field answers it.
              const expected = await overdueReasonsOf(fast.keys.map((k) => String(k[1])), date);
              expect(reasons).toEqual(expected);
              expect({ code, overdue, inclusive, first, reading, keys: fast.keys }).toEqual({ code, overdue, inclusive, first, reading, keys: general.keys });
            }
          }
        }
      }
    }
    expect(listed).toBeGreaterThan(0);
  });
});

describe('congresses(under:, overdue: true): overdueCongressPage reads the rows the general statement reads', () => {
  it('today (on the latest dated change): both ways, page after page; before it, it leaves the general statement to answer', async () => {
    let listed = 0;
    for (const date of DATES) {
      for (const code of UNDER) {
        for (const inclusive of [false, true]) {
          for (const first of [1, 2, 100]) {
            const q = { date, term: '2025-2030', under: id(code), underInclusive: inclusive, first };
            const general = await allPages(
              first,
              (after) => searchCongresses(sql, { ...q, after, stage: null, from: null, to: null, overdue: true, pilot: null, risk: null, orderBy: CongressOrderField.PLANNED_START }),
              (r) => [r.sortValue, r.id],
            );
            for (const reading of [undefined, 'walk', 'sort'] as const) {
              const matches = general.totals[0]!;
              if (date < TODAY) {
                expect(await overdueCongressPage(sql, { ...q, after: null, matches, reading })).toBeNull();
                continue;
              }
              const fast = await allPages(first, async (after) => ({ rows: (await overdueCongressPage(sql, { ...q, after, matches, reading }))!, total: null }), (r) => [r.sortValue, r.id]);
              expect({ code, inclusive, first, reading, keys: fast.keys }).toEqual({ code, inclusive, first, reading, keys: general.keys });
              listed += fast.keys.length;
            }
          }
        }
      }
    }
    expect(listed).toBeGreaterThan(0);
  });

  it('its total: the overdue organisations less those with nothing scheduled, on every date', async () => {
    for (const date of DATES) {
      for (const code of UNDER) {
        const general = await searchCongresses(sql, {
          date, term: '2025-2030', under: id(code), underInclusive: false, stage: null, from: null, to: null, overdue: true, pilot: null, risk: null,
          orderBy: CongressOrderField.PLANNED_START, first: 1, after: null,
        });
        const { body } = await app.gql(`query($u: ID!, $d: Date) { progress(under: $u, asOf: $d) { overdue } }`, { u: globalId('Organization', id(code)), d: date });
        const unscheduled = await notScheduledCount(sql, { date, under: id(code), inclusive: false });
        expect({ date, code, total: body.data.progress.overdue - unscheduled }).toEqual({ date, code, total: general.total });
      }
    }
  });
});

describe('through the API', () => {
  const ORGS = `query($under: ID, $date: Date, $overdue: Boolean, $level: OrganizationLevel, $first: Int!, $after: String) {
    organizations(first: $first, after: $after, under: $under, overdue: $overdue, level: $level, asOf: $date) {
      totalCount pageInfo { hasNextPage endCursor } nodes { code overdueReason } } }`;
  const CONGRESSES = `query($under: ID, $date: Date, $first: Int!, $after: String) {
    congresses(first: $first, after: $after, under: $under, overdue: true, asOf: $date) {
      totalCount pageInfo { hasNextPage endCursor } nodes { stage plannedStart organization { code } } } }`;

  /** Every node of a connection through the API, `first` at a time, and the totals it gave. */
  async function listed(query: string, field: string, variables: Record<string, unknown>, first: number, as?: string) {
    const nodes: Record<string, any>[] = [];
    const totals = new Set<number>();
    let after: string | null = null;
    for (let guard = 0; guard < 50; guard++) {
      const res: { body: { errors?: unknown; data?: any } } = await app.gql(query, { ...variables, first, after }, as ? { as } : undefined);
      expect(res.body.errors).toBeUndefined();
      const conn: { totalCount: number; nodes: Record<string, any>[]; pageInfo: { hasNextPage: boolean; endCursor: string } } = res.body.data[field];
      totals.add(conn.totalCount);
      nodes.push(...conn.nodes);
      if (!conn.pageInfo.hasNextPage) return { nodes, totals: [...totals] };
      after = conn.pageInfo.endCursor;
    }
    throw new Error('too many pages');
  }

  it('totals and rows equal the general statements’, for each subtree, today and on past dates, scoped or not, by level', async () => {
    const viewer = await app.principal('VIEWER', id('OP-MA'), { name: 'viewer OP-MA' });
    let overdueSeen = 0;
    for (const date of DATES) {
      for (const code of [...UNDER, null]) {
        const under = code ? id(code) : id('OP-MA');
        const inclusive = code === null; // the viewer's list without `under:` starts at its scope, itself included
        const vars = { under: code ? globalId('Organization', id(code)) : null, date };
        const as = inclusive ? viewer : undefined;
        for (const overdue of [true, false]) {
          for (const level of [null, OrganizationLevel.CELL, OrganizationLevel.ABOVE_BASE]) {
            const general = await searchOrganizations(sql, { date, first: 100, after: null, level, under, underInclusive: inclusive, search: [], conditions: [overdueCondition('o', 'p', date, overdue)] });
            const api = await listed(ORGS, 'organizations', { ...vars, overdue, level }, level ? 100 : 3, as);
            expect({ date, code, overdue, level, ...api, nodes: api.nodes.map((n) => n.code) }).toEqual({
              date,
              code,
              overdue,
              level,
              totals: [general.total],
              nodes: general.rows.map((r) => r.code),
            });
            if (overdue) {
              expect(api.nodes.every((n) => n.overdueReason !== null)).toBe(true);
              overdueSeen += api.nodes.length;
            } else expect(api.nodes.every((n) => n.overdueReason === null)).toBe(true);
          }
        }
        const general = await searchCongresses(sql, {
          date, term: '2025-2030', under, underInclusive: inclusive, stage: null, from: null, to: null, overdue: true, pilot: null, risk: null,
          orderBy: CongressOrderField.PLANNED_START, first: 100, after: null,
        });
        const api = await listed(CONGRESSES, 'congresses', vars, 2, as);
        expect({ date, code, totals: api.totals, nodes: api.nodes.map((n) => n.organization.code) }).toEqual({
          date,
          code,
          totals: [general.total],
          nodes: general.rows.map((r) => codeOf.get(r.organizationId)),
        });
      }
    }
    expect(overdueSeen).toBeGreaterThan(0);
  });

  it('today’s lists: what the tree holds (a sanity check of the fixture, so the comparisons above compare something)', async () => {
    const congressOf = async (code: string) => (await app.readBack<{ id: string }>(`select id::text as id from congress where organization_id = $1`, [id(code)]))[0].id;
    const { body } = await app.gql(CONGRESSES, { under: globalId('Organization', id('OP-TW')), date: TODAY, first: 100, after: null });
    expect(body.data.congresses.nodes.map((n: any) => [n.organization.code, n.plannedStart])).toEqual([
      ['OP-MB-B1-C2', '2025-03-05'],
      ['OP-MA-B1-C2', '2025-03-20'],
      ['OP-MB-B1-C4', '2025-03-22'],
      ['OP-MB-B1', '2025-06-15'],
      ['OP-MA-BC1', '2025-07-20'],
      ['OP-MB-B1-C1', '2025-09-15'],
      // Both sort as 31 December 9999, then by the congress's id.
      ...[
        ['OP-MA-B1-C4', '9999-12-31', await congressOf('OP-MA-B1-C4')],
        ['OP-MA-BC2', null, await congressOf('OP-MA-BC2')],
      ]
        .sort((a, b) => (a[2]! < b[2]! ? -1 : 1))
        .map(([code, start]) => [code, start]),
    ]);
    const orgs = await app.gql(ORGS, { under: globalId('Organization', id('OP-TW')), date: TODAY, overdue: true, level: null, first: 100, after: null });
    // The eight above, and five with nothing scheduled.
    expect(orgs.body.data.organizations.totalCount).toBe(13);
    expect(orgs.body.data.organizations.nodes.filter((n: any) => n.overdueReason === 'NOT_SCHEDULED').map((n: any) => n.code).sort()).toEqual(
      ['OP-BLOC', 'OP-MA', 'OP-MA-B1', 'OP-MB', 'OP-MB-BC1'],
    );
  });
});
