import { Migration } from '@mikro-orm/migrations';

/**
 * Dates on everything that changes, so that a change today never rewrites a past report. One pattern throughout, as
 * for names (organization_name) and stages (congress_event): the row keeps the value in force on the latest date and
 * the day it took effect; a history table keeps every earlier value with the days it held, [valid_from, valid_to)
 * half-open, valid_from null meaning "from the start" (before values were dated). A date before the first recorded
 * change reads the earliest value.
 *
 * - term_calendar.valid_from: the day the entry took effect; term_calendar_history: earlier deadlines and lengths.
 *   A (term, level) entry created after the start has no row for the dates before it took effect.
 * - organization.members_since: the day the member count took effect; organization_member_count: earlier counts.
 * - congress.planned_since: the day the plan (planned start, planned end, the superior's deadline) took effect;
 *   congress_plan_history: earlier plans. A congress's first plan holds from the start.
 * - restructuring_event.effective_on: the day each status took effect (PROPOSED, APPROVED, CANCELLED: the day it was
 *   recorded; EFFECTIVE: the restructuring's effective date), so "pending on a date" can be answered.
 *
 * Backfill: every current value holds from the start (null), no history; status events take the day they were
 * recorded in Asia/Ho_Chi_Minh (EFFECTIVE: the effective date), so nothing read today changes. Frozen SQL; it
 * imports nothing from src/.
 */
export class Migration20261129000009_dated_values extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table term_calendar add column valid_from date;`);
    this.addSql(`
      create table term_calendar_history (
        id bigint generated always as identity primary key,
        term text not null references term (code),
        level text not null,
        deadline date not null,
        max_days integer not null,
        version integer not null,
        valid_from date,
        valid_to date not null,
        recorded_at timestamptz not null default now(),
        constraint term_calendar_history_interval_check check (valid_from is null or valid_to > valid_from),
        constraint term_calendar_history_no_overlap exclude using gist (term with =, level with =, daterange(valid_from, valid_to) with &&)
      );`);
    this.addSql(`create index term_calendar_history_idx on term_calendar_history (term, level, valid_to);`);
    this.addSql(`create index term_calendar_history_to_idx on term_calendar_history (valid_to);`);

    this.addSql(`alter table organization add column members_since date;`);
    this.addSql(`
      create table organization_member_count (
        id bigint generated always as identity primary key,
        organization_id uuid not null references organization (id),
        member_count integer not null,
        valid_from date,
        valid_to date not null,
        recorded_at timestamptz not null default now(),
        constraint organization_member_count_check check (member_count >= 0),
        constraint organization_member_count_interval_check check (valid_from is null or valid_to > valid_from),
        constraint organization_member_count_no_overlap exclude using gist (organization_id with =, daterange(valid_from, valid_to) with &&)
      );`);
    this.addSql(`create index organization_member_count_org_idx on organization_member_count (organization_id, valid_to);`);
    this.addSql(`create index organization_member_count_to_idx on organization_member_count (valid_to);`);

    this.addSql(`alter table congress add column planned_since date;`);
    this.addSql(`
      create table congress_plan_history (
        id bigint generated always as identity primary key,
        congress_id uuid not null references congress (id),
        planned_start date,
        planned_end date,
        deadline_override date,
        valid_from date,
        valid_to date not null,
        recorded_at timestamptz not null default now(),
        constraint congress_plan_history_interval_check check (valid_from is null or valid_to > valid_from),
        constraint congress_plan_history_no_overlap exclude using gist (congress_id with =, daterange(valid_from, valid_to) with &&)
      );`);
    this.addSql(`create index congress_plan_history_idx on congress_plan_history (congress_id, valid_to);`);
    this.addSql(`create index congress_plan_history_to_idx on congress_plan_history (valid_to);`);

    this.addSql(`alter table restructuring_event add column effective_on date;`);
    this.addSql(`
      update restructuring_event e
         set effective_on = case when e.to_status = 'EFFECTIVE' and r.effective_on is not null then r.effective_on
                                 else (e.recorded_at at time zone 'Asia/Ho_Chi_Minh')::date end
        from restructuring r
       where r.id = e.restructuring_id;`);
    this.addSql(`alter table restructuring_event alter column effective_on set not null;`);
    this.addSql(`create index restructuring_event_status_idx on restructuring_event (restructuring_id, to_status, effective_on);`);
    this.addSql(`create index restructuring_event_effective_idx on restructuring_event (effective_on);`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists restructuring_event_effective_idx;');
    this.addSql('drop index if exists restructuring_event_status_idx;');
    this.addSql('alter table restructuring_event drop column if exists effective_on;');
    this.addSql('drop table if exists congress_plan_history;');
    this.addSql('alter table congress drop column if exists planned_since;');
    this.addSql('drop table if exists organization_member_count;');
    this.addSql('alter table organization drop column if exists members_since;');
    this.addSql('drop table if exists term_calendar_history;');
    this.addSql('alter table term_calendar drop column if exists valid_from;');
  }
}
