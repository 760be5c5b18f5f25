import { UserErrorException } from '../common/errors';
import type { Sql } from '../common/sql';

/**
 * An organisation's own member count is dated (migration 9): `organization.member_count` is the count in force on the
 * latest date, from `members_since` (null: from the start); `organization_member_count` keeps the earlier counts with
 * the days they held, [valid_from, valid_to). A change effective on D is seen at `asOf: D`, never at D-1.
 */

/** An earlier member count and the days it held (validFrom null: from the start). */
export interface MemberPeriod {
  memberCount: number;
  validFrom: string | null;
  validTo: string;
}

/** What an organisation row carries for its dated member count. */
export interface DatedMembers {
  memberCount: number;
  membersSince: string | null;
  /** The earlier counts, oldest first; null when the count never changed. */
  memberHistory: MemberPeriod[] | null;
}

/** The member count in force on `date`. */
export function membersOn(row: DatedMembers, date: string): number {
  if (!row.membersSince || row.membersSince <= date) return row.memberCount;
  const earlier = row.memberHistory?.find((h) => (h.validFrom === null || h.validFrom <= date) && h.validTo > date);
  return earlier?.memberCount ?? 0;
}

/** SQL: the member count of organisation `o` as it stood on day `d` (an expression that may be repeated). */
export const membersOnSql = (o: string, d: string) =>
  `(case when ${o}.members_since is null or ${o}.members_since <= ${d} then ${o}.member_count
         else coalesce((select h.member_count from organization_member_count h
                         where h.organization_id = ${o}.id and (h.valid_from is null or h.valid_from <= ${d}) and h.valid_to > ${d}), 0) end)`;

/** Columns of an organisation row (alias `o`) for its dated member count: since when, and the earlier counts (only when there are). */
export const MEMBER_COLUMNS = `o.members_since as "membersSince",
  case when o.members_since is null then null else (
    select json_agg(json_build_object('memberCount', h.member_count, 'validFrom', h.valid_from, 'validTo', h.valid_to) order by h.valid_to)
      from organization_member_count h where h.organization_id = o.id) end as "memberHistory"`;

export interface MembersChange {
  /** The organisation, locked by the caller. */
  id: string;
  memberCount: number;
  effectiveOn: string;
  /** Refuses a date after it (FUTURE_DATE); null: a decided change may take effect later (a restructuring applied ahead). */
  today: string | null;
  /** Where a refusal points (the input path). */
  field: string[];
}

/**
 * Sets an organisation's own member count from `effectiveOn`: not in the future (FUTURE_DATE, unless `today` is
 * null), not before its last change (OUT_OF_ORDER); the count it replaces is kept for the dates before. Writes nothing
 * when the count is the same; returns the count before, or null when nothing changed. The caller records the change
 * (MembersChanged) around this write, so the roll-up counters follow; it bumps no version (the caller does).
 */
export async function writeMembers(sql: Sql, change: MembersChange): Promise<number | null> {
  const [row] = await sql<{ memberCount: number; membersSince: string | null }>(
    'select member_count as "memberCount", members_since as "membersSince" from organization where id = ?',
    [change.id],
  );
  if (!row) throw UserErrorException.of('NOT_FOUND', 'No such organisation.', change.field);
  checkMembersDate(row.membersSince, change.effectiveOn, change.today, change.field);
  if (row.memberCount === change.memberCount) return null;
  await keepEarlierCount(sql, change.id, row.memberCount, row.membersSince, change.effectiveOn);
  await sql('update organization set member_count = ?, members_since = ? where id = ?', [change.memberCount, change.effectiveOn, change.id]);
  return row.memberCount;
}

/**
 * Keeps `count`, in force since `since`, for the dates before `effectiveOn` when a new count replaces it that day
 * (nothing to keep when it took effect that same day: it never held at the end of a day).
 */
export async function keepEarlierCount(sql: Sql, id: string, count: number, since: string | null, effectiveOn: string): Promise<void> {
  if (since && effectiveOn <= since) return;
  await sql('insert into organization_member_count (organization_id, member_count, valid_from, valid_to) values (?, ?, ?, ?)', [id, count, since, effectiveOn]);
}

/** A member count change dated `effectiveOn`: not after today (when given), not before the change in force since `since`. */
export function checkMembersDate(since: string | null, effectiveOn: string, today: string | null, field: string[]): void {
  if (today !== null && effectiveOn > today) throw UserErrorException.of('FUTURE_DATE', `${effectiveOn} is in the future (today is ${today}).`, field);
  if (since && effectiveOn < since) {
    throw UserErrorException.of('OUT_OF_ORDER', `The member count already has a change effective ${since}; record changes in date order.`, field);
  }
}
