import type { Role } from '../common/kernel';
import type { Sql } from '../common/sql';

export interface PrincipalRow {
  id: string;
  name: string;
  role: Role;
  scopeId: string | null;
  createdAt: Date;
  createdBy: string;
  revokedAt: Date | null;
}

export interface TokenRow {
  id: string;
  principalId: string;
  prefix: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

const PRINCIPAL_COLUMNS = `p.id, p.name, p.role, p.scope_organization_id as "scopeId", p.created_at as "createdAt", p.created_by as "createdBy", p.revoked_at as "revokedAt"`;
const TOKEN_COLUMNS = `t.id, t.principal_id as "principalId", t.token_prefix as prefix, t.created_at as "createdAt", t.expires_at as "expiresAt", t.revoked_at as "revokedAt", t.last_used_at as "lastUsedAt"`;

export async function insertPrincipal(sql: Sql, p: { id: string; name: string; role: Role; scopeId: string | null; createdBy: string }): Promise<PrincipalRow> {
  const [row] = await sql<PrincipalRow>(
    `insert into principal as p (id, name, role, scope_organization_id, created_by) values (?, ?, ?, ?, ?) returning ${PRINCIPAL_COLUMNS}`,
    [p.id, p.name, p.role, p.scopeId, p.createdBy],
  );
  return row;
}

export async function insertToken(sql: Sql, t: { id: string; principalId: string; hash: string; prefix: string; expiresAt: Date | null }): Promise<TokenRow> {
  const [row] = await sql<TokenRow>(
    `insert into access_token as t (id, principal_id, token_hash, token_prefix, expires_at) values (?, ?, decode(?, 'hex'), ?, ?) returning ${TOKEN_COLUMNS}`,
    [t.id, t.principalId, t.hash, t.prefix, t.expiresAt],
  );
  return row;
}

/** The principal a token names, if the token and its principal are live (not revoked, not expired) at `now`. */
/** The principal of a token (revoked or expired: none), with the data version read in the same statement. */
export async function principalByTokenHash(sql: Sql, hash: string): Promise<(PrincipalRow & { tokenId: string; tokenLastUsedAt: Date | null; dataVersion: string }) | null> {
  const [row] = await sql<PrincipalRow & { tokenId: string; tokenLastUsedAt: Date | null; dataVersion: string }>(
    `select ${PRINCIPAL_COLUMNS}, t.id as "tokenId", t.last_used_at as "tokenLastUsedAt", (select version::text from data_version) as "dataVersion"
       from access_token t join principal p on p.id = t.principal_id
      where t.token_hash = decode(?, 'hex') and t.revoked_at is null and p.revoked_at is null
        and (t.expires_at is null or t.expires_at > now())`,
    [hash],
  );
  return row ?? null;
}

/**
 * `lastUsedAt` refreshed (at most once a minute), outside the kernel: the data version does not rise with it, and the
 * response cache never keeps an answer that shows it (src/cache/response-cache.ts).
 */
export async function touchToken(sql: Sql, tokenId: string): Promise<void> {
  await sql(`update access_token set last_used_at = now() where id = ? and (last_used_at is null or last_used_at < now() - interval '1 minute')`, [tokenId]);
}

/** The data version alone (a request without a token). */
export async function currentDataVersion(sql: Sql): Promise<string> {
  const [row] = await sql<{ version: string }>('select version::text as version from data_version');
  return row.version;
}

export async function principalsByIds(sql: Sql, ids: readonly string[]): Promise<PrincipalRow[]> {
  return sql<PrincipalRow>(`select ${PRINCIPAL_COLUMNS} from principal p where p.id = any(?::uuid[])`, [ids]);
}

export async function principalByName(sql: Sql, name: string): Promise<PrincipalRow | null> {
  const [row] = await sql<PrincipalRow>(`select ${PRINCIPAL_COLUMNS} from principal p where p.name = ? and p.revoked_at is null order by p.created_at limit 1`, [name]);
  return row ?? null;
}

export async function tokensOf(sql: Sql, principalIds: readonly string[]): Promise<TokenRow[]> {
  return sql<TokenRow>(`select ${TOKEN_COLUMNS} from access_token t where t.principal_id = any(?::uuid[]) order by t.created_at, t.id`, [principalIds]);
}

/** A page of principals, newest first (`after`: [createdAt ISO, id]). */
export async function listPrincipals(sql: Sql, q: { first: number; after: [string, string] | null; includeRevoked: boolean }) {
  const where = [q.includeRevoked ? 'true' : 'p.revoked_at is null'];
  const params: unknown[] = [];
  const cond = where.join(' and ');
  const rows = await sql<PrincipalRow>(
    `select ${PRINCIPAL_COLUMNS} from principal p where ${cond}
       ${q.after ? 'and (p.created_at, p.id) < (?::timestamptz, ?::uuid)' : ''}
      order by p.created_at desc, p.id desc limit ?`,
    [...params, ...(q.after ?? []), q.first + 1],
  );
  const [{ total }] = await sql<{ total: number }>(`select count(*)::int as total from principal p where ${cond}`, params);
  return { rows, total };
}

export async function revokePrincipal(sql: Sql, id: string): Promise<PrincipalRow | null> {
  const [row] = await sql<PrincipalRow>(`update principal p set revoked_at = now() where p.id = ? and p.revoked_at is null returning ${PRINCIPAL_COLUMNS}`, [id]);
  if (row) await sql(`update access_token set revoked_at = now() where principal_id = ? and revoked_at is null`, [id]);
  return row ?? null;
}

export async function revokeTokensOf(sql: Sql, principalId: string): Promise<number> {
  const rows = await sql(`update access_token set revoked_at = now() where principal_id = ? and revoked_at is null returning id`, [principalId]);
  return rows.length;
}
