import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { globalId, startTestApp, type TestApp } from './support/harness';
import { ADVANCE, schedule } from './support/congress';
import { enact } from './support/restructuring';
import { smallTree } from './support/trees';

const TODAY = '2026-11-27';
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ today: TODAY });
});
afterAll(() => app.close());

const FEB = '2025-02-01';
const JUNE = '2025-06-01';
const decision = { decisionNumber: '7-QĐ/ĐU', decisionDate: '2025-01-20', issuer: 'Ban Thường vụ' };
const datedId = (type: string, uuid: string, date: string) => Buffer.from(`${type}:${uuid}@${date}`).toString('base64url');

/**
 * `${p}-MA-B1` is renamed on 1 March 2025 and moves from `${p}-MA` to `${p}-MB` on 1 May 2025 (both through the
 * restructuring mutations); its congress is PLAN_ISSUED from 10 January and DOCUMENTS_DRAFTED from 1 April 2025.
 * So on 1 February and 1 June its name, parent and congress stage all differ.
 */
async function twoEras(p: string) {
  const ids = await app.tree(smallTree(p), null, '2020-01-01');
  const code = `${p}-MA-B1`;
  const oldName = `Đảng bộ Cơ quan A ${p}`;
  const newName = `Đảng ủy Cục Thuế ${p}`;
  await enact(app, { code: `${p}-RENAME`, kind: 'RENAME', title: `Đổi tên ${code}`, effectiveOn: '2025-03-01', ...decision, rename: { code, name: newName } });
  await enact(app, { code: `${p}-MOVE`, kind: 'TRANSFER', title: `Chuyển ${code}`, effectiveOn: '2025-05-01', ...decision, moves: [{ code, newParentCode: `${p}-MB` }] });
  let congress = await schedule(app, ids.get(code)!, '2025-08-10', '2025-08-11');
  for (const [stage, effectiveOn] of [['PLAN_ISSUED', '2025-01-10'], ['DOCUMENTS_DRAFTED', '2025-04-01']]) {
    const { body } = await app.gql(ADVANCE, { input: { id: congress.id, version: congress.version, stage, effectiveOn } });
    expect(body.errors).toBeUndefined();
    expect(body.data.congressAdvance.userErrors).toEqual([]);
    congress = body.data.congressAdvance.congress;
  }
  return { ids, code, oldName, newName, uuid: ids.get(code)!, congressUuid: Buffer.from(congress.id, 'base64url').toString().split(':')[1] };
}

const ERA = gql`
  query Era($code: String!, $asOf: Date) {
    organization(code: $code, asOf: $asOf) {
      id
      asOf
      name
      parent { id code }
      congress { id asOf stage }
    }
  }
`;

