import { Migration } from '@mikro-orm/migrations';
import { FIELDS } from '../src/progress/progress.fields';
import { recomputedCountersSql, recomputedOverridesSql } from '../src/progress/progress.rebuild';

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
    this.addSql(`create index placement_valid_to_idx on organization_placement (valid_to) where valid_to is not null;`);
    this.addSql(`create index congress_event_effective_idx on congress_event (effective_on);`);
    this.addSql(`create index congress_planned_idx on congress (planned_start);`);
    // Counters for the data already there.
    this.addSql(`insert into progress_counter (organization_id) select id from organization where not pending_establishment;`);
    this.addSql(`update progress_counter pc set ${FIELDS.map((f) => `${f} = r.${f}`).join(', ')} from (${recomputedCountersSql()}) r where pc.organization_id = r.organization_id;`);
    this.addSql(`insert into progress_override (organization_id, level, deadline, open) ${recomputedOverridesSql()};`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists progress_override;');
    this.addSql('drop table if exists progress_counter;');
  }
}
