import { Migration } from '@mikro-orm/migrations';
import { FIELDS } from '../src/progress/progress.fields';

export class Migration20261128000004_progress extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table progress_counter (
        organization_id uuid primary key references organization (id),
        ${FIELDS.map((f) => `${f} ${f === 'members' ? 'bigint' : 'integer'} not null default 0`).join(',\n        ')}
      );`);
    // Expected, unheld congresses whose deadline the superior set explicitly, by level and deadline.
    this.addSql(`
      create table progress_override (
        organization_id uuid not null references organization (id),
        level text not null,
        deadline date not null,
        open integer not null,
        primary key (organization_id, level, deadline)
      );`);
    // The latest dated change, read with every roll-up: counters answer any date on or after it.
    this.addSql(`create index placement_valid_from_idx on organization_placement (valid_from);`);
    this.addSql(`create index placement_valid_to_idx on organization_placement (valid_to);`);
    this.addSql(`create index congress_event_effective_idx on congress_event (effective_on);`);
    this.addSql(`create index congress_planned_idx on congress (planned_start);`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists progress_override;');
    this.addSql('drop table if exists progress_counter;');
  }
}
