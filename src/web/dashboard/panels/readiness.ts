import type { Panel, PanelContext } from '../panel';
import { describeError, errorCode } from '../api';
import { h, replace } from '../dom';
import { byName, fmtDate, fmtInt } from '../format';
import { both, LEVELS, READINESS_STATUSES, vi } from '../labels';
import {
  READINESS_ACKNOWLEDGE_MUTATION,
  READINESS_QUERY,
  READINESS_RETURN_MUTATION,
  mayDecide,
  type ReadinessChild,
  type ReadinessData,
  type ReadinessDecision,
  type ReadinessReportRow,
} from './readiness.queries';
import { beginRender, emptyBox, errorBox, moreButton } from '../ui';

/** A report's status as a badge's tone. */
const TONE: Record<string, string> = { SUBMITTED: 'is-info', RETURNED: 'is-warn', ACKNOWLEDGED: 'is-good' };

const PAGE = 50;

export const readinessPanel: Panel = {
  id: 'readiness',
  title: 'Báo cáo chuẩn bị đại hội của cấp dưới / Readiness reports',
  async render(el, ctx) {
    const current = beginRender(el, ctx, 'readiness');
    const full = ctx.viewer.role !== 'PUBLIC';
    const fetchPage = async (after: string | null) =>
      (await ctx.gql<ReadinessData>(READINESS_QUERY, { id: ctx.organizationId, asOf: ctx.asOf, first: PAGE, after, full })).node;
    let org: ReadinessData['node'];
    try {
      org = await fetchPage(null);
    } catch (err) {
      if (current()) replace(el, errorBox('readiness', err, ctx.refresh));
      return;
    }
    if (!current()) return;
    if (!org || org.children.totalCount === 0) {
      replace(el, emptyBox('readiness', 'Không có tổ chức trực thuộc / No subordinate organisations on this date.'));
      return;
    }
    const children: ReadinessChild[] = [...org.children.nodes];
    let pageInfo = org.children.pageInfo;
    const total = org.children.totalCount;
    const allowed = mayDecide(ctx, org.viewerCanUpdate);
    const message = h('div', { class: 'panel-message', 'data-testid': 'readiness-message', role: 'status', 'aria-live': 'polite' });
    const head = h('tr');
    const tbody = h('tbody');
    const summary = h('p', { class: 'panel-note', 'data-testid': 'readiness-summary' });
    const more = h('div', { class: 'panel-more-row' });

    const draw = () => {
      children.sort(byName);
      // The decision column only when the viewer may decide and some report awaits a decision.
      const actions = allowed && children.some((c) => c.readiness?.status === 'SUBMITTED');
      replace(
        head,
        h('th', { scope: 'col' }, 'Tổ chức / Organisation'),
        h('th', { scope: 'col' }, 'Trạng thái / Status'),
        h('th', { scope: 'col' }, 'Ngày gửi / Submitted'),
        h('th', { scope: 'col' }, 'Ngày xử lý / Decided'),
        h('th', { scope: 'col', title: 'Checklist kept with the version: subordinate congresses held / expected, documents, personnel plan' }, 'Kiểm tra / Checklist'),
        actions ? h('th', { scope: 'col', 'data-testid': 'readiness-actions' }, 'Quyết định / Decide') : null,
      );
      tbody.replaceChildren(...children.map((c) => row(c, actions, ctx, message)));
      const counts = new Map<string, number>();
      for (const c of children) if (c.readiness) counts.set(c.readiness.status, (counts.get(c.readiness.status) ?? 0) + 1);
      const reported = children.filter((c) => c.readiness).length;
      replace(
        summary,
        `${fmtInt(reported)} / ${fmtInt(children.length)} đã báo cáo / reported `,
        ...['SUBMITTED', 'RETURNED', 'ACKNOWLEDGED'].map((s) =>
          h('span', { class: `badge ${counts.get(s) ? TONE[s] : 'is-zero'}`, 'data-status': s, 'data-count': counts.get(s) ?? 0, title: both(READINESS_STATUSES, s) }, `${vi(READINESS_STATUSES, s)}: ${counts.get(s) ?? 0}`),
        ),
        children.length < total ? h('small', { class: 'muted' }, ` (${fmtInt(children.length)} / ${fmtInt(total)})`) : null,
      );
      replace(
        more,
        pageInfo.hasNextPage &&
          moreButton('readiness-more', async () => {
            let next: ReadinessData['node'];
            try {
              next = await fetchPage(pageInfo.endCursor);
            } catch (err) {
              replace(more, errorBox('readiness', err, ctx.refresh));
              return;
            }
            if (!current() || !next) return;
            children.push(...next.children.nodes);
            pageInfo = next.children.pageInfo;
            draw();
          }),
      );
    };
    draw();
    replace(
      el,
      summary,
      message,
      h(
        'table',
        { class: 'panel-table', 'data-testid': 'readiness-table' },
        h('thead', {}, head),
        tbody,
      ),
      more,
    );
  },
};

