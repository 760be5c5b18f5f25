import { Migration } from '@mikro-orm/migrations';

/**
 * Organisations that follow their source into the target of a MERGE or ABSORB (the children not moved elsewhere) are
 * recorded, when it is applied, as MOVED participants with `follows = true`: they find the restructuring with their
 * role, but were never claimed by it (they stayed free for other restructurings while it was pending), so they do not
 * count as claimed on the dates it was pending. Existing rows: false (nothing was recorded for followers before).
 * Frozen SQL; it imports nothing from src/.
 */
export class Migration20261129000011_participant_follows extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table restructuring_participant add column follows boolean not null default false;`);
  }

  override async down(): Promise<void> {
    this.addSql('alter table restructuring_participant drop column if exists follows;');
  }
}
