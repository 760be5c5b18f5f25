import type { Tx } from '../src/common/kernel';
import { addDays } from '../src/common/dates';
import { CommitteeFormation, CongressStage } from '../src/congress/congress.enums';
import { recordCongressResult } from '../src/congress/congress.result.service';
import { scheduleCongress } from '../src/congress/congress.schedule.service';
import { advanceCongress, postponeCongress } from '../src/congress/congress.stage.service';
import { derivedCongressId } from '../src/congress/congress.successor';
import type { CongressRow } from '../src/congress/congress.repository';
import { DEADLINES_2025_2030 } from '../src/congress/calendar-2025-2030';
import type { OrganizationLevel } from '../src/organization/organization.levels';
import { hash } from './hash';
import type { TreeSpec } from './tree-builder';

/**
 * The congresses of the demo tree for 2025–2030, told as their history from the autumn of 2024 on: cells first
 * (by 31 Mar 2025), base organisations in April–June (a pilot, Đảng bộ Cơ quan Bộ Tài chính, in March), ministry
 * committees in July–August, a few late or postponed. Dates are deterministic functions of the codes.
 * Organisations that a 2025 restructuring ended stop preparing on the day before it (`endedOn`).
 */

export const PILOT_CODES = new Set(['BTC-CQ']);
/** Postponed with a reason; held 45 days later. */
const POSTPONED: Record<string, string> = { 'BTC-HVTC-CB03': 'Chờ kiện toàn cấp ủy sau điều động cán bộ' };

const LENGTH: Record<string, number> = {
  CELL: 1, SUB_COMMITTEE: 1, BASE_CELL: 1, BASE_COMMITTEE: 2, ABOVE_BASE: 3, DIRECTLY_UNDER_CENTRAL: 3, CENTRAL_COMMITTEE: 5,
};

function defaultStart(node: TreeSpec, pilot: boolean): string {
  const h = hash(node.code);
  switch (node.level) {
    case 'CELL':
      return pilot ? addDays('2024-11-20', h % 45) : addDays('2024-11-18', h % 120);
    case 'SUB_COMMITTEE':
      return pilot ? addDays('2025-01-15', h % 20) : addDays('2025-03-10', h % 15);
    case 'BASE_CELL':
    case 'BASE_COMMITTEE':
      return pilot ? '2025-03-20' : addDays('2025-04-08', h % 75);
    case 'ABOVE_BASE':
      return addDays('2025-07-20', h % 30);
    case 'DIRECTLY_UNDER_CENTRAL':
      return addDays('2025-10-14', h % 5);
    default:
      return '2026-01-19';
  }
}

export interface Planned {
  node: TreeSpec;
  start: string;
  heldStart: string;
  end: string;
  late: boolean;
  held: boolean;
}

/** Plans the subtree (children before parents) so that a parent always starts after its subordinates end. */
function plan(node: TreeSpec, pilot: boolean, out: Planned[]): Planned {
  const isPilot = pilot || PILOT_CODES.has(node.code);
  const children = (node.children ?? []).map((c) => plan(c, isPilot, out));
  const latestChild = children.filter((c) => c.held).reduce((m, c) => (c.end > m ? c.end : m), '');
  let start = defaultStart(node, isPilot);
  if (latestChild && addDays(latestChild, 2) > start) start = addDays(latestChild, 2);
  const late = node.level !== 'CENTRAL_COMMITTEE' && !PILOT_CODES.has(node.code) && hash(node.code + ':late') % 9 === 0;
  // Late ones are held after their level's deadline: they show as overdue in between.
  const deadline = DEADLINES_2025_2030[node.level as OrganizationLevel];
  const heldStart = POSTPONED[node.code] ? addDays(deadline, 22) : late ? addDays(deadline, 5 + (hash(node.code) % 20)) : start;
  const held = !endedIn2025.has(node.code) && node.level !== 'CENTRAL_COMMITTEE' && children.every((c) => c.held);
  const p = { node, start, heldStart, end: addDays(heldStart, LENGTH[node.level] - 1), late: late || !!POSTPONED[node.code], held };
  out.push(p);
  return p;
}

/** Organisations the 2025 restructurings ended, and the day they were gone. */
const endedIn2025 = new Map([
  ['KCQTW', '2025-02-03'],
  ['KDNTW', '2025-02-03'],
  ['BTC', '2025-03-01'],
  ['BKHDT', '2025-03-01'],
]);

/** Plans every congress of the tree (the National Congress apart: see demo-2025.ts). */
export function planDemoCongresses(tree: TreeSpec): Planned[] {
  const planned: Planned[] = [];
  plan(tree, false, planned);
  return planned.filter((p) => p.node.level !== 'CENTRAL_COMMITTEE');
}

