import { Client, type Notification } from 'pg';
import { UserErrorException } from '../src/common/errors';
import { ref } from '../src/common/journal';
import { CHANGES_CHANNEL, type ChangeNotification } from '../src/live/live.notify';
import { moveOrganization } from '../src/organization/organization.service';
import { withDatabase } from './support/databases';
import { globalId, startTestApp, type TestApp } from './support/harness';
import { MUTATION_FIXTURES } from './support/mutation-fixtures';
import { cellsTree, smallTree } from './support/trees';

/**
 * The after-commit notification: one `NOTIFY daihoi_changes` per committed transaction, naming the organisations it
 * changed and all their ancestors; none for a refused or failed one. A listener on its own connection sees what other
 * clients would.
 */

let app: TestApp;
let listener: Client;
const received: string[] = [];
let sentinels = 0;

beforeAll(async () => {
  app = await startTestApp();
  const [{ db }] = await app.readBack<{ db: string }>('select current_database() as db');
  listener = new Client({ connectionString: withDatabase(process.env.DAIHOI_TEST_ADMIN_URL!, db) });
  await listener.connect();
  listener.on('notification', (n: Notification) => {
    if (n.channel === CHANGES_CHANNEL) received.push(n.payload ?? '');
  });
  await listener.query(`listen ${CHANGES_CHANNEL}`);
});
afterAll(async () => {
  await listener.end();
  await app.close();
});

/**
 * Every notification committed so far, then none older: PostgreSQL delivers notifications of different transactions
 * in commit order, so once a sentinel sent now arrives, everything committed before it has arrived too.
 */
