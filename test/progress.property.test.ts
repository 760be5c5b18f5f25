import { addDays } from '../src/common/dates';
import { UserErrorException } from '../src/common/errors';
import type { Tx } from '../src/common/kernel';
import { CommitteeFormation, CongressMode, CongressStage } from '../src/congress/congress.enums';
import { recordCongressResult } from '../src/congress/congress.result.service';
import { rescheduleCongress, scheduleCongress } from '../src/congress/congress.schedule.service';
import { advanceCongress, postponeCongress } from '../src/congress/congress.stage.service';
import { setTermCalendar } from '../src/congress/term-calendar.service';
import { OrganizationLevel } from '../src/organization/organization.levels';
import { createOrganization, moveOrganization, updateOrganization } from '../src/organization/organization.service';
import { WATERMARK_SQL } from '../src/congress/congress.repository';
import { loadSynthetic, prng } from '../src/tools/synthetic';
import { applyRestructuring } from '../src/restructuring/restructuring.apply';
import { RestructuringKind } from '../src/restructuring/restructuring.enums';
import { approveRestructuring } from '../src/restructuring/restructuring.lifecycle.service';
import { proposeRestructuring } from '../src/restructuring/restructuring.propose.service';
import { bruteProgress, bruteStatuses, normalise, PROGRESS_FIELDS, type BruteStatus } from './support/brute-progress';
import { globalId, startTestApp, type TestApp } from './support/harness';

const TODAY = '2026-11-27';
const SEED = Number(process.env.PROGRESS_SEED ?? Math.floor(Math.random() * 1_000_000));
let app: TestApp;

beforeAll(async () => {
  // Its checks read up to 200 roll-ups in one query: far past what a client may ask (limits are tested in limits.test.ts).
  app = await startTestApp({ today: TODAY, limits: { maxAliases: 10_000, maxCostPerQuery: 1_000_000 } });
  await app.write((tx) => loadSynthetic(tx, { orgs: 3000, seed: SEED, today: TODAY }), { operation: 'seedSynthetic', treeLock: 'exclusive' });
});
afterAll(() => app.close());

async function tx<T>(work: (tx: Tx) => Promise<T>): Promise<T | null> {
  try {
    return await app.write(work);
  } catch (err) {
    if (err instanceof UserErrorException) return null; // a random change the rules refuse: nothing written
    throw err;
  }
}

