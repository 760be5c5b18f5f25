import { Migration } from '@mikro-orm/migrations';

/**
 * The Party Charter's congress rules as data, per term (../shared/domain/facts.md §1 and §3), and the rounds of a
 * term: cells (chi bộ, CELL and BASE_CELL) hold two congresses in a five-year term, the term-opening one (round 1)
 * and a mid-term one (round 2). Frozen SQL: it imports nothing from src/.
 *
 * congress_rule, one row per term (a term without a row follows the latest earlier term that has one):
 *   approval_required           a congress is recorded as held only after the superior's approval (stage APPROVED)
 *   quorum_numerator/_denominator  a congress is valid only when MORE than numerator/denominator of those convened attend
 *   cell_min_members            a cell has at least this many (full) members
 *   cell_committee_min_members  from this many members a cell elects a committee (chi ủy)
 *   small_cell_max_elected      below that, it elects a secretary and may elect a deputy: at most this many
 * congress_level_rule, one row per term and level:
 *   rounds_per_term             how many congresses an organisation of the level holds in the term
 */
export class Migration20261129000006_congress_rules extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table congress add column round integer not null default 1;`);
    this.addSql(`alter table congress add constraint congress_round_check check (round >= 1);`);
    this.addSql(`alter table congress drop constraint congress_org_term_unique;`);
    this.addSql(`alter table congress add constraint congress_org_term_round_unique unique (organization_id, term, round);`);
    this.addSql(`
      create table congress_rule (
        term text primary key references term (code),
        approval_required boolean not null,
        quorum_numerator integer not null,
        quorum_denominator integer not null,
        cell_min_members integer not null,
        cell_committee_min_members integer not null,
        small_cell_max_elected integer not null,
        version integer not null default 1,
        updated_at timestamptz not null default now(),
        constraint congress_rule_quorum_check check (quorum_numerator >= 0 and quorum_denominator > 0 and quorum_numerator < quorum_denominator),
        constraint congress_rule_cell_check check (cell_min_members >= 0 and cell_committee_min_members >= cell_min_members and small_cell_max_elected >= 1)
      );`);
    this.addSql(`
      create table congress_level_rule (
        term text not null references congress_rule (term),
        level text not null,
        rounds_per_term integer not null,
        primary key (term, level),
        constraint congress_level_rule_rounds_check check (rounds_per_term between 1 and 5)
      );`);
    // The Charter's values, for every term recorded so far.
    this.addSql(`insert into congress_rule (term, approval_required, quorum_numerator, quorum_denominator, cell_min_members, cell_committee_min_members, small_cell_max_elected)
      select code, true, 2, 3, 3, 9, 2 from term;`);
    this.addSql(`insert into congress_level_rule (term, level, rounds_per_term)
      select t.code, l.level, l.rounds from term t cross join (values
        ('CENTRAL_COMMITTEE', 1), ('DIRECTLY_UNDER_CENTRAL', 1), ('ABOVE_BASE', 1), ('BASE_COMMITTEE', 1),
        ('SUB_COMMITTEE', 1), ('BASE_CELL', 2), ('CELL', 2)) as l(level, rounds);`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists congress_level_rule;');
    this.addSql('drop table if exists congress_rule;');
    this.addSql(`delete from congress_event where congress_id in (select id from congress where round > 1);`);
    this.addSql(`delete from congress where round > 1;`);
    this.addSql('alter table congress drop constraint congress_org_term_round_unique;');
    this.addSql('alter table congress add constraint congress_org_term_unique unique (organization_id, term);');
    this.addSql('alter table congress drop column round;');
  }
}
