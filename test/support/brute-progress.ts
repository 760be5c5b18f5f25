import type { TestApp } from './harness';

/**
 * The roll-up recomputed the slow, obvious way, independently of src/progress: read the base tables as they stood
 * on the date and count in JavaScript.
 */
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
    (await app.readBack<{ id: string; code: string; level: string; members: number }>(`select id, code, level, member_count as members from organization`)).map((o) => [o.id, o]),
  );
  const [{ term }] = await app.readBack<{ term: string }>(`select code as term from term where is_current`);
  const congresses = new Map(
    (await app.readBack<{ org: string; id: string; pilot: boolean; mode: string; override: string | null; heldEnd: string | null }>(
      `select organization_id as org, id, pilot, mode, deadline_override::text as override, held_end::text as "heldEnd" from congress where term = $1 and round = 1`, [term], // the roll-up counts the term-opening congress
    )).map((c) => [c.org, c]),
  );
  const events = await app.readBack<{ congress: string; stage: string; on: string }>(
    `select congress_id as congress, to_stage as stage, effective_on::text as on from congress_event where effective_on <= $1 order by effective_on, id`, [date],
  );
  const stageOf = new Map<string, string>();
  for (const e of events) stageOf.set(e.congress, e.stage);
  const calendar = new Map((await app.readBack<{ level: string; deadline: string }>(`select level, deadline::text as deadline from term_calendar where term = $1`, [term])).map((r) => [r.level, r.deadline]));
  const pending = new Set((await app.readBack<{ id: string }>(`select organization_id as id from restructuring_pending`)).map((r) => r.id));

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
      id: p.id, code: org.code, parent: p.parent, path: p.path, level: org.level, members: Number(org.members), stage,
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
