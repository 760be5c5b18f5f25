import { Migration } from '@mikro-orm/migrations';

/**
 * The data version: one number that every committed write raises, in the same transaction, just before COMMIT (the
 * kernel's journal consumer `data-version`, src/cache/data-version.consumer.ts). A response cache keyed by it can never
 * serve an answer that a committed write has changed, on any instance: each request reads the version first (in the
 * statement that authenticates it) and only answers computed at that same version are reused. Frozen SQL; it imports
 * nothing from src/.
 */
export class Migration20261129000015_data_version extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table data_version (
        id smallint primary key default 1,
        version bigint not null default 0,
        constraint data_version_single_row check (id = 1)
      );`);
    this.addSql(`insert into data_version (id, version) values (1, 0);`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists data_version;');
  }
}
