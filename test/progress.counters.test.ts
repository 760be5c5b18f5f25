import { demoTree } from '../seeds/demo-tree';
import { endOfTheBlocs, financeMerger, taxRename } from '../seeds/history-2025';
import { ADVANCE, recordHeld, schedule } from './support/congress';
import { startTestApp, type TestApp } from './support/harness';
import { enact } from './support/restructuring';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ today: '2026-11-27' });
});
afterAll(() => app.close());

const drift = () => app.drift();

describe('roll-up counters stay exact in the same transaction as every change', () => {
  it('through tree building, congress changes, moves and restructurings', async () => {
    const ids = await app.tree(demoTree);
    expect(await drift()).toEqual([]);
    const c = await schedule(app, ids.get('BTC-KBNN-CB01')!, '2025-02-10', '2025-02-10', { pilot: true, deadline: '2025-02-28' });
    expect(await drift()).toEqual([]);
    await app.gql(ADVANCE, { input: { id: c.id, version: c.version, stage: 'APPROVED', effectiveOn: '2025-01-20' } });
    expect(await drift()).toEqual([]);
    expect((await recordHeld(app, { id: c.id, version: c.version + 1 }, '2025-02-10')).userErrors).toEqual([]);
    expect(await drift()).toEqual([]);
    await enact(app, endOfTheBlocs);
    expect(await drift()).toEqual([]);
    await enact(app, financeMerger);
    await enact(app, taxRename);
    expect(await drift()).toEqual([]);
    const [root] = await app.readBack<{ orgs: number; pending: number }>(
      `select pc.orgs, pc.pending from progress_counter pc join organization o on o.id = pc.organization_id where o.code = 'TW'`,
    );
    const [{ n }] = await app.readBack<{ n: number }>(`select count(*)::int as n from organization_placement where valid_to is null`);
    expect(root.orgs).toBe(n - 1);
  });
});
