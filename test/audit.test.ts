import type { GraphQLSchema } from 'graphql';
import { createAuditConsumer } from '../src/audit/audit.consumer';
import { UserErrorException } from '../src/common/errors';
import { createKernel, systemViewer } from '../src/common/kernel';
import { createAppKernel } from '../src/kernel';
import { servedSchema } from './support/every-field';
import { globalId, startTestApp, type TestApp } from './support/harness';
import { MUTATION_FIXTURES } from './support/mutation-fixtures';
import { smallTree } from './support/trees';

/**
 * The audit log (issue 9, item 4): one event per committed write, built from the journal; none for a refused or failed
 * mutation; append-only in the database; listed newest first with filters.
 */

let app: TestApp;
let schema: GraphQLSchema;
beforeAll(async () => {
  app = await startTestApp({ today: '2026-11-27' });
  schema = await servedSchema(app);
});
afterAll(() => app.close());

const ANON = { kind: 'anonymous' as const, id: null, name: 'anonymous' };

/** Inserts an event as the consumer would (raw SQL: INSERT is the one thing the table allows). */
async function insertEvent(e: {
  operation: string;
  occurredAt: string;
  entities?: { type: string; id: string }[];
  changes?: unknown[];
  organizations?: string[];
  principal?: { kind: string; id: string | null; name: string };
  requestId?: string | null;
}): Promise<string> {
  const [row] = await app.readBack<{ id: string }>(
    `insert into audit_event (occurred_at, principal, operation, request_id, entities, changes, organizations)
     values ($1, $2, $3, $4, $5, $6, $7) returning id`,
    [e.occurredAt, JSON.stringify(e.principal ?? ANON), e.operation, e.requestId ?? null, JSON.stringify(e.entities ?? []), JSON.stringify(e.changes ?? []), e.organizations ?? []],
  );
  return row.id;
}

const EVENT_FIELDS = `id occurredAt operation requestId principal { kind name }
  entities { type id key node { __typename id ... on Organization { code } } }
  changes { entity { type id } field before after }`;

async function events(args: string): Promise<any> {
  const { body } = await app.gql(`{ auditEvents(${args}) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { ${EVENT_FIELDS} } } } }`);
  expect(body.errors).toBeUndefined();
  return body.data.auditEvents;
}

const ops = (conn: any) => conn.edges.map((e: any) => e.node.operation);

describe('the audit log is append-only', () => {
  it('refuses UPDATE, DELETE and TRUNCATE in the database, whoever asks, and keeps the row as it was', async () => {
    const id = await insertEvent({ operation: 'test:append-only', occurredAt: '2026-01-01T00:00:00Z' });
    const [before] = await app.readBack(`select * from audit_event where id = $1`, [id]);
    await expect(app.readBack(`update audit_event set operation = 'forged' where id = $1`, [id])).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(app.readBack(`delete from audit_event where id = $1`, [id])).rejects.toThrow(/append-only: DELETE refused/);
    await expect(app.readBack(`truncate audit_event`)).rejects.toThrow(/append-only: TRUNCATE refused/);
    expect(await app.readBack(`select * from audit_event where id = $1`, [id])).toEqual([before]);
  });
});

