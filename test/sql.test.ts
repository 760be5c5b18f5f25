import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlOf } from '../src/common/sql';
import { bumpVersion, NOW } from '../src/common/versioned';
import { childrenPages, namesAt, placementsAt } from '../src/organization/organization.repository';
import { startTestApp, type TestApp } from './support/harness';
import { smallTree } from './support/trees';

/**
 * The one SQL helper (src/common/sql.ts) on MikroORM's public `em.execute`, the version bump of hand-written writes
 * (src/common/versioned.ts), the rows the repositories declare, and the entities the ORM registers.
 */

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const pooled = () => sqlOf(app.orm.em.fork() as EntityManager);

describe('tx.sql', () => {
  it('runs in the kernel transaction: its writes are seen inside it only, and roll back with it', async () => {
    const ids = await app.tree(smallTree('SQ1'));
    const id = ids.get('SQ1-MA')!;
    const failure = app.write(async (tx) => {
      await tx.sql('update organization set name = ? where id = ?', ['Renamed inside', id]);
      const [inside] = await tx.sql<{ name: string }>('select name from organization where id = ?', [id]);
      const [outside] = await app.readBack<{ name: string }>('select name from organization where id = $1', [id]);
      expect([inside.name, outside.name]).toEqual(['Renamed inside', 'Đảng ủy Bộ Tài chính SQ1']);
      throw new Error('roll back');
    });
    await expect(failure).rejects.toThrow('roll back');
    const [after] = await app.readBack<{ name: string }>('select name from organization where id = $1', [id]);
    expect(after.name).toBe('Đảng ủy Bộ Tài chính SQ1');
  });

  it('sends every kind of parameter unchanged and returns the column types the rows declare', async () => {
    const text = `it's a \\ "test"? $1 ?? -- /* Đại hội */`;
    const array = ['a,b', 'c"d', 'e\\f', 'NULL', null, "g'h", '', '?'];
    const json = JSON.stringify({ q: "what's?", n: [1, null] });
    const [row] = await pooled()<{
      text: string; array: (string | null)[]; nothing: string | null; yes: boolean; n: number; day: string; json: { q: string; n: (number | null)[] };
      at: Date; big: string; ints: number[];
    }>(
      `select ?::text as text, ?::text[] as array, ?::text as nothing, ?::boolean as yes, ?::int as n, ?::date as day, ?::jsonb as json,
              ?::timestamptz as at, ?::bigint as big, ?::int[] as ints`,
      [text, array, null, true, 42, '2025-04-15', json, '2025-01-02T03:04:05.678Z', '9007199254740993', [1, 2, 3]],
    );
    expect(row).toEqual({
      text,
      array,
      nothing: null,
      yes: true,
      n: 42,
      day: '2025-04-15',
      json: { q: "what's?", n: [1, null] },
      at: new Date('2025-01-02T03:04:05.678Z'),
      big: '9007199254740993',
      ints: [1, 2, 3],
    });
  });

  it("fails with the driver's own error: its SQLSTATE and message", async () => {
    const ids = await app.tree(smallTree('SQ4'));
    const failure = pooled()('update organization set code = ? where id = ?', ['SQ4-MB', ids.get('SQ4-MA')]);
    await expect(failure).rejects.toMatchObject({ code: '23505', message: expect.stringContaining('duplicate key value violates unique constraint') });
  });

  it('refuses a statement whose placeholders are not one `?` per parameter', async () => {
    const sql = pooled();
    await expect(sql('select ?::int as a, ?::int as b', [1])).rejects.toThrow('SQL has 2 placeholders but 1 parameters');
    await expect(sql('select ?::int as a', [1, 2])).rejects.toThrow('SQL has 1 placeholders but 2 parameters');
    await expect(sql('select 1 from organization where ?? = ?', ['id', 1])).rejects.toThrow('placeholders only');
  });
});

