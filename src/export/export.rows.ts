import crypto from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createAccess } from '../access/access.scope';
import type { SortKey } from '../common/connection';
import type { Context } from '../common/context';
import type { Kernel, Viewer } from '../common/kernel';
import type { Logger } from '../common/log';
import { sqlOf } from '../common/sql';
import { CongressFieldsResolver } from '../congress/congress.fields.resolver';
import { CongressOrderField } from '../congress/congress.enums';
import { searchCongresses } from '../congress/congress.repository';
import { CongressType } from '../congress/congress.types';
import { OrganizationCongressResolver } from '../congress/organization-congress.resolver';
import { OrganizationFieldsResolver } from '../organization/organization.fields.resolver';
import { filterPage, pageReading, type PageReading, type RowFilter } from '../organization/organization.repository';
import { OrganizationType } from '../organization/organization.types';
import { OrganizationProgressResolver } from '../progress/progress.resolver';
import { ProgressScopeEnum } from '../progress/progress.types';
import { CongressRisksResolver } from '../risk/risk.fields.resolver';
import { createLoaders } from '../server/context';
import { riskCell, type Cell } from './export.columns';

/**
 * The rows of the exports, in batches. Every value is what the GraphQL API answers for the same field: each batch gets
 * a fresh entity manager and a fresh set of the API's loaders (as one GraphQL request does), and its cells come from
 * the API's own field resolvers over them — the same loaders, the same dated rules, the same batching (a batch of
 * 1,000 organisations costs about as many statements as a GraphQL page of 100). Nothing is kept from one batch to the
 * next but the keyset cursor, so memory does not grow with the export, and each statement is short (no statement
 * timeout can stop a long export: it is many small statements).
 */

/** Rows per batch: the unit of reading, writing and pricing. */
export const EXPORT_BATCH_ROWS = 1000;

export interface ExportDeps {
  orm: MikroORM;
  kernel: Kernel;
  logger: Logger;
}

/** Who exports, and the request's today (as a GraphQL request's context holds them). */
export interface ExportCaller {
  viewer: Viewer;
  today: string;
  requestId?: string;
  logger?: Logger;
}

/**
 * Called before each batch is read (0 first): pays for it, waits, or throws to stop the export (the client went away).
 * The batches are read only as fast as the caller takes them (an async generator), so a stopped export reads nothing more.
 */
export type Gate = (batch: number) => Promise<void>;

/** A GraphQL request's context for one batch: a fresh entity manager and loaders, the caller's access. */
function batchContext(deps: ExportDeps, caller: ExportCaller): Context {
  const em = deps.orm.em.fork();
  const loaders = createLoaders(em);
  return {
    em,
    kernel: deps.kernel,
    viewer: caller.viewer,
    access: createAccess(sqlOf(em), caller.viewer, caller.today, loaders.organizations.placementAt),
    loaders,
    requestId: caller.requestId ?? crypto.randomUUID(),
    today: caller.today,
    logger: caller.logger ?? deps.logger,
  };
}

// The API's field resolvers (stateless): the export calls them as GraphQL execution would.
const organizationFields = new OrganizationFieldsResolver();
const organizationCongress = new OrganizationCongressResolver();
const organizationProgress = new OrganizationProgressResolver();
const congressFields = new CongressFieldsResolver();
const congressRisks = new CongressRisksResolver();

/** `stage mode plannedStart plannedEnd deadline heldStart heldEnd risks` of a congress (null: none, 8 empty cells). */
async function congressCells(ctx: Context, c: CongressType | null): Promise<Cell[]> {
  if (!c) return [null, null, null, null, null, null, null, null];
  const [stage, deadline, heldStart, heldEnd, risks] = await Promise.all([
    congressFields.stage(c, ctx),
    congressFields.deadline(c, ctx),
    congressFields.heldStart(c, ctx),
    congressFields.heldEnd(c, ctx),
    congressRisks.risks(c, ctx),
  ]);
  return [stage, c.mode, c.plannedStart, c.plannedEnd, deadline, heldStart, heldEnd, riskCell(risks)];
}

/** One row of ORGANIZATION_TABLE, and the organisation's subtree size on the date (its `progress { organizations }`). */
async function organizationRow(ctx: Context, org: OrganizationType): Promise<{ cells: Cell[]; below: number }> {
  const [name, parent, congress, p] = await Promise.all([
    organizationFields.name(org, ctx),
    organizationFields.parent(org, null, ctx),
    organizationCongress.congress(org, null, 1, ctx),
    organizationProgress.progress(org, ProgressScopeEnum.SUBTREE, null, ctx),
  ]);
  const cells: Cell[] = [
    org.code,
    name,
    org.level,
    parent?.code ?? null,
    ...(await congressCells(ctx, congress)),
    p.organizations,
    p.congressesExpected,
    p.held,
    p.heldRatio,
    p.overdue,
    p.heldLate,
    p.restructuringPending,
  ];
  return { cells, below: p.organizations };
}

