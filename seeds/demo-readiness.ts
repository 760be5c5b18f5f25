import type { Tx } from '../src/common/kernel';
import { uuidFromName } from '../src/common/uuid';
import { derivedCongressId } from '../src/congress/congress.successor';
import { setComplaints } from '../src/readiness/readiness.complaints.service';
import { ComplaintKind, ComplaintStatus, ReadinessStatus } from '../src/readiness/readiness.enums';
import { decideReport, submitReport } from '../src/readiness/readiness.service';
import { idsByCode } from './demo-2025';

/**
 * Readiness reports of the Bloc's ministry committees to Đảng bộ Khối các cơ quan Trung ương in January 2025, before
 * the Bloc ended (3 Feb 2025), and complaints counts about the Finance committee's congress — told through the
 * services on their fixed dates, up to `today` (a step after it, and every later one of its story, is not there).
 * Checklists are computed on each submission's day from the demo's dated history. Ids derive from the codes.
 */

type Step =
  | { kind: 'submit'; on: string; narrative: string }
  | { kind: 'return'; on: string; reason: string }
  | { kind: 'acknowledge'; on: string };

const STORIES: { code: string; steps: Step[] }[] = [
  {
    code: 'BTC',
    steps: [
      { kind: 'submit', on: '2025-01-06', narrative: 'Đã ban hành kế hoạch đại hội; các chi bộ trực thuộc đang tổ chức đại hội theo lộ trình.' },
      { kind: 'return', on: '2025-01-09', reason: 'Đề nghị bổ sung số liệu tổ chức đảng trực thuộc đã tổ chức đại hội và tình hình giải quyết khiếu nại.' },
      {
        kind: 'submit',
        on: '2025-01-14',
        narrative: 'Đã bổ sung số liệu đại hội các tổ chức đảng trực thuộc; khiếu nại liên quan đến đại hội đã được tiếp nhận và đang giải quyết.',
      },
      { kind: 'acknowledge', on: '2025-01-17' },
    ],
  },
  {
    code: 'BKHDT',
    steps: [
      { kind: 'submit', on: '2025-01-10', narrative: 'Kế hoạch đại hội đã ban hành; chuẩn bị văn kiện theo hướng dẫn của Đảng ủy Khối.' },
      { kind: 'acknowledge', on: '2025-01-15' },
    ],
  },
  {
    // Submitted while the end of the Bloc was pending, and still awaiting a decision when the Bloc ended.
    code: 'BCT',
    steps: [{ kind: 'submit', on: '2025-01-27', narrative: 'Đang chuẩn bị đại hội; chờ quyết định về việc chuyển Đảng bộ về Đảng bộ Chính phủ.' }],
  },
];

/** Counts about Đảng ủy Bộ Tài chính's congress (counts by status only). */
const COMPLAINTS: { code: string; kind: ComplaintKind; status: ComplaintStatus; count: number; on: string }[] = [
  { code: 'BTC', kind: ComplaintKind.COMPLAINT, status: ComplaintStatus.RECEIVED, count: 2, on: '2025-01-02' },
  { code: 'BTC', kind: ComplaintKind.DENUNCIATION, status: ComplaintStatus.IN_PROGRESS, count: 1, on: '2025-01-05' },
  { code: 'BTC', kind: ComplaintKind.COMPLAINT, status: ComplaintStatus.RECEIVED, count: 1, on: '2025-01-12' },
  { code: 'BTC', kind: ComplaintKind.COMPLAINT, status: ComplaintStatus.RESOLVED, count: 1, on: '2025-01-12' },
];

export const readinessReportId = (code: string, version: number) => uuidFromName('ReadinessReport', `${code}:${version}`);

export async function tellReadiness(tx: Tx, today: string): Promise<void> {
  const ids = await idsByCode(tx, [...new Set([...STORIES.map((s) => s.code), ...COMPLAINTS.map((c) => c.code)])]);
  for (const c of COMPLAINTS) {
    if (c.on > today) continue;
    await setComplaints(tx, { congressId: derivedCongressId(ids.get(c.code)!, '2025-2030'), kind: c.kind, status: c.status, count: c.count, effectiveOn: c.on });
  }
  for (const story of STORIES) {
    const organizationId = ids.get(story.code)!;
    let version = 0;
    for (const step of story.steps) {
      if (step.on > today) break;
      if (step.kind === 'submit') {
        await submitReport(tx, { organizationId, narrative: step.narrative, on: step.on, id: readinessReportId(story.code, ++version) });
      } else {
        const to = step.kind === 'return' ? ReadinessStatus.RETURNED : ReadinessStatus.ACKNOWLEDGED;
        await decideReport(tx, to, { reportId: readinessReportId(story.code, version), reason: step.kind === 'return' ? step.reason : null, on: step.on });
      }
    }
  }
}
