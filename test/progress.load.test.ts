import { loadSynthetic } from '../src/tools/synthetic';
import { bruteProgress, normalise, PROGRESS_FIELDS } from './support/brute-progress';
import { ADVANCE } from './support/congress';
import { globalId, startTestApp, type TestApp } from './support/harness';

const TODAY = '2026-11-27';
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ today: TODAY });
  await app.write((tx) => loadSynthetic(tx, { orgs: 4000, seed: 7, today: TODAY }), { operation: 'seedSynthetic', treeLock: 'exclusive' });
});
afterAll(() => app.close());

const DASHBOARD = `query($root: ID!, $first: Int!, $asOf: Date) {
  node(id: $root) { ... on Organization {
    name progress(asOf: $asOf) { organizations congressesExpected held heldRatio overdue members byLevel { level organizations held overdue } byStage { stage count } }
    children(first: $first, asOf: $asOf) { totalCount nodes {
      name level progress(asOf: $asOf) { organizations held heldRatio overdue }
      congress { stage overdue }
      pendingRestructuring { kind }
    } }
  } }
}`;

describe('the dashboard request', () => {
  it('issues the same number of SQL statements over 10 and over 50 children, today and on a past date', async () => {
    const [root] = await app.readBack<{ id: string }>(`select o.id from organization o where o.level = 'CENTRAL_COMMITTEE'`);
    const [ab] = await app.readBack<{ id: string; n: number }>(
      `select p.parent_id as id, count(*)::int as n from organization_placement p join organization o on o.id = p.parent_id
        where p.valid_to is null and o.level = 'ABOVE_BASE' group by p.parent_id order by n desc limit 1`,
    );
    expect(ab.n).toBeGreaterThanOrEqual(10);
    const counts: Record<string, number> = {};
    // The current term and its calendar are read once per data version for the whole process (src/cache): read them
    // first, as any earlier request since the last write would have, so that every request below is counted alike.
    expect((await app.gql(DASHBOARD, { root: globalId('Organization', root.id), first: 1, asOf: null })).body.errors).toBeUndefined();
    for (const asOf of [null, '2025-04-15']) {
      for (const [label, id, first] of [['root/10', root.id, 10], ['root/50', root.id, 50], ['ministry/10', ab.id, 10]] as const) {
        const res = await app.gql(DASHBOARD, { root: globalId('Organization', id), first, asOf });
        expect(res.body.errors).toBeUndefined();
        counts[`${label}@${asOf ?? 'today'}`] = res.statements;
      }
    }
    process.stdout.write(`dashboard SQL statements: ${JSON.stringify(counts)}\n`);
    for (const asOf of ['today', '2025-04-15']) {
      expect(counts[`root/50@${asOf}`]).toBe(counts[`root/10@${asOf}`]);
      expect(counts[`ministry/10@${asOf}`]).toBe(counts[`root/10@${asOf}`]);
    }
    // Today the roll-ups come from the counters; a past date adds one live statement per depth. One of them looks
    // the request's token up (access control) and reads the data version.
    expect(counts['root/50@today']).toBeLessThanOrEqual(8);
  });
});

/** The main line a congress advances along (forward may skip; back needs a reason). */
const MAIN_LINE = ['NOT_STARTED', 'PLAN_ISSUED', 'DOCUMENTS_DRAFTED', 'PERSONNEL_PLANNED', 'APPROVED'];

const UPDATE = `mutation($input: OrganizationUpdateInput!) { organizationUpdate(input: $input) { organization { version memberCount } userErrors { code } } }`;
const MOVE = `mutation($input: OrganizationMoveInput!) { organizationMove(input: $input) { organization { version } userErrors { code } } }`;

/** One write's outcome: the row it targeted, the version it sent, whether it won, its codes, the value it wrote. */
interface Outcome {
  row: string;
  kind: 'stage' | 'members' | 'parent';
  sent: number;
  won: boolean;
  codes: string[];
  errors?: unknown;
  value: unknown;
}

