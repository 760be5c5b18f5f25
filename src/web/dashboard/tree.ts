/**
 * The tree: the organisation shown (summary, breadcrumb) and its direct children, each with its subtree's progress.
 * Every number comes from the public GraphQL API, read on the view's date (`asOf`, null = today).
 */
import { gql } from './api';
import { h } from './dom';
import { addDays, collator, fmtDate, fmtInt, fmtPercent, ratio } from './format';
import { LEVELS, RISKS, STAGE_ORDER, STAGES, vi } from './labels';
import { routeHash } from './route';

export const PAGE = 30;

export interface RiskCount { kind: string; count: number }
export interface RowProgress { organizations: number; congressesExpected: number; held: number; overdue: number; atRisk: RiskCount[] }
export interface Progress extends RowProgress {
  heldRatio: number; heldLate: number; postponed: number; members: number; upcoming: number;
  byStage: { stage: string; count: number }[];
}
export interface OwnCongress { stage: string; deadline: string | null; plannedStart: string | null; plannedEnd: string | null; heldEnd: string | null }
export interface Row {
  id: string; canonicalId: string; code: string; name: string; shortName: string | null; level: string;
  overdueReason: string | null; congress: OwnCongress | null; progress: RowProgress;
}
export interface Shown extends Omit<Row, 'progress'> {
  asOf: string;
  /** Null outside its lifetime on the date read. */
  depth: number | null;
  establishedOn: string;
  endedOn: string | null;
  successors: { code: string; name: string }[];
  ancestors: { canonicalId: string; code: string; name: string }[];
  progress: Progress;
}
export interface Page { totalCount: number; hasNextPage: boolean; endCursor: string | null; rows: Row[] }

const ROW = `id canonicalId code name shortName level overdueReason
  congress { stage deadline plannedStart plannedEnd heldEnd }
  progress { organizations congressesExpected held overdue atRisk { kind count } }`;
const CHILDREN = `totalCount pageInfo { hasNextPage endCursor } nodes { ${ROW} }`;

const VIEW = `query DashboardView($code: String!, $asOf: Date, $first: Int!) {
  organization(code: $code, asOf: $asOf) {
    id canonicalId code name shortName level overdueReason asOf depth establishedOn endedOn
    successors { code name }
    ancestors { canonicalId code name }
    congress { stage deadline plannedStart plannedEnd heldEnd }
    progress {
      organizations congressesExpected held heldRatio heldLate overdue postponed members upcoming(days: 30)
      atRisk { kind count } byStage { stage count }
    }
    children(first: $first) { ${CHILDREN} }
  }
}`;

const MORE = `query DashboardChildren($code: String!, $asOf: Date, $first: Int!, $after: String) {
  organization(code: $code, asOf: $asOf) { children(first: $first, after: $after) { ${CHILDREN} } }
}`;

const ROOTS = `query DashboardRoots($asOf: Date, $first: Int!, $after: String) {
  organizations(first: $first, after: $after, level: CENTRAL_COMMITTEE, asOf: $asOf) { ${CHILDREN} }
}`;

interface Connection { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Row[] }
const page = (c: Connection): Page => ({ totalCount: c.totalCount, hasNextPage: c.pageInfo.hasNextPage, endCursor: c.pageInfo.endCursor, rows: c.nodes });

/** The organisation `code` on `asOf` with its first `first` children; null when it is not there (or not visible). */
export async function loadView(code: string, asOf: string | null, first = PAGE): Promise<{ shown: Shown; children: Page } | null> {
  const data = await gql<{ organization: (Shown & { children: Connection }) | null }>(VIEW, { code, asOf, first: Math.min(100, Math.max(1, first)) });
  if (!data.organization) return null;
  const { children, ...shown } = data.organization;
  return { shown, children: page(children) };
}

