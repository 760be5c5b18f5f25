import { globalId, startTestApp, type GqlResult, type TestApp } from './support/harness';
import { ADVANCE, schedule } from './support/congress';
import { applyOk, approveOk, proposeOk } from './support/restructuring';
import { smallTree } from './support/trees';
import { GONE, SCOPED, codeOf, orgId, principals, refusedWhole, rows, same, state, writeOutcome, type At, type Row, type Who } from './support/access';

/**
 * Access control as a table, reads (writes: access.writes.test.ts; tokens: access.tokens.test.ts): each role × each
 * kind of read × a target inside the viewer's scope, the scope organisation itself, an ancestor of it (seen by name
 * only), a restructuring straddling its edge, and outside it; plus a scope organisation merged away between two reads,
 * and a revoked and an expired token. Each row names the outcome it expects; every kind has rows that expect it to
 * work, so a check that always refused (or always let through) would fail some of them.
 *
 * Read fixture (smallTree 'R'), viewers scoped to R-MA:
 *   R-TW → R-BLOC (ancestor) → R-MA (scope) → R-MA-B1 → R-MA-B1-C1, R-MA-B1-C2
 *                            → R-MB (outside) → R-MB-B1 → R-MB-B1-C1
 */

let app: TestApp;
let ids = new Map<string, string>();
let tokenOf: ReturnType<typeof principals>;
const congressOf = new Map<string, string>();
const restructuringAt = new Map<At, string>();

beforeAll(async () => {
  app = await startTestApp();
  tokenOf = principals(app, () => ids);
  ids = await app.tree(smallTree('R'));
  for (const code of ['R-MA-B1-C1', 'R-MA', 'R-BLOC', 'R-MB-B1-C1']) congressOf.set(code, (await schedule(app, ids.get(code)!, '2025-05-20')).id);
  // A history with an actor and a note (personnel and narrative fields PUBLIC must not see).
  for (const code of ['R-MA-B1-C1', 'R-MB-B1-C1']) {
    const c = (await app.gql(`query($id: ID!) { node(id: $id) { ... on Congress { id version } } }`, { id: congressOf.get(code) })).body.data.node;
    const adv = await app.gql(ADVANCE, { input: { id: c.id, version: c.version, stage: 'PLAN_ISSUED', effectiveOn: '2025-01-10', note: 'Kế hoạch số 1' } });
    expect(adv.body.data.congressAdvance.userErrors).toEqual([]);
  }
  const rename = async (code: string, title: string) => (await proposeOk(app, { kind: 'RENAME', title, rename: { organization: orgId(ids, code), name: `${title} tên mới` } })).id;
  restructuringAt.set('inside', await rename('R-MA-B1-C1', 'R in'));
  restructuringAt.set('ancestor', await rename('R-BLOC', 'R anc'));
  restructuringAt.set('outside', await rename('R-MB-B1-C1', 'R out'));
  restructuringAt.set('straddle', (await proposeOk(app, { kind: 'TRANSFER', title: 'R straddle', moves: [{ organization: orgId(ids, 'R-MA-B1-C2'), newParent: orgId(ids, 'R-MB-B1') }] })).id);
  await buildMerged();
});
afterAll(() => app.close());

const ORG: Partial<Record<At, string>> = { inside: 'R-MA-B1-C1', self: 'R-MA', ancestor: 'R-BLOC', outside: 'R-MB-B1-C1' };
const UNDER: Partial<Record<At, string>> = { inside: 'R-MA-B1', self: 'R-MA', ancestor: 'R-BLOC', outside: 'R-MB' };

async function ask(who: Who, query: string, variables: Record<string, unknown> = {}, scope = 'R-MA'): Promise<GqlResult> {
  return app.gql(query, variables, { as: await tokenOf(who, scope) });
}

