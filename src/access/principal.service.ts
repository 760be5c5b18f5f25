import crypto from 'node:crypto';
import { UserError, UserErrorException } from '../common/errors';
import { ref } from '../common/journal';
import type { Role, Tx } from '../common/kernel';
import { cleanText } from '../common/text';
import { newToken, tokenDisplayPrefix, tokenHash } from './access.tokens';
import { insertPrincipal, insertToken, principalByName, revokePrincipal, revokeTokensOf, type PrincipalRow, type TokenRow } from './principal.repository';

/** Every role (src/access/access.auth-checker.ts `ROLES` names the sets `@Authorized` opens to). */
export const ALL_ROLES: readonly Role[] = ['ADMIN', 'EDITOR', 'VIEWER', 'PUBLIC'];

export interface PrincipalCreateCommand {
  name: string;
  role: Role;
  /** Scope organisation uuid (required for EDITOR and VIEWER, refused for ADMIN, optional for PUBLIC). */
  scopeId: string | null;
  expiresAt: Date | null;
  /** A token chosen by the operator (BOOTSTRAP_TOKEN); otherwise a random one. */
  token?: string;
}

/**
 * Creates a principal and its first token; the token is returned once and stored only as a hash. Codes: REQUIRED,
 * TOO_LONG, INVALID_CHARACTERS (name), SCOPE_REQUIRED (EDITOR and VIEWER), SCOPE_NOT_ALLOWED (ADMIN), NOT_FOUND (scope
 * organisation), EXPIRED (expiresAt not in the future).
 */
export async function createPrincipal(tx: Tx, cmd: PrincipalCreateCommand, field = (f: string) => ['input', f]): Promise<{ principal: PrincipalRow; token: string; tokenRow: TokenRow }> {
  const errors: UserError[] = [];
  const name = cleanText(cmd.name, { field: field('name'), label: 'The name', max: 200, singleLine: true, required: true });
  if (name instanceof UserError) errors.push(name);
  if (cmd.role === 'ADMIN' && cmd.scopeId) errors.push(UserError.of('SCOPE_NOT_ALLOWED', 'An ADMIN is not scoped: leave out the scope.', field('scope')));
  if ((cmd.role === 'EDITOR' || cmd.role === 'VIEWER') && !cmd.scopeId) {
    errors.push(UserError.of('SCOPE_REQUIRED', `${cmd.role === 'EDITOR' ? 'An' : 'A'} ${cmd.role} needs a scope organisation.`, field('scope')));
  }
  if (cmd.scopeId) {
    const [found] = await tx.sql(`select 1 from organization where id = ?`, [cmd.scopeId]);
    if (!found) errors.push(UserError.of('NOT_FOUND', 'No organisation with that id.', field('scope')));
  }
  if (cmd.expiresAt && cmd.expiresAt.getTime() <= Date.now()) errors.push(UserError.of('EXPIRED', 'expiresAt must be in the future.', field('expiresAt')));
  if (errors.length) throw new UserErrorException(errors);

  const id = crypto.randomUUID();
  const principal = await insertPrincipal(tx.sql, { id, name: name as string, role: cmd.role, scopeId: cmd.role === 'ADMIN' ? null : cmd.scopeId, createdBy: tx.meta.viewer.name });
  const { token, tokenRow } = await issueToken(tx, principal, cmd.expiresAt, cmd.token);
  await tx.change({
    kind: 'PrincipalCreated',
    organizations: [],
    entities: [ref('Principal', id)],
    after: { name: principal.name, role: principal.role, scope: principal.scopeId, token: tokenRow.prefix, expiresAt: cmd.expiresAt?.toISOString() ?? null },
  });
  return { principal, token, tokenRow };
}

async function issueToken(tx: Tx, principal: PrincipalRow, expiresAt: Date | null, chosen?: string) {
  const token = chosen ?? newToken();
  const tokenRow = await insertToken(tx.sql, { id: crypto.randomUUID(), principalId: principal.id, hash: tokenHash(token), prefix: tokenDisplayPrefix(token), expiresAt });
  return { token, tokenRow };
}

/** A new token for a live principal (the demo tokens at each start; `npm run token -- issue`). */
export async function issuePrincipalToken(tx: Tx, principal: PrincipalRow, opts: { expiresAt?: Date | null; revokeOthers?: boolean; token?: string } = {}): Promise<string> {
  if (opts.revokeOthers) await revokeTokensOf(tx.sql, principal.id);
  const { token, tokenRow } = await issueToken(tx, principal, opts.expiresAt ?? null, opts.token);
  await tx.change({ kind: 'TokenIssued', organizations: [], entities: [ref('Principal', principal.id)], after: { token: tokenRow.prefix, revokedOthers: !!opts.revokeOthers } });
  return token;
}

/** Revokes a principal and every token of it. Codes: NOT_FOUND (no live principal with that id). */
export async function revokePrincipalById(tx: Tx, id: string, field = ['input', 'principal']): Promise<PrincipalRow> {
  const row = await revokePrincipal(tx.sql, id);
  if (!row) throw UserErrorException.of('NOT_FOUND', 'No live principal with that id.', field);
  await tx.change({ kind: 'PrincipalRevoked', organizations: [], entities: [ref('Principal', id)], before: { revokedAt: null }, after: { revokedAt: row.revokedAt?.toISOString() ?? null } });
  return row;
}

/**
 * BOOTSTRAP_TOKEN: an ADMIN principal holding exactly that token exists after start (made when the token is unknown).
 * Idempotent across restarts and instances (the token's hash is unique).
 */
export async function ensureBootstrapAdmin(tx: Tx, token: string): Promise<'created' | 'present'> {
  const [known] = await tx.sql<{ live: boolean }>(
    `select (t.revoked_at is null and p.revoked_at is null and p.role = 'ADMIN') as live from access_token t join principal p on p.id = t.principal_id where t.token_hash = decode(?, 'hex')`,
    [tokenHash(token)],
  );
  if (known) {
    if (!known.live) throw new Error('BOOTSTRAP_TOKEN names a revoked token or a principal that is not ADMIN: choose another token.');
    return 'present';
  }
  await createPrincipal(tx, { name: 'Bootstrap admin', role: 'ADMIN', scopeId: null, expiresAt: null, token });
  return 'created';
}

/**
 * Demo mode: a demo ADMIN, a demo VIEWER scoped to `scopes.viewer` and a demo EDITOR scoped to `scopes.editor`, each
 * with a fresh token (earlier demo tokens revoked), returned to print once.
 */
export async function issueDemoTokens(tx: Tx, scopes: { viewer: string; editor: string }): Promise<{ admin: string; viewer: string; editor: string }> {
  const ensure = async (name: string, role: Role, scopeId: string | null) => {
    const existing = await principalByName(tx.sql, name);
    if (existing && existing.role === role && existing.scopeId === scopeId) return issuePrincipalToken(tx, existing, { revokeOthers: true });
    return (await createPrincipal(tx, { name, role, scopeId, expiresAt: null })).token;
  };
  return {
    admin: await ensure('Demo admin', 'ADMIN', null),
    viewer: await ensure('Demo viewer', 'VIEWER', scopes.viewer),
    editor: await ensure('Demo editor', 'EDITOR', scopes.editor),
  };
}
