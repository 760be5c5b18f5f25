import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlOf } from '../src/common/sql';
import { findDrift } from '../src/progress/progress.rebuild';
import { loadSynthetic } from '../src/progress/synthetic';
import { globalId, startTestApp, type TestApp } from './support/harness';

const TODAY = '2026-11-27';
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ today: TODAY });
  const em = app.orm.em.fork() as EntityManager;
  await em.transactional((tem) => loadSynthetic(sqlOf(tem as EntityManager), { orgs: 4000, seed: 7, today: TODAY }));
});
afterAll(() => app.close());

const DASHBOARD = `query($root: ID!, $first: Int!, $asOf: Date) {
  node(id: $root) { ... on Organization {
    name progress(asOf: $asOf) { organizations congressesExpected held heldRatio overdue members byLevel { level organizations held overdue } byStage { stage count } }
    children(first: $first, asOf: $asOf) { totalCount nodes {
      name level progress(asOf: $asOf) { organizations held heldRatio overdue }
      congress { stage overdue }
      pendingRestructuring { kind }
    } }
  } }
}`;

describe('the dashboard request', () => {
  it('issues the same number of SQL statements over 10 and over 50 children, today and on a past date', async () => {
    const [root] = await app.readBack<{ id: string }>(`select o.id from organization o where o.level = 'CENTRAL_COMMITTEE'`);
    const [ab] = await app.readBack<{ id: string; n: number }>(
      `select p.parent_id as id, count(*)::int as n from organization_placement p join organization o on o.id = p.parent_id
        where p.valid_to is null and o.level = 'ABOVE_BASE' group by p.parent_id order by n desc limit 1`,
    );
    expect(ab.n).toBeGreaterThanOrEqual(10);
    const counts: Record<string, number> = {};
    for (const asOf of [null, '2025-04-15']) {
      for (const [label, id, first] of [['root/10', root.id, 10], ['root/50', root.id, 50], ['ministry/10', ab.id, 10]] as const) {
        const res = await app.gql(DASHBOARD, { root: globalId('Organization', id), first, asOf });
        expect(res.body.errors).toBeUndefined();
        counts[`${label}@${asOf ?? 'today'}`] = res.statements;
      }
    }
    process.stdout.write(`dashboard SQL statements: ${JSON.stringify(counts)}\n`);
    for (const asOf of ['today', '2025-04-15']) {
      expect(counts[`root/50@${asOf}`]).toBe(counts[`root/10@${asOf}`]);
      expect(counts[`ministry/10@${asOf}`]).toBe(counts[`root/10@${asOf}`]);
    }
    // Today the roll-ups come from the counters; a past date adds one live statement per depth.
    expect(counts['root/50@today']).toBeLessThanOrEqual(8);
  });
});

describe('concurrent writers', () => {
  it('8 writers on 8 connections in different subtrees for a few seconds: no deadlock, no drift', async () => {
    // Eight above-base subtrees, each written by its own connection through the API's services.
    const subtrees = await app.readBack<{ id: string }>(
      `select p.parent_id as id from organization_placement p join organization o on o.id = p.parent_id
        where p.valid_to is null and o.level = 'ABOVE_BASE' group by p.parent_id having count(*) >= 3 order by count(*) desc limit 8`,
    );
    expect(subtrees).toHaveLength(8);
    const errors: string[] = [];
    let writes = 0;
    const deadline = Date.now() + 4000;
    await Promise.all(
      subtrees.map(async ({ id }, w) => {
        const congresses = await app.readBack<{ id: string }>(
          `select c.id from congress c join organization_placement p on p.organization_id = c.organization_id and p.valid_to is null
            where p.path @> array[$1::uuid] and c.stage not in ('HELD', 'RESULTS_CONFIRMED', 'SUPERSEDED')`,
          [id],
        );
        let i = 0;
        while (Date.now() < deadline && congresses.length) {
          const c = congresses[i++ % congresses.length];
          const [{ version }] = await app.readBack<{ version: number }>('select version from congress where id = $1', [c.id]);
          const stage = ['PLAN_ISSUED', 'DOCUMENTS_DRAFTED', 'PERSONNEL_PLANNED', 'APPROVED'][i % 4];
          const res = await app.gql(`mutation($input: CongressAdvanceInput!) { congressAdvance(input: $input) { userErrors { code } } }`, {
            input: { id: globalId('Congress', c.id), version, stage, reason: `writer ${w}`, effectiveOn: TODAY },
          });
          if (res.body.errors) errors.push(JSON.stringify(res.body.errors));
          else writes++;
        }
      }),
    );
    expect(errors).toEqual([]);
    expect(writes).toBeGreaterThan(40);
    process.stdout.write(`concurrent writes: ${writes} in 4 s by 8 writers\n`);
    expect(await findDrift(sqlOf(app.orm.em.fork() as EntityManager))).toEqual([]);
  });
});

describe('concurrent writers on the same organisations', () => {
  it('congress changes, member counts and moves racing on one subtree leave no drift and no deadlock', async () => {
    const cells = await app.readBack<{ id: string; congress: string }>(
      `select o.id, c.id as congress from organization o join congress c on c.organization_id = o.id
        join organization_placement p on p.organization_id = o.id and p.valid_to is null
       where o.level = 'CELL' and c.stage in ('NOT_STARTED', 'PLAN_ISSUED', 'DOCUMENTS_DRAFTED') order by o.code limit 6`,
    );
    const bases = await app.readBack<{ id: string }>(
      `select o.id from organization o join organization_placement p on p.organization_id = o.id and p.valid_to is null where o.level = 'BASE_COMMITTEE' order by o.code limit 4`,
    );
    const errors: string[] = [];
    const deadline = Date.now() + 3000;
    const worker = async (w: number) => {
      let i = 0;
      while (Date.now() < deadline) {
        const cell = cells[(w + i++) % cells.length];
        const kind = (w + i) % 3;
        let res;
        if (kind === 0) {
          const [{ version }] = await app.readBack<{ version: number }>('select version from congress where id = $1', [cell.congress]);
          res = await app.gql(`mutation($input: CongressAdvanceInput!) { congressAdvance(input: $input) { userErrors { code } } }`, {
            input: { id: globalId('Congress', cell.congress), version, stage: ['PLAN_ISSUED', 'APPROVED'][i % 2], reason: 'race', effectiveOn: TODAY },
          });
        } else if (kind === 1) {
          const [{ version }] = await app.readBack<{ version: number }>('select version from organization where id = $1', [cell.id]);
          res = await app.gql(`mutation($input: OrganizationUpdateInput!) { organizationUpdate(input: $input) { userErrors { code } } }`, {
            input: { id: globalId('Organization', cell.id), version, memberCount: 10 + ((w * 7 + i) % 40) },
          });
        } else {
          res = await app.gql(`mutation($input: OrganizationMoveInput!) { organizationMove(input: $input) { userErrors { code } } }`, {
            input: { id: globalId('Organization', cell.id), newParent: globalId('Organization', bases[(w + i) % bases.length].id), effectiveOn: TODAY },
          });
        }
        if (res.body.errors) errors.push(JSON.stringify(res.body.errors));
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
    expect(errors).toEqual([]);
    expect(await findDrift(sqlOf(app.orm.em.fork() as EntityManager))).toEqual([]);
  });
});
