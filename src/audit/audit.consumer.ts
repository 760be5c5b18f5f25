import type { JournalConsumer } from '../common/kernel';
import { auditRecord } from './audit.record';
import { insertAuditEvent } from './audit.repository';

/**
 * The audit log as a journal consumer: just before COMMIT, in the same transaction, one `audit_event` row built from
 * the whole journal and the transaction's meta (operation, viewer, request id). A rolled-back transaction (a refused
 * or failed mutation) takes its row with it; a transaction that recorded no change writes none (the kernel skips
 * `beforeCommit` then). Every transaction of the kernel is audited, not only mutations: the demo seed, the tools and
 * the test helpers write theirs under their own operation name and a `system` viewer. The row is inserted in the
 * transaction's commit batch (src/common/kernel.ts `atCommit`).
 */
export function createAuditConsumer(): JournalConsumer {
  return {
    name: 'audit',
    async beforeCommit(tx, journal) {
      const insert = insertAuditEvent(auditRecord(journal, tx.meta));
      tx.atCommit(insert.text, insert.params); // in the commit batch: one round trip fewer per write
    },
  };
}
