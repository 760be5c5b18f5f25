import type { EntityManager } from '@mikro-orm/postgresql';
import { createKernel, type JournalConsumer, type Kernel } from './common/kernel';
import { createAccessConsumer } from './access/access.consumer';
import { createAuditConsumer } from './audit/audit.consumer';
import { silentLogger, type Logger } from './common/log';
import { createNotifyConsumer } from './live/live.notify';
import { lockTree } from './organization/organization.lock';
import { createProgressConsumer } from './progress/progress.consumer';

/**
 * The composition root of the write path: the kernel (src/common/kernel.ts) with the tree lock and the journal's
 * consumers, in the order they see each change and the journal before COMMIT. Used by the server, the demo seed, the
 * tools and the test helpers: nothing writes another way.
 */
export function appConsumers(): JournalConsumer[] {
  return [
    // Access control: a scoped writer's changes must stay inside its scope (checked before COMMIT, first).
    createAccessConsumer(),
    // Roll-up counters: contributions before and after each change, the ledger written before COMMIT.
    createProgressConsumer(),
    // The audit log: one event per transaction, built from the whole journal, in the same transaction.
    createAuditConsumer(),
    // Last, so it announces only what the others accepted: one NOTIFY, delivered on COMMIT.
    createNotifyConsumer(),
  ];
}

export function createAppKernel(orm: { em: EntityManager }, opts: { logger?: Logger } = {}): Kernel {
  return createKernel(orm, appConsumers(), { treeLock: lockTree, logger: opts.logger ?? silentLogger });
}
