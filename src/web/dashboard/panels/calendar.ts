import type { Panel, PanelContext } from '../panel';
import { CALENDAR_QUERY, defaultWindow, exportUrl, type CalendarCongress, type CalendarPage, type CalendarWindow } from './calendar.queries';
import { download } from '../api';
import { dateField, type DateField } from '../datefield';
import { h, replace } from '../dom';
import { collator, fmtDate, fmtInt } from '../format';
import { both, LEVELS, RISKS, STAGES, vi } from '../labels';
import { emptyBox, errorBox, loadingBox, moreButton, takeTicket } from '../ui';

const PAGE = 25;

/** What one panel element holds across renders: the window chosen, its controls, and the view it last listed. */
interface CalendarState {
  window: CalendarWindow;
  /** The latest context (the controls' handlers read it). */
  ctx: PanelContext;
  form: HTMLFormElement;
  from: DateField;
  to: DateField;
  list: HTMLElement;
  /** Organisation, date and window last listed: the same again is a refresh, listed again without a flash. */
  listed: string | null;
  /** How many rows were shown ("more" included): a refresh lists as many again (up to a page of 100). */
  shown: number;
}
const states = new WeakMap<HTMLElement, CalendarState>();

const compare = (a: CalendarCongress, b: CalendarCongress): number =>
  (a.plannedStart ?? '9999').localeCompare(b.plannedStart ?? '9999') ||
  collator.compare(a.organization.name, b.organization.name) ||
  a.round - b.round;

export const calendarPanel: Panel = {
  id: 'calendar',
  title: 'Lịch đại hội / Congress calendar',
  async render(el, ctx) {
    const current = takeTicket(el);
    const st = states.get(el) ?? controls(el, ctx);
    st.ctx = ctx;
    // The window the viewer chose stays across organisations and refreshes; another date brings the default back.
    if (st.window.asOf !== ctx.asOf) {
      st.window = defaultWindow(ctx);
      st.from.set(st.window.from);
      st.to.set(st.window.to);
    }
    if (!el.contains(st.form)) replace(el, st.form, st.list);
    await load(st, current);
  },
};

/** The window's two dates, "show", the downloads: made once per element. */
function controls(el: HTMLElement, ctx: PanelContext): CalendarState {
  const initial = defaultWindow(ctx);
  const fromInput = h('input', { id: 'calendar-from', 'data-testid': 'calendar-from', required: true });
  const toInput = h('input', { id: 'calendar-to', 'data-testid': 'calendar-to', required: true });
  const note = h('div', { class: 'panel-note', 'data-testid': 'calendar-download-status', role: 'status' });
  const list = h('div', { class: 'calendar-list', 'data-testid': 'calendar-list' });
  const form = h(
    'form',
    { class: 'panel-controls', 'data-testid': 'calendar-window', 'aria-label': 'Khoảng ngày / Window' },
    h('label', { for: 'calendar-from' }, 'Từ / From'),
    fromInput,
    h('label', { for: 'calendar-to' }, 'Đến / To'),
    toInput,
    h('button', { type: 'submit', 'data-testid': 'calendar-apply' }, 'Xem / Show'),
    h('span', { class: 'panel-spacer' }),
    downloadButton('csv', 'CSV', 'Tải lịch của khoảng ngày này (CSV) / Download this window as CSV'),
    downloadButton('xlsx', 'Excel', 'Tải lịch của khoảng ngày này (Excel) / Download this window as XLSX'),
    note,
  );
  const from = dateField(fromInput, undefined, { required: true });
  const to = dateField(toInput, undefined, { required: true });
  from.set(initial.from);
  to.set(initial.to);
  const st: CalendarState = { window: initial, ctx, form, from, to, list, listed: null, shown: 0 };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const [f, t] = [from.get(), to.get()];
    if (!f || !t || f > t) {
      st.listed = null;
      replace(list, h('p', { class: 'state-error', 'data-testid': 'calendar-error', role: 'alert' }, 'Khoảng ngày không hợp lệ: "từ" phải trước hoặc bằng "đến" (dd/mm/yyyy). / Invalid window: "from" must be on or before "to".'));
      return;
    }
    st.window = { from: f, to: t, asOf: st.ctx.asOf };
    void load(st, takeTicket(el));
  });
  states.set(el, st);
  return st;

  function downloadButton(format: 'csv' | 'xlsx', label: string, title: string): HTMLButtonElement {
    const b = h('button', { type: 'button', class: 'secondary', 'data-testid': `calendar-download-${format}`, title, 'aria-label': title }, `↓ ${label}`);
    b.addEventListener('click', async () => {
      const win = st.window;
      b.disabled = true;
      replace(note, 'Đang tải xuống… / Downloading…');
      try {
        const name = await download(exportUrl(format, st.ctx.organizationId, win), `lich-dai-hoi_${win.from}_${win.to}.${format}`);
        replace(note, `Đã tải / Saved ${name}`);
      } catch (err) {
        replace(note, errorBox('calendar-download', err));
      } finally {
        b.disabled = false;
      }
    });
    return b;
  }
}