async function drain(): Promise<ChangeNotification[]> {
  const sentinel = `sentinel-${++sentinels}`;
  await app.readBack('select pg_notify($1, $2)', [CHANGES_CHANNEL, sentinel]);
  const deadline = Date.now() + 10_000;
  while (!received.includes(sentinel)) {
    if (Date.now() > deadline) throw new Error(`sentinel ${sentinel} never arrived`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const all = received.splice(0, received.length);
  const notes = all.slice(0, all.indexOf(sentinel)).map((p) => JSON.parse(p) as ChangeNotification);
  // Each committed write carries the data version it raised: above the previous one's (a token's lastUsedAt refresh
  // raises it too, without a notification), and never above the row's value.
  for (const n of notes) {
    expect(n.version).toMatch(/^\d+$/);
    if (lastVersion !== null) expect(BigInt(n.version) > lastVersion).toBe(true);
    lastVersion = BigInt(n.version);
  }
  if (notes.length) {
    const [{ version }] = await app.readBack<{ version: string }>('select version::text as version from data_version');
    expect(BigInt(version) >= lastVersion!).toBe(true);
  }
  return notes.map(({ version: _version, ...rest }) => rest as ChangeNotification);
}
let lastVersion: bigint | null = null;

/** The organisation and its ancestors along its latest placement. */
async function withAncestors(id: string): Promise<string[]> {
  const [row] = await app.readBack<{ path: string[] }>(
    `select path from organization_placement where organization_id = $1 order by valid_to desc nulls first, valid_from desc limit 1`,
    [id],
  );
  return row?.path ?? [id];
}

async function organizationsOf(entities: { type: string; id: string }[]): Promise<string[]> {
  const ids = entities.filter((e) => e.type === 'Organization').map((e) => e.id);
  for (const c of entities.filter((e) => e.type === 'Congress')) {
    const [row] = await app.readBack<{ id: string }>('select organization_id as id from congress where id = $1', [c.id]);
    ids.push(row.id);
  }
  return ids;
}

async function mutate(name: string, input: Record<string, unknown>) {
  const { body } = await app.gql(`mutation($input: ${inputTypeOf(name)}!) { ${name}(input: $input) { userErrors { code } } }`, { input });
  return { errors: body.errors, userErrors: body.data?.[name]?.userErrors };
}

const inputTypeOf = (name: string) => `${name[0].toUpperCase()}${name.slice(1)}Input`;

describe('one notification per committed mutation, naming what changed; none for a refused one; no drift', () => {
  it.each(Object.keys(MUTATION_FIXTURES))('%s', async (name) => {
    const fixture = await MUTATION_FIXTURES[name](app, `LN${Object.keys(MUTATION_FIXTURES).indexOf(name)}`);
    await drain(); // what building the fixture's data announced

    expect(await mutate(name, fixture.input)).toEqual({ errors: undefined, userErrors: [] });
    const notes = await drain();
    expect(notes.map((n) => n.operation)).toEqual([name]);
    const [note] = notes;
    const { entities } = await fixture.outcome();
    if (entities.length && entities.every((e) => e.type === 'Principal')) {
      // Access control changes no organisation: announced, naming none.
      expect(note).toEqual({ operation: name, organizations: [] });
    } else if (name === 'termCalendarSet' || name === 'riskThresholdSet') {
      // Every organisation of a level may be concerned: the roots of the tree, truncated.
      const roots = await app.readBack<{ id: string }>('select organization_id as id from organization_placement where depth = 0 and valid_to is null order by 1');
      expect(note).toEqual({ operation: name, organizations: roots.map((r) => r.id), truncated: true });
    } else {
      expect(note.truncated).toBeUndefined();
      const expected = new Set<string>();
      for (const id of await organizationsOf(entities)) for (const a of await withAncestors(id)) expected.add(a);
      expect(expected.size).toBeGreaterThan(0);
      expect(note.organizations).toEqual(expect.arrayContaining([...expected]));
    }
    expect(await app.drift()).toEqual([]);

    const refused = await mutate(name, fixture.refused);
    expect(refused.errors).toBeUndefined();
    expect(refused.userErrors.length).toBeGreaterThan(0);
    expect(await drain()).toEqual([]);
  });
});

describe('what a notification names', () => {
  it('a move: the moved organisation, its old ancestors and its new ones — and nothing else', async () => {
    const ids = await app.tree(smallTree('LM'));
    await drain();
    const { body } = await app.gql(`mutation($input: OrganizationMoveInput!) { organizationMove(input: $input) { userErrors { code } } }`, {
      input: { id: globalId('Organization', ids.get('LM-MA-B1')!), newParent: globalId('Organization', ids.get('LM-MB')!), effectiveOn: '2025-03-01' },
    });
    expect(body.data.organizationMove.userErrors).toEqual([]);
    const [note, ...more] = await drain();
    expect(more).toEqual([]);
    const code = (c: string) => ids.get(`LM-${c}`)!;
    // LM-TW → LM-BLOC → LM-MA → LM-MA-B1 before; LM-TW → LM-BLOC → LM-MB → LM-MA-B1 after. Its cells did not move
    // relative to it and are not named.
    expect(note).toEqual({ operation: 'organizationMove', organizations: ['TW', 'BLOC', 'MA', 'MB', 'MA-B1'].map(code).sort() });
  });

  it('too many to list: only the roots of what changed, truncated', async () => {
    const ids = await app.tree(cellsTree('LT', Array.from({ length: 200 }, () => 12)));
    const [note, ...more] = await drain();
    expect(more).toEqual([]);
    expect(note).toEqual({ operation: 'testTree', organizations: [ids.get('LT-TW')], truncated: true });
  });

  it('a transaction that fails after its changes sends none (the NOTIFY is rolled back with it)', async () => {
    const ids = await app.tree(smallTree('LF'));
    await drain();
    await expect(
      app.write(async (tx) => {
        await moveOrganization(tx, { id: ids.get('LF-MA-B1')!, newParentId: ids.get('LF-MB')!, effectiveOn: '2025-03-01' });
        await tx.change({ kind: 'OrganizationUpdated', organizations: [], entities: [ref('Organization', ids.get('LF-MA')!)] });
        throw new Error('failure after the changes');
      }, { treeLock: 'exclusive' }),
    ).rejects.toThrow('failure after the changes');
    await expect(
      app.write(async (tx) => {
        await moveOrganization(tx, { id: ids.get('LF-MA-B1')!, newParentId: ids.get('LF-MB')!, effectiveOn: '2025-03-01', version: 99 });
      }),
    ).rejects.toBeInstanceOf(UserErrorException);
    expect(await drain()).toEqual([]);
  });
});