/** An organisation as one viewer sees it: `full`, `name` (name fields only; its content FORBIDDEN), or `hidden`. */
function seenOrg(res: GqlResult, pick: (d: any) => Record<string, any>): string {
  const whole = refusedWhole(res);
  if (whole) return whole;
  const d = pick(res.body.data);
  const errs = res.body.errors ?? [];
  if (d.o === null) return errs.length || Object.values(d).some((v) => v !== null) ? `inconsistent ${JSON.stringify(res.body)}` : 'hidden';
  const content = ['p', 'ch', 'cg', 'm'];
  const forbidden = content.filter((k) => errs.some((e) => e.path?.[0] === k && codeOf(e) === 'FORBIDDEN'));
  if (errs.length === 0 && d.o.code && content.every((k) => d[k] !== null)) return 'full';
  if (forbidden.length === content.length && errs.length === content.length && d.o.code && d.o.name) return 'name';
  return `mixed ${JSON.stringify(res.body)}`;
}

const codes = (nodes: { code: string }[], prefix: string) => nodes.map((n) => n.code).filter((c) => c.startsWith(prefix)).sort().join(' ') || 'none';

const ORG_FIELDS = (sel: string) => `o: ${sel} { ... on Organization { code name } }
  p: ${sel} { ... on Organization { progress { organizations } } }
  ch: ${sel} { ... on Organization { children(first: 5) { totalCount } } }
  cg: ${sel} { ... on Organization { congress { stage } } }
  m: ${sel} { ... on Organization { memberCount } }`;

