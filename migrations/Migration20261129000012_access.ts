import { Migration } from '@mikro-orm/migrations';

/**
 * Principals and their tokens (access control). A principal has a name, a role and, except ADMIN, a scope
 * organisation (PUBLIC may be unscoped). A token is stored only as its SHA-256 hash, with a short prefix to recognise
 * it; revocable (the principal or one token) and optionally expiring; `last_used_at` is refreshed at most once a
 * minute. Frozen SQL; it imports nothing from src/.
 */
export class Migration20261129000012_access extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table principal (
        id uuid primary key,
        name text not null,
        role text not null,
        scope_organization_id uuid references organization (id),
        created_at timestamptz not null default now(),
        created_by text not null,
        revoked_at timestamptz,
        constraint principal_name_check check (length(name) between 1 and 200),
        constraint principal_role_check check (role in ('ADMIN','EDITOR','VIEWER','PUBLIC')),
        constraint principal_scope_check check (
          (role = 'ADMIN' and scope_organization_id is null)
          or (role in ('EDITOR','VIEWER') and scope_organization_id is not null)
          or role = 'PUBLIC')
      );`);
    this.addSql(`create index principal_scope_idx on principal (scope_organization_id);`);
    this.addSql(`
      create table access_token (
        id uuid primary key,
        principal_id uuid not null references principal (id),
        token_hash bytea not null,
        token_prefix text not null,
        created_at timestamptz not null default now(),
        expires_at timestamptz,
        revoked_at timestamptz,
        last_used_at timestamptz,
        constraint access_token_hash_unique unique (token_hash),
        constraint access_token_hash_check check (length(token_hash) = 32)
      );`);
    this.addSql(`create index access_token_principal_idx on access_token (principal_id);`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists access_token;');
    this.addSql('drop table if exists principal;');
  }
}
