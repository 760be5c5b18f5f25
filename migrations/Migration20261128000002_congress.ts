import { Migration } from '@mikro-orm/migrations';

const STAGES = `'NOT_STARTED','PLAN_ISSUED','DOCUMENTS_DRAFTED','PERSONNEL_PLANNED','APPROVED','HELD','RESULTS_CONFIRMED','POSTPONED','SUPERSEDED'`;

export class Migration20261128000002_congress extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table term (
        code text primary key,
        starts_on date not null,
        ends_on date not null,
        is_current boolean not null default false,
        constraint term_code_check check (code ~ '^[0-9]{4}-[0-9]{4}$'),
        constraint term_dates_check check (ends_on > starts_on)
      );`);
    this.addSql(`create unique index term_one_current on term (is_current) where is_current;`);
    this.addSql(`
      create table term_calendar (
        term text not null references term (code),
        level text not null,
        deadline date not null,
        max_days integer not null,
        version integer not null default 1,
        updated_at timestamptz not null default now(),
        primary key (term, level),
        constraint term_calendar_max_days_check check (max_days between 1 and 30)
      );`);
    this.addSql(`
      create table congress (
        id uuid primary key,
        organization_id uuid not null references organization (id),
        term text not null references term (code),
        ordinal integer not null,
        mode text not null,
        pilot boolean not null default false,
        planned_start date,
        planned_end date,
        deadline_override date,
        held_start date,
        held_end date,
        stage text not null default 'NOT_STARTED',
        delegates_convened integer,
        delegates_attending integer,
        committee_size integer,
        committee_formation text,
        delegates_ex_officio integer,
        delegates_elected integer,
        delegates_appointed integer,
        delegates_alternate integer,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint congress_org_term_unique unique (organization_id, term),
        constraint congress_ordinal_check check (ordinal >= 1),
        constraint congress_mode_check check (mode in ('FULL', 'TWO_CONTENT')),
        constraint congress_stage_check check (stage in (${STAGES})),
        constraint congress_formation_check check (committee_formation in ('ELECTED', 'APPOINTED', 'INTERIM_APPOINTED')),
        constraint congress_planned_check check (planned_end >= planned_start),
        constraint congress_held_check check (held_end >= held_start)
      );`);
    this.addSql(`create index congress_term_start_idx on congress (term, planned_start, id);`);
    this.addSql(`
      create table congress_event (
        id bigint generated always as identity primary key,
        congress_id uuid not null references congress (id),
        from_stage text,
        to_stage text not null,
        effective_on date not null,
        actor text,
        note text,
        recorded_at timestamptz not null default now(),
        constraint congress_event_stage_check check (to_stage in (${STAGES}))
      );`);
    this.addSql(`create index congress_event_idx on congress_event (congress_id, effective_on, id);`);
    // Reference data: the terms and the 2025–2030 calendar (Directive 35-CT/TW as adjusted; editable by termCalendarSet).
    this.addSql(`insert into term (code, starts_on, ends_on, is_current) values
      ('2020-2025', '2020-01-01', '2025-01-01', false),
      ('2025-2030', '2025-01-01', '2030-01-01', true);`);
    this.addSql(`insert into term_calendar (term, level, deadline, max_days) values
      ('2025-2030', 'CELL', '2025-03-31', 1),
      ('2025-2030', 'SUB_COMMITTEE', '2025-03-31', 1),
      ('2025-2030', 'BASE_COMMITTEE', '2025-06-30', 2),
      ('2025-2030', 'BASE_CELL', '2025-06-30', 2),
      ('2025-2030', 'ABOVE_BASE', '2025-08-31', 3),
      ('2025-2030', 'DIRECTLY_UNDER_CENTRAL', '2025-10-31', 4),
      ('2025-2030', 'CENTRAL_COMMITTEE', '2026-01-31', 5);`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists congress_event;');
    this.addSql('drop table if exists congress;');
    this.addSql('drop table if exists term_calendar;');
    this.addSql('drop table if exists term;');
  }
}
