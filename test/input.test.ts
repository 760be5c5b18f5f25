import {
  astFromValue,
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  getNullableType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  print,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
} from 'graphql';
import { expectRefused, globalId, snapshot, startTestApp, type TestApp } from './support/harness';
import { APPROVE, PROPOSE, idOf } from './support/restructuring';
import { smallTree } from './support/trees';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ today: '2026-11-27' });
});
afterAll(() => app.close());

const CREATE = `mutation($input: OrganizationCreateInput!) {
  organizationCreate(input: $input) { organization { id code name shortName } userErrors { field code message } } }`;
const UPDATE = `mutation($input: OrganizationUpdateInput!) {
  organizationUpdate(input: $input) { organization { code name shortName version } userErrors { field code message } } }`;
const PROPOSE_TEXTS = `mutation($input: RestructuringProposeInput!) {
  restructuringPropose(input: $input) { restructuring { id version title note participants { newName organization { code name } } } userErrors { field code message } } }`;

const NUL = '\u0000';

// ---------------------------------------------------------------------------------------------------------------
// Item 2: control characters in any string argument, generated from the schema the server serves.

/** A valid value of every scalar, for the arguments a generated request must fill but does not test. */
const SCALAR_SAMPLES: Record<string, unknown> = { String: 'x', ID: 'x', Int: 1, Float: 1.5, Boolean: false, Date: '2025-01-01', DateTime: '2025-01-01T00:00:00Z' };

interface Case {
  coordinate: string;
  operation: 'query' | 'mutation';
  field: GraphQLField<unknown, unknown>;
  /** The argument and the path inside its value that carries the control character. */
  path: string[];
  args: Record<string, unknown>;
}

/** The paths of every String and ID inside a value of `type` (lists: their first item; input objects: every field). */
function stringLeaves(type: GraphQLInputType, seen: string[] = []): string[][] {
  const t = getNullableType(type);
  if (isListType(t)) return stringLeaves(t.ofType, seen).map((p) => ['0', ...p]);
  if (isInputObjectType(t)) {
    if (seen.includes(t.name)) return [];
    return Object.values(t.getFields()).flatMap((f) => stringLeaves(f.type, [...seen, t.name]).map((p) => [f.name, ...p]));
  }
  return isScalarType(t) && (t.name === 'String' || t.name === 'ID') ? [[]] : [];
}

/** The smallest valid value of `type`; along `leaf` (when given) the value leads to the string `bad`. */
function valueOf(type: GraphQLInputType, leaf: string[] | null, bad: string): unknown {
  const t = getNullableType(type);
  if (isListType(t)) return [valueOf(t.ofType, leaf && leaf.slice(1), bad)];
  if (isInputObjectType(t)) {
    const out: Record<string, unknown> = {};
    for (const f of Object.values(t.getFields())) {
      if (leaf && leaf[0] === f.name) out[f.name] = valueOf(f.type, leaf.slice(1), bad);
      else if (isNonNullType(f.type) && f.defaultValue === undefined) out[f.name] = valueOf(f.type, null, bad);
    }
    return out;
  }
  if (leaf) return bad;
  if (isEnumType(t)) return t.getValues()[0].value;
  if (!(t.name in SCALAR_SAMPLES)) throw new Error(`No sample value for scalar ${t.name}: add one to SCALAR_SAMPLES`);
  return SCALAR_SAMPLES[t.name];
}

/** One case per String/ID argument (or input-object field) of every Query and Mutation field. */
function casesOf(roots: [GraphQLObjectType, 'query' | 'mutation'][], bad: string): Case[] {
  return roots.flatMap(([root, operation]) =>
    Object.values(root.getFields()).flatMap((field) =>
      field.args.flatMap((target) =>
        stringLeaves(target.type).map((inner) => {
          const args: Record<string, unknown> = {};
          for (const arg of field.args) {
            if (arg === target) args[arg.name] = valueOf(arg.type, inner, bad);
            else if (isNonNullType(arg.type) && arg.defaultValue === undefined) args[arg.name] = valueOf(arg.type, null, bad);
          }
          return { coordinate: `${root.name}.${field.name}`, operation, field, path: [target.name, ...inner], args };
        }),
      ),
    ),
  );
}

const selectionOf = (field: GraphQLField<unknown, unknown>) => (isCompositeType(getNamedType(field.type)) ? ' { __typename }' : '');

