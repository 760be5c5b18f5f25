import { TypeOverrides, types } from 'pg';

/** PostgreSQL type oids (`select oid, typname from pg_type`). */
const OID = {
  date: 1082,
  dateArray: 1182,
  interval: 1186,
  intervalArray: 1187,
  textArray: 1009,
  timestamp: 1114,
  timestampArray: 1115,
  timestamptz: 1184,
  timestamptzArray: 1185,
} as const;

/** node-postgres's own text parser for a type (its typings list only the scalar oids). */
const defaultParser = (oid: number) => types.getTypeParser(oid as Parameters<typeof types.getTypeParser>[0]);

/**
 * How node-postgres turns the ORM connections' column values into JS values, for every statement: the ORM's own and
 * the raw ones of `sqlOf`.
 *
 * MikroORM's PostgreSQL driver hands node-postgres its own parsers that leave every date and time column as
 * PostgreSQL's text (`2026-11-29 00:22:59.644+00`), because its entity hydration parses them itself. Raw statements
 * then returned that text where their rows promise a `Date`, and GraphQL's `DateTime` refused it. Here:
 * - instants (`timestamptz`, `timestamp`) are JS `Date`s (node-postgres's own parser; the entity hydration takes a
 *   `Date` as it is), so every `DateTime` field leaves the API as an ISO-8601 instant;
 * - calendar dates stay `"YYYY-MM-DD"` strings, never shifted by a time zone; intervals stay text.
 */
export function pgTypeParsers(): TypeOverrides {
  const parsers = new TypeOverrides();
  const asText = (value: string) => value;
  const asTextArray = defaultParser(OID.textArray);
  parsers.setTypeParser(OID.date, asText);
  parsers.setTypeParser(OID.dateArray, asTextArray);
  parsers.setTypeParser(OID.interval, asText);
  parsers.setTypeParser(OID.intervalArray, asTextArray);
  // `timestamp` has no zone: the database's values are UTC (MikroORM's forceUtcTimezone), so read them as UTC.
  parsers.setTypeParser(OID.timestamp, (value: string) => utcTimestamp(value));
  parsers.setTypeParser(OID.timestampArray, (value: string) => (asTextArray(value) as (string | null)[]).map((v) => (v === null ? null : utcTimestamp(v))));
  for (const oid of [OID.timestamptz, OID.timestamptzArray]) parsers.setTypeParser(oid, defaultParser(oid));
  return parsers;
}

function utcTimestamp(value: string): Date {
  const zoned = /infinity$/.test(value) ? value : `${value}+00`;
  return defaultParser(OID.timestamptz)(zoned) as Date;
}