describe('repository rows', () => {
  it('are what their types say: ordinals are numbers, a tree page row is the organisation with its placement nested', async () => {
    const ids = await app.tree(smallTree('SQ2'), null, '2020-01-01');
    const [ma, mb] = [ids.get('SQ2-MA')!, ids.get('SQ2-MB')!];
    await app.write(async (tx) => {
      const keys = [{ id: mb, date: '2025-01-01' }, { id: ma, date: '2019-01-01' }, { id: ma, date: '2025-01-01' }];
      const placements = await placementsAt(tx.sql, keys);
      expect(placements.map((p) => [p.keyIndex, p.organizationId]).sort()).toEqual([[0, mb], [2, ma]]);
      expect(await namesAt(tx.sql, keys)).toEqual([]);

      const pages = await childrenPages(tx.sql, [ids.get('SQ2-BLOC')!, ids.get('SQ2-MA-B1-C1')!], { date: '2025-01-01', first: 10, after: null, level: null });
      expect(pages.get(ids.get('SQ2-MA-B1-C1')!)).toEqual({ rows: [], total: 0 });
      const page = pages.get(ids.get('SQ2-BLOC')!)!;
      expect(page.total).toBe(2);
      expect(page.rows.map((r) => r.id)).toEqual([mb, ma]); // by folded name: "…Kế hoạch…" before "…Tài chính…"
      const first = page.rows[1];
      expect(Object.keys(first).sort()).toEqual(
        ['aboveBasePowers', 'code', 'endedOn', 'establishedOn', 'id', 'level', 'memberCount', 'memberHistory', 'membersSince', 'name', 'pendingEstablishment',
          'placement', 'renamed', 'shortName', 'sortKey', 'version'].sort(),
      );
      expect(first).toMatchObject({ code: 'SQ2-MA', level: 'ABOVE_BASE', memberCount: 0, establishedOn: '2020-01-01', endedOn: null, version: 1, renamed: false });
      expect(first.placement).toEqual({ organizationId: ma, parentId: ids.get('SQ2-BLOC'), path: [ids.get('SQ2-TW'), ids.get('SQ2-BLOC'), ma], depth: 2, validFrom: '2020-01-01', validTo: null });
    });
  });
});

describe('bumpVersion', () => {
  it('sets the columns, bumps the version and updated_at of each row in one statement, and returns the new versions', async () => {
    const ids = await app.tree(smallTree('SQ3'));
    const [ma, mb] = [ids.get('SQ3-MA')!, ids.get('SQ3-MB')!];
    const before = await app.readBack<{ id: string; version: number; updated_at: Date }>('select id, version, updated_at from organization where id = any($1) order by code', [[ma, mb]]);
    const result = await app.write(async (tx) => {
      const one = await bumpVersion(tx.sql, 'organization', ma, { name: 'Tên mới SQ3', renamed: true });
      const both = await bumpVersion(tx.sql, 'organization', [ma, mb]);
      return { one, both };
    });
    expect(result.one).toEqual([{ id: ma, version: before[0].version + 1 }]);
    expect(result.both.sort((a, b) => a.version - b.version || a.id.localeCompare(b.id))).toEqual(
      [{ id: mb, version: before[1].version + 1 }, { id: ma, version: before[0].version + 2 }].sort((a, b) => a.version - b.version || a.id.localeCompare(b.id)),
    );
    const after = await app.readBack<{ id: string; name: string; renamed: boolean; version: number; updated_at: Date }>(
      'select id, name, renamed, version, updated_at from organization where id = any($1) order by code',
      [[ma, mb]],
    );
    expect(after.map((r) => [r.name, r.renamed, r.version])).toEqual([
      ['Tên mới SQ3', true, before[0].version + 2],
      ['Đảng ủy Bộ Kế hoạch SQ3', false, before[1].version + 1],
    ]);
    for (const [i, r] of after.entries()) expect(r.updated_at.getTime()).toBeGreaterThan(before[i].updated_at.getTime());
  });

  it('writes now() where asked, and nothing for a row that is not there', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    expect(await app.write((tx) => bumpVersion(tx.sql, 'restructuring', missing, { status: 'CANCELLED', applied_at: NOW }))).toEqual([]);
  });
});

describe('the ORM', () => {
  it('registers only the entities written through its unit of work', () => {
    expect(Object.keys(app.orm.getMetadata().getAll()).sort()).toEqual(['Congress', 'CongressEvent', 'Organization']);
  });
});
