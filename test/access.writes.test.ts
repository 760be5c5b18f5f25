import { startTestApp, type TestApp } from './support/harness';
import { ADVANCE, SCHEDULE, SCHEDULED_ON, schedule } from './support/congress';
import { APPLY, APPROVE, CANCEL, PROPOSE, PROPOSED_ON, approveOk, proposeOk } from './support/restructuring';
import { blocTree } from './support/trees';
import { GONE, orgId, principals, rows, same, state, writeOutcome, type At, type Row, type Who } from './support/access';

/**
 * Access control as a table, writes (reads: access.test.ts): each role × each kind of write × a target inside the
 * viewer's scope, the scope organisation itself, an ancestor of it, a restructuring straddling its edge, and outside
 * it; plus a revoked and an expired token. Each row builds its own tree (prefix W<n>), so a write that goes through
 * changes nothing another row reads:
 *   W-TW → W-BLOC (ancestor) → W-MA (scope) → W-MA-B1 → W-MA-B1-C1, W-MA-B1-C2
 *                                            → W-MA-B2 → W-MA-B2-C1
 *                                            → W-MA-S (above-base) → W-MA-S-B → W-MA-S-B-C1
 *                            → W-MB (outside) → W-MB-B1 → W-MB-B1-C1
 * A write expected to go through must have written (checked in the database); one refused must have written nothing
 * (every business table, the audit log and the principals as before).
 */

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

function writeTree(p: string) {
  const cell = (code: string) => ({ code, name: `Chi bộ ${code}`, level: 'CELL' as const, members: 10 });
  const base = (code: string, cells: string[]) => ({ code, name: `Đảng bộ Cơ quan ${code}`, level: 'BASE_COMMITTEE' as const, children: cells.map(cell) });
  return blocTree(p, [
    {
      code: `${p}-MA`,
      name: `Đảng ủy Bộ ${p} A`,
      level: 'ABOVE_BASE',
      children: [
        base(`${p}-MA-B1`, [`${p}-MA-B1-C1`, `${p}-MA-B1-C2`]),
        base(`${p}-MA-B2`, [`${p}-MA-B2-C1`]),
        { code: `${p}-MA-S`, name: `Đảng ủy ${p} S`, level: 'ABOVE_BASE', children: [base(`${p}-MA-S-B`, [`${p}-MA-S-B-C1`])] },
      ],
    },
    { code: `${p}-MB`, name: `Đảng ủy Bộ ${p} B`, level: 'ABOVE_BASE', children: [base(`${p}-MB-B1`, [`${p}-MB-B1-C1`])] },
  ]);
}

interface Fixture {
  p: string;
  ids: Map<string, string>;
  id(suffix: string): string;
  token(who: Who): Promise<string>;
}

/** A write of one row: set up as ADMIN (a congress to advance, a proposal to approve), then sent with the row's token. */
interface Prepared {
  query: string;
  input: Record<string, unknown>;
  /** True when the database shows the write happened. */
  written(): Promise<boolean>;
}
type WriteOp = (fx: Fixture, at: At) => Promise<Prepared>;

const MUTATION = (name: string, input: string) => `mutation($input: ${input}!) { ${name}(input: $input) { userErrors { code field message } } }`;
const W_ORG: Partial<Record<At, string>> = { inside: 'MA-B1-C1', self: 'MA', ancestor: 'BLOC', outside: 'MB-B1-C1' };
const W_PARENT: Partial<Record<At, [string, string]>> = { inside: ['MA-B1', 'CELL'], self: ['MA', 'BASE_COMMITTEE'], ancestor: ['BLOC', 'ABOVE_BASE'], outside: ['MB-B1', 'CELL'] };
const W_MOVE: Partial<Record<At, [string, string]>> = { inside: ['MA-B1-C2', 'MA-B2'], self: ['MA-S-B', 'MA'], ancestor: ['MA-B2', 'BLOC'], outside: ['MA-B1-C2', 'MB-B1'] };
const read1 = async <T>(sql: string, params: unknown[]): Promise<T | undefined> => (await app.readBack<T>(sql, params))[0];
const exists = async (sql: string, params: unknown[]) => !!(await read1(sql, params));
const versionOf = async (code: string) => (await read1<{ version: number }>(`select version from organization where code = $1`, [code]))!.version;
const placedUnder = (fx: Fixture, child: string, parent: string) =>
  exists(
    `select 1 from organization_placement p join organization c on c.id = p.organization_id join organization a on a.id = p.parent_id
      where c.code = $1 and a.code = $2 and p.valid_to is null`,
    [`${fx.p}-${child}`, `${fx.p}-${parent}`],
  );

