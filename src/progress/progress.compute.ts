import { CongressStage, isHeld } from '../congress/congress.enums';
import { LEVELS, type OrganizationLevel } from '../organization/organization.levels';
import { levelField, stageField, STAGES } from './progress.columns';
import type { CounterRow, LiveRow } from './progress.repository';

export interface LevelData {
  organizations: number;
  expected: number;
  held: number;
  overdue: number;
  heldLate: number;
}

/** The numbers of a roll-up, whichever way they were obtained. */
export interface ProgressData {
  organizations: number;
  expected: number;
  held: number;
  overdue: number;
  heldLate: number;
  members: number;
  pilotHeld: number;
  twoContent: number;
  postponed: number;
  pending: number;
  byStage: Map<CongressStage, number>;
  byLevel: Map<OrganizationLevel, LevelData>;
}

export function emptyProgress(): ProgressData {
  return {
    organizations: 0,
    expected: 0,
    held: 0,
    overdue: 0,
    heldLate: 0,
    members: 0,
    pilotHeld: 0,
    twoContent: 0,
    postponed: 0,
    pending: 0,
    byStage: new Map(STAGES.map((s) => [s, 0])),
    byLevel: new Map(LEVELS.map((l) => [l, { organizations: 0, expected: 0, held: 0, overdue: 0, heldLate: 0 }])),
  };
}

/**
 * From the counters (valid for dates on or after the latest dated change, when every congress's stage on the date is
 * its current one): overdue on `date` = open congresses whose deadline (calendar or explicit) is before it; held late
 * does not depend on the date then (a held congress closed on or before it).
 */
export function fromCounters(row: CounterRow | undefined, calendar: Map<string, string>, date: string): ProgressData {
  const p = emptyProgress();
  if (!row) return p;
  const c = row.counters;
  Object.assign(p, {
    organizations: c.orgs,
    expected: c.expected,
    held: c.held,
    members: c.members,
    pilotHeld: c.pilot_held,
    twoContent: c.two_content,
    postponed: c.postponed,
    pending: c.pending,
  });
  for (const s of STAGES) p.byStage.set(s, c[stageField(s)]);
  for (const l of LEVELS) {
    const deadline = calendar.get(l);
    const overdue = (deadline && deadline < date ? c[levelField(l, 'open')] : 0) + row.overrides.filter((o) => o.level === l && o.deadline < date).reduce((n, o) => n + o.open, 0);
    const heldLate = c[levelField(l, 'held_late')];
    p.byLevel.set(l, { organizations: c[levelField(l, 'orgs')], expected: c[levelField(l, 'expected')], held: c[levelField(l, 'held')], overdue, heldLate });
    p.overdue += overdue;
    p.heldLate += heldLate;
  }
  return p;
}

/** From live groups computed for the date itself. */
export function fromLive(rows: LiveRow[], date: string): ProgressData {
  const p = emptyProgress();
  for (const r of rows) {
    const stage = r.stage;
    const expected = stage !== CongressStage.SUPERSEDED;
    const held = isHeld(stage);
    const overdue = expected && !held && r.deadline !== null && r.deadline < date;
    const heldLate = held && r.closedLate;
    const n = r.n;
    p.organizations += n;
    p.members += Number(r.members);
    if (expected) p.expected += n;
    if (held) p.held += n;
    if (overdue) p.overdue += n;
    if (heldLate) p.heldLate += n;
    if (r.pilot && held) p.pilotHeld += n;
    if (r.mode === 'TWO_CONTENT' && expected) p.twoContent += n;
    if (stage === CongressStage.POSTPONED) p.postponed += n;
    if (r.pending) p.pending += n;
    p.byStage.set(stage, (p.byStage.get(stage) ?? 0) + n);
    const l = p.byLevel.get(r.level)!;
    l.organizations += n;
    if (expected) l.expected += n;
    if (held) l.held += n;
    if (overdue) l.overdue += n;
    if (heldLate) l.heldLate += n;
  }
  return p;
}
