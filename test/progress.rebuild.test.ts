import { demoTree } from '../seeds/demo-tree';
import { endOfTheBlocs, financeMerger } from '../seeds/history-2025';
import { rebuildCounters } from '../src/progress/progress.rebuild';
import { schedule } from './support/congress';
import { startTestApp, type TestApp } from './support/harness';
import { enact, PROPOSE, proposalInput } from './support/restructuring';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ today: '2026-11-27' });
});
afterAll(() => app.close());

/** Every counter row and override row, by organisation code. */
const snapshot = () =>
  Promise.all([
    app.readBack(`select o.code, to_jsonb(pc) - 'organization_id' as v from progress_counter pc join organization o on o.id = pc.organization_id order by o.code`),
    app.readBack(`select o.code, po.level, po.deadline::text, po.open from progress_override po join organization o on o.id = po.organization_id order by 1, 2, 3`),
  ]);

describe('rebuildCounters (bulk loads, repairs)', () => {
  it('replaces wrong, missing and stray counters with the recomputation, keeping the rows it had', async () => {
    // A tree with history: closed placements, a pending restructuring with an organisation pending establishment,
    // congresses with and without a deadline of their own.
    const ids = await app.tree(demoTree);
    await enact(app, endOfTheBlocs);
    const proposed = await app.gql(PROPOSE, { input: await proposalInput(app, financeMerger) });
    expect(proposed.body.data.restructuringPropose.userErrors).toEqual([]);
    await schedule(app, ids.get('BTC-KBNN-CB01')!, '2026-12-10', '2026-12-10', { deadline: '2026-12-31' });
    await schedule(app, ids.get('BTC-KBNN')!, '2026-12-11', '2026-12-11', { deadline: '2026-12-31' });
    expect(await app.drift()).toEqual([]);
    const [{ n: pendingOrgs }] = await app.readBack<{ n: number }>(`select count(*)::int as n from organization where pending_establishment`);
    expect(pendingOrgs).toBeGreaterThan(0);
    const [counters, overrides] = await snapshot();
    expect(overrides.length).toBeGreaterThan(0);
    expect(counters.some((c: any) => c.v.orgs > 0 && c.v.lv_cell_orgs > 0 && c.v.members > 0)).toBe(true);

    // Damage: wrong numbers, a missing row, a stray override; a counter row for an organisation pending establishment.
    await app.write(async (tx) => {
      await tx.sql(`update progress_counter set orgs = orgs + 7, members = 1, st_held = 3, lv_cell_open = 2 where organization_id in (select id from organization where code in ('TW', 'BTC-KBNN'))`);
      await tx.sql(`delete from progress_counter where organization_id = (select id from organization where code = 'BTC-KBNN-CB01')`);
      await tx.sql(`delete from progress_override where organization_id = (select id from organization where code = 'TW')`);
      await tx.sql(`insert into progress_override (organization_id, level, deadline, open) select id, 'CELL', '2030-01-01', 5 from organization where code = 'BTC'`);
      await tx.sql(`insert into progress_counter (organization_id, orgs) select id, 9 from organization where pending_establishment on conflict (organization_id) do update set orgs = 9`);
    });
    expect((await app.drift()).length).toBeGreaterThan(0);

    await app.write((tx) => rebuildCounters(tx.sql), { operation: 'rebuildCounters', treeLock: 'exclusive' });
    expect(await app.drift()).toEqual([]);
    const [after, overridesAfter] = await snapshot();
    expect(overridesAfter).toEqual(overrides);
    // The rows it had stay (the pending organisations' now zero), the missing one is back, every number as before.
    const pending = await app.readBack<{ code: string }>(`select code from organization where pending_establishment order by code`);
    const zero = (v: Record<string, unknown>) => Object.fromEntries(Object.keys(v).map((k) => [k, 0]));
    const expected = [...counters.filter((c: any) => !pending.some((p) => p.code === c.code)), ...pending.map((p) => ({ code: p.code, v: zero((counters[0] as any).v) }))];
    const byCode = (a: any, b: any) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
    expect([...after].sort(byCode)).toEqual(expected.sort(byCode));

    // Into an empty table (as after a bulk load's truncation): a row for every organisation not pending establishment.
    await app.write((tx) => tx.sql('delete from progress_counter'));
    await app.write((tx) => rebuildCounters(tx.sql), { operation: 'rebuildCounters', treeLock: 'exclusive' });
    expect(await app.drift()).toEqual([]);
    const [refilled, overridesRefilled] = await snapshot();
    expect(overridesRefilled).toEqual(overrides);
    expect([...refilled].sort(byCode)).toEqual(expected.filter((c) => !pending.some((p) => p.code === c.code)).sort(byCode));
    // Its foreign key is still there, and still checked.
    await expect(app.write((tx) => tx.sql(`insert into progress_counter (organization_id) values ('00000000-0000-4000-8000-000000000001')`))).rejects.toThrow(/foreign key/);
  });
});
