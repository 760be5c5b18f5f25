import http, { type Server } from 'node:http';
import { parse, type GraphQLObjectType, type OperationDefinitionNode } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { Client as PgClient } from 'pg';
import WebSocket from 'ws';
import { createLogger, silentLogger } from '../src/common/log';
import { DEFAULT_LIMITS, type LimitsConfig } from '../src/config';
import { databaseReady } from '../src/database/orm';
import { LiveHub } from '../src/live/live.hub';
import type { ChangeNotification } from '../src/live/live.notify';
import { attachLiveServer, type LiveServer, type LiveServerDeps } from '../src/server/live.server';
import { buildAppSchema } from '../src/schema';
import { createApp } from '../src/server/app';
import { createLoaders } from '../src/server/context';
import { createErrorFormatter } from '../src/server/errors';
import { createBudget, type CostBudget } from '../src/server/limits.budget';
import { subscriptionCost } from '../src/server/live.limits';
import { approve, recordHeld, schedule, type CongressRef } from './support/congress';
import { adminQuery } from './support/databases';
import { globalId, startTestApp, type TestApp } from './support/harness';
import { smallTree } from './support/trees';

/**
 * Live updates (src/live): GraphQL subscriptions over graphql-ws on the API's own port and path, fed by the
 * after-commit notifications that each instance LISTENs to on its own connection. Real websockets, real servers, one
 * database for two instances.
 */

const PROGRESS_FIELDS = 'organizations congressesExpected held heldRatio overdue byStage { stage count } members';
const SUBSCRIPTION = `subscription($under: ID!) {
  progressChanged(under: $under) { operation at organization { id code name } progress { ${PROGRESS_FIELDS} } }
}`;
const PROGRESS_QUERY = `query($code: String!) { organization(code: $code) { progress { ${PROGRESS_FIELDS} } } }`;

let app: TestApp;
let other: { url: string; live: LiveServer; close(): Promise<void> };
let ids: Map<string, string>;
const clients: Client[] = [];

/** A second instance: its own Apollo server, its own live server and listener, the same database. */
async function startOther(): Promise<typeof other> {
  const { app: express, apollo, attachLive } = await createApp({
    orm: app.orm,
    kernel: app.kernel,
    config: { introspection: true, sqlStatementHeader: true, anonymousRole: null, limits: { ...DEFAULT_LIMITS, costBudgetPerMinute: 1_000_000_000 } },
    logger: silentLogger,
    today: () => '2026-11-27',
    ready: () => databaseReady(app.orm),
  });
  const server: Server = await new Promise((resolve) => {
    const s = express.listen(0, '127.0.0.1', () => resolve(s));
  });
  const live = await attachLive(server);
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    live,
    async close() {
      await live.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await apollo.stop();
    },
  };
}

beforeAll(async () => {
  app = await startTestApp();
  ids = await app.tree(smallTree('LV'));
  other = await startOther();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await other.close();
  await app.close();
});

const id = (code: string) => globalId('Organization', ids.get(`LV-${code}`)!);

interface Closed {
  code: number;
  reason: string;
}

/** A graphql-ws client of the instance at `url`, never retrying (a refusal is seen as it is). */
function client(url: string, connectionParams: Record<string, unknown> | undefined, onClosed?: (e: Closed) => void): Client {
  const c = createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
    on: { closed: (e) => onClosed?.(e as Closed) },
  });
  clients.push(c);
  return c;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** What one subscription received: results, then maybe an error (a close event or errors) or completion. */
class Subscriber {
  readonly results: any[] = [];
  error: unknown = null;
  completed = false;
  private taken = 0;
  private wake: (() => void) | null = null;
  readonly dispose: () => void;

  constructor(c: Client, query: string, variables: Record<string, unknown>) {
    const poke = () => {
      const w = this.wake;
      this.wake = null;
      w?.();
    };
    this.dispose = c.subscribe(
      { query, variables },
      {
        next: (v) => {
          this.results.push(v);
          poke();
        },
        error: (e) => {
          this.error = e;
          poke();
        },
        complete: () => {
          this.completed = true;
          poke();
        },
      },
    );
  }

