import { UserErrorException } from '../src/common/errors';
import { ref, type DomainChange } from '../src/common/journal';
import { createKernel, systemViewer, type JournalConsumer, type TxMeta } from '../src/common/kernel';
import { createLogger } from '../src/common/log';
import { Organization } from '../src/organization/organization.entity';
import { lockTree } from '../src/organization/organization.lock';
import { startTestApp, type TestApp } from './support/harness';
import { smallTree } from './support/trees';

/**
 * The transaction kernel (src/common/kernel.ts): what its consumers see and when, and why a write that skips the
 * journal cannot go unnoticed. (Every mutation of the schema through it: test/live.notify.test.ts and test/audit.test.ts,
 * each leaving no drift.)
 */

const TODAY = '2026-11-27';
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ today: TODAY });
});
afterAll(() => app.close());

const drift = () => app.drift();
const meta = { operation: 'kernelTest', viewer: systemViewer('kernel test'), today: TODAY };

/** A consumer that writes down every call it gets, in order. */
function spy(log: string[], name = 'spy'): JournalConsumer {
  return {
    name,
    async beforeWrite(_tx, change) {
      log.push(`${name}.beforeWrite ${change.kind}`);
      return change.kind;
    },
    async afterWrite(_tx, change, token) {
      log.push(`${name}.afterWrite ${change.kind} ${String(token)}`);
    },
    async beforeCommit(tx, journal) {
      const [{ n }] = await tx.sql<{ n: number }>(`select count(*)::int as n from pg_locks where locktype = 'advisory' and pid = pg_backend_pid() and objid = 727001`);
      log.push(`${name}.beforeCommit ${journal.map((c) => c.kind).join(',')} treeLock=${n}`);
    },
    afterCommit(journal, m: TxMeta) {
      log.push(`${name}.afterCommit ${journal.length} ${m.operation} ${m.viewer.kind}`);
    },
  };
}

const renamed = (id: string): DomainChange => ({ kind: 'OrganizationRenamed', effectiveOn: TODAY, organizations: [], entities: [ref('Organization', id)] });

describe('the kernel', () => {
  it('hands each change to every consumer around its write, the journal before and after COMMIT, the tree lock first', async () => {
    const ids = await app.tree(smallTree('KA'));
    const log: string[] = [];
    const kernel = createKernel(app.orm, [spy(log, 'a'), spy(log, 'b')], { treeLock: lockTree });
    const result = await kernel.withTransaction(meta, async (tx) => {
      tx.afterCommit(() => void log.push('hook'));
      await tx.change(renamed(ids.get('KA-MA')!), async () => void log.push('write'));
      await tx.change({ kind: 'RestructuringCancelled', organizations: [], entities: [] });
      log.push(`journal ${tx.journal.length}`);
      return 42;
    });
    expect(result).toBe(42);
    expect(log).toEqual([
      'a.beforeWrite OrganizationRenamed',
      'b.beforeWrite OrganizationRenamed',
      'write',
      'a.afterWrite OrganizationRenamed OrganizationRenamed',
      'b.afterWrite OrganizationRenamed OrganizationRenamed',
      // A change recorded without a write is journalled only.
      'journal 2',
      'a.beforeCommit OrganizationRenamed,RestructuringCancelled treeLock=1',
      'b.beforeCommit OrganizationRenamed,RestructuringCancelled treeLock=1',
      'a.afterCommit 2 kernelTest system',
      'b.afterCommit 2 kernelTest system',
      'hook',
    ]);
  });

  it('after a rollback, no consumer hears of it and no after-commit hook runs; with nothing journalled, no consumer is called', async () => {
    const ids = await app.tree(smallTree('KB'));
    const log: string[] = [];
    const kernel = createKernel(app.orm, [spy(log)], { treeLock: lockTree });
    await expect(
      kernel.withTransaction(meta, async (tx) => {
        tx.afterCommit(() => void log.push('hook'));
        await tx.change(renamed(ids.get('KB-MA')!), async () => {
          await tx.sql(`update organization set name = 'gone' where id = ?`, [ids.get('KB-MA')]);
        });
        throw UserErrorException.of('NOT_ALLOWED', 'refused after the change');
      }),
    ).rejects.toBeInstanceOf(UserErrorException);
    expect(log).toEqual(['spy.beforeWrite OrganizationRenamed', 'spy.afterWrite OrganizationRenamed OrganizationRenamed']);
    expect(await app.readBack(`select name from organization where id = $1`, [ids.get('KB-MA')])).toEqual([{ name: 'Đảng ủy Bộ Tài chính KB' }]);

    log.length = 0;
    await kernel.withTransaction(meta, async (tx) => {
      tx.afterCommit(() => void log.push('hook'));
    });
    expect(log).toEqual(['hook']);
  });

  it('refuses a change inside another change’s write (changes do not nest), and one after the work is over', async () => {
    const ids = await app.tree(smallTree('KC'));
    let late: Promise<unknown> | undefined;
    await expect(
      app.write(async (tx) => {
        await tx.change(renamed(ids.get('KC-MA')!), () => tx.change(renamed(ids.get('KC-MB')!), async () => undefined));
      }),
    ).rejects.toThrow('changes do not nest');
    const kernel = createKernel(app.orm, [{ name: 'late', beforeCommit: async (tx) => void (late = tx.change(renamed(ids.get('KC-MA')!)).catch((e: Error) => e.message)) }]);
    await kernel.withTransaction(meta, (tx) => tx.change(renamed(ids.get('KC-MA')!)));
    expect(await late).toMatch('committing');
  });

  it('a failing after-commit hook leaves the transaction committed and is logged', async () => {
    const ids = await app.tree(smallTree('KD'));
    const lines: string[] = [];
    const kernel = createKernel(app.orm, [], { treeLock: lockTree, logger: createLogger('error', { write: (l: string) => void lines.push(l) }) });
    const out = await kernel.withTransaction(meta, async (tx) => {
      await tx.sql(`update organization set short_name = 'KD' where id = ?`, [ids.get('KD-MA')]);
      tx.afterCommit(() => {
        throw new Error('hook exploded');
      });
      return 'done';
    });
    expect(out).toBe('done');
    expect(await app.readBack(`select short_name as s from organization where id = $1`, [ids.get('KD-MA')])).toEqual([{ s: 'KD' }]);
    expect(lines.map((l) => JSON.parse(l)).map((l) => [l.msg, l.operation, l.err.message])).toEqual([
      ['after-commit work failed (the transaction is committed)', 'kernelTest', 'hook exploded'],
    ]);
  });
});