describe(`roll-up progress equals a brute-force recomputation (seed ${SEED}; rerun with PROGRESS_SEED=${SEED})`, () => {
  it('after a random sequence of stage changes, moves and restructurings, for both scopes and several dates', async () => {
    const rand = prng(SEED);
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
    const orgs = await app.readBack<{ id: string; level: string; parent: string }>(
      `select o.id, o.level, p.parent_id as parent from organization o join organization_placement p on p.organization_id = o.id and p.valid_to is null`,
    );
    const byLevel = (l: string) => orgs.filter((o) => o.level === l);
    const congressOf = async (orgId: string) => (await app.readBack<{ id: string; version: number; stage: string }>(`select id, version, stage from congress where organization_id = $1`, [orgId]))[0];
    let applied = 0;
    for (let step = 0; step < 80; step++) {
      const r = rand();
      const day = addDays(TODAY, -Math.floor(rand() * 20));
      if (r < 0.3) {
        const o = pick(orgs);
        const c = await congressOf(o.id);
        const next = pick([CongressStage.PLAN_ISSUED, CongressStage.DOCUMENTS_DRAFTED, CongressStage.PERSONNEL_PLANNED, CongressStage.APPROVED, CongressStage.RESULTS_CONFIRMED]);
        if (c && (await tx((t) => advanceCongress(t, { id: c.id, version: c.version, stage: next, effectiveOn: TODAY, reason: 'kiểm thử' }, TODAY)))) applied++;
      } else if (r < 0.45) {
        const o = pick([...byLevel('CELL'), ...byLevel('BASE_CELL')]);
        const c = await congressOf(o.id);
        if (c && (await tx((t) => recordCongressResult(t, { id: c.id, version: c.version, heldStart: TODAY, heldEnd: TODAY, committeeFormation: CommitteeFormation.ELECTED }, TODAY)))) applied++;
      } else if (r < 0.55) {
        const o = pick(orgs);
        const c = await congressOf(o.id);
        if (c && (await tx((t) => postponeCongress(t, { id: c.id, version: c.version, reason: 'kiểm thử', plannedStart: '2026-12-20', plannedEnd: '2026-12-20', effectiveOn: TODAY }, TODAY)))) applied++;
        const d = await congressOf(o.id);
        if (d && (await tx((t) => rescheduleCongress(t, { id: d.id, version: d.version, plannedStart: '2026-12-21', plannedEnd: '2026-12-21', deadline: pick(['2026-11-01', '2026-12-31', '2025-05-01']) })))) applied++;
      } else if (r < 0.6) {
        // An organisation with nothing scheduled (overdue once its level's deadline passed: NOT_SCHEDULED).
        const parent = pick(byLevel('ABOVE_BASE'));
        const code = `PROP-NEW-${step}`;
        const created = await tx((t) => createOrganization(t, { code, name: `Chi bộ cơ sở mới ${step}`, level: OrganizationLevel.BASE_CELL, parentId: parent.id, establishedOn: day, memberCount: 12 }));
        if (created) applied++;
        // Half of them get a congress, scheduled today or on the day they were formed (before it: NOT_SCHEDULED).
        if (created && rand() < 0.5) {
          const plan = { plannedStart: '2026-12-10', plannedEnd: '2026-12-10', deadline: pick([null, '2025-05-01']), effectiveOn: pick([TODAY, day]) };
          if (await tx((t) => scheduleCongress(t, { organizationId: created.id, term: '2025-2030', ...plan }))) applied++;
        }
      } else if (r < 0.65) {
        // A level's deadline moves: congresses held between the old and the new deadline change sides (heldLate, overdue).
        const level = pick(['CELL', 'BASE_CELL', 'BASE_COMMITTEE', 'ABOVE_BASE']);
        const [{ maxDays }] = await app.readBack<{ maxDays: number }>(`select max_days as "maxDays" from term_calendar where term = '2025-2030' and level = $1`, [level]);
        const deadline = pick(['2025-03-31', '2025-05-15', '2025-06-30', '2025-08-31', '2026-11-20', '2026-12-31']);
        // Dated: today, or a past day (refused, OUT_OF_ORDER, when the entry already changed after it).
        const effectiveOn = pick([TODAY, day]);
        if (await tx((t) => setTermCalendar(t, { term: '2025-2030', level: level as OrganizationLevel, deadline, maxDays, effectiveOn }))) applied++;
        // A cell's own members change from a past day or today (the roll-up's members on earlier dates keep the old count).
        const cell = pick([...byLevel('CELL'), ...byLevel('BASE_CELL')]);
        const [{ version, members }] = await app.readBack<{ version: number; members: number }>(`select version, member_count as members from organization where id = $1`, [cell.id]);
        const memberCountEffectiveOn = pick([TODAY, day]);
        if (await tx((t) => updateOrganization(t, { id: cell.id, version, memberCount: members + 1 + Math.floor(rand() * 50), memberCountEffectiveOn }, TODAY))) applied++;
      } else if (r < 0.8) {
        const cell = pick(byLevel('CELL'));
        const target = pick([...byLevel('BASE_COMMITTEE'), ...byLevel('SUB_COMMITTEE')]);
        if (await tx((t) => moveOrganization(t, { id: cell.id, newParentId: target.id, effectiveOn: day }))) applied++;
        const base = pick([...byLevel('BASE_COMMITTEE'), ...byLevel('BASE_CELL')]);
        const above = pick(byLevel('ABOVE_BASE'));
        if (await tx((t) => moveOrganization(t, { id: base.id, newParentId: above.id, effectiveOn: day }))) applied++;
      } else {
        const a = pick(byLevel('BASE_CELL'));
        const b = pick(byLevel('BASE_CELL'));
        const done = await tx(async (t) => {
          let rs = await proposeRestructuring(t, { kind: RestructuringKind.ABSORB, title: 'Sáp nhập', proposedOn: day, sources: [a.id], targets: [b.id], newTargets: [], moves: [] }, TODAY);
          rs = await approveRestructuring(t, { id: rs.id, version: rs.version, decisionNumber: '1', decisionDate: day, issuer: 'x', effectiveOn: day });
          return applyRestructuring(t, { id: rs.id, version: rs.version });
        });
        if (done) applied++;
      }
    }
    expect(applied).toBeGreaterThan(20);
    expect(await app.drift()).toEqual([]);
    // Whatever the random steps did, the overdue lists below meet NOT_SCHEDULED as well as NOT_HELD.
    const unscheduled = { code: 'PROP-UNSCHEDULED', name: 'Chi bộ cơ sở chưa lên lịch', level: OrganizationLevel.BASE_CELL, memberCount: 12, establishedOn: '2025-01-10' };
    expect(await tx((t) => createOrganization(t, { ...unscheduled, parentId: byLevel('ABOVE_BASE')[0].id }))).not.toBeNull();
    expect(await app.drift()).toEqual([]);

    const nodes = await app.readBack<{ id: string }>(
      `select o.id from organization o join organization_placement p on p.organization_id = o.id and p.valid_to is null
        where o.level in ('CENTRAL_COMMITTEE', 'DIRECTLY_UNDER_CENTRAL', 'ABOVE_BASE', 'BASE_COMMITTEE') order by o.code limit 40`,
    );
    const ids = nodes.map((n) => n.id);
    for (const date of [TODAY, addDays(TODAY, 45), '2025-04-15', '2025-07-01', addDays(TODAY, -10)]) {
      for (const scope of ['SUBTREE', 'CHILDREN'] as const) {
        const query = `{ ${ids.map((id, i) => `n${i}: progress(under: "${globalId('Organization', id)}", scope: ${scope}, asOf: "${date}") { ${PROGRESS_FIELDS} }`).join('\n')} }`;
        const { body } = await app.gql(query);
        expect(body.errors).toBeUndefined();
        const brute = await bruteProgress(app, ids, date, scope);
        ids.forEach((id, i) => {
          const got = normalise(body.data[`n${i}`]);
          expect({ seed: SEED, date, scope, id, ...got }).toEqual({ seed: SEED, date, scope, id, ...brute.get(id)! });
        });
      }
      await expectOverdueListsMatch(date);
    }
  }, 300_000); // a few thousand list queries: every organisation on every date checked

  it('calendar and member-count changes and congresses scheduled today change no roll-up, overdue list or calendar of an earlier date, on the counters path or the live one', async () => {
    const rand = prng(SEED + 1);
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
    const nodes = await app.readBack<{ id: string }>(
      `select o.id from organization o join organization_placement p on p.organization_id = o.id and p.valid_to is null
        where o.level in ('CENTRAL_COMMITTEE', 'DIRECTLY_UNDER_CENTRAL', 'ABOVE_BASE', 'BASE_COMMITTEE') order by o.code limit 40`,
    );
    const ids = nodes.map((n) => n.id);
    const cells = await app.readBack<{ id: string }>(
      `select o.id from organization o join organization_placement p on p.organization_id = o.id and p.valid_to is null where o.level in ('CELL', 'BASE_CELL')`,
    );
    // Base cells formed in January 2025 with nothing scheduled (overdue from July 2025: NOT_SCHEDULED), for the changes
    // below to schedule: three dated today, three dated a later day.
    const aboveBase = await app.readBack<{ id: string }>(
      `select o.id from organization o join organization_placement p on p.organization_id = o.id and p.valid_to is null where o.level = 'ABOVE_BASE' order by o.code limit 6`,
    );
    const unscheduled: string[] = [];
    for (const [i, parent] of aboveBase.entries()) {
      const org = { code: `PROP-TO-SCHEDULE-${i}`, name: `Chi bộ cơ sở chờ lên lịch ${i}`, level: OrganizationLevel.BASE_CELL, memberCount: 12, establishedOn: '2025-01-10' };
      unscheduled.push((await app.write((t) => createOrganization(t, { ...org, parentId: parent.id }))).id);
    }
    /** Every roll-up of the 40 nodes on each date, both scopes, and the whole tree's overdue list: what a report shows. */
    const reads = async (dates: string[]) => {
      const out: Record<string, unknown> = {};
      for (const date of dates) {
        for (const scope of ['SUBTREE', 'CHILDREN'] as const) {
          const query = `{ ${ids.map((id, i) => `n${i}: progress(under: "${globalId('Organization', id)}", scope: ${scope}, asOf: "${date}") { ${PROGRESS_FIELDS} upcoming(days: 30) }`).join('\n')}
            list: organizations(first: 100, overdue: true, asOf: "${date}") { totalCount nodes { code overdueReason } }
            calendar: congresses(first: 1, asOf: "${date}") { totalCount }
            window: congresses(first: 100, from: "2025-04-01", to: "${addDays(TODAY, 60)}", asOf: "${date}") { totalCount nodes { organization { code } plannedStart deadline } }
            overdueCongresses: congresses(first: 1, overdue: true, asOf: "${date}") { totalCount }
            notStarted: congresses(first: 1, stage: NOT_STARTED, asOf: "${date}") { totalCount } }`;
          const { body } = await app.gql(query);
          expect(body.errors).toBeUndefined();
          out[`${date}|${scope}`] = body.data;
        }
      }
      return out;
    };
    const expectBrute = async (date: string) => {
      for (const scope of ['SUBTREE', 'CHILDREN'] as const) {
        const query = `{ ${ids.map((id, i) => `n${i}: progress(under: "${globalId('Organization', id)}", scope: ${scope}, asOf: "${date}") { ${PROGRESS_FIELDS} }`).join('\n')} }`;
        const { body } = await app.gql(query);
        const brute = await bruteProgress(app, ids, date, scope);
        ids.forEach((id, i) => expect({ seed: SEED, date, scope, id, ...normalise(body.data[`n${i}`]) }).toEqual({ seed: SEED, date, scope, id, ...brute.get(id)! }));
      }
    };
    /** Calendar and member-count changes and congresses scheduled, each dated `today` (the kernel's today for the transaction). */
    const changes = async (today: string) => {
      let done = 0;
      const write = <T>(work: (t: Tx) => Promise<T>) => app.kernel.withTransaction({ operation: 'test', today }, work).then(() => done++, (err) => {
        if (!(err instanceof UserErrorException)) throw err;
      });
      for (const level of ['CELL', 'BASE_CELL', 'BASE_COMMITTEE', 'ABOVE_BASE']) {
        const [{ maxDays }] = await app.readBack<{ maxDays: number }>(`select max_days as "maxDays" from term_calendar where term = '2025-2030' and level = $1`, [level]);
        const deadline = pick(['2025-03-15', '2025-04-20', '2025-07-15', '2025-09-30', '2026-11-25', '2026-12-31']);
        await write((t) => setTermCalendar(t, { term: '2025-2030', level: level as OrganizationLevel, deadline, maxDays }));
      }
      for (let i = 0; i < 20; i++) {
        const cell = pick(cells);
        const [{ version, members }] = await app.readBack<{ version: number; members: number }>(`select version, member_count as members from organization where id = $1`, [cell.id]);
        await write((t) => updateOrganization(t, { id: cell.id, version, memberCount: members + 100 }, today));
      }
      // Scheduled that day (the default): plans in every read's window, superiors' deadlines long past, two-content
      // congresses — each would change an earlier date's numbers, lists and calendars if scheduling reached back.
      for (const organizationId of unscheduled.splice(0, 3)) {
        const start = pick(['2025-04-20', '2025-07-10', addDays(TODAY, 5)]);
        const mode = pick([CongressMode.FULL, CongressMode.TWO_CONTENT]);
        await write((t) => scheduleCongress(t, { organizationId, term: '2025-2030', plannedStart: start, plannedEnd: start, deadline: pick([null, '2025-03-01', '2026-12-31']), mode }));
      }
      expect(done).toBeGreaterThan(10);
    };
    const watermark = async () => (await app.readBack<{ d: string }>(`select d::text as d from (${WATERMARK_SQL}) w`))[0].d;
    const scheduledOn = async (day: string) =>
      (await app.readBack<{ n: number }>(
        `select count(*)::int as n from congress c join organization o on o.id = c.organization_id where o.code like 'PROP-TO-SCHEDULE-%' and c.scheduled_on = $1`,
        [day],
      ))[0].n;

    // 1. Dated today: every earlier date (read live) answers as before; today (the counters) follows the brute force.
    const earlier = [addDays(TODAY, -1), addDays(TODAY, -10), '2025-07-01', '2025-04-15', '2024-12-04'];
    const before = await reads(earlier);
    await changes(TODAY);
    expect(await scheduledOn(TODAY)).toBe(3);
    expect(await reads(earlier)).toEqual(before);
    expect(await app.drift()).toEqual([]);
    await expectBrute(TODAY);

    // 2. Today was read from the counters (no dated change after it); changes dated a later day send it to the live
    //    path, which must answer exactly what the counters did.
    const later = addDays(TODAY, 3);
    expect(await watermark()).toBe(TODAY);
    const onToday = await reads([TODAY]);
    await changes(later);
    expect(await scheduledOn(later)).toBe(3);
    expect(await watermark()).toBe(later);
    expect(await reads([TODAY])).toEqual(onToday);
    expect(await app.drift()).toEqual([]);
    await expectBrute(later);
    await expectBrute(TODAY);
  }, 300_000);
});

