import type { ServerResponse } from 'node:http';
import express from 'express';
import { authenticateRequest } from '../access/access.authenticate';
import { createAccess } from '../access/access.scope';
import type { LimitsConfig } from '../config';
import { clientError } from '../common/errors';
import type { Role } from '../common/kernel';
import { requestScope, type PrincipalSlots } from '../common/request-scope';
import { sqlOf } from '../common/sql';
import { createLoaders } from '../server/context';
import { budgetKey, type CostBudget } from '../server/limits.budget';
import { COST } from '../server/limits.cost';
import { rateLimited, refuseWhileSpent } from '../server/limits.plugin';
import { CONGRESS_TABLE, ORGANIZATION_TABLE, type Cell, type Table } from './export.columns';
import { CSV_TYPE, writeCsv } from './export.csv';
import { parseExportParams, type ExportKind, type ExportParams } from './export.params';
import { congressBatches, EXPORT_BATCH_ROWS, organizationBatches, type ExportCaller, type ExportDeps, type Gate } from './export.rows';
import { ClientConnection, ExportAborted } from './export.stream';
import { writeXlsx, XLSX_TYPE } from './export.xlsx';

export interface ExportRouteDeps extends ExportDeps {
  today: () => string;
  /** The budget GraphQL spends (src/server/limits.budget.ts): exports spend the same points. */
  budget: CostBudget;
  limits: LimitsConfig;
  /** The turns of each principal's statements (SQL_MAX_CONCURRENT_PER_PRINCIPAL), shared with its GraphQL requests. */
  slots: PrincipalSlots;
  /** ANONYMOUS_ROLE: a request without a token is served as this role, or refused (null), as at /graphql. */
  anonymousRole: Role | null;
  /** The request's Authorization header as /graphql reads it (two of them: refused). */
  authorization: (req: express.Request) => string | undefined;
}

type Format = 'csv' | 'xlsx';

/**
 * The price of one batch (up to EXPORT_BATCH_ROWS rows), in the points GraphQL spends: a tenth of a point per row, and
 * for organisations times what their roll-up costs on the date (COST.rollupToday on today, COST.rollupPast on any other
 * date: a live aggregate, as in GraphQL). With 1,000 rows a batch: 100 points, or 1,000 for organisations on another day.
 */
function batchPrice(kind: ExportKind, date: string, today: string): number {
  const rollup = kind === 'organizations' ? (date === today ? COST.rollupToday : COST.rollupPast) : COST.object;
  return Math.ceil(EXPORT_BATCH_ROWS / 10) * rollup;
}

/** `attachment` with an ASCII file name (anything else becomes `_`) and the RFC 5987 UTF-8 form of the same name. */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^A-Za-z0-9._-]/g, '_');
  const utf8 = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}

function fileName(kind: ExportKind, code: string, p: ExportParams, format: Format): string {
  const window = kind === 'congresses' && (p.from || p.to) ? `-${p.from ?? 'start'}_${p.to ?? 'end'}` : '';
  return `${kind}-${code}${window}-${p.date}.${format}`;
}

const notFound = (date: string) => clientError('NOT_FOUND', `No organisation with that id in the tree on ${date}.`, { argument: 'under' });

/**
 * GET /export/organizations.{csv,xlsx}?under=&asOf= and /export/congresses.{csv,xlsx}?under=&from=&to=&asOf=.
 * In order: the token (401 as /graphql, ANONYMOUS_ROLE alike), a budget already spent (429), the parameters (400),
 * `under` in the tree on the date and inside the caller's scope (else 404, as for an id that does not exist), the first
 * batch's price (429 when the budget cannot pay it); then the file streams, each further batch paid before it is read —
 * when the budget runs out mid-export the download waits for the window to start afresh. A client that goes away
 * stops the export before its next batch is read.
 */
export function exportRoutes(deps: ExportRouteDeps): express.Router {
  const router = express.Router();
  for (const kind of ['organizations', 'congresses'] as const) {
    for (const format of ['csv', 'xlsx'] as const) router.get(`/${kind}.${format}`, (req, res, next) => void serve(deps, kind, format, req, res).catch(next));
  }
  return router;
}

