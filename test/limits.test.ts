import crypto from 'node:crypto';
import Redis from 'ioredis';
import { ConfigError, DEFAULT_LIMITS, loadConfig } from '../src/config';
import { toGlobalId } from '../src/common/global-id';
import { startTestApp, type TestApp } from './support/harness';
import { smallTree } from './support/trees';

/**
 * Limits for public clients (src/server/limits.*.ts): hostile requests are refused before execution with a coded
 * error and no statement; the cost model; `extensions.cost`; the budget per minute (in memory, shared through Redis,
 * and with Redis down); no introspection or suggestions for PUBLIC. SQL per request: test/limits.sql.test.ts.
 */

const TODAY = '2026-11-27';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Raw {
  status: number;
  headers: Headers;
  body: any;
  statements: number;
}

/** A request without a token (the apps here open anonymous PUBLIC reads) unless `token` is given; the body as sent. */
async function post(app: TestApp, body: string, token?: string): Promise<Raw> {
  const res = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: JSON.parse(text), statements: Number(res.headers.get('x-sql-statements') ?? NaN) };
}
const gql = (app: TestApp, query: string, variables?: Record<string, unknown>, token?: string) => post(app, JSON.stringify({ query, variables }), token);

/** Refused with `code` (and `limit`), before execution: no statement at all, no data. */
function expectRefused(res: Raw, code: string, extensions: Record<string, unknown> = {}) {
  expect(res.body.data).toBeUndefined();
  expect(res.body.errors?.[0]?.extensions).toMatchObject({ code, ...extensions });
  expect(res.statements).toBe(0);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const pastDate = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);

