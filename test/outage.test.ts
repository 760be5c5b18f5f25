import { createLogger, silentLogger } from '../src/common/log';
import { ConnectionException, DriverException } from '@mikro-orm/core';
import { GraphQLError } from 'graphql';
import { Client, DatabaseError } from 'pg';
import { adminQuery, withDatabase } from './support/databases';
import { globalId, startTestApp, withoutCost, type TestApp } from './support/harness';
import { smallTree } from './support/trees';
import { createErrorFormatter } from '../src/server/errors';

/**
 * A database outage, for real: the test app's own database stops taking connections and its sessions are killed,
 * then it comes back. Each request meanwhile gets ONE retryable error (SERVICE_UNAVAILABLE, HTTP 503, Retry-After)
 * and writes ONE log line naming it, however many fields failed; /readyz says not ready; afterwards the same
 * requests succeed without a restart.
 */

interface LogLine {
  level: string;
  msg: string;
  requestId?: string;
  [key: string]: unknown;
}

const lines: LogLine[] = [];
const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) });

/**
 * Six nullable root fields, each failing on its own (none takes the others down with it): on the old code, six
 * INTERNAL_SERVER_ERRORs and six stack traces logged for one request.
 */
const MANY_FIELDS = `{
  a: organization(code: "OUT-TW") { name children(first: 5) { totalCount } }
  b: organization(code: "OUT-BLOC") { name parent { code } }
  c: organization(code: "OUT-MA") { name }
  d: organization(code: "OUT-MB") { name }
  e: organization(code: "OUT-NONE") { name }
  f: node(id: "${Buffer.from('Organization:00000000-0000-0000-0000-000000000000').toString('base64url')}") { id }
}`;

const UPDATE = `mutation($input: OrganizationUpdateInput!) { organizationUpdate(input: $input) { organization { name } userErrors { code } } }`;

async function post(app: TestApp, query: string, variables?: Record<string, unknown>) {
  const res = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${app.adminToken}` },
    body: JSON.stringify({ query, variables }),
  });
  // `extensions.cost` (every response has it: test/limits.test.ts) left out, so bodies compare whole.
  return { status: res.status, headers: res.headers, body: withoutCost((await res.json()) as Record<string, unknown>).body as Record<string, unknown> };
}

const UNAVAILABLE = { errors: [{ message: expect.any(String), extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5 } }] };

describe('database outage', () => {
  let app: TestApp;
  let database: string;
  let bloc: string;
  const admin = () => process.env.DAIHOI_TEST_ADMIN_URL as string;

  beforeAll(async () => {
    app = await startTestApp({ logger });
    const ids = await app.tree(smallTree('OUT'));
    bloc = ids.get('OUT-BLOC') as string;
    [{ database }] = await app.readBack<{ database: string }>('select current_database() as database');
  });
  afterAll(async () => {
    await adminQuery(admin(), `alter database "${database}" allow_connections true`).catch(() => undefined);
    await app.close();
  });

  it('answers one SERVICE_UNAVAILABLE per request (503, Retry-After, one log line) and recovers by itself', async () => {
    const before = await post(app, MANY_FIELDS);
    expect(before.status).toBe(200);
    expect(before.body.errors).toBeUndefined();
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);

    // The outage: no new connection is accepted, and every open session (the app's pooled ones) is terminated.
    await adminQuery(admin(), `alter database "${database}" allow_connections false`);
    const requestIds: string[] = [];
    try {
      const killed = await adminQuery<{ n: number }>(
        admin(),
        'select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [database],
      );
      expect(killed[0].n).toBeGreaterThan(0); // the warm-up left pooled sessions: they are cut under the app
      lines.length = 0;

      for (let i = 0; i < 3; i++) {
        const res = await post(app, MANY_FIELDS);
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toBe('5');
        expect(res.body).toEqual(UNAVAILABLE); // one error, no partial data
        requestIds.push(res.headers.get('x-request-id') as string);
      }
      const write = await post(app, UPDATE, { input: { id: globalId('Organization', bloc), version: 1, name: 'Renamed during the outage' } });
      expect(write.status).toBe(503);
      expect(write.headers.get('retry-after')).toBe('5');
      expect(write.body).toEqual(UNAVAILABLE);
      requestIds.push(write.headers.get('x-request-id') as string);

      const ready = await fetch(`${app.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'not ready' });

      // One line per request — not one per failed field — each naming its request, none with a stack. (The live
      // updates' listener, whose own connection was cut too, says so in lines of its own.)
      const requestLines = lines.filter((l) => l.component !== 'live');
      expect(requestLines.map((l) => l.requestId)).toEqual(requestIds);
      for (const line of requestLines) {
        expect(line).toMatchObject({ level: 'warn', msg: expect.stringContaining('database unavailable'), error: expect.any(String) });
        expect(line).not.toHaveProperty('stack');
        expect(line).not.toHaveProperty('err');
      }
      // The token lookup is the request's first statement: it fails, and no field runs at all.
      expect(requestLines.slice(0, 3).map((l) => l.failedFields)).toEqual([0, 0, 0]);
    } finally {
      await adminQuery(admin(), `alter database "${database}" allow_connections true`);
    }

    // Back: the very next requests succeed on fresh connections, without a restart; nothing was written meanwhile.
    const after = await post(app, MANY_FIELDS);
    expect(after.status).toBe(200);
    expect(after.body).toEqual(before.body);
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
    const [row] = await app.readBack<{ name: string }>('select name from organization where id = $1', [bloc]);
    expect(row.name).toBe('Đảng bộ Khối OUT');
  });
});

