import { isCalendarDate } from '../common/dates';
import { badInput } from '../common/errors';
import { fromGlobalIdOf } from '../common/global-id';

/** What each export takes in its query string. */
const EXPORT_PARAMS = {
  organizations: ['under', 'asOf'],
  congresses: ['under', 'from', 'to', 'asOf'],
} as const;

export type ExportKind = keyof typeof EXPORT_PARAMS;

export interface ExportParams {
  /** The organisation's uuid (from its global id; a dated id names the same organisation). */
  under: string;
  /** The date read (asOf, default today). */
  date: string;
  from: string | null;
  to: string | null;
}

/**
 * The query string of an export, checked as strictly as GraphQL checks arguments: an unknown or repeated parameter, a
 * missing or malformed `under`, a date that is not YYYY-MM-DD, or `to` before `from` is BAD_USER_INPUT naming it.
 */
export function parseExportParams(kind: ExportKind, query: Record<string, unknown>, today: string): ExportParams {
  const allowed: readonly string[] = EXPORT_PARAMS[kind];
  for (const name of Object.keys(query)) {
    if (!allowed.includes(name)) throw badInput(`Unknown parameter "${name}": this export takes ${allowed.map((a) => `"${a}"`).join(', ')}.`, { argument: name });
  }
  const one = (name: string): string | null => {
    const value = query[name];
    if (value === undefined) return null;
    if (typeof value !== 'string') throw badInput(`"${name}" must be given once.`, { argument: name });
    return value;
  };
  const dateArg = (name: string): string | null => {
    const value = one(name);
    if (value !== null && !isCalendarDate(value)) throw badInput(`"${name}" must be a calendar date "YYYY-MM-DD", got ${JSON.stringify(value)}.`, { argument: name });
    return value;
  };
  const underArg = one('under');
  if (!underArg) throw badInput('"under" is required: the id of the organisation whose subtree to export.', { argument: 'under' });
  const under = fromGlobalIdOf('Organization', underArg, 'under');
  const date = dateArg('asOf') ?? today;
  const from = kind === 'congresses' ? dateArg('from') : null;
  const to = kind === 'congresses' ? dateArg('to') : null;
  if (from && to && to < from) throw badInput('"to" is before "from"', { argument: 'to' });
  return { under, date, from, to };
}