/** filterPage with no filter: every organisation below `under` on the date, in `organizations(under:)`'s order. */
const EVERY: RowFilter = { value: () => ({ sql: 'null::int', params: [] }), keep: 'true' };

/**
 * ORGANIZATION_TABLE's rows: `under` itself first, then every organisation below it on `date` in the order of
 * `organizations(under: $under, asOf: $date)` — by folded name, then id — read with that list's keyset (sort key, id)
 * by the statement its `overdue:` page uses (filterPage, without a filter): it walks the name index when the subtree
 * is large (a batch then reads about a batch of rows), reads and sorts the subtree when it is small, and never counts.
 * `under` must be in the tree on `date` and fully visible to the caller (the route checks).
 */
export async function* organizationBatches(
  deps: ExportDeps,
  caller: ExportCaller,
  q: { under: string; date: string },
  gate: Gate,
  batchSize = EXPORT_BATCH_ROWS,
): AsyncGenerator<Cell[][]> {
  let after: SortKey | null = null;
  let reading: PageReading | null = null;
  for (let batch = 0; ; batch++) {
    await gate(batch);
    const ctx = batchContext(deps, caller);
    const sql = sqlOf(ctx.em);
    const out: Cell[][] = [];
    let first = batchSize;
    if (batch === 0) {
      const row = await ctx.loaders.organizations.byId.load(q.under);
      if (!row) return;
      const top = await organizationRow(ctx, OrganizationType.from(row, q.date));
      out.push(top.cells);
      if (top.below === 0) {
        yield out;
        return;
      }
      first = Math.max(1, batchSize - 1);
      reading = await pageReading(sql, { matches: top.below, subtree: top.below, first });
    }
    const rows = await filterPage(sql, { date: q.date, under: q.under, underInclusive: false, level: null, first, after, filter: EVERY, reading: reading ?? 'subtree' });
    const page = rows.slice(0, first);
    for (const r of page) {
      ctx.loaders.organizations.byId.prime(r.id, r);
      ctx.loaders.organizations.placementAt.prime({ id: r.id, date: q.date }, r.placement);
    }
    const cells = await Promise.all(page.map((r) => organizationRow(ctx, OrganizationType.from(r, q.date))));
    for (const c of cells) out.push(c.cells);
    yield out;
    if (rows.length <= first) return;
    const last = page[page.length - 1];
    after = [last.sortKey, last.id];
  }
}

/** One row of CONGRESS_TABLE. */
async function congressRow(ctx: Context, c: CongressType): Promise<Cell[]> {
  const organization = await congressFields.organization(c, ctx);
  const [name, rest] = await Promise.all([organizationFields.name(organization, ctx), congressCells(ctx, c)]);
  return [organization.code, name, organization.level, c.round, ...rest];
}

/**
 * CONGRESS_TABLE's rows: what `congresses(under: $under, from: $from, to: $to, asOf: $date)` lists (the current term,
 * `under`'s own congress excluded, as the query), in its order — planned start on the date (none last), then id —
 * read with its statement and keyset (searchCongresses), a batch at a time.
 */
export async function* congressBatches(
  deps: ExportDeps,
  caller: ExportCaller,
  q: { under: string; date: string; from: string | null; to: string | null },
  gate: Gate,
  batchSize = EXPORT_BATCH_ROWS,
): AsyncGenerator<Cell[][]> {
  let after: SortKey | null = null;
  for (let batch = 0; ; batch++) {
    await gate(batch);
    const ctx = batchContext(deps, caller);
    const term = (await ctx.loaders.congresses.currentTerm()) ?? '';
    const page = await searchCongresses(sqlOf(ctx.em), {
      date: q.date,
      term,
      under: q.under,
      underInclusive: false,
      stage: null,
      from: q.from,
      to: q.to,
      overdue: null,
      pilot: null,
      risk: null,
      orderBy: CongressOrderField.PLANNED_START,
      first: batchSize,
      after,
    });
    const rows = page.rows.slice(0, batchSize);
    for (const r of rows) ctx.loaders.congresses.byId.prime(r.id, r);
    yield await Promise.all(rows.map((r) => congressRow(ctx, CongressType.from(r, q.date))));
    if (page.rows.length <= batchSize) return;
    const last = rows[rows.length - 1];
    after = [last.sortValue, last.id];
  }
}
