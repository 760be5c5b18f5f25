import { Migration } from '@mikro-orm/migrations';

/**
 * The roll-up counters, as of 28 Nov 2026. Frozen SQL: it imports nothing from src/, so its meaning never changes
 * when the code does (later columns come in later migrations).
 */
export class Migration20261128000004_progress extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table progress_counter (
        organization_id uuid primary key references organization (id),
        orgs integer not null default 0,
        expected integer not null default 0,
        held integer not null default 0,
        members bigint not null default 0,
        pilot_held integer not null default 0,
        two_content integer not null default 0,
        postponed integer not null default 0,
        pending integer not null default 0,
        st_not_started integer not null default 0,
        st_plan_issued integer not null default 0,
        st_documents_drafted integer not null default 0,
        st_personnel_planned integer not null default 0,
        st_approved integer not null default 0,
        st_held integer not null default 0,
        st_results_confirmed integer not null default 0,
        st_postponed integer not null default 0,
        st_superseded integer not null default 0,
        lv_central_committee_orgs integer not null default 0,
        lv_central_committee_expected integer not null default 0,
        lv_central_committee_held integer not null default 0,
        lv_central_committee_open integer not null default 0,
        lv_directly_under_central_orgs integer not null default 0,
        lv_directly_under_central_expected integer not null default 0,
        lv_directly_under_central_held integer not null default 0,
        lv_directly_under_central_open integer not null default 0,
        lv_above_base_orgs integer not null default 0,
        lv_above_base_expected integer not null default 0,
        lv_above_base_held integer not null default 0,
        lv_above_base_open integer not null default 0,
        lv_base_committee_orgs integer not null default 0,
        lv_base_committee_expected integer not null default 0,
        lv_base_committee_held integer not null default 0,
        lv_base_committee_open integer not null default 0,
        lv_base_cell_orgs integer not null default 0,
        lv_base_cell_expected integer not null default 0,
        lv_base_cell_held integer not null default 0,
        lv_base_cell_open integer not null default 0,
        lv_sub_committee_orgs integer not null default 0,
        lv_sub_committee_expected integer not null default 0,
        lv_sub_committee_held integer not null default 0,
        lv_sub_committee_open integer not null default 0,
        lv_cell_orgs integer not null default 0,
        lv_cell_expected integer not null default 0,
        lv_cell_held integer not null default 0,
        lv_cell_open integer not null default 0
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
    this.addSql(`update progress_counter pc set orgs = r.orgs, expected = r.expected, held = r.held, members = r.members, pilot_held = r.pilot_held, two_content = r.two_content, postponed = r.postponed, pending = r.pending, st_not_started = r.st_not_started, st_plan_issued = r.st_plan_issued, st_documents_drafted = r.st_documents_drafted, st_personnel_planned = r.st_personnel_planned, st_approved = r.st_approved, st_held = r.st_held, st_results_confirmed = r.st_results_confirmed, st_postponed = r.st_postponed, st_superseded = r.st_superseded, lv_central_committee_orgs = r.lv_central_committee_orgs, lv_central_committee_expected = r.lv_central_committee_expected, lv_central_committee_held = r.lv_central_committee_held, lv_central_committee_open = r.lv_central_committee_open, lv_directly_under_central_orgs = r.lv_directly_under_central_orgs, lv_directly_under_central_expected = r.lv_directly_under_central_expected, lv_directly_under_central_held = r.lv_directly_under_central_held, lv_directly_under_central_open = r.lv_directly_under_central_open, lv_above_base_orgs = r.lv_above_base_orgs, lv_above_base_expected = r.lv_above_base_expected, lv_above_base_held = r.lv_above_base_held, lv_above_base_open = r.lv_above_base_open, lv_base_committee_orgs = r.lv_base_committee_orgs, lv_base_committee_expected = r.lv_base_committee_expected, lv_base_committee_held = r.lv_base_committee_held, lv_base_committee_open = r.lv_base_committee_open, lv_base_cell_orgs = r.lv_base_cell_orgs, lv_base_cell_expected = r.lv_base_cell_expected, lv_base_cell_held = r.lv_base_cell_held, lv_base_cell_open = r.lv_base_cell_open, lv_sub_committee_orgs = r.lv_sub_committee_orgs, lv_sub_committee_expected = r.lv_sub_committee_expected, lv_sub_committee_held = r.lv_sub_committee_held, lv_sub_committee_open = r.lv_sub_committee_open, lv_cell_orgs = r.lv_cell_orgs, lv_cell_expected = r.lv_cell_expected, lv_cell_held = r.lv_cell_held, lv_cell_open = r.lv_cell_open from (
    select a.id as organization_id, sum(1)::int as orgs, sum((coalesce(c.stage, 'NOT_STARTED') <> 'SUPERSEDED')::int)::int as expected, sum((coalesce(c.stage, 'NOT_STARTED') in ('HELD', 'RESULTS_CONFIRMED'))::int)::int as held, sum(o.member_count::bigint)::bigint as members, sum((coalesce(c.pilot, false) and (coalesce(c.stage, 'NOT_STARTED') in ('HELD', 'RESULTS_CONFIRMED')))::int)::int as pilot_held, sum((coalesce(c.mode = 'TWO_CONTENT', false) and (coalesce(c.stage, 'NOT_STARTED') <> 'SUPERSEDED'))::int)::int as two_content, sum((coalesce(c.stage, 'NOT_STARTED') = 'POSTPONED')::int)::int as postponed, sum((rp.organization_id is not null)::int)::int as pending, sum((coalesce(c.stage, 'NOT_STARTED') = 'NOT_STARTED')::int)::int as st_not_started, sum((coalesce(c.stage, 'NOT_STARTED') = 'PLAN_ISSUED')::int)::int as st_plan_issued, sum((coalesce(c.stage, 'NOT_STARTED') = 'DOCUMENTS_DRAFTED')::int)::int as st_documents_drafted, sum((coalesce(c.stage, 'NOT_STARTED') = 'PERSONNEL_PLANNED')::int)::int as st_personnel_planned, sum((coalesce(c.stage, 'NOT_STARTED') = 'APPROVED')::int)::int as st_approved, sum((coalesce(c.stage, 'NOT_STARTED') = 'HELD')::int)::int as st_held, sum((coalesce(c.stage, 'NOT_STARTED') = 'RESULTS_CONFIRMED')::int)::int as st_results_confirmed, sum((coalesce(c.stage, 'NOT_STARTED') = 'POSTPONED')::int)::int as st_postponed, sum((coalesce(c.stage, 'NOT_STARTED') = 'SUPERSEDED')::int)::int as st_superseded, sum((o.level = 'CENTRAL_COMMITTEE')::int)::int as lv_central_committee_orgs, sum((o.level = 'CENTRAL_COMMITTEE' and (coalesce(c.stage, 'NOT_STARTED') <> 'SUPERSEDED'))::int)::int as lv_central_committee_expected, sum((o.level = 'CENTRAL_COMMITTEE' and (coalesce(c.stage, 'NOT_STARTED') in ('HELD', 'RESULTS_CONFIRMED')))::int)::int as lv_central_committee_held, sum((o.level = 'CENTRAL_COMMITTEE' and (coalesce(c.stage, 'NOT_STARTED') <> 'SUPERSEDED') and not (coalesce(c.stage, 'NOT_STARTED') in ('HELD', 'RESULTS_CONFIRMED')) and c.deadline_override is null)::int)::int as lv_central_committee_open, sum((o.level = 'DIRECTLY_UNDER_CENTRAL')::int)::int as lv_directly_under_central_orgs, sum((o.level = 'DIRECTLY_UNDER_CENTRAL' and (coalesce(c.stage, 'NOT_STARTED') <> 'SUPERSEDED'))::int)::int as lv_directly_under_central_expected, sum((o.level = 'DIRECTLY_UNDER_CENTRAL' and (coalesce(c.stage, 'NOT_STARTED') in ('HELD', 'RESULTS_CONFIRMED')))::int)::int as lv_directly_under_central_held, sum((o.level = 'DIRECTLY_UNDER_CENTRAL' and (coalesce(c.stage, 'NOT_STARTED') <> 'SUPERSEDED') and not (coalesce(c.stage, 'NOT_STARTED') in ('HELD', 'RESULTS_CONFIRMED')) and c.deadline_override is null)::int)::int as lv_directly_under_central_open, sum((o.level = 'ABOVE_BASE')::int)::int as lv_above_base_orgs, sum((o.level = 'ABOVE_BASE' and (coalesce(c.stage, 'NOT_STARTED') <> 'SUPERSEDED'))::int)::int as lv_above_base_expected, sum((o.level = 'ABOVE_BASE' and (coalesce(c.stage, 'NOT_STARTED') in ('HELD', 'RESULTS_CONFIRMED')))::int)::int as lv_above_base_held, sum((o.level = 'ABOVE_BASE' and (coalesce(c.stage, 'NOT_STARTED') <> 'SUPERSEDED') and not (coalesce(c.stage, 'NOT_STARTED') in ('HELD', 'RESULTS_CONFIRMED')) and c.deadline_override is null)::int)::int as lv_above_base_open, sum((o.level = 'BASE_COMMITTEE')::int)::int as lv_base_committee_orgs, sum((o.level = 'BASE_COMMITTEE' and (coalesce(c.stage, 'NOT_STARTED') <> 'SUPERSEDED'))::int)::int as lv_base_committee_expected, sum((o.level = 'BASE_COMMITTEE' and (coalesce(c.stage, 'NOT_STARTED') in ('HELD', 'RESULTS_CONFIRMED')))::int)::int as lv_base_committee_held, sum((o.level = 'BASE_COMMITTEE' and (coalesce(c.stage, 'NOT_STARTED') <> 'SUPERSEDED') and not (coalesce(c.stage, 'NOT_STARTED') in ('HELD', 'RESULTS_CONFIRMED')) and c.deadline_override is null)::int)::int as lv_base_committee_open, sum((o.level = 'BASE_CELL')::int)::int as lv_base_cell_orgs, sum((o.level = 'BASE_CELL' and (coalesce(c.stage, 'NOT_STARTED') <> 'SUPERSEDED'))::int)::int as lv_base_cell_expected, sum((o.level = 'BASE_CELL' and (coalesce(c.stage, 'NOT_STARTED') in ('HELD', 'RESULTS_CONFIRMED')))::int)::int as lv_base_cell_held, sum((o.level = 'BASE_CELL' and (coalesce(c.stage, 'NOT_STARTED') <> 'SUPERSEDED') and not (coalesce(c.stage, 'NOT_STARTED') in ('HELD', 'RESULTS_CONFIRMED')) and c.deadline_override is null)::int)::int as lv_base_cell_open, sum((o.level = 'SUB_COMMITTEE')::int)::int as lv_sub_committee_orgs, sum((o.level = 'SUB_COMMITTEE' and (coalesce(c.stage, 'NOT_STARTED') <> 'SUPERSEDED'))::int)::int as lv_sub_committee_expected, sum((o.level = 'SUB_COMMITTEE' and (coalesce(c.stage, 'NOT_STARTED') in ('HELD', 'RESULTS_CONFIRMED')))::int)::int as lv_sub_committee_held, sum((o.level = 'SUB_COMMITTEE' and (coalesce(c.stage, 'NOT_STARTED') <> 'SUPERSEDED') and not (coalesce(c.stage, 'NOT_STARTED') in ('HELD', 'RESULTS_CONFIRMED')) and c.deadline_override is null)::int)::int as lv_sub_committee_open, sum((o.level = 'CELL')::int)::int as lv_cell_orgs, sum((o.level = 'CELL' and (coalesce(c.stage, 'NOT_STARTED') <> 'SUPERSEDED'))::int)::int as lv_cell_expected, sum((o.level = 'CELL' and (coalesce(c.stage, 'NOT_STARTED') in ('HELD', 'RESULTS_CONFIRMED')))::int)::int as lv_cell_held, sum((o.level = 'CELL' and (coalesce(c.stage, 'NOT_STARTED') <> 'SUPERSEDED') and not (coalesce(c.stage, 'NOT_STARTED') in ('HELD', 'RESULTS_CONFIRMED')) and c.deadline_override is null)::int)::int as lv_cell_open
    
  from organization_placement p
  join organization o on o.id = p.organization_id
  left join congress c on c.organization_id = o.id and c.term = (select code from term where is_current)
  left join restructuring_pending rp on rp.organization_id = o.id
  cross join lateral unnest(p.path[1:cardinality(p.path) - 1]) as a(id)
 where p.valid_to is null
    group by a.id) r where pc.organization_id = r.organization_id;`);
    this.addSql(`insert into progress_override (organization_id, level, deadline, open) 
    select a.id as organization_id, o.level, c.deadline_override as deadline, count(*)::int as open
    
  from organization_placement p
  join organization o on o.id = p.organization_id
  left join congress c on c.organization_id = o.id and c.term = (select code from term where is_current)
  left join restructuring_pending rp on rp.organization_id = o.id
  cross join lateral unnest(p.path[1:cardinality(p.path) - 1]) as a(id)
 where p.valid_to is null
      and c.deadline_override is not null and c.stage not in ('HELD', 'RESULTS_CONFIRMED', 'SUPERSEDED')
    group by a.id, o.level, c.deadline_override;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists progress_override;');
    this.addSql('drop table if exists progress_counter;');
  }
}
