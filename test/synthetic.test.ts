import { foldVietnamese } from '../src/common/text';
import { loadSynthetic } from '../src/tools/synthetic';
import { startTestApp, type TestApp } from './support/harness';

const TODAY = '2026-11-27';

/** Every index and constraint of the schema, as the catalog defines them. */
const CATALOG = `
  select 'index ' || indexrelid::regclass::text || ': ' || pg_get_indexdef(indexrelid) as def from pg_index i join pg_class c on c.oid = i.indrelid
   where c.relnamespace = 'public'::regnamespace
  union all
  select 'constraint ' || conrelid::regclass::text || '.' || conname || ': ' || pg_get_constraintdef(oid) || case when convalidated then '' else ' (not valid)' end
    from pg_constraint where connamespace = 'public'::regnamespace
  order by 1`;

/** What a seed decides, without the random ids: organisations by code, their places, congresses, histories, restructurings. */
const CONTENT = `
  select 'org ' || o.code || ' ' || o.name || ' ' || o.level || ' ' || o.member_count || ' ' || o.established_on || ' ' || coalesce(pp.code, '-') || ' ' || p.depth || ' '
         || (select string_agg(x.code, '/' order by u.n) from unnest(p.path) with ordinality u(id, n) join organization x on x.id = u.id) as row
    from organization o join organization_placement p on p.organization_id = o.id left join organization pp on pp.id = p.parent_id
  union all
  select 'congress ' || o.code || ' ' || (to_jsonb(c) - 'id' - 'organization_id' - 'created_at' - 'updated_at')::text
    from congress c join organization o on o.id = c.organization_id
  union all
  select 'events ' || o.code || ' ' || string_agg(coalesce(e.from_stage, '-') || '>' || e.to_stage || '@' || e.effective_on, ' ' order by e.id)
    from congress_event e join congress c on c.id = e.congress_id join organization o on o.id = c.organization_id group by o.code
  union all
  select 'restructuring ' || r.title || ' ' || r.kind || ' ' || r.effective_on || ' '
         || (select string_agg(o.code || ':' || rp.position, ',' order by rp.position) from restructuring_participant rp join organization o on o.id = rp.organization_id where rp.restructuring_id = r.id)
         || ' pending ' || coalesce((select string_agg(o.code, ',' order by o.code) from restructuring_pending x join organization o on o.id = x.organization_id where x.restructuring_id = r.id), '-')
    from restructuring r
  order by 1`;

async function seeded(seed: number, orgs: number): Promise<{ app: TestApp; before: string[] }> {
  const app = await startTestApp({ today: TODAY });
  const before = (await app.readBack<{ def: string }>(CATALOG)).map((r) => r.def);
  await app.write((tx) => loadSynthetic(tx, { orgs, seed, today: TODAY }), { operation: 'seedSynthetic', treeLock: 'exclusive' });
  return { app, before };
}

describe('the synthetic tree', () => {
  let a: TestApp;
  let b: TestApp;
  let c: TestApp;
  let catalogBefore: string[];
  beforeAll(async () => {
    ({ app: a, before: catalogBefore } = await seeded(11, 3000));
    ({ app: b } = await seeded(11, 3000));
    ({ app: c } = await seeded(12, 3000));
  });
  afterAll(() => Promise.all([a, b, c].map((x) => x?.close())));

  it('is the same for the same seed, ids aside, and differs for another seed', async () => {
    const [x, y, z] = await Promise.all([a, b, c].map((app) => app.readBack<{ row: string }>(CONTENT)));
    expect(x.length).toBeGreaterThan(3000 * 2);
    expect(y).toEqual(x);
    expect(z).not.toEqual(x);
    // The ids are drawn afresh each time.
    const [ids, others] = await Promise.all([a, b].map((app) => app.readBack<{ id: string }>(`select id from organization order by code limit 5`)));
    expect(others).not.toEqual(ids);
  });

  it('has the proportions and shape it promises', async () => {
    const levels = await a.readBack<{ level: string; n: number; depth: number }>(
      `select o.level, count(*)::int as n, max(p.depth)::int as depth from organization o join organization_placement p on p.organization_id = o.id group by o.level order by o.level`,
    );
    const n = Object.fromEntries(levels.map((l) => [l.level, l.n]));
    expect(levels.reduce((s, l) => s + l.n, 0)).toBe(3000);
    expect(n.CENTRAL_COMMITTEE).toBe(1);
    expect(n.ABOVE_BASE).toBe(45);
    expect(n.BASE_COMMITTEE + n.BASE_CELL).toBe(540);
    expect(n.SUB_COMMITTEE).toBe(60);
    // Every path is its parent's path and itself; every organisation has one congress; ids are version 4 uuids.
    const [check] = await a.readBack<{ badPaths: number; congresses: number; events: number; notV4: number }>(
      `select (select count(*)::int from organization_placement p left join organization_placement q on q.organization_id = p.parent_id
                where p.path <> coalesce(q.path, '{}') || p.organization_id or p.depth <> cardinality(p.path) - 1) as "badPaths",
              (select count(distinct organization_id)::int from congress) as congresses,
              (select count(*)::int from congress_event) as events,
              (select count(*)::int from organization where id::text !~ '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$') as "notV4"`,
    );
    expect(check).toMatchObject({ badPaths: 0, congresses: 3000, notV4: 0 });
    expect(check.events).toBeGreaterThan(3000 * 2);
  });

  it('stores search texts and sort keys folded as the service folds them', async () => {
    const rows = await a.readBack<{ code: string; name: string; search_text: string; sort_key: string }>(`select code, name, search_text, sort_key from organization`);
    const wrong = rows.filter((r) => r.search_text !== foldVietnamese(`${r.name} ${r.code}`) || r.sort_key !== foldVietnamese(r.name));
    expect(wrong).toEqual([]);
  });

  it('fails whole when what it loads breaks a constraint, leaving the database as it was', async () => {
    const count = () => c.readBack<{ n: number }>(`select (select count(*)::int from organization) + (select count(*)::int from congress_event) as n`);
    const [before] = await count();
    // The same codes again: the unique constraint on codes, rebuilt at the end, refuses them.
    await expect(c.write((tx) => loadSynthetic(tx, { orgs: 3000, seed: 12, today: TODAY }), { operation: 'seedSynthetic', treeLock: 'exclusive' })).rejects.toThrow(
      /organization_code_unique/,
    );
    expect(await count()).toEqual([before]);
    expect((await c.readBack<{ def: string }>(CATALOG)).map((r) => r.def)).toEqual(catalogBefore);
    expect(await c.drift()).toEqual([]);
  });

  it('leaves every index and constraint as it found them, validated, and the counters exact', async () => {
    expect((await a.readBack<{ def: string }>(CATALOG)).map((r) => r.def)).toEqual(catalogBefore);
    expect(await a.drift()).toEqual([]);
    const [{ n }] = await a.readBack<{ n: number }>(`select count(*)::int as n from progress_counter`);
    expect(n).toBe(3000);
  });
});
