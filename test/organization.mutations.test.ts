import { expectRefused as refusedBy, globalId, startTestApp, type TestApp } from './support/harness';
import { smallTree } from './support/trees';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const CREATE = `mutation($input: OrganizationCreateInput!) {
  organizationCreate(input: $input) { organization { id code name level version parent { code } } userErrors { field code message } }
}`;
const UPDATE = `mutation($input: OrganizationUpdateInput!) {
  organizationUpdate(input: $input) { organization { code name shortName memberCount version } userErrors { field code message } }
}`;
const MOVE = `mutation($input: OrganizationMoveInput!) {
  organizationMove(input: $input) { organization { code version parent { code } } userErrors { field code message } }
}`;

const expectRefused = (query: string, input: Record<string, unknown>, code: string, field?: string[]) => refusedBy(app, query, input, code, field);

describe('organizationCreate', () => {
  it('creates a cell under a base committee', async () => {
    const ids = await app.tree(smallTree('C1'));
    const { body } = await app.gql(CREATE, {
      input: { code: 'c1-new-cell', name: '  Chi bộ Phòng Mới ', level: 'CELL', parent: globalId('Organization', ids.get('C1-MA-B1')!), memberCount: 11 },
    });
    expect(body.data.organizationCreate.userErrors).toEqual([]);
    expect(body.data.organizationCreate.organization).toMatchObject({ code: 'C1-NEW-CELL', name: 'Chi bộ Phòng Mới', level: 'CELL', version: 1, parent: { code: 'C1-MA-B1' } });
    const [row] = await app.readBack<{ member_count: number; established_on: string }>(`select member_count, established_on::text from organization where code = 'C1-NEW-CELL'`);
    expect(row).toEqual({ member_count: 11, established_on: '2026-11-27' });
  });

  it('refuses an empty name', async () => {
    const ids = await app.tree(smallTree('C2'));
    await expectRefused(CREATE, { code: 'C2-X', name: '   ', level: 'CELL', parent: globalId('Organization', ids.get('C2-MA-B1')!) }, 'REQUIRED', ['input', 'name']);
  });

  it('refuses an unknown parent', async () => {
    await app.tree(smallTree('C3'));
    const ghost = globalId('Organization', '11111111-1111-4111-8111-111111111111');
    await expectRefused(CREATE, { code: 'C3-X', name: 'Chi bộ X', level: 'CELL', parent: ghost }, 'NOT_FOUND', ['input', 'parent']);
  });

  it('refuses a malformed parent id', async () => {
    await expectRefused(CREATE, { code: 'C4-X', name: 'Chi bộ X', level: 'CELL', parent: 'garbage' }, 'INVALID_ID', ['input', 'parent']);
  });

  it('refuses a taken code, a bad code and a level that cannot sit under the parent', async () => {
    const ids = await app.tree(smallTree('C5'));
    const base = globalId('Organization', ids.get('C5-MA-B1')!);
    await expectRefused(CREATE, { code: 'c5-ma', name: 'Trùng mã', level: 'CELL', parent: base }, 'CODE_TAKEN', ['input', 'code']);
    await expectRefused(CREATE, { code: 'C5 bad code!', name: 'Mã sai', level: 'CELL', parent: base }, 'INVALID_CODE', ['input', 'code']);
    await expectRefused(CREATE, { code: 'C5-Y', name: 'Đảng ủy sai cấp', level: 'ABOVE_BASE', parent: base }, 'LEVEL_NOT_ALLOWED');
    await expectRefused(CREATE, { code: 'C5-Z', name: 'Không cấp trên', level: 'CELL' }, 'REQUIRED', ['input', 'parent']);
    await expectRefused(CREATE, { code: 'C5-N', name: 'Âm', level: 'CELL', parent: base, memberCount: -3 }, 'OUT_OF_RANGE', ['input', 'memberCount']);
  });

  it('refuses a parent that is not yet in the tree on the establishment date', async () => {
    const ids = await app.tree(smallTree('C6'));
    await expectRefused(
      CREATE,
      { code: 'C6-X', name: 'Chi bộ sớm', level: 'CELL', parent: globalId('Organization', ids.get('C6-MA-B1')!), establishedOn: '2019-06-01' },
      'PARENT_NOT_ACTIVE',
    );
  });
});

