import { Migration } from '@mikro-orm/migrations';

export class Migration20261128000003_restructuring extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table organization add column pending_establishment boolean not null default false;`);
    this.addSql(`alter table organization add column renamed boolean not null default false;`);
    this.addSql(`
      create table organization_name (
        id bigint generated always as identity primary key,
        organization_id uuid not null references organization (id),
        name text not null,
        short_name text,
        valid_from date not null,
        valid_to date not null,
        constraint organization_name_interval_check check (valid_to > valid_from),
        constraint organization_name_no_overlap exclude using gist (organization_id with =, daterange(valid_from, valid_to) with &&)
      );`);
    this.addSql(`
      create table restructuring (
        id uuid primary key,
        kind text not null,
        status text not null default 'PROPOSED',
        title text not null,
        note text,
        decision_number text,
        decision_date date,
        issuer text,
        effective_on date,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        applied_at timestamptz,
        constraint restructuring_kind_check check (kind in ('MERGE','ABSORB','SPLIT','DISSOLVE','END_OPERATION','ESTABLISH','TRANSFER','RENAME','REORGANIZE')),
        constraint restructuring_status_check check (status in ('PROPOSED','APPROVED','EFFECTIVE','CANCELLED')),
        constraint restructuring_decision_check check (effective_on is null or decision_date is null or effective_on >= decision_date)
      );`);
    this.addSql(`create index restructuring_status_idx on restructuring (status, effective_on);`);
    this.addSql(`
      create table restructuring_participant (
        restructuring_id uuid not null references restructuring (id),
        organization_id uuid not null references organization (id),
        role text not null,
        position integer not null,
        new_parent_id uuid references organization (id),
        new_name text,
        new_short_name text,
        created_by_restructuring boolean not null default false,
        primary key (restructuring_id, organization_id, role),
        constraint participant_role_check check (role in ('SOURCE','TARGET','MOVED')),
        constraint participant_moved_check check (role <> 'MOVED' or new_parent_id is not null)
      );`);
    this.addSql(`create index participant_org_idx on restructuring_participant (organization_id);`);
    // At most one pending (PROPOSED or APPROVED) restructuring per organisation, enforced by the primary key.
    this.addSql(`
      create table restructuring_pending (
        organization_id uuid primary key references organization (id),
        restructuring_id uuid not null references restructuring (id)
      );`);
    this.addSql(`create index restructuring_pending_r_idx on restructuring_pending (restructuring_id);`);
    this.addSql(`
      create table restructuring_event (
        id bigint generated always as identity primary key,
        restructuring_id uuid not null references restructuring (id),
        from_status text,
        to_status text not null,
        actor text,
        note text,
        recorded_at timestamptz not null default now()
      );`);
    this.addSql(`create index restructuring_event_idx on restructuring_event (restructuring_id, id);`);
    this.addSql(`
      create table organization_lineage (
        predecessor_id uuid not null references organization (id),
        successor_id uuid not null references organization (id),
        restructuring_id uuid not null references restructuring (id),
        effective_on date not null,
        primary key (predecessor_id, successor_id)
      );`);
    this.addSql(`create index lineage_successor_idx on organization_lineage (successor_id);`);
  }

  override async down(): Promise<void> {
    for (const t of ['organization_lineage', 'restructuring_event', 'restructuring_pending', 'restructuring_participant', 'restructuring', 'organization_name']) {
      this.addSql(`drop table if exists ${t};`);
    }
    this.addSql('alter table organization drop column if exists renamed;');
    this.addSql('alter table organization drop column if exists pending_establishment;');
  }
}
