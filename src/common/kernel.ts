import type { EntityManager } from '@mikro-orm/postgresql';
import type { DomainChange } from './journal';
import { silentLogger, type Logger } from './log';
import { sqlBatchOf, sqlOf, type Sql, type Statement } from './sql';
import { isRaceFailure, sqlStateOf } from './sqlstate';

/** Attempts in all for a transaction that keeps losing races (src/common/sqlstate.ts `isRaceFailure`). */
export const MAX_ATTEMPTS = 3;

/**
 * The one write path. Every write — each mutation, the demo seed, the tools, the test helpers — runs in one
 * `withTransaction`: the tree lock first, then the work, which records what it changes as typed domain changes
 * (src/common/journal.ts) through `tx.change`; consumers wired at the composition root (src/kernel.ts) see each
 * change's write (before and after it), the whole journal just before COMMIT in the same transaction, and again after
 * COMMIT (never after a rollback). Features record what changed; they never know who listens.
 */

/** What a principal may do (src/access): ADMIN everything; EDITOR and VIEWER their scope's subtree; PUBLIC third parties. */
export type Role = 'ADMIN' | 'EDITOR' | 'VIEWER' | 'PUBLIC';

/**
 * Who asks or writes: a principal (from its token), an anonymous caller (`role` null unless ANONYMOUS_ROLE opens
 * public reads), or `system` for seeds, tools and test helpers (ADMIN, unscoped).
 */
export interface Viewer {
  kind: 'anonymous' | 'principal' | 'system';
  /** The principal's uuid (null for anonymous and system). */
  id: string | null;
  name: string;
  /** Null: not authenticated (every operation answers UNAUTHENTICATED). */
  role: Role | null;
  /** The scope organisation's uuid: the viewer reads (and an EDITOR writes) its subtree only. Null: unscoped. */
  scopeId: string | null;
}

export const ANONYMOUS: Viewer = Object.freeze({ kind: 'anonymous', id: null, name: 'anonymous', role: null, scopeId: null });
export const anonymousViewer = (role: Role | null): Viewer => Object.freeze({ kind: 'anonymous', id: null, name: 'anonymous', role, scopeId: null });
export const systemViewer = (name: string): Viewer => ({ kind: 'system', id: null, name, role: 'ADMIN', scopeId: null });

export interface TxMeta {
  /** The business action: the mutation's name (`congressAdvance`), or the tool's (`demoSeed`). */
  operation: string;
  viewer: Viewer;
  requestId: string | null;
  /** The service's "today" (YYYY-MM-DD) when the transaction started. */
  today: string;
}

export type TreeLockMode = 'shared' | 'exclusive';

export interface TransactionOptions {
  /** Shared unless said. */
  treeLock?: TreeLockMode;
  /**
   * The work takes the tree lock in its first statement (`Tx.takeTreeLock`), one round trip fewer: for a work whose
   * first statement is its own SQL (never the ORM's). Until taken, any `tx.sql` statement takes it first; a work that
   * ends without it taken fails (rolls back).
   */
  treeLockInFirstStatement?: boolean;
}

export interface Tx {
  /** The SQL helper (`?` placeholders, see src/common/sql.ts), bound to this transaction. */
  readonly sql: Sql;
  /** Forked, inside this transaction. */
  readonly em: EntityManager;
  readonly meta: TxMeta;
  /**
   * Records a domain change. With `write`, the change is performed inside: consumers look at the state before and
   * after it (the roll-up counters do), so a change that alters what the counters count must wrap its write. Changes
   * do not nest.
   */
  change<T>(change: DomainChange, write: () => Promise<T>): Promise<T>;
  change(change: DomainChange): Promise<void>;
  /** The changes recorded so far, in order. */
  readonly journal: readonly DomainChange[];
  /** Runs after COMMIT (never after a rollback); a failure is logged, the transaction stays committed. */
  afterCommit(fn: () => void | Promise<void>): void;
  /**
   * Queues a statement for the commit batch: after every consumer's `beforeCommit`, the queued statements are sent
   * together, in the order queued, in one round trip, and COMMIT follows at once. For writes to rows every writer
   * shares (the root's roll-up counters, the data version): their locks are then held only from that batch to COMMIT,
   * whatever else the process is busy with. Nothing is read back.
   */
  atCommit(text: string, params?: readonly unknown[]): void;
  /**
   * The tree lock, when the transaction left it to the work's first statement (`treeLockInFirstStatement`): a SQL
   * expression taking it, which that statement must evaluate before it locks any row (a `materialized` CTE its locking
   * part depends on). Null when it is taken already (or there is none). Asking marks it taken.
   */
  takeTreeLock(): string | null;
}

