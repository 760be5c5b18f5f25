import type { TestApp } from './harness';

/**
 * The roll-up recomputed the slow, obvious way, independently of src/progress: read the base tables as they stood
 * on the date and count in JavaScript. Every dated value is read as it stood on the date: the tree, which congresses
 * were scheduled (a congress scheduled later is not there: NOT_SCHEDULED), stages, member counts, the term calendar,
 * the deadlines superiors set (congress plans) and pending restructurings.
 */

/** A value in force from `from` (null: from the start) to `to` (null: still), half-open. */
interface Dated<T> {
  value: T;
  from: string | null;
  to: string | null;
}

const holds = (p: { from: string | null; to: string | null }, date: string) => (p.from === null || p.from <= date) && (p.to === null || p.to > date);

/** Per key, the value in force on `date` among its current value and its earlier ones (none: undefined). */
function on<T>(rows: (Dated<T> & { key: string })[], date: string): Map<string, T> {
  const out = new Map<string, T>();
  for (const r of rows) if (holds(r, date)) out.set(r.key, r.value);
  return out;
}
export interface Brute {
  organizations: number;
  congressesExpected: number;
  held: number;
  overdue: number;
  heldLate: number;
  members: number;
  pilotHeld: number;
  twoContent: number;
  postponed: number;
  restructuringPending: number;
  byStage: Record<string, number>;
  byLevel: Record<string, { organizations: number; congressesExpected: number; held: number; overdue: number; heldLate: number }>;
}

const STAGES = ['NOT_STARTED', 'PLAN_ISSUED', 'DOCUMENTS_DRAFTED', 'PERSONNEL_PLANNED', 'APPROVED', 'HELD', 'RESULTS_CONFIRMED', 'POSTPONED', 'SUPERSEDED'];
const LEVELS = ['CENTRAL_COMMITTEE', 'DIRECTLY_UNDER_CENTRAL', 'ABOVE_BASE', 'BASE_COMMITTEE', 'BASE_CELL', 'SUB_COMMITTEE', 'CELL'];

/** One organisation in the tree on the date, as the roll-up sees it. */
export interface BruteStatus {
  id: string;
  code: string;
  parent: string | null;
  path: string[];
  level: string;
  members: number;
  stage: string;
  pilot: boolean;
  mode: string | null;
  pending: boolean;
  expected: boolean;
  held: boolean;
  overdue: boolean;
  heldLate: boolean;
  /** Why it is overdue: no congress of the current term at all, or one not held in time. */
  overdueReason: 'NOT_SCHEDULED' | 'NOT_HELD' | null;
}

/** Every organisation in the tree on `date` with its congress's status that day, from the base tables. */
export async function bruteStatuses(app: TestApp, date: string): Promise<BruteStatus[]> {
  const placements = await app.readBack<{ id: string; parent: string | null; path: string[] }>(
    `select organization_id as id, parent_id as parent, path from organization_placement where valid_from <= $1 and (valid_to is null or valid_to > $1)`,
    [date],
  );
  const orgs = new Map(
    (await app.readBack<{ id: string; code: string; level: string }>(`select id, code, level from organization`)).map((o) => [o.id, o]),
  );
  const members = on(
    await app.readBack<Dated<number> & { key: string }>(
      `select id as key, member_count as value, members_since::text as from, null as to from organization
       union all select organization_id, member_count, valid_from::text, valid_to::text from organization_member_count`,
    ),
    date,
  );
  const [{ term }] = await app.readBack<{ term: string }>(`select code as term from term where is_current`);
  const congresses = new Map(
    (await app.readBack<{ org: string; id: string; pilot: boolean; mode: string; override: string | null; heldEnd: string | null }>(
      // The roll-up counts the term-opening congress, once scheduled (scheduled_on null: from the start).
      `select organization_id as org, id, pilot, mode, null as override, held_end::text as "heldEnd" from congress
        where term = $1 and round = 1 and (scheduled_on is null or scheduled_on <= $2)`,
      [term, date],
    )).map((c) => [c.org, c]),
  );
  // The deadline each congress's superior had set, as its plan stood on the date.
  const overrides = on(
    await app.readBack<Dated<string | null> & { key: string }>(
      `select id as key, deadline_override::text as value, planned_since::text as from, null as to from congress
       union all select congress_id, deadline_override::text, valid_from::text, valid_to::text from congress_plan_history`,
    ),
    date,
  );
  for (const c of congresses.values()) c.override = overrides.get(c.id) ?? null;
  const events = await app.readBack<{ congress: string; stage: string; on: string }>(
    `select congress_id as congress, to_stage as stage, effective_on::text as on from congress_event where effective_on <= $1 order by effective_on, id`, [date],
  );
  const stageOf = new Map<string, string>();
  for (const e of events) stageOf.set(e.congress, e.stage);
  const calendar = on(
    await app.readBack<Dated<string> & { key: string }>(
      `select level as key, deadline::text as value, valid_from::text as from, null as to from term_calendar where term = $1
       union all select level, deadline::text, valid_from::text, valid_to::text from term_calendar_history where term = $1`,
      [term],
    ),
    date,
  );
  // Claimed (SOURCE, TARGET, MOVED) by a restructuring pending on the date: proposed by then, not in effect nor cancelled by then.
  const statuses = await app.readBack<{ id: string; status: string; on: string }>(`select restructuring_id as id, to_status as status, effective_on::text as on from restructuring_event`);
  const pendingOn = (r: string) =>
    statuses.some((e) => e.id === r && e.status === 'PROPOSED' && e.on <= date) && !statuses.some((e) => e.id === r && (e.status === 'EFFECTIVE' || e.status === 'CANCELLED') && e.on <= date);
  const claims = await app.readBack<{ org: string; r: string }>(`select organization_id as org, restructuring_id as r from restructuring_participant where role in ('SOURCE', 'TARGET', 'MOVED')`);
  const pending = new Set(claims.filter((c) => pendingOn(c.r)).map((c) => c.org));

  return placements.map((p) => {
    const org = orgs.get(p.id)!;
    const c = congresses.get(p.id);
    const stage = (c && stageOf.get(c.id)) ?? 'NOT_STARTED';
    const expected = stage !== 'SUPERSEDED';
    const held = stage === 'HELD' || stage === 'RESULTS_CONFIRMED';
    const deadline = c?.override ?? calendar.get(org.level) ?? null;
    const overdue = expected && !held && deadline !== null && deadline < date;
    const heldLate = held && !!c?.heldEnd && deadline !== null && c.heldEnd > deadline;
    return {
      id: p.id, code: org.code, parent: p.parent, path: p.path, level: org.level, members: Number(members.get(p.id) ?? 0), stage,
      pilot: !!c?.pilot, mode: c?.mode ?? null, pending: pending.has(p.id), expected, held, overdue, heldLate,
      overdueReason: overdue ? (c ? 'NOT_HELD' : 'NOT_SCHEDULED') : null,
    };
  });
}

