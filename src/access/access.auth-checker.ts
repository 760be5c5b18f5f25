import type { AuthChecker } from 'type-graphql';
import type { Role } from '../common/kernel';
import { clientError } from '../common/errors';
import type { Context } from '../common/context';

/**
 * type-graphql's `@Authorized(...roles)`: a field or operation open to the roles named (none named: any
 * authenticated viewer). An unauthenticated viewer gets UNAUTHENTICATED, a role not named FORBIDDEN; both are
 * raised before the resolver runs, so a refused operation does no work.
 */
export const authChecker: AuthChecker<Context, Role> = ({ context }, roles) => {
  const role = context.viewer.role;
  if (role === null) throw clientError('UNAUTHENTICATED', 'A token is required: send "Authorization: Bearer dh_…".');
  if (roles.length === 0 || roles.includes(role)) return true;
  throw clientError('FORBIDDEN', `This operation is not open to the ${role} role.`, { role });
};

/** Role sets for `@Authorized(...)`, named by what they open. */
export const ROLES = {
  /** The term calendar, principals, the audit log, rules. */
  admin: ['ADMIN'],
  /** Writes inside a scope (the access consumer then checks the scope). */
  write: ['ADMIN', 'EDITOR'],
  /** Everything but PUBLIC: narratives, personnel fields, readiness details. */
  internal: ['ADMIN', 'EDITOR', 'VIEWER'],
} as const satisfies Record<string, readonly Role[]>;