describe('a forgotten journal entry is caught', () => {
  it('an entity changed and left unflushed (to be written behind the consumers’ back at commit) is refused', async () => {
    const ids = await app.tree(smallTree('KE'));
    const cell = ids.get('KE-MA-B1-C1')!;
    await expect(
      app.write(async (tx) => {
        const org = await tx.em.findOneOrFail(Organization, { id: cell });
        org.memberCount += 5;
      }),
    ).rejects.toThrow('test: entity changes left unflushed (update Organization): flush them inside tx.change');
    expect(await app.readBack(`select member_count as n, version from organization where id = $1`, [cell])).toEqual([{ n: 12, version: 1 }]);
    expect(await drift()).toEqual([]);
  });

  it('a write that alters what the counters count outside tx.change shows as drift; the same write as a change does not', async () => {
    const ids = await app.tree(smallTree('KF'));
    const cell = ids.get('KF-MA-B1-C1')!;
    const bump = (n: number) => (tx: { sql: (t: string, p: unknown[]) => Promise<unknown> }) =>
      tx.sql('update organization set member_count = member_count + ? where id = ?', [n, cell]);
    expect(await drift()).toEqual([]);

    // Forgotten: the counters of the cell's ancestors do not follow, and the drift check names each of them.
    await app.write(async (tx) => void (await bump(5)(tx)));
    const found = await drift();
    const ancestors = ['TW', 'BLOC', 'MA', 'MA-B1'].map((c) => ids.get(`KF-${c}`)!);
    expect(found.filter((d) => d.field === 'members').map((d) => [d.organizationId, d.expected - d.stored]).sort()).toEqual(ancestors.map((a) => [a, 5]).sort());
    await app.write(async (tx) => void (await bump(-5)(tx))); // undone the same way
    expect(await drift()).toEqual([]);

    // Recorded: the counters follow in the same transaction.
    const change: DomainChange = { kind: 'MembersChanged', effectiveOn: TODAY, organizations: [cell], entities: [ref('Organization', cell)] };
    await app.write((tx) => tx.change(change, () => bump(5)(tx)));
    expect(await drift()).toEqual([]);
    const [row] = await app.readBack<{ members: string }>(`select members from progress_counter where organization_id = $1`, [ids.get('KF-MA')]);
    expect(Number(row.members)).toBe(12 + 20 + 5);
  });
});