/** Proposals (made as ADMIN) that a row then approves or applies, by position. */
async function proposal(fx: Fixture, at: At) {
  const rename = (code: string) => ({ kind: 'RENAME', title: `${fx.p} ${at}`, rename: { organization: fx.id(code), name: `Tên mới ${fx.p}` } });
  const merge = (a: string, b: string) => ({
    kind: 'MERGE',
    title: `${fx.p} ${at}`,
    sources: [fx.id(a), fx.id(b)],
    newTargets: [{ code: `${fx.p}-MA-B9`, name: `Đảng bộ hợp nhất ${fx.p}`, level: 'BASE_COMMITTEE', parent: fx.id('MA') }],
  });
  const input = { inside: merge('MA-B1', 'MA-B2'), self: rename('MA'), straddle: merge('MA-B1', 'MB-B1'), ancestor: rename('BLOC'), outside: rename('MB-B1-C1') }[at as 'inside'];
  return proposeOk(app, input);
}
const statusIs = (fx: Fixture, at: At, status: string) => exists(`select 1 from restructuring where title = $1 and status = $2`, [`${fx.p} ${at}`, status]);
const DECISION = { decisionNumber: '7-QĐ/ĐU', decisionDate: '2025-05-20', issuer: 'Ban Thường vụ', effectiveOn: '2025-06-01' };

