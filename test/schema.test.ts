import fs from 'node:fs';
import path from 'node:path';
import { printAppSchema } from '../src/schema';

describe('schema/schema.graphql', () => {
  it('is what the code emits (run `npm run schema` after changing the API)', async () => {
    const committed = fs.readFileSync(path.join(__dirname, '..', 'schema', 'schema.graphql'), 'utf8');
    expect(await printAppSchema()).toBe(committed);
  });

  it('keeps the public contract names', async () => {
    const sdl = await printAppSchema();
    for (const fragment of [
      'enum OrganizationLevel',
      'node(id: ID!): Node',
      'nodes(ids: [ID!]!): [Node]!',
      'organization(',
      'organizations(',
      'type Organization implements Node',
      'memberCount: Int!',
      'type UserError',
    ]) {
      expect(sdl).toContain(fragment);
    }
  });
});