async function load(st: CalendarState, current: () => boolean): Promise<void> {
  const { list, ctx, window: w } = st;
  const view = `${ctx.organizationId}|${ctx.asOf ?? ''}|${w.from}|${w.to}`;
  const refresh = st.listed === view && list.hasChildNodes();
  if (!refresh) replace(list, loadingBox('calendar'));
  st.listed = view;
  const rows: CalendarCongress[] = [];
  let page: CalendarPage['congresses'];
  const fetchPage = async (after: string | null, first = PAGE) =>
    (await ctx.gql<CalendarPage>(CALENDAR_QUERY, { under: ctx.organizationId, from: w.from, to: w.to, asOf: ctx.asOf, first, after })).congresses;
  try {
    page = await fetchPage(null, refresh ? Math.min(100, Math.max(PAGE, st.shown)) : PAGE);
  } catch (err) {
    if (current()) replace(list, errorBox('calendar', err, ctx.refresh));
    return;
  }
  if (!current()) return;
  rows.push(...page.nodes);
  if (rows.length === 0) {
    st.shown = 0;
    replace(list, emptyBox('calendar', `Không có đại hội nào dự kiến từ ${fmtDate(w.from)} đến ${fmtDate(w.to)} / No congress planned in this window.`));
    return;
  }
  const tbody = h('tbody');
  const count = h('p', { class: 'panel-note', 'data-testid': 'calendar-count', 'data-total': page.totalCount });
  const more = h('div', { class: 'panel-more-row' });
  const draw = () => {
    st.shown = rows.length;
    rows.sort(compare);
    tbody.replaceChildren(...rows.map(row));
    replace(count, `${fmtInt(rows.length)} / ${fmtInt(page.totalCount)} đại hội / congresses · ${fmtDate(w.from)} – ${fmtDate(w.to)}`);
    replace(
      more,
      page.pageInfo.hasNextPage &&
        moreButton('calendar-more', async () => {
          try {
            page = await fetchPage(page.pageInfo.endCursor);
          } catch (err) {
            replace(more, errorBox('calendar', err, ctx.refresh));
            return;
          }
          if (!current()) return;
          rows.push(...page.nodes);
          draw();
        }),
    );
  };
  draw();
  replace(
    list,
    count,
    h(
      'table',
      { class: 'panel-table', 'data-testid': 'calendar-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col', title: 'Planned start (→ end)' }, 'Dự kiến / Planned'),
          h('th', { scope: 'col' }, 'Tổ chức · rủi ro / Organisation · risks'),
          h('th', { scope: 'col' }, 'Giai đoạn / Stage'),
          h('th', { scope: 'col' }, 'Hạn / Deadline'),
        ),
      ),
      tbody,
    ),
    more,
  );
}

function row(c: CalendarCongress): HTMLTableRowElement {
  const flags = [c.overdue && 'is-overdue', c.risks.length > 0 && 'is-risk'].filter(Boolean).join(' ');
  const badges = [
    c.overdue && h('span', { class: 'badge is-bad strong', title: 'Quá hạn / Overdue', 'data-risk': 'OVERDUE' }, 'Quá hạn'),
    ...c.risks.map((r) => h('span', { class: 'badge is-warn', title: both(RISKS, r), 'data-risk': r }, vi(RISKS, r))),
  ].filter(Boolean);
  return h(
    'tr',
    { class: flags || null, 'data-testid': 'calendar-row', 'data-congress-id': c.id, 'data-stage': c.stage, 'data-overdue': c.overdue, 'data-risks': c.risks.join(' ') },
    h(
      'td',
      { class: 'nowrap' },
      fmtDate(c.plannedStart),
      c.plannedEnd && c.plannedEnd !== c.plannedStart ? h('small', { class: 'muted block' }, `→ ${fmtDate(c.plannedEnd)}`) : null,
    ),
    h(
      'td',
      {},
      h('span', { class: 'org-name' }, c.organization.name),
      c.round > 1 && h('span', { class: 'badge is-info', title: 'Đại hội giữa nhiệm kỳ / Mid-term congress' }, 'Giữa nhiệm kỳ'),
      c.pilot && h('span', { class: 'badge is-info', title: 'Đại hội điểm / Pilot congress' }, 'Điểm'),
      h('small', { class: 'muted block' }, vi(LEVELS, c.organization.level), c.organization.parent && ` · ${c.organization.parent.name}`),
      badges.length > 0 && h('div', { class: 'badges' }, ...badges),
    ),
    h('td', { title: both(STAGES, c.stage) }, h('small', {}, vi(STAGES, c.stage))),
    h('td', { class: 'nowrap' }, fmtDate(c.deadline)),
  );
}