const READ_OPS: Record<string, (who: Who, at: At) => Promise<string>> = {
  async 'organization(code:)'(who, at) {
    return seenOrg(await ask(who, `query($c: String!) { ${ORG_FIELDS('organization(code: $c)')} }`, { c: ORG[at] }), (d) => d);
  },
  async 'node(id:)'(who, at) {
    return seenOrg(await ask(who, `query($id: ID!) { ${ORG_FIELDS('node(id: $id)')} }`, { id: orgId(ids, ORG[at]!) }), (d) => d);
  },
  async 'nodes(ids:) in place'(who, at) {
    const res = await ask(who, `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Organization { code } } }`, { ids: [orgId(ids, 'R-MA-B1-C2'), orgId(ids, ORG[at]!)] });
    return refusedWhole(res) ?? res.body.data.nodes.map((n: { code: string } | null) => n?.code ?? 'null').join(' ');
  },
  async 'node(id:) of a congress'(who, at) {
    const res = await ask(who, `query($id: ID!) { node(id: $id) { ... on Congress { stage organization { code } } } }`, { id: congressOf.get(ORG[at]!) });
    return refusedWhole(res) ?? (res.body.errors ? `errors ${res.body.errors.map(codeOf)}` : res.body.data.node ? res.body.data.node.organization.code : 'hidden');
  },
  async 'organizations(under:)'(who, at) {
    const res = await ask(who, `query($u: ID) { organizations(first: 50, under: $u) { totalCount nodes { code } } }`, { u: orgId(ids, UNDER[at]!) });
    return refusedWhole(res) ?? `${res.body.data.organizations.totalCount}: ${codes(res.body.data.organizations.nodes, 'R-')}`;
  },
  async 'organizations (no under)'(who) {
    const res = await ask(who, `{ organizations(first: 100) { nodes { code } } }`);
    return refusedWhole(res) ?? codes(res.body.data.organizations.nodes, who === 'ADMIN' || who === 'PUBLIC*' ? 'R-' : '');
  },
  async 'congresses(under:)'(who, at) {
    const res = await ask(who, `query($u: ID) { congresses(first: 50, under: $u) { totalCount nodes { organization { code } } } }`, { u: orgId(ids, UNDER[at]!) });
    const c = res.body.data?.congresses;
    return refusedWhole(res) ?? `${c.totalCount}: ${codes(c.nodes.map((n: any) => n.organization), 'R-')}`;
  },
  async 'congresses (no under)'(who) {
    const res = await ask(who, `{ congresses(first: 100) { nodes { organization { code } } } }`);
    return refusedWhole(res) ?? codes(res.body.data.congresses.nodes.map((n: any) => n.organization), who === 'ADMIN' || who === 'PUBLIC*' ? 'R-' : '');
  },
  async 'restructurings(under:)'(who, at) {
    const res = await ask(who, `query($u: ID) { restructurings(first: 50, under: $u) { totalCount nodes { title } } }`, { u: orgId(ids, UNDER[at]!) });
    const r = res.body.data?.restructurings;
    return refusedWhole(res) ?? `${r.totalCount}: ${r.nodes.map((n: any) => n.title).sort().join(' | ') || 'none'}`;
  },
  async 'restructuring participants (edges)'(who, at) {
    const res = await ask(who, `query($id: ID!) { node(id: $id) { ... on Restructuring { participants { role organization { code } newParent { code } } sources { code } targets { code } } } }`, {
      id: restructuringAt.get(at),
    });
    if (refusedWhole(res)) return refusedWhole(res)!;
    if (res.body.errors) return `errors ${JSON.stringify(res.body.errors)}`;
    const n = res.body.data.node;
    if (!n) return 'hidden';
    const parts = n.participants.map((p: any) => `${p.organization.code}:${p.role}${p.role === 'MOVED' ? `>${p.newParent?.code ?? 'null'}` : ''}`).sort();
    return `${parts.join(' ')}; sources ${codes(n.sources, '')}; targets ${codes(n.targets, '')}`;
  },
  async 'progress(under:)'(who, at) {
    const res = await ask(who, `query($u: ID!) { progress(under: $u) { organizations } }`, { u: orgId(ids, UNDER[at]!) });
    return refusedWhole(res) ?? String(res.body.data.progress.organizations);
  },
  async 'progress(under:) answers as for a nonexistent id'(who, at) {
    const q = `query($u: ID!) { progress(under: $u) { organizations } }`;
    const strip = (res: GqlResult) => JSON.stringify({ status: res.status, data: res.body.data, errors: res.body.errors?.map((e) => ({ message: e.message, extensions: e.extensions })) });
    const target = strip(await ask(who, q, { u: orgId(ids, UNDER[at]!) }));
    const ghost = strip(await ask(who, q, { u: globalId('Organization', '00000000-0000-4000-8000-000000000000') }));
    return target === ghost ? 'same' : 'differs';
  },
  async 'parent and ancestors (edges)'(who, at) {
    const res = await ask(who, `query($c: String!) { organization(code: $c) { parent { code name } ancestors { code name } } }`, { c: ORG[at] });
    if (refusedWhole(res) || res.body.errors) return refusedWhole(res) ?? `errors ${JSON.stringify(res.body.errors)}`;
    const o = res.body.data.organization;
    return o ? `parent ${o.parent?.code ?? 'null'}; ancestors ${codes(o.ancestors, '')}` : 'hidden';
  },
  async 'personnel and narrative fields'(who, at) {
    const field = (f: string) => `${f.replace(/\W/g, '')}: organization(code: $c) { congress { stage ${f} } }`;
    const fields = ['delegatesConvened', 'delegatesAttending', 'committeeSize', 'committeeFormation', 'delegatesToSuperior { elected }', 'history { actor }', 'history { note }'];
    const res = await ask(who, `query($c: String!) { stage: organization(code: $c) { congress { stage history { toStage } } } ${fields.map(field).join('\n')} }`, { c: ORG[at] });
    if (refusedWhole(res)) return refusedWhole(res)!;
    if (!res.body.data.stage?.congress?.history?.length) return `no congress history to read ${JSON.stringify(res.body)}`;
    const errs = res.body.errors ?? [];
    if (errs.some((e) => codeOf(e) !== 'FORBIDDEN')) return `errors ${JSON.stringify(errs)}`;
    const forbidden = [...new Set(errs.map((e) => e.path![0]))].sort();
    return forbidden.length ? `FORBIDDEN ${forbidden.join(' ')}` : 'readable';
  },
  async 'ADMIN-only reads'(who) {
    const one = async (q: string) => {
      const res = await ask(who, q);
      return refusedWhole(res) ?? (res.body.errors ? `errors ${res.body.errors.map(codeOf)}` : 'ok');
    };
    return `audit ${await one('{ auditEvents(first: 1) { totalCount } }')}; principals ${await one('{ principals(first: 1) { totalCount } }')}`;
  },
  async 'Organization.viewerCanUpdate'(who, at) {
    const res = await ask(who, `query($c: String!) { organization(code: $c) { viewerCanUpdate } }`, { c: ORG[at] });
    return refusedWhole(res) ?? (res.body.errors ? `errors ${res.body.errors.map(codeOf)}` : String(res.body.data.organization?.viewerCanUpdate ?? 'hidden'));
  },
  async 'Congress.viewerCanUpdate'(who, at) {
    const res = await ask(who, `query($id: ID!) { node(id: $id) { ... on Congress { viewerCanUpdate } } }`, { id: congressOf.get(ORG[at]!) });
    return refusedWhole(res) ?? (res.body.errors ? `errors ${res.body.errors.map(codeOf)}` : String(res.body.data.node?.viewerCanUpdate ?? 'hidden'));
  },
};

