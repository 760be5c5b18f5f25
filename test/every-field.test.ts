import { getNamedType, type GraphQLSchema } from 'graphql';
import { seedDemo } from '../seeds/DemoSeeder';
import { fieldPairs, mutationPlan, objectTypes, QueryPlan, reachableTypes, refusedInput, servedSchema, type ArgValues } from './support/every-field';
import { globalId, snapshot, startTestApp, type TestApp } from './support/harness';

/**
 * Every field of every object type, executed on the demo data, from queries generated from the served schema: a field
 * someone adds is selected, given arguments and checked here without being listed anywhere.
 */

const TODAY = '2026-11-27';
/** A well-formed uuid no seeded object has. */
const MISSING = '0e0e0e0e-0000-4000-8000-00000000e0e0';

/**
 * (type.field) pairs the demo data cannot reach, each with the reason. Keep it short: prefer another argument or date
 * in `values` that makes the field's list non-empty. The test fails on an entry that is reached after all.
 */
const UNREACHABLE_ON_DEMO: string[] = [
  // (None. ScheduleConflict was here while every demo congress was scheduled "from the start"; now that scheduling is
  // dated, on 4 December 2024 base committees have issued their plans while many of their cells have not scheduled yet.)
];

let app: TestApp;
let schema: GraphQLSchema;
let values: ArgValues;
beforeAll(async () => {
  // One query selects every field of the schema, in one alias per argument variant: far past the limits a client has.
  app = await startTestApp({ today: TODAY, limits: { maxAliases: 10_000, maxTokens: 1_000_000, maxDepth: 100, maxCostPerQuery: 1_000_000_000 } });
  await seedDemo(app.orm, TODAY);
  schema = await servedSchema(app);
  const { body } = await app.gql(`{ organization(code: "TW") { id } }`);
  values = {
    first: 3,
    // The tree of 4 December 2024, the middle of 2025 (the merger done, congresses in preparation), and today.
    dates: ['2024-12-04', '2025-06-01'],
    range: { from: '2024-12-01', to: '2025-12-31' },
    strings: {
      // The merged ministry committee (predecessors, a two-content congress), a committee that 2025 ended (successors),
      // a cell in the pending merger (pendingRestructuring).
      code: ['DBTC', 'BTC', 'BTC-HVTC-CB01'],
      term: ['2025-2030'],
      search: ['tai chinh'],
    },
    // The root: `under` it is everything.
    defaultId: body.data.organization.id,
  };
});
afterAll(() => app.close());

/** Object types only mutations lead to: their payloads and what those hold. */
function mutationOnlyTypes(schema: GraphQLSchema): Set<string> {
  const fromQuery = reachableTypes(schema, schema.getQueryType());
  return new Set([...reachableTypes(schema, schema.getMutationType())].filter((t) => !fromQuery.has(t)));
}

/** Object types only subscriptions lead to: test/live.subscription.test.ts runs them over WebSocket. */
function subscriptionOnlyTypes(schema: GraphQLSchema): Set<string> {
  const fromQuery = reachableTypes(schema, schema.getQueryType());
  return new Set([...reachableTypes(schema, schema.getSubscriptionType())].filter((t) => !fromQuery.has(t)));
}

describe('every field of every object type', () => {
  it('is executed by one generated query on the demo data, without an error, every timestamp an ISO-8601 instant', async () => {
    const query = schema.getQueryType()!;
    // Every object type of the schema but the mutations' own (payloads, UserError: the next test).
    const mutationOnly = mutationOnlyTypes(schema);
    const subscriptionOnly = subscriptionOnlyTypes(schema);
    const required = new Set(objectTypes(schema).filter((name) => !mutationOnly.has(name) && !subscriptionOnly.has(name)));
    const plan = new QueryPlan(schema, query, values);
    for (let round = 0; round < 20; round++) {
      if (plan.expand(required) === 0) break;
      const { body } = await app.gql(plan.text());
      expect((body.errors ?? []).map((e) => ({ ...e, at: plan.rootCall(e.path?.[0]) }))).toEqual([]);
      plan.record(body.data);
    }
    process.stdout.write(`every-field query: ${plan.text().length} characters, ${plan.covered.size} (type, field) pairs executed\n`);
    expect(plan.expand(required)).toBe(0); // the last query run is the whole query: nothing left to add
    expect(plan.badScalars).toEqual([]);
    expect(plan.uncovered(required)).toEqual([...UNREACHABLE_ON_DEMO].sort());
  });
});

describe('every mutation', () => {
  it('refuses an input naming missing objects with coded userErrors, every other payload field null, nothing written', async () => {
    const mutation = schema.getMutationType()!;
    const covered = new Set<string>();
    for (const field of Object.values(mutation.getFields())) {
      // An ID field that does not name its type (sources, newParent, …) gets a missing organisation's id.
      const plan = mutationPlan(schema, values, field, refusedInput(schema, field.name, (type) => globalId(type, MISSING), 'Organization'));
      const before = await snapshot(app);
      const { body } = await app.gql(plan.text('mutation'));
      expect({ mutation: field.name, errors: body.errors }).toEqual({ mutation: field.name, errors: undefined });
      const { __typename, userErrors, ...rest } = body.data[field.name];
      expect(__typename).toBe(getNamedType(field.type).name);
      const codes = (userErrors as { code: unknown }[]).map((e) => e.code);
      const coded = codes.length > 0 && codes.every((c) => typeof c === 'string' && /^[A-Z][A-Z0-9_]*$/.test(c));
      expect({ mutation: field.name, codes, coded }).toEqual({ mutation: field.name, codes, coded: true });
      for (const [key, value] of Object.entries(rest)) expect({ mutation: field.name, [key]: value }).toEqual({ mutation: field.name, [key]: null });
      expect(await snapshot(app)).toEqual(before);
      plan.record(body.data);
      for (const p of plan.covered) covered.add(p);
    }
    // The payload types and what only mutations return (UserError): every field executed under a non-null parent.
    expect(fieldPairs(schema, mutationOnlyTypes(schema)).filter((p) => !covered.has(p))).toEqual([]);
  });
});
