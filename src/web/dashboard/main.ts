/**
 * The dashboard's shell: the token, the viewer, the tree with drill-down and breadcrumb, the date (`asOf`) in the
 * URL hash, live updates, downloads, and the panels (panels/index.ts) rendered with the PanelContext of panel.ts.
 */
import { ApiError, download, gql, whenUnauthenticated } from './api';
import { dateField } from './datefield';
import { byId as $, h } from './dom';
import { fmtDate, fmtInt } from './format';
import { createPanelHost } from './host';
import { ROLES, vi } from './labels';
import { createLive, type LiveState } from './live';
import type { PanelContext, Role } from './panel';
import { PANELS } from './panels/index';
import { go, readRoute } from './route';
import { getToken, setToken } from './token';
import { loadMore, loadRoots, loadView, PAGE, renderBreadcrumb, renderRow, renderSummary, sortRows, type Page, type Row, type Shown } from './tree';
import { errorBox } from './ui';

interface Viewer { name: string; role: Role; scope: { canonicalId: string; code: string; name: string; asOf: string; ancestors: { code: string }[] } | null }

const state = {
  viewer: null as Viewer | null,
  /** Where the viewer starts: its scope's code, the one root's, or '*' (the list of roots). */
  home: '*',
  today: '',
  shown: null as Shown | null,
  rows: [] as Row[],
  page: null as Page | null,
  /** Ancestors of the viewer's scope: their names show, but they cannot be opened. */
  unreachable: new Set<string>(),
  generation: 0,
};

const panels = createPanelHost($('panels'), PANELS);

const LIVE_TEXT: Record<LiveState, string> = {
  off: '○ Chưa kết nối',
  connecting: '◌ Đang kết nối…',
  live: '● Trực tiếp',
  retrying: '◌ Mất kết nối, đang thử lại…',
  paused: '❙❙ Tạm dừng',
  denied: '⚠ Không nhận cập nhật trực tiếp',
};
const live = createLive({
  onChange: () => void render({ quiet: true }),
  onState: (s, detail) => {
    const el = $('live-state');
    el.dataset.state = s;
    el.textContent = LIVE_TEXT[s];
    el.title = detail ?? (s === 'live' ? 'Số liệu tự cập nhật khi có thay đổi / updates without reload' : '');
  },
});

function show(id: string, visible: boolean) {
  $(id).hidden = !visible;
}

function notice(text: string | null) {
  const el = $('notice');
  el.textContent = text ?? '';
  el.hidden = !text;
}

/**
 * The page's problem, above everything: a sentence, or an API error with its code and a way to try again (by itself
 * after the server's Retry-After for 429, 503 and the network). Null clears it.
 */
function problem(what: unknown, retry?: () => void) {
  const el = $('error');
  if (what === null) el.replaceChildren();
  else if (typeof what === 'string') el.replaceChildren(h('div', { class: 'state-error', role: 'alert', 'data-testid': 'page-problem' }, what));
  else el.replaceChildren(errorBox('page', what, retry));
  el.hidden = what === null;
}

function askForToken(error: string | null) {
  live.reset();
  show('token-panel', true);
  show('content', false);
  problem(null);
  const err = $('token-error');
  err.textContent = error ?? '';
  err.hidden = !error;
  $<HTMLInputElement>('token-input').value = getToken();
  $<HTMLInputElement>('token-input').focus();
}

whenUnauthenticated((err) => askForToken(err.message));

const BOOT = `query DashboardViewer {
  viewer { name role scope { canonicalId code name asOf ancestors { code } } }
  roots: organizations(first: 2, level: CENTRAL_COMMITTEE) { totalCount nodes { code asOf } }
}`;

/** Today in Vietnam, for when the server has told us nothing yet. */
const localToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());

async function boot() {
  if (!getToken()) return askForToken(null);
  let data: { viewer: Viewer; roots: { totalCount: number; nodes: { code: string; asOf: string }[] } };
  try {
    data = await gql(BOOT);
  } catch (err) {
    // A refused token asks for another (whenUnauthenticated); anything else says what and tries again.
    if ((err as ApiError).code !== 'UNAUTHENTICATED') problem(err, () => void boot());
    return;
  }
  problem(null);
  const { viewer, roots } = data;
  state.viewer = viewer;
  state.today = viewer.scope?.asOf ?? roots.nodes[0]?.asOf ?? localToday();
  state.home = viewer.scope?.code ?? (roots.totalCount === 1 ? roots.nodes[0].code : '*');
  state.unreachable = new Set(viewer.scope?.ancestors.map((a) => a.code) ?? []);
  const who = $('viewer');
  who.replaceChildren(h('b', {}, viewer.name), ` · ${vi(ROLES, viewer.role)} (${viewer.role})`, viewer.scope ? ` · ${viewer.scope.name}` : ' · toàn bộ / everything');
  who.title = who.textContent ?? '';
  who.hidden = false;
  asOfField.setMax(state.today);
  show('token-panel', false);
  show('content', true);
  $('foot').textContent = `Hôm nay / today: ${fmtDate(state.today)} · dữ liệu qua GraphQL API công khai (/graphql)`;
  await render();
}