const ALL = (v: string) => ({ inside: v, self: v, ancestor: v, outside: v });
const ALL_R = 'R-BLOC R-MA R-MA-B1 R-MA-B1-C1 R-MA-B1-C2 R-MB R-MB-B1 R-MB-B1-C1 R-TW';

const READS: Row[] = [
  ...rows('organization(code:)', {
    ADMIN: ALL('full'),
    'PUBLIC*': ALL('full'),
    ...same(SCOPED, { inside: 'full', self: 'full', ancestor: 'name', outside: 'hidden' }),
    REVOKED: { inside: GONE },
    EXPIRED: { inside: GONE },
  }),
  ...rows('node(id:)', { ADMIN: ALL('full'), 'PUBLIC*': ALL('full'), ...same(SCOPED, { inside: 'full', self: 'full', ancestor: 'name', outside: 'hidden' }), REVOKED: { outside: GONE } }),
  ...rows('nodes(ids:) in place', {
    ADMIN: { inside: 'R-MA-B1-C2 R-MA-B1-C1', ancestor: 'R-MA-B1-C2 R-BLOC', outside: 'R-MA-B1-C2 R-MB-B1-C1' },
    'PUBLIC*': { outside: 'R-MA-B1-C2 R-MB-B1-C1' },
    ...same(SCOPED, { inside: 'R-MA-B1-C2 R-MA-B1-C1', self: 'R-MA-B1-C2 R-MA', ancestor: 'R-MA-B1-C2 R-BLOC', outside: 'R-MA-B1-C2 null' }),
  }),
  ...rows('node(id:) of a congress', {
    ADMIN: { inside: 'R-MA-B1-C1', ancestor: 'R-BLOC', outside: 'R-MB-B1-C1' },
    'PUBLIC*': { outside: 'R-MB-B1-C1' },
    ...same(SCOPED, { inside: 'R-MA-B1-C1', self: 'R-MA', ancestor: 'hidden', outside: 'hidden' }),
  }),
  ...rows('organizations(under:)', {
    ADMIN: { inside: '2: R-MA-B1-C1 R-MA-B1-C2', self: '3: R-MA-B1 R-MA-B1-C1 R-MA-B1-C2', ancestor: '7: R-MA R-MA-B1 R-MA-B1-C1 R-MA-B1-C2 R-MB R-MB-B1 R-MB-B1-C1', outside: '2: R-MB-B1 R-MB-B1-C1' },
    'PUBLIC*': { outside: '2: R-MB-B1 R-MB-B1-C1' },
    ...same(SCOPED, { inside: '2: R-MA-B1-C1 R-MA-B1-C2', self: '3: R-MA-B1 R-MA-B1-C1 R-MA-B1-C2', ancestor: '0: none', outside: '0: none' }),
    EXPIRED: { inside: GONE },
  }),
  ...rows('organizations (no under)', { ADMIN: { self: ALL_R }, 'PUBLIC*': { self: ALL_R }, ...same(SCOPED, { self: 'R-MA R-MA-B1 R-MA-B1-C1 R-MA-B1-C2' }) }),
  ...rows('congresses(under:)', {
    ADMIN: { inside: '1: R-MA-B1-C1', self: '1: R-MA-B1-C1', ancestor: '3: R-MA R-MA-B1-C1 R-MB-B1-C1', outside: '1: R-MB-B1-C1' },
    'PUBLIC*': { outside: '1: R-MB-B1-C1' },
    ...same(SCOPED, { inside: '1: R-MA-B1-C1', self: '1: R-MA-B1-C1', ancestor: '0: none', outside: '0: none' }),
  }),
  ...rows('congresses (no under)', { ADMIN: { self: 'R-BLOC R-MA R-MA-B1-C1 R-MB-B1-C1' }, 'PUBLIC*': { self: 'R-BLOC R-MA R-MA-B1-C1 R-MB-B1-C1' }, ...same(SCOPED, { self: 'R-MA R-MA-B1-C1' }) }),
  ...rows('restructurings(under:)', {
    ADMIN: { inside: '2: R in | R straddle', self: '2: R in | R straddle', ancestor: '4: R anc | R in | R out | R straddle', outside: '2: R out | R straddle' },
    ...same(SCOPED, { inside: '2: R in | R straddle', self: '2: R in | R straddle', ancestor: '0: none', outside: '0: none' }),
  }),
  ...rows('restructuring participants (edges)', {
    ADMIN: {
      inside: 'R-MA-B1-C1:TARGET; sources none; targets R-MA-B1-C1',
      straddle: 'R-MA-B1-C2:MOVED>R-MB-B1 R-MA-B1:OLD_PARENT R-MB-B1:NEW_PARENT; sources R-MA-B1; targets R-MB-B1',
      ancestor: 'R-BLOC:TARGET; sources none; targets R-BLOC',
      outside: 'R-MB-B1-C1:TARGET; sources none; targets R-MB-B1-C1',
    },
    ...same(['EDITOR', 'VIEWER'], {
      inside: 'R-MA-B1-C1:TARGET; sources none; targets R-MA-B1-C1',
      straddle: 'R-MA-B1-C2:MOVED>null R-MA-B1:OLD_PARENT; sources R-MA-B1; targets none',
      ancestor: 'hidden',
      outside: 'hidden',
    }),
  }),
  ...rows('progress(under:)', {
    ADMIN: { inside: '2', self: '3', ancestor: '7', outside: '2' },
    'PUBLIC*': { outside: '2' },
    ...same(SCOPED, { inside: '2', self: '3', ancestor: 'top NOT_FOUND', outside: 'top NOT_FOUND' }),
    REVOKED: { inside: GONE },
  }),
  ...rows('progress(under:) answers as for a nonexistent id', { ADMIN: { outside: 'differs' }, ...same(SCOPED, { inside: 'differs', ancestor: 'same', outside: 'same' }) }),
  ...rows('parent and ancestors (edges)', {
    ADMIN: { self: 'parent R-BLOC; ancestors R-BLOC R-TW' },
    ...same(SCOPED, { inside: 'parent R-MA-B1; ancestors R-BLOC R-MA R-MA-B1 R-TW', self: 'parent R-BLOC; ancestors R-BLOC R-TW', ancestor: 'parent R-TW; ancestors R-TW', outside: 'hidden' }),
  }),
  ...rows('personnel and narrative fields', {
    ADMIN: { inside: 'readable' },
    EDITOR: { inside: 'readable' },
    VIEWER: { inside: 'readable' },
    PUBLIC: { inside: 'FORBIDDEN committeeFormation committeeSize delegatesAttending delegatesConvened delegatesToSuperiorelected historyactor historynote' },
    'PUBLIC*': { outside: 'FORBIDDEN committeeFormation committeeSize delegatesAttending delegatesConvened delegatesToSuperiorelected historyactor historynote' },
  }),
  ...rows('ADMIN-only reads', {
    ADMIN: { '-': 'audit ok; principals ok' },
    ...same([...SCOPED, 'PUBLIC*'], { '-': 'audit top FORBIDDEN; principals top FORBIDDEN' }),
    EXPIRED: { '-': `audit ${GONE}; principals ${GONE}` },
  }),
  ...rows('Organization.viewerCanUpdate', {
    ADMIN: ALL('true'),
    EDITOR: { inside: 'true', self: 'true', ancestor: 'false', outside: 'hidden' },
    VIEWER: { inside: 'false', self: 'false', ancestor: 'false', outside: 'hidden' },
    PUBLIC: { inside: 'false', self: 'false', ancestor: 'false', outside: 'hidden' },
    'PUBLIC*': { outside: 'false' },
  }),
  ...rows('Congress.viewerCanUpdate', {
    ADMIN: { inside: 'true', ancestor: 'true', outside: 'true' },
    EDITOR: { inside: 'true', self: 'true', ancestor: 'hidden', outside: 'hidden' },
    VIEWER: { inside: 'false', self: 'false', ancestor: 'hidden', outside: 'hidden' },
  }),
];