/** Tells the stories of `planned` whose organisation `which` selects. */
export async function tellCongresses(tx: Tx, planned: Planned[], ids: Map<string, string>, today: string, which: (code: string) => boolean) {
  for (const p of planned.filter((p) => which(p.node.code))) {
    await tell(tx, p, ids.get(p.node.code)!, today);
    tx.em.clear(); // keep the unit of work small: each flush walks every managed entity
  }
}

export const isEndedIn2025 = (code: string) => endedIn2025.has(code);

/**
 * One congress's story through the services, so the demo obeys every rule a user would meet, told up to `today`:
 * nothing effective after it is recorded, so whatever stage the demo shows accepts the next step.
 */
async function tell(tx: Tx, p: Planned, organizationId: string, today: string) {
  const { node, start } = p;
  const length = LENGTH[node.level];
  const h = hash(node.code + ':plan');
  const planned =
    node.level === 'CELL' || node.level === 'SUB_COMMITTEE'
      ? addDays(start, -(50 + (h % 30)))
      : node.level === 'BASE_COMMITTEE' || node.level === 'BASE_CELL'
        ? addDays('2024-10-20', h % 40)
        : addDays('2024-11-15', h % 40);
  const planIssued = planned < '2024-09-15' ? '2024-09-15' : planned;
  // Scheduled the day its plan was issued (its first event), or today when that day is still to come.
  let c: CongressRow = await scheduleCongress(tx, {
    id: derivedCongressId(organizationId, '2025-2030'),
    organizationId,
    term: '2025-2030',
    plannedStart: start,
    plannedEnd: addDays(start, length - 1),
    pilot: PILOT_CODES.has(node.code),
    ordinal: 1 + (hash(node.code + ':ordinal') % 12),
    effectiveOn: planIssued < today ? planIssued : today,
    actor: 'demo seed',
  });
  const steps: [CongressStage, string][] = [
    [CongressStage.PLAN_ISSUED, planIssued],
    [CongressStage.DOCUMENTS_DRAFTED, addDays(start, -40)],
    [CongressStage.PERSONNEL_PLANNED, addDays(start, -25)],
    [CongressStage.APPROVED, addDays(start, -10)],
  ];
  // Nothing after today; nothing once a restructuring has ended the organisation.
  const cutoff = endedIn2025.get(node.code);
  const untold = (date: string) => date > today || (!!cutoff && date >= cutoff);
  for (const [stage, effectiveOn] of steps) {
    if (untold(effectiveOn)) return;
    c = await advanceCongress(tx, { id: c.id, version: c.version, stage, effectiveOn, actor: 'demo seed' }, today);
  }
  if (p.late) {
    const newStart = p.heldStart;
    if (untold(addDays(start, -3))) return;
    c = await postponeCongress(
      tx,
      { id: c.id, version: c.version, reason: POSTPONED[node.code] ?? 'Lùi thời gian để hoàn thiện văn kiện', plannedStart: newStart, plannedEnd: addDays(newStart, length - 1), effectiveOn: addDays(start, -3), actor: 'demo seed' },
      today,
    );
    if (untold(addDays(newStart, -10))) return;
    c = await advanceCongress(tx, { id: c.id, version: c.version, stage: CongressStage.APPROVED, effectiveOn: addDays(newStart, -10), actor: 'demo seed' }, today);
  }
  if (!p.held || p.end > today) return;
  const heldStart = addDays(p.end, -(length - 1));
  const size = node.level === 'CELL' || node.level === 'BASE_CELL' ? (node.members ?? 20) : 80 + (hash(node.code) % 220);
  c = await recordCongressResult(
    tx,
    {
      id: c.id,
      version: c.version,
      heldStart,
      heldEnd: p.end,
      delegatesConvened: size,
      delegatesAttending: size - (hash(node.code + ':absent') % Math.max(1, Math.floor(size / 20))),
      committeeSize: node.level === 'CELL' || node.level === 'SUB_COMMITTEE' ? ((node.members ?? 0) >= 9 ? 3 : 1) : 7 + (hash(node.code) % 12),
      committeeFormation: CommitteeFormation.ELECTED,
      delegatesToSuperior: { exOfficio: 3 + (hash(node.code) % 5), elected: 5 + (hash(node.code) % 20), appointed: 0, alternate: 1 },
      actor: 'demo seed',
    },
    today,
  );
  const confirmed = addDays(p.end, 14);
  if (confirmed <= today) {
    await advanceCongress(tx, { id: c.id, version: c.version, stage: CongressStage.RESULTS_CONFIRMED, effectiveOn: confirmed, actor: 'demo seed' }, today);
  }
}