export interface JournalConsumer {
  name: string;
  /** Before a change's write (state before); returns a token handed to afterWrite. */
  beforeWrite?(tx: Tx, change: DomainChange): Promise<unknown>;
  afterWrite?(tx: Tx, change: DomainChange, token: unknown): Promise<void>;
  /** Once, just before COMMIT, in the same transaction, with the whole journal (skipped when it is empty). */
  beforeCommit?(tx: Tx, journal: readonly DomainChange[]): Promise<void>;
  /** After COMMIT (never after a rollback; skipped when the journal is empty). A failure is logged. */
  afterCommit?(journal: readonly DomainChange[], meta: TxMeta): void | Promise<void>;
}

export type TxMetaInput = Partial<TxMeta> & { operation: string; today: string };

export interface Kernel {
  /** One transaction: tree lock (shared by default) first, then `work`, consumers' beforeCommit, COMMIT, afterCommit. */
  withTransaction<T>(meta: TxMetaInput, work: (tx: Tx) => Promise<T>, opts?: TransactionOptions): Promise<T>;
}

export interface KernelOptions {
  /**
   * Taken first in every transaction, before any row lock, so every transaction locks in the same order (the
   * organisation tree's lock: src/organization/organization.lock.ts, passed in by the composition root).
   */
  treeLock?: (sql: Sql, mode: TreeLockMode) => Promise<void>;
  /** The same lock as a SQL expression, for a work that takes it in its first statement (`treeLockInFirstStatement`). */
  treeLockSql?: (mode: TreeLockMode) => string;
  /** Where failures after COMMIT are reported. */
  logger?: Logger;
}

class Transaction implements Tx {
  readonly journal: DomainChange[] = [];
  readonly hooks: (() => void | Promise<void>)[] = [];
  readonly sql: Sql;
  private readonly batch: Statement[] = [];
  /** No change may start: one is being written (changes do not nest), or the work is over. */
  private busy: string | null = null;
  /** The tree lock left to the work's first statement, until taken. */
  private pendingTreeLock: string | null;

  constructor(
    readonly em: EntityManager,
    readonly meta: TxMeta,
    private readonly consumers: readonly JournalConsumer[],
    pendingTreeLock: string | null = null,
  ) {
    this.pendingTreeLock = pendingTreeLock;
    const sql = sqlOf(em);
    this.sql = async <T>(text: string, params?: readonly unknown[]) => {
      const lock = this.takeTreeLock();
      if (lock) await sql(`select ${lock}`);
      return sql<T>(text, params);
    };
  }

  takeTreeLock(): string | null {
    const lock = this.pendingTreeLock;
    this.pendingTreeLock = null;
    return lock;
  }

  change<T>(change: DomainChange, write: () => Promise<T>): Promise<T>;
  change(change: DomainChange): Promise<void>;
  async change<T>(change: DomainChange, write?: () => Promise<T>): Promise<T | void> {
    if (this.busy) throw new Error(`tx.change(${change.kind}) refused: ${this.busy}`);
    if (!write) {
      this.journal.push(change);
      return;
    }
    this.busy = `a ${change.kind} change is being written (changes do not nest)`;
    try {
      const tokens: unknown[] = [];
      for (const c of this.consumers) tokens.push(c.beforeWrite ? await c.beforeWrite(this, change) : undefined);
      const result = await write();
      for (const [i, c] of this.consumers.entries()) await c.afterWrite?.(this, change, tokens[i]);
      this.journal.push(change);
      return result;
    } finally {
      this.busy = null;
    }
  }

