import type { EntityManager } from '@mikro-orm/postgresql';
import { inStatementSlot } from './request-scope';

/**
 * Runs one SQL statement on the entity manager's connection, inside its transaction if any, and returns its rows.
 * `T` is the row's shape, declared once per statement (or by the calling function's return type): the SQL aliases its
 * columns to those names (`o.short_name as "shortName"`). Dates arrive as "YYYY-MM-DD" strings, instants as `Date`s
 * (src/common/pg-types.ts), a `bigint` as a string (cast counts and ordinals `::int`).
 * Parameters: `?`, the one placeholder (so no `?` in the text otherwise: no jsonb `?` operators); arrays are sent as
 * PostgreSQL array literals (cast them: `?::uuid[]`).
 */
export type Sql = <T = unknown>(text: string, params?: readonly unknown[]) => Promise<T[]>;

/**
 * The statements of an entity manager, on MikroORM's public API only (`Connection.execute(sql, params, method, ctx)`,
 * the same call in MikroORM 6 and 7): in the entity manager's transaction when it has one, else on a pooled connection.
 * MikroORM sends the parameters inlined as escaped literals (its platform's `formatQuery`); errors are the driver's own
 * (node-postgres's, with their SQLSTATE `code`); knex's `query` event counts the statement (src/database/orm.ts).
 */
export function sqlOf(em: EntityManager): Sql {
  const connection = em.getConnection();
  const transaction = em.getTransactionContext();
  return async <T>(text: string, params: readonly unknown[] = []) => {
    checkPlaceholders(text, params);
    // A request's statements outside a transaction take turns (its cap on concurrent statements: request-scope.ts).
    return inStatementSlot(transaction !== undefined, () => connection.execute<T[]>(text, params.map(bindable), 'all', transaction));
  };
}

/** A statement and its parameters, held to be sent later (src/common/kernel.ts `Tx.atCommit`). */
export interface Statement {
  text: string;
  params: readonly unknown[];
}

/**
 * Sends statements together on the entity manager's connection (inside its transaction), in one round trip: each is
 * formatted with its parameters inlined, exactly as `sqlOf` would send it, and they run in order. Nothing is returned.
 */
export function sqlBatchOf(em: EntityManager): (statements: readonly Statement[]) => Promise<void> {
  const connection = em.getConnection();
  const platform = em.getPlatform();
  const transaction = em.getTransactionContext();
  return async (statements) => {
    if (!statements.length) return;
    const text = statements
      .map((s) => {
        checkPlaceholders(s.text, s.params);
        return platform.formatQuery(s.text, s.params.map(bindable));
      })
      .join(';\n');
    await inStatementSlot(transaction !== undefined, () => connection.execute(text, [], 'run', transaction));
  };
}

/**
 * One `?` per parameter, and nothing MikroORM would read otherwise (`??` an identifier, `\?` a literal `?`): inlined, a
 * missing parameter would silently read as NULL.
 */
function checkPlaceholders(text: string, params: readonly unknown[]): void {
  let n = 0;
  for (let i = text.indexOf('?'); i >= 0; i = text.indexOf('?', i + 1)) {
    if (text[i + 1] === '?' || text[i - 1] === '\\') throw new Error(`SQL may hold \`?\` placeholders only (no \`??\` or \`\\?\`): ${text.slice(0, 120)}`);
    n++;
  }
  if (n !== params.length) throw new Error(`SQL has ${n} placeholders but ${params.length} parameters: ${text.slice(0, 120)}`);
}

/** `?` placeholders (the form every query here is written in) numbered for node-postgres: `$1`, `$2`, … */
function numbered(text: string): string {
  let i = 0;
  return text.replace(/\?/g, () => `$${++i}`);
}

/**
 * One page of a keyset-paged list and the total over all pages, in one statement. `with … f as (…)` must precede it:
 * `f` has a `"sortValue"` text and an `id`; the parameters are the cursor (when `after`) and the limit.
 */
export function keysetPageSql(opts: { after: boolean; descending?: boolean }): string {
  const [cmp, dir] = opts.descending ? ['<', 'desc'] : ['>', 'asc'];
  const keyset = opts.after ? `where ("sortValue", id) ${cmp} (?::text collate "C", ?::uuid)` : '';
  return `select t.total, page.* from (select count(*)::int as total from f) t
          left join lateral (select * from f ${keyset} order by "sortValue" ${dir}, id ${dir} limit ?) page on true`;
}

/**
 * A row of `… left join lateral (…) page on true`: the page's row or, for a key whose page is empty, the same columns
 * all null (test `row.id === null`).
 */
export type Lateral<Row> = Row | { [K in keyof Row]: null };

/** A row of keysetPageSql's statement. */
export type KeysetRow<Row> = { total: number } & Lateral<Row>;

/** The page and the total of keysetPageSql's rows. */
export function keysetPage<Row extends { id: string }>(rows: readonly KeysetRow<Row>[]): { rows: Row[]; total: number } {
  const page: Row[] = [];
  for (const r of rows) if (r.id !== null) page.push(r);
  return { rows: page, total: rows[0]?.total ?? 0 };
}

function bindable(value: unknown): unknown {
  return Array.isArray(value) ? toPgArray(value) : value;
}

export function toPgArray(values: readonly unknown[]): string {
  const items = values.map((v) => (v === null || v === undefined ? 'NULL' : `"${String(v).replace(/["\\]/g, (c) => '\\' + c)}"`));
  return `{${items.join(',')}}`;
}

/** The same `Sql` over a plain node-postgres client (bulk tools that bypass the ORM for speed). */
export function sqlOfClient(client: { query(text: string, params: unknown[]): Promise<{ rows: unknown[] }> }): Sql {
  return async <T>(text: string, params: readonly unknown[] = []) => (await client.query(numbered(text), params.map(bindable))).rows as T[];
}