/** The case as a request with variables. */
function withVariables(c: Case) {
  const sent = c.field.args.filter((a) => a.name in c.args);
  const defs = sent.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const uses = sent.map((a) => `${a.name}: $${a.name}`).join(', ');
  return { query: `${c.operation} Case${defs ? `(${defs})` : ''} { ${c.field.name}(${uses})${selectionOf(c.field)} }`, variables: c.args };
}

/** The same case with every argument written as a literal in the query text. */
function withLiterals(c: Case) {
  const sent = c.field.args.filter((a) => a.name in c.args);
  const uses = sent.map((a) => `${a.name}: ${print(astFromValue(c.args[a.name], a.type)!)}`).join(', ');
  return { query: `${c.operation} { ${c.field.name}(${uses})${selectionOf(c.field)} }`, variables: undefined };
}

async function servedSchema() {
  const { body } = await app.gql(getIntrospectionQuery());
  const schema = buildClientSchema(body.data);
  return [
    [schema.getQueryType()!, 'query'],
    [schema.getMutationType()!, 'mutation'],
  ] as [GraphQLObjectType, 'query' | 'mutation'][];
}

/** Asserts the request was refused before execution with one BAD_USER_INPUT naming the argument path. */
async function expectGuarded(request: { query: string; variables?: Record<string, unknown> }, coordinate: string, path: string[], character = 'U+0000') {
  const { status, body } = await app.gql(request.query, request.variables);
  expect({ status, data: body.data, errors: body.errors?.map((e) => ({ code: e.extensions?.code, message: e.message })) }).toEqual({
    status: 400,
    data: undefined,
    errors: [{ code: 'BAD_USER_INPUT', message: `Argument "${path.join('.')}" of ${coordinate} contains the control character ${character}, which is not allowed.` }],
  });
}

describe('control characters in string arguments (generated from the schema)', () => {
  it('every String and ID argument of every Query and Mutation field, nested ones included, refuses U+0000 in a variable and in a literal', async () => {
    const cases = casesOf(await servedSchema(), `a${NUL}b`);
    const named = cases.map((c) => `${c.coordinate} ${c.path.join('.')}`);
    // The generator reaches plain arguments, input-object fields and fields of objects in lists.
    expect(named).toEqual(
      expect.arrayContaining([
        'Query.organizations search',
        'Query.node id',
        'Query.nodes ids.0',
        'Mutation.organizationCreate input.name',
        'Mutation.restructuringPropose input.rename.name',
        'Mutation.restructuringPropose input.newTargets.0.name',
        'Mutation.restructuringPropose input.moves.0.organization',
        'Mutation.congressAdvance input.note',
      ]),
    );
    const before = await snapshot(app);
    for (const c of cases) {
      await expectGuarded(withVariables(c), c.coordinate, c.path);
      await expectGuarded(withLiterals(c), c.coordinate, c.path);
    }
    expect(await snapshot(app)).toEqual(before);
  });
});

