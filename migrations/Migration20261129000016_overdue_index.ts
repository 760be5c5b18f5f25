import { Migration } from '@mikro-orm/migrations';

/**
 * The open congresses that count (round 1, not held, not superseded) in the calendar's order: term, planned start
 * (none: last, as the calendar sorts it, '9999-12-31'), id. `congresses(overdue: true)` walks it in that order on a date
 * on or after the latest dated change (when each congress's stage is its current one) and stops once its page is full,
 * instead of computing every congress of the subtree. Partial: a held congress is never overdue, so the walk skips
 * them without reading them. Frozen SQL; it imports nothing from src/.
 */
export class Migration20261129000016_overdue_index extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create index congress_open_start_idx on congress (term, (coalesce(planned_start, '9999-12-31'::date)), id)
       where round = 1 and stage not in ('HELD', 'RESULTS_CONFIRMED', 'SUPERSEDED');`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists congress_open_start_idx;');
  }
}
