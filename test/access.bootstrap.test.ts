import { ensureBootstrapAdmin, issueDemoTokens } from '../src/access/principal.service';
import { newToken } from '../src/access/access.tokens';
import { loadConfig, ConfigError } from '../src/config';
import { startTestApp, type TestApp } from './support/harness';
import { smallTree } from './support/trees';

const VIEWER = `{ viewer { name role scope { code } } }`;

describe('tokens made at start', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('BOOTSTRAP_TOKEN makes one ADMIN principal holding exactly that token, once however often it runs', async () => {
    const token = newToken();
    expect((await app.gql(VIEWER, {}, { as: token })).status).toBe(401);
    expect(await app.write((tx) => ensureBootstrapAdmin(tx, token))).toBe('created');
    expect(await app.write((tx) => ensureBootstrapAdmin(tx, token))).toBe('present');
    const { body } = await app.gql(VIEWER, {}, { as: token });
    expect(body.data.viewer).toEqual({ name: 'Bootstrap admin', role: 'ADMIN', scope: null });
    const rows = await app.readBack(`select 1 from access_token t join principal p on p.id = t.principal_id where p.name = 'Bootstrap admin'`);
    expect(rows).toHaveLength(1);
    // Stored as a hash only: the token's text is nowhere in the table.
    const stored = await app.readBack<{ hash: string; prefix: string }>(`select encode(token_hash, 'hex') as hash, token_prefix as prefix from access_token`);
    expect(stored.some((r) => r.hash.includes(token) || r.prefix === token)).toBe(false);
  });

  it('refuses to start on a BOOTSTRAP_TOKEN that was revoked', async () => {
    const token = newToken();
    await app.write((tx) => ensureBootstrapAdmin(tx, token));
    await app.write((tx) => tx.sql(`update access_token set revoked_at = now() where token_hash = decode(?, 'hex')`, [require('node:crypto').createHash('sha256').update(token).digest('hex')]));
    await expect(app.write((tx) => ensureBootstrapAdmin(tx, token))).rejects.toThrow(/revoked/);
  });

  it('demo tokens: an ADMIN, a VIEWER and an EDITOR scoped to the given organisations; each start issues new ones and the old stop working', async () => {
    const ids = await app.tree(smallTree('DT'));
    const scopes = { viewer: ids.get('DT-TW')!, editor: ids.get('DT-MA')! };
    const first = await app.write((tx) => issueDemoTokens(tx, scopes));
    expect((await app.gql(VIEWER, {}, { as: first.admin })).body.data.viewer).toEqual({ name: 'Demo admin', role: 'ADMIN', scope: null });
    expect((await app.gql(VIEWER, {}, { as: first.viewer })).body.data.viewer).toEqual({ name: 'Demo viewer', role: 'VIEWER', scope: { code: 'DT-TW' } });
    expect((await app.gql(VIEWER, {}, { as: first.editor })).body.data.viewer).toEqual({ name: 'Demo editor', role: 'EDITOR', scope: { code: 'DT-MA' } });
    const second = await app.write((tx) => issueDemoTokens(tx, scopes));
    expect(second.admin).not.toBe(first.admin);
    for (const old of [first.viewer, first.editor]) expect((await app.gql(VIEWER, {}, { as: old })).status).toBe(401);
    expect((await app.gql(VIEWER, {}, { as: second.viewer })).body.data.viewer.role).toBe('VIEWER');
    expect((await app.gql(VIEWER, {}, { as: second.editor })).body.data.viewer.role).toBe('EDITOR');
    expect(await app.readBack(`select 1 from principal where name in ('Demo admin', 'Demo viewer', 'Demo editor')`)).toHaveLength(3);
  });
});

describe('access configuration', () => {
  it('reads ANONYMOUS_ROLE and BOOTSTRAP_TOKEN, and refuses what it cannot use', () => {
    const token = newToken();
    expect(loadConfig({ ANONYMOUS_ROLE: 'PUBLIC', BOOTSTRAP_TOKEN: token })).toMatchObject({ anonymousRole: 'PUBLIC', bootstrapToken: token });
    expect(loadConfig({})).toMatchObject({ anonymousRole: null, bootstrapToken: undefined });
    expect(() => loadConfig({ ANONYMOUS_ROLE: 'ADMIN' })).toThrow(ConfigError);
    expect(() => loadConfig({ BOOTSTRAP_TOKEN: 'secret' })).toThrow(/BOOTSTRAP_TOKEN/);
  });
});
