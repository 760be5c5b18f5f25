import { Migration } from '@mikro-orm/migrations';

/**
 * Held-late counts in the roll-up counters, per level: congresses of the current term held (HELD or
 * RESULTS_CONFIRMED) whose closing day is after their deadline (their own, else their level's in the term calendar).
 * Each counter row sums over the organisation's subtree in the latest state of the tree (itself excluded). Frozen
 * SQL: it imports nothing from src/; the counters of the data already there are backfilled here.
 */
export class Migration20261129000005_progress_held_late extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table progress_counter
        add column lv_central_committee_held_late integer not null default 0,
        add column lv_directly_under_central_held_late integer not null default 0,
        add column lv_above_base_held_late integer not null default 0,
        add column lv_base_committee_held_late integer not null default 0,
        add column lv_base_cell_held_late integer not null default 0,
        add column lv_sub_committee_held_late integer not null default 0,
        add column lv_cell_held_late integer not null default 0;`);
    this.addSql(`
      update progress_counter pc
         set lv_central_committee_held_late = r.central_committee,
             lv_directly_under_central_held_late = r.directly_under_central,
             lv_above_base_held_late = r.above_base,
             lv_base_committee_held_late = r.base_committee,
             lv_base_cell_held_late = r.base_cell,
             lv_sub_committee_held_late = r.sub_committee,
             lv_cell_held_late = r.cell
        from (
          select a.id as organization_id,
                 count(*) filter (where o.level = 'CENTRAL_COMMITTEE')::int as central_committee,
                 count(*) filter (where o.level = 'DIRECTLY_UNDER_CENTRAL')::int as directly_under_central,
                 count(*) filter (where o.level = 'ABOVE_BASE')::int as above_base,
                 count(*) filter (where o.level = 'BASE_COMMITTEE')::int as base_committee,
                 count(*) filter (where o.level = 'BASE_CELL')::int as base_cell,
                 count(*) filter (where o.level = 'SUB_COMMITTEE')::int as sub_committee,
                 count(*) filter (where o.level = 'CELL')::int as cell
            from organization_placement p
            join organization o on o.id = p.organization_id
            join congress c on c.organization_id = o.id and c.term = (select code from term where is_current)
            left join term_calendar tc on tc.term = (select code from term where is_current) and tc.level = o.level
            cross join lateral unnest(p.path[1:cardinality(p.path) - 1]) as a(id)
           where p.valid_to is null
             and c.stage in ('HELD', 'RESULTS_CONFIRMED')
             and c.held_end > coalesce(c.deadline_override, tc.deadline)
           group by a.id
        ) r
       where pc.organization_id = r.organization_id;`);
  }

  override async down(): Promise<void> {
    this.addSql(`
      alter table progress_counter
        drop column lv_central_committee_held_late,
        drop column lv_directly_under_central_held_late,
        drop column lv_above_base_held_late,
        drop column lv_base_committee_held_late,
        drop column lv_base_cell_held_late,
        drop column lv_sub_committee_held_late,
        drop column lv_cell_held_late;`);
  }
}
