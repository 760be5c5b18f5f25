import crypto from 'node:crypto';

const NAMESPACE = 'daihoi.organization-code';

/**
 * A stable uuid (RFC 4122 version 5 layout) derived from a name, so seeded records keep their ids — and the global ids
 * quoted in the README — across reseeds.
 */
export function uuidFromName(kind: string, name: string): string {
  const hash = crypto.createHash('sha1').update(`${NAMESPACE}:${kind}:${name}`).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
