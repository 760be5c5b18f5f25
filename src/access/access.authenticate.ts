import { GraphQLError } from 'graphql';
import { anonymousViewer, type Role, type Viewer } from '../common/kernel';
import { requestScope } from '../common/request-scope';
import type { Sql } from '../common/sql';
import { parseAuthorization, tokenHash } from './access.tokens';
import { principalByTokenHash, touchToken } from './principal.repository';

export interface AuthenticationOptions {
  /** The role of a request without a token (ANONYMOUS_ROLE): null answers UNAUTHENTICATED. */
  anonymousRole: Role | null;
}

export const unauthenticated = (message: string) =>
  new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: new Map([['www-authenticate', 'Bearer realm="daihoi"']]) } } });

/**
 * The viewer of a request from its `Authorization: Bearer dh_…` header: one statement looks the token's hash up with
 * its principal (revoked or expired: refused). `lastUsedAt` is refreshed at most once a minute per token, outside the
 * request's work. Without a header the request is anonymous: UNAUTHENTICATED (HTTP 401) unless ANONYMOUS_ROLE opens it.
 */
export async function authenticate(sql: Sql, header: string | undefined, opts: AuthenticationOptions, touchSql: () => Sql): Promise<Viewer> {
  return (await authenticateRequest(sql, header, opts, touchSql)).viewer;
}

/**
 * The same, with the data version the request's answer will be computed at (src/cache/response-cache.ts), read by the
 * statement that looks the token up (without a token: null, read later only if the cache is consulted — `dataVersionOf`).
 */
export async function authenticateRequest(
  sql: Sql,
  header: string | undefined,
  opts: AuthenticationOptions,
  touchSql: () => Sql,
): Promise<{ viewer: Viewer; dataVersion: string | null }> {
  const parsed = parseAuthorization(header);
  if (parsed.kind === 'none') {
    if (opts.anonymousRole) return { viewer: anonymousViewer(opts.anonymousRole), dataVersion: null };
    throw unauthenticated('A token is required: send "Authorization: Bearer dh_…".');
  }
  if (parsed.kind === 'malformed') throw unauthenticated('The Authorization header must be "Bearer dh_…" with a well-formed token.');
  const found = await principalByTokenHash(sql, tokenHash(parsed.token));
  if (!found) throw unauthenticated('The token is unknown, revoked or expired.');
  if (!found.tokenLastUsedAt || Date.now() - found.tokenLastUsedAt.getTime() > 60_000) {
    // Not the request's work: not counted, not awaited; a failure only delays the next refresh.
    requestScope.exit(() => void touchToken(touchSql(), found.tokenId).catch(() => undefined));
  }
  return { viewer: { kind: 'principal', id: found.id, name: found.name, role: found.role, scopeId: found.scopeId }, dataVersion: found.dataVersion };
}
