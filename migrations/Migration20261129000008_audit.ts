import { Migration } from '@mikro-orm/migrations';

/**
 * The audit log: one row per committed write transaction (a mutation, the demo seed, a tool), written by the audit
 * journal consumer just before commit. `entities` is a JSON array of {type, id}; `changes` a JSON array of
 * {type, id, before, after} (the changed fields of one entity); `organizations` the organisations the transaction
 * touched, for `auditEvents(under:)`. Append-only: triggers refuse UPDATE, DELETE and TRUNCATE, whoever asks.
 * Frozen SQL; it imports nothing from src/.
 */
export class Migration20261129000008_audit extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table audit_event (
        id uuid primary key default gen_random_uuid(),
        occurred_at timestamptz not null default now(),
        principal jsonb not null,
        operation text not null,
        request_id text,
        entities jsonb not null default '[]',
        changes jsonb not null default '[]',
        organizations uuid[] not null default '{}',
        constraint audit_event_principal_check check (jsonb_typeof(principal) = 'object'),
        constraint audit_event_entities_check check (jsonb_typeof(entities) = 'array'),
        constraint audit_event_changes_check check (jsonb_typeof(changes) = 'array'),
        constraint audit_event_operation_check check (length(operation) > 0)
      );`);
    this.addSql(`create index audit_event_occurred_idx on audit_event (occurred_at, id);`);
    this.addSql(`create index audit_event_organizations_idx on audit_event using gin (organizations);`);
    this.addSql(`create index audit_event_entities_idx on audit_event using gin (entities jsonb_path_ops);`);
    this.addSql(`
      create function audit_event_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_event is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
      end
      $$;`);
    this.addSql(`
      create trigger audit_event_no_change before update or delete on audit_event
        for each row execute function audit_event_append_only();`);
    this.addSql(`
      create trigger audit_event_no_truncate before truncate on audit_event
        for each statement execute function audit_event_append_only();`);
    this.addSql(`revoke update, delete, truncate on audit_event from public;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists audit_event;');
    this.addSql('drop function if exists audit_event_append_only();');
  }
}
