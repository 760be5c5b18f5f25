import { Migration } from '@mikro-orm/migrations';

/**
 * Thresholds of the at-risk signals, as data per term and level, dated like the term calendar (migration 9): the row
 * holds the values in force on the latest date and the day they took effect (valid_from, null: from the start);
 * risk_threshold_history keeps every earlier value with the days it held, [valid_from, valid_to). A term without its
 * own entry for a level follows the latest earlier term that has one (as congress_rule does).
 *
 *   not_scheduled_window_days  NOT_SCHEDULED_NEAR_DEADLINE: a congress with no planned date whose deadline is this many
 *                              days away or fewer (and not yet past: then it is overdue)
 *   stuck_days                 STUCK: a congress not held that has stayed MORE than this many days in its stage
 *
 * Defaults, for every level and every term recorded so far (../shared/domain/facts.md §3):
 *   CELL, SUB_COMMITTEE        30 / 30   a one-day (often half-day) congress whose plan is issued some 50–80 days
 *                                        ahead: a month before the deadline with no date leaves the base committee no
 *                                        time to guide it; a month without a step is a stall at this size.
 *   BASE_CELL, BASE_COMMITTEE  45 / 45   base organisations: the superior approves documents and personnel before the
 *                                        congress (one provincial plan asks 45 working days before opening), and their
 *                                        cells must be held first.
 *   ABOVE_BASE                 60 / 60   a three-day congress after 30–60 subordinates; drafts go to the superior
 *                                        for comments and approval, a longer step each.
 *   DIRECTLY_UNDER_CENTRAL,    90 / 60   documents and personnel approved by the Politburo / Secretariat: a quarter's
 *   CENTRAL_COMMITTEE                    lead; two months without a step is a stall even at this level.
 * Frozen SQL; it imports nothing from src/.
 */
export class Migration20261129000013_risk extends Migration {
  override async up(): Promise<void> {
    const checks = `
        constraint risk_threshold_level_check check (level in ('CENTRAL_COMMITTEE','DIRECTLY_UNDER_CENTRAL','ABOVE_BASE','BASE_COMMITTEE','BASE_CELL','SUB_COMMITTEE','CELL')),
        constraint risk_threshold_window_check check (not_scheduled_window_days between 0 and 366),
        constraint risk_threshold_stuck_check check (stuck_days between 1 and 366)`;
    this.addSql(`
      create table risk_threshold (
        term text not null references term (code),
        level text not null,
        not_scheduled_window_days integer not null,
        stuck_days integer not null,
        version integer not null default 1,
        valid_from date,
        updated_at timestamptz not null default now(),
        primary key (term, level),${checks}
      );`);
    this.addSql(`
      create table risk_threshold_history (
        id bigint generated always as identity primary key,
        term text not null references term (code),
        level text not null,
        not_scheduled_window_days integer not null,
        stuck_days integer not null,
        version integer not null,
        valid_from date,
        valid_to date not null,
        recorded_at timestamptz not null default now(),${checks.replace(/risk_threshold_/g, 'risk_threshold_history_')},
        constraint risk_threshold_history_interval_check check (valid_from is null or valid_to > valid_from),
        constraint risk_threshold_history_no_overlap exclude using gist (term with =, level with =, daterange(valid_from, valid_to) with &&)
      );`);
    this.addSql(`create index risk_threshold_history_idx on risk_threshold_history (term, level, valid_to);`);
    this.addSql(`create index risk_threshold_history_to_idx on risk_threshold_history (valid_to);`);
    this.addSql(`insert into risk_threshold (term, level, not_scheduled_window_days, stuck_days)
      select t.code, l.level, l.window_days, l.stuck_days from term t cross join (values
        ('CELL', 30, 30), ('SUB_COMMITTEE', 30, 30), ('BASE_CELL', 45, 45), ('BASE_COMMITTEE', 45, 45),
        ('ABOVE_BASE', 60, 60), ('DIRECTLY_UNDER_CENTRAL', 90, 60), ('CENTRAL_COMMITTEE', 90, 60)) as l(level, window_days, stuck_days);`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists risk_threshold_history;');
    this.addSql('drop table if exists risk_threshold;');
  }
}
