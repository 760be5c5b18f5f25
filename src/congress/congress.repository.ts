import type { SortKey } from '../common/connection';
import { keysetPage, keysetPageSql, type KeysetRow, type Lateral, type Sql } from '../common/sql';
import type { OrganizationLevel } from '../organization/organization.levels';
import { validOn } from '../organization/organization.repository';
import type { CommitteeFormation, CongressMode, CongressOrderField, CongressStage } from './congress.enums';
import type { RiskKind } from '../risk/risk.enums';
import { riskColumn, riskCtes, riskJoins } from '../risk/risk.sql';
import { calendarOnSql, PLAN_COLUMNS, planOnSql, scheduledBySql, type CalendarPeriod, type DatedPlan } from './congress.dated';

/** SQL reads of congresses, their history and the term calendar; each answers many keys in one statement. */

/** The latest state of a congress; its plan (planned dates, deadline override) is dated: `planOn` reads it on a date. */
export interface CongressRow extends DatedPlan {
  id: string;
  organizationId: string;
  term: string;
  /** 1: the term-opening congress (the one the roll-up counts); 2: a cell's mid-term congress. */
  round: number;
  ordinal: number;
  mode: CongressMode;
  pilot: boolean;
  plannedStart: string | null;
  plannedEnd: string | null;
  deadlineOverride: string | null;
  heldStart: string | null;
  heldEnd: string | null;
  stage: CongressStage;
  /** The day its latest event took effect (null: none), read with the row: on that day and after, `stage` is the stage. */
  lastEventOn: string | null;
  delegatesConvened: number | null;
  delegatesAttending: number | null;
  committeeSize: number | null;
  committeeFormation: CommitteeFormation | null;
  delegatesExOfficio: number | null;
  delegatesElected: number | null;
  delegatesAppointed: number | null;
  delegatesAlternate: number | null;
  version: number;
}

export interface CongressEventRow {
  congressId: string;
  fromStage: CongressStage | null;
  toStage: CongressStage;
  effectiveOn: string;
  actor: string | null;
  note: string | null;
  recordedAt: Date;
}

/** A term calendar entry: the one in force on the latest date (validTo null), or an earlier period of it. */
export type CalendarRow = CalendarPeriod;

export const CONGRESS_COLUMNS = `c.id, c.organization_id as "organizationId", c.term, c.round, c.ordinal, c.mode, c.pilot,
  c.planned_start as "plannedStart", c.planned_end as "plannedEnd", c.deadline_override as "deadlineOverride",
  c.held_start as "heldStart", c.held_end as "heldEnd", c.stage,
  c.delegates_convened as "delegatesConvened", c.delegates_attending as "delegatesAttending",
  c.committee_size as "committeeSize", c.committee_formation as "committeeFormation",
  c.delegates_ex_officio as "delegatesExOfficio", c.delegates_elected as "delegatesElected",
  c.delegates_appointed as "delegatesAppointed", c.delegates_alternate as "delegatesAlternate", c.version,
  (select max(e.effective_on) from congress_event e where e.congress_id = c.id)::text as "lastEventOn",
  ${PLAN_COLUMNS}`;

/**
 * The latest dated change — in the tree, any congress history, a congress's scheduling, the term calendar, member
 * counts, planned dates, or a restructuring's status: from that day on, current state is the state.
 */
export const WATERMARK_SQL = `select greatest((select max(valid_from) from organization_placement),
  (select max(valid_to) from organization_placement where valid_to is not null), (select max(effective_on) from congress_event),
  (select max(scheduled_on) from congress), (select max(valid_from) from term_calendar), (select max(valid_to) from organization_member_count),
  (select max(valid_to) from congress_plan_history), (select max(effective_on) from restructuring_event)) as d`;

/** The stage of congress `c` at the end of day `d`: its last event effective on or before `d`. */
export const stageAtSql = (d: string) =>
  `coalesce((select e.to_stage from congress_event e where e.congress_id = c.id and e.effective_on <= ${d}
             order by e.effective_on desc, e.id desc limit 1), 'NOT_STARTED')`;

export async function congressesByIds(sql: Sql, ids: readonly string[]): Promise<CongressRow[]> {
  return sql(`select ${CONGRESS_COLUMNS} from congress c where c.id = any(?::uuid[])`, [ids]);
}

