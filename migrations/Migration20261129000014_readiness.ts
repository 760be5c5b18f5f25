import { Migration } from '@mikro-orm/migrations';

/**
 * Readiness reports upward and complaints counts (src/readiness).
 *
 * `readiness_report`: one row per version an organisation submitted to its parent (SUBMITTED, then RETURNED or
 * ACKNOWLEDGED), plus at most one open DRAFT per organisation (the next version, not submitted yet). Every state change
 * is dated: `submitted_on` / `decided_on` (the request's today) and the instants `submitted_at` / `decided_at`, so a
 * read on day D sees the status as it stood then. The checklist is computed from live data at submission and stored
 * with the version (jsonb), never recomputed.
 *
 * `congress_complaint_count`: complaints and denunciations about a congress, counts by status only (no personal data).
 * A new row per change, effective from `effective_on`; the value on D is the latest row effective on or before D.
 * Frozen SQL; it imports nothing from src/.
 */
export class Migration20261129000014_readiness extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table readiness_report (
        id uuid primary key,
        organization_id uuid not null references organization (id),
        congress_id uuid references congress (id),
        version integer not null,
        status text not null,
        narrative text,
        checklist jsonb,
        submitted_on date,
        submitted_at timestamptz,
        submitted_by_id uuid,
        submitted_by_name text,
        return_reason text,
        decided_on date,
        decided_at timestamptz,
        decided_by_id uuid,
        decided_by_name text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint readiness_report_version_unique unique (organization_id, version),
        constraint readiness_report_version_check check (version >= 1),
        constraint readiness_report_status_check check (status in ('DRAFT','SUBMITTED','RETURNED','ACKNOWLEDGED')),
        constraint readiness_report_submitted_check check (
          (status = 'DRAFT' and submitted_on is null and submitted_at is null and checklist is null)
          or (status <> 'DRAFT' and submitted_on is not null and submitted_at is not null and checklist is not null and congress_id is not null and narrative is not null)),
        constraint readiness_report_decided_check check ((status in ('RETURNED','ACKNOWLEDGED')) = (decided_on is not null and decided_at is not null)),
        constraint readiness_report_reason_check check ((status = 'RETURNED') = (return_reason is not null)),
        constraint readiness_report_dates_check check (decided_on is null or decided_on >= submitted_on)
      );`);
    this.addSql(`create unique index readiness_report_one_draft on readiness_report (organization_id) where status = 'DRAFT';`);
    this.addSql(`create index readiness_report_latest_idx on readiness_report (organization_id, version desc) include (submitted_on, decided_on, status) where status <> 'DRAFT';`);
    this.addSql(`
      create table congress_complaint_count (
        id bigint generated always as identity primary key,
        congress_id uuid not null references congress (id),
        kind text not null,
        status text not null,
        count integer not null,
        effective_on date not null,
        recorded_at timestamptz not null default now(),
        constraint complaint_kind_check check (kind in ('COMPLAINT','DENUNCIATION')),
        constraint complaint_status_check check (status in ('RECEIVED','IN_PROGRESS','RESOLVED')),
        constraint complaint_count_check check (count >= 0)
      );`);
    this.addSql(`create index congress_complaint_count_idx on congress_complaint_count (congress_id, kind, status, effective_on desc, id desc);`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists congress_complaint_count;');
    this.addSql('drop table if exists readiness_report;');
  }
}