  /** Waits for something to happen (with a generous deadline, so a missing event fails instead of hanging). */
  async until(done: () => boolean, what: string, ms = 15_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; received ${JSON.stringify(this.results)}, error ${JSON.stringify(this.error)}`);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 100);
      });
    }
  }

  /** The next result not taken yet. */
  async next(): Promise<any> {
    await this.until(() => this.results.length > this.taken || this.error !== null || this.completed, 'the next event');
    if (this.results.length > this.taken) return this.results[this.taken++];
    throw new Error(`ended without a result: ${JSON.stringify(this.error)}`);
  }

  async ended(): Promise<void> {
    await this.until(() => this.error !== null || this.completed, 'the end');
  }
}

/** Waits until `live` holds `n` open subscriptions (the server has checked and registered them). */
async function registered(live: LiveServer, n: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (live.hub.size !== n) {
    if (Date.now() > deadline) throw new Error(`the server holds ${live.hub.size} subscriptions, not ${n}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface Bare {
  url: string;
  live: LiveServer;
  close(): Promise<void>;
}

/**
 * Only the WebSocket side, on a plain HTTP server of its own (the same database), with the production limits unless
 * told otherwise, ANONYMOUS_ROLE=PUBLIC, and a budget the suite cannot spend unless one is given.
 */
async function startBare(
  opts: Partial<Pick<LiveServerDeps, 'createLoaders' | 'budget' | 'logger' | 'listener' | 'outageRetryMs'>> & { limits?: Partial<LimitsConfig> } = {},
): Promise<Bare> {
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const live = await attachLiveServer(server, {
    schema: await buildAppSchema(),
    orm: app.orm,
    kernel: app.kernel,
    createLoaders: opts.createLoaders ?? ((em) => createLoaders(em)),
    anonymousRole: 'PUBLIC',
    limits: { ...DEFAULT_LIMITS, ...opts.limits },
    budget: opts.budget ?? createBudget({ perMinute: 1_000_000_000, keyPrefix: 'live-test', logger: silentLogger }),
    formatError: createErrorFormatter(silentLogger),
    logger: opts.logger ?? silentLogger,
    today: () => '2026-11-27',
    listener: opts.listener,
    outageRetryMs: opts.outageRetryMs,
  });
  const address = server.address();
  let closed = false;
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    live,
    async close() {
      if (closed) return;
      closed = true;
      await live.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

const progressOf = (code: string, token = app.adminToken) => progressByCode(`LV-${code}`, token);

async function progressByCode(code: string, token = app.adminToken) {
  const { body } = await app.gql(PROGRESS_QUERY, { code }, { as: token });
  expect(body.errors).toBeUndefined();
  return body.data.organization.progress;
}

/** A congress of a cell, scheduled and approved: recording it held is one more write. */
async function approvedCongress(cell: string): Promise<CongressRef> {
  const c = await schedule(app, ids.get(`LV-${cell}`)!, '2025-03-10');
  return approve(app, c, '2025-03-01');
}

describe('the schema', () => {
  it('the subscription these tests send selects every field of Subscription and ProgressChangedEvent (test/every-field.test.ts leaves them to this file)', async () => {
    const schema = await buildAppSchema();
    const unselected = (type: string) => Object.keys((schema.getType(type) as GraphQLObjectType).getFields()).filter((f) => !new RegExp(`\\b${f}\\b`).test(SUBSCRIPTION));
    expect({ Subscription: unselected("Subscription"), ProgressChangedEvent: unselected("ProgressChangedEvent") }).toEqual({ Subscription: [], ProgressChangedEvent: [] });
  });
});

describe('pricing', () => {
  it('a subscription whose events read a roll-up on a past date takes the past-date lane; one of today does not', async () => {
    const schema = await buildAppSchema();
    const priced = (text: string) => {
      const document = parse(text);
      return subscriptionCost(schema, document, document.definitions[0] as OperationDefinitionNode, { under: 'x' }, '2026-11-27', 1000);
    };
    expect(priced('subscription($under: ID!) { progressChanged(under: $under) { progress { held } } }')).toMatchObject({ lane: 'ordinary' });
    expect(priced('subscription($under: ID!) { progressChanged(under: $under) { organization { progress(asOf: "2025-06-01") { held } } } }')).toMatchObject({ lane: 'past' });
  });
});

describe('a write through one instance reaches a subscriber on another', () => {
  it('with the numbers a query then returns, not the ones before', async () => {
    const congress = await approvedCongress('MA-B1-C1');
    const before = await progressOf('MA');
    const sub = new Subscriber(client(other.url, bearer(app.adminToken)), SUBSCRIPTION, { under: id('MA') });
    await registered(other.live, 1);

    // Through instance A: its notification is heard by B's own listener.
    expect((await recordHeld(app, congress, '2025-03-10')).userErrors).toEqual([]);
    const event = (await sub.next()).data.progressChanged;
    const after = await progressOf('MA');
    expect(after.held).toBe(before.held + 1);
    expect(event.progress).toEqual(after);
    expect(event.progress).not.toEqual(before);
    expect(event.operation).toBe('congressRecordResult');
    expect(event.organization).toEqual({ id: id('MA'), code: 'LV-MA', name: 'Đảng ủy Bộ Tài chính LV' });
    expect(new Date(event.at).toISOString()).toBe(event.at);
    sub.dispose();
    await registered(other.live, 0);
  });
});

describe('scope', () => {
  it('a subscriber scoped outside the changed subtree receives nothing; one inside receives the change', async () => {
    const inside = await app.principal('VIEWER', ids.get('LV-MA')!, { name: 'viewer of MA' });
    const outside = await app.principal('VIEWER', ids.get('LV-MB')!, { name: 'viewer of MB' });
    const congressA = await approvedCongress('MA-B1-C2');
    const congressB = await approvedCongress('MB-B1-C1');
    const subIn = new Subscriber(client(app.url, bearer(inside)), SUBSCRIPTION, { under: id('MA-B1') });
    const subOut = new Subscriber(client(other.url, bearer(outside)), SUBSCRIPTION, { under: id('MB') });
    await registered(app.live, 1);
    await registered(other.live, 1);

    expect((await recordHeld(app, congressA, '2025-03-10')).userErrors).toEqual([]);
    const event = (await subIn.next()).data.progressChanged;
    expect(event.progress).toEqual(await progressOf('MA-B1', inside));
    // The other instance heard the same notification (it listens for itself), and it concerns nothing of MB.
    await new Promise((r) => setTimeout(r, 300));
    expect(subOut.results).toEqual([]);

    // MB's own change does reach it: it was live all along.
    expect((await recordHeld(app, congressB, '2025-03-10')).userErrors).toEqual([]);
    const own = (await subOut.next()).data.progressChanged;
    expect(own.progress).toEqual(await progressOf('MB', outside));
    expect(own.organization.code).toBe('LV-MB');
    subIn.dispose();
    subOut.dispose();
    await registered(app.live, 0);
    await registered(other.live, 0);
  });

  it('an organisation outside the caller’s scope, an ancestor of it or an unknown one: NOT_FOUND, then nothing', async () => {
    const viewer = await app.principal('VIEWER', ids.get('LV-MB')!, { name: 'viewer of MB, curious' });
    const c = client(app.url, bearer(viewer));
    for (const under of [id('MA'), id('BLOC'), globalId('Organization', '0e0e0e0e-0000-4000-8000-00000000e0e0')]) {
      const sub = new Subscriber(c, SUBSCRIPTION, { under });
      await sub.ended();
      expect(sub.completed).toBe(true);
      expect(sub.results).toHaveLength(1);
      expect(sub.results[0].data ?? null).toBeNull();
      expect(sub.results[0].errors.map((e: any) => e.extensions.code)).toEqual(['NOT_FOUND']);
    }
    expect(app.live.hub.size).toBe(0);
    // A malformed id is the client's error, as for queries.
    const bad = new Subscriber(c, SUBSCRIPTION, { under: 'not-an-id' });
    await bad.ended();
    expect(bad.results[0].errors.map((e: any) => e.extensions.code)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('authentication', () => {
  it.each([
    ['no token', undefined],
    ['a malformed token', { authorization: 'Bearer nope' }],
    ['an unknown token', bearer(`dh_${'A'.repeat(43)}`)],
    ['two different tokens', { authorization: `Bearer dh_${'A'.repeat(43)}`, Authorization: `Bearer dh_${'B'.repeat(43)}` }],
  ])('%s: the connection is refused with 4401', async (_name, params) => {
    let closed: Closed | null = null;
    const sub = new Subscriber(client(app.url, params, (e) => (closed = e)), SUBSCRIPTION, { under: id('MA') });
    await sub.ended();
    expect(sub.results).toEqual([]);
    expect(closed).toMatchObject({ code: 4401 });
    expect((closed as unknown as Closed).reason).toMatch(/^Unauthorized: /);
  });

  it('`Authorization` (capitalised) works as well', async () => {
    const sub = new Subscriber(client(app.url, { Authorization: `Bearer ${app.adminToken}` }), SUBSCRIPTION, { under: id('MB') });
    await registered(app.live, 1);
    sub.dispose();
    await registered(app.live, 0);
  });

  it('revoking the token ends its subscriptions: the connection is closed with 4401', async () => {
    const { body } = await app.gql(`mutation($input: PrincipalCreateInput!) { principalCreate(input: $input) { principal { id } token userErrors { code } } }`, {
      input: { name: 'viewer to revoke', role: 'VIEWER', scope: id('MA') },
    });
    const { principal, token } = body.data.principalCreate;
    let closed: Closed | null = null;
    const sub = new Subscriber(client(app.url, bearer(token), (e) => (closed = e)), SUBSCRIPTION, { under: id('MA') });
    await registered(app.live, 1);
    const revoked = await app.gql(`mutation($input: PrincipalRevokeInput!) { principalRevoke(input: $input) { userErrors { code } } }`, { input: { principal: principal.id } });
    expect(revoked.body.data.principalRevoke.userErrors).toEqual([]);
    await sub.ended();
    expect(closed).toMatchObject({ code: 4401 });
    await registered(app.live, 0);
  });
});

describe('what a connection may ask', () => {
  it('subscriptions only (queries and mutations go over HTTP), within the HTTP API’s shape limits', async () => {
    const c = client(app.url, bearer(app.adminToken));
    const query = new Subscriber(c, `{ organization(code: "LV-MA") { name } }`, {});
    await query.ended();
    expect(JSON.stringify(query.error)).toContain('BAD_USER_INPUT');
    const deep = `subscription($under: ID!) { progressChanged(under: $under) { organization { ${'parent { '.repeat(14)}name${' }'.repeat(14)} } } }`;
    const tooDeep = new Subscriber(c, deep, { under: id('MA') });
    await tooDeep.ended();
    expect(tooDeep.error).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit: 'depth' }) })]);
    const invalid = new Subscriber(c, `subscription { progressChanged(under: "x") { nope } }`, {});
    await invalid.ended();
    expect(invalid.error).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT' } })]);
  });

  it('at most 20 subscriptions per connection: the 21st is refused with RATE_LIMITED', async () => {
    const c = client(app.url, bearer(app.adminToken));
    const subs = Array.from({ length: 20 }, () => new Subscriber(c, SUBSCRIPTION, { under: id('MB-B1') }));
    await registered(app.live, 20);
    const extra = new Subscriber(c, SUBSCRIPTION, { under: id('MB-B1') });
    await extra.ended();
    expect(extra.error).toEqual([expect.objectContaining({ extensions: { code: 'RATE_LIMITED', limit: 'subscriptions', maximum: 20 } })]);
    for (const s of subs) s.dispose();
    await registered(app.live, 0);
  });

  it('a subscription sent over HTTP is told where subscriptions are served', async () => {
    const { body } = await app.gql(SUBSCRIPTION, { under: id('MA') });
    expect(body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0].message).toMatch(/WebSocket/);
  });
});

describe('the listener', () => {
  it('reconnects after its connection is terminated, refreshes every subscription, and still delivers', async () => {
    const sub = new Subscriber(client(app.url, bearer(app.adminToken)), SUBSCRIPTION, { under: id('BLOC') });
    await registered(app.live, 1);
    const pid = app.live.listener.pid;
    expect(pid).toEqual(expect.any(Number));
    const [{ terminated }] = await app.readBack<{ terminated: boolean }>('select pg_terminate_backend($1) as terminated', [pid]);
    expect(terminated).toBe(true);

    // Back, with one event for what may have been missed meanwhile.
    const resync = (await sub.next()).data.progressChanged;
    expect(resync.operation).toBe('resync');
    expect(resync.progress).toEqual(await progressOf('BLOC'));
    expect(app.live.listener.pid).not.toBe(pid);

    // And live again: a write is heard on the new connection.
    await schedule(app, ids.get('LV-MA-B1')!, '2025-04-10');
    const event = (await sub.next()).data.progressChanged;
    expect(event.operation).toBe('congressSchedule');
    expect(event.progress).toEqual(await progressOf('BLOC'));
    sub.dispose();
    await registered(app.live, 0);
  });
});

describe('the hub (coalescing)', () => {
  const note = (operation: string, organizations: string[], truncated = false): ChangeNotification => ({
    operation,
    version: '1',
    organizations,
    ...(truncated ? { truncated: true as const } : {}),
  });

  it('keeps at most one pending event per subscription, with the latest operation, however many writes come in', async () => {
    const hub = new LiveHub({ related: async () => new Set() });
    const slow = hub.subscribe('X');
    const untouched = hub.subscribe('Y');
    for (let i = 0; i < 1000; i++) await hub.publish(note(`write${i}`, ['X', 'ROOT']));
    expect(slow.pendingEvents).toBe(1);
    expect(untouched.pendingEvents).toBe(0);
    const first = await slow.next();
    expect(first.value).toMatchObject({ under: 'X', operation: 'write999' });
    expect(slow.pendingEvents).toBe(0);
    // Nothing more until the next write.
    let settled = false;
    const waiting = slow.next().then((r) => ((settled = true), r));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    await hub.publish(note('later', ['X']));
    expect((await waiting).value).toMatchObject({ operation: 'later' });
    slow.end();
    untouched.end();
    expect(hub.size).toBe(0);
  });

  it('truncated notifications: the listed roots and what is related to them; nothing listed: everything', async () => {
    const asked: [string[], string[]][] = [];
    const hub = new LiveHub({
      related: async (subscribed, listed) => {
        asked.push([[...subscribed].sort(), listed]);
        return new Set(subscribed.filter((s) => s === 'UNDER-R'));
      },
    });
    const [r, under, apart] = ['R', 'UNDER-R', 'APART'].map((x) => hub.subscribe(x));
    await hub.publish(note('big', ['R'], true));
    expect([r.pendingEvents, under.pendingEvents, apart.pendingEvents]).toEqual([1, 1, 0]);
    expect(asked).toEqual([[['APART', 'R', 'UNDER-R'], ['R']]]);
    await hub.publish(note('all', [], true));
    expect(apart.pendingEvents).toBe(1);
    expect((await r.next()).value.operation).toBe('all');
    hub.close();
    expect(await apart.next()).toEqual({ value: undefined, done: true });
    expect(hub.size).toBe(0);
  });

  it('when it cannot tell what a truncated notification concerns, it marks every subscription', async () => {
    const hub = new LiveHub({ related: () => Promise.reject(new Error('database down')) });
    const a = hub.subscribe('A');
    await hub.publish(note('big', ['R'], true));
    expect(a.pendingEvents).toBe(1);
  });
});

describe('truncated notifications, end to end', () => {
  it('a change concerning the whole tree (truncated, listing the roots) reaches a subscriber deep in it', async () => {
    const sub = new Subscriber(client(app.url, bearer(app.adminToken)), SUBSCRIPTION, { under: id('MB-B1') });
    await registered(app.live, 1);
    // As live.notify.ts announces a calendar change: the roots of the tree, truncated.
    const payload = { operation: 'termCalendarSet', version: '0', organizations: [ids.get('LV-TW')], truncated: true };
    await app.readBack(`select pg_notify('daihoi_changes', $1)`, [JSON.stringify(payload)]);
    const event = (await sub.next()).data.progressChanged;
    expect(event.operation).toBe('termCalendarSet');
    expect(event.progress).toEqual(await progressOf('MB-B1'));
    sub.dispose();
    await registered(app.live, 0);
  });
});

describe('a bare live server (its own wiring): shared reads, anonymous callers, an organisation leaving the scope', () => {
  let bare: Bare;
  let loaderSets = 0;
  let tree: Map<string, string>;
  const wid = (code: string) => globalId('Organization', tree.get(`LW-${code}`)!);

  beforeAll(async () => {
    tree = await app.tree(smallTree('LW'));
    // Only the WebSocket side on a plain HTTP server, with ANONYMOUS_ROLE=PUBLIC and its loader sets counted.
    bare = await startBare({
      createLoaders: (em) => {
        loaderSets++;
        return createLoaders(em);
      },
    });
  });
  afterAll(() => bare.close());

  it('subscribers with the same scope share one set of reads per batch', async () => {
    const viewer = await app.principal('VIEWER', tree.get('LW-MA')!, { name: 'viewer of LW-MA' });
    const congress = await schedule(app, tree.get('LW-MA-B1-C1')!, '2025-03-10');
    const admins = [client(bare.url, bearer(app.adminToken)), client(bare.url, bearer(app.adminToken))];
    const subs = [
      new Subscriber(admins[0], SUBSCRIPTION, { under: wid('MA') }),
      new Subscriber(admins[0], SUBSCRIPTION, { under: wid('MA') }),
      new Subscriber(admins[1], SUBSCRIPTION, { under: wid('MA-B1') }),
      new Subscriber(client(bare.url, bearer(viewer)), SUBSCRIPTION, { under: wid('MA') }),
    ];
    await registered(bare.live, 4);
    const before = loaderSets;
    await approve(app, congress, '2025-03-01');
    const events = await Promise.all(subs.map(async (s) => (await s.next()).data.progressChanged));
    for (const e of events) expect(e.operation).toBe('congressAdvance');
    const ma = await progressByCode('LW-MA');
    expect(events.map((e) => e.progress)).toEqual([ma, ma, await progressByCode('LW-MA-B1'), ma]);
    // One set for the ADMIN scope (three subscriptions, two connections), one for the VIEWER's.
    expect(loaderSets - before).toBe(2);
    for (const s of subs) s.dispose();
    await registered(bare.live, 0);
  });

  it('ANONYMOUS_ROLE=PUBLIC: a connection without a token is served as PUBLIC', async () => {
    const sub = new Subscriber(client(bare.url, undefined), SUBSCRIPTION, { under: wid('MB') });
    await registered(bare.live, 1);
    await schedule(app, tree.get('LW-MB-B1-C1')!, '2025-03-12');
    const event = (await sub.next()).data.progressChanged;
    expect(event.operation).toBe('congressSchedule');
    expect(event.organization.code).toBe('LW-MB');
    sub.dispose();
    await registered(bare.live, 0);
  });

  it('an organisation that leaves the caller’s scope: one NOT_FOUND event, then the subscription ends', async () => {
    const viewer = await app.principal('VIEWER', tree.get('LW-MA')!, { name: 'viewer of LW-MA, losing B1' });
    const sub = new Subscriber(client(bare.url, bearer(viewer)), SUBSCRIPTION, { under: wid('MA-B1') });
    await registered(bare.live, 1);
    const { body } = await app.gql(`mutation($input: OrganizationMoveInput!) { organizationMove(input: $input) { userErrors { code } } }`, {
      input: { id: wid('MA-B1'), newParent: wid('MB'), effectiveOn: '2025-03-01' },
    });
    expect(body.data.organizationMove.userErrors).toEqual([]);
    await sub.ended();
    expect(sub.completed).toBe(true);
    expect(sub.results).toHaveLength(1);
    expect(sub.results[0].errors.map((e: any) => e.extensions.code)).toEqual(['NOT_FOUND']);
    await registered(bare.live, 0);
  });
});

/** A raw WebSocket to `url`'s /graphql with graphql-ws's subprotocol: how it opened (or was refused) and closed. */
function raw(url: string, opts: WebSocket.ClientOptions = {}) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', opts);
  const outcome = new Promise<{ opened: true } | { status: number; body: string }>((resolve) => {
    ws.once('open', () => resolve({ opened: true }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
  });
  ws.on('error', () => undefined); // a refused or dropped socket: its close says how
  const closed = new Promise<Closed>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const messages: any[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data))));
  return {
    ws,
    outcome,
    closed,
    messages,
    /** Sends `connection_init` and waits for the ack. */
    async init(params?: Record<string, unknown>) {
      ws.send(JSON.stringify({ type: 'connection_init', payload: params }));
      const deadline = Date.now() + 15_000;
      while (!messages.some((m) => m.type === 'connection_ack')) {
        if (Date.now() > deadline) throw new Error(`no connection_ack; got ${JSON.stringify(messages)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

/**
 * `promise`, or a failure after `ms`: for outcomes that come far sooner with the setting under test than with the
 * default (a deadline between the two, not a measurement).
 */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `ok` until it holds (a generous deadline, so a missing outcome fails instead of hanging). */
async function eventually(ok: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('what a hostile client can hold', () => {
  it('a message over 256 kB (the HTTP body limit) closes the connection with 1009, not 100 MiB later, and quietly', async () => {
    const lines: any[] = [];
    const bare = await startBare({ logger: createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) }) });
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      for (let i = 0; i < 3; i++) {
        const c = raw(bare.url);
        await c.outcome;
        await c.init(bearer(app.adminToken));
        c.ws.send(JSON.stringify({ type: 'ping', payload: { pad: 'x'.repeat(256 * 1024) } }));
        expect((await within(c.closed, 15_000, 'close')).code).toBe(1009);
      }
      await eventually(() => bare.live.stats.sockets === 0, 'the sockets to be forgotten');
      // Not a stack trace on the console each time (graphql-ws's own report): one throttled line in the logs.
      expect(consoleError).not.toHaveBeenCalled();
      expect(lines.filter((l) => /invalid or oversized message/.test(l.msg))).toEqual([expect.objectContaining({ level: 'warn', code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', count: 1 })]);
    } finally {
      consoleError.mockRestore();
      await bare.close();
    }
  });

  it('a socket that never sends connection_init is closed (4408) after LIVE_CONNECTION_INIT_TIMEOUT_MS', async () => {
    const bare = await startBare({ limits: { liveConnectionInitTimeoutMs: 200 } });
    try {
      const c = raw(bare.url);
      expect(await c.outcome).toEqual({ opened: true });
      expect(bare.live.stats.sockets).toBe(1);
      // Configured 200 ms: well before graphql-ws's default of 3 s.
      expect(await within(c.closed, 2000, 'close')).toEqual({ code: 4408, reason: 'Connection initialisation timeout' });
      await eventually(() => bare.live.stats.sockets === 0, 'the socket to be forgotten');
    } finally {
      await bare.close();
    }
  });

  it('a peer that stops answering pings is dropped after LIVE_KEEPALIVE_MS', async () => {
    const bare = await startBare({ limits: { liveKeepAliveMs: 100 } });
    try {
      const c = raw(bare.url, { autoPong: false });
      await c.outcome;
      await c.init(bearer(app.adminToken));
      await eventually(() => bare.live.connections === 1, 'the connection');
      // Dropped, not closed: a dead peer would not answer a close frame either (1006 on this side).
      // Configured 100 ms: well before the default's 12 s (and 12 s more for the pong).
      expect((await within(c.closed, 5000, 'close')).code).toBe(1006);
      await eventually(() => bare.live.connections === 0 && bare.live.stats.sockets === 0, 'the connection to be forgotten', 5000);
    } finally {
      await bare.close();
    }
  });

  it('sockets per address and in total are capped at the upgrade, before authentication (429, 503)', async () => {
    const bare = await startBare({ limits: { liveMaxConnectionsPerIp: 2, liveMaxConnections: 3 } });
    try {
      const first = [raw(bare.url), raw(bare.url)];
      for (const c of first) expect(await c.outcome).toEqual({ opened: true });
      // The third from 127.0.0.1: its address is full (nothing was even authenticated).
      const third = raw(bare.url);
      expect(await third.outcome).toEqual({ status: 429, body: 'At most 2 live connections per address.' });
      // Another address still gets in, until the instance is full.
      const other = raw(bare.url, { localAddress: '127.0.0.2' });
      expect(await other.outcome).toEqual({ opened: true });
      const fourth = raw(bare.url, { localAddress: '127.0.0.3' });
      expect(await fourth.outcome).toEqual({ status: 503, body: 'This instance holds its maximum of 3 live connections; retry later.' });
      expect(bare.live.stats.refused).toEqual({ instance: 1, address: 1, principal: 0 });
      // A closed socket frees its place.
      first[0].ws.close();
      await eventually(() => bare.live.stats.sockets === 2, 'the closed socket to be forgotten');
      const again = raw(bare.url);
      expect(await again.outcome).toEqual({ opened: true });
      for (const c of [first[1], other, again]) c.ws.close();
      await eventually(() => bare.live.stats.sockets === 0 && bare.live.stats.addresses === 0, 'every socket to be forgotten');
    } finally {
      await bare.close();
    }
  });

  it('connections per principal are capped: the next one is closed with 1013 (clients retry later)', async () => {
    const bare = await startBare({ limits: { liveMaxConnectionsPerPrincipal: 2 } });
    try {
      const token = await app.principal('VIEWER', ids.get('LV-MA')!, { name: 'viewer with many tabs' });
      const subs = [0, 1].map(() => new Subscriber(client(bare.url, bearer(token)), SUBSCRIPTION, { under: id('MA') }));
      await registered(bare.live, 2);
      let closed: Closed | null = null;
      const third = new Subscriber(client(bare.url, bearer(token), (e) => (closed = e)), SUBSCRIPTION, { under: id('MA') });
      await third.ended();
      expect(closed).toMatchObject({ code: 1013, reason: 'Too many connections: at most 2 per principal' });
      expect(bare.live.stats.refused.principal).toBe(1);
      // Another principal is not concerned.
      const admin = new Subscriber(client(bare.url, bearer(app.adminToken)), SUBSCRIPTION, { under: id('MA') });
      await registered(bare.live, 3);
      for (const s of [...subs, admin]) s.dispose();
      await registered(bare.live, 0);
    } finally {
      await bare.close();
    }
  });

  it('a connection closed while its token is being looked up is not kept (nor counted against its principal)', async () => {
    const bare = await startBare();
    const locker = new PgClient({ connectionString: String(app.orm.config.get('clientUrl')) });
    await locker.connect();
    try {
      // Token look-ups wait on this lock, as they would on a slow database.
      await locker.query('begin');
      await locker.query('lock table access_token in access exclusive mode');
      const c = raw(bare.url);
      await c.outcome;
      c.ws.send(JSON.stringify({ type: 'connection_init', payload: bearer(app.adminToken) }));
      const database = (await locker.query('select current_database() as d')).rows[0].d;
      const waiting = async () =>
        Number((await locker.query(`select count(*)::int as n from pg_stat_activity where datname = $1 and wait_event_type = 'Lock'`, [database])).rows[0].n);
      await eventually(async () => (await waiting()) > 0, 'the token look-up to wait on the lock');
      c.ws.terminate();
      await eventually(() => bare.live.stats.sockets === 0, 'the socket to close');
      await locker.query('rollback');
      await eventually(async () => (await waiting()) === 0, 'the token look-up to finish');
      await new Promise((r) => setTimeout(r, 200)); // its connection step resumes after the look-up
      expect(bare.live.connections).toBe(0);
      expect(bare.live.stats.principals).toBe(0);
    } finally {
      await locker.query('rollback').catch(() => undefined);
      await locker.end();
      await bare.close();
    }
  });

  it('a peer that does not read what it is sent is closed once LIVE_MAX_BUFFERED_KB is queued for it (no unbounded buffer)', async () => {
    const bare = await startBare({ limits: { liveMaxBufferedKb: 64 } });
    try {
      const c = raw(bare.url);
      await c.outcome;
      await c.init(bearer(app.adminToken));
      // It stops reading, and keeps sending pings whose payloads the server's pongs echo back.
      (c.ws as unknown as { _socket: import('node:net').Socket })._socket.pause();
      const ping = JSON.stringify({ type: 'ping', payload: { pad: 'p'.repeat(200 * 1024) } });
      for (let i = 0; i < 400 && bare.live.stats.slowConsumers === 0; i++) {
        const sent = await new Promise<boolean>((resolve) => c.ws.send(ping, (err) => resolve(!err)));
        if (!sent) break;
      }
      expect(bare.live.stats.slowConsumers).toBe(1);
      await eventually(() => bare.live.stats.sockets === 0 && bare.live.connections === 0, 'the slow peer to be dropped');
    } finally {
      await bare.close();
    }
  });
});

describe('cost', () => {
  let tc: Map<string, string>;
  const cid = (code: string) => globalId('Organization', tc.get(`LC-${code}`)!);
  beforeAll(async () => {
    tc = await app.tree(smallTree('LC'));
  });

  /** A budget the test controls: `refuse` makes every spend fail, with a window ending 100 ms later. */
  function controlledBudget() {
    const spends: { key: string; points: number; granted: boolean }[] = [];
    const state = { refuse: false, remaining: 1000 };
    const budget: CostBudget = {
      perMinute: 1000,
      async spend(key, points) {
        const granted = !state.refuse;
        spends.push({ key, points, granted });
        if (granted) state.remaining -= points;
        return { granted, remaining: granted ? state.remaining : 0, resetAt: new Date(Date.now() + 100) };
      },
      refusedUntil: () => null,
      async close() {},
    };
    return { budget, spends, state };
  }

  it('a subscription is priced like a query: over COST_MAX_PER_QUERY it is refused before anything is read', async () => {
    const bare = await startBare({ limits: { maxCostPerQuery: 20 } });
    try {
      const c = client(bare.url, bearer(app.adminToken));
      const big = new Subscriber(c, `subscription($under: ID!) { progressChanged(under: $under) { organization { children(first: 30) { nodes { name } } } } }`, { under: id('MA') });
      await big.ended();
      expect(big.error).toEqual([
        expect.objectContaining({ extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'cost', requested: 33, maximum: 20 } }),
      ]);
      const badPage = new Subscriber(c, `subscription($under: ID!) { progressChanged(under: $under) { organization { children(first: 0) { totalCount } } } }`, { under: id('MA') });
      await badPage.ended();
      expect(badPage.error).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', argument: 'first', field: 'Organization.children' } })]);
      expect(bare.live.hub.size).toBe(0);
    } finally {
      await bare.close();
    }
  });

  it('subscribing and every event spend the principal’s budget (extensions.cost); a spent budget refuses subscribing with RATE_LIMITED', async () => {
    const { budget, spends, state } = controlledBudget();
    const bare = await startBare({ budget });
    try {
      const token = await app.principal('VIEWER', tc.get('LC-MB')!, { name: 'viewer paying for events' });
      const congress = await approve(app, await schedule(app, tc.get('LC-MB-B1-C1')!, '2025-03-10'), '2025-03-01');
      const sub = new Subscriber(client(bare.url, bearer(token)), SUBSCRIPTION, { under: cid('MB') });
      await registered(bare.live, 1);
      // progressChanged 1 + organization 1 + progress 1 + byStage 1.
      expect(spends).toEqual([{ key: expect.stringMatching(/^principal:/), points: 4, granted: true }]);
      expect((await recordHeld(app, congress, '2025-03-10')).userErrors).toEqual([]);
      const event = await sub.next();
      expect(event.extensions.cost).toEqual({ requested: 4, limit: 1000, remaining: 992, resetAt: expect.any(String) });
      expect(spends.map((s) => s.points)).toEqual([4, 4]);

      state.refuse = true;
      const refused = new Subscriber(client(bare.url, bearer(token)), SUBSCRIPTION, { under: cid('MB') });
      await refused.ended();
      expect(refused.error).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'RATE_LIMITED', retryAfterSeconds: 1 }) })]);
      expect(bare.live.hub.size).toBe(1);
      sub.dispose();
      await registered(bare.live, 0);
    } finally {
      await bare.close();
    }
  });

  it('an event over budget waits for the next window, and the changes meanwhile coalesce into it: one event, the latest state', async () => {
    const { budget, spends, state } = controlledBudget();
    const bare = await startBare({ budget });
    try {
      const [c1, c2] = [await schedule(app, tc.get('LC-MA-B1-C1')!, '2025-05-10'), await schedule(app, tc.get('LC-MA-B1-C2')!, '2025-05-11')];
      const sub = new Subscriber(client(bare.url, bearer(app.adminToken)), SUBSCRIPTION, { under: cid('MA-B1') });
      await registered(bare.live, 1);
      state.refuse = true;
      await approve(app, c1, '2025-05-01');
      await eventually(() => spends.some((s) => !s.granted), 'the event to be refused');
      const mid = await progressByCode('LC-MA-B1');
      await approve(app, c2, '2025-05-01');
      const latest = await progressByCode('LC-MA-B1');
      expect(latest).not.toEqual(mid);
      await new Promise((r) => setTimeout(r, 300)); // refused at every window's end meanwhile
      expect(sub.results).toEqual([]);
      state.refuse = false;
      const event = (await sub.next()).data.progressChanged;
      expect(event.operation).toBe('congressAdvance');
      expect(event.progress).toEqual(latest);
      await new Promise((r) => setTimeout(r, 300));
      expect(sub.results).toHaveLength(1);
      sub.dispose();
      await registered(bare.live, 0);
    } finally {
      await bare.close();
    }
  });

  it('the events of the API’s own live server spend the same budget as its HTTP requests', async () => {
    const sub = new Subscriber(client(app.url, bearer(app.adminToken)), SUBSCRIPTION, { under: cid('MB') });
    await registered(app.live, 1);
    await schedule(app, tc.get('LC-MB-B1')!, '2025-06-10');
    const event = await sub.next();
    const { cost } = await app.gql(`{ organization(code: "LV-MA") { name } }`);
    expect(cost!.remaining).toBeLessThanOrEqual(event.extensions.cost.remaining - cost!.requested);
    sub.dispose();
    await registered(app.live, 0);
  });
});

describe('tokens, the listener, outages, churn and shutdown', () => {
  let tt: Map<string, string>;
  const tid = (code: string) => globalId('Organization', tt.get(`LT-${code}`)!);
  beforeAll(async () => {
    tt = await app.tree(smallTree('LT'));
  });

  it('a token that expired since the connection was made subscribes to nothing: the connection is closed with 4401', async () => {
    const bare = await startBare();
    try {
      const token = await app.principal('VIEWER', tt.get('LT-MA')!, { name: 'viewer about to expire' });
      let closed: Closed | null = null;
      const c = client(bare.url, bearer(token), (e) => (closed = e));
      const first = new Subscriber(c, SUBSCRIPTION, { under: tid('MA') });
      await registered(bare.live, 1);
      // Expired by the clock, not by a write: no notification tells the server.
      await app.readBack(`update access_token set expires_at = now() - interval '1 second' where principal_id = (select id from principal where name = 'viewer about to expire')`);
      const second = new Subscriber(c, SUBSCRIPTION, { under: tid('MA-B1') });
      await second.ended();
      expect(closed).toMatchObject({ code: 4401 });
      await first.ended();
      await registered(bare.live, 0);
    } finally {
      await bare.close();
    }
  });

  it('an access change re-checks each distinct token once, however many connections share it', async () => {
    const bare = await startBare();
    try {
      const viewer = await app.principal('VIEWER', tt.get('LT-MA')!, { name: 'viewer with five tabs' });
      const subs = [
        ...Array.from({ length: 5 }, () => new Subscriber(client(bare.url, bearer(viewer)), SUBSCRIPTION, { under: tid('MA') })),
        ...Array.from({ length: 3 }, () => new Subscriber(client(bare.url, bearer(app.adminToken)), SUBSCRIPTION, { under: tid('MB') })),
      ];
      await registered(bare.live, 8);
      const before = bare.live.stats.tokenChecks;
      // A principal revoked: the notification names no organisation, so every connection's token is checked again.
      const bystander = await app.gql(`mutation($input: PrincipalCreateInput!) { principalCreate(input: $input) { principal { id } } }`, {
        input: { name: 'bystander', role: 'VIEWER', scope: tid('MB') },
      });
      await eventually(() => bare.live.stats.tokenChecks > before, 'the tokens to be re-checked');
      const afterCreate = bare.live.stats.tokenChecks;
      expect(afterCreate - before).toBe(2);
      await app.gql(`mutation($input: PrincipalRevokeInput!) { principalRevoke(input: $input) { userErrors { code } } }`, {
        input: { principal: bystander.body.data.principalCreate.principal.id },
      });
      await eventually(() => bare.live.stats.tokenChecks > afterCreate, 'the tokens to be re-checked');
      await new Promise((r) => setTimeout(r, 200));
      expect(bare.live.stats.tokenChecks - afterCreate).toBe(2);
      expect(bare.live.hub.size).toBe(8); // nobody of theirs was revoked
      for (const s of subs) s.dispose();
      await registered(bare.live, 0);
    } finally {
      await bare.close();
    }
  });

  it('a listener connection dropped again and again is retried ever more slowly (no reconnection storm)', async () => {
    const lines: any[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) });
    const bare = await startBare({ logger, listener: { minDelayMs: 50, maxDelayMs: 5000, stableMs: 60_000 } });
    try {
      for (let i = 0; i < 4; i++) {
        await eventually(() => bare.live.listener.pid !== null, 'the listener to be connected');
        const pid = bare.live.listener.pid;
        await app.readBack('select pg_terminate_backend($1)', [pid]);
        await eventually(() => bare.live.listener.pid !== null && bare.live.listener.pid !== pid, 'the listener to reconnect');
      }
      const delays = lines.filter((l) => /lost the connection listening/.test(l.msg)).map((l) => l.retryInMs as number);
      expect(delays).toHaveLength(4);
      // 50, 100, 200, 400 ms (±25%): each one longer than the last, not 50 ms every time.
      for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThan(delays[i - 1]);
      expect(delays[3]).toBeGreaterThanOrEqual(300);
    } finally {
      await bare.close();
    }
  });

  it('a database outage while events are computed: one SERVICE_UNAVAILABLE event, no crash, and the state once it is back', async () => {
    const rejections: unknown[] = [];
    const onRejection = (err: unknown) => rejections.push(err);
    process.on('unhandledRejection', onRejection);
    const lines: any[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) });
    const bare = await startBare({ logger, outageRetryMs: 200 });
    const admin = process.env.DAIHOI_TEST_ADMIN_URL as string;
    const [{ database }] = await app.readBack<{ database: string }>('select current_database() as database');
    // Opened before the outage, to announce a change during it.
    const notifier = new PgClient({ connectionString: String(app.orm.config.get('clientUrl')) });
    await notifier.connect();
    try {
      const token = await app.principal('VIEWER', tt.get('LT-MB')!, { name: 'viewer through an outage' });
      const withToken = new Subscriber(client(bare.url, bearer(token)), SUBSCRIPTION, { under: tid('MB') });
      const anonymous = new Subscriber(client(bare.url, undefined), SUBSCRIPTION, { under: tid('MB') });
      await registered(bare.live, 2);
      const expected = await progressByCode('LT-MB');

      await adminQuery(admin, `alter database "${database}" allow_connections false`);
      try {
        // Every session of the database is cut but the listeners' (theirs are not what this test is about) and the notifier's.
        await adminQuery(admin, `select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> $2 and application_name <> 'daihoi-live-listener'`, [
          database,
          (notifier as unknown as { processID: number }).processID,
        ]);
        await notifier.query(`select pg_notify('daihoi_changes', $1)`, [JSON.stringify({ operation: 'duringOutage', version: '0', organizations: [tt.get('LT-MB')] })]);
        for (const s of [withToken, anonymous]) {
          const event = await s.next();
          expect(event).toEqual({
            errors: [{ message: expect.any(String), extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5 } }],
            extensions: { cost: expect.objectContaining({ requested: 4 }) },
          });
        }
        expect(lines.filter((l) => /database unavailable: live event not computed/.test(l.msg)).length).toBeGreaterThanOrEqual(2);
      } finally {
        await adminQuery(admin, `alter database "${database}" allow_connections true`);
      }
      // Back: without any new write, each subscriber is sent the state as it is.
      for (const s of [withToken, anonymous]) {
        await s.until(() => s.results.some((r) => r.data), 'an event computed once the database is back');
        const event = s.results.find((r) => r.data).data.progressChanged;
        expect(event.operation).toBe('duringOutage');
        expect(event.progress).toEqual(expected);
      }
      expect(rejections).toEqual([]);
      withToken.dispose();
      anonymous.dispose();
      await registered(bare.live, 0);
    } finally {
      process.off('unhandledRejection', onRejection);
      await notifier.end();
      await bare.close();
    }
  });

  it('subscribing and unsubscribing in a burst leaves nothing behind in the hub or the connection counts', async () => {
    const bare = await startBare();
    try {
      const c = client(bare.url, bearer(app.adminToken));
      for (let round = 0; round < 5; round++) {
        // Some completed before their subscribe step has even run, some after.
        const subs = Array.from({ length: 20 }, (_, i) => new Subscriber(c, SUBSCRIPTION, { under: tid(i % 2 ? 'MA' : 'MB') }));
        for (const [i, s] of subs.entries()) if (i % 2) s.dispose();
        await new Promise((r) => setTimeout(r, 20));
        for (const s of subs) s.dispose();
      }
      await registered(bare.live, 0);
      expect(bare.live.hub.organizations).toBe(0);
      await c.dispose();
      await eventually(() => bare.live.connections === 0 && bare.live.stats.sockets === 0 && bare.live.stats.principals === 0, 'the connection to be forgotten');
    } finally {
      await bare.close();
    }
  });

  it('shutting down: clients see 1001 (they retry elsewhere; their subscriptions are not completed), nothing is left', async () => {
    const bare = await startBare();
    let closed: Closed | null = null;
    const sub = new Subscriber(client(bare.url, bearer(app.adminToken), (e) => (closed = e)), SUBSCRIPTION, { under: tid('MA') });
    await registered(bare.live, 1);
    await bare.close();
    await sub.ended();
    expect(sub.completed).toBe(false);
    expect(closed).toMatchObject({ code: 1001 });
    expect(bare.live.hub.size).toBe(0);
    expect(bare.live.listener.connected).toBe(false);
    expect(bare.live.stats).toMatchObject({ sockets: 0, principals: 0 });
    // A subscribe step that was still running when the hub closed keeps nothing.
    const late = bare.live.hub.subscribe(tt.get('LT-MA')!);
    expect(late.closed).toBe(true);
    expect(bare.live.hub.size).toBe(0);
  });
});
