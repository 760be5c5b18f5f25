import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page, type Route, type WebSocketRoute } from 'playwright-core';
import { seedDemo } from '../seeds/DemoSeeder';
import { issueDemoPrincipals, type DemoTokens } from '../src/access/access.demo';
import { systemViewer } from '../src/common/kernel';
import { collator } from '../src/web/dashboard/format';
import { projectRoot, webDist } from '../src/web/web.paths';
import { startTestApp, type TestApp } from './support/harness';

/**
 * The dashboard at `/` in a real browser (Debian's Chromium driven by playwright-core) on the demo data, as a person
 * would use it with the demo VIEWER token: the numbers it shows are the API's, drill-down, the date, live updates
 * without reload, the CSV download. Every request the page makes must stay on this machine. Functions that run in the
 * page reach its globals through `globalThis` (this file is type-checked without the DOM lib).
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = fs.existsSync(CHROMIUM);
/** Mid-campaign, so the tree has congresses in every stage (the demo holds what happened up to this day). */
const TODAY = '2025-05-01';
/** Every run saves its screenshots under dist/ (the window, and the whole page); `UPDATE_SCREENSHOT=1` also replaces the README's (src/web/dashboard.png). */
const SCREENSHOTS = [path.join(projectRoot(__dirname), 'dist', 'screenshots', 'dashboard.png'), ...(process.env.UPDATE_SCREENSHOT === '1' ? [path.join(projectRoot(__dirname), 'src', 'web', 'dashboard.png')] : [])];
const LOCAL = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** RFC 4180 records (quoted fields may hold commas, quotes doubled). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') record.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field), records.push(record), (record = []), (field = ''), i++;
    } else field += c;
  }
  if (field || record.length) record.push(field), records.push(record);
  return records;
}

