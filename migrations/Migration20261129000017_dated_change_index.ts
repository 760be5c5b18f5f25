import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes for finding what changed after a date (src/progress/progress.past.ts: a past date's roll-up from the
 * counters and the organisations changed since). Every dated column it reads by range already had one but two: the day
 * an organisation's member count took effect (`organization.members_since`) and the day a congress's current plan took
 * effect (`congress.planned_since`). Both are null for almost every row (never changed): partial indexes.
 * Frozen SQL; it imports nothing from src/.
 */
export class Migration20261129000017_dated_change_index extends Migration {
  override async up(): Promise<void> {
    this.addSql('create index if not exists organization_members_since_idx on organization (members_since) where members_since is not null;');
    this.addSql('create index if not exists congress_planned_since_idx on congress (planned_since) where planned_since is not null;');
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists congress_planned_since_idx;');
    this.addSql('drop index if exists organization_members_since_idx;');
  }
}
