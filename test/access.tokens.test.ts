import { globalId, startTestApp, type TestApp } from './support/harness';
import { smallTree } from './support/trees';
import { codeOf, state } from './support/access';
import { ADVANCE } from './support/congress';

/**
 * Tokens and the viewer: no header, a malformed, unknown, revoked or expired token → HTTP 401 UNAUTHENTICATED; who the
 * viewer is; when a token was last used; the principal an audit event records; the anonymous PUBLIC role.
 */

let app: TestApp;
let ids: Map<string, string>;
beforeAll(async () => {
  app = await startTestApp();
  ids = await app.tree(smallTree('K'));
});
afterAll(() => app.close());

const VIEWER = `{ viewer { name role scope { code } } }`;

async function raw(headers: Record<string, string>) {
  const res = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: VIEWER }) });
  return { status: res.status, authenticate: res.headers.get('www-authenticate'), body: (await res.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] } };
}

const refused = (res: { status: number; body: { data?: unknown; errors?: { extensions?: { code?: string } }[] } }) => {
  expect(res.status).toBe(401);
  expect(res.body.data ?? null).toBeNull();
  expect(res.body.errors!.map(codeOf)).toEqual(['UNAUTHENTICATED']);
};

const principalId = async (name: string) => {
  const { body } = await app.gql(`{ principals(first: 100, includeRevoked: true) { nodes { id name } } }`);
  return body.data.principals.nodes.find((n: { name: string }) => n.name === name).id as string;
};

