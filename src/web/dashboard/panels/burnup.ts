import uPlot from 'uplot';
import type { Panel } from '../panel';
import { pointsOf, planBurnup, trimTail, type BurnupPlan, type BurnupPoint, type DeadlineMarker } from './burnup.model';
import { BURNUP_SETUP_QUERY, BURNUP_TIMELINE_QUERY, type BurnupSetup, type BurnupTimeline } from './burnup.queries';
import { h, replace } from '../dom';
import { dayMs, fmtDate, fmtInt, fmtMonth, fmtPercent, isoOfMs } from '../format';
import { LEVELS, vi } from '../labels';
import { beginRender, emptyBox, errorBox } from '../ui';

/** The chart drawn in each panel element, destroyed when the element is drawn again. */
const charts = new WeakMap<HTMLElement, { plot: uPlot; observer: ResizeObserver | null }>();

const HEIGHT = 280;
/** The page's palette (style.css: --good, --muted, --bad, --focus). */
const COLORS = { held: '#2e7d32', heldFill: 'rgba(46,125,50,0.08)', expected: '#5f6670', deadline: '#c62828', date: '#1a5fd0' };
/** Least room between two x-axis labels, CSS px: a dd/mm/yyyy label is ~70 px wide at the axis' font. */
const X_LABEL_SPACE = 84;

const sec = (iso: string): number => dayMs(iso) / 1000;
const isoOfSec = (s: number): string => isoOfMs(s * 1000);

export const burnupPanel: Panel = {
  id: 'burnup',
  title: 'Tiến độ đại hội theo thời gian / Burn-up',
  async render(el, ctx) {
    const current = beginRender(el, ctx, 'burnup');
    const date = ctx.asOf ?? ctx.today;
    let plan: BurnupPlan | null;
    let points: BurnupPoint[];
    try {
      const setup = await ctx.gql<BurnupSetup>(BURNUP_SETUP_QUERY, { id: ctx.organizationId, asOf: ctx.asOf });
      plan = planBurnup(setup, date);
      if (!plan) {
        if (current()) show(el, emptyBox('burnup', `Không có đại hội nào phải tổ chức ngày ${fmtDate(date)} / No congress expected on ${fmtDate(date)}.`));
        return;
      }
      const { progress } = await ctx.gql<BurnupTimeline>(BURNUP_TIMELINE_QUERY, { id: ctx.organizationId, asOf: ctx.asOf, from: plan.from, to: plan.to, interval: plan.interval });
      points = trimTail(pointsOf(progress.timeline, plan.to), plan.deadlines.at(-1)?.date ?? null);
    } catch (err) {
      if (current()) show(el, errorBox('burnup', err, ctx.refresh));
      return;
    }
    if (!current()) return;

    const summary = h(
      'p',
      { class: 'burnup-summary' },
      'Đã tổ chức / Held: ',
      h('strong', { 'data-testid': 'burnup-held' }, fmtInt(plan.held)),
      ' / ',
      h('strong', { 'data-testid': 'burnup-expected' }, fmtInt(plan.expected)),
      ` (${fmtPercent(plan.heldRatio)}) · ngày / on ${fmtDate(date)}`,
    );
    const chart = h('div', {
      class: 'burnup-chart',
      'data-testid': 'burnup-chart',
      role: 'img',
      'aria-label': `Biểu đồ đại hội đã tổ chức theo thời gian: ${plan.held} / ${plan.expected} ngày ${fmtDate(date)}; số liệu trong bảng bên dưới. / Burn-up chart; the data table is below.`,
    });
    const legend = h(
      'ul',
      { class: 'burnup-deadlines', 'data-testid': 'burnup-deadlines' },
      ...plan.deadlines.map((d) =>
        h('li', { 'data-testid': 'burnup-deadline', 'data-date': d.date }, h('span', { class: 'marker' }), `Hạn / Deadline ${fmtDate(d.date)}: `, d.levels.map((l) => vi(LEVELS, l)).join(', ')),
      ),
    );
    show(el, summary, chart, legend, dataTable(points));
    draw(el, chart, plan, points, date);
  },
};

/** Replaces what the element shows, the chart drawn there before included. */
function show(el: HTMLElement, ...children: Node[]): void {
  dispose(el);
  replace(el, ...children);
}

function dispose(el: HTMLElement): void {
  const old = charts.get(el);
  if (!old) return;
  old.observer?.disconnect();
  old.plot.destroy();
  charts.delete(el);
}