function outcomeOf(body: any, name: string, row: string, kind: Outcome['kind'], sent: number, value: unknown): Outcome {
  const payload = body.data?.[name];
  const codes: string[] = payload?.userErrors.map((e: { code: string }) => e.code) ?? [];
  return { row, kind, sent, won: !body.errors && codes.length === 0, codes, errors: body.errors, value };
}

/** The API's roll-ups of `ids` today against the brute force over the base tables. */
async function expectCountersExact(ids: string[]) {
  const query = `{ ${ids.map((id, i) => `n${i}: progress(under: "${globalId('Organization', id)}") { ${PROGRESS_FIELDS} }`).join('\n')} }`;
  const { body } = await app.gql(query);
  expect(body.errors).toBeUndefined();
  const brute = await bruteProgress(app, ids, TODAY, 'SUBTREE');
  expect(ids.map((id, i) => ({ id, progress: normalise(body.data[`n${i}`]) }))).toEqual(ids.map((id) => ({ id, progress: brute.get(id) })));
  expect(await app.drift()).toEqual([]);
}

/** Congresses below `under` on the main line before `before`, with no change dated after today, and their versions. */
async function congressesBelow(under: string, before: string, limit: number, except: string[] = []) {
  return app.readBack<{ id: string; version: number; stage: string }>(
    `select c.id, c.version, c.stage from congress c join organization_placement p on p.organization_id = c.organization_id and p.valid_to is null
      where p.path @> array[$1::uuid] and c.stage = any($2::text[]) and c.id <> all($5::uuid[])
        and not exists (select 1 from congress_event e where e.congress_id = c.id and e.effective_on > $3)
      order by c.id limit $4`,
    [under, MAIN_LINE.slice(0, MAIN_LINE.indexOf(before)), TODAY, limit, except],
  );
}