export async function loadMore(code: string, asOf: string | null, after: string): Promise<Page> {
  const data = await gql<{ organization: { children: Connection } | null }>(MORE, { code, asOf, first: PAGE, after });
  if (!data.organization) return { totalCount: 0, hasNextPage: false, endCursor: null, rows: [] };
  return page(data.organization.children);
}

export async function loadRoots(asOf: string | null, after: string | null = null, first = PAGE): Promise<Page> {
  const data = await gql<{ organizations: Connection }>(ROOTS, { asOf, first: Math.min(100, first), after });
  return page(data.organizations);
}

const riskTotal = (risks: RiskCount[]) => risks.reduce((sum, r) => sum + r.count, 0);
const riskTitle = (risks: RiskCount[]) => risks.filter((r) => r.count > 0).map((r) => `${vi(RISKS, r.kind)}: ${r.count}`).join('\n');

/**
 * A progress bar: held (green) and overdue (red, striped) out of the congresses expected. A `progressbar` with its
 * numbers for assistive technology, and the same numbers in text beside it (colour is never the only sign).
 */
export function progressBar(p: RowProgress, label: string, testid: string): HTMLElement {
  const held = ratio(p.held, p.congressesExpected);
  const overdue = Math.min(1 - held, ratio(p.overdue, p.congressesExpected));
  const text = `${p.held} / ${p.congressesExpected} (${fmtPercent(held)})${p.overdue ? `, ${p.overdue} quá hạn` : ''}`;
  return h(
    'div',
    { class: 'progress', 'data-testid': testid },
    h(
      'div',
      { class: 'bar', role: 'progressbar', 'aria-label': label, 'aria-valuemin': 0, 'aria-valuemax': Math.max(1, p.congressesExpected), 'aria-valuenow': p.held, 'aria-valuetext': text },
      h('span', { class: 'fill held', style: { width: `${held * 100}%` } }),
      overdue > 0 ? h('span', { class: 'fill overdue', style: { width: `${overdue * 100}%` } }) : null,
    ),
    h(
      'span',
      { class: 'bar-text', 'aria-hidden': 'true' },
      h('b', { 'data-testid': `${testid}-held` }, fmtInt(p.held)),
      ' / ',
      h('span', { 'data-testid': `${testid}-expected` }, fmtInt(p.congressesExpected)),
      h('span', { class: 'pct' }, ` · ${fmtPercent(held)}`),
    ),
  );
}

function stageBadge(c: OwnCongress | null, overdueReason: string | null): HTMLElement {
  if (!c) return h('span', { class: `badge ${overdueReason ? 'is-bad' : 'is-quiet'}`, 'data-testid': 'own-stage', title: 'Chưa lên lịch đại hội nhiệm kỳ này / not scheduled' }, overdueReason ? 'Chưa lên lịch · quá hạn' : 'Chưa lên lịch');
  const held = c.stage === 'HELD' || c.stage === 'RESULTS_CONFIRMED';
  const when = held ? `Đại hội ${fmtDate(c.heldEnd)}` : c.plannedStart ? `Dự kiến ${fmtDate(c.plannedStart)}` : 'Chưa có ngày';
  const tone = held ? 'is-good' : overdueReason ? 'is-bad' : c.stage === 'POSTPONED' ? 'is-warn' : '';
  return h('span', { class: `badge ${tone}`, 'data-testid': 'own-stage', 'data-stage': c.stage, title: `${when} · hạn ${fmtDate(c.deadline)}` }, vi(STAGES, c.stage));
}

function flags(p: RowProgress, testid: string): HTMLElement {
  const risks = riskTotal(p.atRisk);
  return h(
    'span',
    { class: 'flags' },
    h('span', { class: `badge ${p.overdue > 0 ? 'is-bad strong' : 'is-zero'}`, title: 'Đại hội quá hạn / overdue congresses', 'data-testid': `${testid}-overdue` }, `${fmtInt(p.overdue)} quá hạn`),
    h('span', { class: `badge ${risks > 0 ? 'is-warn strong' : 'is-zero'}`, title: riskTitle(p.atRisk) || 'Không có cảnh báo / no risk signal', 'data-testid': `${testid}-risk` }, `${fmtInt(risks)} cảnh báo`),
  );
}