describe('reads: role × kind × position', () => {
  for (const row of READS) {
    it(`${row.who} ${row.op} [${row.at}] → ${row.expect}`, async () => {
      expect(await READ_OPS[row.op](row.who, row.at)).toBe(row.expect);
    });
  }
});

/**
 * A scope organisation merged away between two reads (smallTree 'M'): M-MA-B1 and M-MB-B1 merge into a new M-MA-B9
 * under M-MA from 2025-03-01 (their cells follow). Viewers scoped to M-MA-B1 read on 2025-02-01 (before) and
 * 2025-04-01 (after); `M-MA` is a viewer scoped to M-MA (which holds the merged organisation).
 */
let mIds = new Map<string, string>();
async function buildMerged() {
  mIds = await app.tree(smallTree('M'));
  for (const [code, id] of mIds) ids.set(code, id);
  const r = await proposeOk(app, {
    kind: 'MERGE',
    title: 'M hợp nhất',
    sources: [orgId(mIds, 'M-MA-B1'), orgId(mIds, 'M-MB-B1')],
    newTargets: [{ code: 'M-MA-B9', name: 'Đảng bộ Cơ quan hợp nhất M', level: 'BASE_COMMITTEE', parent: orgId(mIds, 'M-MA') }],
  });
  await applyOk(app, await approveOk(app, r, '2025-03-01', '2025-02-15'));
  const [b9] = await app.readBack<{ id: string }>(`select id from organization where code = 'M-MA-B9'`);
  ids.set('M-MA-B9', b9.id);
}

