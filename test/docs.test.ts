import fs from 'node:fs';
import path from 'node:path';
import { seedDemo } from '../seeds/DemoSeeder';
import { curlQueries, readmeExamples, readmeToday, sameQuery } from '../src/tools/readme-examples.parse';
import { startTestApp, type TestApp } from './support/harness';

/**
 * Every example in the README — each ```graphql block and the ```json block after it — is run against the demo
 * seeded with the TODAY the README names, and must answer exactly what the README shows. After an intended change,
 * `npm run docs:examples` rewrites the json blocks; this test only compares.
 */
const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
const examples = readmeExamples(README);
const today = readmeToday(README);

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ today });
  await seedDemo(app.orm, today);
});
afterAll(() => app.close());

describe('the README', () => {
  it(`says which TODAY its examples use (TODAY=${today} npm start) and has examples to check`, () => {
    expect(README).toContain(`TODAY=${today} npm start`);
    expect(examples.length).toBeGreaterThanOrEqual(10);
  });

  it('sends with curl a query that is one of the checked examples', () => {
    const sent = curlQueries(README);
    expect(sent.length).toBeGreaterThan(0);
    for (const q of sent) expect(examples.filter((e) => sameQuery(e.query, q)).map((e) => e.title)).not.toEqual([]);
  });

  it.each(examples.map((e) => [`${e.title} (line ${e.line})`, e] as const))('example "%s" answers what the README shows', async (_title, example) => {
    if (!example.expected.ok) throw new Error(`README line ${example.line}: ${example.expected.error}`);
    const { body } = await app.gql(example.query);
    try {
      expect(body).toStrictEqual(example.expected.value);
    } catch (err) {
      (err as Error).message = `README example at line ${example.line} ("${example.title}") no longer matches the server on TODAY=${today}.\n` +
        `If the change is intended, refresh the README with \`npm run docs:examples\` and review the diff.\n\n${(err as Error).message}`;
      throw err;
    }
  });
});