export async function congressesByOrganizations(sql: Sql, orgIds: readonly string[]): Promise<CongressRow[]> {
  return sql(`select ${CONGRESS_COLUMNS} from congress c where c.organization_id = any(?::uuid[]) order by c.term, c.round`, [orgIds]);
}

export async function eventsOf(sql: Sql, congressIds: readonly string[]): Promise<CongressEventRow[]> {
  return sql(
    `select e.congress_id as "congressId", e.from_stage as "fromStage", e.to_stage as "toStage", e.effective_on as "effectiveOn",
            e.actor, e.note, e.recorded_at as "recordedAt"
       from congress_event e where e.congress_id = any(?::uuid[]) order by e.effective_on, e.id`,
    [congressIds],
  );
}

const CALENDAR_PERIODS = `(select term, level, deadline, max_days, version, valid_from, null::date as valid_to from term_calendar
   union all select term, level, deadline, max_days, version, valid_from, valid_to from term_calendar_history)`;
const CALENDAR_COLUMNS = `tc.term, tc.level, tc.deadline, tc.max_days as "maxDays", tc.version, tc.valid_from as "validFrom", tc.valid_to as "validTo"`;

/** The entries in force on the latest date of these terms' calendars. */
export async function calendarsOf(sql: Sql, terms: readonly string[]): Promise<CalendarRow[]> {
  return sql(`select ${CALENDAR_COLUMNS} from ${CALENDAR_PERIODS} tc where tc.term = any(?::text[]) and tc.valid_to is null order by tc.term, tc.level`, [terms]);
}

/** Every period of these terms' calendars, the earlier ones included (a handful per term): any date is read from them. */
export async function calendarPeriodsOf(sql: Sql, terms: readonly string[]): Promise<CalendarRow[]> {
  return sql(`select ${CALENDAR_COLUMNS} from ${CALENDAR_PERIODS} tc where tc.term = any(?::text[]) order by tc.term, tc.level, tc.valid_from nulls first`, [terms]);
}

/** The current term with every period of its calendar, in one statement. */
export async function currentTermWithCalendar(sql: Sql): Promise<{ code: string | null; calendar: CalendarRow[] }> {
  const rows = await sql<{ code: string } & Lateral<CalendarRow>>(
    `select t.code, ${CALENDAR_COLUMNS}
       from term t left join ${CALENDAR_PERIODS} tc on tc.term = t.code where t.is_current order by tc.level, tc.valid_from nulls first`,
  );
  const calendar: CalendarRow[] = [];
  for (const { code, ...entry } of rows) if (entry.term !== null) calendar.push(entry);
  return { code: rows[0]?.code ?? null, calendar };
}

export interface ChildCongressRow {
  parentId: string;
  organizationId: string;
  congressId: string | null;
  stageAt: CongressStage;
  plannedStart: string | null;
  plannedEnd: string | null;
}

/** For each parent: its direct children on date `d` and their term-opening congress of `term` scheduled by then (stage and plan as of `d`). */
export async function childCongresses(sql: Sql, parentIds: readonly string[], term: string, d: string): Promise<ChildCongressRow[]> {
  return sql(
    `select p.parent_id as "parentId", p.organization_id as "organizationId", c.id as "congressId",
            case when c.id is null then 'NOT_STARTED' else ${stageAtSql('x.d')} end as "stageAt",
            ${planOnSql('c', 'planned_start', 'x.d')} as "plannedStart", ${planOnSql('c', 'planned_end', 'x.d')} as "plannedEnd"
       from (select ?::date as d) x
       join organization_placement p on p.parent_id = any(?::uuid[]) and ${validOn('p', 'x.d')}
       join organization o on o.id = p.organization_id
       left join congress c on c.organization_id = p.organization_id and c.term = ? and c.round = 1 and ${scheduledBySql('c', 'x.d')}
      order by o.sort_key, o.id`,
    [d, parentIds, term],
  );
}

export interface CongressSearch {
  date: string;
  term: string;
  under: string | null;
  /** List `under`'s own congress too. */
  underInclusive?: boolean;
  stage: CongressStage | null;
  from: string | null;
  to: string | null;
  overdue: boolean | null;
  pilot: boolean | null;
  /** At risk of this kind on the date (risk.sql.ts: the same definition as `Congress.risks` and `Progress.atRisk`). */
  risk: RiskKind | null;
  orderBy: CongressOrderField;
  first: number;
  after: SortKey | null;
}