function row(c: ReadinessChild, actions: boolean, ctx: PanelContext, message: HTMLElement): HTMLTableRowElement {
  const r = c.readiness;
  const status = r?.status ?? 'NONE';
  return h(
    'tr',
    { 'data-testid': 'readiness-row', 'data-code': c.code, 'data-status': status },
    h('td', {}, h('span', { class: 'org-name' }, c.name), h('br'), h('small', { class: 'muted' }, vi(LEVELS, c.level))),
    h(
      'td',
      {},
      r
        ? h('span', { class: `badge ${TONE[status] ?? ''}`, title: both(READINESS_STATUSES, status) }, vi(READINESS_STATUSES, status))
        : h('span', { class: 'muted', title: 'Not reported' }, 'Chưa báo cáo'),
      r ? h('small', { class: 'muted block', 'data-testid': 'readiness-version', title: `Version ${r.version}` }, `Lần / v. ${r.version}`) : null,
      r?.returnReason ? h('div', { class: 'return-reason', 'data-testid': 'readiness-return-reason' }, `Lý do / Reason: ${r.returnReason}`) : null,
    ),
    h('td', { class: 'nowrap' }, fmtDate(r?.submittedOn)),
    h('td', { class: 'nowrap' }, fmtDate(r?.decidedOn)),
    h('td', { class: 'checklist' }, checklist(r)),
    actions ? h('td', {}, r?.status === 'SUBMITTED' ? decisionButtons(c, r, ctx, message) : null) : null,
  );
}

/** The checklist kept with the version: subordinates held / expected, documents drafted, personnel plan approved. */
function checklist(r: ReadinessReportRow | null): HTMLElement | string {
  const c = r?.checklist;
  if (!c) return '—';
  const mark = (ok: boolean) => (ok ? '✓' : '✗');
  return h(
    'span',
    {
      title:
        `Subordinates held ${c.subordinateCongressesHeld} of ${c.subordinateCongressesExpected}; documents drafted: ${c.documentsDrafted ? 'yes' : 'no'}; ` +
        `personnel plan approved: ${c.personnelPlanApproved ? 'yes' : 'no'}; pending restructurings: ${c.pendingRestructurings}`,
    },
    `Cấp dưới ${c.subordinateCongressesHeld}/${c.subordinateCongressesExpected}`,
    h('small', { class: 'muted block' }, `Văn kiện ${mark(c.documentsDrafted)}`),
    h('small', { class: 'muted block' }, `Nhân sự ${mark(c.personnelPlanApproved)}`),
  );
}

function decisionButtons(c: ReadinessChild, r: ReadinessReportRow, ctx: PanelContext, message: HTMLElement): HTMLElement {
  const ack = h('button', { type: 'button', class: 'good small', 'data-testid': 'readiness-acknowledge', 'data-code': c.code, 'aria-label': `Tiếp nhận báo cáo của ${c.name} / Acknowledge` }, 'Tiếp nhận');
  const ret = h('button', { type: 'button', class: 'warn small', 'data-testid': 'readiness-return', 'data-code': c.code, 'aria-label': `Trả lại báo cáo của ${c.name} / Return, with a reason` }, 'Trả lại');
  const decide = async (mutation: string, field: 'readinessReportAcknowledge' | 'readinessReportReturn', extra: Record<string, unknown>) => {
    ack.disabled = ret.disabled = true;
    replace(message, 'Đang gửi… / Sending…');
    message.classList.remove('is-error');
    try {
      const data = await ctx.gql<Record<string, ReadinessDecision>>(mutation, { report: r.id, version: r.version, ...extra });
      const payload = data[field];
      if (payload.userErrors.length > 0) {
        message.classList.add('is-error');
        replace(
          message,
          h('strong', {}, `${c.name}: `),
          ...payload.userErrors.map((e) => h('div', { 'data-testid': 'readiness-user-error', 'data-code': e.code }, h('strong', {}, e.code), ' ', e.message)),
        );
        ack.disabled = ret.disabled = false;
        return;
      }
      replace(message, `${c.name}: ${vi(READINESS_STATUSES, payload.report?.status ?? '')}`);
      ctx.refresh();
    } catch (err) {
      message.classList.add('is-error');
      replace(message, h('strong', { 'data-testid': 'readiness-error-code' }, errorCode(err)), ' ', describeError(err));
      ack.disabled = ret.disabled = false;
    }
  };
  ack.addEventListener('click', () => void decide(READINESS_ACKNOWLEDGE_MUTATION, 'readinessReportAcknowledge', {}));
  ret.addEventListener('click', () => {
    const reason = window.prompt(`Lý do trả lại báo cáo của ${c.name} / Reason for returning:`);
    if (reason === null) return;
    void decide(READINESS_RETURN_MUTATION, 'readinessReportReturn', { reason });
  });
  return h('span', { class: 'decision-buttons' }, ack, ' ', ret);
}
