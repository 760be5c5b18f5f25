import { globalId, SNAPSHOT_TABLES, type GqlResult, type TestApp } from './harness';

/**
 * Helpers of the access-control tests (test/access*.test.ts): principals by role and scope code, outcomes of reads and
 * writes as short strings (so a table row can name what it expects), and a snapshot that also covers the audit log
 * and the principals, for "a refused write wrote nothing".
 */

/** Where a row's target lies: inside the scope, the scope organisation itself, an ancestor of it (seen by name), a
 * restructuring straddling its edge, outside it; before or after the scope was merged away; `-` for none. */
export type At = 'inside' | 'self' | 'ancestor' | 'straddle' | 'outside' | 'before' | 'after' | '-';
export interface Row {
  who: Who;
  op: string;
  at: At;
  expect: string;
}

/** Rows of one operation: for each role, what each position answers. */
export function rows(op: string, table: Partial<Record<Who, Partial<Record<At, string>>>>): Row[] {
  return Object.entries(table).flatMap(([who, byAt]) => Object.entries(byAt!).map(([at, expect]) => ({ who: who as Who, op, at: at as At, expect: expect! })));
}

export const SCOPED: Who[] = ['EDITOR', 'VIEWER', 'PUBLIC'];
export const same = (who: Who[], byAt: Partial<Record<At, string>>) => Object.fromEntries(who.map((w) => [w, byAt])) as Partial<Record<Who, Partial<Record<At, string>>>>;

export type Who = 'ADMIN' | 'EDITOR' | 'VIEWER' | 'PUBLIC' | 'PUBLIC*' | 'REVOKED' | 'EXPIRED';

/** Tokens by role and scope code; `PUBLIC*` is an unscoped PUBLIC, REVOKED/EXPIRED an EDITOR whose token no longer works. */
export function principals(app: TestApp, ids: () => Map<string, string>) {
  const cache = new Map<string, Promise<string>>();
  const make = async (who: Who, scopeCode: string): Promise<string> => {
    if (who === 'ADMIN') return app.adminToken;
    if (who === 'PUBLIC*') return app.principal('PUBLIC', null, { name: 'public unscoped' });
    const scope = ids().get(scopeCode);
    if (!scope) throw new Error(`no organisation ${scopeCode} in the fixture`);
    if (who === 'REVOKED') {
      const name = `revoked editor ${scopeCode}`;
      const token = await app.principal('EDITOR', scope, { name });
      await expectWorks(app, token);
      const { body } = await app.gql(`query { principals(first: 100) { nodes { id name } } }`);
      const id = body.data.principals.nodes.find((p: { name: string }) => p.name === name).id;
      const revoked = await app.gql(`mutation($input: PrincipalRevokeInput!) { principalRevoke(input: $input) { userErrors { code } } }`, { input: { principal: id } });
      expect(revoked.body.data.principalRevoke.userErrors).toEqual([]);
      return token;
    }
    if (who === 'EXPIRED') {
      const name = `expired editor ${scopeCode}`;
      const token = await app.principal('EDITOR', scope, { name, expiresAt: new Date(Date.now() + 3_600_000) });
      await expectWorks(app, token);
      await app.write((tx) => tx.sql(`update access_token set expires_at = now() - interval '1 second' where principal_id = (select id from principal where name = ?)`, [name]));
      return token;
    }
    return app.principal(who, scope, { name: `${who.toLowerCase()} ${scopeCode}` });
  };
  return (who: Who, scopeCode: string): Promise<string> => {
    const key = `${who}@${scopeCode}`;
    if (!cache.has(key)) cache.set(key, make(who, scopeCode));
    return cache.get(key)!;
  };
}

/** The token works before it is revoked or expired (so the 401 after is the revocation's or the expiry's doing). */
async function expectWorks(app: TestApp, token: string) {
  const { status, body } = await app.gql(`{ viewer { role } }`, {}, { as: token });
  expect(status).toBe(200);
  expect(body.data.viewer.role).toBe('EDITOR');
}

/** What a revoked or expired token gets. */
export const GONE = '401 UNAUTHENTICATED';

export const codeOf = (e: { extensions?: { code?: string } }) => e.extensions?.code ?? '?';

/** A request refused as a whole: `401 UNAUTHENTICATED`, or `top FORBIDDEN` (HTTP 200, no data). Null otherwise. */
export function refusedWhole(res: GqlResult): string | null {
  if (res.status !== 200) return `${res.status} ${(res.body.errors ?? []).map(codeOf).join(',')}`;
  const data = res.body.data as Record<string, unknown> | null | undefined;
  if (res.body.errors?.length && (!data || Object.values(data).every((v) => v === null))) return `top ${res.body.errors.map(codeOf).join(',')}`;
  return null;
}

/** A mutation's outcome: `ok`, the codes of its userErrors, or how the whole request was refused. */
export function writeOutcome(res: GqlResult): string {
  const whole = refusedWhole(res);
  if (whole) return whole;
  if (res.body.errors?.length) return `errors ${res.body.errors.map(codeOf).join(',')}`;
  const payload = Object.values(res.body.data)[0] as { userErrors: { code: string }[] };
  return payload.userErrors.length ? payload.userErrors.map((e) => e.code).join(',') : 'ok';
}

/** Every business table (harness `snapshot`'s), the audit log, principals and tokens: what a refused write must leave as it was. */
export const STATE_TABLES = [...SNAPSHOT_TABLES, 'audit_event', 'principal', 'access_token'];

/**
 * A digest per table, in one statement (the harness's `snapshot` opens a connection per table and compares every row
 * in JavaScript: too slow for a row per write). A difference names the table.
 */
export async function state(app: TestApp): Promise<Record<string, string>> {
  const columns = STATE_TABLES.map((t) => {
    // A token's last use is refreshed by any request: not a write of the mutation under test.
    const row = t === 'access_token' ? `(to_jsonb(t) - 'last_used_at')::text` : 't::text';
    return `(select count(*) || ':' || coalesce(md5(string_agg(${row}, '|' order by ${row})), '') from ${t} t) as ${t}`;
  });
  const [row] = await app.readBack<Record<string, string>>(`select ${columns.join(', ')}`);
  return row;
}

export const orgId = (ids: Map<string, string>, code: string) => {
  const id = ids.get(code);
  if (!id) throw new Error(`no organisation ${code} in the fixture`);
  return globalId('Organization', id);
};
