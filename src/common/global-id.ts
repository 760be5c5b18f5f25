import { isCalendarDate } from './dates';
import { badInput } from './errors';
import { UUID_RE } from './uuid';

/**
 * Opaque global ids: base64url of `Type:uuid`, or of `Type:uuid@YYYY-MM-DD` for a dated view.
 *
 * Objects whose fields answer as of the date they were read at (an Organization's name and parent, a Congress's stage)
 * are distinct objects on distinct dates to a normalising client cache, which keys objects by id alone. So a view read
 * on a day other than the request's today carries that day in its id; today's view keeps the plain id, which is also
 * the object's lasting identity (stored ids keep working). Only the types below are dated; every decoder accepts a
 * dated id where the plain one is accepted, and only `node`/`nodes` look at the date.
 */
export const DATED_TYPES: ReadonlySet<string> = new Set(['Organization', 'Congress', 'ReadinessReport']);

export function toGlobalId(type: string, id: string, asOf?: string | null): string {
  return Buffer.from(asOf ? `${type}:${id}@${asOf}` : `${type}:${id}`, 'utf8').toString('base64url');
}

/** The id of a dated type's view read at `asOf`, for a request whose today is `today`: plain for today's view. */
export function viewGlobalId(type: string, id: string, asOf: string, today: string): string {
  return toGlobalId(type, id, asOf === today ? null : asOf);
}

export interface DecodedId {
  type: string;
  id: string;
  /** The date of a dated view's id; null for a plain id. */
  asOf: string | null;
}

/** Decodes a global id, plain or dated; a malformed one is the client's fault (`BAD_USER_INPUT`). */
export function fromGlobalId(globalId: string, argName = 'id'): DecodedId {
  if (typeof globalId === 'string' && /^[A-Za-z0-9_-]{1,200}$/.test(globalId)) {
    const text = Buffer.from(globalId, 'base64url').toString('utf8');
    const m = /^([A-Z][A-Za-z]+):([^@]+)(?:@(.*))?$/s.exec(text);
    if (m && UUID_RE.test(m[2])) {
      const [, type, id, asOf] = m;
      if (asOf === undefined) return { type, id, asOf: null };
      if (DATED_TYPES.has(type) && isCalendarDate(asOf)) return { type, id, asOf };
    }
  }
  throw badInput(`"${argName}" is not a valid id`, { argument: argName });
}

/** Decodes a global id that must name a `type`; a dated id names the same object as the plain one (the date is ignored). */
export function fromGlobalIdOf(type: string, globalId: string, argName = 'id'): string {
  const decoded = fromGlobalId(globalId, argName);
  if (decoded.type !== type) throw badInput(`"${argName}" must be the id of a ${type}`, { argument: argName });
  return decoded.id;
}

/** Like fromGlobalIdOf, but for mutation inputs: returns undefined instead of throwing so a userError can be reported. */
export function tryGlobalIdOf(type: string, globalId: string): string | undefined {
  try {
    return fromGlobalIdOf(type, globalId);
  } catch {
    return undefined;
  }
}