/**
 * On `date`: for EVERY organisation X, `organizations(under: X, overdue: true) { totalCount }` equals
 * `X.progress { overdue }` and the brute force's count; the whole tree's list names exactly the overdue organisations
 * with their reasons, and `overdue: false` the rest.
 */
async function expectOverdueListsMatch(date: string) {
  const statuses = await bruteStatuses(app, date);
  const overdueBelow = new Map<string, number>();
  for (const s of statuses) if (s.overdue) for (const a of s.path.slice(0, -1)) overdueBelow.set(a, (overdueBelow.get(a) ?? 0) + 1);
  const ids = (await app.readBack<{ id: string }>(`select id from organization order by code`)).map((r) => r.id);
  const chunks = Array.from({ length: Math.ceil(ids.length / 100) }, (_, i) => ids.slice(i * 100, i * 100 + 100));
  // Two requests at a time: each list is its own statement, and the database has more than one core to answer them.
  for (let i = 0; i < chunks.length; i += 2) await Promise.all(chunks.slice(i, i + 2).map((chunk) => expectChunk(chunk)));
  async function expectChunk(chunk: string[]) {
    const query = `{ ${chunk
      .map((id, j) => {
        const under = globalId('Organization', id);
        return `l${j}: organizations(first: 1, under: "${under}", overdue: true, asOf: "${date}") { totalCount } p${j}: progress(under: "${under}", asOf: "${date}") { overdue }`;
      })
      .join('\n')} }`;
    const { body } = await app.gql(query);
    expect(body.errors).toBeUndefined();
    const got = chunk.map((id, j) => ({ id, listed: body.data[`l${j}`].totalCount, progress: body.data[`p${j}`].overdue }));
    const want = chunk.map((id) => ({ id, listed: overdueBelow.get(id) ?? 0, progress: overdueBelow.get(id) ?? 0 }));
    expect({ seed: SEED, date, got }).toEqual({ seed: SEED, date, got: want });
  }

  const listed = await listAll(date, true);
  const reasonOf = (s: BruteStatus) => ({ code: s.code, overdueReason: s.overdueReason });
  const byCode = (a: { code: string }, b: { code: string }) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
  expect({ seed: SEED, date, listed: listed.sort(byCode) }).toEqual({ seed: SEED, date, listed: statuses.filter((s) => s.overdue).map(reasonOf).sort(byCode) });
  const { body } = await app.gql(`{ organizations(first: 100, overdue: false, asOf: "${date}") { totalCount nodes { overdueReason } } }`);
  expect(body.data.organizations.totalCount).toBe(statuses.filter((s) => !s.overdue).length);
  expect(body.data.organizations.nodes.every((n: { overdueReason: string | null }) => n.overdueReason === null)).toBe(true);
}

async function listAll(date: string, overdue: boolean): Promise<{ code: string; overdueReason: string | null }[]> {
  const out: { code: string; overdueReason: string | null }[] = [];
  let after: string | null = null;
  for (;;) {
    const { body }: { body: any } = await app.gql(
      `query($after: String) { organizations(first: 100, after: $after, overdue: ${overdue}, asOf: "${date}") { pageInfo { hasNextPage endCursor } nodes { code overdueReason } } }`,
      { after },
    );
    expect(body.errors).toBeUndefined();
    out.push(...body.data.organizations.nodes);
    if (!body.data.organizations.pageInfo.hasNextPage) return out;
    after = body.data.organizations.pageInfo.endCursor;
  }
}
