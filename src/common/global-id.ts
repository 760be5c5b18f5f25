import { badInput } from './errors';
import { UUID_RE } from './uuid';

/** Opaque global ids: base64url of `Type:uuid`. */
export function toGlobalId(type: string, id: string): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

export interface DecodedId {
  type: string;
  id: string;
}

/** Decodes a global id; a malformed one is the client's fault (`BAD_USER_INPUT`). */
export function fromGlobalId(globalId: string, argName = 'id'): DecodedId {
  if (typeof globalId === 'string' && /^[A-Za-z0-9_-]{1,200}$/.test(globalId)) {
    const text = Buffer.from(globalId, 'base64url').toString('utf8');
    const sep = text.indexOf(':');
    const type = text.slice(0, sep);
    const id = text.slice(sep + 1);
    if (sep > 0 && /^[A-Z][A-Za-z]+$/.test(type) && UUID_RE.test(id)) return { type, id };
  }
  throw badInput(`"${argName}" is not a valid id`, { argument: argName });
}

/** Decodes a global id that must name a `type`. */
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