describe('hostile requests', () => {
  let app: TestApp;
  let wide: TestApp;
  let root: string;
  beforeAll(async () => {
    app = await startTestApp({ today: TODAY, anonymousRole: 'PUBLIC' });
    // The same service with the shape limits raised: the cost still refuses what they let through.
    wide = await startTestApp({ today: TODAY, anonymousRole: 'PUBLIC', limits: { maxAliases: 10_000, maxTokens: 1_000_000 } });
    await app.tree(smallTree('H'));
    root = toGlobalId('Organization', (await wide.tree(smallTree('H'))).get('H-TW')!);
  });
  afterAll(async () => {
    await app.close();
    await wide.close();
  });

  it('depth 20 is QUERY_TOO_COMPLEX, before any statement', async () => {
    const res = await gql(app, `{ organization(code: "H-TW") { ${'parent { '.repeat(20)}name${' }'.repeat(20)} } }`);
    expect(res.status).toBe(400);
    expectRefused(res, 'QUERY_TOO_COMPLEX', { limit: 'depth', maximum: DEFAULT_LIMITS.maxDepth, found: 22 });
    expect(res.body.extensions.cost).toEqual({ requested: 0 });
    // The same shape within the limit runs.
    const ok = await gql(app, `{ organization(code: "H-TW") { ${'parent { '.repeat(5)}name${' }'.repeat(5)} } }`);
    expect(ok.body.errors).toBeUndefined();
  });

  it('500 aliases are QUERY_TOO_COMPLEX', async () => {
    const res = await gql(app, `{ ${range(500).map((i) => `a${i}: congressRules { term }`).join(' ')} }`);
    expectRefused(res, 'QUERY_TOO_COMPLEX', { limit: 'aliases', maximum: DEFAULT_LIMITS.maxAliases, found: 500 });
  });

  it('over 5000 tokens is QUERY_TOO_COMPLEX, and the parser stops there', async () => {
    const res = await gql(app, `{ ${range(6000).map(() => '__typename').join(' ')} }`);
    expectRefused(res, 'QUERY_TOO_COMPLEX', { limit: 'tokens', maximum: DEFAULT_LIMITS.maxTokens });
  });

  it('more than 10 directives are QUERY_TOO_COMPLEX', async () => {
    const res = await gql(app, `{ ${range(11).map((i) => `a${i}: __typename @include(if: true)`).join(' ')} }`);
    expectRefused(res, 'QUERY_TOO_COMPLEX', { limit: 'directives', maximum: DEFAULT_LIMITS.maxDirectives, found: 11 });
  });

  it('first: 100000 (literal or variable) and first: 0 are BAD_USER_INPUT naming the argument, before any statement', async () => {
    const literal = await gql(app, '{ organizations(first: 100000) { nodes { name } } }');
    expect(literal.status).toBe(400);
    expectRefused(literal, 'BAD_USER_INPUT', { argument: 'first', field: 'Query.organizations' });
    const variable = await gql(app, 'query($n: Int!) { organizations(first: 5) { nodes { children(first: $n) { totalCount } } } }', { n: 100_000 });
    expectRefused(variable, 'BAD_USER_INPUT', { argument: 'first', field: 'Organization.children' });
    const zero = await gql(app, 'query($n: Int!) { organization(code: "H-TW") { descendants(first: $n) { totalCount } } }', { n: 0 });
    expectRefused(zero, 'BAD_USER_INPUT', { argument: 'first', field: 'Organization.descendants' });
    // Inside a fragment too.
    const fragment = await gql(app, '{ organization(code: "H-TW") { ...F } } fragment F on Organization { children(first: 101) { totalCount } }');
    expectRefused(fragment, 'BAD_USER_INPUT', { argument: 'first' });
  });

  it('a fragment cycle is refused by validation (BAD_USER_INPUT), before any statement', async () => {
    const res = await gql(app, '{ organization(code: "H-TW") { ...A } } fragment A on Organization { parent { ...B } } fragment B on Organization { ...A }');
    expectRefused(res, 'BAD_USER_INPUT');
    expect(res.body.errors[0].message).toMatch(/Cannot spread fragment "A" within itself/);
  });

  it('a 1 MB query is refused by the body limit (413, BAD_USER_INPUT)', async () => {
    const res = await post(app, JSON.stringify({ query: `{ __typename ${' '.repeat(1_000_000)}}` }));
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ errors: [{ message: expect.stringMatching(/larger than the limit/), extensions: { code: 'BAD_USER_INPUT' } }] });
  });

  it('100 operations in one batch are refused (400, BAD_USER_INPUT): batching is off', async () => {
    const batch = range(100).map(() => ({ query: `{ organization(code: "H-TW") { progress(asOf: "2025-01-01") { held } } }` }));
    const res = await post(app, JSON.stringify(batch));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ message: 'Operation batching disabled.', extensions: { code: 'BAD_USER_INPUT' } }] });
  });

  it('500 past-date roll-ups are refused by their cost even with the alias and token limits raised', async () => {
    const query = `{ ${range(500).map((i) => `p${i}: progress(under: "${root}", asOf: "${pastDate(i)}") { held }`).join(' ')} }`;
    const res = await gql(wide, query);
    expect(res.status).toBe(400);
    expectRefused(res, 'QUERY_TOO_COMPLEX', { limit: 'cost', requested: 500 * 10, maximum: DEFAULT_LIMITS.maxCostPerQuery });
    expect(res.body.extensions.cost).toEqual({ requested: 500 * 10 });
    // Read today they cost 1 each: within the cap, and answered.
    const today = await gql(wide, `{ ${range(500).map((i) => `p${i}: progress(under: "${root}") { held }`).join(' ')} }`);
    expect(today.body.errors).toBeUndefined();
    expect(today.body.extensions.cost.requested).toBe(500);
    // With the default limits the same request does not get as far as the cost.
    expectRefused(await gql(app, query), 'QUERY_TOO_COMPLEX');
  });

  it('past-date roll-ups inherited from an organisation read on a past date count as past', async () => {
    const inherited = (n: number) => `{ ${range(n).map((i) => `o${i}: organization(code: "H-TW", asOf: "${pastDate(i)}") { progress { held } }`).join(' ')} }`;
    const res = await gql(wide, inherited(100));
    expectRefused(res, 'QUERY_TOO_COMPLEX', { limit: 'cost', requested: 100 * 11 });
    const fits = await gql(wide, inherited(80));
    expect(fits.body.errors).toBeUndefined();
    expect(fits.body.extensions.cost.requested).toBe(80 * 11);
  });
});

