/** FNV-1a: a small stable hash, so the demo's "random" details are the same on every reseed. */
export function hash(s: string): number {
  let h = 2166136261;
  for (const c of s) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h;
}
