import type { EntityManager } from '@mikro-orm/postgresql';
import { createKernel, type JournalConsumer, type Kernel } from './common/kernel';
import { createAccessConsumer } from './access/access.consumer';
import { createAuditConsumer } from './audit/audit.consumer';
import { silentLogger, type Logger } from './common/log';
import { createNotifyConsumer } from './live/live.notify';
import { lockTree, treeLockSql } from './organization/organization.lock';
import { createProgressConsumer } from './progress/progress.consumer';

/**
 * What the write path reports for the operators' metrics (src/server/metrics.ts implements it). The default reports
 * nothing, so seeds, tools and tests need no metrics.
 */
export interface WriteObserver {
  /** From the roll-up counters' write being queued in the commit batch to COMMIT: `seconds` (one per transaction that changed them). */
  progressFlushed(seconds: number): void;
  /** A change notification was delivered: its transaction committed. */
  notificationSent(): void;
}

/**
 * The composition root of the write path: the kernel (src/common/kernel.ts) with the tree lock and the journal's
 * consumers, in the order they see each change and the journal before COMMIT. Used by the server, the demo seed, the
 * tools and the test helpers: nothing writes another way.
 */
export function appConsumers(opts: { observer?: WriteObserver } = {}): JournalConsumer[] {
  const observer = opts.observer;
  return [
    // Access control: a scoped writer's changes must stay inside its scope (checked before COMMIT, first).
    createAccessConsumer(),
    // Roll-up counters: contributions before and after each change, the ledger written before COMMIT.
    createProgressConsumer({ onFlush: observer && ((seconds) => observer.progressFlushed(seconds)) }),
    // The audit log: one event per transaction, built from the whole journal, in the same transaction.
    createAuditConsumer(),
    // Last, so it announces only what the others accepted: one NOTIFY, delivered on COMMIT.
    createNotifyConsumer({ onSent: observer && (() => observer.notificationSent()) }),
  ];
}

export function createAppKernel(orm: { em: EntityManager }, opts: { logger?: Logger; metrics?: WriteObserver } = {}): Kernel {
  return createKernel(orm, appConsumers({ observer: opts.metrics }), { treeLock: lockTree, treeLockSql, logger: opts.logger ?? silentLogger });
}
