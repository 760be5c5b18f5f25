import type { Sql, Statement } from '../common/sql';
import { CongressMode, CongressStage, isHeld } from '../congress/congress.enums';
import { add, FIELDS, levelField, stageField, zero, type Vector } from './progress.columns';
import { closedLateSql, countedCongress, currentCalendar, HELD_STAGES_SQL } from './progress.sql';

/**
 * Keeps the roll-up counters exact in the same transaction as every change (driven by the journal: see
 * progress.consumer.ts). A change records the "self contribution" of the organisations it touches before and after;
 * the differences are added to their ancestors' counters in a per-transaction ledger, written once before commit with
 * every counter row locked in id order (so concurrent writers never deadlock). A stage change costs O(depth); a move
 * moves its subtree's totals from the old ancestors to the new ones, O(depth); nothing costs O(whole tree).
 *
 * Held-late counts (`lv_*_held_late`) compare each held congress's closing day with its deadline as the term calendar
 * says now; a calendar change adjusts them in its own transaction (adjustForCalendar). Chosen over counters that
 * do not depend on the deadline (held counts per ancestor, level and closing day, combined with the calendar at read
 * time): reads stay one counter row per organisation, with no per-day bucket table to keep, move and read on every
 * roll-up, while the calendar changes a handful of times a term and touches only the held congresses of one level
 * whose closing day lies between the old deadline and the new one. So that no writer computes a contribution with a
 * deadline about to change, every transaction that tracks a change holds CALENDAR_LOCK shared from before its first
 * contribution until it commits (lockCalendarShared, when its ledger is opened), and the calendar change holds it
 * exclusively before it reads what it adjusts. The calendar change locks no organisation row and its counter rows only
 * at commit (like every writer, once it holds the calendar lock), so waiting for that lock closes no cycle.
 */
const CALENDAR_LOCK = 727_003;

interface Bucket {
  level: string;
  deadline: string;
}

interface Contribution {
  vector: Vector;
  bucket: Bucket | null;
  ancestors: string[];
}

/** What one transaction adds to the counters, written once, in its commit batch (ledgerStatements). */
export class Ledger {
  vectors = new Map<string, Vector>();
  buckets = new Map<string, number>();

  add(ancestors: string[], v: Vector, bucket: Bucket | null, sign: number, extraBuckets: { level: string; deadline: string; open: number }[] = []) {
    for (const a of ancestors) {
      add(this.vectors.get(a) ?? this.vectors.set(a, zero()).get(a)!, v, sign);
      if (bucket) this.bump(a, bucket.level, bucket.deadline, sign);
      for (const b of extraBuckets) this.bump(a, b.level, b.deadline, sign * b.open);
    }
  }

  private bump(org: string, level: string, deadline: string, n: number) {
    const key = `${org}|${level}|${deadline}`;
    this.buckets.set(key, (this.buckets.get(key) ?? 0) + n);
  }
}

/** Taken once per transaction, when its ledger is opened, before its first contribution (see above). */
export async function lockCalendarShared(sql: Sql): Promise<void> {
  await sql('select pg_advisory_xact_lock_shared(?)', [CALENDAR_LOCK]);
}

interface SelfRow {
  id: string;
  level: string;
  memberCount: number;
  path: string[] | null;
  stage: CongressStage | null;
  pilot: boolean | null;
  mode: CongressMode | null;
  deadlineOverride: string | null;
  closedLate: boolean;
  pending: boolean;
}

/**
 * What each organisation adds to the counters of its ancestors, in the latest state of the tree. `lock`: the same
 * statement first takes the calendar lock (shared, when `calendarLock`) and locks the organisations' rows in id order.
 */
export async function contributions(sql: Sql, ids: readonly string[], lock: { rows: boolean; calendarLock: boolean } = { rows: false, calendarLock: false }): Promise<Map<string, Contribution>> {
  const rows = await sql<SelfRow>(
    `${lock.calendarLock ? `with calendar_lock as materialized (select pg_advisory_xact_lock_shared(${CALENDAR_LOCK}))` : ''}
     select o.id, o.level, o.member_count as "memberCount", p.path, c.stage, c.pilot, c.mode, c.deadline_override::text as "deadlineOverride",
            ${closedLateSql('c', 'tc')} as "closedLate",
            exists (select 1 from restructuring_pending rp where rp.organization_id = o.id) as pending
       from ${lock.rows ? `(select * from organization where id = any(?::uuid[]) ${lock.calendarLock ? 'and exists (select 1 from calendar_lock)' : ''} order by id for update)` : 'organization'} o
       left join organization_placement p on p.organization_id = o.id and p.valid_to is null
       left join congress c on ${countedCongress('c', 'o.id')}
       left join term_calendar tc on ${currentCalendar('tc', 'o.level')}
      where o.id = any(?::uuid[])`,
    lock.rows ? [ids, ids] : [ids],
  );
  return new Map(rows.map((r) => [r.id, contributionOf(r)]));
}