describe('Query.auditEvents', () => {
  it('lists newest first and pages with `after`, the total across pages', async () => {
    const times = ['2026-02-01T10:00:00.000001Z', '2026-02-01T10:00:00.000002Z', '2026-02-03T00:00:00Z', '2026-02-02T00:00:00Z', '2026-02-04T00:00:00Z'];
    for (const [i, t] of times.entries()) await insertEvent({ operation: `test:paging`, occurredAt: t, requestId: `p${i}` });
    const page1 = await events(`first: 2, operation: "test:paging"`);
    expect(page1.totalCount).toBe(5);
    expect(page1.edges.map((e: any) => e.node.requestId)).toEqual(['p4', 'p2']);
    expect(page1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const page2 = await events(`first: 2, operation: "test:paging", after: "${page1.pageInfo.endCursor}"`);
    expect(page2.edges.map((e: any) => e.node.requestId)).toEqual(['p3', 'p1']);
    const page3 = await events(`first: 2, operation: "test:paging", after: "${page2.pageInfo.endCursor}"`);
    expect(page3.edges.map((e: any) => e.node.requestId)).toEqual(['p0']);
    expect(page3.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(page3.totalCount).toBe(5);
    expect(page1.edges[0].node.occurredAt).toBe('2026-02-04T00:00:00.000Z');
  });

  it('filters by subtree (today’s tree), entity, operation and a half-open range of instants', async () => {
    const ids = await app.tree(smallTree('AQ'));
    const id = (code: string) => ids.get(`AQ-${code}`)!;
    const congressId = '0e0e0e0e-0000-4000-8000-0000000000c1';
    await insertEvent({ operation: 'test:filter-a', occurredAt: '2026-03-01T00:00:00Z', organizations: [id('MA-B1-C1')], entities: [{ type: 'Congress', id: congressId }, { type: 'Organization', id: id('MA-B1-C1') }] });
    await insertEvent({ operation: 'test:filter-b', occurredAt: '2026-03-02T00:00:00Z', organizations: [id('MB')], entities: [{ type: 'Organization', id: id('MB') }] });
    await insertEvent({ operation: 'test:filter-c', occurredAt: '2026-03-03T00:00:00Z', organizations: [id('MA'), id('MB-B1')], entities: [{ type: 'Organization', id: id('MA') }] });
    const org = (code: string) => globalId('Organization', id(code));
    const range = `from: "2026-03-01T00:00:00Z", to: "2026-03-04T00:00:00Z"`;
    expect(ops(await events(`first: 10, ${range}, under: "${org('MA')}"`))).toEqual(['test:filter-c', 'test:filter-a']);
    expect(ops(await events(`first: 10, ${range}, under: "${org('MA-B1')}"`))).toEqual(['test:filter-a']);
    expect(ops(await events(`first: 10, ${range}, under: "${org('MB')}"`))).toEqual(['test:filter-c', 'test:filter-b']);
    expect(ops(await events(`first: 10, ${range}, under: "${org('TW')}"`))).toEqual(['test:filter-c', 'test:filter-b', 'test:filter-a']);
    expect(ops(await events(`first: 10, ${range}, entity: "${globalId('Congress', congressId)}"`))).toEqual(['test:filter-a']);
    expect(ops(await events(`first: 10, ${range}, entity: "${org('MA')}"`))).toEqual(['test:filter-c']);
    expect(ops(await events(`first: 10, ${range}, entity: "${org('MB')}", operation: "test:filter-c"`))).toEqual([]);
    expect(ops(await events(`first: 10, under: "${org('TW')}", from: "2026-03-02T00:00:00Z", to: "2026-03-03T00:00:00Z"`))).toEqual(['test:filter-b']);
  });

  it('answers the principal, the request id, the entities (resolved through the loaders; null when gone or not a Node) and the changes', async () => {
    const ids = await app.tree(smallTree('AF'));
    const cell = ids.get('AF-MA-B1-C1')!;
    const gone = '0e0e0e0e-0000-4000-8000-0000000000d1';
    const eventId = await insertEvent({
      operation: 'test:fields',
      occurredAt: '2026-04-01T00:00:00Z',
      requestId: 'req-af',
      principal: { kind: 'system', id: null, name: 'demo seed' },
      organizations: [cell],
      entities: [{ type: 'Organization', id: cell }, { type: 'Congress', id: gone }, { type: 'TermCalendarEntry', id: '2025-2030:CELL' }],
      changes: [
        { type: 'Organization', id: cell, before: { name: 'A', memberCount: 12 }, after: { name: 'B', memberCount: 13, shortName: 'b' } },
        { type: 'TermCalendarEntry', id: '2025-2030:CELL', before: { deadline: '2025-03-31' }, after: { deadline: '2025-04-30' } },
      ],
    });
    const conn = await events(`first: 1, operation: "test:fields"`);
    const cellId = globalId('Organization', cell);
    const calendar = { type: 'TermCalendarEntry', id: null };
    expect(conn.edges[0].node).toEqual({
      id: globalId('AuditEvent', eventId),
      occurredAt: '2026-04-01T00:00:00.000Z',
      operation: 'test:fields',
      requestId: 'req-af',
      principal: { kind: 'SYSTEM', name: 'demo seed' },
      entities: [
        { type: 'Organization', id: cellId, key: null, node: { __typename: 'Organization', id: cellId, code: 'AF-MA-B1-C1' } },
        { type: 'Congress', id: globalId('Congress', gone), key: null, node: null },
        { type: 'TermCalendarEntry', id: null, key: '2025-2030:CELL', node: null },
      ],
      changes: [
        { entity: { type: 'Organization', id: cellId }, field: 'name', before: 'A', after: 'B' },
        { entity: { type: 'Organization', id: cellId }, field: 'memberCount', before: 12, after: 13 },
        { entity: { type: 'Organization', id: cellId }, field: 'shortName', before: null, after: 'b' },
        { entity: calendar, field: 'deadline', before: '2025-03-31', after: '2025-04-30' },
      ],
    });
    // An AuditEvent is a Node: node(id:) finds it.
    const { body } = await app.gql(`query($id: ID!) { node(id: $id) { __typename id ... on AuditEvent { operation requestId } } }`, { id: globalId('AuditEvent', eventId) });
    expect(body).toEqual({ data: { node: { __typename: 'AuditEvent', id: globalId('AuditEvent', eventId), operation: 'test:fields', requestId: 'req-af' } } });
  });

  it('refuses a page size out of range, a malformed cursor and an `under` that is not an organisation (BAD_USER_INPUT)', async () => {
    for (const args of [`first: 0`, `first: 101`, `first: 1, after: "nope"`, `first: 1, under: "${globalId('Congress', '0e0e0e0e-0000-4000-8000-0000000000c1')}"`, `first: 1, entity: "garbage"`]) {
      const { body } = await app.gql(`{ auditEvents(${args}) { totalCount } }`);
      expect({ args, codes: body.errors?.map((e) => e.extensions?.code) }).toEqual({ args, codes: ['BAD_USER_INPUT'] });
    }
  });
});

/** Runs a mutation from its name and input, the request id chosen (the server takes a well-formed `x-request-id`). */
async function mutate(name: string, input: Record<string, unknown>, requestId: string): Promise<{ errors?: unknown; userErrors: { code: string }[] }> {
  const field = schema.getMutationType()!.getFields()[name];
  const query = `mutation($input: ${field.args[0].type.toString()}) { ${name}(input: $input) { userErrors { code field message } } }`;
  const res = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': requestId, authorization: `Bearer ${app.adminToken}` }, body: JSON.stringify({ query, variables: { input } }) });
  const body = (await res.json()) as any;
  return { errors: body.errors, userErrors: body.data?.[name]?.userErrors };
}

const countEvents = async () => (await app.readBack<{ n: number }>(`select count(*)::int as n from audit_event`))[0].n;
const drift = () => app.drift();

describe('every mutation of the schema: exactly one audit event per success, none per refusal, no drift', () => {
  it('has a fixture for every Mutation field of the served schema (a mutation added without one fails here)', () => {
    expect(Object.keys(MUTATION_FIXTURES).sort()).toEqual(Object.keys(schema.getMutationType()!.getFields()).sort());
  });

  it.each(Object.keys(MUTATION_FIXTURES).map((name, i) => [name, i]))('%s', async (name, i) => {
    const fixture = await MUTATION_FIXTURES[name](app, `AM${i}`);
    const requestId = `audit-${name}-${i}`;

    const before = await countEvents();
    expect(await mutate(name, fixture.input, requestId)).toEqual({ errors: undefined, userErrors: [] });
    expect(await countEvents()).toBe(before + 1);
    const rows = await app.readBack<{ operation: string; principal: unknown; entities: unknown[] }>(`select operation, principal, entities from audit_event where request_id = $1`, [requestId]);
    expect(rows).toHaveLength(1);
    const { entities, changed } = await fixture.outcome();
    expect(rows[0]).toMatchObject({ operation: name, principal: { kind: 'principal', name: 'test admin' } });
    expect(rows[0].entities).toEqual(expect.arrayContaining(entities));

    // Through the API: the newest event of this operation, with the change the fixture knows of.
    const conn = await events(`first: 1, operation: "${name}"`);
    expect(conn.edges[0].node.requestId).toBe(requestId);
    const entityId = ['Organization', 'Congress', 'Restructuring', 'Principal', 'ReadinessReport'].includes(changed.type) ? globalId(changed.type, changed.id) : null;
    expect(conn.edges[0].node.changes).toContainEqual({ entity: { type: changed.type, id: entityId }, field: changed.field, before: changed.before, after: changed.after });

    const refused = await mutate(name, fixture.refused, `${requestId}-refused`);
    expect(refused.errors).toBeUndefined();
    expect(refused.userErrors.length).toBeGreaterThan(0);
    expect(await countEvents()).toBe(before + 1);
    expect(await drift()).toEqual([]);
  });
});

describe('the audit consumer in the kernel', () => {
  const kernel = () => createAppKernel(app.orm);
  const eventsOf = (operation: string) => app.readBack<{ principal: unknown; entities: unknown; changes: unknown; organizations: string[] }>(
    `select principal, entities, changes, organizations from audit_event where operation = $1`, [operation]);

  it('writes one event for a transaction that records changes, as its viewer, built from the whole journal', async () => {
    const ids = await app.tree(smallTree('AK1'));
    const cell = ids.get('AK1-MA-B1-C1')!;
    const base = ids.get('AK1-MA-B1')!;
    await kernel().withTransaction({ operation: 'test:kernel-one', viewer: systemViewer('test:kernel-one'), today: '2026-11-27' }, async (tx) => {
      await tx.change({ kind: 'OrganizationUpdated', organizations: [cell], entities: [{ type: 'Organization', id: cell }], before: { name: 'A' }, after: { name: 'B' } });
      await tx.change({ kind: 'OrganizationUpdated', organizations: [base], entities: [{ type: 'Organization', id: base }], before: { code: 'X' }, after: { code: 'Y' } });
    });
    expect(await eventsOf('test:kernel-one')).toEqual([
      {
        principal: { kind: 'system', id: null, name: 'test:kernel-one' },
        entities: [{ type: 'Organization', id: cell }, { type: 'Organization', id: base }],
        changes: [
          { type: 'Organization', id: cell, before: { name: 'A' }, after: { name: 'B' } },
          { type: 'Organization', id: base, before: { code: 'X' }, after: { code: 'Y' } },
        ],
        organizations: [cell, base],
      },
    ]);
  });

  it('writes none when the work is refused or fails after recording changes (the rollback takes it), nor for an empty journal', async () => {
    const ids = await app.tree(smallTree('AK2'));
    const cell = ids.get('AK2-MA-B1-C1')!;
    const change = { kind: 'OrganizationUpdated' as const, organizations: [cell], entities: [{ type: 'Organization' as const, id: cell }], before: { name: 'A' }, after: { name: 'B' } };
    const before = await countEvents();
    await expect(
      kernel().withTransaction({ operation: 'test:kernel-refused', today: '2026-11-27' }, async (tx) => {
        await tx.change(change);
        throw UserErrorException.of('NOT_ALLOWED', 'no');
      }),
    ).rejects.toBeInstanceOf(UserErrorException);
    await expect(
      kernel().withTransaction({ operation: 'test:kernel-failed', today: '2026-11-27' }, async (tx) => {
        await tx.change(change);
        await tx.sql('select 1/0');
      }),
    ).rejects.toThrow(/division by zero/);
    await kernel().withTransaction({ operation: 'test:kernel-empty', today: '2026-11-27' }, async (tx) => {
      await tx.sql('select 1');
    });
    expect(await countEvents()).toBe(before);
  });

  it('writes its event in the transaction: a failure after it, before COMMIT, takes the event with the rollback', async () => {
    const ids = await app.tree(smallTree('AK4'));
    const cell = ids.get('AK4-MA-B1-C1')!;
    const late = createKernel(app.orm, [createAuditConsumer(), { name: 'late', beforeCommit: async () => Promise.reject(new Error('late failure')) }]);
    const work = () =>
      late.withTransaction({ operation: 'test:kernel-late', today: '2026-11-27' }, async (tx) => {
        await tx.change({ kind: 'OrganizationUpdated', organizations: [cell], entities: [{ type: 'Organization', id: cell }], before: { name: 'A' }, after: { name: 'B' } });
      });
    await expect(work()).rejects.toThrow('late failure');
    expect(await app.readBack(`select 1 from audit_event where operation = 'test:kernel-late'`)).toEqual([]);
    // The same work, nothing failing after it: one event.
    await createKernel(app.orm, [createAuditConsumer()]).withTransaction({ operation: 'test:kernel-late', today: '2026-11-27' }, async (tx) => {
      await tx.change({ kind: 'OrganizationUpdated', organizations: [cell], entities: [{ type: 'Organization', id: cell }], before: { name: 'A' }, after: { name: 'B' } });
    });
    expect(await app.readBack(`select 1 as one from audit_event where operation = 'test:kernel-late'`)).toEqual([{ one: 1 }]);
  });

  it('counts an event under the organisation’s parent in today’s tree: a moved organisation’s events follow it', async () => {
    const ids = await app.tree(smallTree('AK3'));
    const id = (code: string) => globalId('Organization', ids.get(`AK3-${code}`)!);
    expect(await mutate('organizationUpdate', { id: id('MA-B1-C1'), version: 1, name: 'Chi bộ AK3 mới' }, 'ak3-update')).toEqual({ errors: undefined, userErrors: [] });
    const underMA = async () => (await events(`first: 10, under: "${id('MA')}", operation: "organizationUpdate"`)).edges.map((e: any) => e.node.requestId);
    const underMB = async () => (await events(`first: 10, under: "${id('MB')}", operation: "organizationUpdate"`)).edges.map((e: any) => e.node.requestId);
    expect([await underMA(), await underMB()]).toEqual([['ak3-update'], []]);
    expect(await mutate('organizationMove', { id: id('MA-B1'), newParent: id('MB'), effectiveOn: '2025-03-01' }, 'ak3-move')).toEqual({ errors: undefined, userErrors: [] });
    expect([await underMA(), await underMB()]).toEqual([[], ['ak3-update']]);
  });
});
