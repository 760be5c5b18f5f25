import type { EntityManager } from '@mikro-orm/postgresql';
import { countStatement } from './request-scope';

/**
 * Runs one SQL statement (`?` placeholders) on the entity manager's connection, inside its transaction if any.
 * Array parameters are sent as PostgreSQL array literals (cast them: `?::uuid[]`), since knex would otherwise
 * expand them into lists.
 */
export type Sql = (<T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>) & {
  /** The transaction the statements run in (undefined outside one). */
  transaction?: object;
};

export function sqlOf(em: EntityManager): Sql {
  const transaction = em.getTransactionContext();
  if (transaction) {
    const inTx = <T>(text: string, params: unknown[] = []) => em.getConnection().execute(text, params.map(bindable), 'all', transaction) as Promise<T[]>;
    return Object.assign(inTx, { transaction });
  }
  // Reads outside a transaction skip the query builder: a pooled node-postgres client, counted here at the driver.
  const knexClient = em.getConnection().getKnex().client as unknown as PoolClient;
  const direct = async <T>(text: string, params: unknown[] = []) => {
    const connection = await knexClient.acquireConnection();
    try {
      countStatement();
      return (await connection.query(numbered(text), params.map(bindable))).rows as T[];
    } finally {
      await knexClient.releaseConnection(connection);
    }
  };
  return Object.assign(direct, { transaction: undefined });
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