async function serve(deps: ExportRouteDeps, kind: ExportKind, format: Format, req: express.Request, res: express.Response): Promise<void> {
  const scope = requestScope.getStore();
  const log = scope?.logger ?? deps.logger;
  const started = performance.now();
  try {
    const em = deps.orm.em.fork();
    const sql = sqlOf(em);
    const { viewer } = await authenticateRequest(sql, deps.authorization(req), { anonymousRole: deps.anonymousRole }, () => sqlOf(deps.orm.em.fork()));
    refuseWhileSpent(deps.budget, viewer, scope?.clientIp);
    const today = deps.today();
    const params = parseExportParams(kind, req.query as Record<string, unknown>, today);
    // `under` as the API sees it: an organisation in the tree on the date, fully visible to the caller.
    const loaders = createLoaders(em);
    const access = createAccess(sql, viewer, today, loaders.organizations.placementAt);
    const [under, placed, seen] = await Promise.all([
      loaders.organizations.byId.load(params.under),
      loaders.organizations.placementAt.load({ id: params.under, date: params.date }),
      access.organization(params.under, params.date),
    ]);
    if (!under || !placed || seen !== 'full') throw notFound(params.date);

    // The statements of a batch take turns as a GraphQL request's do: SQL_MAX_CONCURRENT_PER_REQUEST, within the
    // principal's SQL_MAX_CONCURRENT_PER_PRINCIPAL for all its requests together, and on a past date in the
    // past-date lane (SQL_MAX_CONCURRENT_PAST_DATE).
    const key = budgetKey(viewer, scope?.clientIp);
    if (scope) scope.statementSlots = deps.slots.forRequest(key, deps.limits.maxConcurrentStatements, params.date === today ? 'ordinary' : 'past');
    const price = batchPrice(kind, params.date, today);
    const table: Table = kind === 'organizations' ? ORGANIZATION_TABLE : CONGRESS_TABLE;
    const headers = () => {
      res.setHeader('content-type', format === 'csv' ? CSV_TYPE : XLSX_TYPE);
      res.setHeader('content-disposition', contentDisposition(fileName(kind, under.code, params, format)));
      res.setHeader('cache-control', 'private, no-store');
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('x-export-batch-price', String(price));
    };
    if (req.method === 'HEAD') {
      headers();
      res.status(200).end();
      return;
    }
    const paid = await deps.budget.spend(key, price);
    if (!paid.granted) throw rateLimited(deps.budget, paid.resetAt);

    const conn = new ClientConnection(res);
    const gate: Gate = async (batch) => {
      conn.check();
      if (batch === 0) return; // paid above, before the response started
      for (;;) {
        const spent = await deps.budget.spend(key, price);
        if (spent.granted) return;
        log.debug({ export: kind, batch, resetAt: spent.resetAt }, 'export waits for its budget');
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([new Promise((r) => (timer = setTimeout(r, Math.max(50, spent.resetAt.getTime() - Date.now())))), conn.closed]);
        clearTimeout(timer);
        conn.check();
      }
    };
    const caller: ExportCaller = { viewer, today, requestId: scope?.requestId, logger: log };
    const source: AsyncIterator<Cell[][]> =
      kind === 'organizations'
        ? organizationBatches(deps, caller, { under: params.under, date: params.date }, gate)
        : congressBatches(deps, caller, { under: params.under, date: params.date, from: params.from, to: params.to }, gate);
    // The first batch is read before the response starts: if it fails (a statement timeout on a busy past date), the
    // client gets the API's JSON error, not a broken file.
    const first = await source.next();
    const batches = (async function* () {
      if (first.done) return;
      yield first.value;
      for (let next = await source.next(); !next.done; next = await source.next()) yield next.value;
    })();
    headers();
    res.status(200);
    const rows = format === 'csv' ? await writeCsv(res, table, batches, conn) : await writeXlsx(res, table, batches, conn);
    log.info({ export: kind, format, rows, ms: Math.round(performance.now() - started) }, 'export sent');
  } catch (err) {
    if (err instanceof ExportAborted) {
      log.info({ export: kind, format, ms: Math.round(performance.now() - started) }, 'export stopped: the client went away');
      return;
    }
    if (res.headersSent) {
      // The file is incomplete: cut the connection (no final chunk) so the client cannot take it for a whole file.
      log.error({ err, export: kind, format }, 'export failed while streaming; connection closed');
      (res as ServerResponse).destroy();
      return;
    }
    throw err; // a refusal answers as /graphql would, an outage 503, anything else a masked 500 (jsonErrorHandler)
  }
}
