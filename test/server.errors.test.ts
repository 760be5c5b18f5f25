import type { Server } from 'node:http';
import { createLogger, requestLogger } from '../src/common/log';
import { requestScope } from '../src/common/request-scope';
import { createErrorFormatter } from '../src/server/errors';
import { createApp } from '../src/server/app';
import { snapshot, startTestApp, type TestApp } from './support/harness';
import { idOf } from './support/restructuring';
import { smallTree } from './support/trees';

/**
 * What the HTTP layer answers when the request never reaches GraphQL execution: a body the JSON parser refuses, a
 * body that is not JSON, an unknown route, a route that fails. Always a GraphQL-shaped JSON body with the right
 * status, never Express's HTML page, a stack trace or a server path — with NODE_ENV unset and in production alike.
 */

interface Case {
  name: string;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  status: number;
  code: string;
  /** The exact message, where the case promises one. */
  message?: string;
}

const SAVED_NODE_ENV = process.env.NODE_ENV;
const QUERY = JSON.stringify({ query: '{ __typename }' });
const NOT_AN_OBJECT = 'A GraphQL request must be a JSON object (with a "query" field).';
const CASES: Case[] = [
  { name: 'invalid JSON', body: '{"query": "{ __typename }"', status: 400, code: 'BAD_USER_INPUT', message: 'The request body is not valid JSON.' },
  { name: 'JSON that is not an object (strict parser)', body: '"{ __typename }"', status: 400, code: 'BAD_USER_INPUT', message: NOT_AN_OBJECT },
  { name: 'a JSON null body', body: 'null', status: 400, code: 'BAD_USER_INPUT', message: NOT_AN_OBJECT },
  { name: 'a JSON string body', body: ' "x" ', status: 400, code: 'BAD_USER_INPUT', message: NOT_AN_OBJECT },
  { name: 'a body over the size limit', body: JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(300_000) } }), status: 413, code: 'BAD_USER_INPUT' },
  { name: 'a charset other than UTF-8', headers: { 'content-type': 'application/json; charset=latin1' }, body: QUERY, status: 415, code: 'BAD_USER_INPUT' },
  { name: 'an unsupported content encoding', headers: { 'content-type': 'application/json', 'content-encoding': 'compress' }, body: QUERY, status: 415, code: 'BAD_USER_INPUT' },
  { name: 'a gzip body that does not inflate', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: Buffer.from('not gzip at all'), status: 400, code: 'BAD_USER_INPUT' },
  { name: 'a body that is not JSON', headers: { 'content-type': 'application/xml' }, body: '<query>{ __typename }</query>', status: 415, code: 'BAD_USER_INPUT' },
  { name: 'a POST without a content type', headers: {}, body: Buffer.from(QUERY), status: 415, code: 'BAD_USER_INPUT' },
  { name: 'a text/plain POST', headers: { 'content-type': 'text/plain' }, body: QUERY, status: 415, code: 'BAD_USER_INPUT' },
  { name: 'an unknown route', method: 'GET', path: '/graphq', status: 404, code: 'NOT_FOUND' },
  { name: 'an unknown route, POSTed to', path: '/api/graphql', headers: { 'content-type': 'application/json' }, body: QUERY, status: 404, code: 'NOT_FOUND' },
  { name: 'a known path with another method', method: 'DELETE', path: '/healthz', status: 404, code: 'NOT_FOUND' },
];

async function send(url: string, c: Pick<Case, 'method' | 'path' | 'headers' | 'body'>, token?: string) {
  const res = await fetch(`${url}${c.path ?? '/graphql'}`, {
    method: c.method ?? 'POST',
    headers: { ...(c.headers ?? { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: c.body,
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** Nothing of the server's insides: no HTML, no stack frame, no file path, no module name. */
function expectNothingLeaked(text: string) {
  expect(text).not.toMatch(/<html|<!DOCTYPE|<pre>/i);
  expect(text).not.toMatch(/\bat [\w.<>]+ \(|\.js:\d+|\.ts:\d+/);
  expect(text).not.toMatch(/node_modules|stack/i);
  expect(text).not.toContain(process.cwd());
  expect(text).not.toMatch(/SyntaxError|PayloadTooLargeError|UnsupportedMediaTypeError/);
}

describe.each([
  ['unset', undefined],
  ['production', 'production'],
])('with NODE_ENV %s', (_label, nodeEnv) => {
  let app: TestApp;
  beforeAll(async () => {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.close();
    process.env.NODE_ENV = SAVED_NODE_ENV;
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s: GraphQL-shaped JSON, the right status, nothing leaked', async (_name, c) => {
    const res = await send(app.url, c);
    expect(res.status).toBe(c.status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(res.text)).toEqual({ errors: [{ message: c.message ?? expect.any(String), extensions: { code: c.code } }] });
    expectNothingLeaked(res.text);
    expect(res.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9._:-]+$/);
  });
});

describe('an unexpected error in a route', () => {
  let app: TestApp;
  let server: Server;
  let url: string;
  const lines: Record<string, unknown>[] = [];
  let stopApollo: () => Promise<void>;

  beforeAll(async () => {
    delete process.env.NODE_ENV;
    app = await startTestApp();
    const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) });
    const { app: express, apollo } = await createApp({
      orm: app.orm,
      kernel: app.kernel,
      config: { introspection: true, sqlStatementHeader: false, anonymousRole: 'PUBLIC' },
      logger,
      today: () => '2026-11-27',
      ready: async () => {
        throw new Error('readiness probe exploded in /srv/daihoi/secret.js');
      },
    });
    stopApollo = () => apollo.stop();
    server = await new Promise((resolve) => {
      const s = express.listen(0, '127.0.0.1', () => resolve(s));
    });
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await stopApollo();
    await app.close();
    process.env.NODE_ENV = SAVED_NODE_ENV;
  });

  it('is a masked JSON 500 naming the request id, logged once with the details', async () => {
    const res = await send(url, { method: 'GET', path: '/readyz' });
    const requestId = res.headers.get('x-request-id');
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(res.text)).toEqual({
      errors: [{ message: `Internal server error (request ${requestId})`, extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } }],
    });
    expectNothingLeaked(res.text);
    expect(res.text).not.toMatch(/exploded|secret/);
    const logged = lines.filter((l) => l.requestId === requestId);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 'error', err: { message: expect.stringContaining('readiness probe exploded') } });
  });
});

