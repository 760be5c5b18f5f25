import { ref } from '../src/common/journal';
import { MAX_ATTEMPTS } from '../src/common/kernel';
import { SCHEDULE, SCHEDULED_ON } from './support/congress';
import { globalId, startTestApp, type TestApp } from './support/harness';
import { PROPOSE } from './support/restructuring';
import { cellsTree } from './support/trees';

/**
 * Concurrent writes that race for the same thing (src/common/kernel.ts, src/common/sqlstate.ts): the loser's
 * transaction fails with a deadlock, a serialization failure or a unique / exclusion violation; the kernel runs it
 * again from scratch, the re-run sees the winner and refuses with the feature's coded user error.
 */

const TODAY = '2026-11-27';
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ today: TODAY });
});
afterAll(() => app.close());

const N = 8;

describe('concurrent writes racing for the same thing', () => {
  it('8 congressSchedule for the same new cell: one schedules it, the 7 others are told ALREADY_SCHEDULED', async () => {
    const ids = await app.tree(cellsTree('RS', [10]));
    const input = { organization: globalId('Organization', ids.get('RS-C1')!), plannedStart: '2025-05-10', plannedEnd: '2025-05-10', effectiveOn: SCHEDULED_ON };
    const answers = await Promise.all(Array.from({ length: N }, () => app.gql(SCHEDULE, { input })));
    for (const { body } of answers) expect(body.errors).toBeUndefined();
    const payloads = answers.map(({ body }) => body.data.congressSchedule);
    expect(payloads.filter((p) => p.congress && p.userErrors.length === 0)).toHaveLength(1);
    const refused = payloads.filter((p) => !p.congress);
    expect(refused).toHaveLength(N - 1);
    for (const p of refused) expect(p.userErrors.map((e: { code: string }) => e.code)).toEqual(['ALREADY_SCHEDULED']);
    expect(await app.readBack('select 1 from congress where organization_id = $1', [ids.get('RS-C1')])).toHaveLength(1);
  });

  it('8 ABSORB proposals, different sources, same target: one is proposed, the 7 others are told ALREADY_PENDING', async () => {
    const ids = await app.tree(cellsTree('RA', Array.from({ length: N + 1 }, () => 10)));
    const gid = (code: string) => globalId('Organization', ids.get(code)!);
    const answers = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        app.gql(PROPOSE, { input: { kind: 'ABSORB', title: `Sáp nhập ${i + 2}`, sources: [gid(`RA-C${i + 2}`)], targets: [gid('RA-C1')] } }),
      ),
    );
    for (const { body } of answers) expect(body.errors).toBeUndefined();
    const payloads = answers.map(({ body }) => body.data.restructuringPropose);
    expect(payloads.filter((p) => p.restructuring && p.userErrors.length === 0)).toHaveLength(1);
    const refused = payloads.filter((p) => !p.restructuring);
    expect(refused).toHaveLength(N - 1);
    for (const p of refused) expect(p.userErrors.map((e: { code: string }) => e.code)).toEqual(['ALREADY_PENDING']);
    const [{ n }] = await app.readBack<{ n: number }>(`select count(*)::int as n from restructuring_participant where organization_id = $1`, [ids.get('RA-C1')]);
    expect(n).toBe(1);
  });
});

describe('the kernel runs a transaction that lost a race again', () => {
  const audited = async (operation: string) =>
    (await app.readBack<{ n: number }>(`select count(*)::int as n from audit_event where operation = $1`, [operation]))[0].n;
  /** A real PostgreSQL error with this SQLSTATE, through the driver and MikroORM's wrapping. */
  const raise = (sqlState: string) => `do $$ begin raise exception 'simulated race' using errcode = '${sqlState}'; end $$`;

  it('a work that fails once with a deadlock (40P01) runs again and commits once: one audit event, hooks once', async () => {
    const ids = await app.tree(cellsTree('RK', [10]));
    const operation = `raceRetry${Date.now()}`;
    let attempts = 0;
    const hooks: number[] = [];
    const result = await app.write(
      async (tx) => {
        attempts++;
        const attempt = attempts;
        tx.afterCommit(() => void hooks.push(attempt));
        await tx.change({ kind: 'OrganizationRenamed', effectiveOn: TODAY, organizations: [], entities: [ref('Organization', ids.get('RK-C1')!)] }, async () => {
          if (attempt === 1) await tx.sql(raise('40P01'));
        });
        return attempt;
      },
      { operation },
    );
    expect(result).toBe(2);
    expect(attempts).toBe(2);
    expect(hooks).toEqual([2]);
    expect(await audited(operation)).toBe(1);
  });

  it(`a work that fails with a unique violation (23505) every time surfaces after ${MAX_ATTEMPTS} attempts, nothing committed`, async () => {
    const ids = await app.tree(cellsTree('RU', [10]));
    const operation = `raceGiveUp${Date.now()}`;
    let attempts = 0;
    const hooks: number[] = [];
    const failure = app.write(
      async (tx) => {
        attempts++;
        tx.afterCommit(() => void hooks.push(attempts));
        await tx.change({ kind: 'OrganizationRenamed', effectiveOn: TODAY, organizations: [], entities: [ref('Organization', ids.get('RU-C1')!)] }, async () => {
          await tx.sql(raise('23505'));
        });
      },
      { operation },
    );
    await expect(failure).rejects.toMatchObject({ message: expect.stringContaining('simulated race') });
    expect(MAX_ATTEMPTS).toBe(3);
    expect(attempts).toBe(3);
    expect(hooks).toEqual([]);
    expect(await audited(operation)).toBe(0);
  });

  it('a failure that is not a race (23502, not null) surfaces at once', async () => {
    let attempts = 0;
    await expect(app.write(async (tx) => {
      attempts++;
      await tx.sql(raise('23502'));
    })).rejects.toThrow('simulated race');
    expect(attempts).toBe(1);
  });
});