/** Renders the view the hash names; `quiet`: a refresh of the same view (live event, a panel's write). */
async function render(opts: { quiet?: boolean } = {}) {
  if (!state.viewer) return;
  const generation = ++state.generation;
  const route = readRoute();
  const asOf = route.asOf && route.asOf !== state.today ? route.asOf : null;
  const code = route.org ?? state.home;
  // A quiet refresh is the same view: the date field keeps what the person may be typing.
  if (!opts.quiet) asOfField.set(asOf ?? state.today);
  notice(asOf ? `Đang xem số liệu tại ngày ${fmtDate(asOf)} — cây tổ chức và mọi con số như đã có vào cuối ngày đó. / As it stood at the end of ${fmtDate(asOf)}.` : null);
  document.body.classList.toggle('past', Boolean(asOf));
  if (!opts.quiet) $('content').setAttribute('aria-busy', 'true');
  let failed: unknown = null;
  try {
    if (code === '*') {
      const roots = await loadRoots(asOf);
      if (generation !== state.generation) return;
      paint(null, roots, asOf);
    } else {
      // A refresh reloads the rows already shown (a past date's roll-ups cost more: fewer at once, within the cost limit).
      const first = opts.quiet ? Math.min(asOf ? 60 : 100, Math.max(PAGE, state.rows.length)) : PAGE;
      let view = await loadView(code, asOf, first);
      let fallback: string | null = null;
      // Not in the tree on that date (merged into it later, or not yet founded): its nearest ancestor that was.
      if (asOf && (!view || (view.shown.depth === null && !view.shown.endedOn))) {
        const nearest = await nearestThen(code, asOf);
        if (nearest.view) ({ view, fallback } = nearest);
      }
      if (generation !== state.generation) return;
      paint(view?.shown ?? null, view?.children ?? null, asOf);
      if (!view) failed = `Không có tổ chức «${code}» trong phạm vi xem vào ngày ${fmtDate(asOf ?? state.today)}. / Not found on that date, or outside your scope.`;
      else if (fallback) notice(`«${fallback}» chưa có hoặc không còn trong cây vào ngày ${fmtDate(asOf)}: đang hiển thị cấp trên gần nhất khi đó. / Not in the tree on ${fmtDate(asOf)}: showing its nearest ancestor then.`);
    }
  } catch (err) {
    if (generation !== state.generation || (err as ApiError).code === 'UNAUTHENTICATED') return;
    failed = err;
  } finally {
    if (generation === state.generation) $('content').removeAttribute('aria-busy');
  }
  if (generation !== state.generation) return;
  problem(failed, () => void render());
  // What is shown stays (a refresh that failed keeps the numbers read before); the panels wait for the retry.
  if (failed && typeof failed !== 'string') return;
  // Live only for today's view of an organisation in today's tree (a past date or an ended one cannot change).
  const watched = !asOf && state.shown && state.shown.depth !== null ? state.shown.canonicalId : null;
  live.watch(watched, asOf ? 'ngày đã qua / a past date' : 'không có trong cây hôm nay / not in today’s tree');
  panels.render(state.shown ? panelContext(state.shown, asOf) : null);
  $('content').dataset.rendered = String(generation);
}

/** An organisation not in the tree on `asOf` (merged later, ended before): its nearest ancestor (today's path) that was. */
async function nearestThen(code: string, asOf: string): Promise<{ view: Awaited<ReturnType<typeof loadView>>; fallback: string | null }> {
  const today = await gql<{ organization: { name: string; ancestors: { code: string }[] } | null }>(
    `query DashboardPath($code: String!) { organization(code: $code) { name ancestors { code } } }`, { code });
  for (const ancestor of [...(today.organization?.ancestors ?? [])].reverse()) {
    if (state.unreachable.has(ancestor.code)) break;
    const view = await loadView(ancestor.code, asOf);
    if (view && view.shown.depth !== null) return { view, fallback: today.organization!.name };
  }
  return { view: null, fallback: null };
}