describe('tokens', () => {
  const TOKENS: [string, () => Promise<Record<string, string>>][] = [
    ['no Authorization header', async () => ({})],
    ['an empty Bearer', async () => ({ authorization: 'Bearer ' })],
    ['another scheme', async () => ({ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` })],
    ['a malformed token', async () => ({ authorization: 'Bearer dh_short' })],
    ['a well-formed unknown token', async () => ({ authorization: `Bearer dh_${'A'.repeat(43)}` })],
  ];
  for (const [what, headers] of TOKENS) {
    it(`${what} → 401 UNAUTHENTICATED with a Bearer challenge`, async () => {
      const res = await raw(await headers());
      refused(res);
      expect(res.authenticate).toMatch(/^Bearer /);
    });
  }

  it('a valid token passes (the counterpart of the rows above)', async () => {
    const res = await raw({ authorization: `Bearer ${app.adminToken}` });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ viewer: { name: 'test admin', role: 'ADMIN', scope: null } });
  });

  it('a revoked principal: its token works until principalRevoke, then 401; the revocation is listed', async () => {
    const token = await app.principal('VIEWER', ids.get('K-MA')!, { name: 'to revoke' });
    expect((await app.gql(VIEWER, {}, { as: token })).status).toBe(200);
    const { body } = await app.gql(`mutation($input: PrincipalRevokeInput!) { principalRevoke(input: $input) { principal { name revokedAt } userErrors { code } } }`, {
      input: { principal: await principalId('to revoke') },
    });
    expect(body.data.principalRevoke.userErrors).toEqual([]);
    expect(body.data.principalRevoke.principal.revokedAt).not.toBeNull();
    refused(await app.gql(VIEWER, {}, { as: token }));
    // Revoking again: no live principal.
    const again = await app.gql(`mutation($input: PrincipalRevokeInput!) { principalRevoke(input: $input) { userErrors { code } } }`, { input: { principal: await principalId('to revoke') } });
    expect(again.body.data.principalRevoke.userErrors.map((e: { code: string }) => e.code)).toEqual(['NOT_FOUND']);
  });

  it('an expired token: works before its expiresAt, 401 after', async () => {
    const token = await app.principal('EDITOR', ids.get('K-MA')!, { name: 'expiring', expiresAt: new Date(Date.now() + 3_600_000) });
    expect((await app.gql(VIEWER, {}, { as: token })).body.data.viewer).toEqual({ name: 'expiring', role: 'EDITOR', scope: { code: 'K-MA' } });
    await app.write((tx) => tx.sql(`update access_token set expires_at = now() - interval '1 second' where principal_id = (select id from principal where name = 'expiring')`));
    refused(await app.gql(VIEWER, {}, { as: token }));
  });

  it('principalCreate refuses an expiry in the past (EXPIRED), writing nothing', async () => {
    const before = await state(app);
    const { body } = await app.gql(`mutation($input: PrincipalCreateInput!) { principalCreate(input: $input) { token userErrors { code field } } }`, {
      input: { name: 'born expired', role: 'VIEWER', scope: globalId('Organization', ids.get('K-MA')!), expiresAt: new Date(Date.now() - 1000).toISOString() },
    });
    expect(body.data.principalCreate).toEqual({ token: null, userErrors: [{ code: 'EXPIRED', field: ['input', 'expiresAt'] }] });
    expect(await state(app)).toEqual(before);
  });
});

describe('viewer', () => {
  const CASES: [string, 'ADMIN' | 'EDITOR' | 'VIEWER' | 'PUBLIC', string | null][] = [
    ['an EDITOR', 'EDITOR', 'K-MA'],
    ['a VIEWER', 'VIEWER', 'K-MB-B1'],
    ['a scoped PUBLIC', 'PUBLIC', 'K-BLOC'],
    ['an unscoped PUBLIC', 'PUBLIC', null],
  ];
  for (const [what, role, scope] of CASES) {
    it(`${what}: name, role and scope`, async () => {
      const name = `viewer ${what}`;
      const token = await app.principal(role, scope ? ids.get(scope)! : null, { name });
      const { body } = await app.gql(VIEWER, {}, { as: token });
      expect(body).toEqual({ data: { viewer: { name, role, scope: scope ? { code: scope } : null } } });
    });
  }
});

describe('lastUsedAt', () => {
  it('is null until the token is used, then set', async () => {
    const token = await app.principal('VIEWER', ids.get('K-MA')!, { name: 'user of a token' });
    const lastUsed = async () => {
      const { body } = await app.gql(`{ principals(first: 100) { nodes { name tokens { prefix lastUsedAt } } } }`);
      const p = body.data.principals.nodes.find((n: { name: string }) => n.name === 'user of a token');
      expect(p.tokens).toHaveLength(1);
      expect(token.startsWith(p.tokens[0].prefix)).toBe(true);
      return p.tokens[0].lastUsedAt as string | null;
    };
    expect(await lastUsed()).toBeNull();
    const before = Date.now();
    expect((await app.gql(VIEWER, {}, { as: token })).status).toBe(200);
    // The refresh is not the request's work (not awaited by it): wait for it to land.
    let seen: string | null = null;
    for (let i = 0; i < 100 && !seen; i++) {
      seen = await lastUsed();
      if (!seen) await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen).not.toBeNull();
    expect(new Date(seen!).getTime()).toBeGreaterThan(before - 5_000);
  });
});

describe('audit', () => {
  it("a mutation's audit event records its principal; the tree built by the system records the system", async () => {
    const token = await app.principal('EDITOR', ids.get('K-MA')!, { name: 'editor of K-MA-B1' });
    const id = globalId('Organization', ids.get('K-MA-B1')!);
    const [{ version }] = await app.readBack<{ version: number }>(`select version from organization where code = 'K-MA-B1'`);
    const upd = await app.gql(`mutation($input: OrganizationUpdateInput!) { organizationUpdate(input: $input) { userErrors { code } } }`, { input: { id, version, shortName: 'CQ A' } }, { as: token });
    expect(upd.body.data.organizationUpdate.userErrors).toEqual([]);
    const { body } = await app.gql(`query($id: ID!) { auditEvents(first: 20, entity: $id) { nodes { operation principal { kind name } } } }`, { id });
    expect(body.errors).toBeUndefined();
    const events = body.data.auditEvents.nodes.map((n: any) => `${n.operation} by ${n.principal.kind} ${n.principal.name}`);
    expect(events).toContain('organizationUpdate by PRINCIPAL editor of K-MA-B1');
    expect(events).toContain('testTree by SYSTEM test');
  });
});

describe('anonymous requests as PUBLIC (ANONYMOUS_ROLE=PUBLIC)', () => {
  let pub: TestApp;
  let pubIds: Map<string, string>;
  beforeAll(async () => {
    pub = await startTestApp({ anonymousRole: 'PUBLIC' });
    pubIds = await pub.tree(smallTree('Q'));
    const { body } = await pub.gql(`mutation($input: CongressScheduleInput!) { congressSchedule(input: $input) { congress { id version } userErrors { code } } }`, {
      input: { organization: globalId('Organization', pubIds.get('Q-MB-B1-C1')!), plannedStart: '2026-12-10', plannedEnd: '2026-12-10', effectiveOn: '2024-01-01' },
    });
    expect(body.data.congressSchedule.userErrors).toEqual([]);
    const c = body.data.congressSchedule.congress;
    const adv = await pub.gql(ADVANCE, { input: { id: c.id, version: c.version, stage: 'PLAN_ISSUED', effectiveOn: '2025-01-10', note: 'Kế hoạch' } });
    expect(adv.body.data.congressAdvance.userErrors).toEqual([]);
  });
  afterAll(() => pub.close());

  it('no header: the anonymous PUBLIC viewer, reading everything public', async () => {
    const { status, body } = await pub.gql(`{ viewer { name role scope { code } } organization(code: "Q-MB-B1-C1") { code memberCount congress { plannedStart } } }`, {}, { as: null });
    expect(status).toBe(200);
    expect(body).toEqual({ data: { viewer: { name: 'anonymous', role: 'PUBLIC', scope: null }, organization: { code: 'Q-MB-B1-C1', memberCount: 15, congress: { plannedStart: '2026-12-10' } } } });
  });

  it('no header: personnel fields, the audit log and principals FORBIDDEN; an ADMIN reads them', async () => {
    const q = `{ a: organization(code: "Q-MB-B1-C1") { congress { committeeSize } } b: organization(code: "Q-MB-B1-C1") { congress { history { actor } } } }`;
    const anon = await pub.gql(q, {}, { as: null });
    expect((anon.body.errors ?? []).map((e) => `${e.path!.join('.')} ${codeOf(e)}`).sort()).toEqual(['a.congress.committeeSize FORBIDDEN', 'b.congress.history.0.actor FORBIDDEN']);
    const admin = await pub.gql(q);
    expect(admin.body.errors).toBeUndefined();
    for (const top of [`{ auditEvents(first: 1) { totalCount } }`, `{ principals(first: 1) { totalCount } }`]) {
      expect((await pub.gql(top, {}, { as: null })).body.errors!.map(codeOf)).toEqual(['FORBIDDEN']);
      expect((await pub.gql(top)).body.errors).toBeUndefined();
    }
  });

  it('no header: a mutation is FORBIDDEN and writes nothing', async () => {
    const [{ version }] = await pub.readBack<{ version: number }>(`select version from organization where code = 'Q-MA'`);
    const before = await state(pub);
    const { status, body } = await pub.gql(`mutation($input: OrganizationUpdateInput!) { organizationUpdate(input: $input) { userErrors { code } } }`, {
      input: { id: globalId('Organization', pubIds.get('Q-MA')!), version, name: 'Đổi bởi ẩn danh' },
    }, { as: null });
    expect(status).toBe(200);
    expect(body.data).toBeNull();
    expect(body.errors!.map(codeOf)).toEqual(['FORBIDDEN']);
    expect(await state(pub)).toEqual(before);
  });

  it('a bad token is still 401, not PUBLIC', async () => {
    refused(await pub.gql(VIEWER, {}, { as: 'dh_nope' }));
    refused(await pub.gql(VIEWER, {}, { as: `dh_${'B'.repeat(43)}` }));
  });
});
