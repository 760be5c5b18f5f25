import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, DangerousChangeType, findBreakingChanges, findDangerousChanges, type GraphQLSchema } from 'graphql';
import { printAppSchema } from '../src/schema';

const COMMITTED = path.join(__dirname, '..', 'schema', 'schema.graphql');
const CONTRACT = path.join(__dirname, 'fixtures', 'public-contract.graphql');

/** Every breaking and dangerous change from `from` to `to`, as "TYPE: description" lines. */
function changes(from: GraphQLSchema, to: GraphQLSchema): string[] {
  return [...findBreakingChanges(from, to), ...findDangerousChanges(from, to)].map((c) => `${c.type}: ${c.description}`).sort();
}

describe('schema/schema.graphql', () => {
  it('is exactly what the code emits: no change either way, not even in a description (run `npm run schema`)', async () => {
    const emittedSdl = await printAppSchema();
    const committedSdl = fs.readFileSync(COMMITTED, 'utf8');
    const emitted = buildSchema(emittedSdl);
    const committed = buildSchema(committedSdl);
    const hint = 'schema/schema.graphql is not what the code emits: run `npm run schema` and commit the result';
    // Both directions: what the code changed against the committed file, and what the file has that the code lost
    // (an added field is no break one way, a removed field the other).
    expect({ hint, committedToEmitted: changes(committed, emitted), emittedToCommitted: changes(emitted, committed) }).toEqual({
      hint,
      committedToEmitted: [],
      emittedToCommitted: [],
    });
    // Descriptions, deprecations and ordering, which the comparisons above do not see.
    expect({ hint, identical: emittedSdl === committedSdl }).toEqual({ hint, identical: true });
  });
});

/**
 * Where the emitted schema does not keep the contract yet, each with its reason. The test fails on a new deviation and
 * on an entry that no longer happens (remove it then): the list only shrinks.
 */
const KNOWN_DEVIATIONS: string[] = [];

describe('the public contract (DESIGN.md, test/fixtures/public-contract.graphql)', () => {
  it('is kept by the emitted schema: every name with its type and arguments, no default changed', async () => {
    const contract = buildSchema(fs.readFileSync(CONTRACT, 'utf8'));
    const emitted = buildSchema(await printAppSchema());
    const broken = findBreakingChanges(contract, emitted).map((c) => `${c.type}: ${c.description}`);
    // Adding around the contract is free (new enum values, optional arguments, interfaces); changing a default is not.
    const defaults = findDangerousChanges(contract, emitted)
      .filter((c) => c.type === DangerousChangeType.ARG_DEFAULT_VALUE_CHANGE)
      .map((c) => `${c.type}: ${c.description}`);
    expect([...broken, ...defaults].sort()).toEqual([...KNOWN_DEVIATIONS].sort());
  });
});
