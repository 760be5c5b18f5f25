import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { isCalendarDate } from '../config';

export { isCalendarDate };

/** The calendar date (YYYY-MM-DD) of `instant` in `timeZone`. */
const formatters = new Map<string, Intl.DateTimeFormat>();

export function calendarDateIn(timeZone: string, instant: Date = new Date()): string {
  let f = formatters.get(timeZone);
  if (!f) formatters.set(timeZone, (f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return f.format(instant);
}

/** "Today" for the service: fixed by configuration, else the date in the configured zone (Asia/Ho_Chi_Minh). */
export function todayFn(fixed: string | undefined, timeZone: string): () => string {
  return fixed ? () => fixed : () => calendarDateIn(timeZone);
}

export function addDays(date: string, days: number): string {
  const d = new Date(date + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function parseDate(value: unknown): string {
  if (typeof value !== 'string' || !isCalendarDate(value)) {
    throw new GraphQLError(`Date must be a calendar date "YYYY-MM-DD", got ${JSON.stringify(value)}`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return value;
}

/** A calendar date of the domain, `YYYY-MM-DD`, never shifted by a time zone. Kept as a string end to end. */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date, "YYYY-MM-DD" (ISO 8601), in Vietnam; never shifted by a time zone.',
  serialize: (value) => {
    if (typeof value === 'string' && isCalendarDate(value)) return value;
    throw new GraphQLError('Date cannot represent a non-date value');
  },
  parseValue: parseDate,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) {
      throw new GraphQLError('Date must be a string "YYYY-MM-DD"', { extensions: { code: 'BAD_USER_INPUT' } });
    }
    return parseDate(ast.value);
  },
});
