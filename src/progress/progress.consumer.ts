import type { JournalConsumer, Tx } from '../common/kernel';
import type { DomainChange } from '../common/journal';
import {
  adjustForCalendar,
  Ledger,
  lockCalendarExclusive,
  lockCalendarShared,
  moveAfter,
  moveBefore,
  openCounters,
  selfAfter,
  selfBefore,
  ledgerStatements,
  type MoveBefore,
  type SelfBefore,
} from './progress.maintenance';
import { rebuildCounters } from './progress.rebuild';

/**
 * The roll-up counters as a journal consumer (progress.maintenance.ts says how they stay exact):
 * - a change that wraps its write and names `organizations`: their contributions before and after it;
 * - `OrganizationMoved`: the subtree's totals leave the old ancestors and join the new ones;
 * - `CalendarChanged`: the held-late counts of the level's held congresses whose lateness changes;
 * - `BulkLoaded`: the counters are rebuilt from the base tables before commit.
 * The differences gather in the transaction's ledger, written just before COMMIT in the same transaction.
 * `onFlush` is told how long that write took (the operators' metrics, src/kernel.ts); not called when nothing is written.
 */
export function createProgressConsumer(opts: { onFlush?: (seconds: number) => void } = {}): JournalConsumer {
  const ledgers = new WeakMap<Tx, Ledger>();

  /** The transaction's ledger; the first time, the calendar lock (shared) too. */
  const ledgerOf = async (tx: Tx): Promise<Ledger> => {
    let ledger = ledgers.get(tx);
    if (!ledger) {
      ledgers.set(tx, (ledger = new Ledger()));
      await lockCalendarShared(tx.sql);
    }
    return ledger;
  };

  return {
    name: 'progress',

    async beforeWrite(tx: Tx, change: DomainChange): Promise<SelfBefore | MoveBefore | null> {
      switch (change.kind) {
        case 'BulkLoaded':
          return null;
        case 'CalendarChanged':
          await lockCalendarExclusive(tx.sql);
          await adjustForCalendar(tx.sql, await ledgerOf(tx), change.term, change.level, change.deadline);
          return null;
        case 'OrganizationMoved':
          return moveBefore(tx.sql, await ledgerOf(tx), change.subtreeRoot);
        default: {
          if (!change.organizations.length) return null;
          if (change.kind === 'OrganizationPlaced') {
            await ledgerOf(tx);
            await openCounters(tx.sql, change.organizations);
            return selfBefore(tx.sql, change.organizations);
          }
          // The transaction's first change takes the calendar lock in the statement that reads its "before".
          const first = !ledgers.has(tx);
          if (first) ledgers.set(tx, new Ledger());
          return selfBefore(tx.sql, change.organizations, first);
        }
      }
    },

    async afterWrite(tx: Tx, change: DomainChange, token: unknown): Promise<void> {
      if (!token) return;
      const ledger = await ledgerOf(tx);
      if (change.kind === 'OrganizationMoved') await moveAfter(tx.sql, ledger, token as MoveBefore);
      else await selfAfter(tx.sql, ledger, token as SelfBefore);
    },

    async beforeCommit(tx: Tx, journal: readonly DomainChange[]): Promise<void> {
      const ledger = ledgers.get(tx);
      ledgers.delete(tx);
      const started = performance.now();
      if (journal.some((c) => c.kind === 'BulkLoaded')) {
        // Everything from the base tables (this includes what the ledger holds), with fresh statistics for reads.
        await rebuildCounters(tx.sql);
        await tx.sql('analyze progress_counter, progress_override');
      } else if (ledger) {
        // The ledger's statements go in the commit batch: their time is the batch's, until COMMIT.
        for (const s of ledgerStatements(ledger)) tx.atCommit(s.text, s.params);
        const onFlush = opts.onFlush;
        if (onFlush) tx.afterCommit(() => onFlush((performance.now() - started) / 1000));
        return;
      } else return;
      opts.onFlush?.((performance.now() - started) / 1000);
    },
  };
}
