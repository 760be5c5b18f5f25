import type { Panel } from '../panel';
import { h, replace } from '../dom';
import { collator, fmtDate, fmtInt } from '../format';
import { both, PARTICIPANT_ROLES, RESTRUCTURING_KINDS, RESTRUCTURING_STATUSES, vi } from '../labels';
import { pendingOn, RESTRUCTURINGS_QUERY, sourcesFor, statusOn, type PendingRestructuring, type RestructuringsPage, type RestructuringStatus } from './restructurings.queries';
import { beginRender, emptyBox, errorBox, moreButton } from '../ui';

const PAGE = 20;

interface Source {
  status: RestructuringStatus;
  from: string | null;
  after: string | null;
  hasNext: boolean;
}

const compare = (a: PendingRestructuring, b: PendingRestructuring): number =>
  (a.effectiveOn ?? '9999').localeCompare(b.effectiveOn ?? '9999') || collator.compare(a.title, b.title);

export const restructuringsPanel: Panel = {
  id: 'restructurings',
  title: 'Sắp xếp tổ chức đang chờ / Pending restructurings',
  async render(el, ctx) {
    const current = beginRender(el, ctx, 'restructurings');
    const date = ctx.asOf ?? ctx.today;
    const sources: Source[] = sourcesFor(ctx).map((s) => ({ ...s, after: null, hasNext: true }));
    const found = new Map<string, PendingRestructuring>();

    const loadMore = async () => {
      const pages = await Promise.all(
        sources
          .filter((s) => s.hasNext)
          .map(async (s) => {
            const page = (await ctx.gql<RestructuringsPage>(RESTRUCTURINGS_QUERY, { under: ctx.organizationId, status: s.status, from: s.from, first: PAGE, after: s.after })).restructurings;
            s.after = page.pageInfo.endCursor;
            s.hasNext = page.pageInfo.hasNextPage;
            return page.nodes;
          }),
      );
      for (const r of pages.flat()) if (pendingOn(r, date)) found.set(r.id, r);
    };

    try {
      await loadMore();
    } catch (err) {
      if (current()) replace(el, errorBox('restructurings', err, ctx.refresh));
      return;
    }
    if (!current()) return;

    const list = h('ul', { class: 'restructuring-list', 'data-testid': 'restructurings-list' });
    const count = h('p', { class: 'panel-note', 'data-testid': 'restructurings-count' });
    const more = h('div', { class: 'panel-more-row' });
    const draw = () => {
      const rows = [...found.values()].sort(compare);
      list.replaceChildren(...rows.map((r) => item(r, date)));
      count.dataset.count = String(rows.length);
      replace(count, `${fmtInt(rows.length)} sắp xếp đang chờ ngày ${fmtDate(date)} / pending on ${fmtDate(date)}`);
      replace(
        more,
        sources.some((s) => s.hasNext) &&
          moreButton('restructurings-more', async () => {
            try {
              await loadMore();
            } catch (err) {
              replace(more, errorBox('restructurings', err, ctx.refresh));
              return;
            }
            if (current()) draw();
          }),
      );
    };
    draw();
    if (found.size === 0 && !sources.some((s) => s.hasNext)) {
      replace(el, emptyBox('restructurings', `Không có sắp xếp tổ chức nào đang chờ ngày ${fmtDate(date)} / No restructuring pending on ${fmtDate(date)}.`));
      return;
    }
    replace(el, count, list, more);
  },
};

function item(r: PendingRestructuring, date: string): HTMLLIElement {
  const status = statusOn(r, date);
  // Organisations by role, in the enum's order; a rename shows its new name, a move where it goes.
  const roles = ['SOURCE', 'TARGET', 'MOVED', 'OLD_PARENT', 'NEW_PARENT'];
  const known = new Set(roles);
  const groups = [...roles, ...new Set(r.participants.map((p) => p.role).filter((x) => !known.has(x)))]
    .map((role) => ({ role, people: r.participants.filter((p) => p.role === role).sort((a, b) => collator.compare(a.organization.name, b.organization.name)) }))
    .filter((g) => g.people.length > 0);
  return h(
    'li',
    { class: 'restructuring', 'data-testid': 'restructuring-item', 'data-restructuring-id': r.id, 'data-kind': r.kind, 'data-status': status },
    h(
      'div',
      { class: 'restructuring-head' },
      h('span', { class: 'badge is-info', title: both(RESTRUCTURING_KINDS, r.kind) }, vi(RESTRUCTURING_KINDS, r.kind)),
      h('span', { class: `badge ${status === 'APPROVED' ? 'is-good' : 'is-warn'}`, title: both(RESTRUCTURING_STATUSES, status) }, vi(RESTRUCTURING_STATUSES, status)),
      h('strong', { class: 'restructuring-title' }, r.title),
    ),
    h(
      'div',
      { class: 'restructuring-dates muted' },
      'Hiệu lực / Effective: ',
      h('span', { 'data-testid': 'restructuring-effective' }, fmtDate(r.effectiveOn)),
      r.decisionNumber && ` · Quyết định / Decision ${r.decisionNumber}${r.decisionDate ? ` (${fmtDate(r.decisionDate)})` : ''}`,
    ),
    h(
      'dl',
      { class: 'restructuring-participants' },
      ...groups.flatMap((g) => [
        h('dt', { title: both(PARTICIPANT_ROLES, g.role) }, vi(PARTICIPANT_ROLES, g.role)),
        h(
          'dd',
          {},
          ...g.people.map((p) =>
            h(
              'div',
              { class: 'participant', 'data-role': g.role },
              h('span', { class: 'org-name', 'data-code': p.organization.code }, p.organization.name),
              p.created ? h('small', { class: 'muted' }, ' (mới / new)') : null,
              p.newName ? h('small', { class: 'muted' }, ` → ${p.newName}`) : null,
              g.role === 'MOVED' && p.newParent ? h('small', { class: 'muted' }, ` → ${p.newParent.name}`) : null,
            ),
          ),
        ),
      ]),
    ),
  );
}
