import type { Tx } from '../src/common/kernel';
import { addDays } from '../src/common/dates';
import { uuidFromName } from '../src/common/uuid';
import { CommitteeFormation, CongressMode, CongressStage } from '../src/congress/congress.enums';
import { recordCongressResult } from '../src/congress/congress.result.service';
import { rescheduleCongress, scheduleCongress } from '../src/congress/congress.schedule.service';
import { advanceCongress } from '../src/congress/congress.stage.service';
import { derivedCongressId } from '../src/congress/congress.successor';
import { congressesByOrganizations } from '../src/congress/congress.repository';
import { OrganizationLevel } from '../src/organization/organization.levels';
import { applyRestructuring } from '../src/restructuring/restructuring.apply';
import { RestructuringKind } from '../src/restructuring/restructuring.enums';
import { approveRestructuring } from '../src/restructuring/restructuring.lifecycle.service';
import { proposeRestructuring } from '../src/restructuring/restructuring.propose.service';
import type { HistoricDecision } from './history-2025';

const ACTOR = 'demo seed';

/** Looks organisations up by code (the seed's ids plus those the restructurings created). */
export async function idsByCode(tx: Tx, codes: string[]): Promise<Map<string, string>> {
  const rows = await tx.sql<{ code: string; id: string }>('select code, id from organization where code = any(?::text[])', [codes]);
  return new Map(rows.map((r) => [r.code, r.id]));
}

/**
 * Proposes, approves and applies a historic decision through the services (the rules a user would meet), as far as
 * it had gone by `today`: not decided yet, it is not there; decided but not yet in effect, it is APPROVED and pending.
 */
export async function enactDecision(tx: Tx, d: HistoricDecision, today: string): Promise<void> {
  if (d.decisionDate > today) return;
  const newCodes = new Set((d.newTargets ?? []).map((t) => t.code));
  const codes = [...(d.sources ?? []), ...(d.targets ?? []), ...(d.moves ?? []).flatMap((m) => [m.code, m.newParentCode]), ...(d.newTargets ?? []).map((t) => t.parentCode), ...(d.rename ? [d.rename.code] : [])];
  const ids = await idsByCode(tx, codes.filter((c) => !newCodes.has(c)));
  const id = (code: string) => ids.get(code)!;
  const parent = (code: string) => (newCodes.has(code) ? { parentCode: code } : { parentId: id(code) });
  let r = await proposeRestructuring(
    tx,
    {
      id: uuidFromName('Restructuring', d.code),
      kind: RestructuringKind[d.kind],
      title: d.title,
      effectiveOn: d.effectiveOn,
      proposedOn: d.decisionDate, // the demo records no earlier proposal: proposed and decided the same day
      sources: (d.sources ?? []).map(id),
      targets: (d.targets ?? []).map(id),
      newTargets: (d.newTargets ?? []).map((t) => ({ id: uuidFromName('Organization', t.code), code: t.code, name: t.name, shortName: t.shortName, level: OrganizationLevel[t.level], ...parent(t.parentCode) })),
      moves: (d.moves ?? []).map((m) => {
        const p = parent(m.newParentCode);
        return { organizationId: id(m.code), newParentId: 'parentId' in p ? p.parentId : null, newParentCode: 'parentCode' in p ? p.parentCode : null };
      }),
      rename: d.rename ? { organizationId: id(d.rename.code), name: d.rename.name } : null,
      actor: ACTOR,
    },
    today,
  );
  r = await approveRestructuring(tx, { id: r.id, version: r.version, decisionNumber: d.decisionNumber, decisionDate: d.decisionDate, issuer: d.issuer, effectiveOn: d.effectiveOn, actor: ACTOR });
  if (d.effectiveOn <= today) await applyRestructuring(tx, { id: r.id, version: r.version, actor: ACTOR });
  tx.em.clear();
}

interface Story {
  code: string;
  start: string;
  end: string;
  convened: number;
  committee: number;
}

/**
 * The first (two-content) congresses of the committees 2025 created — the merged Finance party's, lần thứ I, on
 * 20–21 Aug 2025, and the new central committees' in October — with appointed committees.
 */
export const SUCCESSOR_CONGRESSES: Story[] = [
  { code: 'DBTC', start: '2025-08-20', end: '2025-08-21', convened: 283, committee: 45 },
  { code: 'DCQD', start: '2025-10-08', end: '2025-10-09', convened: 250, committee: 35 },
  { code: 'DQH', start: '2025-10-10', end: '2025-10-11', convened: 200, committee: 31 },
  { code: 'DCP', start: '2025-10-12', end: '2025-10-13', convened: 453, committee: 55 },
];