export interface OverdueCongressQuery {
  date: string;
  term: string;
  under: string;
  /** List `under`'s own congress too. */
  underInclusive: boolean;
  first: number;
  after: SortKey | null;
  /** How many congresses the list has in all (known to the caller): it steers the way the page is read. */
  matches: number;
  /** Forces one way to read the page (tests compare both); by default chosen from `matches`. */
  reading?: 'walk' | 'sort';
}

/**
 * One page (up to `first` + 1 rows) of `congresses(overdue: true)` by planned start, without counting them (the caller
 * knows the total), on a date on or after the latest dated change — when each congress's stage, plan and scheduling
 * on the date are its current ones (see WATERMARK_SQL), so that what searchCongresses computes per congress reduces to
 * its columns: open (not held or superseded), its own deadline else its level's in the calendar on the date before
 * the date. Read one of two ways:
 * - walking every open congress of the term in the calendar's order (the partial index of migration 16: planned start,
 *   none last, then id), checking each one's deadline and placement on the date until the page is full: about
 *   (first + 1) × open congresses / matches rows, when the overdue ones are many;
 * - or sorting the subtree's overdue congresses, when they are few.
 * Null when the date is before the latest dated change (checked in the statement itself): the caller then reads
 * searchCongresses. The same rows in the same order as searchCongresses.
 */
export async function overdueCongressPage(sql: Sql, q: OverdueCongressQuery): Promise<(CongressRow & { sortValue: string })[] | null> {
  const tree = q.underInclusive ? 'p.path @> array[?::uuid]' : 'p.path @> array[?::uuid] and p.organization_id <> ?::uuid';
  const treeParams = q.underInclusive ? [q.under] : [q.under, q.under];
  // What `overdue: true` asks of congress `c` and its organisation `o` once the date is fresh (see above).
  const open = `c.term = (select term from x) and c.round = 1 and c.stage not in ('HELD', 'RESULTS_CONFIRMED', 'SUPERSEDED')
                and ${scheduledBySql('c', '(select d from x)')}`;
  const late = `coalesce(c.deadline_override, (select tc.deadline from cal tc where tc.level = o.level)) < (select d from x)`;
  // The date as a constant where the planner estimates a range (a placement's), so that it reads a subtree by its path.
  const placed = validOn('p', '?::date');
  const start = `coalesce(c.planned_start, '9999-12-31'::date)`;
  const cursor = q.after ? `and (${start}, c.id) > (?::date, ?::uuid)` : '';
  const cursorParams = q.after ? [q.after[0], q.after[1]] : [];
  const columns = `${CONGRESS_COLUMNS}, coalesce(c.planned_start::text, '9999-12-31') collate "C" as "sortValue"`;
  const walk = q.reading ? q.reading === 'walk' : await overduePageWalks(sql, q.matches, q.first);
  const fresh = `coalesce((select d from wm) <= (select d from x), false)`;
  const rows = await sql<{ fresh: boolean } & Lateral<CongressRow & { sortValue: string }>>(
    `with wm as (${WATERMARK_SQL}), x as (select ?::date as d, ?::text as term),
          cal as (${calendarOnSql('(select term from x)', '(select d from x)')})
     select ${fresh} as fresh, page.*
       from (select 1) one
       left join lateral (${
         walk
           ? `select ${columns}
                from congress c
                join organization o on o.id = c.organization_id
                cross join lateral (select p.path, p.organization_id from organization_placement p where p.organization_id = c.organization_id and ${placed} limit 1) p
               where ${fresh} and ${open} and ${late} and ${tree} ${cursor}
               order by ${start}, c.id
               limit ?`
           : `select ${columns}
                from congress c
                join organization_placement p on p.organization_id = c.organization_id and ${placed} and ${tree}
                join organization o on o.id = c.organization_id
               where ${fresh} and ${open} and ${late} ${cursor}
               order by ${start}, c.id
               limit ?`
       }) page on true`,
    [q.date, q.term, q.date, q.date, ...treeParams, ...cursorParams, q.first + 1],
  );
  if (!rows[0]?.fresh) return null;
  const page: (CongressRow & { sortValue: string })[] = [];
  for (const { fresh, ...r } of rows) if (r.id !== null) page.push(r as CongressRow & { sortValue: string });
  return page;
}