describe('the request body must be UTF-8 (issue 8)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const CREATE = `mutation($input: OrganizationCreateInput!) { organizationCreate(input: $input) { organization { name } userErrors { code } } }`;
  /** An organizationCreate body whose name holds `raw` bytes as they are, not escaped. */
  const createBody = (parent: string, code: string, raw: Buffer) => {
    const [head, tail] = JSON.stringify({ query: CREATE, variables: { input: { code, name: '@@', level: 'CELL', memberCount: 12, parent } } }).split('@@');
    return Buffer.concat([Buffer.from(head + 'Chi bộ '), raw, Buffer.from(tail)]);
  };

  it('a body with bytes that are not UTF-8 is a 400 BAD_USER_INPUT, nothing written; the same body in UTF-8 is stored', async () => {
    await app.tree(smallTree('U1'));
    const parent = await idOf(app, 'U1-MA-B1');
    const before = await snapshot(app);
    const bad = await send(app.url, { body: createBody(parent, 'U1-X', Buffer.from([0xff, 0xfe, 0xc3])) }, app.adminToken);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(bad.text)).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'BAD_USER_INPUT' } }] });
    expectNothingLeaked(bad.text);
    expect(await snapshot(app)).toEqual(before);

    const good = await send(app.url, { body: createBody(parent, 'U1-X', Buffer.from('Ữ', 'utf8')) }, app.adminToken);
    expect(good.status).toBe(200);
    expect(JSON.parse(good.text)).toEqual({ data: { organizationCreate: { organization: { name: 'Chi bộ Ữ' }, userErrors: [] } }, extensions: { cost: expect.any(Object) } });
  });

  it.each([
    ['utf-16', Buffer.from(QUERY, 'utf16le')],
    ['utf-16le', Buffer.from(QUERY, 'utf16le')],
    ['UTF-32', QUERY],
    ['latin1', QUERY],
  ])('charset=%s is a 415 BAD_USER_INPUT, even when the body really is in that charset', async (charset, body) => {
    const res = await send(app.url, { headers: { 'content-type': `application/json; charset=${charset}` }, body }, app.adminToken);
    expect(res.status).toBe(415);
    expect(JSON.parse(res.text)).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'BAD_USER_INPUT' } }] });
    expectNothingLeaked(res.text);
  });

  it.each(['application/json', 'application/json; charset=utf-8', 'application/json; charset=UTF-8'])('%s is accepted', async (contentType) => {
    const res = await send(app.url, { headers: { 'content-type': contentType }, body: QUERY }, app.adminToken);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ data: { __typename: 'Query' }, extensions: { cost: expect.objectContaining({ requested: 1 }) } });
  });
});

describe('the log line of an unexpected error', () => {
  it('names the request once (the per-request logger binds `requestId`; a second key would be a duplicate)', () => {
    const raw: string[] = [];
    const base = createLogger('info', { write: (line: string) => void raw.push(line) });
    const format = createErrorFormatter(base);
    const formatted = requestScope.run({ requestId: 'req-dup-1', logger: requestLogger(base, { requestId: 'req-dup-1' }), statements: 0 }, () =>
      format({ message: 'x', path: ['f'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }, new TypeError('boom')),
    );
    expect(formatted.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: 'req-dup-1' });
    expect(raw).toHaveLength(1);
    expect(raw[0].match(/"requestId":/g)).toHaveLength(1);
    expect(JSON.parse(raw[0])).toMatchObject({ level: 'error', requestId: 'req-dup-1', msg: 'unexpected error', err: { message: 'boom' } });
  });
});