/** One child: a link that drills down (the hash changes), with its subtree's numbers. */
export function renderRow(row: Row, asOf: string | null): HTMLElement {
  const flagged = row.progress.overdue > 0 || row.overdueReason ? 'overdue' : riskTotal(row.progress.atRisk) > 0 ? 'at-risk' : '';
  const leaf = row.progress.organizations === 0;
  return h(
    'li',
    { class: `row ${flagged}`, 'data-testid': 'org-row', 'data-code': row.code },
    h(
      'a',
      { class: 'row-link', href: routeHash({ org: row.code, asOf }), 'data-testid': 'org-link' },
      h(
        'span',
        { class: 'row-name' },
        h('span', { class: 'name', 'data-testid': 'org-row-name', title: row.name }, row.name),
        h('span', { class: 'meta' }, h('span', { class: 'level' }, vi(LEVELS, row.level)), h('code', {}, row.code), stageBadge(row.congress, row.overdueReason)),
      ),
      leaf
        ? h('span', { class: 'progress leaf', 'data-testid': 'row' }, h('span', { class: 'bar-text muted' }, 'Không có cấp dưới / no subordinates'))
        : progressBar(row.progress, `Đã đại hội trong ${row.name}`, 'row'),
      flags(row.progress, 'row'),
    ),
  );
}

export function sortRows(rows: Row[]): Row[] {
  return [...rows].sort((a, b) => collator.compare(a.name, b.name) || collator.compare(a.code, b.code));
}

/** The shown organisation: its name, level and congress, the subtree's numbers and the stages bar. */
export function renderSummary(s: Shown, date: string): HTMLElement {
  const p = s.progress;
  const risks = p.atRisk.filter((r) => r.count > 0);
  const metric = (testid: string, value: number, label: string, cls = '') =>
    h('div', { class: `metric ${cls}` }, h('span', { class: 'value', 'data-testid': testid }, fmtInt(value)), h('span', { class: 'label' }, label));
  const total = p.byStage.reduce((sum, b) => sum + b.count, 0);
  const byStage = new Map(p.byStage.map((b) => [b.stage, b.count]));
  return h(
    'section',
    { class: 'summary card', 'data-testid': 'summary', 'aria-labelledby': 'org-name' },
    h(
      'div',
      { class: 'summary-head' },
      h('h1', { id: 'org-name', 'data-testid': 'org-name' }, s.name),
      h('div', { class: 'meta' }, h('span', { class: 'level' }, vi(LEVELS, s.level)), h('code', { 'data-testid': 'org-code' }, s.code), stageBadge(s.congress, s.overdueReason), s.congress?.deadline ? h('span', { class: 'muted' }, `hạn ${fmtDate(s.congress.deadline)}`) : null),
    ),
    s.depth === null ? lifetimeNote(s, date) : null,
    h(
      'div',
      { class: 'metrics' },
      h('div', { class: 'metric wide' }, progressBar(p, `Đã đại hội trong ${s.name}`, 'summary'), h('span', { class: 'label' }, 'đại hội đã tổ chức / dự kiến (toàn bộ cấp dưới)')),
      metric('summary-overdue', p.overdue, 'quá hạn', p.overdue > 0 ? 'bad' : ''),
      h('div', { class: `metric ${risks.length ? 'warn' : ''}`, title: riskTitle(p.atRisk) || 'Không có cảnh báo' }, h('span', { class: 'value', 'data-testid': 'summary-risk' }, fmtInt(riskTotal(p.atRisk))), h('span', { class: 'label' }, 'cảnh báo rủi ro')),
      metric('summary-upcoming', p.upcoming, 'sắp đại hội (30 ngày)'),
      metric('summary-organizations', p.organizations, 'tổ chức cấp dưới'),
      metric('summary-members', p.members, 'đảng viên'),
    ),
    total > 0
      ? h(
          'div',
          { class: 'stages' },
          h('div', { class: 'stagebar', role: 'img', 'aria-label': STAGE_ORDER.filter((st) => byStage.get(st)).map((st) => `${vi(STAGES, st)}: ${byStage.get(st)}`).join(', ') },
            ...STAGE_ORDER.filter((st) => (byStage.get(st) ?? 0) > 0).map((st) => h('span', { class: `seg st-${st}`, style: { 'flex-grow': String(byStage.get(st)) }, title: `${vi(STAGES, st)}: ${byStage.get(st)}` }))),
          h('ul', { class: 'legend', 'aria-label': 'Theo bước / by stage' },
            ...STAGE_ORDER.map((st) => h('li', { class: (byStage.get(st) ?? 0) === 0 ? 'zero' : '' }, h('span', { class: `dot st-${st}` }), `${vi(STAGES, st)} `, h('b', { 'data-testid': `stage-${st}` }, String(byStage.get(st) ?? 0))))),
          risks.length ? h('ul', { class: 'legend risks', 'aria-label': 'Cảnh báo / risks' }, ...risks.map((r) => h('li', {}, h('span', { class: 'dot risk' }), `${vi(RISKS, r.kind)} `, h('b', {}, String(r.count))))) : null,
        )
      : null,
  );
}