const DATE: Partial<Record<At, string>> = { before: '2025-02-01', after: '2025-04-01' };
interface MergedRow extends Row {
  scope: string;
}
const mrows = (scope: string, op: string, table: Partial<Record<Who, Partial<Record<At, string>>>>): MergedRow[] => rows(op, table).map((r) => ({ ...r, scope }));

const MERGED_OPS: Record<string, (who: Who, at: At, scope: string) => Promise<string>> = {
  async 'organization(code:, asOf:) of a cell in the scope'(who, at, scope) {
    const res = await ask(who, `query($d: Date) { ${ORG_FIELDS('organization(code: "M-MA-B1-C1", asOf: $d)')} }`, { d: DATE[at] }, scope);
    return seenOrg(res, (d) => d);
  },
  async 'organization(code:, asOf:) of the scope itself'(who, at, scope) {
    const res = await ask(who, `query($d: Date) { o: organization(code: "M-MA-B1", asOf: $d) { code name } }`, { d: DATE[at] }, scope);
    return refusedWhole(res) ?? (res.body.data.o ? 'visible' : 'hidden');
  },
  async 'organizations(asOf:) (no under)'(who, at, scope) {
    const res = await ask(who, `query($d: Date) { organizations(first: 100, asOf: $d) { nodes { code } } }`, { d: DATE[at] }, scope);
    return refusedWhole(res) ?? codes(res.body.data.organizations.nodes, who === 'ADMIN' ? 'M-MA' : '');
  },
  async 'progress(under: scope, asOf:)'(who, at, scope) {
    const res = await ask(who, `query($u: ID!, $d: Date) { progress(under: $u, asOf: $d) { organizations } }`, { u: orgId(ids, 'M-MA-B1'), d: DATE[at] }, scope);
    return refusedWhole(res) ?? String(res.body.data.progress.organizations);
  },
  async 'node(id:) today of a cell that was in the scope'(who, _at, scope) {
    const res = await ask(who, `query($id: ID!) { node(id: $id) { ... on Organization { code } } }`, { id: orgId(ids, 'M-MA-B1-C1') }, scope);
    return refusedWhole(res) ?? (res.body.data.node?.code ?? 'hidden');
  },
  async 'predecessors of the merged organisation (edges)'(who, _at, scope) {
    const res = await ask(who, `{ organization(code: "M-MA-B9") { predecessors { code } } }`, {}, scope);
    if (refusedWhole(res) || res.body.errors) return refusedWhole(res) ?? `errors ${JSON.stringify(res.body.errors)}`;
    return res.body.data.organization ? codes(res.body.data.organization.predecessors, '') : 'hidden';
  },
  async 'organizationUpdate today of a cell that was in the scope'(who, _at, scope) {
    const before = await state(app);
    const [{ version }] = await app.readBack<{ version: number }>(`select version from organization where code = 'M-MA-B1-C1'`);
    const name = `Chi bộ sửa bởi ${who} ${scope}`;
    const res = await ask(who, `mutation($input: OrganizationUpdateInput!) { organizationUpdate(input: $input) { organization { code } userErrors { code } } }`, {
      input: { id: orgId(ids, 'M-MA-B1-C1'), version, name },
    }, scope);
    const out = writeOutcome(res);
    const [row] = await app.readBack<{ name: string }>(`select name from organization where code = 'M-MA-B1-C1'`);
    if (out === 'ok') return row.name === name ? 'ok' : `ok but not written (${row.name})`;
    expect(await state(app)).toEqual(before);
    return out;
  },
};