describe('a normalising client cache keeps each era apart', () => {
  it('Apollo Client with the default InMemoryCache: the 1 February view keeps its own name, parent and stage after reading 1 June', async () => {
    const { ids, code, oldName, newName, uuid, congressUuid } = await twoEras('DI1');
    const client = new ApolloClient({ cache: new InMemoryCache(), link: new HttpLink({ uri: `${app.url}/graphql`, headers: { authorization: `Bearer ${app.adminToken}` } }) });

    const feb = await client.query<any>({ query: ERA, variables: { code, asOf: FEB } });
    const june = await client.query<any>({ query: ERA, variables: { code, asOf: JUNE } });
    expect(feb.data).toMatchObject({
      organization: { asOf: FEB, name: oldName, parent: { code: 'DI1-MA' }, congress: { asOf: FEB, stage: 'PLAN_ISSUED' } },
    });
    expect(june.data).toMatchObject({
      organization: { asOf: JUNE, name: newName, parent: { code: 'DI1-MB' }, congress: { asOf: JUNE, stage: 'DOCUMENTS_DRAFTED' } },
    });

    // What the cache now holds for 1 February must still be 1 February.
    const cachedFeb = client.cache.readQuery<any>({ query: ERA, variables: { code, asOf: FEB } });
    expect(cachedFeb).toEqual(feb.data);
    expect(cachedFeb.organization).toMatchObject({ name: oldName, parent: { code: 'DI1-MA' }, congress: { stage: 'PLAN_ISSUED' } });
    const cacheOnly = await client.query<any>({ query: ERA, variables: { code, asOf: FEB }, fetchPolicy: 'cache-only' });
    expect(cacheOnly.data).toEqual(feb.data);

    // The ids say which era they are: dated on other days than today (nested objects inherit the date)...
    expect(feb.data!.organization.id).toBe(datedId('Organization', uuid, FEB));
    expect(feb.data!.organization.parent.id).toBe(datedId('Organization', ids.get('DI1-MA')!, FEB));
    expect(feb.data!.organization.congress.id).toBe(datedId('Congress', congressUuid, FEB));
    expect(june.data!.organization.id).toBe(datedId('Organization', uuid, JUNE));
    expect(june.data!.organization.congress.id).toBe(datedId('Congress', congressUuid, JUNE));

    // ...and today's view keeps the plain id, explicit `asOf: today` included.
    const today = await client.query<any>({ query: ERA, variables: { code } });
    const todayExplicit = await client.query<any>({ query: ERA, variables: { code, asOf: TODAY } });
    expect(today.data!.organization).toMatchObject({
      id: globalId('Organization', uuid),
      asOf: TODAY,
      parent: { id: globalId('Organization', ids.get('DI1-MB')!) },
      congress: { id: globalId('Congress', congressUuid) },
    });
    expect(todayExplicit.data!.organization.id).toBe(globalId('Organization', uuid));
  });

  it('canonicalId is the plain id on every date', async () => {
    const { code, uuid, congressUuid } = await twoEras('DI2');
    const q = `query($code: String!, $asOf: Date) { organization(code: $code, asOf: $asOf) { canonicalId congress { canonicalId } } }`;
    for (const asOf of [FEB, JUNE, null]) {
      const { body } = await app.gql(q, { code, asOf });
      expect(body).toEqual({ data: { organization: { canonicalId: globalId('Organization', uuid), congress: { canonicalId: globalId('Congress', congressUuid) } } } });
    }
  });
});