describe('a session killed in the middle of a statement', () => {
  let app: TestApp;
  let database: string;
  const admin = () => process.env.DAIHOI_TEST_ADMIN_URL as string;
  beforeAll(async () => {
    app = await startTestApp({ logger });
    await app.tree(smallTree('MID'));
    [{ database }] = await app.readBack<{ database: string }>('select current_database() as database');
  });
  afterAll(async () => {
    await adminQuery(admin(), `alter database "${database}" allow_connections true`).catch(() => undefined);
    await app.close();
  });

  it('is answered SERVICE_UNAVAILABLE too (SQLSTATE 57P01), and the next request after the restore succeeds', async () => {
    // A lock held elsewhere keeps the request's statement waiting on its session; then that session is terminated.
    const locker = new Client({ connectionString: withDatabase(admin(), database) });
    await locker.connect();
    let res;
    try {
      await locker.query('begin');
      await locker.query('lock table organization in access exclusive mode');
      lines.length = 0;
      const pending = post(app, '{ a: organization(code: "MID-TW") { name } b: organization(code: "MID-BLOC") { name } }');
      const [{ pid: lockerPid }] = (await locker.query('select pg_backend_pid() as pid')).rows;
      let waiting: { pid: number }[] = [];
      for (let i = 0; i < 100 && waiting.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
        waiting = await adminQuery<{ pid: number }>(admin(), `select pid from pg_stat_activity where datname = $1 and wait_event_type = 'Lock' and pid <> $2`, [database, lockerPid]);
      }
      expect(waiting).toHaveLength(1);
      await adminQuery(admin(), `alter database "${database}" allow_connections false`);
      await adminQuery(admin(), 'select pg_terminate_backend($1)', [waiting[0].pid]);
      res = await pending;
    } finally {
      await locker.end().catch(() => undefined);
      await adminQuery(admin(), `alter database "${database}" allow_connections true`);
    }
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.body).toEqual(UNAVAILABLE);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', requestId: res.headers.get('x-request-id'), code: '57P01', msg: expect.stringContaining('database unavailable') });

    const again = await post(app, '{ organization(code: "MID-TW") { name } }');
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ data: { organization: { name: 'Ban Chấp hành MID' } } });
  });
});