describe('concurrent writers', () => {
  it('8 writers, each advancing its own congresses: every write wins, each version once, counters equal a brute-force count', async () => {
    // Eight above-base subtrees, each written by its own writer (its own requests, its own connections).
    const subtrees = await app.readBack<{ id: string }>(
      `select p.parent_id as id from organization_placement p join organization o on o.id = p.parent_id
        where p.valid_to is null and o.level = 'ABOVE_BASE' group by p.parent_id having count(*) >= 3 order by count(*) desc limit 8`,
    );
    expect(subtrees).toHaveLength(8);
    const STEPS = ['PERSONNEL_PLANNED', 'APPROVED'];
    // Above-base committees may nest: each writer gets congresses no other writer has.
    const plans: Awaited<ReturnType<typeof congressesBelow>>[] = [];
    for (const { id } of subtrees) plans.push(await congressesBelow(id, 'PERSONNEL_PLANNED', 3, plans.flat().map((c) => c.id)));
    expect(plans.map((p) => p.length)).toEqual(plans.map(() => 3));
    const outcomes: Outcome[] = [];
    await Promise.all(
      plans.map(async (congresses, w) => {
        for (const c of congresses) {
          let version = c.version;
          for (const stage of STEPS) {
            const { body } = await app.gql(ADVANCE, { input: { id: globalId('Congress', c.id), version, stage, note: `writer ${w}`, effectiveOn: TODAY } });
            const o = outcomeOf(body, 'congressAdvance', c.id, 'stage', version, stage);
            outcomes.push(o);
            if (o.won) expect(body.data.congressAdvance.congress).toMatchObject({ stage, version: version + 1 });
            version++;
          }
        }
      }),
    );
    expect(outcomes.filter((o) => !o.won)).toEqual([]);
    expect(outcomes).toHaveLength(8 * 3 * STEPS.length);
    // What the writers were told is what the database holds: each congress APPROVED, two versions on, two new events.
    const all = plans.flat();
    const rows = await app.readBack<{ id: string; stage: string; version: number; events: number }>(
      `select c.id, c.stage, c.version, (select count(*)::int from congress_event e where e.congress_id = c.id and e.note like 'writer %') as events
         from congress c where c.id = any($1::uuid[]) order by c.id`,
      [all.map((c) => c.id)],
    );
    expect(rows).toEqual([...all].sort((a, b) => (a.id < b.id ? -1 : 1)).map((c) => ({ id: c.id, stage: 'APPROVED', version: c.version + STEPS.length, events: STEPS.length })));
    const [root] = await app.readBack<{ id: string }>(`select o.id from organization o where o.level = 'CENTRAL_COMMITTEE'`);
    await expectCountersExact([root.id, ...subtrees.map((s) => s.id)]);
  });

  it('8 writers racing on the same congress and version: exactly one wins each version, the others get STALE_VERSION', async () => {
    const [root] = await app.readBack<{ id: string }>(`select o.id from organization o where o.level = 'CENTRAL_COMMITTEE'`);
    const congresses = await congressesBelow(root.id, 'PLAN_ISSUED', 3);
    expect(congresses).toHaveLength(3);
    const rounds = await Promise.all(
      congresses.map(async (c) => {
        const out: { stage: string; version: number; winners: number[]; refusals: string[][] }[] = [];
        for (const stage of MAIN_LINE.slice(1)) {
          const [{ version }] = await app.readBack<{ version: number }>('select version from congress where id = $1', [c.id]);
          const results = await Promise.all(
            Array.from({ length: 8 }, async (_, w) => {
              const { body } = await app.gql(ADVANCE, { input: { id: globalId('Congress', c.id), version, stage, note: `racer ${w}`, effectiveOn: TODAY } });
              return { w, o: outcomeOf(body, 'congressAdvance', c.id, 'stage', version, stage), congress: body.data?.congressAdvance?.congress };
            }),
          );
          const winners = results.filter((r) => r.o.won);
          for (const r of winners) expect(r.congress).toMatchObject({ stage, version: version + 1 });
          out.push({ stage, version, winners: winners.map((r) => r.w), refusals: results.filter((r) => !r.o.won).map((r) => (r.o.errors ? ['TOP_LEVEL_ERROR'] : r.o.codes)) });
        }
        return { congress: c, rounds: out };
      }),
    );
    for (const { congress, rounds: rs } of rounds) {
      // Each version is taken by exactly one writer; the seven others are told the congress changed.
      expect(rs.map((r) => ({ stage: r.stage, version: r.version, winners: r.winners.length, refusals: r.refusals }))).toEqual(
        MAIN_LINE.slice(1).map((stage, i) => ({ stage, version: congress.version + i, winners: 1, refusals: Array.from({ length: 7 }, () => ['STALE_VERSION']) })),
      );
      // The history holds exactly the winners' changes, in order.
      const events = await app.readBack<{ stage: string; note: string }>(
        `select to_stage as stage, note from congress_event where congress_id = $1 and note like 'racer %' order by id`,
        [congress.id],
      );
      expect(events).toEqual(rs.map((r) => ({ stage: r.stage, note: `racer ${r.winners[0]}` })));
      const [row] = await app.readBack<{ version: number; stage: string }>('select version, stage from congress where id = $1', [congress.id]);
      expect(row).toEqual({ version: congress.version + rs.length, stage: 'APPROVED' });
    }
    await expectCountersExact([root.id]);
  });
});