describe('node(id) with a dated id', () => {
  const NODE = `query($id: ID!) { node(id: $id) { id ... on Organization { asOf name parent { id code } congress { stage } } ... on Congress { asOf stage organization { id name } } } }`;

  it('returns the view of that date, nested fields included, for Organization and Congress', async () => {
    const { ids, code, oldName, newName, uuid, congressUuid } = await twoEras('DI3');
    const feb = await app.gql(NODE, { id: datedId('Organization', uuid, FEB) });
    expect(feb.body).toEqual({
      data: {
        node: {
          id: datedId('Organization', uuid, FEB),
          asOf: FEB,
          name: oldName,
          parent: { id: datedId('Organization', ids.get('DI3-MA')!, FEB), code: 'DI3-MA' },
          congress: { stage: 'PLAN_ISSUED' },
        },
      },
    });
    const june = await app.gql(NODE, { id: datedId('Congress', congressUuid, JUNE) });
    expect(june.body).toEqual({
      data: { node: { id: datedId('Congress', congressUuid, JUNE), asOf: JUNE, stage: 'DOCUMENTS_DRAFTED', organization: { id: datedId('Organization', uuid, JUNE), name: newName } } },
    });

    // The id a dated read returned fetches the same object back.
    const read = await app.gql(`query($code: String!) { organization(code: $code, asOf: "${FEB}") { id name } }`, { code });
    const again = await app.gql(`query($id: ID!) { node(id: $id) { ... on Organization { id name } } }`, { id: read.body.data.organization.id });
    expect(again.body.data.node).toEqual(read.body.data.organization);

    const many = await app.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Organization { asOf name } } }`, {
      ids: [datedId('Organization', uuid, FEB), datedId('Organization', uuid, JUNE), globalId('Organization', uuid)],
    });
    expect(many.body).toEqual({
      data: {
        nodes: [
          { id: datedId('Organization', uuid, FEB), asOf: FEB, name: oldName },
          { id: datedId('Organization', uuid, JUNE), asOf: JUNE, name: newName },
          { id: globalId('Organization', uuid), asOf: TODAY, name: newName },
        ],
      },
    });
  });

  it('a malformed dated id is BAD_USER_INPUT, in node(id) and in ID arguments', async () => {
    const ids = await app.tree(smallTree('DI4'));
    const uuid = ids.get('DI4-MA')!;
    const raw = (text: string) => Buffer.from(text).toString('base64url');
    const restructuring = '00000000-0000-4000-8000-000000000000';
    const malformed = [
      raw(`Organization:${uuid}@2025-02-30`),
      raw(`Organization:${uuid}@20250201`),
      raw(`Organization:${uuid}@`),
      raw(`Organization:${uuid}@2025-02-01@2025-03-01`),
      raw(`Organization:${uuid}@2025-02-01T00:00:00Z`),
      raw(`Restructuring:${restructuring}@2025-02-01`),
    ];
    for (const id of malformed) {
      const node = await app.gql(`query($id: ID!) { node(id: $id) { id } }`, { id });
      expect(node.body.data).toEqual({ node: null });
      expect(node.body.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
      const under = await app.gql(`query($id: ID!) { organizations(first: 5, under: $id) { totalCount } }`, { id });
      expect(under.body.data).toBeNull();
      expect(under.body.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    }
  });
});

describe('ID arguments and mutation inputs take a dated id like the plain one (the date is ignored)', () => {
  it('under:, organizationUpdate, organizationMove and congressAdvance', async () => {
    const { ids, code, uuid, congressUuid } = await twoEras('DI5');
    const dated = datedId('Organization', uuid, FEB);

    const under = `query($id: ID!) { organizations(first: 10, under: $id, asOf: "${JUNE}") { nodes { code } } }`;
    const byDated = await app.gql(under, { id: datedId('Organization', ids.get('DI5-MB')!, FEB) });
    const byPlain = await app.gql(under, { id: globalId('Organization', ids.get('DI5-MB')!) });
    expect(byDated.body.errors).toBeUndefined();
    expect(byDated.body.data.organizations.nodes.map((n: { code: string }) => n.code)).toContain(code);
    expect(byDated.body).toEqual(byPlain.body);

    const version = (await app.gql(`{ organization(code: "${code}") { version } }`)).body.data.organization.version;
    const updated = await app.gql(
      `mutation($input: OrganizationUpdateInput!) { organizationUpdate(input: $input) { organization { id asOf shortName } userErrors { code } } }`,
      { input: { id: dated, version, shortName: 'Cục Thuế DI5' } },
    );
    expect(updated.body).toEqual({
      data: { organizationUpdate: { organization: { id: globalId('Organization', uuid), asOf: TODAY, shortName: 'Cục Thuế DI5' }, userErrors: [] } },
    });

    const moved = await app.gql(
      `mutation($input: OrganizationMoveInput!) { organizationMove(input: $input) { organization { code parent { code } } userErrors { code } } }`,
      { input: { id: datedId('Organization', ids.get('DI5-MA-B1-C1')!, JUNE), newParent: datedId('Organization', ids.get('DI5-MB-B1')!, FEB), effectiveOn: '2025-07-01' } },
    );
    expect(moved.body).toEqual({ data: { organizationMove: { organization: { code: 'DI5-MA-B1-C1', parent: { code: 'DI5-MB-B1' } }, userErrors: [] } } });

    const c = (await app.gql(`query($id: ID!) { node(id: $id) { ... on Congress { version } } }`, { id: globalId('Congress', congressUuid) })).body.data.node;
    const advanced = await app.gql(ADVANCE, { input: { id: datedId('Congress', congressUuid, FEB), version: c.version, stage: 'PERSONNEL_PLANNED', effectiveOn: '2025-06-15' } });
    expect(advanced.body.data.congressAdvance.userErrors).toEqual([]);
    expect(advanced.body.data.congressAdvance.congress).toMatchObject({ id: globalId('Congress', congressUuid), stage: 'PERSONNEL_PLANNED' });
  });
});
