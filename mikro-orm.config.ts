import { defineConfig } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { SeedManager } from '@mikro-orm/seeder';
import { migrationsList } from './migrations';
import { Congress, CongressEvent } from './src/congress/congress.entity';
import { Organization } from './src/organization/organization.entity';

/**
 * The entities written through the unit of work (created, loaded, flushed inside the kernel's transaction, with
 * `version` as optimistic lock): nothing else is registered. Every other table is read and written in SQL through
 * `tx.sql` (src/common/sql.ts), its rows typed where they are read. The runtime adds the connection URL and pool size.
 */
export const entities = [Organization, Congress, CongressEvent];

export default defineConfig({
  entities,
  clientUrl: process.env.DATABASE_URL,
  extensions: [Migrator, SeedManager],
  discovery: { warnWhenNoEntities: true },
  migrations: {
    migrationsList,
    tableName: 'mikro_orm_migrations',
    transactional: true,
    allOrNothing: true,
    snapshot: false,
  },
  seeder: { path: 'seeds', pathTs: 'seeds', defaultSeeder: 'DemoSeeder' },
  forceUtcTimezone: true,
  debug: false,
});
