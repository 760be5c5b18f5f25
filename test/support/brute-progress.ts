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
  members: number;
  pilotHeld: number;
  twoContent: number;
  postponed: number;
  restructuringPending: number;
  byStage: Record<string, number>;
  byLevel: Record<string, { organizations: number; congressesExpected: number; held: number; overdue: number }>;
}

const STAGES = ['NOT_STARTED', 'PLAN_ISSUED', 'DOCUMENTS_DRAFTED', 'PERSONNEL_PLANNED', 'APPROVED', 'HELD', 'RESULTS_CONFIRMED', 'POSTPONED', 'SUPERSEDED'];
const LEVELS = ['CENTRAL_COMMITTEE', 'DIRECTLY_UNDER_CENTRAL', 'ABOVE_BASE', 'BASE_COMMITTEE', 'BASE_CELL', 'SUB_COMMITTEE', 'CELL'];

export async function bruteProgress(app: TestApp, ids: string[], date: string, scope: 'SUBTREE' | 'CHILDREN'): Promise<Map<string, Brute>> {
  const placements = await app.readBack<{ id: string; parent: string | null; path: string[] }>(
    `select organization_id as id, parent_id as parent, path from organization_placement where valid_from <= $1 and (valid_to is null or valid_to > $1)`,
    [date],
  );
  const orgs = new Map((await app.readBack<{ id: string; level: string; members: number }>(`select id, level, member_count as members from organization`)).map((o) => [o.id, o]));
  const [{ term }] = await app.readBack<{ term: string }>(`select code as term from term where is_current`);
  const congresses = new Map(
    (await app.readBack<{ org: string; id: string; pilot: boolean; mode: string; override: string | null }>(
      `select organization_id as org, id, pilot, mode, deadline_override::text as override from congress where term = $1`, [term],
    )).map((c) => [c.org, c]),
  );
  const events = await app.readBack<{ congress: string; stage: string; on: string }>(
    `select congress_id as congress, to_stage as stage, effective_on::text as on from congress_event where effective_on <= $1 order by effective_on, id`, [date],
  );
  const stageOf = new Map<string, string>();
  for (const e of events) stageOf.set(e.congress, e.stage);
  const calendar = new Map((await app.readBack<{ level: string; deadline: string }>(`select level, deadline::text as deadline from term_calendar where term = $1`, [term])).map((r) => [r.level, r.deadline]));
  const pending = new Set((await app.readBack<{ id: string }>(`select organization_id as id from restructuring_pending`)).map((r) => r.id));

  const out = new Map<string, Brute>();
  for (const id of ids) {
    const b: Brute = {
      organizations: 0, congressesExpected: 0, held: 0, overdue: 0, members: 0, pilotHeld: 0, twoContent: 0, postponed: 0, restructuringPending: 0,
      byStage: Object.fromEntries(STAGES.map((s) => [s, 0])),
      byLevel: Object.fromEntries(LEVELS.map((l) => [l, { organizations: 0, congressesExpected: 0, held: 0, overdue: 0 }])),
    };
    for (const p of placements) {
      const inScope = scope === 'CHILDREN' ? p.parent === id : p.id !== id && p.path.includes(id);
      if (!inScope) continue;
      const org = orgs.get(p.id)!;
      const c = congresses.get(p.id);
      const stage = (c && stageOf.get(c.id)) ?? 'NOT_STARTED';
      const expected = stage !== 'SUPERSEDED';
      const held = stage === 'HELD' || stage === 'RESULTS_CONFIRMED';
      const deadline = c?.override ?? calendar.get(org.level) ?? null;
      const overdue = expected && !held && deadline !== null && deadline < date;
      b.organizations++;
      b.members += Number(org.members);
      b.congressesExpected += +expected;
      b.held += +held;
      b.overdue += +overdue;
      b.pilotHeld += +(!!c?.pilot && held);
      b.twoContent += +(c?.mode === 'TWO_CONTENT' && expected);
      b.postponed += +(stage === 'POSTPONED');
      b.restructuringPending += +pending.has(p.id);
      b.byStage[stage]++;
      const l = b.byLevel[org.level];
      l.organizations++;
      l.congressesExpected += +expected;
      l.held += +held;
      l.overdue += +overdue;
    }
    out.set(id, b);
  }
  return out;
}

export const PROGRESS_FIELDS = `organizations congressesExpected held heldRatio overdue members pilotHeld twoContent postponed restructuringPending
  byStage { stage count } byLevel { level organizations congressesExpected held overdue }`;

/** The API's answer in the brute force's shape. */
export function normalise(p: any): Brute {
  return {
    organizations: p.organizations, congressesExpected: p.congressesExpected, held: p.held, overdue: p.overdue, members: p.members,
    pilotHeld: p.pilotHeld, twoContent: p.twoContent, postponed: p.postponed, restructuringPending: p.restructuringPending,
    byStage: Object.fromEntries(p.byStage.map((s: any) => [s.stage, s.count])),
    byLevel: Object.fromEntries(p.byLevel.map((l: any) => [l.level, { organizations: l.organizations, congressesExpected: l.congressesExpected, held: l.held, overdue: l.overdue }])),
  };
}
