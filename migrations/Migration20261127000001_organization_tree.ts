import { Migration } from '@mikro-orm/migrations';

export class Migration20261127000001_organization_tree extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create extension if not exists btree_gist;`);
    this.addSql(`create extension if not exists pg_trgm;`);
    this.addSql(`
      create table organization (
        id uuid primary key,
        code text not null,
        name text not null,
        short_name text,
        level text not null,
        above_base_powers boolean not null default false,
        member_count integer not null default 0,
        established_on date not null,
        ended_on date,
        search_text text not null,
        sort_key text collate "C" not null,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint organization_code_unique unique (code),
        constraint organization_level_check check (level in ('CENTRAL_COMMITTEE','DIRECTLY_UNDER_CENTRAL','ABOVE_BASE','BASE_COMMITTEE','BASE_CELL','SUB_COMMITTEE','CELL')),
        constraint organization_member_count_check check (member_count >= 0),
        constraint organization_dates_check check (ended_on is null or ended_on > established_on),
        constraint organization_name_check check (length(btrim(name)) > 0)
      );`);
    this.addSql(`create index organization_search_idx on organization using gin (search_text gin_trgm_ops);`);
    this.addSql(`create index organization_sort_idx on organization (sort_key, id);`);
    this.addSql(`
      create table organization_placement (
        id bigint generated always as identity primary key,
        organization_id uuid not null references organization (id),
        parent_id uuid references organization (id),
        path uuid[] not null,
        depth smallint not null,
        valid_from date not null,
        valid_to date,
        constraint placement_interval_check check (valid_to is null or valid_to > valid_from),
        constraint placement_path_check check (path[cardinality(path)] = organization_id and depth = cardinality(path) - 1),
        constraint placement_no_overlap exclude using gist (organization_id with =, daterange(valid_from, valid_to) with &&)
      );`);
    this.addSql(`create index placement_org_idx on organization_placement (organization_id, valid_from);`);
    this.addSql(`create index placement_parent_idx on organization_placement (parent_id, valid_from);`);
    this.addSql(`create index placement_path_idx on organization_placement using gin (path);`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists organization_placement;');
    this.addSql('drop table if exists organization;');
  }
}