export function contributionOf(r: SelfRow): Contribution {
  const v = zero();
  if (!r.path) return { vector: v, bucket: null, ancestors: [] };
  const stage = r.stage ?? CongressStage.NOT_STARTED;
  const expected = stage !== CongressStage.SUPERSEDED;
  const held = isHeld(stage);
  v.orgs = 1;
  v.members = Number(r.memberCount);
  v.expected = expected ? 1 : 0;
  v.held = held ? 1 : 0;
  v.pilot_held = r.pilot && held ? 1 : 0;
  v.two_content = r.mode === CongressMode.TWO_CONTENT && expected ? 1 : 0;
  v.postponed = stage === CongressStage.POSTPONED ? 1 : 0;
  v.pending = r.pending ? 1 : 0;
  v[stageField(stage)] = 1;
  v[levelField(r.level, 'orgs')] = 1;
  v[levelField(r.level, 'expected')] = expected ? 1 : 0;
  v[levelField(r.level, 'held')] = held ? 1 : 0;
  v[levelField(r.level, 'held_late')] = held && r.closedLate ? 1 : 0;
  const open = expected && !held;
  v[levelField(r.level, 'open')] = open && !r.deadlineOverride ? 1 : 0;
  return { vector: v, bucket: open && r.deadlineOverride ? { level: r.level, deadline: r.deadlineOverride } : null, ancestors: r.path.slice(0, -1) };
}

export interface SelfBefore {
  ids: string[];
  before: Map<string, Contribution>;
}

/**
 * Before a change to these organisations' own state (their congress, members, pending flag, or whether they are in
 * the tree at all): their rows locked, their contributions read.
 */
export async function selfBefore(sql: Sql, ids: readonly string[], calendarLock = false): Promise<SelfBefore> {
  const unique = [...new Set(ids)].sort();
  // Two writers changing the same organisation's contribution must not both read the same "before": their rows are
  // locked (in id order) by the statement that reads it, after the calendar lock when the caller has not taken it yet.
  return { ids: unique, before: await contributions(sql, unique, { rows: true, calendarLock }) };
}

/** After it: the differences go to the ledger. */
export async function selfAfter(sql: Sql, ledger: Ledger, { ids, before }: SelfBefore): Promise<void> {
  const after = await contributions(sql, ids);
  for (const id of ids) {
    const b = before.get(id);
    const a = after.get(id);
    if (b) ledger.add(b.ancestors, b.vector, b.bucket, -1);
    if (a) ledger.add(a.ancestors, a.vector, a.bucket, +1);
  }
}

export interface MoveBefore {
  id: string;
  before: Contribution;
  total: Vector;
  buckets: { level: string; deadline: string; open: number }[];
}

/** Before a move of `id` with its subtree: the subtree's total (its counters, what the ledger holds for it, itself). */
export async function moveBefore(sql: Sql, ledger: Ledger, id: string): Promise<MoveBefore> {
  const before = (await contributions(sql, [id])).get(id)!;
  const [counter] = await sql<Record<string, number | string>>(`select * from progress_counter where organization_id = ?`, [id]);
  const buckets = await sql<{ level: string; deadline: string; open: number }>(`select level, deadline::text as deadline, open from progress_override where organization_id = ?`, [id]);
  const total = add(add(zero(), before.vector), Object.fromEntries(FIELDS.map((f) => [f, Number(counter?.[f] ?? 0)])));
  add(total, ledger.vectors.get(id) ?? zero());
  const pendingBuckets = [...ledger.buckets.entries()]
    .filter(([k]) => k.startsWith(`${id}|`))
    .map(([k, n]) => ({ level: k.split('|')[1], deadline: k.split('|')[2], open: n }));
  return { id, before, total, buckets: [...buckets, ...pendingBuckets] };
}

