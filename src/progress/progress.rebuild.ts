import { suspendIndexes } from '../common/bulk-load';
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

/**
 * The same sums as recomputedCountersSql, added up in two steps for speed: first the placements sharing a chain of
 * proper ancestors (siblings: one group per parent), then each group's sums to every ancestor of the chain. A
 * million organisations make about four million (placement, ancestor) pairs but only a few hundred thousand chains.
 */
function rolledUpCountersSql(): string {
  const e = selfExpressions();
  // A group's count fits an int; its members' sum stays a bigint.
  const type = (f: string) => (f === 'members' ? 'bigint' : 'int');
  return `
    select a.id as organization_id, ${FIELDS.map((f) => `sum(g.${f})::${type(f)} as ${f}`).join(', ')}
      from (select p.path[1:cardinality(p.path) - 1] as ancestors, ${FIELDS.map((f) => `sum(${e[f]})::${type(f)} as ${f}`).join(', ')}
              ${SELF_FROM.replace('/*ancestors*/', '')}
             group by 1) g
     cross join lateral unnest(g.ancestors) as a(id)
     group by a.id`;
}

/**
 * Replaces every counter with its recomputation (bulk loads; repairs after a restore): each organisation that has a
 * counter row or should have one (not pending establishment) gets its recomputed sums, zero where nothing is below it.
 * One statement writes every row once. Into an empty table (a bulk load truncated it), the rows go in as a bulk load
 * too: without the key and the foreign key, built and checked once for all of them afterwards rather than row by row.
 */
export async function rebuildCounters(sql: Sql): Promise<void> {
  // No JIT (compiling a hundred aggregates costs seconds) and memory for the hash tables, for this work only.
  const [saved] = await sql<{ jit: string; workMem: string }>(`select current_setting('jit') as jit, current_setting('work_mem') as "workMem"`);
  await sql(`select set_config('jit', 'off', true), set_config('work_mem', '1GB', true)`);
  await sql('delete from progress_override');
  const [{ empty }] = await sql<{ empty: boolean }>('select not exists (select 1 from progress_counter) as empty');
  const restore = empty ? await suspendIndexes(sql, ['progress_counter'], { primaryKeys: ['progress_counter'] }) : null;
  await sql(
    `insert into progress_counter (organization_id, ${FIELDS.join(', ')})
     select o.id, ${FIELDS.map((f) => `coalesce(r.${f}, 0)`).join(', ')}
       from organization o left join (${rolledUpCountersSql()}) r on r.organization_id = o.id
      where not o.pending_establishment ${empty ? '' : 'or exists (select 1 from progress_counter pc where pc.organization_id = o.id)'}
     ${empty ? '' : `on conflict (organization_id) do update set ${FIELDS.map((f) => `${f} = excluded.${f}`).join(', ')}`}`,
  );
  await restore?.();
  await sql(`insert into progress_override (organization_id, level, deadline, open) ${recomputedOverridesSql()}`);
  await sql(`select set_config('jit', ?, true), set_config('work_mem', ?, true)`, [saved.jit, saved.workMem]);
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