function draw(el: HTMLElement, target: HTMLElement, plan: BurnupPlan, points: BurnupPoint[], date: string): void {
  const lastDeadline = plan.deadlines.at(-1)?.date ?? date;
  const end = points.length && points[points.length - 1].date > lastDeadline ? points[points.length - 1].date : lastDeadline;
  const xs = points.map((p) => sec(p.date));
  const held: (number | null)[] = points.map((p) => p.held);
  // The axis reaches the last deadline even when the data stops earlier (the date read is before it).
  if (!xs.length || xs[xs.length - 1] < sec(end)) {
    xs.push(sec(end));
    held.push(null);
  }
  const expected = xs.map(() => plan.expected);
  const width = Math.max(320, Math.floor(target.clientWidth || el.clientWidth || 640));
  const opts: uPlot.Options = {
    width,
    height: HEIGHT,
    // Dates are UTC midnights: read and label them in UTC, whatever the browser's time zone.
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    scales: {
      // A little room after the last deadline, so its marker and label are not on the edge.
      x: { time: true, range: (_u, min, max) => [min, max + Math.max(86_400, (max - min) * 0.03)] },
      y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(Math.max(max, plan.expected) * 1.08))] },
    },
    axes: [
      // Few enough labels never to overlap; month starts read as months (03/2025), other days dd/mm/yyyy.
      { space: X_LABEL_SPACE, values: (_u, splits) => xLabels(splits) },
      { values: (_u, splits) => splits.map((s) => fmtInt(s)) },
    ],
    series: [
      { label: 'Ngày / Date', value: (_u, v) => (v == null ? '—' : fmtDate(isoOfSec(v))) },
      { label: 'Đã tổ chức / Held', stroke: COLORS.held, width: 2, fill: COLORS.heldFill, points: { show: true, size: 5 }, spanGaps: false },
      { label: 'Phải tổ chức / Expected', stroke: COLORS.expected, width: 1.5, dash: [6, 4], points: { show: false } },
    ],
    // The series' names only: the numbers are in the summary above and in the data table below.
    legend: { live: false },
    plugins: [markers(plan.deadlines, date)],
  };
  const plot = new uPlot(opts, [xs, held, expected], target);
  const observer =
    typeof ResizeObserver === 'undefined'
      ? null
      : new ResizeObserver(() => {
          const w = Math.max(320, Math.floor(target.clientWidth));
          if (w && Math.abs(w - plot.width) > 4) plot.setSize({ width: w, height: HEIGHT });
        });
  observer?.observe(target);
  charts.set(el, { plot, observer });
}

/** The x-axis' labels: all month starts → mm/yyyy, else dd/mm/yyyy. */
function xLabels(splits: number[]): string[] {
  const days = splits.map(isoOfSec);
  const months = days.every((d) => d.endsWith('-01'));
  return days.map((d) => (months ? fmtMonth(d) : fmtDate(d)));
}

/** Vertical markers: the deadlines (red, dashed, labelled dd/mm/yyyy) and the date read (blue). */
function markers(deadlines: DeadlineMarker[], date: string): uPlot.Plugin {
  return {
    hooks: {
      draw: [
        (u) => {
          const c = u.ctx;
          const { top, height } = u.bbox;
          const dpr = uPlot.pxRatio;
          const line = (iso: string, color: string, label: string, dash: number[]) => {
            const x = Math.round(u.valToPos(sec(iso), 'x', true));
            if (x < u.bbox.left - 1 || x > u.bbox.left + u.bbox.width + 1) return;
            c.save();
            c.strokeStyle = color;
            c.lineWidth = 1.5 * dpr;
            c.setLineDash(dash.map((d) => d * dpr));
            c.beginPath();
            c.moveTo(x, top);
            c.lineTo(x, top + height);
            c.stroke();
            c.setLineDash([]);
            // The label runs down along the line, on its left (rotated: the glyphs' top faces the line), so close markers never overlap.
            c.fillStyle = color;
            c.font = `${10 * dpr}px system-ui, sans-serif`;
            c.translate(x - 3 * dpr, top + 4 * dpr);
            c.rotate(Math.PI / 2);
            c.textAlign = 'left';
            c.textBaseline = 'top';
            c.fillText(label, 0, 0);
            c.restore();
          };
          for (const d of deadlines) line(d.date, COLORS.deadline, `Hạn ${fmtDate(d.date)}`, [5, 3]);
          line(date, COLORS.date, fmtDate(date), []);
        },
      ],
    },
  };
}

function dataTable(points: BurnupPoint[]): HTMLElement {
  return h(
    'details',
    { class: 'burnup-data' },
    h('summary', {}, 'Số liệu / Data'),
    h(
      'table',
      { class: 'panel-table', 'data-testid': 'burnup-points' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Ngày / Date'), h('th', { scope: 'col' }, 'Đã tổ chức (lũy kế) / Held (cumulative)'))),
      h('tbody', {}, ...points.map((p) => h('tr', { 'data-date': p.date }, h('td', {}, fmtDate(p.date)), h('td', { class: 'num' }, fmtInt(p.held))))),
    ),
  );
}