function paint(shown: Shown | null, children: Page | null, asOf: string | null) {
  state.shown = shown;
  state.page = children;
  state.rows = children?.rows ?? [];
  $('summary').replaceChildren(shown ? renderSummary(shown, asOf ?? state.today) : '');
  const home = state.viewer?.scope ? { code: state.viewer.scope.code, name: state.viewer.scope.name } : null;
  $('crumbs').replaceChildren(renderBreadcrumb(shown, asOf, state.unreachable, home));
  document.title = `${shown ? shown.name : 'Tiến độ đại hội'} — daihoi`;
  paintRows(asOf);
  for (const id of ['download-csv', 'download-xlsx']) $<HTMLButtonElement>(id).disabled = !shown;
}

function paintRows(asOf: string | null) {
  const list = $('children');
  const rows = sortRows(state.rows);
  list.replaceChildren(...rows.map((row) => renderRow(row, asOf)));
  if (state.page && state.page.totalCount === 0) list.append(h('li', { class: 'empty muted' }, 'Không có tổ chức cấp dưới vào ngày này. / No subordinates on this date.'));
  $('children-count').textContent = state.page ? `${fmtInt(rows.length)} / ${fmtInt(state.page.totalCount)}` : '';
  $('children-title').replaceChildren(state.shown ? 'Cấp dưới trực tiếp ' : 'Tổ chức gốc ', h('span', { class: 'muted' }, state.shown ? '/ Direct subordinates' : '/ Roots'));
  show('load-more', Boolean(state.page?.hasNextPage));
}

function panelContext(shown: Shown, asOf: string | null): PanelContext {
  const viewer = state.viewer!;
  return {
    gql,
    organizationId: shown.canonicalId,
    organizationName: shown.name,
    asOf,
    today: state.today,
    viewer: { role: viewer.role, scopeId: viewer.scope?.canonicalId ?? null },
    refresh: refreshSoon,
  };
}

/** One quiet refresh for every caller of this moment (several panels retrying at once, a write and a live event). */
let refreshQueued = false;
function refreshSoon() {
  if (refreshQueued) return;
  refreshQueued = true;
  queueMicrotask(() => {
    refreshQueued = false;
    void render({ quiet: true });
  });
}

async function more() {
  const page = state.page;
  if (!page?.endCursor) return;
  const route = readRoute();
  const asOf = route.asOf && route.asOf !== state.today ? route.asOf : null;
  const generation = state.generation;
  try {
    const next = state.shown ? await loadMore(state.shown.code, asOf, page.endCursor) : await loadRoots(asOf, page.endCursor);
    if (generation !== state.generation) return;
    state.rows = [...state.rows, ...next.rows];
    state.page = { ...next, rows: state.rows };
    paintRows(asOf);
  } catch (err) {
    if ((err as ApiError).code !== 'UNAUTHENTICATED') problem(err, () => void more());
  }
}

async function save(ext: 'csv' | 'xlsx') {
  const shown = state.shown;
  if (!shown) return;
  const asOf = readRoute().asOf;
  const query = new URLSearchParams({ under: shown.canonicalId, ...(asOf && asOf !== state.today ? { asOf } : {}) });
  const button = $<HTMLButtonElement>(`download-${ext}`);
  button.disabled = true;
  try {
    const name = await download(`/export/organizations.${ext}?${query}`, `to-chuc-${shown.code}-${asOf ?? state.today}.${ext}`);
    notice(`Đã tải / Downloaded: ${name}`);
  } catch (err) {
    // A download is never started again by itself: the box says when it may be.
    if ((err as ApiError).code !== 'UNAUTHENTICATED') problem(err);
  } finally {
    button.disabled = false;
  }
}

$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const token = $<HTMLInputElement>('token-input').value.trim().replace(/^Bearer\s+/i, '');
  if (!token) return;
  setToken(token);
  live.reset();
  void boot();
});
$('token-clear').addEventListener('click', () => {
  setToken('');
  state.viewer = null;
  $('viewer').hidden = true;
  askForToken(null);
});
$('token-open').addEventListener('click', () => askForToken(null));
// An empty date is today.
const asOfField = dateField($<HTMLInputElement>('as-of'), (iso) => go({ org: readRoute().org ?? state.home, asOf: iso && iso !== state.today ? iso : null }));
$('today').addEventListener('click', () => go({ org: readRoute().org ?? state.home, asOf: null }));
$('load-more').addEventListener('click', () => void more());
$('download-csv').addEventListener('click', () => void save('csv'));
$('download-xlsx').addEventListener('click', () => void save('xlsx'));
window.addEventListener('hashchange', () => void render());
// Back on the network: what failed meanwhile is read again at once.
window.addEventListener('online', () => {
  if (!$('error').hidden) void (state.viewer ? render({ quiet: true }) : boot());
});

void boot();
