import type { Server } from 'node:http';
import { silentLogger } from '../src/common/log';
import { DEFAULT_LIMITS } from '../src/config';
import { databaseReady } from '../src/database/orm';
import { createApp } from '../src/server/app';
import { approve, recordHeld, schedule } from './support/congress';
import { globalId, startTestApp, withoutCost, type TestApp } from './support/harness';
import { smallTree } from './support/trees';

/**
 * The response cache (src/cache/response-cache.ts): answers reused only at the data version they were computed at.
 * Two API instances on one database: a write through one is never hidden by the other's cache.
 */
let app: TestApp;
let ids: Map<string, string>;
let other: { url: string; close(): Promise<void> };

const PROGRESS = `query($id: ID!) { node(id: $id) { ... on Organization { name progress { organizations held byStage { stage count } } } } }`;

beforeAll(async () => {
  app = await startTestApp({ responseCacheMb: 8 });
  ids = await app.tree(smallTree('RC'));
  // A second instance: its own Apollo server and cache, the same database.
  const { app: express, apollo } = await createApp({
    orm: app.orm,
    kernel: app.kernel,
    config: { introspection: true, sqlStatementHeader: true, anonymousRole: null, limits: { ...DEFAULT_LIMITS, costBudgetPerMinute: 1_000_000_000 }, responseCacheMb: 8 },
    logger: silentLogger,
    today: () => '2026-11-27',
    ready: () => databaseReady(app.orm),
  });
  const server: Server = await new Promise((resolve) => {
    const s = express.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  other = {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await apollo.stop();
    },
  };
});
afterAll(async () => {
  await other.close();
  await app.close();
});

async function gqlOn(url: string, query: string, variables: Record<string, unknown>, token = app.adminToken) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const { body, cost } = withoutCost((await res.json()) as Record<string, any>);
  return { body, cost, statements: Number(res.headers.get('x-sql-statements')) };
}

const heldOf = (body: any) => body.data.node.progress.held as number;

describe('the response cache', () => {
  it('answers a repeated query with the authenticating statement only, the same answer, its cost still spent', async () => {
    const vars = { id: globalId('Organization', ids.get('RC-BLOC')!) };
    const first = await app.gql(PROGRESS, vars);
    expect(first.body.errors).toBeUndefined();
    expect(first.statements).toBeGreaterThan(1);
    const second = await app.gql(PROGRESS, vars);
    expect(second.body).toEqual(first.body);
    expect(second.statements).toBe(1);
    expect(second.cost!.requested).toBe(first.cost!.requested);
    expect(second.cost!.remaining).toBe(first.cost!.remaining! - first.cost!.requested);
  });

  it('never serves an answer a committed write has changed, on this instance or another one', async () => {
    const cell = ids.get('RC-MA-B1-C1')!;
    const vars = { id: globalId('Organization', ids.get('RC-BLOC')!) };
    let congress = await schedule(app, cell, '2025-03-10');
    expect(congress.id).toBeTruthy();
    for (const url of [app.url, other.url]) await gqlOn(url, PROGRESS, vars); // both caches hold the answer
    const before = heldOf((await gqlOn(other.url, PROGRESS, vars)).body);
    congress = await approve(app, congress, '2025-03-01');
    expect((await recordHeld(app, congress, '2025-03-10')).userErrors).toEqual([]);
    // The write went through the first instance; the second answers afresh at once.
    const after = await gqlOn(other.url, PROGRESS, vars);
    expect(heldOf(after.body)).toBe(before + 1);
    expect(after.statements).toBeGreaterThan(1);
    expect(heldOf((await gqlOn(app.url, PROGRESS, vars)).body)).toBe(before + 1);
  });

  it('keeps answers apart by scope and by principal where the query names the viewer', async () => {
    const a = await app.principal('VIEWER', ids.get('RC-MA')!, { name: 'viewer of MA' });
    const b = await app.principal('VIEWER', ids.get('RC-MB')!, { name: 'viewer of MB' });
    const b2 = await app.principal('VIEWER', ids.get('RC-MB')!, { name: 'another viewer of MB' });
    const q = `query($id: ID!) { node(id: $id) { ... on Organization { name } } }`;
    const vars = { id: globalId('Organization', ids.get('RC-MA-B1')!) };
    expect((await app.gql(q, vars, { as: a })).body.data.node.name).toBe('Đảng bộ Cơ quan A RC');
    expect((await app.gql(q, vars, { as: b })).body.data.node).toBeNull(); // outside MB's scope, not A's answer
    const who = `{ viewer { name } }`;
    expect((await app.gql(who, {}, { as: b })).body.data.viewer.name).toBe('viewer of MB');
    expect((await app.gql(who, {}, { as: b2 })).body.data.viewer.name).toBe('another viewer of MB');
  });

  it('shares one execution between identical requests arriving together', async () => {
    const vars = { id: globalId('Organization', ids.get('RC-TW')!) };
    await app.write(async () => undefined); // nothing changes: the version stays, but nothing of this query is cached yet
    const all = await Promise.all(Array.from({ length: 8 }, () => app.gql(PROGRESS, vars)));
    for (const r of all) expect(r.body).toEqual(all[0].body);
    const executed = all.filter((r) => r.statements > 1).length;
    expect(executed).toBeGreaterThanOrEqual(1);
    expect(executed).toBeLessThan(8);
  });

  it('does not keep an answer with errors, nor a mutation’s', async () => {
    const bad = `query { node(id: "not-an-id") { id } }`;
    const one = await app.gql(bad);
    const two = await app.gql(bad);
    expect(two.body).toEqual(one.body);
    expect(two.statements).toBe(one.statements);
  });
});