const WRITE_OPS: Record<string, WriteOp> = {
  organizationUpdate: async (fx, at) => ({
    query: MUTATION('organizationUpdate', 'OrganizationUpdateInput'),
    input: { id: fx.id(W_ORG[at]!), version: await versionOf(`${fx.p}-${W_ORG[at]}`), name: `Tên sửa ${fx.p}` },
    written: () => exists(`select 1 from organization where code = $1 and name = $2`, [`${fx.p}-${W_ORG[at]}`, `Tên sửa ${fx.p}`]),
  }),
  organizationCreate: async (fx, at) => ({
    query: MUTATION('organizationCreate', 'OrganizationCreateInput'),
    input: { code: `${fx.p}-NEW`, name: `Mới ${fx.p}`, level: W_PARENT[at]![1], parent: fx.id(W_PARENT[at]![0]), memberCount: 5 },
    written: () => placedUnder(fx, 'NEW', W_PARENT[at]![0]),
  }),
  'organizationMove (a subtree inside to a new parent)': async (fx, at) => ({
    query: MUTATION('organizationMove', 'OrganizationMoveInput'),
    input: { id: fx.id(W_MOVE[at]![0]), newParent: fx.id(W_MOVE[at]![1]), effectiveOn: '2026-11-01' },
    written: () => placedUnder(fx, W_MOVE[at]![0], W_MOVE[at]![1]),
  }),
  'organizationMove (a subtree outside into the scope)': async (fx) => ({
    query: MUTATION('organizationMove', 'OrganizationMoveInput'),
    input: { id: fx.id('MB-B1-C1'), newParent: fx.id('MA-B1'), effectiveOn: '2026-11-01' },
    written: () => placedUnder(fx, 'MB-B1-C1', 'MA-B1'),
  }),
  congressSchedule: async (fx, at) => ({
    query: SCHEDULE,
    input: { organization: fx.id(W_ORG[at]!), plannedStart: '2027-03-10', plannedEnd: '2027-03-10', effectiveOn: SCHEDULED_ON },
    written: () => exists(`select 1 from congress c join organization o on o.id = c.organization_id where o.code = $1`, [`${fx.p}-${W_ORG[at]}`]),
  }),
  congressAdvance: async (fx, at) => {
    const c = await schedule(app, fx.ids.get(`${fx.p}-${W_ORG[at]}`)!, '2027-03-10');
    return {
      query: ADVANCE,
      input: { id: c.id, version: c.version, stage: 'PLAN_ISSUED', effectiveOn: '2025-01-10' },
      written: () => exists(`select 1 from congress c join organization o on o.id = c.organization_id where o.code = $1 and c.stage = 'PLAN_ISSUED'`, [`${fx.p}-${W_ORG[at]}`]),
    };
  },
  'restructuringPropose (RENAME)': async (fx, at) => ({
    query: PROPOSE,
    input: { kind: 'RENAME', title: `${fx.p} ${at}`, proposedOn: PROPOSED_ON, rename: { organization: fx.id(W_ORG[at]!), name: `Tên mới ${fx.p}` } },
    written: () => statusIs(fx, at, 'PROPOSED'),
  }),
  'restructuringPropose (MERGE into a new organisation)': async (fx, at) => {
    const other = { inside: 'MA-B2', straddle: 'MB-B1' }[at as 'inside'];
    return {
      query: PROPOSE,
      input: {
        kind: 'MERGE',
        title: `${fx.p} ${at}`,
        proposedOn: PROPOSED_ON,
        sources: [fx.id('MA-B1'), fx.id(other)],
        newTargets: [{ code: `${fx.p}-MA-B9`, name: `Đảng bộ hợp nhất ${fx.p}`, level: 'BASE_COMMITTEE', parent: fx.id('MA') }],
      },
      written: () => statusIs(fx, at, 'PROPOSED'),
    };
  },
  restructuringApprove: async (fx, at) => {
    const r = await proposal(fx, at);
    return { query: APPROVE, input: { id: r.id, version: r.version, ...DECISION }, written: () => statusIs(fx, at, 'APPROVED') };
  },
  restructuringApply: async (fx, at) => {
    const r = await approveOk(app, await proposal(fx, at), DECISION.effectiveOn, DECISION.decisionDate);
    return { query: APPLY, input: { id: r.id, version: r.version }, written: () => statusIs(fx, at, 'EFFECTIVE') };
  },
  restructuringCancel: async (fx, at) => {
    const r = await proposal(fx, at);
    return { query: CANCEL, input: { id: r.id, version: r.version, reason: 'Không còn cần thiết' }, written: () => statusIs(fx, at, 'CANCELLED') };
  },
  termCalendarSet: async () => {
    const { body } = await app.gql(`{ termCalendar(term: "2025-2030") { level deadline maxDays } }`);
    const entry = body.data.termCalendar.find((e: { level: string }) => e.level === 'SUB_COMMITTEE');
    const maxDays = entry.maxDays + 1;
    return {
      query: MUTATION('termCalendarSet', 'TermCalendarSetInput'),
      input: { term: '2025-2030', level: entry.level, deadline: entry.deadline, maxDays },
      written: async () => {
        const now = await app.gql(`{ termCalendar(term: "2025-2030") { level maxDays } }`);
        return now.body.data.termCalendar.find((e: { level: string }) => e.level === 'SUB_COMMITTEE').maxDays === maxDays;
      },
    };
  },
  principalCreate: async (fx) => ({
    query: MUTATION('principalCreate', 'PrincipalCreateInput'),
    input: { name: `made ${fx.p}`, role: 'VIEWER', scope: fx.id('MA') },
    written: () => exists(`select 1 from principal where name = $1`, [`made ${fx.p}`]),
  }),
  principalRevoke: async (fx) => {
    await app.principal('VIEWER', fx.ids.get(`${fx.p}-MA`)!, { name: `victim ${fx.p}` });
    const { body } = await app.gql(`{ principals(first: 100) { nodes { id name } } }`);
    const victim = body.data.principals.nodes.find((n: { name: string }) => n.name === `victim ${fx.p}`);
    return {
      query: MUTATION('principalRevoke', 'PrincipalRevokeInput'),
      input: { principal: victim.id },
      written: () => exists(`select 1 from principal where name = $1 and revoked_at is not null`, [`victim ${fx.p}`]),
    };
  },
};

const refusedFor = (ats: At[]) => same(['VIEWER', 'PUBLIC'], Object.fromEntries(ats.map((a) => [a, 'top FORBIDDEN'])));
const FOUR: At[] = ['inside', 'self', 'ancestor', 'outside'];
const FIVE: At[] = ['inside', 'self', 'straddle', 'ancestor', 'outside'];
const ok = (ats: At[]) => Object.fromEntries(ats.map((a) => [a, 'ok']));

