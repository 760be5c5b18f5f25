import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { seedDemo } from '../seeds/DemoSeeder';
import { systemViewer } from '../src/common/kernel';
import { createLogger, silentLogger } from '../src/common/log';
import { CONGRESS_TABLE, ORGANIZATION_TABLE, type Cell, type Table } from '../src/export/export.columns';
import { writeCsv } from '../src/export/export.csv';
import { congressBatches, organizationBatches } from '../src/export/export.rows';
import { ClientConnection, ExportAborted } from '../src/export/export.stream';
import { writeXlsx } from '../src/export/export.xlsx';
import * as organizationRepository from '../src/organization/organization.repository';
import { loadSynthetic } from '../src/tools/synthetic';
import { globalId, startTestApp, type TestApp } from './support/harness';

/**
 * The exports (src/export) against a real server: every cell equals what the GraphQL API answers for the same field,
 * in the order of the list the README names; access, parameters and the budget answer as /graphql does.
 */

const TODAY = '2026-11-29';

// ---- What the API answers, as cells in the export's column order ----

const CONGRESS_FIELDS = 'stage mode plannedStart plannedEnd deadline heldStart heldEnd risks';
const ORG_ROW = `code name level parent { code } congress { ${CONGRESS_FIELDS} }
  progress { organizations congressesExpected held heldRatio overdue heldLate restructuringPending }`;

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const congressCells = (c: Json): Cell[] =>
  c ? [c.stage, c.mode, c.plannedStart, c.plannedEnd, c.deadline, c.heldStart, c.heldEnd, c.risks.length ? c.risks.join(';') : null] : Array(8).fill(null);

const orgCells = (n: Json): Cell[] => [
  n.code,
  n.name,
  n.level,
  n.parent?.code ?? null,
  ...congressCells(n.congress),
  n.progress.organizations,
  n.progress.congressesExpected,
  n.progress.held,
  n.progress.heldRatio,
  n.progress.overdue,
  n.progress.heldLate,
  n.progress.restructuringPending,
];

const calendarCells = (n: Json): Cell[] => [n.organization.code, n.organization.name, n.organization.level, n.round, ...congressCells(n)];

