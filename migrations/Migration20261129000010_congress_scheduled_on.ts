import { Migration } from '@mikro-orm/migrations';

/**
 * Scheduling a congress is dated: congress.scheduled_on is the day its plan was made (congressSchedule's effectiveOn;
 * a successor congress opened by a restructuring: the restructuring's effective date). On a date before it the
 * congress does not exist yet: no plan, the superior's deadline not in force, the organisation NOT_SCHEDULED in
 * overdue lists and roll-ups, no stage event (events are never dated before it).
 *
 * Backfill: null, "from the start" — the convention of migration 9 (planned_since, members_since, valid_from). Any
 * real date D would change what existing data answers on the days before D: a congress read then would lose its
 * planned dates and its superior's deadline, drop out of `congresses(asOf:)` and turn an overdue NOT_HELD into
 * NOT_SCHEDULED. Not even the earliest of its first event, its planned_since and its organisation's establishment is
 * safe: plans and congresses are read on any date (a congress's fields, the calendar without `under:`), not only
 * while the organisation is in the tree. So congresses scheduled before this migration stay scheduled from the start
 * and every read of existing data is unchanged; congresses scheduled from now on carry their day.
 *
 * The partial index answers max(scheduled_on) (the latest dated change, read by every roll-up) without a scan.
 * Frozen SQL; it imports nothing from src/.
 */
export class Migration20261129000010_congress_scheduled_on extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table congress add column scheduled_on date;`);
    this.addSql(`create index congress_scheduled_on_idx on congress (scheduled_on) where scheduled_on is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists congress_scheduled_on_idx;');
    this.addSql('alter table congress drop column if exists scheduled_on;');
  }
}
