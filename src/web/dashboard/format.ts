/**
 * The dashboard's formatting, shell and panels alike (pure: no DOM, tested in Node): dates shown dd/mm/yyyy and typed
 * the same way, date arithmetic on "YYYY-MM-DD" strings (UTC, never shifted by the browser's time zone), Vietnamese
 * numbers and sorting.
 */

/** Vietnamese order for names: "Đ" after "D", tones after the bare letter, "Chi bộ 2" before "Chi bộ 10". */
export const collator = new Intl.Collator('vi', { numeric: true });

export const byName = <T extends { name: string }>(a: T, b: T): number => collator.compare(a.name, b.name);

/** "2025-03-31" → "31/03/2025"; null → "—". */
export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

/** "2025-03-01" → "03/2025" (an axis of months). */
export function fmtMonth(iso: string): string {
  const m = /^(\d{4})-(\d{2})/.exec(iso);
  return m ? `${m[2]}/${m[1]}` : iso;
}

/**
 * A date as people type it, "31/3/2025" or "31/03/2025" (also "31.03.2025", "31-03-2025" and ISO "2025-03-31"),
 * as "YYYY-MM-DD"; null when it is no calendar date.
 */
export function parseDate(text: string): string | null {
  const s = text.trim();
  let y: string, m: string, d: string;
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  const ymd = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (dmy) [, d, m, y] = dmy;
  else if (ymd) [, y, m, d] = ymd;
  else return null;
  const iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  return isIsoDate(iso) ? iso : null;
}

const DAY_MS = 86_400_000;

/** Milliseconds since the epoch of a "YYYY-MM-DD" at UTC midnight. */
export const dayMs = (iso: string): number => Date.parse(`${iso}T00:00:00Z`);

export const isoOfMs = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export const addDays = (iso: string, days: number): string => isoOfMs(dayMs(iso) + days * DAY_MS);

export const daysBetween = (from: string, to: string): number => Math.round((dayMs(to) - dayMs(from)) / DAY_MS);

/** The first day of the month of `iso`. */
export const monthStart = (iso: string): string => `${iso.slice(0, 7)}-01`;

/** A real calendar date written "YYYY-MM-DD" (not 2025-02-30). */
export const isIsoDate = (s: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(dayMs(s)) && isoOfMs(dayMs(s)) === s;

const integer = new Intl.NumberFormat('vi-VN');
const percentage = new Intl.NumberFormat('vi-VN', { style: 'percent', maximumFractionDigits: 1 });

/** 1723 → "1.723". */
export const fmtInt = (n: number): string => integer.format(n);

/** A ratio as a Vietnamese percentage: 0.5673 → "56,7%". */
export const fmtPercent = (ratio: number): string => percentage.format(Number.isFinite(ratio) ? ratio : 0);

/** `part` of `whole` as a ratio (0 when there is no whole). */
export const ratio = (part: number, whole: number): number => (whole > 0 ? part / whole : 0);