/** Tells a successor's congress up to `today`; nothing when the restructuring creating it is not in effect yet. */
export async function tellSuccessorCongress(tx: Tx, s: Story, today: string): Promise<void> {
  const id = (await idsByCode(tx, [s.code])).get(s.code);
  const [found] = id ? await congressesByOrganizations(tx.sql, [id]) : [];
  if (!found) return; // opened when the restructuring takes effect
  // Planned from the day the committee was established (plans are dated: earlier dates have none).
  const [{ establishedOn }] = await tx.sql<{ establishedOn: string }>('select established_on::text as "establishedOn" from organization where id = ?', [id]);
  let c = await rescheduleCongress(tx, { id: found.id, version: found.version, plannedStart: s.start, plannedEnd: s.end, effectiveOn: establishedOn });
  for (const [stage, days] of [[CongressStage.DOCUMENTS_DRAFTED, -40], [CongressStage.PERSONNEL_PLANNED, -25], [CongressStage.APPROVED, -10]] as const) {
    if (addDays(s.start, days) > today) return;
    c = await advanceCongress(tx, { id: c.id, version: c.version, stage, effectiveOn: addDays(s.start, days), actor: ACTOR }, today);
  }
  if (s.end > today) return;
  c = await recordCongressResult(
    tx,
    { id: c.id, version: c.version, heldStart: s.start, heldEnd: s.end, delegatesConvened: s.convened, delegatesAttending: s.convened - 3, committeeSize: s.committee, committeeFormation: CommitteeFormation.APPOINTED, delegatesToSuperior: { appointed: Math.round(s.convened / 10) }, actor: ACTOR },
    today,
  );
  if (addDays(s.end, 14) <= today) await advanceCongress(tx, { id: c.id, version: c.version, stage: CongressStage.RESULTS_CONFIRMED, effectiveOn: addDays(s.end, 14), actor: ACTOR }, today);
  tx.em.clear();
}

/** The 14th National Congress, 19–23 January 2026: 1,586 delegates. */
export async function tellNationalCongress(tx: Tx, today: string): Promise<void> {
  const ids = await idsByCode(tx, ['TW']);
  const organizationId = ids.get('TW')!;
  // Scheduled the day its plan was issued (or today, when that is still to come).
  const planIssued = '2025-02-15';
  let c = await scheduleCongress(tx, {
    id: derivedCongressId(organizationId, '2025-2030'),
    organizationId,
    term: '2025-2030',
    plannedStart: '2026-01-19',
    plannedEnd: '2026-01-23',
    ordinal: 14,
    mode: CongressMode.FULL,
    effectiveOn: planIssued < today ? planIssued : today,
    actor: ACTOR,
  });
  for (const [stage, effectiveOn] of [[CongressStage.PLAN_ISSUED, planIssued], [CongressStage.DOCUMENTS_DRAFTED, '2025-10-15'], [CongressStage.PERSONNEL_PLANNED, '2025-11-20'], [CongressStage.APPROVED, '2026-01-10']] as const) {
    if (effectiveOn > today) return;
    c = await advanceCongress(tx, { id: c.id, version: c.version, stage, effectiveOn, actor: ACTOR }, today);
  }
  if ('2026-01-23' > today) return;
  await recordCongressResult(
    tx,
    { id: c.id, version: c.version, heldStart: '2026-01-19', heldEnd: '2026-01-23', delegatesConvened: 1586, committeeFormation: CommitteeFormation.ELECTED, actor: ACTOR },
    today,
  );
  tx.em.clear();
}

/** Proposed on 20 Oct 2026 to take effect on 1 Jan 2027, and still waiting on a decision. */
export const PENDING_MERGER = { code: '2027-01-01-HVTC-CB10', proposedOn: '2026-10-20', effectiveOn: '2027-01-01' };

/** Two cells of the Academy of Finance proposed to merge (from `PENDING_MERGER.proposedOn` on, pending). */
export async function proposePendingMerger(tx: Tx, today: string): Promise<void> {
  if (PENDING_MERGER.proposedOn > today) return;
  const ids = await idsByCode(tx, ['BTC-HVTC', 'BTC-HVTC-CB01', 'BTC-HVTC-CB02']);
  await proposeRestructuring(
    tx,
    {
      id: uuidFromName('Restructuring', PENDING_MERGER.code),
      kind: RestructuringKind.MERGE,
      title: 'Hợp nhất Chi bộ Khoa Kế toán và Chi bộ Khoa Tài chính doanh nghiệp (Học viện Tài chính)',
      effectiveOn: PENDING_MERGER.effectiveOn,
      proposedOn: PENDING_MERGER.proposedOn,
      sources: [ids.get('BTC-HVTC-CB01')!, ids.get('BTC-HVTC-CB02')!],
      targets: [],
      newTargets: [{ id: uuidFromName('Organization', 'BTC-HVTC-CB10'), code: 'BTC-HVTC-CB10', name: 'Chi bộ Khoa Kế toán - Tài chính doanh nghiệp', level: OrganizationLevel.CELL, parentId: ids.get('BTC-HVTC')! }],
      moves: [],
      actor: ACTOR,
    },
    today,
  );
}
