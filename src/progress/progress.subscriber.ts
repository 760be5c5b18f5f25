import type { EventSubscriber, TransactionEventArgs } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { flushProgress } from './progress.maintenance';

/** Writes each transaction's roll-up ledger just before it commits, whoever opened the transaction. */
export class ProgressFlushSubscriber implements EventSubscriber {
  async beforeTransactionCommit(args: TransactionEventArgs): Promise<void> {
    const em = args.em as EntityManager;
    await flushProgress((text, params) => em.getConnection().execute(text, params, 'all', args.transaction), args.transaction as object | undefined);
  }
}
