import type { Sql } from './sql';

/**
 * Bulk loading into empty tables is far faster without secondary indexes and constraints: drop them (remembering
 * their definitions from the catalog), load, and build them once at the end (foreign keys are checked then, in one
 * query each). Run it in the loading transaction: the tables stay locked until it ends, and a rollback restores all.
 *
 * `primaryKeys`: tables whose primary key goes too. Worth it for random keys (uuids), where a million insertions at
 * random places in the index cost several times a build from sorted input. The foreign keys of other tables that
 * reference the tables go and come back too (they depend on the keys and unique constraints dropped).
 */
export async function suspendIndexes(sql: Sql, tables: string[], opts: { primaryKeys?: string[] } = {}): Promise<() => Promise<void>> {
  const keyed = opts.primaryKeys ?? [];
  const constraints = await sql<{ table: string; name: string; def: string; foreign: boolean }>(
    `select c.conrelid::regclass::text as "table", quote_ident(c.conname) as name, pg_get_constraintdef(c.oid) as def, c.contype = 'f' as "foreign"
       from pg_constraint c
      where (c.conrelid = any(?::regclass[]) and (c.contype in ('u', 'x', 'f') or (c.contype = 'p' and c.conrelid = any(?::regclass[]))))
         or (c.contype = 'f' and c.confrelid = any(?::regclass[]))
      order by c.contype = 'f' desc, c.contype = 'p', c.conrelid::regclass::text, c.conname`,
    [tables, keyed, tables],
  );
  const indexes = await sql<{ name: string; def: string }>(
    `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def
       from pg_index i where i.indrelid = any(?::regclass[]) and not i.indisprimary
        and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`,
    [tables],
  );
  // Foreign keys first (they depend on the keys and unique indexes they reference), then the rest.
  for (const c of constraints) await sql(`alter table ${c.table} drop constraint ${c.name}`);
  for (const i of indexes) await sql(`drop index ${i.name}`);
  return async () => {
    for (const i of indexes) await sql(i.def);
    // Keys and unique constraints, then the foreign keys that reference them.
    for (const c of [...constraints].reverse()) await sql(`alter table ${c.table} add constraint ${c.name} ${c.def}`);
  };
}
