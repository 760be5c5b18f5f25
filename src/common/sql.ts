import type { EntityManager } from '@mikro-orm/postgresql';
import { countStatement } from './request-scope';

/**
 * Runs one SQL statement (`?` placeholders) on the entity manager's connection, inside its transaction if any.
 * Array parameters are sent as PostgreSQL array literals (cast them: `?::uuid[]`).
 */
export type Sql = (<T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>) & {
  /** The transaction the statements run in (undefined outside one). */
  transaction?: object;
};

/**
 * One dialect inside and outside transactions: `?` numbered `$1, $2, …` and sent by node-postgres, on the
 * transaction's own connection inside one (knex's transaction client hands out that connection and releases nothing),
 * else on a pooled connection. Skips the query builder, so statements are counted here at the driver (the ORM's own
 * are counted by knex's `query` event). A later step replaces this with a typed query builder.
 */
export function sqlOf(em: EntityManager): Sql {
  const transaction = em.getTransactionContext<{ client: unknown }>();
  const knexClient = (transaction ?? em.getConnection().getKnex()).client as unknown as PoolClient;
  const run = async <T>(text: string, params: unknown[] = []) => {
    const connection = await knexClient.acquireConnection();
    try {
      countStatement();
      return (await connection.query(numbered(text), params.map(bindable))).rows as T[];
    } finally {
      await knexClient.releaseConnection(connection);
    }
  };
  return Object.assign(run, { transaction });
}

interface PoolClient {
  acquireConnection(): Promise<{ query(text: string, params: unknown[]): Promise<{ rows: unknown[] }> }>;
  releaseConnection(connection: unknown): Promise<void>;
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

function bindable(value: unknown): unknown {
  return Array.isArray(value) ? toPgArray(value) : value;
}

export function toPgArray(values: readonly unknown[]): string {
  const items = values.map((v) => (v === null || v === undefined ? 'NULL' : `"${String(v).replace(/["\\]/g, (c) => '\\' + c)}"`));
  return `{${items.join(',')}}`;
}

/** The same `Sql` over a plain node-postgres client (bulk tools that bypass the ORM for speed). */
export function sqlOfClient(client: { query(text: string, params: unknown[]): Promise<{ rows: unknown[] }> }, transaction?: object): Sql {
  const sql = async <T>(text: string, params: unknown[] = []) => {
    return (await client.query(numbered(text), params.map(bindable))).rows as T[];
  };
  return Object.assign(sql, { transaction });
}