describe('control characters, hand-checked', () => {
  it('a search holding U+0000 as a literal escape is refused, not sent to PostgreSQL', async () => {
    await expectGuarded({ query: `{ organizations(first: 5, search: "B\\u00f4\\u0000") { totalCount } }` }, 'Query.organizations', ['search']);
  });

  it('the other C0 controls and DEL are refused, deep in a list of input objects, under an alias', async () => {
    await app.tree(smallTree('G2'));
    const bloc = await idOf(app, 'G2-BLOC');
    for (const [ch, name] of [['\u0001', 'U+0001'], ['\u001B', 'U+001B'], ['\u007F', 'U+007F'], ['\u000B', 'U+000B']]) {
      const input = {
        kind: 'ESTABLISH',
        title: 'Thành lập',
        newTargets: [
          { code: 'G2-N1', name: 'Đảng ủy mới 1', level: 'ABOVE_BASE', parent: bloc },
          { code: 'G2-N2', name: `Đảng ủy${ch}mới 2`, level: 'ABOVE_BASE', parent: bloc },
        ],
      };
      const query = `mutation($input: RestructuringProposeInput!) { p: restructuringPropose(input: $input) { userErrors { code } } }`;
      await expectGuarded({ query, variables: { input } }, 'Mutation.restructuringPropose', ['input', 'newTargets', '1', 'name'], name);
    }
  });

  it('a nested field argument inside a fragment is inspected too', async () => {
    const query = `{ organization(code: "X") { ...F } } fragment F on Organization { congress(term: "2025\\u0000") { id } }`;
    await expectGuarded({ query }, 'Organization.congress', ['term']);
  });

  it('tab, line feed and carriage return pass the guard: multi-line texts keep them, single-line texts refuse them as a user error', async () => {
    await app.tree(smallTree('G4'));
    const { body } = await app.gql(PROPOSE_TEXTS, {
      input: { kind: 'DISSOLVE', title: 'Giải thể', note: 'Dòng 1\r\n\tDòng 2', sources: [await idOf(app, 'G4-MB-B1-C1')] },
    });
    expect(body.data.restructuringPropose.userErrors).toEqual([]);
    expect(body.data.restructuringPropose.restructuring.note).toBe('Dòng 1\r\n\tDòng 2');

    const parent = await idOf(app, 'G4-MA-B1');
    for (const name of ['Chi bộ\tA', 'Chi bộ\nA', 'Chi bộ\rA', 'Chi bộ\u2028A']) {
      await expectRefused(app, CREATE, { code: 'G4-X', name, level: 'CELL', memberCount: 12, parent }, 'INVALID_CHARACTERS', ['input', 'name']);
    }
    await expectRefused(app, CREATE, { code: 'G4-X', name: 'Chi bộ', shortName: 'CB\tA', level: 'CELL', memberCount: 12, parent }, 'INVALID_CHARACTERS', ['input', 'shortName']);
    await expectRefused(app, PROPOSE_TEXTS, { kind: 'DISSOLVE', title: 'Giải\nthể', sources: [await idOf(app, 'G4-MA-B1-C1')] }, 'INVALID_CHARACTERS', ['input', 'title']);
    const r = body.data.restructuringPropose.restructuring;
    const approve = { id: r.id, version: r.version, decisionDate: '2025-02-01', effectiveOn: '2025-03-01' };
    await expectRefused(app, APPROVE, { ...approve, decisionNumber: '12-QĐ\n/ĐU', issuer: 'Ban Thường vụ' }, 'INVALID_CHARACTERS', ['input', 'decisionNumber']);
    await expectRefused(app, APPROVE, { ...approve, decisionNumber: '12-QĐ/ĐU', issuer: 'Ban\tThường vụ' }, 'INVALID_CHARACTERS', ['input', 'issuer']);
  });

  it('a search with a tab is folded like a space and finds the organisation', async () => {
    await app.tree(smallTree('G5'));
    const { status, body } = await app.gql(`query($s: String) { organizations(first: 5, search: $s) { nodes { code } } }`, { s: 'bo\ttai chinh g5' });
    expect(status).toBe(200);
    expect(body).toEqual({ data: { organizations: { nodes: [{ code: 'G5-MA' }] } } });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Item 15: stored texts are NFC, limits count characters, invisible-only texts are blank.

const NFC_NAME = 'Chi bộ Phòng Ữ Đảng ủy';
const NFD_NAME = NFC_NAME.normalize('NFD');
const INVISIBLE = [' \u200B ', '\u200D\uFEFF', '\u00AD', '\u2060\u200C', '\u3000\u00A0\u180E', '\t\u200B\n'];

describe('Unicode normalisation and length', () => {
  it('fixtures are what they claim to be', () => {
    expect(NFD_NAME).not.toBe(NFC_NAME);
    expect('Ữ'.length).toBe(1);
    expect('Ữ'.normalize('NFD').length).toBe(3);
  });

  it('organizationCreate stores an NFD name as NFC, with the same search and sort keys as the NFC name', async () => {
    await app.tree(smallTree('N1'));
    const parent = await idOf(app, 'N1-MA-B1');
    const nfd = await app.gql(CREATE, { input: { code: 'N1-NFD', name: ` ${NFD_NAME}\u200B `, shortName: 'Ữ'.normalize('NFD'), level: 'CELL', memberCount: 12, parent } });
    const nfc = await app.gql(CREATE, { input: { code: 'N1-NFC', name: NFC_NAME, shortName: 'Ữ', level: 'CELL', memberCount: 12, parent } });
    expect(nfd.body.data.organizationCreate).toMatchObject({ organization: { name: NFC_NAME, shortName: 'Ữ' }, userErrors: [] });
    expect(nfc.body.data.organizationCreate.userErrors).toEqual([]);
    const rows = await app.readBack<{ code: string; name: string; short_name: string | null; sort_key: string; search_text: string }>(
      `select code, name, short_name, sort_key, search_text from organization where code in ('N1-NFD', 'N1-NFC') order by code`,
    );
    const [fromNfc, fromNfd] = rows;
    expect(fromNfd.name).toBe(NFC_NAME);
    expect(fromNfd.short_name).toBe('Ữ');
    expect(fromNfd.sort_key).toBe(fromNfc.sort_key);
    expect(fromNfd.search_text.replace(/ n1-nfd$/, '')).toBe(fromNfc.search_text.replace(/ n1-nfc$/, ''));
    // Either form of the search finds both, in the same order.
    for (const search of [NFC_NAME, NFD_NAME]) {
      const found = await app.gql(`query($s: String) { organizations(first: 5, search: $s) { nodes { code } } }`, { s: search });
      expect(found.body.data.organizations.nodes.map((n: { code: string }) => n.code).sort()).toEqual(['N1-NFC', 'N1-NFD']);
    }
  });

  it('organizationUpdate stores an NFD name as NFC', async () => {
    const ids = await app.tree(smallTree('N2'));
    const id = globalId('Organization', ids.get('N2-MA-B1-C1')!);
    const { body } = await app.gql(UPDATE, { input: { id, version: 1, name: NFD_NAME, shortName: 'Ữ'.normalize('NFD') } });
    expect(body.data.organizationUpdate).toEqual({ organization: { code: 'N2-MA-B1-C1', name: NFC_NAME, shortName: 'Ữ', version: 2 }, userErrors: [] });
    const [row] = await app.readBack<{ name: string }>(`select name from organization where code = 'N2-MA-B1-C1'`);
    expect(row.name).toBe(NFC_NAME);
  });

  it('names count characters after NFC: 300 × "Ữ" passes in NFC and in NFD, 301 is refused in both', async () => {
    const ids = await app.tree(smallTree('N3'));
    const parent = await idOf(app, 'N3-MA-B1');
    const name = (n: number, form: 'NFC' | 'NFD') => 'Ữ'.repeat(n).normalize(form);
    for (const [i, form] of (['NFC', 'NFD'] as const).entries()) {
      const ok = await app.gql(CREATE, { input: { code: `N3-OK${i}`, name: name(300, form), level: 'CELL', memberCount: 12, parent } });
      expect(ok.body.data.organizationCreate).toMatchObject({ organization: { name: name(300, 'NFC') }, userErrors: [] });
      await expectRefused(app, CREATE, { code: `N3-LONG${i}`, name: name(301, form), level: 'CELL', memberCount: 12, parent }, 'TOO_LONG', ['input', 'name']);
    }
    const id = globalId('Organization', ids.get('N3-MA-B1-C1')!);
    const updated = await app.gql(UPDATE, { input: { id, version: 1, name: name(300, 'NFD') } });
    expect(updated.body.data.organizationUpdate).toMatchObject({ organization: { name: name(300, 'NFC'), version: 2 }, userErrors: [] });
    await expectRefused(app, UPDATE, { id, version: 2, name: name(301, 'NFD') }, 'TOO_LONG', ['input', 'name']);
    await expectRefused(app, UPDATE, { id, version: 2, name: name(301, 'NFC') }, 'TOO_LONG', ['input', 'name']);
  });

  it('names made only of spaces and invisible characters are refused (REQUIRED) by organizationCreate and organizationUpdate', async () => {
    const ids = await app.tree(smallTree('N4'));
    const parent = await idOf(app, 'N4-MA-B1');
    const id = globalId('Organization', ids.get('N4-MA-B1-C1')!);
    for (const blank of INVISIBLE) {
      await expectRefused(app, CREATE, { code: 'N4-X', name: blank, level: 'CELL', memberCount: 12, parent }, 'REQUIRED', ['input', 'name']);
      await expectRefused(app, UPDATE, { id, version: 1, name: blank }, 'REQUIRED', ['input', 'name']);
    }
  });
});

describe('restructuring texts: NFC, lengths, invisible-only', () => {
  const proposeRename = async (p: string, name: string, title = `Đổi tên ${p}`) => ({
    kind: 'RENAME',
    title,
    rename: { organization: await idOf(app, `${p}-MA`), name },
  });
  const proposeEstablish = async (p: string, name: string, title = `Thành lập ${p}`) => ({
    kind: 'ESTABLISH',
    title,
    newTargets: [{ code: `${p}-NEW`, name, level: 'ABOVE_BASE', parent: await idOf(app, `${p}-BLOC`) }],
  });

  it('title, note, new target name and new name are stored as NFC', async () => {
    await app.tree(smallTree('R1'));
    const title = 'Thành lập Đảng ủy Ữ'.normalize('NFD');
    const { body } = await app.gql(PROPOSE_TEXTS, { input: { ...(await proposeEstablish('R1', NFD_NAME, title)), note: '  Ghi chú Ữ  '.normalize('NFD') } });
    expect(body.data.restructuringPropose.userErrors).toEqual([]);
    expect(body.data.restructuringPropose.restructuring).toMatchObject({ title: title.normalize('NFC'), note: 'Ghi chú Ữ' });
    const [created] = await app.readBack<{ name: string }>(`select name from organization where code = 'R1-NEW'`);
    expect(created.name).toBe(NFC_NAME);

    const renamed = await app.gql(PROPOSE_TEXTS, { input: await proposeRename('R1', NFD_NAME) });
    expect(renamed.body.data.restructuringPropose.userErrors).toEqual([]);
    expect(renamed.body.data.restructuringPropose.restructuring.participants).toEqual([{ newName: NFC_NAME, organization: { code: 'R1-MA', name: 'Đảng ủy Bộ Tài chính R1' } }]);
  });

  it('the 300-character boundary holds for new target names and new names, in NFC and in NFD', async () => {
    await app.tree(smallTree('R2'));
    for (const form of ['NFC', 'NFD'] as const) {
      const long = 'Ữ'.repeat(301).normalize(form);
      await expectRefused(app, PROPOSE_TEXTS, await proposeEstablish('R2', long), 'TOO_LONG', ['input', 'newTargets', '0', 'name']);
      await expectRefused(app, PROPOSE_TEXTS, await proposeRename('R2', long), 'TOO_LONG', ['input', 'rename', 'name']);
    }
    const ok = await app.gql(PROPOSE_TEXTS, { input: await proposeRename('R2', 'Ữ'.repeat(300).normalize('NFD')) });
    expect(ok.body.data.restructuringPropose.userErrors).toEqual([]);
    expect(ok.body.data.restructuringPropose.restructuring.participants[0].newName).toBe('Ữ'.repeat(300));
    const ok2 = await app.gql(PROPOSE_TEXTS, { input: await proposeEstablish('R2', 'Ữ'.repeat(300).normalize('NFD')) });
    expect(ok2.body.data.restructuringPropose.userErrors).toEqual([]);
  });

  it('the title counts characters after NFC: 500 pass in NFD, 501 are refused', async () => {
    await app.tree(smallTree('R3'));
    await expectRefused(app, PROPOSE_TEXTS, await proposeRename('R3', 'Tên mới', 'Ữ'.repeat(501).normalize('NFD')), 'TOO_LONG', ['input', 'title']);
    const ok = await app.gql(PROPOSE_TEXTS, { input: await proposeRename('R3', 'Tên mới', 'Ữ'.repeat(500).normalize('NFD')) });
    expect(ok.body.data.restructuringPropose.userErrors).toEqual([]);
    expect(ok.body.data.restructuringPropose.restructuring.title).toBe('Ữ'.repeat(500));
  });

  it('a title, new target name or new name made only of invisible characters is refused (REQUIRED)', async () => {
    await app.tree(smallTree('R4'));
    for (const blank of INVISIBLE) {
      await expectRefused(app, PROPOSE_TEXTS, await proposeRename('R4', 'Tên mới', blank), 'REQUIRED', ['input', 'title']);
      await expectRefused(app, PROPOSE_TEXTS, await proposeEstablish('R4', blank), 'REQUIRED', ['input', 'newTargets', '0', 'name']);
      await expectRefused(app, PROPOSE_TEXTS, await proposeRename('R4', blank), 'REQUIRED', ['input', 'rename', 'name']);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Issue 8: unpaired surrogates, invisible-only names.

/** Asserts the request was refused before execution with one BAD_USER_INPUT naming the argument and the surrogate. */
async function expectSurrogateGuarded(request: { query: string; variables?: Record<string, unknown> }, coordinate: string, path: string[], surrogate: string) {
  const { status, body } = await app.gql(request.query, request.variables);
  expect({ status, data: body.data, errors: body.errors?.map((e) => ({ code: e.extensions?.code, message: e.message })) }).toEqual({
    status: 400,
    data: undefined,
    errors: [{ code: 'BAD_USER_INPUT', message: `Argument "${path.join('.')}" of ${coordinate} contains the unpaired surrogate ${surrogate}, which is not allowed.` }],
  });
}

describe('unpaired surrogates in string arguments', () => {
  it('organizationCreate with a name ending in a lone high surrogate (a JSON escape) is refused before execution, nothing written', async () => {
    await app.tree(smallTree('S1'));
    const parent = await idOf(app, 'S1-MA-B1');
    const before = await snapshot(app);
    const input = { code: 'S1-X', name: 'Chi bộ \ud800', level: 'CELL', memberCount: 12, parent };
    await expectSurrogateGuarded({ query: CREATE, variables: { input } }, 'Mutation.organizationCreate', ['input', 'name'], 'U+D800');
    await expectSurrogateGuarded({ query: CREATE, variables: { input: { ...input, name: 'Chi bộ \udc00 A' } } }, 'Mutation.organizationCreate', ['input', 'name'], 'U+DC00');
    await expectSurrogateGuarded({ query: CREATE, variables: { input: { ...input, name: 'Chi bộ \udc00\ud800' } } }, 'Mutation.organizationCreate', ['input', 'name'], 'U+DC00');
    expect(await snapshot(app)).toEqual(before);
    // A well-formed pair (an emoji outside the BMP) is a character like any other.
    const ok = await app.gql(CREATE, { input: { ...input, name: 'Chi bộ \ud83c\udf3e' } });
    expect(ok.body.data.organizationCreate).toMatchObject({ organization: { name: 'Chi bộ 🌾' }, userErrors: [] });
  });

  it('every String and ID argument of every Query and Mutation field refuses a lone surrogate in a variable', async () => {
    const cases = casesOf(await servedSchema(), 'a\ud800b');
    expect(cases.length).toBeGreaterThan(20);
    const before = await snapshot(app);
    for (const c of cases) await expectSurrogateGuarded(withVariables(c), c.coordinate, c.path, 'U+D800');
    expect(await snapshot(app)).toEqual(before);
  });
});

describe('names made only of invisible characters', () => {
  const INVISIBLE_ONLY = ['\u034F', '\uFE0F', '\u3164', '\u2800', ' \u115F\u1160\uFFA0 ', '\u180B\u{E0020}'];

  it('are refused (REQUIRED) by organizationCreate, organizationUpdate and restructuringPropose, nothing written', async () => {
    const ids = await app.tree(smallTree('V1'));
    const parent = await idOf(app, 'V1-MA-B1');
    const id = globalId('Organization', ids.get('V1-MA-B1-C1')!);
    for (const blank of INVISIBLE_ONLY) {
      await expectRefused(app, CREATE, { code: 'V1-X', name: blank, level: 'CELL', memberCount: 12, parent }, 'REQUIRED', ['input', 'name']);
      await expectRefused(app, UPDATE, { id, version: 1, name: blank }, 'REQUIRED', ['input', 'name']);
      await expectRefused(app, PROPOSE_TEXTS, { kind: 'RENAME', title: 'Đổi tên', rename: { organization: await idOf(app, 'V1-MA'), name: blank } }, 'REQUIRED', ['input', 'rename', 'name']);
      await expectRefused(app, PROPOSE_TEXTS, { kind: 'RENAME', title: blank, rename: { organization: await idOf(app, 'V1-MA'), name: 'Tên mới' } }, 'REQUIRED', ['input', 'title']);
    }
  });

  it('an emoji ZWJ sequence with a variation selector and Vietnamese combining marks (NFD) are kept, as NFC', async () => {
    await app.tree(smallTree('V2'));
    const parent = await idOf(app, 'V2-MA-B1');
    const name = 'Chi bộ Ữ 👩‍💻 ❤️ 👨‍👩‍👧';
    const { body } = await app.gql(CREATE, { input: { code: 'V2-X', name: name.normalize('NFD'), level: 'CELL', memberCount: 12, parent } });
    expect(body.data.organizationCreate).toMatchObject({ organization: { name }, userErrors: [] });
    expect(name).toContain('\u200D');
    expect(name).toContain('\uFE0F');
    const [row] = await app.readBack<{ name: string }>(`select name from organization where code = 'V2-X'`);
    expect(row.name).toBe(name.normalize('NFC'));
  });
});