/** After the move: its totals leave the old ancestors and join the new ones. */
export async function moveAfter(sql: Sql, ledger: Ledger, { id, before, total, buckets }: MoveBefore): Promise<void> {
  const after = (await contributions(sql, [id])).get(id)!;
  ledger.add(before.ancestors, total, before.bucket, -1, buckets);
  ledger.add(after.ancestors, total, after.bucket, +1, buckets);
}

/**
 * Before a change of one level's deadline in a term's calendar to `deadline` (the calendar lock taken exclusively
 * first, by the caller): the held congresses of that level without a deadline of their own whose closing day is after
 * one deadline and not the other change sides, and their ancestors' held-late counts follow. O(congresses it touches
 * × depth); nothing when the term is not the current one.
 */
export async function adjustForCalendar(sql: Sql, ledger: Ledger, term: string, level: string, deadline: string): Promise<void> {
  const deltas = await sql<{ id: string; delta: number }>(
    `select a.id, sum(case when c.held_end > ?::date then 1 else 0 end - ${closedLateSql('c', 'tc')}::int)::int as delta
       from organization o
       join organization_placement p on p.organization_id = o.id and p.valid_to is null
       join congress c on ${countedCongress('c', 'o.id')}
       left join term_calendar tc on ${currentCalendar('tc', 'o.level')}
       cross join lateral unnest(p.path[1:cardinality(p.path) - 1]) as a(id)
      where o.level = ? and c.term = ? and c.stage in ${HELD_STAGES_SQL} and c.deadline_override is null
        and (c.held_end > ?::date) <> ${closedLateSql('c', 'tc')}
      group by a.id`,
    [deadline, level, term, deadline],
  );
  const field = levelField(level, 'held_late');
  for (const d of deltas) ledger.add([d.id], { [field]: d.delta }, null, 1);
}

/** The exclusive side of the calendar lock (a calendar change, before it reads what it adjusts). */
export async function lockCalendarExclusive(sql: Sql): Promise<void> {
  await sql('select pg_advisory_xact_lock(?)', [CALENDAR_LOCK]);
}

/** An organisation entering the tree gets its own (empty) counter row. */
export async function openCounters(sql: Sql, ids: readonly string[]): Promise<void> {
  await sql('insert into progress_counter (organization_id) select unnest(?::uuid[]) on conflict do nothing', [ids]);
}

/**
 * The statements that write what the transaction accumulated: one locking read in id order, one update, the bucket
 * upserts. The consumer queues them in the commit batch (src/common/kernel.ts `atCommit`), so the ancestors' rows — the
 * root's is every writer's — are locked only from there to COMMIT; a tool may run them at once.
 */
export function ledgerStatements(ledger: Ledger): Statement[] {
  const out: Statement[] = [];
  const entries = [...ledger.vectors.entries()].filter(([, v]) => FIELDS.some((f) => v[f] !== 0)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length) {
    const ids = entries.map(([id]) => id);
    out.push({ text: 'select 1 from progress_counter where organization_id = any(?::uuid[]) order by organization_id for update', params: [ids] });
    const columns = FIELDS.map((f, i) => `${f} = c.${f} + v.f${i}`).join(', ');
    const arrays = FIELDS.map((f) => `?::${f === 'members' ? 'bigint' : 'integer'}[]`).join(', ');
    out.push({
      text: `update progress_counter c set ${columns}
               from unnest(?::uuid[], ${arrays}) as v(id, ${FIELDS.map((_, i) => `f${i}`).join(', ')})
              where c.organization_id = v.id`,
      params: [ids, ...FIELDS.map((f) => entries.map(([, v]) => v[f]))],
    });
  }
  const buckets = [...ledger.buckets.entries()].filter(([, n]) => n !== 0).sort(([a], [b]) => (a < b ? -1 : 1));
  if (buckets.length) {
    const parts = buckets.map(([k, n]) => [...k.split('|'), n] as [string, string, string, number]);
    out.push({
      text: `insert into progress_override (organization_id, level, deadline, open)
             select * from unnest(?::uuid[], ?::text[], ?::date[], ?::int[])
             on conflict (organization_id, level, deadline) do update set open = progress_override.open + excluded.open`,
      params: [parts.map((p) => p[0]), parts.map((p) => p[1]), parts.map((p) => p[2]), parts.map((p) => p[3])],
    });
    out.push({ text: 'delete from progress_override where organization_id = any(?::uuid[]) and open = 0', params: [[...new Set(parts.map((p) => p[0]))]] });
  }
  return out;
}
