import type { Sql } from '../common/sql';
import { countedCongress } from '../congress/congress.sql';
import { scheduledBySql } from '../congress/congress.dated';
import { validOn } from '../organization/organization.repository';
import type { OrganizationLevel } from '../organization/organization.levels';
import type { RiskKind } from './risk.enums';
import { riskArraySql, riskCountsSql, riskCtes, riskJoins, thresholdsOnSql } from './risk.sql';

/** SQL reads of the at-risk signals (one statement per batch) and their thresholds. */

/** The kinds each congress is at risk of on date `d` (a congress not found has no row). One statement. */
export async function risksOf(sql: Sql, congressIds: readonly string[], d: string): Promise<{ id: string; risks: RiskKind[] }[]> {
  return sql(
    `with x as (select ?::date as d), ${riskCtes()}
     select c.id, ${riskArraySql()} as risks
       from x
       join congress c on c.id = any(?::uuid[])
       join organization o on o.id = c.organization_id
       ${riskJoins('c', 'o')}`,
    [d, congressIds],
  );
}

export type RiskCountRow = { key: string } & Record<RiskKind, number>;

/**
 * For each organisation: how many congresses in its scope on `d` (the subtree below it, itself excluded, or its direct
 * children) are at risk of each kind: the congresses that count (the current term's opening one) scheduled by then —
 * what `congresses(under:, asOf:)` lists, a mid-term congress never being at risk. One statement for the batch.
 */
export async function riskCountsOf(sql: Sql, ids: readonly string[], d: string, scope: 'SUBTREE' | 'CHILDREN'): Promise<RiskCountRow[]> {
  const inScope = scope === 'SUBTREE' ? 'p.path @> array[k.id] and p.organization_id <> k.id' : 'p.parent_id = k.id';
  return sql(
    `with x as (select ?::date as d), ${riskCtes()}
     select k.id as key, ${riskCountsSql()}
       from x cross join unnest(?::uuid[]) as k(id)
       join organization_placement p on ${inScope} and ${validOn('p', 'x.d')}
       join organization o on o.id = p.organization_id
       join congress c on ${countedCongress('c', 'o.id')} and ${scheduledBySql('c', 'x.d')}
       ${riskJoins('c', 'o')}
      group by k.id`,
    [d, ids],
  );
}

export interface ThresholdRow {
  term: string;
  definedFor: string;
  level: OrganizationLevel;
  notScheduledWindowDays: number;
  stuckDays: number;
  version: number;
  validFrom: string | null;
  validTo: string | null;
}

/** The thresholds that apply to a term's congresses on `d`, by level (its own entries, else the latest earlier term's). */
export async function thresholdsOf(sql: Sql, term: string, d: string): Promise<ThresholdRow[]> {
  return sql(
    `with x as (select ?::date as d)
     select r.term, r."definedFor", r.level, r.window_days as "notScheduledWindowDays", r.stuck_days as "stuckDays", r.version,
            r.valid_from as "validFrom", r.valid_to as "validTo"
       from (${thresholdsOnSql('(select d from x)')}) r where r.term = ?`,
    [d, term],
  );
}