if (!haveChromium && process.env.CI) {
  it('has Chromium to drive', () => {
    throw new Error(`${CHROMIUM} is missing: CI installs it (apt-get install -y chromium in .ci/run); set CHROMIUM_PATH to use another.`);
  });
} else if (!haveChromium) {
  console.warn(`test/web.dashboard.test.ts skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH). CI fails instead.`);
  it.skip(`the dashboard in a browser (skipped: no Chromium at ${CHROMIUM})`, () => undefined);
} else {
  describe('the dashboard in a browser', () => {
    let app: TestApp;
    let tokens: DemoTokens;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    /** Requests for anything not on this machine (aborted), and errors the page reported. */
    const outside: string[] = [];
    const problems: string[] = [];

    beforeAll(async () => {
      const built = path.join(webDist(), 'dashboard', 'index.html');
      if (!fs.existsSync(built)) throw new Error(`The dashboard is not built (${built}): run npm run build:web (npm test runs it first).`);
      app = await startTestApp({ today: TODAY });
      await seedDemo(app.orm, TODAY);
      const demo = await app.kernel.withTransaction({ operation: 'demoTokens', viewer: systemViewer('demo'), today: TODAY }, (tx) => issueDemoPrincipals(tx));
      if (!demo) throw new Error('the demo principals could not be made');
      tokens = demo;

      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', acceptDownloads: true });
      const origin = new URL(app.url).origin;
      await context.route('**/*', (route) => {
        const url = new URL(route.request().url());
        if (/^(https?|wss?):$/.test(url.protocol) && !LOCAL.has(url.hostname)) {
          outside.push(url.href);
          return route.abort('blockedbyclient');
        }
        // The token goes to the page's own origin only.
        if (route.request().headers().authorization && url.origin !== origin) outside.push(`the token to ${url.href}`);
        return route.continue();
      });
      // Anything the page's policy refuses (an inline script, handler or style) is a problem too.
      await context.addInitScript(() => {
        const g = globalThis as any;
        g.document.addEventListener('securitypolicyviolation', (e: any) => g.console.error(`CSP refused ${e.violatedDirective}: ${e.blockedURI} ${e.sample ?? ''}`));
      });
      page = await context.newPage();
      page.on('websocket', (ws) => {
        if (!LOCAL.has(new URL(ws.url()).hostname)) outside.push(ws.url());
      });
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await app?.close();
    });

    const asViewer = async <T = any>(query: string, variables?: Record<string, unknown>): Promise<T> => {
      const { body } = await app.gql<T>(query, variables, { as: tokens.VIEWER });
      expect(body.errors).toBeUndefined();
      return body.data as T;
    };
    const byId = (id: string) => page.getByTestId(id);
    const numberIn = async (el: Locator) => Number((await el.innerText()).replace(/[^\d]/g, ''));
    /** Waits until the page has rendered what the hash names (main.ts marks `data-rendered` after each view). */
    const settled = async () => {
      await page.waitForFunction(() => {
        const main = (globalThis as any).document.getElementById('content');
        return !!main && !main.hidden && !main.hasAttribute('aria-busy') && !!main.dataset.rendered;
      });
    };
    /** Waits until the page shows the organisation `code` (the view rendered). */
    const showing = async (code: string) => {
      await page.waitForFunction((c) => (globalThis as any).document.querySelector('[data-testid="org-code"]')?.textContent === c, code);
      await settled();
    };
    const hashIs = (hash: string) => page.waitForFunction((h) => (globalThis as any).location.hash === h, hash);
    const waitFor = async (what: string, ok: () => boolean | Promise<boolean>) => {
      for (let i = 0; i < 300; i++) {
        if (await ok()) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`gave up waiting for ${what}`);
    };

    const VIEW = `query($code: String!, $asOf: Date) { organization(code: $code, asOf: $asOf) {
      canonicalId name
      progress { organizations congressesExpected held overdue members upcoming(days: 30) atRisk { count } byStage { stage count } }
      children(first: 30) { totalCount nodes { code name progress { organizations congressesExpected held overdue atRisk { count } } } }
    } }`;

    /** The summary, each stage's count and every row on the page equal what the API answers for `code` on `asOf`. */
    async function expectPageShows(code: string, asOf: string | null) {
      const { organization: o } = await asViewer(VIEW, { code, asOf });
      await expect(byId('org-name').innerText()).resolves.toBe(o.name);
      await expect(byId('org-code').innerText()).resolves.toBe(code);
      const p = o.progress;
      const summary = {
        held: await numberIn(byId('summary-held')),
        expected: await numberIn(byId('summary-expected')),
        overdue: await numberIn(byId('summary-overdue')),
        risk: await numberIn(byId('summary-risk')),
        organizations: await numberIn(byId('summary-organizations')),
        members: await numberIn(byId('summary-members')),
        upcoming: await numberIn(byId('summary-upcoming')),
      };
      expect(summary).toEqual({
        held: p.held, expected: p.congressesExpected, overdue: p.overdue, organizations: p.organizations, members: p.members, upcoming: p.upcoming,
        risk: p.atRisk.reduce((n: number, r: { count: number }) => n + r.count, 0),
      });
      if (p.organizations > 0) {
        for (const { stage, count } of p.byStage as { stage: string; count: number }[]) expect([stage, await numberIn(byId(`stage-${stage}`))]).toEqual([stage, count]);
      }
      // Every child, in Vietnamese order, with its subtree's numbers.
      const nodes = [...o.children.nodes].sort((a: { name: string; code: string }, b: { name: string; code: string }) => collator.compare(a.name, b.name) || collator.compare(a.code, b.code));
      const rows = page.getByTestId('org-row');
      await expect(rows.count()).resolves.toBe(nodes.length);
      for (const [i, node] of nodes.entries()) {
        const row = rows.nth(i);
        await expect(row.getAttribute('data-code')).resolves.toBe(node.code);
        await expect(row.getByTestId('org-row-name').innerText()).resolves.toBe(node.name);
        if (node.progress.organizations > 0) {
          await expect(numberIn(row.getByTestId('row-held'))).resolves.toBe(node.progress.held);
          await expect(numberIn(row.getByTestId('row-expected'))).resolves.toBe(node.progress.congressesExpected);
        }
        await expect(numberIn(row.getByTestId('row-overdue'))).resolves.toBe(node.progress.overdue);
        await expect(numberIn(row.getByTestId('row-risk'))).resolves.toBe(node.progress.atRisk.reduce((n: number, r: { count: number }) => n + r.count, 0));
      }
      await expect(byId('children-count').innerText()).resolves.toBe(`${nodes.length} / ${o.children.totalCount}`);
      return o;
    }

    /** Records as held, through the API, the first congress under `under` that the Charter's rules let through today. */
    async function recordOneHeld(under: string): Promise<string | null> {
      const { body } = await app.gql(`query($u: ID!) { congresses(first: 20, under: $u, stage: APPROVED, to: "${TODAY}") { nodes { id version organization { code } } } }`, { u: under }, { as: tokens.ADMIN });
      for (const c of body.data.congresses.nodes as { id: string; version: number; organization: { code: string } }[]) {
        const r = await app.gql(
          `mutation($i: CongressRecordResultInput!) { congressRecordResult(input: $i) { congress { stage } userErrors { code } } }`,
          { i: { id: c.id, version: c.version, heldStart: TODAY, heldEnd: TODAY, committeeFormation: 'ELECTED' } },
          { as: tokens.ADMIN },
        );
        if (r.body.data?.congressRecordResult.userErrors.length === 0) return c.organization.code;
      }
      return null;
    }
    /** Moves, through the API, the first congress under `under` that may go from stage `from` to `to` today. */
    async function advanceOne(under: string, from: string, to: string): Promise<string | null> {
      const { body } = await app.gql(`query($u: ID!) { congresses(first: 20, under: $u, stage: ${from}) { nodes { id version organization { code } } } }`, { u: under }, { as: tokens.ADMIN });
      for (const c of body.data.congresses.nodes as { id: string; version: number; organization: { code: string } }[]) {
        const r = await app.gql(`mutation($i: CongressAdvanceInput!) { congressAdvance(input: $i) { userErrors { code } } }`, { i: { id: c.id, version: c.version, stage: to } }, { as: tokens.ADMIN });
        if (r.body.data?.congressAdvance.userErrors.length === 0) return c.organization.code;
      }
      return null;
    }
    const liveState = () => byId('live-state').getAttribute('data-state');
    const stateIs = (state: string) => page.waitForFunction((s) => (globalThis as any).document.querySelector('[data-testid="live-state"]')?.getAttribute('data-state') === s, state);
    /** Waits until every panel has rendered (none busy, none loading). */
    const panelsSettled = () =>
      page.waitForFunction(() => {
        const d = (globalThis as any).document;
        return d.querySelectorAll('.panel-body').length > 0 && !d.querySelector('.panel-body[aria-busy], .state-loading');
      });

    /** Opens the dashboard afresh (a new document, a new socket) at `hash`. */
    async function reopen(hash: string) {
      await page.goto('about:blank');
      await page.goto(`${app.url}/${hash}`);
    }

    /** Clicks the child row `code` and waits for its view. */
    async function drill(code: string) {
      await page.locator(`[data-testid="org-row"][data-code="${code}"] a`).click();
      await showing(code);
    }

    it('asks for the token, and says so plainly when it is refused (401)', async () => {
      await page.goto(`${app.url}/`);
      await expect(byId('token-panel').isVisible()).resolves.toBe(true);
      await expect(byId('app').isVisible()).resolves.toBe(false);
      await byId('token-input').fill('dh_not-a-real-token-not-a-real-token-not-a-re');
      await byId('token-save').click();
      await byId('token-error').waitFor({ state: 'visible' });
      await expect(byId('token-error').innerText()).resolves.toMatch(/Token không hợp lệ.*unknown, revoked or expired/s);
      // The browser logs the refused request itself; nothing else may have gone wrong.
      expect(problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
      problems.length = 0;

      await byId('token-input').fill(tokens.VIEWER);
      await byId('token-save').click();
      await settled();
      await expect(byId('viewer').innerText()).resolves.toMatch(/Demo viewer.*VIEWER.*Ban Chấp hành Trung ương Đảng/);
      await expect(page.evaluate(() => (globalThis as any).localStorage.getItem('daihoi.token'))).resolves.toBe(tokens.VIEWER);
      await expect(byId('token-panel').isVisible()).resolves.toBe(false);
    });

    it('starts at the scope, the root, with the numbers the API gives', async () => {
      await page.reload(); // the token is remembered
      await settled();
      await expect(page.locator('html').getAttribute('lang')).resolves.toBe('vi');
      const root = await expectPageShows('TW', null);
      expect(root.progress.organizations).toBeGreaterThan(50);
      await expect(byId('live-state').getAttribute('data-state')).resolves.toMatch(/live|connecting/);
    });

    it('drills down by click to a ministry committee, with its numbers; the hash and the back button follow', async () => {
      await drill('DCP');
      await expectPageShows('DCP', null);
      await drill('DBTC');
      const dbtc = await expectPageShows('DBTC', null);
      expect(dbtc.name).toBe('Đảng bộ Bộ Tài chính');
      expect(new URL(page.url()).hash).toBe('#org=DBTC');
      await expect(byId('breadcrumb').locator('li').allInnerTexts()).resolves.toEqual(['Ban Chấp hành Trung ương Đảng', 'Đảng bộ Chính phủ', 'Đảng bộ Bộ Tài chính']);
      await expect(byId('breadcrumb').getByTestId('crumb').count()).resolves.toBe(2); // the ancestors are links
      await page.goBack();
      await showing('DCP');
      await page.goForward();
      await showing('DBTC');
    });

    it('reads the tree as it stood on 2024-12-04: the Bloc and its 12 committees, before the 2025 mergers', async () => {
      // The date is typed dd/mm/yyyy whatever the browser's language; what is no date is refused on the spot.
      await expect(byId('as-of').inputValue()).resolves.toBe('01/05/2025');
      await byId('as-of').fill('31/02/2025');
      await byId('as-of').press('Enter');
      await expect(byId('as-of').getAttribute('aria-invalid')).resolves.toBe('true');
      expect(new URL(page.url()).hash).toBe('#org=DBTC');
      await byId('as-of').fill('04/12/2024');
      await byId('as-of').press('Enter');
      await hashIs('#org=DBTC&asOf=2024-12-04');
      await settled();
      // Đảng bộ Bộ Tài chính was formed in 2025: the page says so and shows its nearest ancestor of that day.
      await expect(byId('notice').innerText()).resolves.toMatch(/Đảng bộ Bộ Tài chính.*04\/12\/2024/);
      await expectPageShows('TW', '2024-12-04');
      await expect(byId('live-state').getAttribute('data-state')).resolves.toBe('paused');
      await drill('KCQTW');
      const bloc = await expectPageShows('KCQTW', '2024-12-04');
      expect(bloc.name).toBe('Đảng bộ Khối các cơ quan Trung ương');
      expect(bloc.children.totalCount).toBe(12);
      await expect(page.getByTestId('org-row').count()).resolves.toBe(12);
      await expect(page.getByTestId('org-row').allInnerTexts()).resolves.toEqual(expect.arrayContaining([expect.stringContaining('Đảng ủy Bộ Kế hoạch và Đầu tư')]));
      // A reload keeps the organisation and the date.
      await page.reload();
      await settled();
      await expect(byId('org-code').innerText()).resolves.toBe('KCQTW');
      await expect(byId('as-of').inputValue()).resolves.toBe('04/12/2024');
    });

    it('back to today, follows the page live: a congress recorded through the API changes its numbers without reload', async () => {
      await byId('today').click();
      await hashIs('#org=KCQTW');
      await settled();
      // The Bloc ended on 3 February 2025; the page names its successors.
      await expect(byId('lifetime').innerText()).resolves.toMatch(/Đã kết thúc hoạt động từ 03\/02\/2025/);
      await byId('lifetime').getByRole('link', { name: 'Đảng bộ Chính phủ' }).click();
      await showing('DCP');
      const before = await expectPageShows('DCP', null);
      await page.waitForFunction(() => (globalThis as any).document.querySelector('[data-testid="live-state"]')?.getAttribute('data-state') === 'live');
      await waitFor('the page to subscribe', () => app.live.hub.size === 1);
      await page.evaluate(() => ((globalThis as any).__sameDocument = true)); // gone if the page reloads or navigates away

      const recorded = await recordOneHeld(before.canonicalId);
      expect(recorded).not.toBeNull();

      await page.waitForFunction((held) => Number((globalThis as any).document.querySelector('[data-testid="summary-held"]')?.textContent) === held, before.progress.held + 1);
      await settled();
      const after = await expectPageShows('DCP', null);
      expect(after.progress.held).toBe(before.progress.held + 1);
      await expect(page.evaluate(() => (globalThis as any).__sameDocument)).resolves.toBe(true);
      await expect(byId('live-state').getAttribute('data-state')).resolves.toBe('live');
      // Every date on the page reads dd/mm/yyyy: none in the API's ISO form, the date field included.
      await panelsSettled();
      const text: string = await page.evaluate(() => (globalThis as any).document.body.innerText);
      expect(text.match(/\b\d{4}-\d{2}-\d{2}\b/g)).toBeNull();
      expect(text).toContain('01/05/2025');
      await expect(byId('as-of').inputValue()).resolves.toBe('01/05/2025');
      // No native date field shows its browser-ordered date: the calendar pickers are kept out of sight.
      await expect(page.locator('input[type="date"]:not(.date-picker)').count()).resolves.toBe(0);
      await expect(page.locator('input.date-picker:not([aria-hidden="true"][tabindex="-1"])').count()).resolves.toBe(0);
      // Basics a screen reader needs: every field named, every link a link, every bar with its numbers.
      const unnamed = await page.evaluate(() =>
        [...(globalThis as any).document.querySelectorAll('input, select, textarea, button')]
          .filter((el: any) => el.getAttribute('aria-hidden') !== 'true' && !el.closest('[hidden]'))
          .filter((el: any) => !(el.labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || (el.tagName === 'BUTTON' && el.textContent.trim())))
          .map((el: any) => el.outerHTML.slice(0, 80)),
      );
      expect(unnamed).toEqual([]);
      await expect(page.locator('a:not([href])').count()).resolves.toBe(0);
      const bars = page.getByRole('progressbar');
      expect(await bars.count()).toBeGreaterThan(1);
      for (const bar of await bars.all()) {
        for (const attr of ['aria-label', 'aria-valuenow', 'aria-valuemax', 'aria-valuetext']) expect([attr, await bar.getAttribute(attr)]).toEqual([attr, expect.any(String)]);
      }
      // A VIEWER decides nothing: the readiness reports have no decision column.
      await expect(page.getByTestId('readiness-table').count()).resolves.toBe(1);
      await expect(page.getByTestId('readiness-actions').count()).resolves.toBe(0);
      const shot = await page.screenshot({ path: SCREENSHOTS[0] });
      for (const file of SCREENSHOTS.slice(1)) fs.writeFileSync(file, shot);
      // The whole page too (the panels below the fold), for a look; not the README's.
      await page.screenshot({ path: SCREENSHOTS[0].replace(/\.png$/, '-full.png'), fullPage: true });
    });

    it('downloads the shown subtree as CSV: the header, then the organisation and every one below it', async () => {
      const { organization: dcp } = await asViewer(`{ organization(code: "DCP") { canonicalId progress { organizations held } } }`);
      const codes: string[] = [];
      for (let after: string | null = null; ; ) {
        const data: any = await asViewer(`query($u: ID!, $after: String) { organizations(first: 100, under: $u, after: $after) { pageInfo { hasNextPage endCursor } nodes { code } } }`, { u: dcp.canonicalId, after });
        codes.push(...data.organizations.nodes.map((n: { code: string }) => n.code));
        if (!data.organizations.pageInfo.hasNextPage) break;
        after = data.organizations.pageInfo.endCursor;
      }
      const [download] = await Promise.all([page.waitForEvent('download'), byId('download-csv').click()]);
      expect(download.suggestedFilename()).toBe(`organizations-DCP-${TODAY}.csv`);
      const text = fs.readFileSync((await download.path())!, 'utf8');
      expect(text.startsWith('\uFEFF')).toBe(true); // so Excel reads the Vietnamese right
      const [header, ...rows] = parseCsv(text.slice(1));
      expect(header.slice(0, 4)).toEqual(['code', 'name', 'level', 'parent.code']);
      expect(header).toEqual(expect.arrayContaining(['congress.stage', 'progress.held', 'progress.congressesExpected']));
      expect(rows.every((r) => r.length === header.length)).toBe(true);
      const rowCodes = rows.map((r) => r[0]);
      expect(rowCodes[0]).toBe('DCP');
      expect(rowCodes.slice(1).sort()).toEqual([...codes].sort());
      expect(rows.length).toBe(1 + dcp.progress.organizations);
      expect(rows[0][1]).toBe('Đảng bộ Chính phủ');
      expect(Number(rows[0][header.indexOf('progress.held')])).toBe(await numberIn(byId('summary-held')));
    });

    it('shows what the API says as text: names holding markup make no element and run nothing', async () => {
      const evil = '<img src=x data-xss onerror="globalThis.__xss=1"><script data-xss>globalThis.__xss=2</script>';
      const KEYS = new Set(['name', 'shortName', 'title', 'newName', 'returnReason', 'decisionNumber', 'message']);
      const poison = (v: unknown): unknown =>
        Array.isArray(v) ? v.map(poison)
          : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === 'string' && KEYS.has(k) ? `${x} ${evil}` : poison(x)]))
            : v;
      const handler = async (route: Route) => {
        const res = await route.fetch();
        await route.fulfill({ response: res, json: poison(await res.json()) });
      };
      await page.route('**/graphql', handler);
      try {
        await reopen('#org=DCP');
        await showing('DCP');
        await panelsSettled();
        await expect(byId('org-name').innerText()).resolves.toBe(`Đảng bộ Chính phủ ${evil}`);
        await expect(page.getByTestId('org-row-name').first().innerText()).resolves.toContain('<script data-xss>');
        await expect(byId('breadcrumb').innerText()).resolves.toContain('<img src=x');
        await expect(byId('viewer').innerText()).resolves.toContain('<img src=x');
        await expect(page.getByTestId('readiness-table').innerText()).resolves.toContain('<img src=x');
        await expect(page.locator('[data-xss], img[src="x"], script:not([src])').count()).resolves.toBe(0);
        await expect(page.evaluate(() => (globalThis as any).__xss)).resolves.toBeUndefined();
      } finally {
        await page.unroute('**/graphql', handler);
      }
      await reopen('#org=DCP');
      await showing('DCP');
    });

    it('says plainly when the API refuses for a while (429 with Retry-After, 503, no network) and recovers by itself', async () => {
      const cases = [
        { code: 'RATE_LIMITED', refuse: (r: Route) => r.fulfill({ status: 429, headers: { 'retry-after': '1' }, json: { errors: [{ message: 'The budget of 1000 points per minute is spent.', extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 1 } }] } }), text: /hạn mức.*Tự thử lại sau 1 giây/s },
        { code: 'SERVICE_UNAVAILABLE', refuse: (r: Route) => r.fulfill({ status: 503, headers: { 'retry-after': '1' }, json: { errors: [{ message: 'The database is unreachable.', extensions: { code: 'SERVICE_UNAVAILABLE' } }] } }), text: /không truy cập được cơ sở dữ liệu.*Tự thử lại sau 1 giây/s },
        { code: 'NETWORK', refuse: (r: Route) => r.abort('connectionrefused'), text: /Không kết nối được máy chủ.*Tự thử lại sau \d giây/s },
      ];
      await panelsSettled();
      for (const [i, c] of cases.entries()) {
        let refused = 0;
        // The view's own request is refused (the panels' are refused alike in their boxes).
        const handler = (route: Route) => (/DashboardView/.test(route.request().postData() ?? '') && refused++ === 0 ? c.refuse(route) : route.fallback());
        await page.route('**/graphql', handler);
        try {
          const code = i % 2 ? 'DCP' : 'DBTC';
          await page.evaluate((hash) => ((globalThis as any).location.hash = hash), `#org=${code}`);
          await byId('page-error').waitFor({ state: 'visible' });
          await expect(byId('page-error').getAttribute('data-code')).resolves.toBe(c.code);
          await expect(byId('page-error').innerText()).resolves.toMatch(c.text);
          await expect(byId('page-retry').isVisible()).resolves.toBe(true);
          if (i === 0) await page.screenshot({ path: SCREENSHOTS[0].replace(/\.png$/, '-error.png') });
          // Then, by itself, the view the address names, and the message gone.
          await showing(code);
          await byId('error').waitFor({ state: 'hidden' });
          await expectPageShows(code, null);
        } finally {
          await page.unroute('**/graphql', handler);
        }
      }
      // The browser logs the refused requests itself; nothing else went wrong.
      expect(problems.filter((p) => !/status of (?:429|503)|ERR_CONNECTION_REFUSED/.test(p))).toEqual([]);
      problems.length = 0;
    });

    it('reconnects the live updates when the connection drops, and catches up on what changed meanwhile', async () => {
      let down = false;
      const open: { page: WebSocketRoute; server: WebSocketRoute }[] = [];
      await page.routeWebSocket(/\/graphql$/, (ws) => {
        if (down) return ws.close({ code: 1012, reason: 'test: the server is restarting' });
        open.push({ page: ws, server: ws.connectToServer() });
      });
      await reopen('#org=TW'); // its socket now passes through the route
      await showing('TW');
      await stateIs('live');
      await waitFor('the page to subscribe', () => app.live.hub.size === 1);
      const { organization: before } = await asViewer(VIEW, { code: 'TW', asOf: null });
      await page.evaluate(() => ((globalThis as any).__sameDocument = true));

      down = true;
      // The page hears 1012 (Service Restart); the server, a plain close (a browser may send no other code).
      for (const ws of open.splice(0)) await Promise.all([ws.page.close({ code: 1012, reason: 'test: the server is restarting' }), ws.server.close()]);
      await stateIs('retrying');
      await waitFor('the server to drop the subscription', () => app.live.hub.size === 0);
      // A change while the page cannot hear of it: a congress's documents drafted.
      const drafted = (before.progress.byStage as { stage: string; count: number }[]).find((b) => b.stage === 'DOCUMENTS_DRAFTED')!.count;
      await expect(advanceOne(before.canonicalId, 'PLAN_ISSUED', 'DOCUMENTS_DRAFTED')).resolves.not.toBeNull();
      await expect(liveState()).resolves.toBe('retrying');

      down = false;
      await page.waitForFunction((n) => Number((globalThis as any).document.querySelector('[data-testid="stage-DOCUMENTS_DRAFTED"]')?.textContent) === n, drafted + 1);
      await stateIs('live');
      await settled();
      await expectPageShows('TW', null);
      await waitFor('the page to subscribe again', () => app.live.hub.size === 1);
      await expect(page.evaluate(() => (globalThis as any).__sameDocument)).resolves.toBe(true);
    });

    it('lets whoever may decide acknowledge a child’s report on the page; the decision column goes once nothing awaits one', async () => {
      await page.evaluate((t) => (globalThis as any).localStorage.setItem('daihoi.token', t), tokens.ADMIN);
      try {
        await reopen('#org=DCP');
        await showing('DCP');
        await panelsSettled();
        const waiting: string[] = await page.locator('[data-testid="readiness-row"][data-status="SUBMITTED"]').evaluateAll((rows) => rows.map((r: any) => r.getAttribute('data-code')));
        expect(waiting.length).toBeGreaterThan(0);
        await expect(page.getByTestId('readiness-actions').count()).resolves.toBe(1);
        await expect(page.getByTestId('readiness-acknowledge').count()).resolves.toBe(waiting.length);
        for (const code of waiting) {
          await page.locator(`[data-testid="readiness-acknowledge"][data-code="${code}"]`).click();
          await page.waitForFunction((c) => (globalThis as any).document.querySelector(`[data-testid="readiness-row"][data-code="${c}"]`)?.getAttribute('data-status') === 'ACKNOWLEDGED', code);
        }
        await panelsSettled();
        await expect(page.getByTestId('readiness-actions').count()).resolves.toBe(0);
        await expect(page.getByTestId('readiness-acknowledge').count()).resolves.toBe(0);
        const { body } = await app.gql(`{ organization(code: "DCP") { children(first: 50) { nodes { code readiness { status } } } } }`, {}, { as: tokens.ADMIN });
        for (const code of waiting) expect(body.data.organization.children.nodes.find((n: { code: string }) => n.code === code).readiness.status).toBe('ACKNOWLEDGED');
      } finally {
        await page.evaluate((t) => (globalThis as any).localStorage.setItem('daihoi.token', t), tokens.VIEWER);
      }
    });

    it('opens GraphiQL with the dashboard’s token in its headers, every file from this server', async () => {
      await page.goto(`${app.url}/graphiql`);
      await page.locator('.graphiql-container').waitFor({ state: 'visible' });
      await page.getByText('← Bảng điều khiển').waitFor({ state: 'visible' });
      await page.waitForFunction((t) => (globalThis as any).document.body.innerText.includes(t.slice(0, 12)), tokens.VIEWER);
      await expect(page.getByText('⚠ no token').count()).resolves.toBe(0);
    });

    it('loaded nothing from outside this machine and reported no error', () => {
      expect(outside).toEqual([]);
      expect(problems).toEqual([]);
    });
  });
}