describe('concurrent writers on the same organisations', () => {
  it('congress changes, member counts and moves racing on six cells: each version is won once, the last winner is what stays, no drift', async () => {
    const cells = await app.readBack<{ id: string; congress: string }>(
      `select o.id, c.id as congress from organization o join congress c on c.organization_id = o.id
        join organization_placement p on p.organization_id = o.id and p.valid_to is null
       where o.level = 'CELL' and c.stage = any($1::text[])
         and not exists (select 1 from restructuring_pending r where r.organization_id = o.id)
         and not exists (select 1 from congress_event e where e.congress_id = c.id and e.effective_on > $2)
       order by o.code limit 6`,
      [MAIN_LINE, TODAY],
    );
    const bases = await app.readBack<{ id: string }>(
      `select o.id from organization o join organization_placement p on p.organization_id = o.id and p.valid_to is null
        where o.level = 'BASE_COMMITTEE' and not exists (select 1 from restructuring_pending r where r.organization_id = o.id) order by o.code limit 4`,
    );
    expect([cells.length, bases.length]).toEqual([6, 4]);
    const initial = new Map<string, { version: number; value: unknown }>();
    const congressState = async (id: string) => (await app.readBack<{ version: number; stage: string }>('select version, stage from congress where id = $1', [id]))[0];
    // Version, members and parent in one statement: a consistent view of one organisation.
    const orgState = async (id: string) =>
      (await app.readBack<{ version: number; members: number; parent: string }>(
        `select o.version, o.member_count as members, p.parent_id as parent from organization o
           join organization_placement p on p.organization_id = o.id and p.valid_to is null where o.id = $1`,
        [id],
      ))[0];
    for (const cell of cells) {
      const c = await congressState(cell.congress);
      const o = await orgState(cell.id);
      initial.set(cell.congress, { version: c.version, value: c.stage });
      initial.set(cell.id, { version: o.version, value: { members: o.members, parent: o.parent } });
    }

    const outcomes: Outcome[] = [];
    const worker = async (w: number) => {
      for (let i = 0; i < 12; i++) {
        const cell = cells[(w + i) % cells.length];
        const kind = (w + i) % 3;
        if (kind === 0) {
          // The next stage on the main line, or back to the start with a reason: never the stage it is in.
          const { version, stage: current } = await congressState(cell.congress);
          const stage = current === 'APPROVED' ? 'PLAN_ISSUED' : MAIN_LINE[MAIN_LINE.indexOf(current) + 1];
          const { body } = await app.gql(ADVANCE, { input: { id: globalId('Congress', cell.congress), version, stage, reason: 'race', effectiveOn: TODAY } });
          outcomes.push(outcomeOf(body, 'congressAdvance', cell.congress, 'stage', version, stage));
        } else if (kind === 1) {
          const { version } = await orgState(cell.id);
          const memberCount = 10 + ((w * 7 + i) % 40);
          const { body } = await app.gql(UPDATE, { input: { id: globalId('Organization', cell.id), version, memberCount } });
          outcomes.push(outcomeOf(body, 'organizationUpdate', cell.id, 'members', version, memberCount));
        } else {
          // A parent other than the current one, so a move that wins is never SAME_PARENT.
          const { version, parent } = await orgState(cell.id);
          const choice = bases[(w + i) % bases.length].id === parent ? bases[(w + i + 1) % bases.length] : bases[(w + i) % bases.length];
          const { body } = await app.gql(MOVE, { input: { id: globalId('Organization', cell.id), version, newParent: globalId('Organization', choice.id), effectiveOn: TODAY } });
          outcomes.push(outcomeOf(body, 'organizationMove', cell.id, 'parent', version, choice.id));
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));

    expect(outcomes).toHaveLength(8 * 12);
    // A write either wins or is refused because another write took its version first.
    expect(outcomes.filter((o) => !o.won && (o.errors || o.codes.join() !== 'STALE_VERSION'))).toEqual([]);
    for (const [row, start] of initial) {
      const mine = outcomes.filter((o) => o.row === row);
      const won = mine.filter((o) => o.won).sort((a, b) => a.sent - b.sent);
      // The winners took the versions one after another, each exactly once…
      expect({ row, sent: won.map((o) => o.sent) }).toEqual({ row, sent: won.map((_, i) => start.version + i) });
      // …and every loser lost to a winner of the version it sent.
      expect({ row, lostToNobody: mine.filter((o) => !o.won && !won.some((x) => x.sent === o.sent)) }).toEqual({ row, lostToNobody: [] });
      // What stays is what the last winner of each kind wrote.
      const last = (kind: Outcome['kind']) => won.filter((o) => o.kind === kind).at(-1)?.value;
      if (typeof start.value === 'string') {
        expect({ row, now: await congressState(row) }).toEqual({ row, now: { version: start.version + won.length, stage: last('stage') ?? start.value } });
      } else {
        const before = start.value as { members: number; parent: string };
        expect({ row, now: await orgState(row) }).toEqual({ row, now: { version: start.version + won.length, members: last('members') ?? before.members, parent: last('parent') ?? before.parent } });
      }
    }
    const [root] = await app.readBack<{ id: string }>(`select o.id from organization o where o.level = 'CENTRAL_COMMITTEE'`);
    await expectCountersExact([root.id, ...bases.map((b) => b.id)]);
  });
});
