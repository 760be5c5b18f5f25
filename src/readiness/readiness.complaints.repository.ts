import type { Sql } from '../common/sql';
import type { ComplaintKind, ComplaintStatus } from './readiness.enums';

/** SQL of complaints counts (table congress_complaint_count, migration 14): a new row per change, history kept. */

export interface ComplaintRow {
  kind: ComplaintKind;
  status: ComplaintStatus;
  count: number;
  effectiveOn: string;
}

/** The counts in force on each (congress, date) pair: the latest row effective on or before the date, per kind and status. One statement. */
export async function complaintsAt(sql: Sql, keys: readonly { congressId: string; date: string }[]): Promise<(ComplaintRow & { keyIndex: number })[]> {
  return sql(
    `select (k.i - 1)::int as "keyIndex", v.kind, v.status, v.count, v.effective_on as "effectiveOn"
       from unnest(?::uuid[], ?::date[]) with ordinality as k(id, d, i)
       cross join lateral (
         select distinct on (cc.kind, cc.status) cc.kind, cc.status, cc.count, cc.effective_on
           from congress_complaint_count cc
          where cc.congress_id = k.id and cc.effective_on <= k.d
          order by cc.kind, cc.status, cc.effective_on desc, cc.id desc) v`,
    [keys.map((k) => k.congressId), keys.map((k) => k.date)],
  );
}

/** The latest row of one (congress, kind, status), whatever its date (null: never counted). */
export async function latestComplaint(sql: Sql, congressId: string, kind: ComplaintKind, status: ComplaintStatus): Promise<ComplaintRow | null> {
  const [row] = await sql<ComplaintRow>(
    `select cc.kind, cc.status, cc.count, cc.effective_on as "effectiveOn" from congress_complaint_count cc
      where cc.congress_id = ? and cc.kind = ? and cc.status = ? order by cc.effective_on desc, cc.id desc limit 1`,
    [congressId, kind, status],
  );
  return row ?? null;
}

export async function insertComplaint(sql: Sql, congressId: string, row: ComplaintRow): Promise<void> {
  await sql(`insert into congress_complaint_count (congress_id, kind, status, count, effective_on) values (?, ?, ?, ?, ?)`, [
    congressId,
    row.kind,
    row.status,
    row.count,
    row.effectiveOn,
  ]);
}
