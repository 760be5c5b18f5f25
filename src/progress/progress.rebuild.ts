import type { Sql } from '../common/sql';
import { LEVELS } from '../organization/organization.levels';
import { FIELDS, levelField, STAGES, stageField } from './progress.columns';
import { closedLateSql, countedCongress, currentCalendar } from './progress.sql';

/**
 * The roll-up computed from the base tables alone (latest state of the tree), written independently of the
 * incremental maintenance: used to build counters in bulk and by `npm run progress:verify` to find drift.
 */
function selfExpressions(): Record<string, string> {
  const stage = `coalesce(c.stage, 'NOT_STARTED')`;
  const expected = `(${stage} <> 'SUPERSEDED')`;
  const held = `(${stage} in ('HELD', 'RESULTS_CONFIRMED'))`;
  const e: Record<string, string> = {
    orgs: '1',
    expected: `${expected}::int`,
    held: `${held}::int`,
    members: 'o.member_count::bigint',
    pilot_held: `(coalesce(c.pilot, false) and ${held})::int`,
    two_content: `(coalesce(c.mode = 'TWO_CONTENT', false) and ${expected})::int`,
    postponed: `(${stage} = 'POSTPONED')::int`,
    pending: `(rp.organization_id is not null)::int`,
  };
  for (const s of STAGES) e[stageField(s)] = `(${stage} = '${s}')::int`;
  for (const l of LEVELS) {
    e[levelField(l, 'orgs')] = `(o.level = '${l}')::int`;
    e[levelField(l, 'expected')] = `(o.level = '${l}' and ${expected})::int`;
    e[levelField(l, 'held')] = `(o.level = '${l}' and ${held})::int`;
    e[levelField(l, 'open')] = `(o.level = '${l}' and ${expected} and not ${held} and c.deadline_override is null)::int`;
    e[levelField(l, 'held_late')] = `(o.level = '${l}' and ${held} and ${closedLateSql('c', 'tc')})::int`;
  }
  return e;
}

const SELF_FROM = `
  from organization_placement p
  join organization o on o.id = p.organization_id
  left join congress c on ${countedCongress('c', 'o.id')}
  left join term_calendar tc on ${currentCalendar('tc', 'o.level')}
  left join restructuring_pending rp on rp.organization_id = o.id
  /*ancestors*/
 where p.valid_to is null`;
const ANCESTORS = 'cross join lateral unnest(p.path[1:cardinality(p.path) - 1]) as a(id)';

/** Counters recomputed from scratch: each open placement adds itself to every proper ancestor on its path. */
export function recomputedCountersSql(): string {
  const e = selfExpressions();
  return `
    select a.id as organization_id, ${FIELDS.map((f) => `sum(${e[f]})::${f === 'members' ? 'bigint' : 'int'} as ${f}`).join(', ')}
    ${SELF_FROM.replace('/*ancestors*/', ANCESTORS)}
    group by a.id`;
}

export function recomputedOverridesSql(): string {
  return `
    select a.id as organization_id, o.level, c.deadline_override as deadline, count(*)::int as open
    ${SELF_FROM.replace('/*ancestors*/', ANCESTORS)}
      and c.deadline_override is not null and c.stage not in ('HELD', 'RESULTS_CONFIRMED', 'SUPERSEDED')
    group by a.id, o.level, c.deadline_override`;
}

/** Replaces every counter with its recomputation (bulk loads; repairs after a restore). */
export async function rebuildCounters(sql: Sql): Promise<void> {
  await sql('delete from progress_override');
  await sql(`update progress_counter set ${FIELDS.map((f) => `${f} = 0`).join(', ')}`);
  await sql(`insert into progress_counter (organization_id) select id from organization where not pending_establishment on conflict do nothing`);
  await sql(`update progress_counter pc set ${FIELDS.map((f) => `${f} = r.${f}`).join(', ')} from (${recomputedCountersSql()}) r where pc.organization_id = r.organization_id`);
  await sql(`insert into progress_override (organization_id, level, deadline, open) ${recomputedOverridesSql()}`);
}

export interface Drift {
  organizationId: string;
  field: string;
  stored: number;
  expected: number;
}

/** Every difference between the stored counters and their recomputation. */
export async function findDrift(sql: Sql, limit = 100): Promise<Drift[]> {
  const diffs = FIELDS.map((f) => `select coalesce(s.organization_id, r.organization_id) as "organizationId", '${f}' as field,
      coalesce(s.${f}, 0)::bigint as stored, coalesce(r.${f}, 0)::bigint as expected
      from progress_counter s full join r on r.organization_id = s.organization_id
     where coalesce(s.${f}, 0) <> coalesce(r.${f}, 0)`);
  // Counter differences are bigints (as text); override differences are ints.
  const counters = await sql<Omit<Drift, 'stored' | 'expected'> & { stored: string; expected: string }>(`with r as (${recomputedCountersSql()}) ${diffs.join(' union all ')} limit ${limit}`);
  const overrides = await sql<Drift>(
    `with r as (${recomputedOverridesSql()})
     select coalesce(s.organization_id, r.organization_id) as "organizationId", 'override:' || coalesce(s.level, r.level) || ':' || coalesce(s.deadline, r.deadline)::text as field,
            coalesce(s.open, 0) as stored, coalesce(r.open, 0) as expected
       from progress_override s full join r on r.organization_id = s.organization_id and r.level = s.level and r.deadline = s.deadline
      where coalesce(s.open, 0) <> coalesce(r.open, 0) limit ${limit}`,
  );
  return [...counters, ...overrides].map((d) => ({ ...d, stored: Number(d.stored), expected: Number(d.expected) }));
}