async function ok(app: TestApp, query: string, variables: Record<string, unknown>, as?: string): Promise<Json> {
  const { body } = await app.gql(query, variables, { as });
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** `organization(code:, asOf:)`, then every page of `organizations(under:, asOf:)`: the rows the organisation export must hold. */
async function apiOrganizations(app: TestApp, code: string, asOf: string | null, as?: string): Promise<Cell[][]> {
  const top = await ok(app, `query($code: String!, $asOf: Date) { organization(code: $code, asOf: $asOf) { id ${ORG_ROW} } }`, { code, asOf }, as);
  const rows = [orgCells(top.organization)];
  let after: string | null = null;
  for (;;) {
    const data: Json = await ok(
      app,
      `query($under: ID!, $asOf: Date, $after: String) { organizations(under: $under, asOf: $asOf, first: 50, after: $after) {
         pageInfo { hasNextPage endCursor } nodes { ${ORG_ROW} } } }`,
      { under: top.organization.id, asOf, after },
      as,
    );
    rows.push(...data.organizations.nodes.map(orgCells));
    if (!data.organizations.pageInfo.hasNextPage) return rows;
    after = data.organizations.pageInfo.endCursor;
  }
}

/** Every page of `congresses(under:, from:, to:, asOf:)`. */
async function apiCongresses(app: TestApp, under: string, v: { from?: string; to?: string; asOf?: string }, as?: string): Promise<Cell[][]> {
  const rows: Cell[][] = [];
  let after: string | null = null;
  for (;;) {
    const data: Json = await ok(
      app,
      `query($under: ID!, $from: Date, $to: Date, $asOf: Date, $after: String) {
         congresses(under: $under, from: $from, to: $to, asOf: $asOf, first: 100, after: $after) {
           pageInfo { hasNextPage endCursor } nodes { organization { code name level } round ${CONGRESS_FIELDS} } } }`,
      { under, ...v, after },
      as,
    );
    rows.push(...data.congresses.nodes.map(calendarCells));
    if (!data.congresses.pageInfo.hasNextPage) return rows;
    after = data.congresses.pageInfo.endCursor;
  }
}

// ---- The files ----

interface Download {
  status: number;
  headers: Headers;
  body: Buffer;
}

async function download(app: TestApp, path: string, params: Record<string, string>, token: string | null = app.adminToken): Promise<Download> {
  const url = new URL(`${app.url}/export/${path}`);
  for (const [k, v] of Object.entries(params)) url.searchParams.append(k, v);
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

const json = (d: Download) => JSON.parse(d.body.toString('utf8'));

/** RFC 4180, strictly: CRLF after every record (the last too), quotes doubled inside quoted fields, no bare line break. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') field += text[i++];
      else quoted = false;
    } else if (c === '"' && field === '' && !wasQuoted) {
      quoted = wasQuoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
      wasQuoted = false;
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      wasQuoted = false;
      i++;
    } else if (c === '\r' || c === '\n' || (c === '"' && field !== '')) {
      throw new Error(`not RFC 4180 at offset ${i}`);
    } else {
      field += c;
    }
  }
  if (quoted || field !== '' || row.length) throw new Error('the last record does not end with CRLF');
  return rows;
}

/** The CSV's rows (header first), after checking its BOM. */
function csvRows(d: Download): string[][] {
  expect(d.status).toBe(200);
  expect(d.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
  expect([...d.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  return parseCsv(d.body.subarray(3).toString('utf8'));
}

/** What the CSV must show for typed cells: null empty, numbers as JavaScript prints them, names starting like a formula guarded. */
const asCsv = (table: Table, rows: Cell[][]): string[][] => [
  table.columns.map((c) => c.header),
  ...rows.map((cells) => cells.map((cell, i) => (cell === null ? '' : table.columns[i].userText && /^[=+\-@\t\r]/.test(String(cell)) ? `'${cell}` : String(cell)))),
];

/** The XLSX's one sheet as typed cells (dates back to YYYY-MM-DD), header first. */
async function xlsxRows(d: Download, table: Table): Promise<unknown[][]> {
  expect(d.status).toBe(200);
  expect(d.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(d.body as unknown as ArrayBuffer);
  expect(workbook.worksheets.map((w) => w.name)).toEqual([table.name]);
  const out: unknown[][] = [];
  workbook.worksheets[0].eachRow({ includeEmpty: true }, (row) => {
    const values = (row.values as unknown[]).slice(1);
    out.push(
      table.columns.map((c, i) => {
        const v = values[i];
        if (v === undefined || v === null) return null;
        if (v instanceof Date) {
          expect(c.kind).toBe('date');
          return v.toISOString().slice(0, 10);
        }
        return v;
      }),
    );
  });
  return out;
}

const asXlsx = (table: Table, rows: Cell[][]) => [table.columns.map((c) => c.header), ...rows];

async function idOf(app: TestApp, code: string): Promise<string> {
  const [row] = await app.readBack<{ id: string }>(`select id from organization where code = $1`, [code]);
  return row.id;
}

// ---- The demo ----

describe('exports of the demo', () => {
  let app: TestApp;
  let tw: string;
  beforeAll(async () => {
    app = await startTestApp({ today: TODAY });
    await seedDemo(app.orm, TODAY);
    tw = globalId('Organization', await idOf(app, 'TW'));
  });
  afterAll(() => app?.close());

  it('the CSV of the whole tree equals the API row for row and cell for cell: TW, then organizations(under: TW) in its order', async () => {
    const expected = await apiOrganizations(app, 'TW', null);
    expect(expected.length).toBeGreaterThan(50);
    const d = await download(app, 'organizations.csv', { under: tw });
    expect(d.headers.get('content-disposition')).toBe(`attachment; filename="organizations-TW-${TODAY}.csv"; filename*=UTF-8''organizations-TW-${TODAY}.csv`);
    expect(d.headers.get('cache-control')).toBe('private, no-store');
    const rows = csvRows(d);
    expect(rows).toEqual(asCsv(ORGANIZATION_TABLE, expected));
    // Vietnamese arrives whole (UTF-8), and the columns hold what they say.
    expect(rows.map((r) => r[1])).toContain('Đảng bộ Bộ Tài chính');
    expect(rows[1].slice(0, 4)).toEqual(['TW', expected[0][1], 'CENTRAL_COMMITTEE', '']);
  });

  it('the XLSX parses back (exceljs) to the same typed rows', async () => {
    const expected = await apiOrganizations(app, 'TW', null);
    const d = await download(app, 'organizations.xlsx', { under: tw, asOf: TODAY });
    expect(d.headers.get('content-disposition')).toBe(`attachment; filename="organizations-TW-${TODAY}.xlsx"; filename*=UTF-8''organizations-TW-${TODAY}.xlsx`);
    expect(await xlsxRows(d, ORGANIZATION_TABLE)).toEqual(asXlsx(ORGANIZATION_TABLE, expected));
  });

  it('the congress calendar of a window equals congresses(under:, from:, to:), today and as it stood on a past date', async () => {
    const windows: Record<string, string>[] = [{ from: '2025-04-01', to: '2025-09-30' }, { from: '2025-03-01', to: '2025-06-30', asOf: '2025-04-15' }, {}];
    for (const v of windows) {
      const expected = await apiCongresses(app, tw, v);
      expect(expected.length).toBeGreaterThan(5);
      const csv = csvRows(await download(app, 'congresses.csv', { under: tw, ...v }));
      expect(csv).toEqual(asCsv(CONGRESS_TABLE, expected));
      expect(await xlsxRows(await download(app, 'congresses.xlsx', { under: tw, ...v }), CONGRESS_TABLE)).toEqual(asXlsx(CONGRESS_TABLE, expected));
    }
    const named = await download(app, 'congresses.csv', { under: tw, from: '2025-04-01', to: '2025-09-30', asOf: '2025-04-15' });
    expect(named.headers.get('content-disposition')).toContain('filename="congresses-TW-2025-04-01_2025-09-30-2025-04-15.csv"');
  });

  it('asOf in the past gives the tree as it stood (before the 2025 mergers and renames), as the API does on that date', async () => {
    const asOf = '2025-01-15';
    const expected = await apiOrganizations(app, 'TW', asOf);
    const rows = csvRows(await download(app, 'organizations.csv', { under: tw, asOf }));
    expect(rows).toEqual(asCsv(ORGANIZATION_TABLE, expected));
    const codes = rows.map((r) => r[0]);
    expect(codes).toContain('KCQTW'); // the Bloc, ended on 3 February 2025
    expect(codes).not.toContain('DCP'); // established then
    expect(codes).not.toContain('DBTC'); // the merger of 1 March 2025
    const now = csvRows(await download(app, 'organizations.csv', { under: tw }));
    expect(now.map((r) => r[0])).toContain('DBTC');
    // The renamed committee answers its old name on the old date.
    const nameOn = (table: string[][]) => table.find((r) => r[0] === 'BTC-TCT')?.[1];
    expect(nameOn(rows)).not.toEqual(nameOn(now));
    expect(nameOn(now)).toBe('Đảng ủy Cục Thuế');
    expect(await xlsxRows(await download(app, 'organizations.xlsx', { under: tw, asOf }), ORGANIZATION_TABLE)).toEqual(asXlsx(ORGANIZATION_TABLE, expected));
  });

  it('a scoped VIEWER exports its subtree only; outside it (or not in the tree on the date) is 404 as an unknown object', async () => {
    const dbtc = await idOf(app, 'DBTC');
    const viewer = await app.principal('VIEWER', dbtc);
    const outside = await download(app, 'organizations.csv', { under: tw }, viewer);
    expect(outside.status).toBe(404);
    expect(outside.headers.get('content-disposition')).toBeNull();
    const unknownRoute = await download(app, 'organisations.csv', { under: tw }, viewer);
    expect(unknownRoute.status).toBe(404);
    expect(json(unknownRoute)).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'NOT_FOUND' } }] });
    expect(json(outside)).toEqual({ errors: [{ message: `No organisation with that id in the tree on ${TODAY}.`, extensions: { code: 'NOT_FOUND', argument: 'under' } }] });
    // An organisation that does not exist at all answers the same.
    const ghost = await download(app, 'organizations.csv', { under: globalId('Organization', '00000000-0000-4000-8000-000000000001') }, viewer);
    expect([ghost.status, json(ghost)]).toEqual([404, json(outside)]);
    // Its scope before the merger that made it: not in the tree then.
    expect((await download(app, 'organizations.csv', { under: globalId('Organization', dbtc), asOf: '2025-01-15' }, viewer)).status).toBe(404);
    expect((await download(app, 'congresses.xlsx', { under: tw }, viewer)).status).toBe(404);

    const inside = csvRows(await download(app, 'organizations.csv', { under: globalId('Organization', dbtc) }, viewer));
    const expected = await apiOrganizations(app, 'DBTC', null, viewer);
    expect(inside).toEqual(asCsv(ORGANIZATION_TABLE, expected));
    expect(inside.length - 1).toBe(1 + (expected[0][12] as number)); // itself and its progress { organizations }
    expect(inside.length).toBeLessThan(csvRows(await download(app, 'organizations.csv', { under: tw })).length);
    const calendar = csvRows(await download(app, 'congresses.csv', { under: globalId('Organization', dbtc) }, viewer));
    expect(calendar).toEqual(asCsv(CONGRESS_TABLE, await apiCongresses(app, globalId('Organization', dbtc), {}, viewer)));
  });

  it('no token is 401 as at /graphql; bad parameters are 400 BAD_USER_INPUT naming the parameter', async () => {
    const none = await download(app, 'organizations.csv', { under: tw }, null);
    const graphql = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ viewer { name } }' }) });
    expect(none.status).toBe(401);
    expect(graphql.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe(graphql.headers.get('www-authenticate'));
    const graphqlError = ((await graphql.json()) as Json).errors[0];
    expect(json(none)).toEqual({ errors: [{ message: graphqlError.message, extensions: { code: 'UNAUTHENTICATED' } }] });
    expect((await download(app, 'organizations.csv', { under: tw }, 'dh_nottoken')).status).toBe(401);
    // HEAD: the same checks and headers, no rows read, nothing spent.
    const head = await fetch(`${app.url}/export/organizations.xlsx?under=${tw}`, { method: 'HEAD', headers: { authorization: `Bearer ${app.adminToken}` } });
    expect([head.status, head.headers.get('content-disposition')?.split(';')[1]]).toEqual([200, ` filename="organizations-TW-${TODAY}.xlsx"`]);
    expect((await fetch(`${app.url}/export/organizations.xlsx?under=${tw}`, { method: 'HEAD' })).status).toBe(401);

    const bad: [string, Record<string, string>, string][] = [
      ['organizations.csv', { under: tw, asOf: '2025-13-01' }, 'asOf'],
      ['organizations.xlsx', { under: tw, asOf: '15/04/2025' }, 'asOf'],
      ['organizations.csv', {}, 'under'],
      ['organizations.csv', { under: 'nope' }, 'under'],
      ['organizations.csv', { under: globalId('Congress', '00000000-0000-4000-8000-000000000001') }, 'under'],
      ['organizations.csv', { under: tw, from: '2025-01-01' }, 'from'],
      ['congresses.csv', { under: tw, from: '2025-06-01', to: '2025-05-01' }, 'to'],
      ['congresses.csv', { under: tw, to: 'tomorrow' }, 'to'],
    ];
    for (const [path, params, argument] of bad) {
      const d = await download(app, path, params);
      expect([path, params, d.status, json(d).errors[0].extensions]).toEqual([path, params, 400, { code: 'BAD_USER_INPUT', argument }]);
    }
    const twice = await fetch(`${app.url}/export/organizations.csv?under=${tw}&under=${tw}`, { headers: { authorization: `Bearer ${app.adminToken}` } });
    expect([twice.status, ((await twice.json()) as Json).errors[0].extensions]).toEqual([400, { code: 'BAD_USER_INPUT', argument: 'under' }]);
  });
});

// ---- A synthetic tree: several batches ----

describe('exports of a larger tree, in batches', () => {
  let app: TestApp;
  let root: { id: string; code: string };
  let ministry: { id: string; code: string };
  beforeAll(async () => {
    app = await startTestApp({ today: TODAY });
    await app.write((tx) => loadSynthetic(tx, { orgs: 2500, seed: 7, today: TODAY }), { operation: 'seedSynthetic', treeLock: 'exclusive' });
    [root] = await app.readBack<{ id: string; code: string }>(`select id, code from organization where level = 'CENTRAL_COMMITTEE'`);
    [ministry] = await app.readBack<{ id: string; code: string }>(
      `select o.id, o.code from organization o join organization_placement p on p.parent_id = o.id and p.valid_to is null
        where o.level = 'ABOVE_BASE' group by o.id, o.code order by count(*) desc, o.code limit 1`,
    );
    // Names a spreadsheet would take for a formula, and one that needs quoting.
    const [base] = await app.readBack<{ id: string }>(`select id from organization where level = 'BASE_COMMITTEE' order by code limit 1`);
    await app.tree({ code: 'X-EQ', name: '=HYPERLINK("http://x")', level: 'CELL', members: 5 }, base.id, '2020-01-01');
    await app.tree({ code: 'X-AT', name: '@SUM(1)', level: 'CELL', members: 5 }, base.id, '2020-01-01');
    await app.tree({ code: 'X-Q', name: 'Chi bộ "Ngân hàng", số 1', level: 'CELL', members: 5 }, base.id, '2020-01-01');
  });
  afterAll(() => app?.close());

  it('the root (walking the name index, 3 batches) and a ministry (its subtree sorted) equal the API, CSV and XLSX', async () => {
    const pages = jest.spyOn(organizationRepository, 'filterPage');
    try {
      for (const [org, reading, batches] of [[root, 'walk', 3], [ministry, 'subtree', 1]] as const) {
        const expected = await apiOrganizations(app, org.code, null);
        const under = globalId('Organization', org.id);
        pages.mockClear();
        expect(csvRows(await download(app, 'organizations.csv', { under }))).toEqual(asCsv(ORGANIZATION_TABLE, expected));
        expect(pages.mock.calls.map(([, q]) => [q.under, q.reading, q.first])).toEqual(
          Array.from({ length: batches }, (_, i) => [org.id, reading, i === 0 ? 999 : 1000]),
        );
        expect(await xlsxRows(await download(app, 'organizations.xlsx', { under }), ORGANIZATION_TABLE)).toEqual(asXlsx(ORGANIZATION_TABLE, expected));
      }
    } finally {
      pages.mockRestore();
    }
    const expected = await apiOrganizations(app, root.code, null);
    expect(expected.length).toBe(2503);
  });

  it('guards names a spreadsheet would run as formulas (CSV only: XLSX cells are typed) and quotes the rest per RFC 4180', async () => {
    const under = globalId('Organization', root.id);
    const d = await download(app, 'organizations.csv', { under });
    const rows = parseCsv(d.body.subarray(3).toString('utf8'));
    const name = (code: string) => rows.find((r) => r[0] === code)?.[1];
    expect(name('X-EQ')).toBe(`'=HYPERLINK("http://x")`);
    expect(name('X-AT')).toBe(`'@SUM(1)`);
    expect(name('X-Q')).toBe('Chi bộ "Ngân hàng", số 1');
    expect(d.body.toString('utf8')).toContain('"Chi bộ ""Ngân hàng"", số 1"');
    const sheet = await xlsxRows(await download(app, 'organizations.xlsx', { under }), ORGANIZATION_TABLE);
    expect(sheet.find((r) => r[0] === 'X-EQ')?.[1]).toBe('=HYPERLINK("http://x")');
  });

  it('a first batch that fails is the API\'s JSON error (a statement timeout: 503); a later one cuts the connection, never a file that looks whole', async () => {
    const under = globalId('Organization', root.id);
    const timeout = () => Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014', severity: 'ERROR' });
    const filterPage = organizationRepository.filterPage;
    const pages = jest.spyOn(organizationRepository, 'filterPage');
    try {
      for (const format of ['csv', 'xlsx']) {
        pages.mockRejectedValueOnce(timeout());
        const d = await download(app, `organizations.${format}`, { under });
        expect([d.status, d.headers.get('content-disposition'), json(d).errors[0].extensions.code]).toEqual([503, null, 'SERVICE_UNAVAILABLE']);
        expect(d.headers.get('retry-after')).not.toBeNull();
      }
      for (const format of ['csv', 'xlsx']) {
        let calls = 0;
        pages.mockImplementation(async (...a) => {
          if (++calls === 2) throw timeout();
          return filterPage(...a);
        });
        const res = await fetch(`${app.url}/export/organizations.${format}?under=${under}`, { headers: { authorization: `Bearer ${app.adminToken}` } });
        expect(res.status).toBe(200);
        await expect(res.arrayBuffer()).rejects.toThrow();
        pages.mockReset();
      }
    } finally {
      pages.mockRestore();
    }
  });

  it('batches of any size give the same rows; each batch passes the gate first, and a closed gate reads nothing more', async () => {
    const deps = { orm: app.orm, kernel: app.kernel, logger: silentLogger };
    const caller = { viewer: systemViewer('test'), today: TODAY };
    const collect = async (batches: AsyncIterable<Cell[][]>) => {
      const sizes: number[] = [];
      const rows: Cell[][] = [];
      for await (const b of batches) {
        sizes.push(b.length);
        rows.push(...b);
      }
      return { sizes, rows };
    };
    const gates: number[] = [];
    const whole = await collect(organizationBatches(deps, caller, { under: ministry.id, date: TODAY }, async () => undefined));
    const small = await collect(organizationBatches(deps, caller, { under: ministry.id, date: TODAY }, async (i) => void gates.push(i), 7));
    expect(small.rows).toEqual(whole.rows);
    expect(whole.sizes).toEqual([whole.rows.length]);
    expect(small.sizes.slice(0, -1).every((n) => n === 7)).toBe(true);
    expect(gates).toEqual(small.sizes.map((_, i) => i));

    const window = { under: root.id, date: TODAY, from: null, to: null };
    const calendar = await collect(congressBatches(deps, caller, window, async () => undefined));
    const calendarSmall = await collect(congressBatches(deps, caller, window, async () => undefined, 333));
    expect(calendar.rows.length).toBeGreaterThan(1000);
    expect(calendarSmall.rows).toEqual(calendar.rows);
    expect(calendar.sizes.length).toBeGreaterThan(1);
    expect(csvRows(await download(app, 'congresses.csv', { under: globalId('Organization', root.id) }))).toEqual(asCsv(CONGRESS_TABLE, calendar.rows));

    // A gate that refuses (the client went away) stops the reading: no batch after it is read.
    let read = 0;
    const stopped = (async () => {
      for await (const _ of organizationBatches(deps, caller, { under: root.id, date: TODAY }, async (i) => { if (i === 2) throw new Error('gone'); }, 100)) read++;
    })();
    await expect(stopped).rejects.toThrow('gone');
    expect(read).toBe(2);
  });
});

// ---- The budget ----

describe('exports spend the GraphQL budget', () => {
  let app: TestApp;
  let lines: { msg?: string; export?: string }[];
  let root: string;
  let small: string;
  beforeAll(async () => {
    lines = [];
    app = await startTestApp({ today: TODAY, limits: { costBudgetPerMinute: 150 }, logger: createLogger('info', { write: (l: string) => void lines.push(JSON.parse(l)) }) });
    await app.write((tx) => loadSynthetic(tx, { orgs: 1200, seed: 3, today: TODAY }), { operation: 'seedSynthetic', treeLock: 'exclusive' });
    const [r] = await app.readBack<{ id: string }>(`select id from organization where level = 'CENTRAL_COMMITTEE'`);
    const [s] = await app.readBack<{ id: string }>(`select id from organization where level = 'BASE_COMMITTEE' order by code limit 1`);
    root = globalId('Organization', r.id);
    small = globalId('Organization', s.id);
  });
  afterAll(() => app?.close());

  it('a batch costs 100 points (1,000 on another date); refused 429 before anything is sent once the budget cannot pay, and GraphQL is refused too', async () => {
    const token = await app.principal('ADMIN', null, { name: 'exporter' });
    const first = await download(app, 'organizations.csv', { under: small }, token);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-export-batch-price')).toBe('100');
    const second = await download(app, 'organizations.csv', { under: small }, token); // 50 points left
    expect(second.status).toBe(429);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(second.headers.get('content-disposition')).toBeNull();
    expect(json(second).errors[0].extensions).toEqual({ code: 'RATE_LIMITED', resetAt: expect.any(String), retryAfterSeconds: expect.any(Number) });
    // The same budget: the principal's GraphQL requests are refused until the window starts afresh.
    expect((await app.gql('{ viewer { name } }', {}, { as: token })).status).toBe(429);

    // On a date other than today a batch costs 1,000 points: more than this budget holds.
    const other = await app.principal('ADMIN', null, { name: 'historian' });
    const past = await download(app, 'organizations.csv', { under: small, asOf: '2026-01-01' }, other);
    expect([past.status, json(past).errors[0].extensions.code]).toEqual([429, 'RATE_LIMITED']);
    const calendar = await download(app, 'congresses.xlsx', { under: small, asOf: '2026-01-01' }, await app.principal('ADMIN', null, { name: 'planner' }));
    expect([calendar.status, calendar.headers.get('x-export-batch-price')]).toEqual([200, '100']);
  });

  it('an export whose budget runs out waits for the next window; a client that goes away meanwhile stops it', async () => {
    const token = await app.principal('ADMIN', null, { name: 'impatient' });
    const controller = new AbortController();
    const res = await fetch(`${app.url}/export/organizations.csv?under=${root}`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    // The first batch (1,000 rows) arrives; the second waits for budget (50 points left of 150, it costs 100).
    let text = '';
    while ((text.match(/\r\n/g) ?? []).length < 1001) text += Buffer.from((await reader.read()).value!).toString('utf8');
    expect(text.startsWith('\ufeffcode,name,level,parent.code,')).toBe(true);
    // Meanwhile its other requests are refused: the window is spent.
    expect((await app.gql('{ viewer { name } }', {}, { as: token })).status).toBe(429);
    controller.abort();
    for (let i = 0; i < 100 && !lines.some((l) => l.msg === 'export stopped: the client went away'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(lines.filter((l) => l.msg === 'export stopped: the client went away')).toHaveLength(1);
    expect(lines.some((l) => l.msg === 'export sent' && l.export === 'organizations' && (l as { rows?: number }).rows === 1201)).toBe(false);
  });
});

// ---- Backpressure ----

describe('backpressure', () => {
  it.each(['csv', 'xlsx'] as const)('%s: a response that takes no more bytes stops the reading of batches; a closed one stops the export', async (format) => {
    let taken = 0;
    let pulled = 0;
    let stuck = false;
    // A client that reads 1 MB and then nothing.
    const res = new Writable({
      highWaterMark: 16384,
      write(chunk: Buffer, _encoding, callback) {
        taken += chunk.length;
        if (taken < 1_000_000) callback();
        else stuck = true;
      },
    });
    const conn = new ClientConnection(res as unknown as ServerResponse);
    async function* batches(): AsyncGenerator<Cell[][]> {
      for (let b = 0; b < 300; b++) {
        pulled++;
        yield Array.from({ length: 1000 }, (_, i) => [
          `C${b}-${i}`, `Chi bộ số ${i} Đảng bộ ${b}`, 'CELL', `B${b}`, 'HELD', 'FULL', '2025-04-01', '2025-04-02', '2025-06-30', '2025-04-01', '2025-04-02',
          'STUCK_IN_STAGE;SUBORDINATES_BEHIND', 0, 0, 0, 0.5, 0, 0, 0,
        ]);
      }
    }
    const done = (format === 'csv' ? writeCsv : writeXlsx)(res as unknown as ServerResponse, ORGANIZATION_TABLE, batches(), conn);
    done.catch(() => undefined);
    for (let i = 0; i < 500 && !stuck; i++) await new Promise((r) => setTimeout(r, 10));
    expect(stuck).toBe(true);
    await new Promise((r) => setTimeout(r, 300)); // what is in flight settles
    const pulledWhenStuck = pulled;
    // 300 batches (300,000 rows) were there to read; about 1 MB of them was taken, a few more are buffered.
    expect(pulledWhenStuck).toBeLessThan(30);
    res.destroy(); // the client goes away
    await expect(done).rejects.toBeInstanceOf(ExportAborted);
    expect(conn.gone).toBe(true);
    expect(pulled).toBe(pulledWhenStuck);
  });
});