  afterCommit(fn: () => void | Promise<void>): void {
    this.hooks.push(fn);
  }

  atCommit(text: string, params: readonly unknown[] = []): void {
    if (this.busy === 'the commit batch is being sent') throw new Error('tx.atCommit refused: the commit batch is being sent');
    this.batch.push({ text, params });
  }

  /**
   * The work is over: the consumers' last word before COMMIT. An entity changed but not flushed inside a change would be
   * written now, behind the consumers' back: refused (the transaction rolls back).
   */
  async close(): Promise<void> {
    if (this.pendingTreeLock) throw new Error(`${this.meta.operation}: the tree lock left to its first statement was never taken`);
    const uow = this.em.getUnitOfWork();
    uow.computeChangeSets();
    const unrecorded = uow.getChangeSets();
    if (unrecorded.length) {
      const what = [...new Set(unrecorded.map((c) => `${c.type} ${c.name}`))].join(', ');
      throw new Error(`${this.meta.operation}: entity changes left unflushed (${what}): flush them inside tx.change`);
    }
    this.busy = 'the transaction is committing';
    if (!this.journal.length) return;
    for (const c of this.consumers) await c.beforeCommit?.(this, this.journal);
    this.busy = 'the commit batch is being sent';
    await sqlBatchOf(this.em)(this.batch);
  }
}

export function createKernel(orm: { em: EntityManager }, consumers: JournalConsumer[], options: KernelOptions = {}): Kernel {
  const logger = options.logger ?? silentLogger;
  const report = async (source: string, meta: TxMeta, fn: () => void | Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      logger.error({ err, operation: meta.operation, requestId: meta.requestId, source }, 'after-commit work failed (the transaction is committed)');
    }
  };
  return {
    async withTransaction(input, work, opts = {}) {
      const meta: TxMeta = { operation: input.operation, today: input.today, viewer: input.viewer ?? ANONYMOUS, requestId: input.requestId ?? null };
      // A transaction that lost a race to a concurrent one (deadlock, serialization failure, unique / exclusion
      // violation) rolls back and runs again from scratch: fresh fork, Tx, journal and hooks; nothing of a failed
      // attempt leaves it (afterCommit runs only after the final COMMIT). The re-run sees the winner and refuses
      // with its coded user error; after MAX_ATTEMPTS the error surfaces.
      const attempt = async () => {
        let tx: Transaction | undefined;
        const value = await orm.em.fork().transactional(async (tem) => {
          // First of all: changes that reshape the tree exclude every other change; the rest run side by side. Either
          // now, or in the work's first statement when it says it takes it there.
          const mode = opts.treeLock ?? 'shared';
          const inFirst = opts.treeLockInFirstStatement && options.treeLockSql ? options.treeLockSql(mode) : null;
          tx = new Transaction(tem as EntityManager, meta, consumers, inFirst);
          if (!inFirst) await options.treeLock?.(tx.sql, mode);
          const out = await work(tx);
          await tx.close();
          return out;
        });
        return { value, tx: tx! };
      };
      let committed: { value: Awaited<ReturnType<typeof work>>; tx: Transaction };
      for (let n = 1; ; n++) {
        try {
          committed = await attempt();
          break;
        } catch (err) {
          if (n >= MAX_ATTEMPTS || !isRaceFailure(err)) throw err;
          logger.warn({ sqlState: sqlStateOf(err), attempt: n, operation: meta.operation, requestId: meta.requestId }, 'transaction lost a race: running it again');
        }
      }
      const { value: result, tx: done } = committed;
      if (done.journal.length) {
        for (const c of consumers) if (c.afterCommit) await report(c.name, meta, () => c.afterCommit!(done.journal, meta));
      }
      for (const fn of done.hooks) await report('afterCommit hook', meta, fn);
      return result;
    },
  };
}