describe('the cost model', () => {
  let app: TestApp;
  let root: string;
  let uuid: string;
  beforeAll(async () => {
    app = await startTestApp({ today: TODAY });
    uuid = (await app.tree(smallTree('C'))).get('C-TW')!;
    root = toGlobalId('Organization', uuid);
  });
  afterAll(() => app.close());

  const cost = async (query: string, variables?: Record<string, unknown>) => {
    const res = await app.gql(query, variables);
    expect(res.body.errors).toBeUndefined();
    return res.cost!.requested;
  };

  it('a connection costs 1 + first × what one item selects; page information comes with the page', async () => {
    expect(await cost('{ organizations(first: 10) { nodes { name } } }')).toBe(11);
    expect(await cost('{ organizations(first: 10) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { name } } } }')).toBe(11);
    expect(await cost('query($n: Int!) { organizations(first: $n) { nodes { name } } }', { n: 40 })).toBe(41);
    // Nested connections multiply.
    expect(await cost('{ organizations(first: 10) { nodes { children(first: 5) { nodes { name } } } } }')).toBe(1 + 10 * (1 + 1 + 5));
    // A scalar-only query still costs 1.
    expect(await cost('{ __typename }')).toBe(1);
  });

  it('a roll-up costs 1 on today and 10 on another date: its own asOf, or the one it inherits', async () => {
    expect(await cost('{ organizations(first: 10) { nodes { progress { held } } } }')).toBe(1 + 10 * 2);
    expect(await cost('{ organizations(first: 10) { nodes { progress(asOf: "2025-06-01") { held } } } }')).toBe(1 + 10 * 11);
    expect(await cost('{ organizations(first: 10, asOf: "2025-06-01") { nodes { progress { held } } } }')).toBe(1 + 10 * 11);
    expect(await cost(`{ organizations(first: 10, asOf: "2025-06-01") { nodes { progress(asOf: "${TODAY}") { held } } } }`)).toBe(1 + 10 * 2);
    expect(await cost(`{ organizations(first: 10, asOf: "${TODAY}") { nodes { progress { held } } } }`)).toBe(1 + 10 * 2);
    // Through a fragment and a variable.
    const viaFragment = 'query($d: Date) { organizations(first: 10, asOf: $d) { nodes { ...P } } } fragment P on Organization { progress { held } }';
    expect(await cost(viaFragment, { d: '2025-06-01' })).toBe(1 + 10 * 11);
    expect(await cost(viaFragment, { d: TODAY })).toBe(1 + 10 * 2);
    expect(await cost(viaFragment, { d: null })).toBe(1 + 10 * 2);
    // The date of a dated id given to node(id:).
    const onNode = (id: string) => `{ node(id: "${id}") { ... on Organization { progress { held } } } }`;
    expect(await cost(onNode(root))).toBe(2);
    expect(await cost(onNode(toGlobalId('Organization', uuid, '2025-06-01')))).toBe(11);
    // Query.progress, and a timeline: past dates, one point per month.
    expect(await cost(`{ progress(under: "${root}", asOf: "2025-06-01") { held byLevel { level held } } }`)).toBe(10 + 1);
    expect(await cost(`{ progress(under: "${root}") { timeline(from: "2025-01-01", to: "2025-12-31") { held } } }`)).toBe(1 + 10 + 12);
  });

  it('the worked example of the notes: 604 points on a past date, 154 today, refused with first: 100', async () => {
    const example = (first: number, asOf: string | null) => `query($root: ID!) { node(id: $root) { ... on Organization {
      progress { held byLevel { level held } }
      children(first: ${first}${asOf ? `, asOf: "${asOf}"` : ''}) { nodes { name progress { held } congress { stage } } }
    } } }`;
    expect(await cost(example(50, '2025-06-01'), { root })).toBe(604);
    expect(await cost(example(50, null), { root })).toBe(154);
    const refused = await app.gql(example(100, '2025-06-01'), { root });
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost', requested: 1204, maximum: 1000 });
    expect(refused.cost).toEqual({ requested: 1204 });
  });

  it('nodes(ids:) costs one node per id; a mutation 10 plus its payload', async () => {
    expect(await cost(`{ nodes(ids: ["${root}", "${root}", "${root}"]) { id } }`)).toBe(3);
    const res = await app.gql('mutation($input: OrganizationUpdateInput!) { organizationUpdate(input: $input) { organization { name } userErrors { code } } }', {
      input: { id: root, version: 1, name: 'Ban Chấp hành C (đổi tên)' },
    });
    expect(res.body.data.organizationUpdate.userErrors).toEqual([]);
    expect(res.cost!.requested).toBe(10 + 1 + 1);
  });
});