const MERGED: MergedRow[] = [
  ...mrows('M-MA-B1', 'organization(code:, asOf:) of a cell in the scope', { ...same(SCOPED, { before: 'full', after: 'hidden' }), ADMIN: { before: 'full', after: 'full' } }),
  ...mrows('M-MA', 'organization(code:, asOf:) of a cell in the scope', { VIEWER: { before: 'full', after: 'full' } }),
  ...mrows('M-MA-B1', 'organization(code:, asOf:) of the scope itself', { ...same(SCOPED, { before: 'visible', after: 'hidden' }), ADMIN: { after: 'visible' } }),
  ...mrows('M-MA-B1', 'organizations(asOf:) (no under)', {
    ...same(SCOPED, { before: 'M-MA-B1 M-MA-B1-C1 M-MA-B1-C2', after: 'none' }),
    ADMIN: { before: 'M-MA M-MA-B1 M-MA-B1-C1 M-MA-B1-C2', after: 'M-MA M-MA-B1-C1 M-MA-B1-C2 M-MA-B9' },
  }),
  ...mrows('M-MA-B1', 'progress(under: scope, asOf:)', { ...same(SCOPED, { before: '2', after: 'top NOT_FOUND' }), ADMIN: { before: '2' } }),
  ...mrows('M-MA-B1', 'node(id:) today of a cell that was in the scope', { ...same(SCOPED, { after: 'hidden' }), ADMIN: { after: 'M-MA-B1-C1' } }),
  ...mrows('M-MA', 'node(id:) today of a cell that was in the scope', { VIEWER: { after: 'M-MA-B1-C1' } }),
  ...mrows('M-MA-B1', 'predecessors of the merged organisation (edges)', { VIEWER: { after: 'hidden' }, ADMIN: { after: 'M-MA-B1 M-MB-B1' } }),
  ...mrows('M-MA', 'predecessors of the merged organisation (edges)', { VIEWER: { after: 'M-MA-B1' } }),
  ...mrows('M-MA-B1', 'organizationUpdate today of a cell that was in the scope', { EDITOR: { after: 'NOT_FOUND' } }),
  ...mrows('M-MA', 'organizationUpdate today of a cell that was in the scope', { EDITOR: { after: 'ok' } }),
];

describe('a scope merged away between two reads (2025-02-01 before, 2025-04-01 after)', () => {
  for (const row of MERGED) {
    it(`${row.who}@${row.scope} ${row.op} [${row.at}] → ${row.expect}`, async () => {
      expect(await MERGED_OPS[row.op](row.who, row.at, row.scope)).toBe(row.expect);
    });
  }
});

