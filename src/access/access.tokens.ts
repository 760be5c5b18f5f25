import crypto from 'node:crypto';

/**
 * Tokens: `dh_` and 43 base64url characters (32 random bytes). The service keeps only the SHA-256 of the whole token
 * (a token has 256 bits of entropy: a plain hash is enough, no salt or slow hash needed) and its first characters,
 * to recognise it in a list. The token itself is shown once, when it is made.
 */
export const TOKEN_PREFIX = 'dh_';
const TOKEN_RE = /^dh_[A-Za-z0-9_-]{43}$/;

export function newToken(): string {
  return TOKEN_PREFIX + crypto.randomBytes(32).toString('base64url');
}

/** Hex SHA-256 of the token (stored as bytea through `decode(?, 'hex')`). */
export function tokenHash(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

/** What a list shows of a token: `dh_AbCd…`. */
export const tokenDisplayPrefix = (token: string): string => token.slice(0, 8);

export const isWellFormedToken = (token: string): boolean => TOKEN_RE.test(token);

export type BearerParse = { kind: 'none' } | { kind: 'token'; token: string } | { kind: 'malformed' };

/** The `Authorization` header: absent, `Bearer dh_…`, or anything else (malformed). */
export function parseAuthorization(header: string | undefined): BearerParse {
  if (header === undefined || header.trim() === '') return { kind: 'none' };
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (!m || !isWellFormedToken(m[1])) return { kind: 'malformed' };
  return { kind: 'token', token: m[1] };
}
