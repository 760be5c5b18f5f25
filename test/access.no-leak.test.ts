import { globalId, startTestApp, type TestApp } from './support/harness';
import { schedule } from './support/congress';
import { proposeOk } from './support/restructuring';
import { smallTree } from './support/trees';

/**
 * A scoped writer learns nothing of what lies outside its scope from a refusal: a mutation naming an object outside
 * the scope (or an ancestor it sees by name only) answers exactly — code, field and message — as one naming an object
 * that does not exist.
 */
let app: TestApp;
let editor: string;
const ids = new Map<string, string>();
const NOWHERE = '7e7e7e7e-0000-4000-8000-00000000dead';

beforeAll(async () => {
  app = await startTestApp();
  for (const [k, v] of await app.tree(smallTree('NL'))) ids.set(k, v);
  editor = await app.principal('EDITOR', ids.get('NL-MA')!, { name: 'no-leak editor' });
});
afterAll(() => app.close());

const org = (code: string) => globalId('Organization', ids.get(code)!);

type Case = [string, string, (target: string) => Record<string, unknown>];
const CASES: Case[] = [
  ['organizationUpdate', 'OrganizationUpdateInput', (t) => ({ id: t, name: 'Tên mới', version: 1 })],
  ['organizationCreate', 'OrganizationCreateInput', (t) => ({ code: 'NL-NEW', name: 'Chi bộ mới', level: 'CELL', parent: t, memberCount: 5, establishedOn: '2026-01-01' })],
  ['organizationMove', 'OrganizationMoveInput', (t) => ({ id: org('NL-MA-B1-C1'), newParent: t, effectiveOn: '2026-01-01', version: 1 })],
  ['congressSchedule', 'CongressScheduleInput', (t) => ({ organization: t, plannedStart: '2026-12-10', plannedEnd: '2026-12-11' })],
  ['readinessReportSubmit', 'ReadinessReportSubmitInput', (t) => ({ organization: t, narrative: 'Sẵn sàng' })],
];

describe('an id outside the scope answers as an id that does not exist', () => {
  it.each(CASES)('%s', async (name, inputType, input) => {
    const ask = async (target: string) => {
      const { body } = await app.gql(`mutation($input: ${inputType}!) { ${name}(input: $input) { userErrors { code field message } } }`, { input: input(target) }, { as: editor });
      expect(body.errors).toBeUndefined();
      return body.data[name].userErrors;
    };
    const nowhere = await ask(globalId('Organization', NOWHERE));
    expect(nowhere.length).toBeGreaterThan(0);
    // Outside the scope (a sibling ministry's cell) and an ancestor (the Bloc): the same answer, word for word.
    expect(await ask(org('NL-MB-B1-C1'))).toEqual(nowhere);
    expect(await ask(org('NL-BLOC'))).toEqual(nowhere);
    // The counterpart: inside the scope the answer differs (it succeeds or fails on its own merits).
    expect(await ask(org('NL-MA-B1-C2'))).not.toEqual(nowhere);
  });

  it('a congress outside the scope: congressAdvance answers as for a congress that does not exist', async () => {
    const outside = await schedule(app, ids.get('NL-MB-B1')!, '2026-12-10', '2026-12-11');
    const ask = async (id: string) => {
      const { body } = await app.gql(`mutation($input: CongressAdvanceInput!) { congressAdvance(input: $input) { userErrors { code field message } } }`, {
        input: { id, version: outside.version, stage: 'PLAN_ISSUED', effectiveOn: '2026-11-01' },
      }, { as: editor });
      return body.data.congressAdvance.userErrors;
    };
    const nowhere = await ask(globalId('Congress', NOWHERE));
    expect(nowhere.length).toBeGreaterThan(0);
    expect(await ask(outside.id)).toEqual(nowhere);
  });
});

describe('a restructuring that touches an ancestor of the scope', () => {
  it("lists the ancestor's part with its role (the ancestor by name), and leaves out what lies outside", async () => {
    await proposeOk(app, { kind: 'TRANSFER', title: 'NL chuyển B1', effectiveOn: '2027-02-01', moves: [{ organization: org('NL-MA-B1'), newParent: org('NL-MB') }] });
    const viewer = await app.principal('VIEWER', ids.get('NL-MA-B1')!, { name: 'no-leak viewer' });
    const { body } = await app.gql(
      `{ organization(code: "NL-MA-B1") { restructuringInvolvements(first: 5) { nodes { title participants { role organization { code name } } } } } }`,
      {},
      { as: viewer },
    );
    expect(body.errors).toBeUndefined();
    const [r] = body.data.organization.restructuringInvolvements.nodes;
    expect(r.title).toBe('NL chuyển B1');
    // The moved committee (inside) and its old parent (an ancestor: by name); the receiving ministry (outside) is not listed.
    expect(r.participants.map((p: { role: string; organization: { code: string } }) => `${p.role} ${p.organization.code}`).sort()).toEqual(['MOVED NL-MA-B1', 'OLD_PARENT NL-MA']);
  });
});