const WRITES: Row[] = [
  ...rows('organizationUpdate', {
    ADMIN: ok(FOUR),
    EDITOR: { inside: 'ok', self: 'ok', ancestor: 'NOT_FOUND', outside: 'NOT_FOUND' },
    ...refusedFor(FOUR),
    REVOKED: { inside: GONE },
    EXPIRED: { inside: GONE },
  }),
  ...rows('organizationCreate', { ADMIN: ok(FOUR), EDITOR: { inside: 'ok', self: 'ok', ancestor: 'NOT_FOUND', outside: 'NOT_FOUND' }, ...refusedFor(FOUR), EXPIRED: { inside: GONE } }),
  ...rows('organizationMove (a subtree inside to a new parent)', { ADMIN: ok(FOUR), EDITOR: { inside: 'ok', self: 'ok', ancestor: 'NOT_FOUND', outside: 'NOT_FOUND' }, ...refusedFor(FOUR) }),
  ...rows('organizationMove (a subtree outside into the scope)', { ADMIN: { outside: 'ok' }, EDITOR: { outside: 'NOT_FOUND' }, ...refusedFor(['outside']) }),
  ...rows('congressSchedule', { ADMIN: ok(FOUR), EDITOR: { inside: 'ok', self: 'ok', ancestor: 'NOT_FOUND', outside: 'NOT_FOUND' }, ...refusedFor(FOUR) }),
  ...rows('congressAdvance', { ADMIN: ok(FOUR), EDITOR: { inside: 'ok', self: 'ok', ancestor: 'NOT_FOUND', outside: 'NOT_FOUND' }, ...refusedFor(FOUR), REVOKED: { inside: GONE } }),
  ...rows('restructuringPropose (RENAME)', { ADMIN: ok(FOUR), EDITOR: { inside: 'ok', self: 'ok', ancestor: 'NOT_FOUND', outside: 'NOT_FOUND' }, ...refusedFor(FOUR) }),
  ...rows('restructuringPropose (MERGE into a new organisation)', { ADMIN: ok(['inside', 'straddle']), EDITOR: { inside: 'ok', straddle: 'NOT_FOUND' }, ...refusedFor(['inside', 'straddle']) }),
  ...rows('restructuringApprove', {
    ADMIN: ok(FIVE),
    EDITOR: { inside: 'ok', self: 'ok', straddle: 'FORBIDDEN', ancestor: 'NOT_FOUND', outside: 'NOT_FOUND' },
    ...refusedFor(FIVE),
  }),
  ...rows('restructuringApply', {
    ADMIN: ok(FIVE),
    EDITOR: { inside: 'ok', self: 'ok', straddle: 'FORBIDDEN', ancestor: 'NOT_FOUND', outside: 'NOT_FOUND' },
    ...refusedFor(FIVE),
  }),
  ...rows('restructuringCancel', {
    ADMIN: ok(FIVE),
    EDITOR: { inside: 'ok', self: 'ok', straddle: 'FORBIDDEN', ancestor: 'NOT_FOUND', outside: 'NOT_FOUND' },
    ...refusedFor(FIVE),
  }),
  ...rows('termCalendarSet', { ADMIN: { '-': 'ok' }, ...same(['EDITOR', 'VIEWER', 'PUBLIC'], { '-': 'top FORBIDDEN' }), EXPIRED: { '-': GONE } }),
  ...rows('principalCreate', { ADMIN: { '-': 'ok' }, ...same(['EDITOR', 'VIEWER', 'PUBLIC'], { '-': 'top FORBIDDEN' }) }),
  ...rows('principalRevoke', { ADMIN: { '-': 'ok' }, ...same(['EDITOR', 'VIEWER', 'PUBLIC'], { '-': 'top FORBIDDEN' }), REVOKED: { '-': GONE } }),
];

let fixtures = 0;
async function fixture(): Promise<Fixture> {
  const p = `W${++fixtures}`;
  const fxIds = await app.tree(writeTree(p));
  const tokens = principals(app, () => fxIds);
  return { p, ids: fxIds, id: (suffix) => orgId(fxIds, `${p}-${suffix}`), token: (who) => tokens(who, `${p}-MA`) };
}

describe('writes: role × kind × position; a refused write writes nothing', () => {
  for (const row of WRITES) {
    it(`${row.who} ${row.op} [${row.at}] → ${row.expect}`, async () => {
      const fx = await fixture();
      const token = await fx.token(row.who);
      const w = await WRITE_OPS[row.op](fx, row.at);
      const before = await state(app);
      const outcome = writeOutcome(await app.gql(w.query, { input: w.input }, { as: token }));
      expect(outcome).toBe(row.expect);
      // What went through is in the database (and the digest saw it); what was refused left every table as it was.
      if (outcome === 'ok') {
        expect(await w.written()).toBe(true);
        expect(await state(app)).not.toEqual(before);
      } else expect(await state(app)).toEqual(before);
    });
  }
});
