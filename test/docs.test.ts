import fs from 'node:fs';
import path from 'node:path';
import { seedDemo } from '../seeds/DemoSeeder';
import { issueDemoPrincipals } from '../src/access/access.demo';
import { systemViewer } from '../src/common/kernel';
import { curlQueries, documented, readmeExamples, readmeToday, sameQuery, type ExampleToken } from '../src/tools/readme-examples.parse';
import { startTestApp, type TestApp } from './support/harness';

/**
 * Every example in the README — each ```graphql block and the ```json block after it — is run against the demo
 * seeded with the TODAY the README names, sent with the demo token its first line names (the demo principals made
 * as `npm start` makes them), and must answer exactly what the README shows (`extensions.cost` aside). After an
 * intended change, `npm run docs:examples` rewrites the json blocks; this test only compares.
 */
const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
const examples = readmeExamples(README);
const today = readmeToday(README);

let app: TestApp;
let tokens: Record<ExampleToken, string>;
beforeAll(async () => {
  app = await startTestApp({ today });
  await seedDemo(app.orm, today);
  // What demo mode does after the seed (src/database/index.ts): a demo ADMIN, VIEWER (the whole tree) and EDITOR (DBTC).
  const issued = await app.kernel.withTransaction({ operation: 'demoTokens', viewer: systemViewer('demo'), today }, (tx) => issueDemoPrincipals(tx));
  if (!issued) throw new Error('the demo seed made no demo tree');
  tokens = issued;
});
afterAll(() => app.close());

describe('the README', () => {
  it(`says which TODAY its examples use (TODAY=${today} npm start) and has examples to check`, () => {
    expect(README).toContain(`TODAY=${today} npm start`);
    expect(examples.length).toBeGreaterThanOrEqual(10);
    expect(examples.filter((e) => e.token === 'VIEWER').length).toBeGreaterThanOrEqual(1);
    expect(examples.filter((e) => e.token === 'EDITOR').length).toBeGreaterThanOrEqual(2);
  });

  it('refuses an example that does not name its token, or names an unknown one', () => {
    const example = (first: string) => `## X\n\n\`\`\`graphql\n${first}{ viewer { role } }\n\`\`\`\n\n\`\`\`json\n{}\n\`\`\`\n`;
    expect(readmeExamples(example('# Authorization: Bearer $VIEWER_TOKEN\n'))[0].token).toBe('VIEWER');
    expect(() => readmeExamples(example(''))).toThrow(/line 3: .*must start with the token/);
    expect(() => readmeExamples(example('# a comment\n'))).toThrow(/line 3: .*must start with the token/);
    expect(readmeExamples(example('# Authorization: Bearer $EDITOR_TOKEN\n'))[0].token).toBe('EDITOR');
    expect(() => readmeExamples(example('# Authorization: Bearer $PUBLIC_TOKEN\n'))).toThrow(/unknown token \$PUBLIC_TOKEN/);
  });

  it('sends with curl, with its token, a query that is one of the checked examples', () => {
    const sent = curlQueries(README);
    expect(sent.length).toBeGreaterThan(0);
    for (const q of sent) {
      expect(q.token).not.toBeNull();
      expect(examples.filter((e) => sameQuery(e.query, q.query) && e.token === q.token).map((e) => e.title)).not.toEqual([]);
    }
  });

  it.each(examples.map((e) => [`${e.title} (line ${e.line}, ${e.token})`, e] as const))('example "%s" answers what the README shows', async (_title, example) => {
    if (!example.expected.ok) throw new Error(`README line ${example.line}: ${example.expected.error}`);
    const { body } = await app.gql(example.query, undefined, { as: tokens[example.token] });
    try {
      expect(documented(body)).toStrictEqual(example.expected.value);
    } catch (err) {
      (err as Error).message = `README example at line ${example.line} ("${example.title}", $${example.token}_TOKEN) no longer matches the server on TODAY=${today}.\n` +
        `If the change is intended, refresh the README with \`npm run docs:examples\` and review the diff.\n\n${(err as Error).message}`;
      throw err;
    }
  });
});