/**
 * Whether walking the open congresses in order beats sorting the subtree's overdue ones: the walk reads about
 * (first + 1) × open / matches congresses, the sort about matches (and more around them). The number of open
 * congresses is the planner's estimate of the partial index (it only steers the choice).
 */
async function overduePageWalks(sql: Sql, matches: number, first: number): Promise<boolean> {
  if (matches <= first + 1) return false;
  const [row] = await sql<{ n: number }>(`select greatest(reltuples, 0)::float8 as n from pg_class where oid = 'congress_open_start_idx'::regclass`);
  return (first + 1) * Number(row?.n ?? 0) < matches * matches;
}

const ORDER_EXPR: Record<CongressOrderField, string> = {
  PLANNED_START: `coalesce(pl.f_start::text, '9999-12-31')`,
  DEADLINE: `coalesce(s.f_deadline::text, '9999-12-31')`,
  ORGANIZATION_NAME: `o.sort_key`,
};

/**
 * The calendar a dashboard shows: congresses of a term, filtered, in a stable order with keyset paging. Everything is
 * read as it stood on the date: which congresses were scheduled by then, the tree, each stage, each plan (the from/to
 * filter and the order) and the term calendar (deadlines, `overdue`).
 */
export async function searchCongresses(sql: Sql, q: CongressSearch): Promise<{ rows: (CongressRow & { sortValue: string })[]; total: number }> {
  // Parameters are pushed in the order their placeholders appear in the text.
  const params: unknown[] = [q.date, q.term];
  let treeJoin = '';
  if (q.under) {
    treeJoin = `join organization_placement p on p.organization_id = c.organization_id and ${validOn('p', 'x.d')}
                and p.path @> array[?::uuid] and p.organization_id <> ?::uuid`;
    // A scoped viewer's calendar without `under:` starts at its scope organisation, whose own congress is listed too.
    params.push(q.under, q.underInclusive ? '00000000-0000-0000-0000-000000000000' : q.under);
  }
  const where: string[] = ['c.term = x.term', scheduledBySql('c', 'x.d')];
  if (q.from) {
    where.push('pl.f_start >= ?::date');
    params.push(q.from);
  }
  if (q.to) {
    where.push('pl.f_start <= ?::date');
    params.push(q.to);
  }
  if (q.pilot !== null) {
    where.push('c.pilot = ?');
    params.push(q.pilot);
  }
  if (q.stage) {
    where.push('s.f_stage = ?');
    params.push(q.stage);
  }
  if (q.overdue !== null) {
    // The term-opening congress only (as in the roll-up): a mid-term one is never overdue.
    where.push(`(c.round = 1 and s.f_stage not in ('HELD', 'RESULTS_CONFIRMED', 'SUPERSEDED') and s.f_deadline < x.d) = ?`);
    params.push(q.overdue);
  }
  if (q.risk) where.push(`rk.${riskColumn(q.risk)}`);
  // The stage as of the date is the current stage when no dated change comes after it.
  const filtered = `
    select ${CONGRESS_COLUMNS}, (${ORDER_EXPR[q.orderBy]}) collate "C" as "sortValue"
      from x
      join congress c on c.term = x.term
      join organization o on o.id = c.organization_id
      ${treeJoin}
      left join cal tc on tc.level = o.level and c.round = 1
      cross join lateral (select ${planOnSql('c', 'planned_start', 'x.d')} as f_start, ${planOnSql('c', 'deadline_override', 'x.d')} as f_override) pl
      cross join lateral (select case when (select d from wm) <= x.d then c.stage else ${stageAtSql('x.d')} end as f_stage,
                                 coalesce(pl.f_override, tc.deadline) as f_deadline) s
      ${q.risk ? riskJoins('c', 'o') : ''}
     where ${where.join(' and ')}`;
  const rows = await sql<KeysetRow<CongressRow & { sortValue: string }>>(
    `with wm as (${WATERMARK_SQL}), x as (select ?::date as d, ?::text as term),
          cal as (${calendarOnSql('(select term from x)', '(select d from x)')}),${q.risk ? `${riskCtes()},` : ''}
          f as (${filtered}) ${keysetPageSql({ after: !!q.after })}`,
    [...params, ...(q.after ?? []), q.first + 1],
  );
  return keysetPage(rows);
}