describe('a mutation whose transaction loses its session', () => {
  let app: TestApp;
  let database: string;
  let bloc: string;
  const admin = () => process.env.DAIHOI_TEST_ADMIN_URL as string;
  beforeAll(async () => {
    app = await startTestApp({ logger });
    bloc = (await app.tree(smallTree('MUT'))).get('MUT-BLOC') as string;
    [{ database }] = await app.readBack<{ database: string }>('select current_database() as database');
  });
  afterAll(async () => {
    await adminQuery(admin(), `alter database "${database}" allow_connections true`).catch(() => undefined);
    await app.close();
  });

  it('is answered SERVICE_UNAVAILABLE (503, no partial data, one log line without the SQL), writes nothing, and the retry succeeds', async () => {
    const locker = new Client({ connectionString: withDatabase(admin(), database) });
    await locker.connect();
    let res;
    try {
      await locker.query('begin');
      await locker.query('lock table organization in access exclusive mode');
      lines.length = 0;
      const pending = post(app, UPDATE, { input: { id: globalId('Organization', bloc), version: 1, name: 'Renamed as its session died' } });
      const [{ pid: lockerPid }] = (await locker.query('select pg_backend_pid() as pid')).rows;
      let waiting: { pid: number }[] = [];
      for (let i = 0; i < 100 && waiting.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
        waiting = await adminQuery<{ pid: number }>(admin(), `select pid from pg_stat_activity where datname = $1 and wait_event_type = 'Lock' and pid <> $2`, [database, lockerPid]);
      }
      expect(waiting).toHaveLength(1);
      await adminQuery(admin(), `alter database "${database}" allow_connections false`);
      await adminQuery(admin(), 'select pg_terminate_backend($1)', [waiting[0].pid]);
      res = await pending;
    } finally {
      await locker.end().catch(() => undefined);
      await adminQuery(admin(), `alter database "${database}" allow_connections true`);
    }
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.body).toEqual(UNAVAILABLE);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', requestId: res.headers.get('x-request-id'), msg: expect.stringContaining('database unavailable') });
    expect(JSON.stringify(lines[0])).not.toMatch(/organization|Renamed/);
    const [before] = await app.readBack<{ name: string }>('select name from organization where id = $1', [bloc]);
    expect(before.name).toBe('Đảng bộ Khối MUT');

    const again = await post(app, UPDATE, { input: { id: globalId('Organization', bloc), version: 1, name: 'Renamed after the restore' } });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ data: { organizationUpdate: { organization: { name: 'Renamed after the restore' }, userErrors: [] } } });
  });
});

describe('pool exhaustion', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ logger, acquireTimeoutMs: 300 });
    await app.tree(smallTree('PX'));
  });
  afterAll(() => app.close());

  it('answers SERVICE_UNAVAILABLE (503, Retry-After) when no connection frees up in time, then serves again', async () => {
    const client = app.orm.em.getConnection().getKnex().client as unknown as {
      acquireConnection(): Promise<unknown>;
      releaseConnection(c: unknown): Promise<void>;
    };
    const held = await Promise.all(Array.from({ length: 10 }, () => client.acquireConnection()));
    let res;
    try {
      lines.length = 0;
      res = await post(app, '{ organization(code: "PX-TW") { name } }');
    } finally {
      await Promise.all(held.map((c) => client.releaseConnection(c)));
    }
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    // The database is healthy: the message must not blame it alone.
    expect(res.body).toEqual({
      errors: [{ message: 'The service is overloaded or the database cannot be reached; retry later', extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5 } }],
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', requestId: res.headers.get('x-request-id'), error: expect.stringMatching(/Timeout acquiring a connection/) });

    const again = await post(app, '{ organization(code: "PX-TW") { name } }');
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ data: { organization: { name: 'Ban Chấp hành PX' } } });
  });
});