describe('organizationUpdate', () => {
  it('updates attributes and increments the version', async () => {
    const ids = await app.tree(smallTree('U1'));
    const id = globalId('Organization', ids.get('U1-MA-B1-C1')!);
    const { body } = await app.gql(UPDATE, { input: { id, version: 1, name: 'Chi bộ Đổi tên', shortName: 'CB ĐT', memberCount: 30 } });
    expect(body.data.organizationUpdate).toEqual({
      organization: { code: 'U1-MA-B1-C1', name: 'Chi bộ Đổi tên', shortName: 'CB ĐT', memberCount: 30, version: 2 },
      userErrors: [],
    });
    const search = await app.gql(`{ organizations(first: 5, search: "chi bo doi ten") { nodes { code } } }`);
    expect(search.body.data.organizations.nodes).toEqual([{ code: 'U1-MA-B1-C1' }]);
  });

  it('refuses a stale version and writes nothing', async () => {
    const ids = await app.tree(smallTree('U2'));
    const id = globalId('Organization', ids.get('U2-MA')!);
    const first = await app.gql(UPDATE, { input: { id, version: 1, memberCount: 5 } });
    expect(first.body.data.organizationUpdate.userErrors).toEqual([]);
    await expectRefused(UPDATE, { id, version: 1, name: 'Ghi đè' }, 'STALE_VERSION', ['input', 'version']);
  });

  it('refuses an empty name and an unknown organisation', async () => {
    const ids = await app.tree(smallTree('U3'));
    await expectRefused(UPDATE, { id: globalId('Organization', ids.get('U3-MA')!), version: 1, name: '' }, 'REQUIRED', ['input', 'name']);
    await expectRefused(UPDATE, { id: globalId('Organization', '22222222-2222-4222-8222-222222222222'), version: 1, name: 'X' }, 'NOT_FOUND');
  });
});

describe('organizationMove', () => {
  it('refuses moving a node under itself or its descendants', async () => {
    const ids = await app.tree(smallTree('M1'));
    const id = (code: string) => globalId('Organization', ids.get(code)!);
    await expectRefused(MOVE, { id: id('M1-MA-B1'), newParent: id('M1-MA-B1'), effectiveOn: '2025-03-01' }, 'CYCLE', ['input', 'newParent']);
    await expectRefused(MOVE, { id: id('M1-MA'), newParent: id('M1-MA-B1-C1'), effectiveOn: '2025-03-01' }, 'CYCLE');
    await expectRefused(MOVE, { id: id('M1-MA-B1-C1'), newParent: id('M1-MB'), effectiveOn: '2025-03-01' }, 'LEVEL_NOT_ALLOWED');
    // Level rules allow a base committee under a base committee with above-base powers: the cycle check still holds.
    await app.gql(UPDATE, { input: { id: id('M1-MA-B1'), version: 1, aboveBasePowers: true } });
    const [{ id: childUuid }] = await app.readBack<{ id: string }>(`select id from organization where code = 'M1-MA-B1'`);
    const sub = await app.gql(CREATE, { input: { code: 'M1-SUBBASE', name: 'Đảng bộ cơ sở con', level: 'BASE_COMMITTEE', parent: globalId('Organization', childUuid), establishedOn: '2021-01-01' } });
    expect(sub.body.data.organizationCreate.userErrors).toEqual([]);
    await expectRefused(MOVE, { id: id('M1-MA-B1'), newParent: sub.body.data.organizationCreate.organization.id, effectiveOn: '2025-03-01' }, 'CYCLE');
  });

  it('refuses unknown organisations, a stale version and out-of-order dates', async () => {
    const ids = await app.tree(smallTree('M2'));
    const id = (code: string) => globalId('Organization', ids.get(code)!);
    const ghost = globalId('Organization', '33333333-3333-4333-8333-333333333333');
    await expectRefused(MOVE, { id: ghost, newParent: id('M2-MB'), effectiveOn: '2025-03-01' }, 'NOT_FOUND', ['input', 'id']);
    await expectRefused(MOVE, { id: id('M2-MA-B1'), newParent: ghost, effectiveOn: '2025-03-01' }, 'NOT_FOUND', ['input', 'newParent']);
    await expectRefused(MOVE, { id: id('M2-MA-B1'), newParent: id('M2-MB'), effectiveOn: '2025-03-01', version: 7 }, 'STALE_VERSION');
    await expectRefused(MOVE, { id: id('M2-MA-B1'), newParent: id('M2-MA'), effectiveOn: '2025-03-01' }, 'SAME_PARENT');
    await expectRefused(MOVE, { id: id('M2-MA-B1'), newParent: id('M2-MB'), effectiveOn: '2019-03-01' }, 'NOT_ACTIVE');
    const moved = await app.gql(MOVE, { input: { id: id('M2-MA-B1'), newParent: id('M2-MB'), effectiveOn: '2025-03-01' } });
    expect(moved.body.data.organizationMove.userErrors).toEqual([]);
    // The cell moved with its base committee on 2025-03-01: an earlier-dated move of it would rewrite that history.
    await expectRefused(MOVE, { id: id('M2-MA-B1-C1'), newParent: id('M2-MB-B1'), effectiveOn: '2025-01-01' }, 'OUT_OF_ORDER');
  });
});
