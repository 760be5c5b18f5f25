import { startTestApp, type TestApp } from './support/harness';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

describe('HTTP surface', () => {
  it('answers /healthz and /readyz', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  // The pages at / and /graphiql: test/web.test.ts.
  it('serves the SDL', async () => {
    const sdl = await (await fetch(`${app.url}/schema.graphql`)).text();
    expect(sdl).toContain('type Organization implements Node');
  });

  it('answers malformed queries and bad arguments with BAD_USER_INPUT', async () => {
    const parse = await app.gql('{ organization(code: ');
    expect(parse.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const unknownField = await app.gql('{ organization(code: "X") { secret } }');
    expect(unknownField.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const badDate = await app.gql('query($d: Date) { organizations(first: 1, asOf: $d) { totalCount } }', { d: '2025-13-40' });
    expect(badDate.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('masks unexpected errors: no message or stack leaves the server', async () => {
    // A database failure mid-request: drop a table the query needs on this test's own database.
    await app.orm.em.getConnection().execute('alter table organization_placement rename to organization_placement_gone');
    try {
      const res = await app.gql('{ organizations(first: 1) { totalCount } }');
      const error = res.body.errors?.[0];
      expect(error?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(error?.message).not.toMatch(/organization_placement|relation|select/i);
      expect(JSON.stringify(res.body)).not.toMatch(/stacktrace|at .*\.js/);
    } finally {
      await app.orm.em.getConnection().execute('alter table organization_placement_gone rename to organization_placement');
    }
  });
});