describe('extensions.cost and the budget per minute', () => {
  let app: TestApp;
  // Costs 30: 1 + 29 items.
  const Q30 = '{ organizations(first: 29) { nodes { name } } }';
  beforeAll(async () => {
    app = await startTestApp({ today: TODAY, anonymousRole: 'PUBLIC', limits: { costBudgetPerMinute: 100, maxCostPerQuery: 100 } });
    await app.tree(smallTree('B'));
  });
  afterAll(() => app.close());

  it('every response tells the cost, what is left and when the window starts afresh; the remainder decreases', async () => {
    const a = await app.principal('ADMIN', null, { name: 'dashboard A' });
    const first = await gql(app, Q30, undefined, a);
    const second = await gql(app, Q30, undefined, a);
    expect(first.body.extensions.cost).toEqual({ requested: 30, limit: 100, remaining: 70, resetAt: expect.any(String) });
    expect(second.body.extensions.cost).toMatchObject({ requested: 30, remaining: 40 });
    const resetAt = Date.parse(second.body.extensions.cost.resetAt);
    expect(resetAt).toBeGreaterThan(Date.now());
    expect(resetAt).toBeLessThanOrEqual(Date.now() + 60_000);
    // An error response where the operation was resolved carries it too (an unknown organisation: NOT_FOUND).
    const missing = toGlobalId('Organization', '0e0e0e0e-0000-4000-8000-00000000e0e0');
    const failed = await gql(app, `{ progress(under: "${missing}") { held } }`, undefined, a);
    expect(failed.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(failed.body.extensions.cost).toMatchObject({ requested: 1, remaining: 39 });
  });

  it('a spent budget is RATE_LIMITED (429, Retry-After, resetAt) before execution; another principal is unaffected', async () => {
    const heavy = await app.principal('ADMIN', null, { name: 'heavy' });
    for (const remaining of [70, 40, 10]) expect((await gql(app, Q30, undefined, heavy)).body.extensions.cost.remaining).toBe(remaining);
    const refused = await gql(app, Q30, undefined, heavy);
    expect(refused.status).toBe(429);
    expect(refused.body.data).toBeUndefined();
    const [error] = refused.body.errors;
    expect(error.extensions).toMatchObject({ code: 'RATE_LIMITED', resetAt: expect.any(String), retryAfterSeconds: expect.any(Number) });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(error.extensions.retryAfterSeconds).toBe(retryAfter);
    expect(refused.body.extensions.cost).toEqual({ requested: 30, limit: 100, remaining: 0, resetAt: error.extensions.resetAt });
    // Nothing ran but the token's lookup.
    expect(refused.statements).toBe(1);
    // Asking again in the window is refused at once, before the request is even parsed (so no extensions.cost).
    const again = await gql(app, '{ this is not even GraphQL', undefined, heavy);
    expect(again.status).toBe(429);
    expect(again.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(again.body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', resetAt: error.extensions.resetAt });
    expect(again.body.extensions).toBeUndefined();

    const other = await app.principal('ADMIN', null, { name: 'other' });
    const fine = await gql(app, Q30, undefined, other);
    expect(fine.status).toBe(200);
    expect(fine.body.extensions.cost).toMatchObject({ remaining: 70 });
    // Anonymous callers spend their address's budget, not a principal's.
    expect((await gql(app, Q30)).body.extensions.cost).toMatchObject({ remaining: 70 });
  });
});

describe('the budget shared through Redis', () => {
  const prefix = `daihoi:test:${crypto.randomBytes(6).toString('hex')}`;
  const limits = { costBudgetPerMinute: 100, maxCostPerQuery: 100, redisUrl: REDIS_URL, redisKeyPrefix: prefix };
  const Q30 = '{ organizations(first: 29) { nodes { name } } }';
  let one: TestApp;
  let two: TestApp;
  let down: TestApp;
  beforeAll(async () => {
    one = await startTestApp({ today: TODAY, anonymousRole: 'PUBLIC', limits });
    two = await startTestApp({ today: TODAY, anonymousRole: 'PUBLIC', limits });
    // Nothing listens on port 1: the insurance limiter in memory answers.
    down = await startTestApp({ today: TODAY, anonymousRole: 'PUBLIC', limits: { ...limits, redisUrl: 'redis://127.0.0.1:1' } });
  });
  afterAll(async () => {
    await Promise.all([one.close(), two.close(), down.close()]);
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('is one budget for two instances', async () => {
    // The two apps have their own databases, so the caller is the same anonymous address on both.
    expect((await gql(one, Q30)).body.extensions.cost.remaining).toBe(70);
    expect((await gql(two, Q30)).body.extensions.cost.remaining).toBe(40);
    expect((await gql(one, Q30)).body.extensions.cost.remaining).toBe(10);
    const refused = await gql(two, Q30);
    expect(refused.status).toBe(429);
    expect(refused.body.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(refused.statements).toBe(0);
  });

  it('does not fail requests while Redis is down: each instance counts in memory', async () => {
    for (const remaining of [70, 40, 10]) {
      const res = await gql(down, Q30);
      expect(res.status).toBe(200);
      expect(res.body.extensions.cost.remaining).toBe(remaining);
    }
    expect((await gql(down, Q30)).status).toBe(429);
  });
});

describe('introspection and suggestions', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ today: TODAY, anonymousRole: 'PUBLIC' });
  });
  afterAll(() => app.close());

  const INTROSPECTIONS = [
    '{ __schema { types { name } } }',
    '{ __type(name: "Organization") { fields { name } } }',
    '{ ...Q } fragment Q on Query { __schema { queryType { name } } }',
  ];

  it('are refused to PUBLIC (anonymous or with a token), FORBIDDEN before any statement; open to others', async () => {
    const publicToken = await app.principal('PUBLIC', null);
    for (const query of INTROSPECTIONS) {
      const anonymous = await gql(app, query);
      expect(anonymous.status).toBe(403);
      expectRefused(anonymous, 'FORBIDDEN');
      const withToken = await gql(app, query, undefined, publicToken);
      expect(withToken.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(withToken.statements).toBe(1); // the token's lookup
      const admin = await app.gql(query);
      expect(admin.body.errors).toBeUndefined();
    }
    // __typename is not introspection.
    expect((await gql(app, '{ __typename }')).body).toMatchObject({ data: { __typename: 'Query' } });
  });

  it('"Did you mean" suggestions are cut for PUBLIC, kept for the others', async () => {
    const query = '{ organisation(code: "X") { name } }';
    const anonymous = await gql(app, query);
    expect(anonymous.body.errors[0].message).toBe('Cannot query field "organisation" on type "Query".');
    const admin = await app.gql(query);
    expect(admin.body.errors![0].message).toMatch(/Did you mean "organization"/);
    const argument = await gql(app, '{ organizations(firts: 3) { totalCount } }');
    expect(argument.body.errors.map((e: { message: string }) => e.message).join(' ')).not.toMatch(/Did you mean/);
  });
});

describe('configuration', () => {
  it('has the production limits by default', () => {
    expect(loadConfig({}).limits).toEqual(DEFAULT_LIMITS);
    expect(DEFAULT_LIMITS).toMatchObject({ maxDepth: 12, maxAliases: 60, maxTokens: 5000, maxDirectives: 10, maxCostPerQuery: 1000, costBudgetPerMinute: 20_000, statementTimeoutMs: 5000 });
  });

  it('reads and validates the limits from the environment', () => {
    const c = loadConfig({ MAX_QUERY_DEPTH: '8', COST_MAX_PER_QUERY: '500', COST_BUDGET_PER_MINUTE: '6000', SQL_MAX_CONCURRENT_PER_REQUEST: '2', STATEMENT_TIMEOUT_MS: '0', REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(c.limits).toMatchObject({ maxDepth: 8, maxCostPerQuery: 500, costBudgetPerMinute: 6000, maxConcurrentStatements: 2, statementTimeoutMs: 0, redisUrl: 'redis://127.0.0.1:6379' });
    let error: unknown;
    try {
      loadConfig({ MAX_QUERY_ALIASES: 'many', COST_MAX_PER_QUERY: '5000', COST_BUDGET_PER_MINUTE: '1000', SQL_MAX_CONCURRENT_PER_REQUEST: '0', REDIS_URL: 'localhost:6379' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['MAX_QUERY_ALIASES', 'COST_BUDGET_PER_MINUTE', 'SQL_MAX_CONCURRENT_PER_REQUEST', 'REDIS_URL']) expect(problems).toMatch(name);
  });
});