export async function bruteProgress(app: TestApp, ids: string[], date: string, scope: 'SUBTREE' | 'CHILDREN'): Promise<Map<string, Brute>> {
  const statuses = await bruteStatuses(app, date);
  const out = new Map<string, Brute>();
  for (const id of ids) {
    const b: Brute = {
      organizations: 0, congressesExpected: 0, held: 0, overdue: 0, heldLate: 0, members: 0, pilotHeld: 0, twoContent: 0, postponed: 0, restructuringPending: 0,
      byStage: Object.fromEntries(STAGES.map((s) => [s, 0])),
      byLevel: Object.fromEntries(LEVELS.map((l) => [l, { organizations: 0, congressesExpected: 0, held: 0, overdue: 0, heldLate: 0 }])),
    };
    for (const s of statuses) {
      const inScope = scope === 'CHILDREN' ? s.parent === id : s.id !== id && s.path.includes(id);
      if (!inScope) continue;
      b.organizations++;
      b.members += s.members;
      b.congressesExpected += +s.expected;
      b.held += +s.held;
      b.overdue += +s.overdue;
      b.heldLate += +s.heldLate;
      b.pilotHeld += +(s.pilot && s.held);
      b.twoContent += +(s.mode === 'TWO_CONTENT' && s.expected);
      b.postponed += +(s.stage === 'POSTPONED');
      b.restructuringPending += +s.pending;
      b.byStage[s.stage]++;
      const l = b.byLevel[s.level];
      l.organizations++;
      l.congressesExpected += +s.expected;
      l.held += +s.held;
      l.overdue += +s.overdue;
      l.heldLate += +s.heldLate;
    }
    out.set(id, b);
  }
  return out;
}

export const PROGRESS_FIELDS = `organizations congressesExpected held heldRatio overdue heldLate members pilotHeld twoContent postponed restructuringPending
  byStage { stage count } byLevel { level organizations congressesExpected held overdue heldLate }`;

/** The API's answer in the brute force's shape. */
export function normalise(p: any): Brute {
  return {
    organizations: p.organizations, congressesExpected: p.congressesExpected, held: p.held, overdue: p.overdue, heldLate: p.heldLate, members: p.members,
    pilotHeld: p.pilotHeld, twoContent: p.twoContent, postponed: p.postponed, restructuringPending: p.restructuringPending,
    byStage: Object.fromEntries(p.byStage.map((s: any) => [s.stage, s.count])),
    byLevel: Object.fromEntries(p.byLevel.map((l: any) => [l.level, { organizations: l.organizations, congressesExpected: l.congressesExpected, held: l.held, overdue: l.overdue, heldLate: l.heldLate }])),
  };
}
