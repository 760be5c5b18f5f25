import { Migration } from '@mikro-orm/migrations';

/**
 * Every organisation a restructuring touches is one of its participants, with its role: besides SOURCE, TARGET and
 * MOVED, the parent a moved organisation leaves (OLD_PARENT, recorded on the MOVED row as `old_parent_id`) and the
 * parent a moved or created organisation goes under (NEW_PARENT). Frozen SQL; existing rows are backfilled here:
 * the old parent of an applied move is its parent on the day before the effective date; of any other move, its
 * parent on the planned effective date, else on the day it was proposed (in Asia/Ho_Chi_Minh).
 */
export class Migration20261129000007_restructuring_roles extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table restructuring_participant add column old_parent_id uuid references organization (id);`);
    this.addSql(`alter table restructuring_participant drop constraint participant_role_check;`);
    this.addSql(`
      alter table restructuring_participant add constraint participant_role_check
        check (role in ('SOURCE','TARGET','MOVED','OLD_PARENT','NEW_PARENT'));`);
    this.addSql(`
      update restructuring_participant rp
         set old_parent_id = (
               select pl.parent_id from organization_placement pl
                where pl.organization_id = rp.organization_id
                  and pl.valid_from <= d.day and (pl.valid_to is null or pl.valid_to > d.day))
        from restructuring r
        cross join lateral (
          select case when r.status = 'EFFECTIVE' then r.effective_on - 1
                      else coalesce(r.effective_on, (r.created_at at time zone 'Asia/Ho_Chi_Minh')::date) end as day) d
       where r.id = rp.restructuring_id and rp.role = 'MOVED';`);
    this.addSql(`
      insert into restructuring_participant (restructuring_id, organization_id, role, position)
      select p.restructuring_id, p.organization_id, p.role,
             t.last + row_number() over (partition by p.restructuring_id order by p.role desc, p.first, p.organization_id)
        from (select restructuring_id, old_parent_id as organization_id, 'OLD_PARENT' as role, min(position) as first
                from restructuring_participant where role = 'MOVED' and old_parent_id is not null group by 1, 2
              union all
              select restructuring_id, new_parent_id, 'NEW_PARENT', min(position)
                from restructuring_participant where role in ('MOVED','TARGET') and new_parent_id is not null group by 1, 2) p
        join (select restructuring_id, max(position) as last from restructuring_participant group by 1) t using (restructuring_id)
      on conflict do nothing;`);
  }

  override async down(): Promise<void> {
    this.addSql(`delete from restructuring_participant where role in ('OLD_PARENT','NEW_PARENT');`);
    this.addSql(`alter table restructuring_participant drop constraint participant_role_check;`);
    this.addSql(`alter table restructuring_participant add constraint participant_role_check check (role in ('SOURCE','TARGET','MOVED'));`);
    this.addSql(`alter table restructuring_participant drop column old_parent_id;`);
  }
}