/** Why an organisation has no place in the tree on `date`: not founded yet, or ended (with who continues it). */
function lifetimeNote(s: Shown, date: string): HTMLElement {
  if (s.endedOn && s.endedOn <= date) {
    const dayBefore = addDays(s.endedOn, -1);
    return h('p', { class: 'lifetime', 'data-testid': 'lifetime' },
      `Đã kết thúc hoạt động từ ${fmtDate(s.endedOn)}. `,
      ...(s.successors.length ? ['Tiếp nối: ', ...[...s.successors].sort((a, b) => collator.compare(a.name, b.name)).flatMap((o, i) => [i ? ', ' : '', h('a', { href: routeHash({ org: o.code, asOf: null }) }, o.name)]), '. '] : []),
      h('a', { href: routeHash({ org: s.code, asOf: dayBefore }) }, `Xem ngày ${fmtDate(dayBefore)}`));
  }
  return h('p', { class: 'lifetime', 'data-testid': 'lifetime' }, `Chưa có trong cây tổ chức vào ngày ${fmtDate(date)} (thành lập ${fmtDate(s.establishedOn)}).`);
}

/** The breadcrumb: the ancestors (links, except those outside the viewer's reach) and the shown organisation. */
export function renderBreadcrumb(s: Shown | null, asOf: string | null, unreachable: Set<string>, home: { code: string; name: string } | null): HTMLElement {
  const items: HTMLElement[] = [];
  // The way back to where the viewer starts, when the path does not pass through it (the roots, an ended organisation).
  const onPath = home && (s?.code === home.code || s?.ancestors.some((a) => a.code === home.code));
  if (!onPath) items.push(h('li', {}, h('a', { href: routeHash({ org: home?.code ?? '*', asOf }), 'data-testid': 'crumb-home' }, home?.name ?? 'Tổ chức gốc / Roots')));
  for (const a of s?.ancestors ?? []) {
    items.push(h('li', {}, unreachable.has(a.code) ? h('span', { class: 'muted', title: 'Ngoài phạm vi xem / outside your scope' }, a.name) : h('a', { href: routeHash({ org: a.code, asOf }), 'data-testid': 'crumb' }, a.name)));
  }
  if (s) items.push(h('li', { 'aria-current': 'page' }, s.name));
  return h('nav', { class: 'breadcrumb', 'aria-label': 'Đường dẫn / breadcrumb', 'data-testid': 'breadcrumb' }, h('ol', {}, ...items));
}