describe('what counts as an outage', () => {
  const pgError = (code: string, severity: string, message: string) => Object.assign(new DatabaseError(message, 0, 'error'), { code, severity });
  const netError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, errno: -1, syscall: 'connect' });
  const OUTAGES: [string, unknown][] = [
    ['connection refused', netError('ECONNREFUSED')],
    ['connection refused on every address of the host (AggregateError)', Object.assign(new AggregateError([netError('ECONNREFUSED'), netError('ECONNREFUSED')]), { code: 'ECONNREFUSED' })],
    ['connection reset', netError('ECONNRESET')],
    ['host unreachable', netError('EHOSTUNREACH')],
    ['connect timeout', new Error('Connection terminated due to connection timeout')],
    ['the socket closed under a query', new Error('Connection terminated unexpectedly')],
    ['a client that lost its connection', new Error('Client has encountered a connection error and is not queryable')],
    ['57P01 admin shutdown', pgError('57P01', 'FATAL', 'terminating connection due to administrator command')],
    ['57P02 crash shutdown', pgError('57P02', 'FATAL', 'terminating connection because of crash of another server process')],
    ['57P03 cannot connect now', pgError('57P03', 'FATAL', 'the database system is starting up')],
    ['53300 too many clients', pgError('53300', 'FATAL', 'sorry, too many clients already')],
    ['08006 connection failure', pgError('08006', 'ERROR', 'connection failure')],
    ['08P01 protocol violation', pgError('08P01', 'ERROR', 'protocol violation')],
    ['FATAL 55000 database not accepting connections', pgError('55000', 'FATAL', 'database "x" is not currently accepting connections')],
    ["knex's pool acquire timeout", Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { name: 'KnexTimeoutError' })],
    ['57P01 wrapped by MikroORM', new ConnectionException(pgError('57P01', 'FATAL', 'terminating connection due to administrator command'))],
    ['refused, wrapped by GraphQL', new GraphQLError('x', { originalError: netError('ECONNREFUSED') })],
    ['reset, as a cause', new Error('query failed', { cause: netError('ECONNRESET') })],
    // Since SQL runs through MikroORM's Connection.execute, knex prefixes the driver's message with the statement.
    ['the socket closed under a query, prefixed with its SQL', new Error(`select "o0".* from "organization" as "o0" where "o0"."code" = 'X' - Connection terminated unexpectedly`)],
    ['a lost client, prefixed with its SQL, wrapped by MikroORM', new DriverException(new Error('update "organization" set "name" = \'y\' - Client has encountered a connection error and is not queryable'))],
    ['57P01 prefixed with its SQL, wrapped by MikroORM', new ConnectionException(pgError('57P01', 'FATAL', 'select 1 - terminating connection due to administrator command'))],
    ["knex's transaction whose connection died", new Error('Transaction query already complete, run with DEBUG=knex:tx for more info')],
    ['the socket closed, as `previous`', Object.assign(new Error('query failed'), { previous: new Error('Connection terminated unexpectedly') })],
    // The API's pool cancels statements past STATEMENT_TIMEOUT_MS (test/limits.test.ts): too busy to answer now, retryable.
    ['a statement timeout (57014)', pgError('57014', 'ERROR', 'canceling statement due to statement timeout')],
    ['a statement timeout, prefixed with its SQL, wrapped by MikroORM', new DriverException(pgError('57014', 'ERROR', 'select 1 - canceling statement due to statement timeout'))],
  ];
  const OTHERS: [string, unknown][] = [
    ['a unique violation', pgError('23505', 'ERROR', 'duplicate key value violates unique constraint')],
    ['a missing table', pgError('42P01', 'ERROR', 'relation "x" does not exist')],
    ['a serialization failure', pgError('40001', 'ERROR', 'could not serialize access')],
    ['an operator cancelling a statement (57014, not a timeout)', pgError('57014', 'ERROR', 'canceling statement due to user request')],
    ['a statement timeout quoted in bound values, failing otherwise', pgError('23505', 'ERROR', `insert into "x" ("name") values ('canceling statement due to statement timeout') - duplicate key value violates unique constraint`)],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a foreign key violation wrapped by MikroORM', new DriverException(pgError('23503', 'ERROR', 'violates foreign key constraint'))],
    ['a thrown string', 'boom'],
    ['a unique violation whose bound values read like an outage', pgError('23505', 'ERROR', `insert into "organization" ("name") values ('a - Connection terminated') - duplicate key value violates unique constraint`)],
  ];

  it('formats every kind of connection failure as SERVICE_UNAVAILABLE, and other database errors as masked internal errors', () => {
    const format = createErrorFormatter(silentLogger);
    const codeOf = (error: unknown) => format({ message: 'x', path: ['f'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }, error).extensions?.code;
    const got = Object.fromEntries([...OUTAGES, ...OTHERS].map(([name, error]) => [name, codeOf(error)]));
    expect(got).toEqual(
      Object.fromEntries([...OUTAGES.map(([name]) => [name, 'SERVICE_UNAVAILABLE']), ...OTHERS.map(([name]) => [name, 'INTERNAL_SERVER_ERROR'])]),
    );
  });
});
